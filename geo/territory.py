"""Territory as a reader expects it: the theatre's land split between the sides.

:func:`territory_from_holdings` takes who holds which place on one day (see
:func:`geo.control.control_at`) and the theatre's land (see
:func:`geo.control.load_land`) and returns

- **areas**: the land divided between the controllers by nearest held place (each
  place's Voronoi cell, bounded by the land, not by a disc), dissolved by
  controller; land farther than ``reach_km`` from every held place is left out
  (unknown: no area is invented there); a place held by different controllers on
  the same day (or two at the same point) keeps its cell as ``"contested"``;
- **lines**: one front line per pair of controllers whose areas meet, where their
  cells meet (the coast is not a front), merged into as few pieces as the shape
  allows and simplified to ``tolerance_km``.

It is an alternative to :func:`geo.control.territory` and
:func:`geo.control.front_lines` (disc-bounded cells, lines from the bounded
areas), with the same columns, so a caller can swap one for the other.
:func:`reader_timeline` does the same for a whole
:class:`~geo.control.ControlTimeline`: same spans, areas and lines recomputed
span by span, so the map and the exports built from the timeline follow::

    timeline = reader_timeline(control_timeline(facts, start=..., end=..., land=land), land)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from itertools import combinations
from typing import TYPE_CHECKING

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import MultiPoint, Polygon
from shapely.geometry.base import BaseGeometry

from .actors import ActorTable, load_actors

if TYPE_CHECKING:
    import geopandas

    from .control import ControlTimeline, PlaceControl

__all__ = ["territory_from_holdings", "reader_timeline", "CONTESTED"]

#: The controller name of a contested place's cell.
CONTESTED = "contested"
_WGS84 = "EPSG:4326"


class _Projection:
    """A local azimuthal equidistant projection (metres) around a centre."""

    def __init__(self, lat: float, lon: float) -> None:
        crs = f"+proj=aeqd +lat_0={lat:.3f} +lon_0={lon:.3f} +datum=WGS84 +units=m +no_defs"
        self._forward = Transformer.from_crs(_WGS84, crs, always_xy=True)
        self._inverse = Transformer.from_crs(crs, _WGS84, always_xy=True)

    def project(self, geom: BaseGeometry) -> BaseGeometry:
        return shapely.transform(geom, lambda xy: np.column_stack(self._forward.transform(*xy.T)))

    def unproject(self, geom: BaseGeometry) -> BaseGeometry:
        geom = shapely.segmentize(geom, 20_000.0)  # straight in metres is curved in degrees
        return shapely.transform(geom, lambda xy: np.column_stack(self._inverse.transform(*xy.T)))


def _polygonal(geom: BaseGeometry) -> BaseGeometry:
    parts = [g for g in shapely.get_parts(geom) if g.geom_type == "Polygon" and not g.is_empty]
    return shapely.union_all(parts) if parts else Polygon()


def _linear(geom: BaseGeometry) -> BaseGeometry:
    parts = [g for g in shapely.get_parts(geom) if g.geom_type in ("LineString", "LinearRing")]
    if not parts:
        return shapely.MultiLineString()
    return shapely.line_merge(shapely.union_all(parts))


def territory_from_holdings(
    holdings: Sequence[PlaceControl],
    land: BaseGeometry,
    *,
    reach_km: float = 250.0,
    tolerance_km: float = 2.0,
    actors: ActorTable | None = None,
) -> tuple[geopandas.GeoDataFrame, geopandas.GeoDataFrame]:
    """Split the land between the controllers of the held places; find the fronts.

    Parameters
    ----------
    holdings
        Who holds each place on the day (``PlaceControl`` values).
    land
        The theatre's land in EPSG:4326 (e.g. ``load_land(countries=["LY"])``).
    reach_km
        Land farther than this from every held place is left out (unknown).
    tolerance_km
        How far the simplified front lines may stray from the cells' edges.
    actors
        Gives each controller's colour (default: the shipped actor list).

    Returns
    -------
    (areas, lines) : two geopandas.GeoDataFrame, EPSG:4326
        ``areas``: columns ``controller``, ``colour``, ``geometry``, one row per
        controller (``"contested"`` among them when a place is), sorted;
        ``lines``: columns ``sides`` (two controllers, sorted, joined with "|")
        and ``geometry`` (LineString or MultiLineString), one row per pair whose
        areas meet, sorted.

    Examples
    --------
    >>> import datetime as dt
    >>> from shapely.geometry import box
    >>> from geo.control import PlaceControl
    >>> day = dt.date(2020, 7, 13)
    >>> held = [PlaceControl("Misrata", "misrata", 32.37, 15.09, "GNA", day, "s"),
    ...         PlaceControl("Sirte", "sirte", 31.20, 16.58, "LNA", day, "s")]
    >>> areas, lines = territory_from_holdings(held, box(13, 29, 19, 33))
    >>> list(areas.controller), list(lines.sides)
    (['GNA', 'LNA'], ['GNA|LNA'])
    """
    import geopandas

    actors = actors if actors is not None else load_actors()
    empty = (
        geopandas.GeoDataFrame({"controller": [], "colour": []}, geometry=[], crs=_WGS84),
        geopandas.GeoDataFrame({"sides": []}, geometry=[], crs=_WGS84),
    )
    if not holdings or land is None or land.is_empty:
        return empty
    # one site per point; a point held by two controllers is contested
    sites: dict[tuple[float, float], set[str]] = defaultdict(set)
    for held in holdings:
        sites[(round(held.lon, 4), round(held.lat, 4))].add(held.controller)
    lons = [p[0] for p in sites]
    lats = [p[1] for p in sites]
    frame = _Projection((min(lats) + max(lats)) / 2, (min(lons) + max(lons)) / 2)
    # straight in degrees is curved in metres: add vertices before projecting
    land_m = _polygonal(shapely.make_valid(frame.project(shapely.segmentize(land, 0.1))))
    points = {site: frame.project(shapely.Point(site)) for site in sites}
    controller = {
        site: next(iter(names)) if len(names) == 1 else CONTESTED for site, names in sites.items()
    }

    # the Voronoi cell of every site, bounded by the land (not by a disc)
    if len(points) == 1:
        cells = {site: land_m for site in points}
    else:
        extent = land_m.envelope.buffer(reach_km * 4000.0)
        voronoi = shapely.voronoi_polygons(MultiPoint(list(points.values())), extend_to=extent)
        cells = {}
        for cell in shapely.get_parts(voronoi):
            for site, point in points.items():
                if site not in cells and cell.contains(point):
                    cells[site] = cell
                    break
    by_side: dict[str, list[BaseGeometry]] = defaultdict(list)
    for site, cell in cells.items():
        by_side[controller[site]].append(cell)
    full = {
        side: _polygonal(shapely.union_all(parts).intersection(land_m))
        for side, parts in by_side.items()
    }

    # unknown: land beyond reach of every held place
    reach = shapely.union_all([p.buffer(reach_km * 1000.0, 32) for p in points.values()])
    areas = {side: _polygonal(geom.intersection(reach)) for side, geom in full.items()}
    areas = {side: geom for side, geom in areas.items() if not geom.is_empty}

    # fronts: where two sides' cells meet on land (the coast is no front), within reach
    lines = {}
    inland = land_m.buffer(-500.0)
    for a, b in combinations(sorted(full), 2):
        if CONTESTED in (a, b):
            continue
        shared = shapely.intersection(
            full[a].boundary, full[b].boundary, grid_size=10.0
        ).intersection(inland.intersection(reach))
        line = _linear(shared)
        if line.is_empty or line.length < 1000.0:
            continue
        lines[f"{a}|{b}"] = _linear(line.simplify(tolerance_km * 1000.0))

    names = sorted(areas)
    area_frame = geopandas.GeoDataFrame(
        {"controller": names, "colour": [actors.colour(n) for n in names]},
        geometry=[frame.unproject(areas[n]) for n in names],
        crs=_WGS84,
    )
    pairs = sorted(lines)
    line_frame = geopandas.GeoDataFrame(
        {"sides": pairs}, geometry=[frame.unproject(lines[p]) for p in pairs], crs=_WGS84
    )
    return area_frame, line_frame


def reader_timeline(
    timeline: ControlTimeline,
    land: BaseGeometry | None,
    *,
    reach_km: float = 250.0,
    tolerance_km: float = 2.0,
    actors: ActorTable | None = None,
) -> ControlTimeline:
    """The same spans with areas and lines from :func:`territory_from_holdings`.

    A controller's area (and a pair's front line) that stays the same over
    consecutive spans is one record.

    Parameters
    ----------
    timeline
        As returned by :func:`geo.control.control_timeline`.
    land
        The theatre's land (EPSG:4326); None gives a timeline without areas.
    reach_km, tolerance_km, actors
        As for :func:`territory_from_holdings`.

    Returns
    -------
    ControlTimeline
        New spans (same days and holdings), areas and lines.
    """
    from .control import ControlArea, ControlSpan, ControlTimeline, FrontLine

    actors = actors if actors is not None else load_actors()
    out = ControlTimeline()
    out.spans = [ControlSpan(s.start, s.end, s.holdings, out) for s in timeline.spans]
    if land is None:
        return out
    open_areas: dict[str, ControlArea] = {}
    open_lines: dict[str, FrontLine] = {}
    for span in out.spans:
        areas, lines = territory_from_holdings(
            span.holdings, land, reach_km=reach_km, tolerance_km=tolerance_km, actors=actors
        )
        seen = set()
        for row in areas.itertuples(index=False):
            seen.add(row.controller)
            held = sorted(
                {(h.place_id, h.place) for h in span.holdings if h.controller == row.controller}
            )
            before = open_areas.get(row.controller)
            if before is not None and before.geometry.equals(row.geometry):
                open_areas[row.controller] = before._replace(end=span.end)
                continue
            if before is not None:
                out.areas.append(before)
            open_areas[row.controller] = ControlArea(
                row.controller,
                row.colour,
                span.start,
                span.end,
                "; ".join(name for _, name in held),
                "; ".join(pid for pid, _ in held),
                row.geometry,
            )
        for name in [n for n in open_areas if n not in seen]:
            out.areas.append(open_areas.pop(name))
        seen = set()
        for row in lines.itertuples(index=False):
            seen.add(row.sides)
            before_line = open_lines.get(row.sides)
            if before_line is not None and before_line.geometry.equals(row.geometry):
                open_lines[row.sides] = before_line._replace(end=span.end)
                continue
            if before_line is not None:
                out.lines.append(before_line)
            open_lines[row.sides] = FrontLine(row.sides, span.start, span.end, row.geometry)
        for name in [n for n in open_lines if n not in seen]:
            out.lines.append(open_lines.pop(name))
    out.areas.extend(open_areas.values())
    out.lines.extend(open_lines.values())
    out.areas.sort(key=lambda a: (a.start, a.side, a.place_id, a.end))
    out.lines.sort(key=lambda line: (line.start, line.sides, line.end))
    return out
