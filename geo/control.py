"""Who holds which place over time, and where the front line runs.

Control is built from dated :class:`~geo.model.ControlFact` values of three origins:

- ``baseline``: the curated ``data/control.csv`` (:func:`load_baseline`);
- ``event``: captures and withdrawals (:func:`control_facts_from_events`);
- ``statement``: sentences such as "Haftar-held Tarhuna" or "Sirte, which is under
  the control of the LNA" (:func:`control_facts_from_text`).

Rules (:func:`control_at`):

- a fact applies from its ``date`` to its ``date_end`` (inclusive; open when None);
- per place, the latest applicable fact wins; on the same day an event beats a
  statement, which beats the baseline;
- when a different source named another controller no more than
  ``settings.contested_window_days`` before the winning fact, the place is
  ``"contested"``, unless a capture, withdrawal or baseline row dated after that
  report explains the change of hands;
- facts whose actor has no side are dropped before they become facts.

Territory (:func:`territory`) gives each held place its Voronoi cell, cut to a
geodesic circle of ``max_distance_km`` around the place and to the land, and
dissolves the cells by controller. Contested places keep their own cells, labelled
``"contested"`` with a neutral colour, so no side is drawn holding them.
:func:`front_lines` returns the boundaries shared by areas of different controllers
(including ``"contested"`` areas). Geometries are computed in a local azimuthal
equidistant projection and returned in EPSG:4326.

Over time (:func:`control_timeline`), a place's cell depends only on which places
are held, not on who holds them: cells are computed once per set of held places
and shared, and the timeline stores areas and front lines as runs of days
(:class:`ControlArea`, :class:`FrontLine`) rather than a whole map per span.

Examples
--------
>>> import datetime as dt
>>> from geo.model import ControlFact
>>> facts = [
...     ControlFact("Alpha", "a", 32.0, 13.0, "GNA", dt.date(2020, 1, 1), None, "s1", "baseline"),
...     ControlFact("Beta", "b", 32.0, 14.0, "LNA", dt.date(2020, 1, 1), None, "s1", "baseline"),
... ]
>>> [(h.place, h.controller) for h in control_at(facts, dt.date(2020, 2, 1))]
[('Alpha', 'GNA'), ('Beta', 'LNA')]
>>> lines = front_lines(territory(control_at(facts, dt.date(2020, 2, 1))))
>>> list(lines["sides"])
['GNA|LNA']
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import re
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache, partial
from itertools import combinations
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

import numpy as np
import shapely
from pyproj import Geod, Transformer
from shapely.geometry import LineString, Polygon, box, mapping
from shapely.geometry.base import BaseGeometry

from . import settings
from ._data import data_path
from .actors import ActorTable, load_actors
from .errors import DataFileError
from .model import Article, ControlFact, Event, Place, PlaceMention, Problem

if TYPE_CHECKING:
    import geopandas

__all__ = [
    "CONTESTED",
    "CONTESTED_COLOUR",
    "BASELINE_COLUMNS",
    "PlaceControl",
    "ControlArea",
    "FrontLine",
    "ControlSpan",
    "ControlTimeline",
    "load_baseline",
    "load_land",
    "control_facts_from_events",
    "control_facts_from_text",
    "theatre_countries",
    "control_facts",
    "control_at",
    "control_table",
    "territory",
    "front_lines",
    "control_timeline",
]

#: The controller of a place whose sources disagree.
CONTESTED = "contested"
#: The neutral colour of contested areas.
CONTESTED_COLOUR = "#9e9e9e"
#: Header of ``data/control.csv``.
BASELINE_COLUMNS: tuple[str, ...] = ("place", "controller", "from", "to", "source")

_WGS84 = "EPSG:4326"
_GEOD = Geod(ellps="WGS84")
#: Points of each geodesic circle bounding a place's area.
_CIRCLE_POINTS = 72
#: Grid (metres) on which shared boundaries are snapped before intersecting them.
_SNAP_M = 0.5
#: Longest edge (metres) kept straight when a geometry leaves the projection.
_SEGMENT_M = 20_000.0
#: Tolerance (degrees, about 100 m) to which timeline areas and lines are simplified.
_SIMPLIFY_DEG = 0.001
#: Decimals of timeline coordinates, and the grid (degrees) they are snapped to.
_DIGITS = 4
_GRID_DEG = 10.0**-_DIGITS
#: Longest edge (degrees) kept straight when a geometry enters the projection.
_SEGMENT_DEG = 0.02
#: Rank of a fact's origin on the same day: events beat statements beat the baseline.
_ORIGIN_RANK = {"baseline": 0, "statement": 1, "event": 2}
#: Place kinds that cannot be held like a town.
_AREA_KINDS = frozenset({"region", "country"})
#: Event statuses that do not move control.
_IGNORED_STATUSES = frozenset({"denied"})


class _Gazetteer(Protocol):
    def lookup(self, name: str) -> list[Place]: ...

    def get(self, place_id: str) -> Place | None: ...


@dataclass(frozen=True)
class PlaceControl:
    """Who holds one place on a given day.

    ``since`` is the first day of the uninterrupted run of facts naming this
    controller (for a contested place: the day the disagreement arose), and
    ``source`` the source of the fact that started it (for a contested place: every
    disagreeing source, joined with "; ").
    """

    place: str
    place_id: str
    lat: float
    lon: float
    controller: str
    since: dt.date
    source: str


class ControlArea(NamedTuple):
    """An area held by one controller over a run of days: one or more places' cells."""

    #: the controller (a side, or ``"contested"``)
    side: str
    colour: str
    start: dt.date
    #: the last day (inclusive)
    end: dt.date
    #: the places whose cells make the area, joined with "; "
    place: str
    place_id: str
    #: the cell, Polygon or MultiPolygon (EPSG:4326)
    geometry: BaseGeometry


class FrontLine(NamedTuple):
    """Where two controllers' areas meet over a run of days."""

    #: the two controllers, sorted, joined with "|"
    sides: str
    start: dt.date
    #: the last day (inclusive)
    end: dt.date
    #: LineString or MultiLineString (EPSG:4326)
    geometry: BaseGeometry


@dataclass(frozen=True)
class ControlSpan:
    """A period over which no place changes hands.

    ``areas`` and ``lines`` are computed on demand from the timeline's
    :class:`ControlArea` and :class:`FrontLine` records (see
    :meth:`ControlTimeline.areas_on`).
    """

    start: dt.date
    #: the last day of the span (inclusive)
    end: dt.date
    holdings: list[PlaceControl]
    _timeline: ControlTimeline | None = field(default=None, repr=False, compare=False)

    @property
    def areas(self) -> geopandas.GeoDataFrame:
        """Areas by controller: columns controller, colour, geometry (EPSG:4326)."""
        timeline = self._timeline if self._timeline is not None else ControlTimeline()
        return timeline.areas_on(self.start)

    @property
    def lines(self) -> geopandas.GeoDataFrame:
        """Front lines: columns sides, geometry (EPSG:4326)."""
        timeline = self._timeline if self._timeline is not None else ControlTimeline()
        return timeline.lines_on(self.start)


@dataclass
class ControlTimeline:
    """Holdings over consecutive spans of unchanged control, with areas and front lines.

    ``areas`` holds one record per run of days over which a place's cell and
    controller stay the same (neighbouring cells of one controller with the same
    run are one record); ``lines`` one per pair of controllers and run of days
    over which a stretch of the boundary between their areas stays the same. A
    place's cell changes only when a neighbouring place appears or drops out, so
    most records last for many spans. A side's area on a day is the union of its
    records on that day (:meth:`areas_on`, :meth:`lines_on`).
    """

    spans: list[ControlSpan] = field(default_factory=list)
    areas: list[ControlArea] = field(default_factory=list)
    lines: list[FrontLine] = field(default_factory=list)

    def areas_on(self, date: dt.date) -> geopandas.GeoDataFrame:
        """Return the areas on ``date``, dissolved by controller.

        Returns
        -------
        geopandas.GeoDataFrame
            Columns ``controller``, ``colour``, ``geometry`` (EPSG:4326), one row
            per controller, sorted by controller.
        """
        import geopandas

        parts: dict[str, list[BaseGeometry]] = defaultdict(list)
        colours: dict[str, str] = {}
        for area in self.areas:
            if area.start <= date <= area.end:
                parts[area.side].append(area.geometry)
                colours[area.side] = area.colour
        names = sorted(parts)
        return geopandas.GeoDataFrame(
            {"controller": names, "colour": [colours[n] for n in names]},
            geometry=[_polygonal(shapely.union_all(parts[n])) for n in names],
            crs=_WGS84,
        )

    def lines_on(self, date: dt.date) -> geopandas.GeoDataFrame:
        """Return the front lines on ``date``, one row per pair of controllers.

        Returns
        -------
        geopandas.GeoDataFrame
            Columns ``sides`` and ``geometry`` (EPSG:4326), sorted by ``sides``.
        """
        import geopandas

        parts: dict[str, list[BaseGeometry]] = defaultdict(list)
        for line in self.lines:
            if line.start <= date <= line.end:
                parts[line.sides].append(line.geometry)
        names = sorted(parts)
        return geopandas.GeoDataFrame(
            {"sides": names}, geometry=[_merged_lines(parts[n]) for n in names], crs=_WGS84
        )

    def territory_geojson(self) -> dict[str, Any]:
        """Return the areas as a GeoJSON FeatureCollection.

        One feature per :class:`ControlArea`, with the properties ``side``,
        ``colour``, ``start``, ``end`` (ISO dates, ``end`` inclusive), ``place`` and
        ``place_id`` (the places of the area, joined with "; "). A side's area on a
        day is the union of its features on that day.
        """
        features = []
        cache: dict[int, dict[str, Any]] = {}
        for area in self.areas:
            key = id(area.geometry)
            if key not in cache:
                cache[key] = _geometry_json(area.geometry)
            props = {
                "side": area.side,
                "colour": area.colour,
                "start": area.start.isoformat(),
                "end": area.end.isoformat(),
                "place": area.place,
                "place_id": area.place_id,
            }
            features.append({"type": "Feature", "geometry": cache[key], "properties": props})
        return {"type": "FeatureCollection", "features": features}

    def front_lines_geojson(self) -> dict[str, Any]:
        """Return the front lines as a GeoJSON FeatureCollection.

        One feature per :class:`FrontLine`, with the properties ``sides``
        ("GNA|LNA"), ``start``, ``end`` and their copies ``date``, ``date_end``
        (ISO dates, ``end`` inclusive).
        """
        features = []
        for line in self.lines:
            start, end = line.start.isoformat(), line.end.isoformat()
            props = {"sides": line.sides, "start": start, "end": end}
            props.update(date=start, date_end=end)
            features.append(
                {"type": "Feature", "geometry": _geometry_json(line.geometry), "properties": props}
            )
        return {"type": "FeatureCollection", "features": features}

    def control_geojson(self) -> dict[str, Any]:
        """Return one point per place per run of unchanged controller.

        Properties: ``place``, ``place_id``, ``controller``, ``date`` (first day of
        the run within the timeline), ``date_end`` (last day, inclusive) and
        ``source`` (the source of the run's first holding).
        """
        runs: list[tuple[PlaceControl, dt.date, dt.date]] = []
        open_runs: dict[str, int] = {}
        for span in self.spans:
            seen = set()
            for held in span.holdings:
                seen.add(held.place_id)
                index = open_runs.get(held.place_id)
                if index is not None and runs[index][0].controller == held.controller:
                    first, start, _ = runs[index]
                    runs[index] = (first, start, span.end)
                    continue
                open_runs[held.place_id] = len(runs)
                runs.append((held, span.start, span.end))
            for place_id in set(open_runs) - seen:
                del open_runs[place_id]
        features = []
        for held, start, end in sorted(runs, key=lambda r: (r[1], r[0].place, r[0].place_id)):
            props = {
                "place": held.place,
                "place_id": held.place_id,
                "controller": held.controller,
                "date": start.isoformat(),
                "date_end": end.isoformat(),
                "source": held.source,
            }
            features.append(
                {
                    "type": "Feature",
                    "geometry": {
                        "type": "Point",
                        "coordinates": [round(held.lon, 5), round(held.lat, 5)],
                    },
                    "properties": props,
                }
            )
        return {"type": "FeatureCollection", "features": features}


# --------------------------------------------------------------------------- baseline


def load_baseline(
    path: Path | None = None,
    *,
    gazetteer: _Gazetteer,
    actors: ActorTable | None = None,
    problems: list[Problem] | None = None,
) -> list[ControlFact]:
    """Read the curated control baseline (default: the shipped ``control.csv``).

    Parameters
    ----------
    path
        A CSV file with the columns ``place,controller,from,to,source``; lines
        starting with ``#`` are comments.
    gazetteer
        Resolves ``place``: a gazetteer id (``ly-tripoli``) or a name it knows.
    actors
        The actor list whose sides are the valid controllers (default: the shipped one).
    problems
        Where a malformed row goes as one warning (file, line, what is wrong) while
        the other rows are read; None (the default) raises on the first one instead.

    Returns
    -------
    list of ControlFact
        One per well-formed row, ``origin="baseline"``.

    Raises
    ------
    DataFileError
        When the file cannot be read or its header is wrong; without ``problems``,
        also when a row is malformed: bad date, unknown place (a gazetteer row that
        was skipped, say), a controller that is not a side, ``to`` before ``from``,
        no source. The one-line message names the file and line number.
    """
    path = Path(path) if path is not None else data_path("control.csv")
    actors = actors if actors is not None else load_actors()
    sides = actors.sides
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as err:
        raise DataFileError(f"{path}: cannot read control baseline: {err}") from err
    numbered = [
        (i, line) for i, line in enumerate(lines, start=1) if not line.lstrip().startswith("#")
    ]
    rows = list(csv.reader([line for _, line in numbered]))
    if not rows or [h.strip() for h in rows[0]] != list(BASELINE_COLUMNS):
        found = rows[0] if rows else None
        raise DataFileError(f"{path}: header must be {','.join(BASELINE_COLUMNS)}, found {found!r}")
    facts = []
    for (line_no, _), row in zip(numbered[1:], rows[1:], strict=False):
        if not any(cell.strip() for cell in row):
            continue
        where = f"{path}:{line_no}"
        try:
            facts.append(_baseline_fact(row, where, gazetteer, sides))
        except DataFileError as err:
            if problems is None:
                raise
            reason = str(err).removeprefix(f"{where}: ")
            problems.append(Problem(str(path), f"{reason}; row skipped", line_no, "warning"))
    return facts


def _baseline_fact(
    row: list[str], where: str, gazetteer: _Gazetteer, sides: Collection[str]
) -> ControlFact:
    """One row of the baseline as a fact; DataFileError (naming ``where``) when malformed."""
    if len(row) != len(BASELINE_COLUMNS):
        raise DataFileError(f"{where}: expected 5 fields, found {len(row)}")
    name, controller, start_text, end_text, source = (cell.strip() for cell in row)
    place = _resolve_place(gazetteer, name)
    if place is None:
        raise DataFileError(f"{where}: unknown place {name!r} (not in the gazetteer)")
    if controller not in sides:
        raise DataFileError(
            f"{where}: controller {controller!r} is not a side (one of {', '.join(sides)})"
        )
    start = _parse_date(start_text, "from", where)
    if start is None:
        raise DataFileError(f"{where}: 'from' date is empty")
    end = _parse_date(end_text, "to", where)
    if end is not None and end < start:
        raise DataFileError(f"{where}: 'to' date {end_text!r} is before 'from' {start_text!r}")
    if not source:
        raise DataFileError(f"{where}: source is empty; cite a public report")
    return ControlFact(
        place=place.name,
        place_id=place.place_id,
        lat=place.lat,
        lon=place.lon,
        controller=controller,
        date=start,
        date_end=end,
        source=source,
        origin="baseline",
    )


def _resolve_place(gazetteer: _Gazetteer, key: str) -> Place | None:
    if not key:
        return None
    try:
        found = gazetteer.get(key)
    except KeyError:
        found = None
    if found is not None:
        return found
    candidates = gazetteer.lookup(key)
    from .theatre import load_theatre

    countries = load_theatre().countries
    in_theatre = [p for p in candidates if p.country in countries]
    ranked = in_theatre or candidates
    return ranked[0] if ranked else None


def _parse_date(text: str, column: str, where: str) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError as err:
        raise DataFileError(
            f"{where}: {column!r} date {text!r} is not an ISO date (YYYY-MM-DD)"
        ) from err


def load_land(
    path: Path | None = None, *, countries: Iterable[str] | None = None
) -> BaseGeometry | None:
    """Return the land to clip control areas to, from the country outlines.

    Parameters
    ----------
    path
        A GeoJSON of country polygons with an ``iso_a2`` property (default: the
        shipped ``outlines/countries.geojson``).
    countries
        Keep only these ISO codes, e.g. ``["LY"]`` so that no area spills over a
        border; all countries of the file by default.

    Returns
    -------
    shapely geometry or None
        The union of the outlines (EPSG:4326); None when the default file is absent
        or holds none of ``countries``.

    Raises
    ------
    DataFileError
        When an explicitly given file cannot be read, or no country matches.
    """
    import geopandas

    explicit = path is not None
    path = Path(path) if path is not None else data_path("outlines/countries.geojson")
    if not path.exists():
        if explicit:
            raise DataFileError(f"{path}: country outlines not found")
        return None
    try:
        frame = geopandas.read_file(path)
    except Exception as err:  # pyogrio raises its own DataSourceError family
        raise DataFileError(f"{path}: cannot read country outlines: {err}") from err
    if countries is not None:
        wanted = {c.upper() for c in countries}
        if "iso_a2" not in frame.columns:
            raise DataFileError(f"{path}: no 'iso_a2' property to select countries by")
        frame = frame[frame["iso_a2"].str.upper().isin(wanted)]
        if frame.empty:
            if not explicit:
                return None  # a theatre whose countries the shipped outlines lack
            raise DataFileError(f"{path}: none of the countries {sorted(wanted)!r} found")
    return shapely.make_valid(shapely.union_all(frame.geometry.values))


# --------------------------------------------------------------------------- facts


def control_facts_from_events(events: Iterable[Event], actors: ActorTable) -> list[ControlFact]:
    """Turn captures and withdrawals into control facts.

    A capture gives the place to the actor's side from the event's last day (a
    capture by an actor without a side, of a place taken from a side, gives it to
    the opposing side when there are exactly two). A withdrawal means the actor's
    side no longer holds the place: with exactly two sides, the other side holds
    it; otherwise the withdrawal is skipped. Denied events and events located only
    to a region are skipped.

    Parameters
    ----------
    events
        Events of any type; only ``capture`` and ``withdrawal`` are used.
    actors
        Maps each actor to its side.

    Returns
    -------
    list of ControlFact
        ``origin="event"``; ``source`` is the reporting articles' files, joined
        with "; ".
    """
    sides = actors.sides
    facts = []
    for event in events:
        if event.type not in ("capture", "withdrawal") or event.status in _IGNORED_STATUSES:
            continue
        if event.geo_precision == "region" or event.last is None:
            continue  # no point, or no day: no fact
        side = actors.side(event.actor)
        target = actors.side(event.target)
        if event.type == "capture":
            holder = side or _other_side(target, sides)
        else:
            holder = _other_side(side, sides)
        if holder is None:
            continue
        place_id = event.place_id or f"{event.place}@{event.lat:.3f},{event.lon:.3f}"
        files = list(dict.fromkeys(s.file for s in event.sources)) or [event.id]
        facts.append(
            ControlFact(
                place=event.place,
                place_id=place_id,
                lat=event.lat,
                lon=event.lon,
                controller=holder,
                date=event.last,  # not None: undated events are skipped above
                date_end=None,
                source="; ".join(files),
                origin="event",
            )
        )
    return facts


def _other_side(side: str | None, sides: Sequence[str]) -> str | None:
    if side is None or len(sides) != 2 or side not in sides:
        return None
    return sides[1] if sides[0] == side else sides[0]


# Statement patterns run over the text with places and actors replaced by tokens:
# "\ue000<n>\ue001" is place mention n, "\ue002<n>\ue003" actor mention n.
_P = "\ue000\\d+\ue001"
_A = "\ue002\\d+\ue003"
_PLACE_TOKEN = re.compile("\ue000(\\d+)\ue001")
_ACTOR_TOKEN = re.compile("\ue002(\\d+)\ue003")
_KIND = (
    r"(?:coastal\s+|oil\s+|port\s+|desert\s+|mountain\s+|border\s+)?"
    r"(?:city|cities|town|towns|village|villages|port|ports|airport|airports|air\s*bases?"
    r"|bases?|oil\s*fields?|fields?|terminals?|districts?|suburbs?|area|areas"
    r"|neighbou?rhoods?|region|capital|oasis|oases|junction|crossing)"
)
_ADJ = (
    r"(?:strategic|key|coastal|western|eastern|southern|northern|central|nearby|important"
    r"|main|major|northwestern|southwestern|northeastern|southeastern|oil|port|desert"
    r"|mountain|neighbouring|neighboring|vital|remote|ancient|besieged)"
)
_PLACE_PHRASE = rf"(?:the\s+)?(?:{_ADJ}\s+)*(?:{_KIND}\s+(?:of\s+)?)?{_P}"
_PLACES = (
    rf"(?P<places>{_PLACE_PHRASE}(?:\s*,\s*{_PLACE_PHRASE})*"
    rf"(?:\s*,?\s*(?:and|as\s+well\s+as)\s+{_PLACE_PHRASE})?)"
)
_FILL = (
    r"(?:the|forces|force|troops|fighters|militias|militia|militiamen|units|brigades"
    r"|brigade|army|loyalists|loyal|allied|aligned|affiliated|backed|supported|led|to|with|of"
    r"|self-styled|so-called|rival|its|his|their|armed|groups|group)"
)
_TAIL = r"(?:forces|troops|fighters|militias|militiamen|units|brigades|army|loyalists|groups)"
_ACTOR = (
    rf"(?P<actor>(?:{_FILL}\s+){{0,4}}{_A}(?:[\s\-–]+(?:{_FILL}[\s\-–]+){{0,3}}{_A})*"
    rf"(?:\s+{_TAIL}){{0,2}})"
)
_ADV = r"(?:still|now|currently|firmly|largely|mostly|effectively|already|also|fully|long)"
_PRESENT = r"(?:is|are|remains|remain|has\s+been|have\s+been|stays|stay|lies|lie)"
_AFTER_COMMA = rf"(?:\s*,\s*(?:(?:which|that)\s+{_PRESENT}\s+)?|\s+{_PRESENT}\s+)"
_NOT_PAST = r"(?!\s*,?\s*(?:until|till|before|previously|formerly)\b)"
_BASE_WORD = r"(?:strongholds?|bastions?|bases?|headquarters|seat|power\s+base)"
_BASE_ADJ = (
    r"(?:main|last|key|major|remaining|largest|biggest|principal|western|eastern|own|military)"
)
_STATEMENT_PATTERNS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p, re.IGNORECASE)
    for p in (
        # "Sirte, which is controlled by Haftar's forces"; "the town of Sirte, held by the LNA"
        rf"{_PLACES}(?:{_AFTER_COMMA}|\s+(?=controlled|occupied))(?:{_ADV}\s+)*"
        rf"(?:controlled|held|occupied|run)\s+by\s+{_ACTOR}{_NOT_PAST}",
        # "Sirte remains under the control of the LNA"; "Sirte, in the hands of the GNA"
        rf"{_PLACES}{_AFTER_COMMA}(?:{_ADV}\s+)*(?:under|in)\s+(?:the\s+)?"
        rf"(?:(?:full|firm|complete|effective|total|tight)\s+)?(?:control|hands|grip)\s+of\s+"
        rf"{_ACTOR}{_NOT_PAST}",
        # "Sirte is under LNA control"; "Sirte, now in Haftar's hands"
        rf"{_PLACES}{_AFTER_COMMA}(?:{_ADV}\s+)*(?:under|in)\s+{_ACTOR}(?:['’]s?)?\s+"
        rf"(?:control|hands)\b{_NOT_PAST}",
        # "Haftar-held Tarhuna"; "the LNA-controlled city of Sirte"
        rf"(?P<actor>{_A})\s*[-–‑]\s*(?:held|controlled|occupied|run)\s+{_PLACES}",
        # "Haftar's forces control Sirte"; "the GNA, which holds Misrata"
        rf"{_ACTOR}(?:\s*,\s*(?:which|who|that))?\s+(?:{_ADV}\s+)*"
        rf"(?:controls?|holds?|occup(?:y|ies)|(?:has|have)\s+(?:{_ADV}\s+)*(?:controlled|held))"
        rf"\s+{_PLACES}(?!\s+(?:as|to\s+be)\b)",
        # "Tarhuna, the last stronghold of Haftar's forces"
        rf"{_PLACES}\s*,\s*(?:(?:which|that)\s+{_PRESENT}\s+)?(?:(?:the|a|an)\s+)?"
        rf"(?:{_BASE_ADJ}\s+)*{_BASE_WORD}\s+of\s+{_ACTOR}",
        # "Haftar's stronghold of Benghazi"; "the LNA stronghold Tarhuna"
        rf"{_ACTOR}(?:['’]s)?\s+(?:{_BASE_ADJ}\s+)*{_BASE_WORD}\s+(?:(?:of|in)\s+)?{_PLACES}",
        # "Benghazi, Haftar's stronghold"
        rf"{_PLACES}\s*,\s*(?:(?:the|a|an)\s+)?{_ACTOR}(?:['’]s)?\s+(?:{_BASE_ADJ}\s+)*{_BASE_WORD}",
    )
)
#: Words just before a statement that make it a past or denied one.
_NEGATED_BEFORE = re.compile(
    r"\b(?:formerly|previously|once|former|erstwhile|not|never|no\s+longer)\s+(?:the\s+|a\s+)?$",
    re.IGNORECASE,
)


def control_facts_from_text(
    article: Article,
    mentions: Sequence[PlaceMention],
    actors: ActorTable,
    *,
    countries: Collection[str] | None = None,
) -> list[ControlFact]:
    """Find statements of who holds a place in an article.

    Recognised forms (present tense only; a past or negated form states nothing
    about the day of publication): "Sirte, which is controlled by Haftar's
    forces", "Tarhuna, held by the LNA", "Sirte remains under the control of X",
    "Sirte is under LNA control", "Haftar-held Tarhuna", "the GNA-controlled towns
    of Zawiya and Zuwara", "Haftar's forces control Sirte", "the GNA, which holds
    Misrata", "Tarhuna, the last stronghold of X", "the LNA stronghold of
    Benghazi", "Benghazi, Haftar's stronghold", "the Tripoli-based government".

    Parameters
    ----------
    article
        The article; ``published`` dates the facts (no date: no facts).
    mentions
        Its resolved place mentions (character offsets into ``article.text``);
        unresolved, relative and region or country mentions are not used.
    actors
        Finds the actors and maps them to sides; actors without a side are ignored.
    countries
        Keep only places in these ISO codes (``{"LY"}`` for the Libyan war), so that
        "Ankara, the seat of the Turkish government" does not colour Ankara; all
        countries by default.

    Returns
    -------
    list of ControlFact
        ``origin="statement"``, ``source=article.file``, one per place and side.
    """
    if article.published is None:
        return []
    if countries is not None:
        wanted = {c.upper() for c in countries}
        mentions = [m for m in mentions if m.place is not None and m.place.country in wanted]
    abstract, places, actor_sides = _abstract(article.text, mentions, actors)
    found: dict[tuple[str, str], ControlFact] = {}

    def add(place: Place, side: str) -> None:
        assert article.published is not None
        found.setdefault(
            (place.place_id, side),
            ControlFact(
                place=place.name,
                place_id=place.place_id,
                lat=place.lat,
                lon=place.lon,
                controller=side,
                date=article.published,
                date_end=None,
                source=article.file,
                origin="statement",
            ),
        )

    for m in _statement_matches(abstract):
        if _NEGATED_BEFORE.search(abstract[max(0, m.start() - 30) : m.start()]):
            continue
        sides = {actor_sides[int(i)] for i in _ACTOR_TOKEN.findall(m.group("actor"))}
        if len(sides) != 1 or None in sides:
            continue
        (side,) = sides
        assert side is not None
        for index in _PLACE_TOKEN.findall(m.group("places")):
            place = places[int(index)]
            if place is not None:
                add(place, side)
    for place, side in _based_in(article.text, mentions, actors):
        add(place, side)
    return list(found.values())


#: Characters no statement pattern can match: every match lies within one stretch of
#: text between them (a sentence, or the part of one between quotes or brackets).
#: Each pattern matches only word characters, spaces, commas, hyphens and dashes,
#: apostrophes and the mention tokens.
_SEGMENT_BREAK = re.compile("[^\\w\\s,\\-–‑'’\ue000-\ue003]+")
#: Words every statement pattern needs one of (found inside words too, as the patterns
#: do not require word boundaries around all of them): "controlled", "held",
#: "hands", "grip", "run", "holds", "occupy", "stronghold", "base", "seat"...
_TRIGGER = re.compile(r"control|held|hold|hands|grip|occup|run|bastion|base|headquarters|seat",
                      re.IGNORECASE)


def _statement_matches(abstract: str) -> Iterator[re.Match[str]]:
    """Every match of the statement patterns in ``abstract``, pattern by pattern.

    The same matches, in the same order, as running each of
    :data:`_STATEMENT_PATTERNS` over the whole text, found faster: the patterns
    run only over the stretches between :data:`_SEGMENT_BREAK` characters that
    hold a place token, an actor token and a :data:`_TRIGGER` word, since no
    match can cross such a character or do without those. (Most of the
    patterns open with the place phrase, which a regular expression tries at
    every character of the text.) A stretch ends just before a break
    character, which is neither a word character nor a space, so the patterns'
    look-aheads and word boundaries see the same there as in the whole text.
    """
    if "\ue000" not in abstract or "\ue002" not in abstract:
        return
    spans: list[tuple[int, int]] = []
    start = 0
    for brk in _SEGMENT_BREAK.finditer(abstract):
        spans.append((start, brk.start()))
        start = brk.end()
    spans.append((start, len(abstract)))
    spans = [
        (a, b)
        for a, b in spans
        if "\ue000" in abstract[a:b]
        and "\ue002" in abstract[a:b]
        and _TRIGGER.search(abstract, a, b) is not None
    ]
    for pattern in _STATEMENT_PATTERNS:
        for a, b in spans:
            yield from pattern.finditer(abstract, a, b)


_BASED = re.compile(r"\s*[-‑–]\s*based\b|\s+based\b", re.IGNORECASE)
_BASED_GAP = re.compile(rf"\s+(?:{_FILL}\s+|{_ADJ}\s+){{0,3}}", re.IGNORECASE)


def _based_in(
    text: str, mentions: Sequence[PlaceMention], actors: ActorTable
) -> Iterator[tuple[Place, str]]:
    """Yield (place, side) for "the Tripoli-based government", "Benghazi-based LNA"."""
    found = actors.find(text)
    for pm in mentions:
        place = pm.place
        if place is None or pm.is_relative or place.kind in _AREA_KINDS:
            continue
        m = _BASED.match(text, pm.end)
        if m is None or _NEGATED_BEFORE.search(text[max(0, pm.start - 30) : pm.start]):
            continue
        for mention in found:
            covers = mention.start <= pm.start < mention.end and mention.end >= m.end()
            gap = (
                _BASED_GAP.fullmatch(text, m.end(), mention.start)
                if m.end() < mention.start
                else None
            )
            if covers or gap is not None:
                side = actors.side(mention.actor)
                if side is not None:
                    yield place, side
                break


def _abstract(
    text: str, mentions: Sequence[PlaceMention], actors: ActorTable
) -> tuple[str, list[Place | None], list[str | None]]:
    """Replace place and actor mentions by tokens; longer spans win, then actors."""
    spans: list[tuple[int, int, int, str, object]] = []
    for mention in actors.find(text):
        spans.append((mention.start, mention.end, 1, "A", actors.side(mention.actor)))
    for pm in mentions:
        if pm.place is None or not (0 <= pm.start < pm.end <= len(text)):
            continue
        usable = not pm.is_relative and pm.place.kind not in _AREA_KINDS
        spans.append((pm.start, pm.end, 0, "P", pm.place if usable else None))
    spans.sort(key=lambda s: (s[0], -(s[1] - s[0]), -s[2]))
    kept: list[tuple[int, int, int, str, object]] = []
    for span in spans:
        if kept and span[0] < kept[-1][1]:
            continue
        kept.append(span)
    parts: list[str] = []
    places: list[Place | None] = []
    sides: list[str | None] = []
    cursor = 0
    for start, end, _, kind, value in kept:
        parts.append(text[cursor:start])
        if kind == "A":
            parts.append(f"\ue002{len(sides)}\ue003")
            sides.append(value if isinstance(value, str) else None)
        else:
            parts.append(f"\ue000{len(places)}\ue001")
            places.append(value if isinstance(value, Place) else None)
        cursor = end
    parts.append(text[cursor:])
    return "".join(parts), places, sides


# --------------------------------------------------------------------------- control


def theatre_countries(facts: Iterable[ControlFact], gazetteer: _Gazetteer) -> list[str]:
    """The countries whose control is mapped: those of the places in ``facts``.

    The theatre is data: the baseline's places say which countries it covers, so
    statements about places abroad ("Izmir, the base of the Turkish army") and
    land outside it are left out.

    Examples
    --------
    >>> from geo.gazetteer import load_gazetteer
    >>> gaz = load_gazetteer()
    >>> theatre_countries(load_baseline(gazetteer=gaz), gaz)
    ['LY']
    """
    counts: dict[str, int] = {}
    for fact in facts:
        place = gazetteer.get(fact.place_id)
        if place is not None:
            counts[place.country] = counts.get(place.country, 0) + 1
    return sorted(counts, key=lambda c: (-counts[c], c))


def control_facts(
    *,
    articles: Sequence[Article],
    mentions: Sequence[PlaceMention],
    events: Iterable[Event],
    gazetteer: _Gazetteer,
    actors: ActorTable,
    baseline: Path | None = None,
) -> list[ControlFact]:
    """Every control fact: the baseline, captures and withdrawals, and statements.

    Statements are read only for places in the baseline's countries
    (:func:`theatre_countries`); with an empty baseline, for any country.

    Parameters
    ----------
    articles, mentions
        The articles and their place mentions (``PlaceMention.article`` is the file).
    events
        Merged or unmerged events; captures and withdrawals become facts.
    gazetteer, actors
        Resolve baseline places and map actors to sides.
    baseline
        The baseline CSV (default: the shipped ``control.csv``).
    """
    base = load_baseline(baseline, gazetteer=gazetteer, actors=actors)
    countries = theatre_countries(base, gazetteer) or None
    by_article: dict[str, list[PlaceMention]] = {}
    for mention in mentions:
        by_article.setdefault(mention.article, []).append(mention)
    stated = [
        fact
        for article in articles
        for fact in control_facts_from_text(
            article, by_article.get(article.file, []), actors, countries=countries
        )
    ]
    return [*base, *control_facts_from_events(events, actors), *stated]


def _order(fact: ControlFact) -> tuple[dt.date, int]:
    return fact.date, _ORIGIN_RANK.get(fact.origin, 1)


def control_at(
    facts: Iterable[ControlFact], date: dt.date, *, contested_window_days: int | None = None
) -> list[PlaceControl]:
    """Return who holds each place on ``date``.

    Parameters
    ----------
    facts
        Control facts of any origin.
    date
        The day asked about.
    contested_window_days
        Disagreeing reports this close to the latest one make a place contested
        (default: ``settings.contested_window_days``, read at call time).

    Returns
    -------
    list of PlaceControl
        One per place with a fact applying on ``date``, sorted by place name.

    Examples
    --------
    >>> from geo.model import ControlFact
    >>> f = [ControlFact("Sirte", "s", 31.2, 16.6, "GNA", dt.date(2019, 4, 4), None, "a"),
    ...      ControlFact("Sirte", "s", 31.2, 16.6, "LNA", dt.date(2020, 1, 6), None, "b",
    ...                  "event")]
    >>> control_at(f, dt.date(2020, 1, 5))[0].controller
    'GNA'
    >>> control_at(f, dt.date(2020, 1, 6))[0].controller
    'LNA'
    """
    window = (
        settings.contested_window_days if contested_window_days is None else contested_window_days
    )
    by_place: dict[str, list[ControlFact]] = defaultdict(list)
    for fact in facts:
        if fact.date <= date and (fact.date_end is None or date <= fact.date_end):
            by_place[fact.place_id].append(fact)
    held = [_decide(sorted(group, key=_order), window) for group in by_place.values()]
    return sorted(held, key=lambda h: (h.place, h.place_id))


def _decide(facts: list[ControlFact], window: int) -> PlaceControl:
    """Decide one place's controller from its applicable facts, oldest first."""
    lead = facts[-1]
    controller = lead.controller
    disagreeing = [
        f
        for f in facts
        if f.controller != controller
        and (lead.date - f.date).days <= window
        and f.source != lead.source
    ]
    unexplained = [
        d
        for d in disagreeing
        if not any(
            a.controller == controller
            and a.origin in ("event", "baseline")
            and _order(a) > _order(d)
            for a in facts
        )
    ]
    if unexplained:
        sources = list(dict.fromkeys([lead.source, *(d.source for d in unexplained)]))
        return PlaceControl(
            lead.place, lead.place_id, lead.lat, lead.lon, CONTESTED, lead.date, "; ".join(sources)
        )
    first = lead
    for fact in reversed(facts):
        if fact.controller != controller:
            break
        first = fact
    return PlaceControl(
        lead.place, lead.place_id, lead.lat, lead.lon, controller, first.date, first.source
    )


def control_table(holdings: Iterable[PlaceControl]) -> list[dict[str, Any]]:
    """Return holdings as JSON-ready rows ``{place, place_id, controller, since, source}``.

    Examples
    --------
    >>> control_table([PlaceControl("Sirte", "ly-sirte", 31.2, 16.6, "LNA",
    ...                              dt.date(2020, 1, 6), "report")])
    [{'place': 'Sirte', 'place_id': 'ly-sirte', 'controller': 'LNA', 'since': '2020-01-06', \
'source': 'report'}]
    """
    return [
        {
            "place": h.place,
            "place_id": h.place_id,
            "controller": h.controller,
            "since": h.since.isoformat(),
            "source": h.source,
        }
        for h in sorted(holdings, key=lambda h: (h.place, h.place_id))
    ]


# --------------------------------------------------------------------------- geometry


class _Frame:
    """A local azimuthal equidistant projection around a centre, in metres."""

    def __init__(self, lat: float, lon: float) -> None:
        self.lat, self.lon = round(lat, 3), round(lon, 3)
        crs = f"+proj=aeqd +lat_0={self.lat} +lon_0={self.lon} +datum=WGS84 +units=m +no_defs"
        self._forward = _transformer(_WGS84, crs)
        self._inverse = _transformer(crs, _WGS84)

    @classmethod
    def around(cls, points: Iterable[tuple[float, float]]) -> _Frame:
        """Return a frame centred on the middle of (lat, lon) points' bounding box."""
        pts = list(points)
        if not pts:
            return cls(0.0, 0.0)
        lats = [p[0] for p in pts]
        lons = [p[1] for p in pts]
        return cls((min(lats) + max(lats)) / 2, (min(lons) + max(lons)) / 2)

    def project(self, geom: BaseGeometry) -> BaseGeometry:
        return shapely.transform(geom, self._apply_forward)

    def unproject(self, geom: BaseGeometry) -> BaseGeometry:
        # A long straight edge here is a curve in lon/lat: add vertices along it.
        # Both cells that share an edge get the same vertices.
        return shapely.transform(shapely.segmentize(geom, _SEGMENT_M), self._apply_inverse)

    def _apply_forward(self, coords: np.ndarray) -> np.ndarray:
        x, y = self._forward.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    def _apply_inverse(self, coords: np.ndarray) -> np.ndarray:
        x, y = self._inverse.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])


@lru_cache(maxsize=64)
def _transformer(source: str, target: str) -> Transformer:
    return Transformer.from_crs(source, target, always_xy=True)


def _circle(lat: float, lon: float, radius_m: float) -> Polygon:
    """Return a geodesic circle around a point, as a lon/lat polygon."""
    azimuths = np.linspace(0.0, 360.0, _CIRCLE_POINTS, endpoint=False)
    lons, lats, _ = _GEOD.fwd(
        np.full(_CIRCLE_POINTS, lon),
        np.full(_CIRCLE_POINTS, lat),
        azimuths,
        np.full(_CIRCLE_POINTS, radius_m),
    )
    return Polygon(zip(lons, lats, strict=True))


def _prepare_land(land: BaseGeometry | None, frame: _Frame, bounds: tuple[float, ...]) -> Any:
    """Clip land (EPSG:4326) to a lon/lat box, project it and make it valid."""
    if land is None:
        return None
    clipped = shapely.segmentize(shapely.clip_by_rect(land, *bounds), _SEGMENT_DEG)
    return shapely.make_valid(frame.project(clipped))


def _lonlat_bounds(
    points: Iterable[tuple[float, float]], max_distance_km: float
) -> tuple[float, float, float, float]:
    pts = list(points)
    lats = [p[0] for p in pts]
    lons = [p[1] for p in pts]
    dlat = max_distance_km / 110.0 + 0.5
    coslat = max(math.cos(math.radians(max(abs(min(lats)), abs(max(lats))) + dlat)), 0.05)
    dlon = min(max_distance_km / (111.32 * coslat) + 0.5, 180.0)
    return (
        max(min(lons) - dlon, -180.0),
        max(min(lats) - dlat, -90.0),
        min(max(lons) + dlon, 180.0),
        min(max(lats) + dlat, 90.0),
    )


#: A place's point, (lat, lon) rounded to 6 decimals: places at one point share a cell.
_Site = tuple[float, float]


#: The cell id of each point, and the edge id of each pair of neighbouring points.
_Layout = tuple[dict[_Site, int], dict[tuple[_Site, _Site], int]]


def _site(held: PlaceControl) -> _Site:
    return round(held.lat, 6), round(held.lon, 6)


def _sites(holdings: Iterable[PlaceControl]) -> dict[_Site, list[PlaceControl]]:
    groups: dict[_Site, list[PlaceControl]] = {}
    for held in holdings:
        groups.setdefault(_site(held), []).append(held)
    return groups


def _site_controller(holdings: Sequence[PlaceControl]) -> str:
    """The controller of the places at one point: contested when they disagree."""
    named = {h.controller for h in holdings}
    return named.pop() if len(named) == 1 else CONTESTED


class _Cells:
    """Voronoi cells of places' points, each cut to its reach, shared across spans.

    A point's cell depends only on which other points are held, not on who holds
    them, so the cells of one set of points (a :meth:`layout`) serve every span
    with that set, and a cell is computed once however many layouts it is part
    of: a place appearing changes the cells of its neighbours only. Each cell is
    cut to its own point's reach (a geodesic circle of ``max_distance_km`` and the
    land): a point within reach of some place is within reach of the place whose
    cell it lies in, as that one is nearer.
    """

    def __init__(
        self,
        sites: Iterable[_Site],
        frame: _Frame,
        land_proj: BaseGeometry | None,
        max_distance_km: float,
    ) -> None:
        self.frame = frame
        self.land = land_proj
        self.radius_m = max_distance_km * 1000.0
        keys = sorted(set(sites))
        self.xy: dict[_Site, tuple[float, float]] = {}
        if keys:
            points = frame.project(shapely.multipoints([(lon, lat) for lat, lon in keys]))
            coords = shapely.get_coordinates(points)
            self.xy = {k: (float(x), float(y)) for k, (x, y) in zip(keys, coords, strict=True)}
            (minx, miny), (maxx, maxy) = coords.min(axis=0), coords.max(axis=0)
        else:
            minx = miny = maxx = maxy = 0.0
        margin = 2.0 * self.radius_m + 1.0
        self.extent = box(minx - margin, miny - margin, maxx + margin, maxy + margin)
        #: clipped cells (projected) by cell id; a cell may be empty
        self.cells: list[BaseGeometry] = []
        #: front-line candidates (projected) by edge id
        self.edges: list[BaseGeometry] = []
        self._raw: list[BaseGeometry] = []
        self._cell_site: list[_Site] = []
        self._cell_ids: dict[tuple[_Site, bytes], int] = {}
        self._edge_ids: dict[tuple[int, int], int | None] = {}
        self._reach: dict[_Site, BaseGeometry] = {}
        self._layouts: dict[frozenset[_Site], _Layout] = {}
        #: finished (unprojected, simplified, rounded) areas and edges, by cell and edge ids
        self.finisher = _Finisher(frame)

    def layout(self, sites: frozenset[_Site]) -> _Layout:
        """Return the cell id of each point and the edge id of each pair of neighbours.

        Pairs are sorted; pairs whose shared boundary lies outside their reach have
        no edge.
        """
        found = self._layouts.get(sites)
        if found is None:
            found = self._layouts[sites] = self._compute(sites)
        return found

    def _compute(self, sites: frozenset[_Site]) -> _Layout:
        keys = sorted(sites)
        if not keys:
            return {}, {}
        xy = np.array([self.xy[k] for k in keys])
        if len(keys) == 1:
            raw = np.array([self.extent], dtype=object)
            pairs: list[tuple[int, int]] = []
        else:
            points = shapely.multipoints(xy)
            voronoi = shapely.voronoi_polygons(points, extend_to=self.extent, ordered=True)
            raw = shapely.get_parts(voronoi)
            pairs = _delaunay_pairs(points, xy)
        cell_ids = self._cells(keys, raw)
        cell_of = dict(zip(keys, cell_ids, strict=True))
        edge_ids = self._edges([(cell_ids[i], cell_ids[j]) for i, j in pairs])
        return cell_of, {
            (keys[i], keys[j]): edge
            for (i, j), edge in zip(pairs, edge_ids, strict=True)
            if edge is not None
        }

    def _reach_of(self, site: _Site) -> BaseGeometry:
        reach = self._reach.get(site)
        if reach is None:
            reach = self.frame.project(_circle(site[0], site[1], self.radius_m))
            if self.land is not None:
                reach = _polygonal(shapely.intersection(reach, self.land))
            self._reach[site] = reach
        return reach

    def _cells(self, sites: Sequence[_Site], raw: np.ndarray) -> list[int]:
        """Return the ids of the cells of ``sites`` (a layout's whole Voronoi polygons)."""
        reaches = [self._reach_of(site) for site in sites]
        # Far from its point a cell may change while its part within reach does not.
        raw = np.array(
            [
                shapely.clip_by_rect(geom, *(reach.bounds if not reach.is_empty else xy * 2))
                for geom, reach, xy in zip(raw, reaches, (self.xy[s] for s in sites), strict=True)
            ],
            dtype=object,
        )
        # Rounded to the metre, a cell computed again from other triangles (around
        # points on one circle) keeps its key.
        normal = shapely.normalize(shapely.remove_repeated_points(raw, 1.0))
        coords, owner = shapely.get_coordinates(normal, return_index=True)
        cuts = np.searchsorted(owner, np.arange(1, len(sites)))
        keys = [part.tobytes() for part in np.split(np.round(coords), cuts)]
        ids = []
        new = []
        for i, site in enumerate(sites):
            found = self._cell_ids.get((site, keys[i]))
            if found is None:
                found = self._cell_ids[(site, keys[i])] = len(self._raw)
                self._raw.append(raw[i])
                self._cell_site.append(site)
                new.append(i)
            ids.append(found)
        if new:
            cut = shapely.intersection(raw[new], np.array([reaches[i] for i in new], dtype=object))
            self.cells.extend(_polygonal(geom) for geom in cut)
        return ids

    def _edges(self, pairs: Sequence[tuple[int, int]]) -> list[int | None]:
        """Return the edge id of each pair of neighbouring cells (None: no front line)."""
        keys = [(min(a, b), max(a, b)) for a, b in pairs]
        new = sorted(
            {
                key
                for key in keys
                if key not in self._edge_ids
                and not (self.cells[key[0]].is_empty or self.cells[key[1]].is_empty)
            }
        )
        if new:
            first = np.array([self._raw[a] for a, _ in new], dtype=object)
            second = np.array([self._raw[b] for _, b in new], dtype=object)
            shared = shapely.intersection(
                shapely.boundary(first), shapely.boundary(second), grid_size=_SNAP_M
            )
            for index in (0, 1):
                reach = np.array(
                    [self._reach_of(self._cell_site[key[index]]) for key in new], dtype=object
                )
                shared = shapely.intersection(shared, reach)
            for key, geom in zip(new, shared, strict=True):
                line = _linear(geom)
                if line.length > _SNAP_M * 10:
                    self._edge_ids[key] = len(self.edges)
                    self.edges.append(line)
                else:
                    self._edge_ids[key] = None
        return [self._edge_ids.get(key) for key in keys]

    def area(self, cell_ids: Collection[int]) -> BaseGeometry:
        """Return the union of cells (projected).

        The cells' whole polygons, which share exact edges, are dissolved before
        being cut to their points' reach, so no slivers are left between them.
        """
        if len(cell_ids) == 1:
            return self.cells[next(iter(cell_ids))]
        # by point, not by id: ids depend on the order cells were first met
        ordered = sorted(cell_ids, key=lambda i: self._cell_site[i])
        whole = shapely.union_all([self._raw[i] for i in ordered])
        reach = shapely.union_all([self._reach_of(self._cell_site[i]) for i in ordered])
        return _polygonal(shapely.intersection(whole, reach))


def _delaunay_pairs(points: BaseGeometry, xy: np.ndarray) -> list[tuple[int, int]]:
    """Index pairs (i < j) of points that are Delaunay neighbours (whose cells touch)."""
    edges = shapely.delaunay_triangles(points, only_edges=True)
    ends = shapely.get_coordinates(edges).reshape(-1, 2, 2)
    index = {(x, y): i for i, (x, y) in enumerate(xy.tolist())}
    pairs = set()
    for (x0, y0), (x1, y1) in ends.tolist():
        i, j = index.get((x0, y0)), index.get((x1, y1))
        if i is None:
            i = int(np.argmin(np.hypot(xy[:, 0] - x0, xy[:, 1] - y0)))
        if j is None:
            j = int(np.argmin(np.hypot(xy[:, 0] - x1, xy[:, 1] - y1)))
        if i != j:
            pairs.add((min(i, j), max(i, j)))
    return sorted(pairs)


def _linear(geom: BaseGeometry) -> BaseGeometry:
    """Keep only the linear parts of a geometry, merged."""
    parts = [
        g
        for g in shapely.get_parts(geom)
        if g.geom_type in ("LineString", "MultiLineString") and not g.is_empty
    ]
    return _merged_lines(parts)


def _merged_lines(parts: Sequence[BaseGeometry]) -> BaseGeometry:
    """Join lines end to end (without noding them): a LineString or MultiLineString."""
    lines = [g for part in parts for g in shapely.get_parts(part) if not g.is_empty]
    if not lines:
        return LineString()
    if len(lines) == 1:
        return lines[0]
    return shapely.line_merge(shapely.multilinestrings(lines))


def territory(
    holdings: Sequence[PlaceControl],
    *,
    land: BaseGeometry | None = None,
    max_distance_km: float = 100.0,
    actors: ActorTable | None = None,
) -> geopandas.GeoDataFrame:
    """Return the area each controller holds, from the places it holds.

    Each place gets its Voronoi cell, cut to a geodesic circle of
    ``max_distance_km`` around it and to ``land``; the cells are dissolved by
    controller. Places at the same point held by different controllers count as
    contested. Contested places keep their own cells as ``"contested"``.

    Parameters
    ----------
    holdings
        Who holds each place (see :func:`control_at`).
    land
        The land to clip to, in EPSG:4326 (see :func:`load_land`); None: no clipping.
    max_distance_km
        How far from a held place its area may reach.
    actors
        Gives each side's colour (default: the shipped actor list).

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``controller``, ``colour``, ``geometry`` (EPSG:4326), one row per
        controller, sorted by controller.
    """
    points = [(h.lat, h.lon) for h in holdings]
    frame = _Frame.around(points)
    land_proj = (
        _prepare_land(land, frame, _lonlat_bounds(points, max_distance_km)) if points else None
    )
    groups = _sites(holdings)
    cells = _Cells(groups, frame, land_proj, max_distance_km)
    cell_of, _ = cells.layout(frozenset(groups))
    by_controller: dict[str, list[BaseGeometry]] = defaultdict(list)
    for site, held in groups.items():
        by_controller[_site_controller(held)].append(cells.cells[cell_of[site]])
    areas = {}
    for controller, parts in by_controller.items():
        area = _polygonal(shapely.union_all(parts))
        if not area.is_empty:
            areas[controller] = area
    return _areas_frame(areas, frame, actors if actors is not None else load_actors())


def _polygonal(geom: BaseGeometry) -> BaseGeometry:
    """Keep only the polygonal parts of a geometry (dropping slivers of lower dimension)."""
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [g for g in shapely.get_parts(geom) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else Polygon()


def _valid(geom: BaseGeometry) -> BaseGeometry:
    """Repair a polygonal geometry that a change of projection made invalid."""
    return geom if geom.is_valid else _polygonal(shapely.make_valid(geom))


def _areas_frame(
    areas: dict[str, BaseGeometry], frame: _Frame, actors: ActorTable
) -> geopandas.GeoDataFrame:
    import geopandas

    names = sorted(areas)
    return geopandas.GeoDataFrame(
        {
            "controller": names,
            "colour": [_colour(name, actors) for name in names],
        },
        geometry=[_valid(frame.unproject(areas[name])) for name in names],
        crs=_WGS84,
    )


def _colour(controller: str, actors: ActorTable) -> str:
    return CONTESTED_COLOUR if controller == CONTESTED else actors.colour(controller)


def front_lines(areas: geopandas.GeoDataFrame) -> geopandas.GeoDataFrame:
    """Return where the areas of different controllers meet.

    Parameters
    ----------
    areas
        As returned by :func:`territory`: columns ``controller`` and ``geometry``.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``sides`` (the two controllers, sorted, joined with "|") and
        ``geometry`` (a LineString or MultiLineString, EPSG:4326); one row per pair
        of controllers that share a boundary.
    """
    if areas.crs is not None and not areas.crs.equals(_WGS84):
        areas = areas.to_crs(_WGS84)
    geoms = {row.controller: row.geometry for row in areas.itertuples(index=False)}
    if not geoms:
        return _lines_frame({}, _Frame(0.0, 0.0))
    minx, miny, maxx, maxy = shapely.total_bounds(list(geoms.values()))
    frame = _Frame((miny + maxy) / 2, (minx + maxx) / 2)
    projected = {name: _valid(frame.project(geom)) for name, geom in geoms.items()}
    return _lines_frame(_front_lines_projected(projected), frame)


def _front_lines_projected(areas: dict[str, BaseGeometry]) -> dict[str, BaseGeometry]:
    lines = {}
    for (a, geom_a), (b, geom_b) in combinations(sorted(areas.items()), 2):
        if geom_a.is_empty or geom_b.is_empty:
            continue
        if not shapely.intersects(geom_a.buffer(_SNAP_M * 4), geom_b):
            continue
        shared = shapely.intersection(geom_a.boundary, geom_b.boundary, grid_size=_SNAP_M)
        merged = _linear(shared)
        if merged.length > _SNAP_M * 10:
            lines[f"{a}|{b}"] = merged
    return lines


def _lines_frame(lines: dict[str, BaseGeometry], frame: _Frame) -> geopandas.GeoDataFrame:
    import geopandas

    names = sorted(lines)
    return geopandas.GeoDataFrame(
        {"sides": names},
        geometry=[frame.unproject(lines[name]) for name in names],
        crs=_WGS84,
    )


# --------------------------------------------------------------------------- timeline


def control_timeline(
    facts: Iterable[ControlFact],
    *,
    start: dt.date,
    end: dt.date,
    land: BaseGeometry | None = None,
    max_distance_km: float = 100.0,
    contested_window_days: int | None = None,
    actors: ActorTable | None = None,
) -> ControlTimeline:
    """Split ``[start, end]`` wherever a place changes hands; map areas and front lines.

    Each held place gets the Voronoi cell of its point among the points held at
    the time, cut as in :func:`territory`. A place's area is one
    :class:`ControlArea` per run of days over which its cell and controller stay
    the same, so that a change of hands re-draws one cell, not the whole map.
    The boundary between two neighbouring cells is a front line on the days their
    controllers differ (a side against ``"contested"`` included): one
    :class:`FrontLine` per pair of controllers and run of days, its pieces joined.

    Geometries are simplified by about 100 m and rounded to 4 decimals
    (about 10 m); neighbouring cells keep identical shared edges.

    Parameters
    ----------
    facts
        Control facts of any origin.
    start, end
        The first and last day (inclusive).
    land
        Land to clip areas to (EPSG:4326), see :func:`load_land`.
    max_distance_km
        How far from a held place its area may reach.
    contested_window_days
        As for :func:`control_at`.
    actors
        Gives each side's colour (default: the shipped actor list).

    Returns
    -------
    ControlTimeline
        Consecutive spans covering ``[start, end]``, each with the holdings at its
        start; the areas and front lines, sorted by start.

    Raises
    ------
    ValueError
        When ``start`` is after ``end``.
    """
    if start > end:
        raise ValueError(f"start {start.isoformat()!r} is after end {end.isoformat()!r}")
    facts = list(facts)
    actors = actors if actors is not None else load_actors()
    window = (
        settings.contested_window_days if contested_window_days is None else contested_window_days
    )
    periods = _periods(facts, start, end, window)
    starts = [day for day, _ in periods]
    ends = [day - dt.timedelta(days=1) for day in starts[1:]] + [end]
    timeline = ControlTimeline()
    timeline.spans = [
        ControlSpan(first, last, holdings, timeline)
        for first, last, (_, holdings) in zip(starts, ends, periods, strict=True)
    ]

    points = [(f.lat, f.lon) for f in facts]
    groups = [_sites(holdings) for _, holdings in periods]
    cells = _timeline_cells(points, {site for group in groups for site in group}, land,
                            max_distance_km)
    area_states: list[dict[_Site, tuple[int, str, tuple[str, ...]]]] = []
    line_states: list[dict[tuple[_Site, _Site], tuple[int, str]]] = []
    names: dict[str, str] = {}
    for group in groups:
        cell_of, edge_of = cells.layout(frozenset(group))
        controllers = {site: _site_controller(held) for site, held in group.items()}
        areas = {}
        for site, held in group.items():
            ids = tuple(sorted({h.place_id for h in held}))
            names.update((h.place_id, h.place) for h in held)
            areas[site] = (cell_of[site], controllers[site], ids)
        area_states.append(areas)
        lines = {}
        for (a, b), edge in edge_of.items():
            if controllers[a] != controllers[b]:
                lines[(a, b)] = (edge, "|".join(sorted((controllers[a], controllers[b]))))
        line_states.append(lines)

    # Neighbouring cells of one controller over the same days make one area.
    groups_by_run: dict[tuple[str, dt.date, dt.date], list[tuple[int, tuple[str, ...]]]] = (
        defaultdict(list)
    )
    for _, (cell, controller, ids), first, last in _runs(area_states, starts, ends):
        groups_by_run[(controller, first, last)].append((cell, ids))
    finish = cells.finisher
    for (controller, first, last), members in groups_by_run.items():
        cell_ids = frozenset(cell for cell, _ in members)
        geom = finish.polygon(cell_ids, partial(cells.area, cell_ids))
        if geom.is_empty:
            continue
        place_ids = sorted({i for _, ids in members for i in ids})
        timeline.areas.append(
            ControlArea(
                controller,
                _colour(controller, actors),
                first,
                last,
                "; ".join(names[i] for i in place_ids),
                "; ".join(place_ids),
                geom,
            )
        )
    timeline.areas.sort(key=lambda a: (a.start, a.side, a.place_id, a.end))
    pieces: dict[tuple[str, dt.date, dt.date], list[BaseGeometry]] = defaultdict(list)
    for _, (edge, sides), first, last in _runs(line_states, starts, ends):
        geom = finish.line(cells.edges, edge)
        if not geom.is_empty:
            pieces[(sides, first, last)].append(geom)
    timeline.lines = [
        FrontLine(sides, first, last, _merged_lines(parts))
        for (sides, first, last), parts in sorted(
            pieces.items(), key=lambda item: (item[0][1], item[0][0], item[0][2])
        )
    ]
    return timeline


def _periods(
    facts: Sequence[ControlFact], start: dt.date, end: dt.date, window: int
) -> list[tuple[dt.date, list[PlaceControl]]]:
    """The first day of each period of unchanged control in ``[start, end]``, with its holdings.

    A place's holding can change only on a day one of its own facts starts
    applying or stops applying, so each place is decided on those days only.
    """
    by_place: dict[str, list[ControlFact]] = defaultdict(list)
    for fact in facts:
        by_place[fact.place_id].append(fact)
    changes: dict[dt.date, list[tuple[str, PlaceControl | None]]] = defaultdict(list)
    changes[start] = []
    one_day = dt.timedelta(days=1)
    for place_id, group in by_place.items():
        group.sort(key=_order)
        days = {start}
        for fact in group:
            if start < fact.date <= end:
                days.add(fact.date)
            if fact.date_end is not None and start < fact.date_end + one_day <= end:
                days.add(fact.date_end + one_day)
        previous: PlaceControl | None = None
        for day in sorted(days):
            applicable = [
                f for f in group if f.date <= day and (f.date_end is None or day <= f.date_end)
            ]
            held = _decide(applicable, window) if applicable else None
            if held != previous:
                changes[day].append((place_id, held))
            previous = held
    current: dict[str, PlaceControl] = {}
    periods: list[tuple[dt.date, list[PlaceControl]]] = []
    for day in sorted(changes):
        moved = not periods
        for place_id, held in changes[day]:
            before = current.pop(place_id, None)
            if held is not None:
                current[place_id] = held
            moved = moved or _where(before) != _where(held)
        if moved:
            holdings = sorted(current.values(), key=lambda h: (h.place, h.place_id))
            periods.append((day, holdings))
    return periods


def _where(held: PlaceControl | None) -> tuple[str, float, float] | None:
    """What of a holding the map shows: its controller and point."""
    return None if held is None else (held.controller, held.lat, held.lon)


def _runs(
    states: Sequence[dict[Any, Any]], starts: Sequence[dt.date], ends: Sequence[dt.date]
) -> Iterator[tuple[Any, Any, dt.date, dt.date]]:
    """Yield (key, value, first day, last day) for each run of a key keeping one value."""
    open_runs: dict[Any, tuple[Any, dt.date]] = {}
    for k, state in enumerate(states):
        for key in [key for key, (value, _) in open_runs.items() if state.get(key) != value]:
            value, first = open_runs.pop(key)
            yield key, value, first, ends[k - 1]
        for key, value in state.items():
            if key not in open_runs:
                open_runs[key] = (value, starts[k])
    for key, (value, first) in open_runs.items():
        yield key, value, first, ends[-1]


#: The cells of the last timeline, with what they were made from. The next
#: timeline over the same places, frame and land (the usual case when one article
#: more reports a capture) reuses them and every layout already computed.
_LAST_CELLS: list[tuple[tuple[Any, ...], BaseGeometry | None, _Cells]] = []


def _timeline_cells(
    points: Sequence[tuple[float, float]],
    sites: set[_Site],
    land: BaseGeometry | None,
    max_distance_km: float,
) -> _Cells:
    """The :class:`_Cells` of a timeline: the last one's when made from the same inputs."""
    frame = _Frame.around(points)
    bounds = _lonlat_bounds(points, max_distance_km) if points else None
    key = (tuple(sorted(sites)), frame.lat, frame.lon, bounds, max_distance_km)
    if _LAST_CELLS and _LAST_CELLS[0][0] == key and _same_land(_LAST_CELLS[0][1], land):
        return _LAST_CELLS[0][2]
    land_proj = _prepare_land(land, frame, bounds) if bounds is not None else None
    cells = _Cells(sites, frame, land_proj, max_distance_km)
    _LAST_CELLS[:] = [(key, land, cells)]
    return cells


def _same_land(a: BaseGeometry | None, b: BaseGeometry | None) -> bool:
    if a is None or b is None:
        return a is b
    return a is b or bool(shapely.equals_exact(a, b, 0.0))


class _Finisher:
    """Unproject, simplify and round areas and edges, once each."""

    def __init__(self, frame: _Frame) -> None:
        self.frame = frame
        self._areas: dict[frozenset[int], BaseGeometry] = {}
        self._lines: dict[int, BaseGeometry] = {}

    def polygon(self, key: frozenset[int], make: Callable[[], BaseGeometry]) -> BaseGeometry:
        found = self._areas.get(key)
        if found is None:
            geom = _valid(self.frame.unproject(make()))
            geom = _polygonal(_rounded(shapely.simplify(geom, _SIMPLIFY_DEG)))
            found = self._areas[key] = geom
        return found

    def line(self, edges: Sequence[BaseGeometry], index: int) -> BaseGeometry:
        found = self._lines.get(index)
        if found is None:
            geom = self.frame.unproject(edges[index])
            geom = _linear(_rounded(shapely.simplify(geom, _SIMPLIFY_DEG)))
            found = self._lines[index] = geom
        return found


def _rounded(geom: BaseGeometry) -> BaseGeometry:
    """Round a lon/lat geometry to the output grid, keeping it valid."""
    rounded = shapely.transform(geom, lambda xy: np.round(xy, _DIGITS))
    if rounded.is_valid:
        return rounded
    if not geom.is_valid:  # simplifying can cross a ring over itself
        geom = shapely.make_valid(geom)
    try:
        snapped = shapely.set_precision(geom, _GRID_DEG)
    except shapely.errors.GEOSException:  # a topology GEOS cannot snap: round and repair
        return shapely.make_valid(rounded)
    return shapely.transform(snapped, lambda xy: np.round(xy, _DIGITS))


# --------------------------------------------------------------------------- GeoJSON


def _geometry_json(geom: BaseGeometry) -> dict[str, Any]:
    """A GeoJSON geometry with plain lists of coordinates."""
    kind = geom.geom_type
    if kind == "Polygon":
        coordinates: list[Any] = _rings(geom)
    elif kind == "MultiPolygon":
        coordinates = [_rings(part) for part in geom.geoms]
    elif kind == "LineString":
        coordinates = shapely.get_coordinates(geom).tolist()
    elif kind == "MultiLineString":
        coordinates = [shapely.get_coordinates(part).tolist() for part in geom.geoms]
    else:
        return mapping(geom)
    return {"type": kind, "coordinates": coordinates}


def _rings(polygon: Polygon) -> list[list[list[float]]]:
    return [
        shapely.get_coordinates(polygon.exterior).tolist(),
        *(shapely.get_coordinates(ring).tolist() for ring in polygon.interiors),
    ]
