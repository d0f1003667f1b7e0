"""The GeoPackage changed in place (geo.gpkg): what an incremental build leaves is what a
fresh build writes, the spatial index and the layer extents included."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pyogrio
import pytest
import shapely
from generator import load_generator
from shapely.geometry import MultiPolygon, Point, Polygon

from geo import gpkg
from geo.build import build
from geo.export import GEOPACKAGE_NAME, feature_rows, frame_from_features

LAYERS = ("events", "places", "control", "territory", "frontline")


def layer_rows(path: Path, layer: str) -> list[tuple]:
    """A layer's rows as values and geometry WKT, in a fixed order (fids differ)."""
    frame = pyogrio.read_dataframe(path, layer=layer)
    geometry = [g.wkt if g is not None else None for g in frame.geometry]
    values = frame.drop(columns="geometry").astype(object).where(frame.notna(), None)
    pairs = zip(values.itertuples(index=False), geometry, strict=True)
    rows = [(*map(str, v), w) for v, w in pairs]
    return sorted(rows)


def check_index_and_extent(path: Path) -> None:
    """The R-tree holds every geometry's bounds; gpkg_contents the layer's extent."""
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    for layer in LAYERS:
        frame = pyogrio.read_dataframe(path, layer=layer, fid_as_index=True)
        tree = {
            fid: (minx, maxx, miny, maxy)
            for fid, minx, maxx, miny, maxy in conn.execute(f"SELECT * FROM rtree_{layer}_geom")
        }
        assert set(tree) == set(frame.index)
        for fid, geom in frame.geometry.items():
            minx, miny, maxx, maxy = geom.bounds
            # the R-tree stores 32-bit floats, rounded outwards
            got = tree[fid]
            assert got[0] <= minx + 1e-4 and got[1] >= maxx - 1e-4
            assert got[2] <= miny + 1e-4 and got[3] >= maxy - 1e-4
        count = conn.execute(
            "SELECT feature_count FROM gpkg_ogr_contents WHERE table_name = ?", (layer,)
        ).fetchone()[0]
        assert count == len(frame)
        if len(frame):
            extent = conn.execute(
                "SELECT min_x, min_y, max_x, max_y FROM gpkg_contents WHERE table_name = ?",
                (layer,),
            ).fetchone()
            bounds = frame.total_bounds
            assert extent == pytest.approx(tuple(bounds), abs=1e-4)
    conn.close()


@pytest.fixture
def corpora(tmp_path, seeds_dir) -> tuple[Path, Path]:
    first = tmp_path / "articles"
    shutil.copytree(seeds_dir, first)
    load_generator().generate_articles(first / "generated", 40, seed=11)
    more = tmp_path / "more"
    load_generator().generate_articles(more, 6, seed=12)
    return first, more


def test_incremental_build_leaves_what_a_fresh_build_writes(corpora, tmp_path):
    first, more = corpora
    out = tmp_path / "out"
    build([first], out, workers=1)
    package = out / GEOPACKAGE_NAME
    before = {layer: layer_rows(package, layer) for layer in LAYERS}

    # an article removed: its rows must go; and new ones added
    sorted((first / "generated").glob("*.md"))[0].unlink()
    for k, path in enumerate(sorted(more.iterdir())):
        shutil.copy(path, first / "generated" / f"added_{k}_{path.name}")
    build([first], out, workers=1)

    fresh = tmp_path / "fresh"
    build([first], fresh, workers=1)
    changed = 0
    for layer in LAYERS:
        now = layer_rows(package, layer)
        assert now == layer_rows(fresh / GEOPACKAGE_NAME, layer), layer
        changed += now != before[layer]
    assert changed >= 2  # the events and places at least; else nothing was tested
    check_index_and_extent(package)

    # the layers were changed in place, not written anew: their oldest rows kept their fids;
    # the GeoPackage lists no layer of the ledger's
    assert {name for name, _ in pyogrio.list_layers(package)} == set(LAYERS)
    conn = sqlite3.connect(package)
    assert conn.execute("SELECT min(fid) FROM events").fetchone()[0] == 1
    assert conn.execute("SELECT max(fid) FROM events").fetchone()[0] > conn.execute(
        "SELECT count(*) FROM events"
    ).fetchone()[0]
    conn.close()


def test_a_bbox_query_finds_a_row_added_in_place(corpora, tmp_path):
    first, more = corpora
    out = tmp_path / "out"
    build([first], out, workers=1)
    package = out / GEOPACKAGE_NAME
    old_ids = set(pyogrio.read_dataframe(package, layer="events")["event_id"])
    for path in sorted(more.iterdir()):
        shutil.copy(path, first / path.name)
    build([first], out, workers=1)
    frame = pyogrio.read_dataframe(package, layer="events")
    added = frame[~frame["event_id"].isin(old_ids)]
    assert len(added)
    point = added.geometry.iloc[0]
    box = (point.x - 0.01, point.y - 0.01, point.x + 0.01, point.y + 0.01)
    found = pyogrio.read_dataframe(package, layer="events", bbox=box)
    assert added["event_id"].iloc[0] in set(found["event_id"])


@pytest.mark.parametrize(
    "damage", ["old version", "edited elsewhere", "broken ledger", "garbage"]
)
def test_a_geopackage_it_cannot_change_is_written_anew(corpora, tmp_path, damage):
    first, more = corpora
    out = tmp_path / "out"
    build([first], out, workers=1)
    package = out / GEOPACKAGE_NAME
    ledger = package.with_name(package.name + ".rows")
    if damage == "old version":  # a file written before the rows were recorded
        ledger.unlink()
    elif damage == "edited elsewhere":  # QGIS deleted a row: GDAL moves last_change
        conn = sqlite3.connect(package)
        conn.execute("DELETE FROM places WHERE fid = 1")
        conn.execute("UPDATE gpkg_contents SET last_change = '2030-01-01T00:00:00.000Z' "
                     "WHERE table_name = 'places'")
        conn.commit()
        conn.close()
    elif damage == "broken ledger":
        ledger.write_text("{not json", encoding="utf-8")
    else:
        package.write_bytes(b"not a GeoPackage at all" * 100)
    for path in sorted(more.iterdir()):
        shutil.copy(path, first / path.name)
    build([first], out, workers=1)
    fresh = tmp_path / "fresh"
    build([first], fresh, workers=1)
    for layer in LAYERS:
        assert layer_rows(package, layer) == layer_rows(fresh / GEOPACKAGE_NAME, layer), layer
    check_index_and_extent(package)


def _collection(*features):
    return {"type": "FeatureCollection", "features": list(features)}


def _feature(geom, **props):
    return {"type": "Feature", "geometry": shapely.geometry.mapping(geom), "properties": props}


def test_sync_writes_only_what_differs_and_refuses_other_columns(tmp_path):
    path = tmp_path / "t.gpkg"
    a = _feature(Point(13.1, 32.8), name="a", n=1)
    b = _feature(Polygon([(13, 32), (14, 32), (14, 33)]), name="b", n=2)
    c = _feature(MultiPolygon([Polygon([(10, 30), (11, 30), (11, 31)])]), name="c", n=3)
    first = _collection(a, b, c)
    pyogrio.write_dataframe(frame_from_features(first), path, layer="l", driver="GPKG",
                            geometry_type="Unknown")  # fmt: skip
    conn = gpkg.open_package(path)
    ledger = gpkg.Ledger()
    gpkg.record_layer(conn, ledger, "l", feature_rows(first))

    d = _feature(Point(20.0, 25.0), name="d", n=4)
    assert gpkg.sync_layer(conn, ledger, "l", feature_rows(_collection(a, c, d)))
    fids = dict(conn.execute("SELECT name, fid FROM l"))
    assert fids == {"a": 1, "c": 3, "d": 4}  # b deleted, d added, a and c untouched
    conn.close()
    frame = pyogrio.read_dataframe(path, layer="l")
    assert sorted(frame["name"]) == ["a", "c", "d"]
    assert frame.set_index("name").geometry["d"].equals(Point(20.0, 25.0))

    # the ledger survives its file
    ledger_file = tmp_path / "t.gpkg.rows"
    ledger_file.write_text(ledger.text(), encoding="utf-8")
    ledger = gpkg.Ledger.load(ledger_file)
    conn = gpkg.open_package(path)
    # a column more, or a value that is not of the column's type: not in place
    e = _feature(Point(1, 1), name="e", n=5, extra="x")
    assert not gpkg.sync_layer(conn, ledger, "l", feature_rows(_collection(a, e)))
    f = _feature(Point(1, 1), name="f", n="five")
    assert not gpkg.sync_layer(conn, ledger, "l", feature_rows(_collection(a, f)))
    assert sorted(r[0] for r in conn.execute("SELECT name FROM l")) == ["a", "c", "d"]
    # the same rows again: nothing to write, and the layer's last change stays
    stamp = conn.execute("SELECT last_change FROM gpkg_contents").fetchone()
    assert gpkg.sync_layer(conn, ledger, "l", feature_rows(_collection(d, c, a)))
    assert conn.execute("SELECT last_change FROM gpkg_contents").fetchone() == stamp
    # a layer another program changed is not the one the ledger describes
    conn.execute("UPDATE gpkg_contents SET last_change = '2030-01-01T00:00:00.000Z'")
    assert not gpkg.sync_layer(conn, ledger, "l", feature_rows(_collection(a)))
    conn.close()


@pytest.mark.parametrize(
    "geom",
    [Point(13.5, 32.25), Polygon([(13, 32), (14, 32), (14, 33)]),
     MultiPolygon([Polygon([(10, 30), (11, 30), (11, 31)])]), Point()],  # fmt: skip
)
def test_geometry_blobs_read_back(tmp_path, geom):
    blob = gpkg._blob(geom, "GEOMETRY")
    assert blob[:2] == b"GP"
    env = gpkg._envelope(blob)
    if geom.is_empty:
        assert env is None and gpkg._is_empty(blob) == 1
        return
    minx, miny, maxx, maxy = geom.bounds
    assert env == (minx, maxx, miny, maxy) and gpkg._is_empty(blob) == 0
    assert shapely.from_wkb(blob[8 + (32 if geom.geom_type != "Point" else 0):]).equals(geom)
