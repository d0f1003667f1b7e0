"""geo.territory: the land split between the sides, unknown far from facts, one front per pair."""

from __future__ import annotations

import datetime as dt

import pytest
import shapely
from shapely.geometry import LineString, Point, box

from geo.control import PlaceControl, control_at, control_timeline, load_baseline, load_land
from geo.gazetteer import load_gazetteer
from geo.territory import CONTESTED, reader_timeline, territory_from_holdings

DAY = dt.date(2020, 7, 13)
LAND = box(10.0, 28.0, 20.0, 33.0)


def held(name: str, lat: float, lon: float, side: str) -> PlaceControl:
    return PlaceControl(name, name.lower(), lat, lon, side, DAY, "test")


@pytest.fixture(scope="module")
def libya():
    gazetteer = load_gazetteer()
    holdings = control_at(load_baseline(gazetteer=gazetteer), DAY)
    return holdings, load_land(countries=["LY"])


def test_the_land_is_split_between_the_sides_and_bounded_by_it():
    holdings = [held("West", 32.0, 12.0, "GNA"), held("East", 31.0, 18.0, "LNA")]
    areas, lines = territory_from_holdings(holdings, LAND, reach_km=1000)
    assert list(areas.controller) == ["GNA", "LNA"]
    union = shapely.union_all(list(areas.geometry))
    assert union.symmetric_difference(LAND).area < 0.01 * LAND.area  # all the land, no more
    west, east = areas.geometry
    assert west.contains(Point(12.0, 32.0)) and east.contains(Point(18.0, 31.0))
    assert west.intersection(east).area < 1e-6
    [line] = lines.geometry
    assert line.geom_type == "LineString"
    assert line.crosses(LineString([(12.0, 32.0), (18.0, 31.0)]))


def test_land_far_from_every_fact_is_left_unknown():
    holdings = [held("West", 32.0, 12.0, "GNA"), held("East", 32.0, 18.0, "LNA")]
    areas, _ = territory_from_holdings(holdings, LAND, reach_km=150)
    union = shapely.union_all(list(areas.geometry))
    assert not union.contains(Point(15.0, 28.5))  # 390 km from both: no one's
    assert union.contains(Point(12.5, 31.5))
    # no more than the two 150 km discs (in degrees: a loose bound)
    assert union.area < 2 * 3.1416 * 1.6**2


def test_a_place_held_by_two_sides_is_contested():
    holdings = [
        held("West", 32.0, 12.0, "GNA"),
        held("Middle", 31.5, 15.0, "GNA"),
        held("Middle", 31.5, 15.0, "LNA"),
        held("East", 31.0, 18.0, "LNA"),
    ]
    areas, lines = territory_from_holdings(holdings, LAND, reach_km=1000)
    assert list(areas.controller) == ["GNA", "LNA", CONTESTED]
    contested = areas.geometry[2]
    assert contested.contains(Point(15.0, 31.5))
    assert all(CONTESTED not in sides for sides in lines.sides)


def test_no_holdings_give_empty_frames():
    areas, lines = territory_from_holdings([], LAND)
    assert areas.empty and lines.empty
    assert list(areas.columns) == ["controller", "colour", "geometry"]


def test_one_continuous_front_across_sirte_and_jufra_on_2020_07_13(libya):
    holdings, land = libya
    sides = {h.controller for h in holdings}
    assert {"GNA", "LNA"} <= sides
    areas, lines = territory_from_holdings(holdings, land)
    row = lines[lines.sides == "GNA|LNA"]
    assert len(row) == 1
    line = row.geometry.iloc[0]
    assert line.geom_type == "LineString"  # one piece, not dozens
    # it starts on the coast between Misrata (GNA) and Sirte (LNA) and runs on south
    # through the Jufra area
    place = {h.place_id: h for h in holdings}
    misrata, sirte = place["ly-misrata"], place["ly-sirte"]
    assert (misrata.controller, sirte.controller) == ("GNA", "LNA")
    coast = land.boundary
    north = max(line.coords, key=lambda xy: xy[1])
    assert Point(north).distance(coast) < 0.05
    assert misrata.lon < north[0] < sirte.lon
    assert line.intersects(box(14.5, 28.0, 17.5, 30.5))
    assert line.length > 2.0  # hundreds of kilometres, from the coast into the desert
    # every area stays in Libya
    for geom in areas.geometry:
        assert geom.difference(land.buffer(0.01)).area < 1e-6


def test_a_whole_timeline_gets_the_same_spans_and_continuous_fronts(libya):
    _, land = libya
    facts = load_baseline(gazetteer=load_gazetteer())
    start, end = dt.date(2020, 1, 1), dt.date(2020, 7, 31)
    base = control_timeline(facts, start=start, end=end, land=land)
    timeline = reader_timeline(base, land)
    assert [(s.start, s.end) for s in timeline.spans] == [(s.start, s.end) for s in base.spans]
    assert timeline.areas and timeline.lines
    for day, most in ((dt.date(2020, 1, 15), 4), (DAY, 1)):
        lines = timeline.lines_on(day)
        row = lines[lines.sides == "GNA|LNA"]
        assert len(row) == 1
        # in January the GNA held coastal pockets, each with its own front; in July one
        assert len(shapely.get_parts(row.geometry.iloc[0])) <= most
        areas = timeline.areas_on(day)
        assert set(areas.controller) >= {"GNA", "LNA"}
    # records cover the spans without gaps: each day has one GNA area
    for span in timeline.spans:
        gna = [a for a in timeline.areas if a.side == "GNA" and a.start <= span.start <= a.end]
        assert len(gna) == 1
    geojson = timeline.territory_geojson()
    assert geojson["type"] == "FeatureCollection" and geojson["features"]


def test_spans_computed_in_runs_give_the_timeline_computed_at_once(libya):
    """The build cuts the spans into runs for worker processes: the outcome must not move."""
    import json
    import pickle

    from geo.territory import span_territories

    _, land = libya
    facts = load_baseline(gazetteer=load_gazetteer())
    base = control_timeline(facts, start=dt.date(2020, 1, 1), end=dt.date(2020, 7, 31),
                            land=land)
    assert len(base.spans) >= 4
    whole = reader_timeline(base, land)
    holdings = [span.holdings for span in base.spans]
    runs = [holdings[:1], holdings[1:3], holdings[3:]]
    # as a worker process sends them back: pickled, run by run
    parts = [pickle.loads(pickle.dumps(span_territories(run, land))) for run in runs]
    cut = reader_timeline(base, land, territories=[t for part in parts for t in part])

    def text(timeline):
        return json.dumps([timeline.territory_geojson(), timeline.front_lines_geojson(),
                           timeline.control_geojson()])

    assert text(cut) == text(whole)
    # and each span's areas are those territory_from_holdings gives for it alone
    for span, (areas, lines) in zip(base.spans, span_territories(holdings, land), strict=True):
        alone_areas, alone_lines = territory_from_holdings(span.holdings, land)
        assert [name for name, _ in areas] == list(alone_areas.controller)
        assert [g.wkb for _, g in areas] == [g.wkb for g in alone_areas.geometry]
        assert [g.wkb for _, g in lines] == [g.wkb for g in alone_lines.geometry]
