"""Build data/outlines/context.geojson: the land around the theatre, for the map's base.

The map draws the sea as its background and the land on top of it; the theatre's
countries come from ``countries.geojson`` (see ``build_outlines.py``), and this
file adds every other country that reaches into the area the map shows (longitude
-20 to 50, latitude -5 to 50: southern Europe, the Levant, the Sahel), so Sicily,
Malta or Crete are not drawn as sea. Same source as ``countries.geojson``: Natural
Earth 1:50m (public domain) from the npm package ``world-atlas`` 2.0.2, fetched
with ``npm pack``; simplified to 0.02 degree (about 2 km, enough for a background)
and rounded to 3 decimals. Properties: ``name`` only. The map uses the shapes alone.

Run from the repository root::

    python data/tools/build_context.py
    python data/tools/build_context.py --source countries-50m.json   # a local copy
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from build_outlines import COUNTRIES, decode_arcs, fetch_topojson, geometry_from_topology
from shapely.geometry import MultiPolygon, box, mapping
from shapely.geometry.polygon import orient

#: (west, south, east, north) of the area whose land is kept.
AREA = (-20.0, -5.0, 50.0, 50.0)
TOLERANCE = 0.02
DECIMALS = 3
OUT = Path(__file__).resolve().parent.parent / "outlines" / "context.geojson"


def _rounded(coords: Any) -> Any:
    if isinstance(coords, (float, int)):
        return round(float(coords), DECIMALS)
    return [_rounded(c) for c in coords]


def build(topojson_path: Path) -> dict[str, Any]:
    """The FeatureCollection of the countries reaching into ``AREA``, sorted by name."""
    topology = json.loads(topojson_path.read_text(encoding="utf-8"))
    arcs = decode_arcs(topology)
    area = box(*AREA)
    features = []
    for geom in topology["objects"]["countries"]["geometries"]:
        if geom.get("id") in COUNTRIES or geom.get("type") not in ("Polygon", "MultiPolygon"):
            continue
        multi = geometry_from_topology(geom, arcs)
        if not multi.intersects(area):
            continue
        clipped = multi.intersection(area.buffer(5.0)).simplify(TOLERANCE, preserve_topology=True)
        polygons = [orient(p) for p in getattr(clipped, "geoms", [clipped])]
        polygons = [p for p in polygons if p.geom_type == "Polygon" and not p.is_empty]
        if not polygons:
            continue
        out = mapping(polygons[0] if len(polygons) == 1 else MultiPolygon(polygons))
        name = str((geom.get("properties") or {}).get("name") or geom.get("id"))
        features.append(
            {
                "type": "Feature",
                "properties": {"name": name},
                "geometry": {"type": out["type"], "coordinates": _rounded(out["coordinates"])},
            }
        )
    features.sort(key=lambda f: f["properties"]["name"])
    return {"type": "FeatureCollection", "features": features}


def main(argv: list[str] | None = None) -> int:
    """Build the context land and write it; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, help="a local countries-50m.json (skips npm)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        source = args.source or fetch_topojson(Path(tmp))
        collection = build(source)
    text = json.dumps(collection, separators=(",", ":"), ensure_ascii=False)
    args.out.write_text(text + "\n", encoding="utf-8")
    print(f"wrote {args.out} ({len(text) / 1e3:.0f} kB, {len(collection['features'])} countries)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
