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
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import MultiPoint, Polygon
from shapely.geometry.base import BaseGeometry

from .actors import ActorTable, load_actors

if TYPE_CHECKING:
    import geopandas

    from .control import ControlTimeline, PlaceControl

__all__ = ["territory_from_holdings", "reader_timeline", "span_territories", "CONTESTED"]

#: The controller name of a contested place's cell.
CONTESTED = "contested"
_WGS84 = "EPSG:4326"


class _Projection:
    """A local azimuthal equidistant projection (metres) around a centre."""

    def __init__(self, lat: float, lon: float) -> None:
        crs = self.definition(lat, lon)
        self._forward = Transformer.from_crs(_WGS84, crs, always_xy=True)
        self._inverse = Transformer.from_crs(crs, _WGS84, always_xy=True)

    @staticmethod
    def definition(lat: float, lon: float) -> str:
        """The PROJ definition of the projection around (lat, lon)."""
        return f"+proj=aeqd +lat_0={lat:.3f} +lon_0={lon:.3f} +datum=WGS84 +units=m +no_defs"

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
    areas, lines = _territory(
        holdings, land, reach_km=reach_km, tolerance_km=tolerance_km, cache=_Cache()
    )
    area_frame = geopandas.GeoDataFrame(
        {"controller": [n for n, _ in areas], "colour": [actors.colour(n) for n, _ in areas]},
        geometry=[g for _, g in areas],
        crs=_WGS84,
    )
    line_frame = geopandas.GeoDataFrame(
        {"sides": [p for p, _ in lines]}, geometry=[g for _, g in lines], crs=_WGS84
    )
    return area_frame, line_frame


class _Cache:
    """What spans of one timeline share, so each is computed once per distinct input.

    Every entry is a pure function of its key (the projection's definition, the
    land, the sites and which of them a side holds), so a span reads exactly
    what it would compute: the outputs do not depend on whether it was cached.
    Consecutive spans of a timeline mostly hold the same places (a capture moves
    one site from one side to another), so most of the work is shared.
    """

    def __init__(self) -> None:
        self.frames: dict[str, _Projection] = {}
        #: (projection, land, distances) -> the land in metres and its inland part
        self.land: dict[tuple[Any, ...], tuple[BaseGeometry, BaseGeometry]] = {}
        #: (that, the sites in order) -> (cells, reach, inland within reach)
        self.sites: dict[tuple[Any, ...], tuple[dict[Site, BaseGeometry], BaseGeometry,
                                                BaseGeometry]] = {}
        #: (projection, land, sites, a side's sites) -> the side's cells on land
        self.full: dict[tuple[Any, ...], BaseGeometry] = {}
        #: the same key -> the side's area within reach, in degrees (None: empty)
        self.areas: dict[tuple[Any, ...], BaseGeometry | None] = {}
        #: (projection, land, sites, a's sites, b's sites) -> their front (None: none)
        self.lines: dict[tuple[Any, ...], BaseGeometry | None] = {}

    def frame(self, lat: float, lon: float) -> tuple[str, _Projection]:
        key = _Projection.definition(lat, lon)
        frame = self.frames.get(key)
        if frame is None:
            frame = self.frames[key] = _Projection(lat, lon)
        return key, frame


#: A held place's position: (lon, lat) rounded to 4 decimals.
Site = tuple[float, float]


def _territory(
    holdings: Sequence[PlaceControl],
    land: BaseGeometry,
    *,
    reach_km: float,
    tolerance_km: float,
    cache: _Cache,
) -> tuple[list[tuple[str, BaseGeometry]], list[tuple[str, BaseGeometry]]]:
    """:func:`territory_from_holdings` with what ``cache`` holds reused.

    Returns the areas as ``(controller, geometry)`` and the lines as ``(sides,
    geometry)``, each sorted by name, in EPSG:4326.
    """
    if not holdings or land is None or land.is_empty:
        return [], []
    # one site per point; a point held by two controllers is contested
    sites: dict[Site, set[str]] = defaultdict(set)
    for holding in holdings:
        sites[(round(holding.lon, 4), round(holding.lat, 4))].add(holding.controller)
    lons = [p[0] for p in sites]
    lats = [p[1] for p in sites]
    crs, frame = cache.frame((min(lats) + max(lats)) / 2, (min(lons) + max(lons)) / 2)
    land_key = (crs, id(land), reach_km, tolerance_km)
    if land_key not in cache.land:
        # straight in degrees is curved in metres: add vertices before projecting
        land_m = _polygonal(shapely.make_valid(frame.project(shapely.segmentize(land, 0.1))))
        cache.land[land_key] = (land_m, land_m.buffer(-500.0))
    land_m, inland = cache.land[land_key]
    controller = {
        site: next(iter(names)) if len(names) == 1 else CONTESTED for site, names in sites.items()
    }
    sites_key = (land_key, tuple(sites))  # in order: the cells depend on it
    if sites_key not in cache.sites:
        cache.sites[sites_key] = _cells(list(sites), frame, land_m, inland, reach_km=reach_km)
    cells, reach, inland_reach = cache.sites[sites_key]

    by_side: dict[str, list[Site]] = defaultdict(list)
    for site in cells:
        by_side[controller[site]].append(site)
    side_keys = {side: (sites_key, frozenset(held)) for side, held in by_side.items()}
    full = {}
    for side, held in by_side.items():
        key = side_keys[side]
        if key not in cache.full:
            cache.full[key] = _polygonal(
                shapely.union_all([cells[s] for s in held]).intersection(land_m)
            )
        full[side] = cache.full[key]

    # unknown: land beyond reach of every held place
    areas = {}
    for side, geom in full.items():
        key = side_keys[side]
        if key not in cache.areas:
            area = _polygonal(geom.intersection(reach))
            cache.areas[key] = None if area.is_empty else frame.unproject(area)
        if cache.areas[key] is not None:
            areas[side] = cache.areas[key]

    # fronts: where two sides' cells meet on land (the coast is no front), within reach
    lines = {}
    for a, b in combinations(sorted(full), 2):
        if CONTESTED in (a, b):
            continue
        pair = (sites_key, side_keys[a][1], side_keys[b][1])
        if pair not in cache.lines:
            shared = shapely.intersection(
                full[a].boundary, full[b].boundary, grid_size=10.0
            ).intersection(inland_reach)
            line = _linear(shared)
            cache.lines[pair] = (
                None if line.is_empty or line.length < 1000.0
                else frame.unproject(_linear(line.simplify(tolerance_km * 1000.0)))
            )
        if cache.lines[pair] is not None:
            lines[f"{a}|{b}"] = cache.lines[pair]

    return sorted(areas.items()), sorted(lines.items())


def _cells(
    sites: list[Site],
    frame: _Projection,
    land_m: BaseGeometry,
    inland: BaseGeometry,
    *,
    reach_km: float,
) -> tuple[dict[Site, BaseGeometry], BaseGeometry, BaseGeometry]:
    """The Voronoi cell of every site (metres), the land within reach, and its inland part."""
    points = {site: frame.project(shapely.Point(site)) for site in sites}
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
    reach = shapely.union_all([p.buffer(reach_km * 1000.0, 32) for p in points.values()])
    return cells, reach, inland.intersection(reach)


#: One span's areas ``(controller, geometry)`` and lines ``(sides, geometry)``, sorted.
SpanTerritory = tuple[list[tuple[str, BaseGeometry]], list[tuple[str, BaseGeometry]]]


def span_territories(
    holdings: Sequence[Sequence[PlaceControl]],
    land: BaseGeometry,
    *,
    reach_km: float = 250.0,
    tolerance_km: float = 2.0,
) -> list[SpanTerritory]:
    """The areas and lines of consecutive spans, given each span's holdings.

    What :func:`reader_timeline` computes span by span, for a run of spans:
    a caller can split a timeline's spans into runs, compute the runs in other
    processes and give the results to :func:`reader_timeline`
    (``territories=``); the outcome is the same as computing them there.
    Consecutive spans share most of the work, so runs should be long.
    """
    cache = _Cache()
    return [
        _territory(held, land, reach_km=reach_km, tolerance_km=tolerance_km, cache=cache)
        for held in holdings
    ]


def reader_timeline(
    timeline: ControlTimeline,
    land: BaseGeometry | None,
    *,
    reach_km: float = 250.0,
    tolerance_km: float = 2.0,
    actors: ActorTable | None = None,
    territories: Sequence[SpanTerritory] | None = None,
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
    territories
        Each span's areas and lines, computed already by :func:`span_territories`
        (with the same ``land``, ``reach_km`` and ``tolerance_km``); by default
        they are computed here.

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
    if territories is None:
        territories = span_territories(
            [span.holdings for span in out.spans], land, reach_km=reach_km,
            tolerance_km=tolerance_km,
        )
    open_areas: dict[str, ControlArea] = {}
    open_lines: dict[str, FrontLine] = {}
    for span, (areas, lines) in zip(out.spans, territories, strict=True):
        seen = set()
        for side, geometry in areas:
            seen.add(side)
            before = open_areas.get(side)
            if before is not None and _same(before.geometry, geometry):
                open_areas[side] = before._replace(end=span.end)
                continue
            if before is not None:
                out.areas.append(before)
            held = sorted({(h.place_id, h.place) for h in span.holdings if h.controller == side})
            open_areas[side] = ControlArea(
                side,
                actors.colour(side),
                span.start,
                span.end,
                "; ".join(name for _, name in held),
                "; ".join(pid for pid, _ in held),
                geometry,
            )
        for name in [n for n in open_areas if n not in seen]:
            out.areas.append(open_areas.pop(name))
        seen = set()
        for sides, geometry in lines:
            seen.add(sides)
            before_line = open_lines.get(sides)
            if before_line is not None and _same(before_line.geometry, geometry):
                open_lines[sides] = before_line._replace(end=span.end)
                continue
            if before_line is not None:
                out.lines.append(before_line)
            open_lines[sides] = FrontLine(sides, span.start, span.end, geometry)
        for name in [n for n in open_lines if n not in seen]:
            out.lines.append(open_lines.pop(name))
    out.areas.extend(open_areas.values())
    out.lines.extend(open_lines.values())
    out.areas.sort(key=lambda a: (a.start, a.side, a.place_id, a.end))
    out.lines.sort(key=lambda line: (line.start, line.sides, line.end))
    return out


def _same(a: BaseGeometry, b: BaseGeometry) -> bool:
    """Whether two areas (or lines) are the same: one object (from the cache), or equal."""
    return a is b or bool(a.equals(b))
