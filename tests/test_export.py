"""Exports: the ACLED-like table, GeoDataFrames, the GeoPackage and atomic writes."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import subprocess
import sys

import geopandas as gpd
import pyogrio
import pytest

from geo.export import (
    EVENT_COLUMNS,
    events_csv,
    events_frame,
    events_table,
    frame_from_features,
    remove_stale_temporaries,
    replacing,
    write_exports,
    write_text_atomic,
)
from geo.model import Event, Place, PlaceMention, Source

DAY = dt.date(2020, 5, 18)


def event(n: int, **kw) -> Event:
    values = dict(
        id=f"ev-{n}",
        type="airstrike",
        date=DAY,
        date_end=None,
        date_precision="day",
        place="Zliten",
        place_id="ly-zliten",
        lat=32.4674,
        lon=14.5687,
        geo_precision="exact",
        actor="LNA",
        target="GNA",
        status="claimed",
        claimed_by="LNA",
        fatalities=2,
        sources=[
            Source("a.txt", "Wire One", "https://one.example/1", DAY,
                   "Jets struck a depot in Zliten, the army said."),
            Source("b.txt", "Wire Two", None, DAY, "A depot in Zliten was hit."),
            Source("c.txt", "Wire One", None, DAY, "Zliten depot bombed."),
        ],
    )
    values.update(kw)
    return Event(**values)


EVENTS = [
    event(1),
    event(2, type="shelling", date_end=dt.date(2020, 5, 20), date_precision="range",
          geo_precision="near", actor=None, target=None, status="reported", claimed_by=None,
          fatalities=None, sources=[Source("d.txt", None, None, DAY, "Shells fell nearby.")]),
    event(3, type="threat", date_precision="published", geo_precision="region", sources=[]),
]
ZLITEN = Place("ly-zliten", "Zliten", 32.4674, 14.5687, "city", "LY")
MENTIONS = [
    PlaceMention("a.txt", "Zliten", 10, 16, ZLITEN),
    PlaceMention("b.txt", "Zliten", 3, 9, ZLITEN),
    PlaceMention("b.txt", "Wadi Unknown", 30, 42, None),
]


def test_events_table_columns_and_values():
    rows = events_table(EVENTS)
    assert [list(r) for r in rows] == [list(EVENT_COLUMNS)] * 3
    first, second, third = rows
    assert first == {
        "event_date": "2020-05-18", "event_type": "airstrike", "actor1": "LNA",
        "actor2": "GNA", "location": "Zliten", "latitude": 32.4674, "longitude": 14.5687,
        "geo_precision": 1, "time_precision": 1, "source": "Wire One; Wire Two",
        "notes": "Jets struck a depot in Zliten, the army said.", "status": "claimed",
        "claimed_by": "LNA", "corroboration": 2, "fatalities": 2, "event_id": "ev-1",
        "date_end": "", "review": "", "reviewed_at": "", "reviewed_by": "",
    }
    assert (second["time_precision"], second["geo_precision"]) == (2, 2)
    assert second["date_end"] == "2020-05-20" and second["source"] == "d.txt"
    assert (second["actor1"], second["claimed_by"], second["fatalities"]) == ("", "", None)
    assert (third["time_precision"], third["geo_precision"]) == (3, 3)
    assert (third["notes"], third["source"], third["corroboration"]) == ("", "", 0)


@pytest.mark.parametrize(
    ("precision", "code"),
    [("day", 1), ("range", 2), ("month", 3), ("year", 3), ("published", 3)],
)
def test_time_precision_codes(precision, code):
    [row] = events_table([event(1, date_precision=precision)])
    assert row["time_precision"] == code


def test_events_csv_round_trips():
    rows = list(csv.DictReader(io.StringIO(events_csv(EVENTS))))
    assert list(rows[0]) == list(EVENT_COLUMNS)
    assert [r["event_id"] for r in rows] == ["ev-1", "ev-2", "ev-3"]
    assert rows[1]["fatalities"] == ""
    assert events_csv([]) == ",".join(EVENT_COLUMNS) + "\n"


def test_events_frame_points_are_lon_lat_in_wgs84():
    frame = events_frame(EVENTS)
    assert frame.crs.to_epsg() == 4326
    assert (frame.geometry.x.iloc[0], frame.geometry.y.iloc[0]) == (14.5687, 32.4674)
    sources = json.loads(frame["sources"].iloc[0])
    assert sources[0] == {"file": "a.txt", "outlet": "Wire One", "url": "https://one.example/1",
                          "published": "2020-05-18",
                          "sentence": "Jets struck a depot in Zliten, the army said."}
    assert len(events_frame([])) == 0


def test_frame_from_features_turns_lists_into_json():
    frame = frame_from_features({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [13.1, 32.9]},
         "properties": {"name": "A", "articles": ["x.txt", "y.txt"], "n": 2}},
        {"type": "Feature", "geometry": {"type": "LineString",
                                         "coordinates": [[13, 32], [14, 33]]},
         "properties": {"name": "B", "extra": {"k": 1}}},
    ]})
    assert frame.crs.to_epsg() == 4326
    assert json.loads(frame["articles"].iloc[0]) == ["x.txt", "y.txt"]
    assert json.loads(frame["extra"].iloc[1]) == {"k": 1}
    assert list(frame.geometry.geom_type) == ["Point", "LineString"]


def test_write_exports_geopackage_opens_with_geopandas(tmp_path):
    written = write_exports(tmp_path, events=EVENTS, mentions=MENTIONS)
    names = {p.name for p in written}
    assert names == {"events.geojson", "places.geojson", "events.csv", "frontline.gpkg"}
    gpkg = tmp_path / "frontline.gpkg"
    assert {name for name, _ in pyogrio.list_layers(gpkg)} == {"events", "places"}
    events = gpd.read_file(gpkg, layer="events", engine="pyogrio")
    places = gpd.read_file(gpkg, layer="places", engine="pyogrio")
    assert events.crs.to_epsg() == 4326 and places.crs.to_epsg() == 4326
    assert len(events) == 3
    places_json = json.loads((tmp_path / "places.geojson").read_text(encoding="utf-8"))
    assert len(places) == len(places_json["features"]) >= 1
    assert set(EVENT_COLUMNS) <= set(events.columns)
    assert json.loads(events.loc[0, "sources"])[1]["outlet"] == "Wire Two"
    for column in places.columns.drop("geometry"):
        assert not any(isinstance(v, (list, dict)) for v in places[column])
    events_json = json.loads((tmp_path / "events.geojson").read_text(encoding="utf-8"))
    assert len(events_json["features"]) == 3
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_write_exports_with_no_events(tmp_path):
    write_exports(tmp_path, events=[], mentions=[])
    events = gpd.read_file(tmp_path / "frontline.gpkg", layer="events", engine="pyogrio")
    assert len(events) == 0 and events.crs.to_epsg() == 4326


class FakeControl:
    """Stands in for a control timeline: three small collections."""

    def control_geojson(self):
        return {"type": "FeatureCollection", "features": [
            {"type": "Feature", "geometry": {"type": "Point", "coordinates": [15.6, 31.2]},
             "properties": {"place": "Sirte", "controller": "LNA", "sources": ["s.txt"]}}]}

    def territory_geojson(self):
        square = [[[15, 31], [16, 31], [16, 32], [15, 32], [15, 31]]]
        multi = [[[[13, 32], [14, 32], [14, 33], [13, 32]]], [[[12, 30], [12.5, 30],
                                                                [12.5, 30.5], [12, 30]]]]
        return {"type": "FeatureCollection", "features": [
            {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": square},
             "properties": {"controller": "LNA"}},
            {"type": "Feature", "geometry": {"type": "MultiPolygon", "coordinates": multi},
             "properties": {"controller": "GNA"}}]}

    def front_lines_geojson(self):
        return {"type": "FeatureCollection", "features": [
            {"type": "Feature", "geometry": {"type": "LineString",
                                             "coordinates": [[15, 31], [15, 32]]},
             "properties": {"sides": ["GNA", "LNA"]}}]}


def test_write_exports_with_control_layers(tmp_path):
    written = write_exports(tmp_path, events=EVENTS, mentions=MENTIONS, control=FakeControl())
    assert {"control.geojson", "frontline.geojson"} <= {p.name for p in written}
    layers = dict(pyogrio.list_layers(tmp_path / "frontline.gpkg"))
    assert set(layers) == {"events", "places", "control", "territory", "frontline"}
    territory = gpd.read_file(tmp_path / "frontline.gpkg", layer="territory")
    assert list(territory.geometry.geom_type) == ["MultiPolygon", "MultiPolygon"]
    lines = gpd.read_file(tmp_path / "frontline.gpkg", layer="frontline")
    assert json.loads(lines.loc[0, "sides"]) == ["GNA", "LNA"]
    front = json.loads((tmp_path / "frontline.geojson").read_text(encoding="utf-8"))
    assert front["features"][0]["properties"]["sides"] == ["GNA", "LNA"]


def test_replacing_keeps_the_old_file_when_writing_fails(tmp_path):
    target = write_text_atomic(tmp_path / "events.csv", "old\n")
    with pytest.raises(RuntimeError, match="disk on fire"):
        with replacing(target) as tmp:
            tmp.write_text("half a fi", encoding="utf-8")
            raise RuntimeError("disk on fire")
    assert target.read_text(encoding="utf-8") == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["events.csv"]
    write_text_atomic(target, "new\n")
    assert target.read_text(encoding="utf-8") == "new\n"


def test_stale_temporaries_of_dead_runs_are_removed(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    dead_pid = int(dead.stdout)
    stale = tmp_path / f".events.csv.{dead_pid}.0123abcd.tmp.csv"
    live = tmp_path / f".events.csv.{os.getpid()}.89abcdef.tmp.csv"
    unrelated = tmp_path / ".hidden-notes.txt"
    for path in (stale, live, unrelated):
        path.write_text("x", encoding="utf-8")
    assert remove_stale_temporaries(tmp_path) == [stale]
    assert live.exists() and unrelated.exists()


def test_control_layers_of_the_same_key_are_copied_not_encoded(tmp_path, monkeypatch):
    import geo.export

    encoded = []
    original = geo.export.frame_from_features

    def counting(collection):
        encoded.append(len(collection["features"]))
        return original(collection)

    monkeypatch.setattr(geo.export, "frame_from_features", counting)
    gpkg = tmp_path / "frontline.gpkg"
    write_exports(tmp_path, events=EVENTS, mentions=MENTIONS, control=FakeControl(),
                  control_key="k1")
    assert len(encoded) == 4  # places and the three control layers
    write_exports(tmp_path, events=EVENTS[:1], mentions=MENTIONS, control=FakeControl(),
                  control_key="k1")
    # same key: the control layers left as they are; the events and places changed in
    # place (geo.gpkg), nothing encoded by GDAL
    assert len(encoded) == 4
    assert len(gpd.read_file(gpkg, layer="events")) == 1
    assert len(gpd.read_file(gpkg, layer="territory")) == 2
    write_exports(tmp_path, events=EVENTS, mentions=MENTIONS, control=FakeControl(),
                  control_key="k2")
    assert len(encoded) == 4  # another key, the same rows: compared, none written
    assert len(gpd.read_file(gpkg, layer="events")) == len(EVENTS)
    write_exports(tmp_path, events=EVENTS, mentions=MENTIONS)
    assert {name for name, _ in pyogrio.list_layers(gpkg)} == {"events", "places"}


def test_numpy_numbers_stay_numbers_in_every_json_output():
    import numpy as np

    from geo import _json, maps
    from geo.export import _dumps

    collection = {"type": "FeatureCollection", "features": [{
        "type": "Feature", "geometry": {"type": "Point", "coordinates": [np.float64(13.1), 32.9]},
        "properties": {"mentions": np.int64(4), "day": dt.date(2020, 1, 2)}}]}
    for text in (_dumps(collection), maps._script_json(collection), _json.dumps(collection)):
        feature = json.loads(text)["features"][0]
        assert feature["geometry"]["coordinates"] == [13.1, 32.9]
        assert feature["properties"] == {"mentions": 4, "day": "2020-01-02"}
    frame = frame_from_features({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [13.1, 32.9]},
         "properties": {"counts": [np.int64(1), np.float64(2.5)]}}]})
    assert json.loads(frame["counts"].iloc[0]) == [1, 2.5]
    with pytest.raises(TypeError):
        maps._script_json({"unknown": object()})
