"""Build data/outlines/countries.geojson: outlines of Libya and its neighbours.

The outlines come from Natural Earth (public domain) at 1:50m, as redistributed
in TopoJSON by the npm package ``world-atlas`` (version pinned below). The
script fetches that package with the ordinary npm client (``npm pack``) into a
temporary folder, decodes the TopoJSON itself (no JavaScript needed), keeps the
theatre's countries, rounds the coordinates and writes GeoJSON with the
properties ``iso_a2`` and ``name``.

Run from the repository root::

    python data/tools/build_outlines.py                 # fetch world-atlas with npm
    python data/tools/build_outlines.py --source countries-50m.json   # use a local copy

The output is deterministic for a given input.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from shapely.geometry import MultiPolygon, Polygon, mapping, shape
from shapely.geometry.polygon import orient

#: The npm package and file the outlines come from.
PACKAGE = "world-atlas"
VERSION = "2.0.2"
SOURCE_FILE = "countries-50m.json"

#: ISO 3166-1 numeric code (world-atlas feature id) -> (alpha-2 code, name).
#: Codes from the ISO 3166-1 standard; names as the map shows them.
COUNTRIES: dict[str, tuple[str, str]] = {
    "434": ("LY", "Libya"),
    "788": ("TN", "Tunisia"),
    "012": ("DZ", "Algeria"),
    "562": ("NE", "Niger"),
    "148": ("TD", "Chad"),
    "729": ("SD", "Sudan"),
    "818": ("EG", "Egypt"),
}

#: Douglas-Peucker tolerance in degrees (0: keep Natural Earth's 1:50m vertices; the
#: seven countries take about 35 kB) and output precision (4 decimals: about 10 m).
TOLERANCE = 0.0
DECIMALS = 4

OUT = Path(__file__).resolve().parent.parent / "outlines" / "countries.geojson"


def fetch_topojson(workdir: Path) -> Path:
    """Download the pinned world-atlas package with npm and return the TopoJSON path."""
    subprocess.run(
        ["npm", "pack", f"{PACKAGE}@{VERSION}", "--pack-destination", str(workdir)],
        check=True,
        cwd=workdir,
        stdout=subprocess.DEVNULL,
    )
    tarball = workdir / f"{PACKAGE}-{VERSION}.tgz"
    with tarfile.open(tarball) as tar:
        member = tar.getmember(f"package/{SOURCE_FILE}")
        tar.extractall(workdir, members=[member], filter="data")
    return workdir / "package" / SOURCE_FILE


def decode_arcs(topology: dict[str, Any]) -> list[list[tuple[float, float]]]:
    """Return every arc as a list of (lon, lat), undoing quantisation.

    With a ``transform``, positions are quantised integers and every position
    after an arc's first is a delta from the one before it.
    """
    transform = topology.get("transform")
    arcs: list[list[tuple[float, float]]] = []
    for arc in topology["arcs"]:
        if transform is None:
            arcs.append([(float(p[0]), float(p[1])) for p in arc])
            continue
        (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
        x = y = 0
        points = []
        for dx, dy, *_ in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring_from_arcs(indexes: list[int], arcs: list[list[tuple[float, float]]]) -> list:
    """Stitch a ring from arc indexes (a negative index ``~i`` is arc ``i`` reversed)."""
    ring: list[tuple[float, float]] = []
    for index in indexes:
        points = arcs[~index][::-1] if index < 0 else arcs[index]
        # consecutive arcs share their end point: keep it once
        ring.extend(points if not ring else points[1:])
    return ring


def geometry_from_topology(geom: dict[str, Any], arcs: list) -> MultiPolygon:
    """Decode one Polygon or MultiPolygon TopoJSON geometry."""
    if geom["type"] == "Polygon":
        polygons = [geom["arcs"]]
    elif geom["type"] == "MultiPolygon":
        polygons = geom["arcs"]
    else:
        raise ValueError(f"unexpected geometry type {geom['type']!r}")
    parts = []
    for rings in polygons:
        shell, *holes = (ring_from_arcs(r, arcs) for r in rings)
        parts.append(Polygon(shell, holes))
    return MultiPolygon(parts)


def _rounded(coords: Any) -> Any:
    if isinstance(coords, (float, int)):
        return round(float(coords), DECIMALS)
    return [_rounded(c) for c in coords]


def build(topojson_path: Path) -> dict[str, Any]:
    """Return the FeatureCollection of the theatre's countries, sorted by iso_a2."""
    topology = json.loads(topojson_path.read_text(encoding="utf-8"))
    arcs = decode_arcs(topology)
    features = []
    for geom in topology["objects"]["countries"]["geometries"]:
        if geom.get("id") not in COUNTRIES:
            continue
        iso_a2, name = COUNTRIES[geom["id"]]
        multi = geometry_from_topology(geom, arcs)
        simple = multi.simplify(TOLERANCE, preserve_topology=True) if TOLERANCE else multi
        polygons = [orient(p) for p in getattr(simple, "geoms", [simple]) if not p.is_empty]
        out = mapping(polygons[0] if len(polygons) == 1 else MultiPolygon(polygons))
        features.append(
            {
                "type": "Feature",
                "properties": {"iso_a2": iso_a2, "name": name},
                "geometry": {"type": out["type"], "coordinates": _rounded(out["coordinates"])},
            }
        )
    missing = set(c for c, _ in COUNTRIES.values()) - {f["properties"]["iso_a2"] for f in features}
    if missing:
        raise SystemExit(f"countries missing from {topojson_path}: {sorted(missing)}")
    for feature in features:
        if not shape(feature["geometry"]).is_valid:
            raise SystemExit(f"invalid outline after simplifying: {feature['properties']}")
    features.sort(key=lambda f: f["properties"]["iso_a2"])
    return {"type": "FeatureCollection", "features": features}


def main(argv: list[str] | None = None) -> int:
    """Build the outlines and write them; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, help=f"a local {SOURCE_FILE} (skips npm)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        source = args.source or fetch_topojson(Path(tmp))
        collection = build(source)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(collection, separators=(",", ":"), ensure_ascii=False)
    args.out.write_text(text + "\n", encoding="utf-8")
    print(f"wrote {args.out} ({len(text) / 1e3:.0f} kB, {len(collection['features'])} countries)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
