"""The built seeds map's front line reads as one line, as a reader expects (territory)."""

from __future__ import annotations

import json

from shapely.geometry import shape

from geo.build import build


def test_seeds_front_line_on_2020_07_13_is_one_continuous_line(seeds_dir, tmp_path):
    build([seeds_dir], tmp_path / "maps")
    lines = json.loads((tmp_path / "maps" / "frontline.geojson").read_text(encoding="utf-8"))
    on_day = [
        f for f in lines["features"]
        if f["properties"]["date"] <= "2020-07-13" <= (f["properties"]["date_end"] or "9999")
    ]  # fmt: skip
    assert len(on_day) == 1 and on_day[0]["properties"]["sides"] == "GNA|LNA"
    line = shape(on_day[0]["geometry"])
    assert line.geom_type == "LineString"  # one piece, not dozens
    west, south, east, north = line.bounds
    assert north > 31.0 and south < 30.0  # from the coast inland, toward al-Jufra
    areas = json.loads((tmp_path / "maps" / "control.geojson").read_text(encoding="utf-8"))
    assert areas["features"]
