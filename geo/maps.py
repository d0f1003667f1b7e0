"""The interactive map: events, claims, control areas and front lines under one time slider.

``map_from_events`` turns :class:`~geo.model.Event` values into a self-contained
folium page; ``save_map`` writes it atomically.

What the page shows
-------------------
- **A base that reads offline**: the sea as the background, the land drawn over
  it (``data/outlines/countries.geojson`` for the theatre, ``context.geojson`` for
  the land around it; Natural Earth), coastlines and borders above the control
  areas, and place labels from the gazetteer by kind (cities at every zoom, towns
  from 8, villages from 10, districts and sites from 11), placed in ``maps.js`` in
  order of importance and left out where they would overlap. OpenStreetMap tiles
  are an optional base layer (``tiles=True``) drawn over the land.
- **Events** grouped by place: the events of the window in view at one place (or,
  below zoom ``_SPREAD_ZOOM``, at places close together on screen) form one marker
  with their count, in the shape of their most frequent type and the colour of
  their most frequent actor. From zoom ``_SPREAD_ZOOM`` a place with fewer than
  ``_BIG_PLACE`` events shows them one by one, spread around it; a bigger one
  spreads when clicked. The map stops at zoom ``_MAX_ZOOM``. One event's marker:
  the *shape* says the type (legend), the *colour* the actor (``data/actors.csv``),
  the *fill* on whose word it rests: solid = reported by the press, hollow =
  claimed by a party, hollow and dashed = unconfirmed claim, grey, dotted and
  struck through = denied. A dark badge gives the number of independent outlets
  (``Event.corroboration``) when it is two or more; the tooltip always says it.
- **Reviewed events** (:mod:`geo.review`) say so in their popup: "Reviewed: confirmed
  by <who> on <date>" (edited, added), with the reviewer's note.
- **Popups** built in the browser from the event's data with ``textContent`` and
  ``createElement`` only: article text (sentences, outlets, file names, place
  and actor names) is never parsed as HTML. Links are kept only when they are
  http(s) URLs, checked in Python and again in the browser.
- **A panel** lists the events in view (map bounds, time window, filters), newest
  first, with filters by type, actor, status and outlet; a row opens its event.
- **Time**: one ``TimelineSlider`` (Leaflet.timeline) drives everything, with a
  chart of events per day or week by type above it and dates under it. Events
  are shown from their first day; the header's selector chooses how far back
  the view reaches (all events up to the slider's date, the day itself, the last
  7 or 30 days); the header shows the date range in view and the number of
  events in it. The page opens at the last day with everything shown.
- **Undated events** (``Event.date`` None) are kept out of the timeline and the
  chart: a layer of their own, off at first, counted in the header.
- **The view in the link**: date, window, filters, centre and zoom are kept in
  the URL fragment, and a page opened with one restores that view.
- **Control areas** (``territory``) and **front lines** (``front_lines``) are
  Leaflet.timeline layers on the same slider: an area or line is drawn on the
  days from its ``start`` to its ``end``, both inclusive ISO dates; a missing or
  null ``start``/``end`` leaves that side open (to the beginning or the end of
  the timeline).
- **Places named without events**: resolved places that articles name but where
  no event was placed (countries left out), a light layer hidden at first.

Everything embedded in the page's scripts is JSON with ``<``, ``>``, ``&``,
U+2028 and U+2029 escaped, so no string can close the ``<script>`` element.

The page loads Leaflet and Leaflet.timeline from the CDN addresses folium uses;
folium's other default assets (jQuery, Bootstrap, Font Awesome, awesome-markers)
are not needed and not loaded. The events travel as compact rows with a string
table (``_event_row``), read back by ``maps.js``.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import json
import math
import os
import re
import tempfile
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import folium
from branca.element import Element, Figure, MacroElement
from folium.map import Layer
from folium.plugins import Timeline, TimelineSlider
from folium.template import Template
from folium.utilities import JsCode

from . import _json
from ._data import data_path
from .actors import UNKNOWN, ActorTable, load_actors
from .errors import DataFileError, FrontlineError
from .gazetteer import load_gazetteer
from .model import EVENT_TYPES, STATUSES, Event, Place, PlaceMention

__all__ = ["map_from_events", "save_map", "TYPE_LABELS", "STATUS_LABELS"]

#: How the legend and popups name each event type.
TYPE_LABELS: dict[str, str] = {
    "airstrike": "Airstrike",
    "shelling": "Shelling",
    "ground_attack": "Ground attack",
    "clash": "Clash",
    "capture": "Capture",
    "withdrawal": "Withdrawal",
    "deployment": "Deployment",
    "threat": "Threat",
}
#: How the legend and popups name each status (whose word an event rests on).
STATUS_LABELS: dict[str, str] = {
    "reported": "Reported by the press",
    "claimed": "Claimed by a party",
    "unconfirmed": "Unconfirmed claim",
    "denied": "Denied",
}
_PRECISION_LABELS = {
    "day": "day",
    "range": "date range",
    "month": "month only",
    "year": "year only",
    "published": "publication date; the text gives none",
    "unknown": "unknown: the text dates it only relatively",
}
_GEO_PRECISION_LABELS = {"exact": "", "near": "near", "region": "region only"}

_DAY_MS = 86_400_000
_EPOCH = dt.date(1970, 1, 1).toordinal()
_HEX = "0123456789abcdefABCDEF"
#: Characters legal in a URL's text but unsafe next to HTML: percent-encoded.
_URL_QUOTES = {'"': "%22", "'": "%27", "<": "%3C", ">": "%3E", "`": "%60"}
_NEUTRAL = "#5f6a6a"
_INK = "#1b1b1b"
#: Where the map looks when there is nothing to fit (Libya).
#: The view when nothing can be fitted and the theatre gives none: the whole world.
_WORLD_BOUNDS = [[-60.0, -180.0], [80.0, 180.0]]
#: The deepest zoom the map allows (about 1:17,000): never street scale.
_MAX_ZOOM = 15
#: From this zoom a place's events show one by one (unless it has ``_BIG_PLACE`` or more).
_SPREAD_ZOOM = 9
_BIG_PLACE = 50
_LAND = "#f4f1e8"
_SEA = "#9fc6e3"


# -- marker drawing -----------------------------------------------------------------------


def _regular(n: int, radius: float, rotation: float = -90.0) -> str:
    points = []
    for i in range(n):
        angle = math.radians(rotation + 360.0 * i / n)
        points.append(f"{15 + radius * math.cos(angle):.1f} {15 + radius * math.sin(angle):.1f}")
    return "M" + "L".join(points) + "Z"


def _star(n: int, outer: float, inner: float) -> str:
    points = []
    for i in range(2 * n):
        radius = outer if i % 2 == 0 else inner
        angle = math.radians(-90.0 + 180.0 * i / n)
        points.append(f"{15 + radius * math.cos(angle):.1f} {15 + radius * math.sin(angle):.1f}")
    return "M" + "L".join(points) + "Z"


#: SVG path per type, in a 30x30 box centred on (15, 15).
_SHAPES: dict[str, str] = {
    "airstrike": "M6 8H24L15 24Z",  # triangle pointing down: from above
    "shelling": "M15 5L25 15L15 25L5 15Z",  # diamond
    "ground_attack": "M15 6L24 22H6Z",  # triangle pointing up
    "clash": _star(5, 10.5, 4.6),  # star
    "capture": "M7 7H23V23H7Z",  # square
    "withdrawal": _regular(5, 9.5, 90.0),  # pentagon pointing down
    "deployment": _regular(6, 9.5, 0.0),  # hexagon
    "threat": "M6.5 15A8.5 8.5 0 1 0 23.5 15A8.5 8.5 0 1 0 6.5 15Z",  # circle
}
_OTHER_SHAPE = _regular(8, 9.0, 22.5)  # octagon: a type outside the vocabulary
_SHAPE_NAMES = {
    "airstrike": "triangle pointing down",
    "shelling": "diamond",
    "ground_attack": "triangle pointing up",
    "clash": "star",
    "capture": "square",
    "withdrawal": "pentagon",
    "deployment": "hexagon",
    "threat": "circle",
}


def _valid_colour(colour: object) -> bool:
    return (
        isinstance(colour, str)
        and len(colour) == 7
        and colour[0] == "#"
        and all(c in _HEX for c in colour[1:])
    )


def _icon_svg(kind: str, status: str, colour: str, outlets: int = 1, *, size: int = 30) -> str:
    """The SVG of one marker; built only from fixed tables, a checked colour and a number."""
    colour = colour if _valid_colour(colour) else _NEUTRAL
    path = _SHAPES.get(kind, _OTHER_SHAPE)
    if status == "reported":
        body = f'<path d="{path}" fill="{colour}" stroke="{_INK}" stroke-width="1.3"/>'
    elif status == "claimed":
        body = f'<path d="{path}" fill="#ffffff" stroke="{colour}" stroke-width="3"/>'
    elif status == "denied":
        body = (
            f'<path d="{path}" fill="#e3e3e3" stroke="{colour}" stroke-width="2" '
            f'stroke-dasharray="1.2 2"/><path d="M6 24L24 6" stroke="{_INK}" stroke-width="2"/>'
        )
    else:  # "unconfirmed", and any status outside the vocabulary: the cautious look
        body = (
            f'<path d="{path}" fill="#ffffff" stroke="{colour}" stroke-width="2.6" '
            f'stroke-dasharray="3.2 2.2"/>'
        )
    badge = ""
    if outlets >= 2:
        text = str(outlets) if outlets < 10 else "9+"
        badge = (
            f'<circle cx="24.5" cy="5.5" r="5.5" fill="{_INK}"/>'
            f'<text x="24.5" y="8.3" font-size="{8 if len(text) == 1 else 6.5}" '
            f'font-family="sans-serif" font-weight="bold" text-anchor="middle" '
            f'fill="#ffffff">{text}</text>'
        )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" '
        f'viewBox="0 0 30 30" stroke-linejoin="round" aria-hidden="true">{body}{badge}</svg>'
    )


# -- data preparation ---------------------------------------------------------------------


def _ms(day: dt.date) -> int:
    """Milliseconds since 1970-01-01 at midnight UTC of ``day``."""
    return (day.toordinal() - _EPOCH) * _DAY_MS


def _text(value: object) -> str | None:
    """A string safe to JSON-encode (no lone surrogates), or None."""
    if value is None:
        return None
    if type(value) is str and value.isascii():  # most values: nothing to replace
        return value
    return str(value).encode("utf-8", "replace").decode("utf-8")


#: A whitespace (as :meth:`str.isspace`) or control character.
_SPACE_OR_CONTROL = re.compile(r"[\s\x00-\x1f\x7f]")


def _http_url(url: object) -> str | None:
    """``url`` when it is an absolute http(s) URL without spaces or controls, else None."""
    if not isinstance(url, str):
        return None
    return _checked_url(url)


@functools.lru_cache(maxsize=65536)
def _checked_url(url: str) -> str | None:
    """:func:`_http_url` for a string, remembered: sources share a few thousand URLs."""
    url = url.strip()
    if _SPACE_OR_CONTROL.search(url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    for char, code in _URL_QUOTES.items():
        url = url.replace(char, code)
    return _text(url)


#: A brace that would open a Jinja2 (branca) expression, statement or comment.
_TEMPLATE_OPENER = re.compile(r"\{(?=[{%#])")


def _script_json(value: Any) -> str:
    r"""JSON that is safe inside ``<script>`` and inert for any template engine.

    ``<``, ``>``, ``&`` and the line separators are escaped, so no string can
    close the ``<script>`` element; a ``{`` that would open a Jinja2 mark
    (``{{``, ``{%``, ``{#``) is written ``\u007b``. JSON itself never puts
    ``{`` before ``{``, ``%`` or ``#``, so only text inside strings changes, and
    a browser reads the same string.
    """
    text = _json.dumps(value)
    text = (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )
    return _TEMPLATE_OPENER.sub(r"\\u007b", text) if "{" in text else text


def _html(value: object) -> str:
    """Text for HTML built from data: markup escaped, and braces too.

    ``&#123;`` and ``&#125;`` read as ``{`` and ``}`` in the page, but no
    template engine sees a mark in them.
    """
    return html.escape(str(value)).replace("{", "&#123;").replace("}", "&#125;")


def _span(event: Event) -> tuple[dt.date, dt.date]:
    """First and last day of a dated event (the last never before the first)."""
    if event.date is None:
        raise ValueError(f"event {event.id} has no date")
    return event.date, max(event.last or event.date, event.date)


def _drawable(event: Event) -> bool:
    lat, lon = event.lat, event.lon
    return (
        isinstance(lat, (int, float))
        and isinstance(lon, (int, float))
        and math.isfinite(lat)
        and math.isfinite(lon)
        and -90.0 <= lat <= 90.0
        and -180.0 <= lon <= 180.0
    )


class _Icons:
    """Distinct marker SVGs, numbered in order of first use."""

    def __init__(self) -> None:
        self.index: dict[tuple[str, str, str, int], int] = {}
        self.svgs: list[str] = []

    def __call__(self, kind: str, status: str, colour: str, outlets: int) -> int:
        key = (kind, status, colour, min(outlets, 10) if outlets >= 2 else 1)
        if key not in self.index:
            self.index[key] = len(self.svgs)
            self.svgs.append(_icon_svg(*key))
        return self.index[key]


class _Strings:
    """A table of distinct strings; rows of event data refer to them by index."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}
        self.values: list[str] = []

    def __call__(self, value: object) -> int | None:
        text = _text(value)
        if text is None:
            return None
        found = self.index.get(text)
        if found is None:
            found = self.index[text] = len(self.values)
            self.values.append(text)
        return found


def _day(day: dt.date | None) -> int | None:
    """Days since 1970-01-01, or None."""
    return None if day is None else day.toordinal() - _EPOCH


def _event_row(event: Event, icon: int, strings: _Strings, places: dict[tuple, int]) -> list[Any]:
    """One event as a compact row (see ``_EVENT_FIELDS``); ``maps.js`` reads it back.

    Strings that repeat (types, places, actors, outlets) are indices into the
    page's string table; days count from 1970-01-01; an undated event has no day.
    """
    key = (_text(event.place), round(float(event.lat), 5), round(float(event.lon), 5))
    loc = places.get(key)
    if loc is None:
        loc = places[key] = len(places)
    sources = [
        [
            strings(s.outlet),
            _day(s.published),
            _http_url(s.url),
            _text(s.sentence),
            _text(s.file),
        ]
        for s in event.sources
    ]
    first, last = _span(event) if event.date is not None else (None, None)
    return [
        _text(event.id),
        strings(event.type),
        strings(event.status),
        icon,
        _day(first),
        _day(last),
        1 if event.date_end else 0,
        strings(event.date_precision),
        loc,
        strings(event.geo_precision),
        strings(event.actor),
        strings(event.target),
        strings(event.claimed_by),
        event.fatalities if isinstance(event.fatalities, int) else None,
        event.corroboration,
        sources,
        _review(event, strings),
    ]


def _review(event: Event, strings: _Strings) -> list[Any] | None:
    """[state, who, day, note] of a reviewed event (``geo.review``), or None.

    The state is a string-table index; who and the note are plain text.
    """
    if event.review is None:
        return None
    at = event.reviewed_at
    return [
        strings(event.review),
        _text(event.reviewed_by),
        at.date().isoformat() if at is not None else None,
        _text(event.review_note),
    ]


#: The order of the values in an event row, as ``maps.js`` reads them.
_EVENT_FIELDS = [
    "id", "type", "status", "icon", "first", "last", "has_end", "date_precision", "loc",
    "geo_precision", "actor", "target", "claimed_by", "fatalities", "outlets", "sources",
    "review",
]  # fmt: skip
_SOURCE_FIELDS = ["outlet", "published", "url", "sentence", "file"]


#: Label classes: (min zoom, max zoom, class index for ``maps.js``) per gazetteer kind.
_LABEL_KINDS: dict[str, tuple[int, int, int]] = {
    "country": (0, 6, 0),
    "city": (0, 20, 1),
    "town": (8, 20, 2),
    "village": (10, 20, 3),
    "district": (11, 20, 4),
    "neighbourhood": (12, 20, 4),
    "airport": (11, 20, 4),
    "air_base": (11, 20, 4),
    "port": (11, 20, 4),
    "military_site": (11, 20, 4),
    "oil_site": (11, 20, 4),
}


def _label_rows(places: Iterable[Place]) -> list[list[Any]]:
    """Place labels for the base map: [name, lat, lon, min zoom, max zoom, class].

    Sorted by importance (class, then population, largest first): ``maps.js``
    places them in this order and drops a label that would collide with one
    already placed.
    """
    rows = []
    for place in places:
        kind = _LABEL_KINDS.get(place.kind)
        name = _text(place.name)
        if kind is None or not name:
            continue
        lat, lon = place.lat, place.lon
        if not (isinstance(lat, (int, float)) and isinstance(lon, (int, float))):
            continue
        if not (math.isfinite(lat) and math.isfinite(lon)):
            continue
        population = place.population if isinstance(place.population, int) else 0
        rows.append((kind[2], -population, name, [name, round(lat, 5), round(lon, 5), *kind]))
    rows.sort(key=lambda r: r[:3])
    return [r[3] for r in rows]


def _default_labels() -> list[Place]:
    """The shipped gazetteer's places; none (and the map goes on) when it cannot be read."""
    try:
        return load_gazetteer().places
    except FrontlineError:
        return []


def _event_data(
    events: Sequence[Event],
    actors: ActorTable,
    extra_types: list[str],
    labels: Sequence[Place],
) -> dict[str, Any]:
    """Everything ``maps.js`` needs to draw the events, the labels and the panel."""
    icons = _Icons()
    strings = _Strings()
    places: dict[tuple, int] = {}
    rows = [
        _event_row(
            e, icons(e.type, e.status, actors.colour(e.actor), e.corroboration), strings, places
        )
        for e in sorted(events, key=lambda e: (e.date is None, e.date or dt.date.min, e.id))
    ]
    actor_names = {_text(e.actor) for e in events if e.actor}
    colours = {a: actors.colour(a) for a in sorted(n for n in actor_names if n)}
    sides = {a: _text(actors.side(a)) for a in colours}
    return {
        "fields": _EVENT_FIELDS,
        "source_fields": _SOURCE_FIELDS,
        "strings": strings.values,
        "places": [[name, lat, lon] for (name, lat, lon) in places],
        "events": rows,
        "icons": icons.svgs,
        "colours": {a: c if _valid_colour(c) else _NEUTRAL for a, c in colours.items()},
        "unknown_colour": actors.colour(None) if _valid_colour(actors.colour(None)) else _NEUTRAL,
        "sides": sides,
        "shapes": {k: _SHAPES.get(k, _OTHER_SHAPE) for k in list(EVENT_TYPES) + extra_types},
        "type_order": list(EVENT_TYPES) + extra_types,
        "labels": _label_rows(labels),
        "text": {
            "types": TYPE_LABELS,
            "statuses": STATUS_LABELS,
            "precisions": _PRECISION_LABELS,
            "geo": _GEO_PRECISION_LABELS,
        },
        "spread_zoom": _SPREAD_ZOOM,
        "big_place": _BIG_PLACE,
    }


def _parse_day(value: object, what: str) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError as err:
        raise ValueError(f"{what}: date {value!r} is not an ISO date (YYYY-MM-DD)") from err


def _timed_features(
    collection: dict | None, geometry_types: tuple[str, ...], what: str
) -> list[tuple[dict, dt.date | None, dt.date | None]]:
    """Check a FeatureCollection and return (feature, start, end) for each feature."""
    if not collection:
        return []
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
        raise ValueError(f"{what} must be a GeoJSON FeatureCollection, got {collection!r:.80}")
    out = []
    for i, feature in enumerate(collection.get("features") or []):
        geometry = (feature or {}).get("geometry") or {}
        if geometry.get("type") not in geometry_types:
            raise ValueError(
                f"{what} feature {i}: geometry type {geometry.get('type')!r} "
                f"is not one of {geometry_types}"
            )
        props = feature.get("properties") or {}
        start = _parse_day(props.get("start"), f"{what} feature {i}")
        end = _parse_day(props.get("end"), f"{what} feature {i}")
        if start and end and end < start:
            raise ValueError(f"{what} feature {i}: end {end} is before start {start}")
        out.append((feature, start, end))
    return out


def _area_collection(
    items: list[tuple[dict, dt.date | None, dt.date | None]],
    span: tuple[dt.date, dt.date],
    actors: ActorTable,
    *,
    with_side: bool,
) -> dict[str, Any]:
    """Features with Leaflet.timeline intervals in ms (end exclusive: the day after ``end``)."""
    features = []
    for feature, start, end in items:
        props = feature.get("properties") or {}
        first, last = start or span[0], end or span[1]
        properties: dict[str, Any] = {
            "start": _ms(first),
            "end": _ms(last) + _DAY_MS,
            "endExclusive": True,
            "from": start.isoformat() if start else None,
            "to": end.isoformat() if end else None,
        }
        if with_side:
            side = _text(props.get("side"))
            colour = props.get("colour")
            properties["side"] = side
            properties["colour"] = colour if _valid_colour(colour) else actors.colour(side)
        features.append(
            {"type": "Feature", "geometry": feature["geometry"], "properties": properties}
        )
    return {"type": "FeatureCollection", "features": features}


def _unplaced(mentions: Iterable[PlaceMention], events: Sequence[Event]) -> list[dict[str, Any]]:
    """Distinct resolved places that no event sits on, with the articles naming them."""
    event_ids = {e.place_id for e in events if e.place_id}
    event_points = {(round(e.lat, 4), round(e.lon, 4)) for e in events if _drawable(e)}
    places: dict[str, dict[str, Any]] = {}
    for mention in mentions:
        place = mention.place
        if place is None or place.kind == "country":
            continue
        if (
            place.place_id in event_ids
            or (round(place.lat, 4), round(place.lon, 4)) in event_points
        ):
            continue
        if not (math.isfinite(place.lat) and math.isfinite(place.lon)):
            continue
        entry = places.setdefault(
            place.place_id,
            {
                "name": _text(place.name),
                "kind": _text(place.kind),
                "lat": place.lat,
                "lon": place.lon,
                "articles": set(),
            },
        )
        entry["articles"].add(_text(mention.article))
    out = []
    for entry in sorted(places.values(), key=lambda p: (p["name"] or "", p["lat"], p["lon"])):
        out.append({**entry, "articles": sorted(a for a in entry["articles"] if a)})
    return out


def _load_outlines(name: str = "countries.geojson") -> dict | None:
    path = data_path(f"outlines/{name}")
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as err:
        raise DataFileError(f"{path}: cannot read country outlines: {err}") from err
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise DataFileError(f"{path}: country outlines must be a GeoJSON FeatureCollection")
    # Only the shapes and ISO codes go into the page: the other properties (names, from
    # a data folder that may be anyone's) stay out of what folium renders as a template.
    features = []
    for feature in data.get("features") or []:
        if not isinstance(feature, dict) or not isinstance(feature.get("geometry"), dict):
            continue
        code = (feature.get("properties") or {}).get("iso_a2")
        properties = {"iso_a2": code} if _ISO_CODE.fullmatch(str(code)) else {}
        geometry = feature["geometry"]
        features.append({"type": "Feature", "properties": properties, "geometry": geometry})
    return {"type": "FeatureCollection", "features": features}


_ISO_CODE = re.compile(r"[A-Z]{2}")


# -- folium elements ----------------------------------------------------------------------


#: Stands for an element's ``data_json`` while its script is rendered (see ``_RawData``).
_DATA_TOKEN = "__frontline_data_json__"


class _RawScript(Element):
    """Text added to the page as it is: never compiled or rendered as a template.

    folium and branca treat every string they are given as a Jinja2 template;
    the page's own HTML and scripts go in through this class instead.
    """

    def __init__(self, text: str):
        super().__init__()
        self.text = text

    def render(self, **kwargs: Any) -> str:
        return self.text


class _RawData:
    """Mixin for elements with a large ``data_json``: keep it out of the second template pass.

    branca renders an element's ``script`` macro and adds the text to the page
    as a new template, which is compiled and rendered again; for megabytes of
    event data the compiling is a tenth of an incremental build. The macro is
    rendered with a short token in place of the data, and the data is put in
    after the second pass. So the data (article text among it) never reaches
    the template engine, whatever it holds (:func:`_script_json` also leaves no
    template mark in it).
    """

    data_json: str

    def render(self, **kwargs: Any) -> None:
        data_json = self.data_json
        self.data_json = _DATA_TOKEN
        try:
            super().render(**kwargs)  # type: ignore[misc]
        finally:
            self.data_json = data_json
        script = self.get_root().script  # type: ignore[attr-defined]
        name = self.get_name()  # type: ignore[attr-defined]
        child = script._children.get(name)
        if child is None or isinstance(child, _RawScript):
            raise RuntimeError(f"{name}: its script was not rendered as expected")
        text = child.render()
        script._children[name] = _RawScript(text.replace(_DATA_TOKEN, data_json, 1))


class _EventTimeline(Timeline):
    """Leaflet.timeline over the event days: it gives the slider its times, draws nothing.

    It holds one empty feature per day on which an event starts or ends (for the
    slider's ticks and its previous/next buttons); the markers are drawn by
    ``_EventLayer``, which listens to its ``change`` event (``drawOnSetTime: false``).
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.timeline({{ this.days_json }}, {drawOnSetTime: false});
        {% endmacro %}
        """
    )

    def __init__(self, days: Iterable[int]):
        features = [
            {"type": "Feature", "geometry": None, "properties": {"start": t, "end": t}}
            for t in sorted(set(days))
        ]
        data = {"type": "FeatureCollection", "features": features}
        super().__init__(data)
        self._name = "EventTimeline"
        self.control = False
        self.show = False
        self.days_json = _script_json(data)


class _AreaTimeline(_RawData, Timeline):  # type: ignore[misc]  # render() of the mixin wraps the base one
    """A Leaflet.timeline layer of control areas or front lines, drawn by Leaflet.timeline."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.timeline({{ this.data_json }}, {
            style: function (feature) {
                return frontlineKit.{{ this.style_name }}(feature.properties);
            },
            onEachFeature: function (feature, layer) {
                layer.bindTooltip(function () {
                    return frontlineKit.areaTooltip(feature.properties, {{ this.label_json }});
                }, {sticky: true});
            }
        });
        {% endmacro %}
        """
    )

    def __init__(self, data: dict[str, Any], *, name: str, style: str, label: str):
        super().__init__(data)
        self._name = "AreaTimeline"
        self.layer_name = name
        self.overlay = True
        self.control = True
        self.show = True
        self.style_name = style
        self.label_json = _script_json(label)
        self.data_json = _script_json(data)
        # Only the text is drawn. The areas themselves (a million coordinate lists at
        # 10,000 articles) would otherwise live on in the element tree's reference
        # cycles until a full garbage collection had traversed every one of them.
        self.data = {"type": "FeatureCollection", "features": []}


class _Slider(TimelineSlider):
    """TimelineSlider showing ISO dates (UTC) without moment.js."""

    default_js = [(name, url) for name, url in TimelineSlider.default_js if name != "moment"]

    def __init__(self, **kwargs: Any):
        super().__init__(**kwargs)
        options: dict[str, Any] = self.options
        options["format_output"] = JsCode("function (t) { return frontlineKit.isoDay(t); }")


class _BlankBase(Layer):
    """A base layer that draws nothing: the map's own light background."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.layerGroup();
        {% endmacro %}
        """
    )

    def __init__(self, name: str, *, show: bool):
        super().__init__(name=name, overlay=False, control=True, show=show)
        self._name = "BlankBase"


class _EventLayer(_RawData, MacroElement):  # type: ignore[misc]  # render() of the mixin wraps the base one
    """The events, the place labels, the panel and the link: all drawn by ``maps.js``.

    ``data_json`` holds the event rows, their string and place tables, the
    marker icons and the label places; it goes into the page by the ``_RawData``
    token path, never through the template engine.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        window.frontline = frontlineKit.eventLayer({
            map: {{ this._parent.get_name() }},
            timeline: {{ this.timeline }},
            undated: {{ this.undated }},
            data: {{ this.data_json }},
            ids: {{ this.ids_json }}
        });
        {% endmacro %}
        """
    )

    def __init__(self, data: dict[str, Any], *, timeline: str, undated: str, ids: dict[str, str]):
        super().__init__()
        self._name = "EventLayer"
        self.timeline = timeline
        self.undated = undated
        self.data_json = _script_json(data)
        self.ids_json = _script_json(ids)


class _PlacesLayer(_RawData, MacroElement):  # type: ignore[misc]  # render() of the mixin wraps the base one
    """Small grey dots for places named without events, added to the parent group."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        frontlineKit.placeLayer({{ this._parent.get_name() }}, {{ this.data_json }});
        {% endmacro %}
        """
    )

    def __init__(self, places: list[dict[str, Any]]):
        super().__init__()
        self._name = "PlacesLayer"
        self.data_json = _script_json(places)


class _Finish(MacroElement):
    """After the slider exists: fit the view, open at the last day, mark the page ready."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        frontlineKit.finish(window.frontline, {{ this.slider }}, {{ this.end }}, {{ this.view }},
            {{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, slider: str, end: int | None, view: dict[str, Any]):
        super().__init__()
        self._name = "Finish"
        self.slider = slider
        self.end = "null" if end is None else str(int(end))
        self.view = _script_json(view)


_KIT_JS = Path(__file__).with_name("maps.js")


# -- page furniture -----------------------------------------------------------------------


_CSS = (
    """
.folium-map.leaflet-container { background: """
    + _SEA
    + """; }
.fl-marker { background: none; border: none; }
.fl-marker svg { display: block; overflow: visible; }
.fl-group { cursor: pointer; }
.fl-label { background: none; border: none; pointer-events: none; white-space: nowrap;
  font: 12px/14px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #2b2b2b;
  text-shadow: -1px -1px 0 #fff, 1px -1px 0 #fff, -1px 1px 0 #fff, 1px 1px 0 #fff,
  0 0 3px #fff; }
.fl-label > span { position: absolute; left: 0; top: 0; transform: translate(-50%, 13px); }
.fl-label i { position: absolute; left: 50%; top: -15px; width: 5px; height: 5px;
  margin-left: -2.5px; border-radius: 3px; background: #3b3b3b; }
.fl-label-c0 { font-size: 13px; letter-spacing: 2px; color: #6d6a60; text-transform: uppercase; }
.fl-label-c0 i { display: none; }
.fl-label-c1 { font-weight: 650; font-size: 13px; }
.fl-label-c3 { font-size: 11px; }
.fl-label-c4 { font-size: 11px; font-style: italic; color: #4a4a4a; }
.fl-label-c4 i { width: 4px; height: 4px; background: #777; }
.fl-panel { position: fixed; z-index: 999; background: rgba(255,255,255,0.95);
  border-radius: 6px; box-shadow: 0 1px 5px rgba(0,0,0,0.35); padding: 8px 10px;
  font: 12px/1.35 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1b1b1b; }
.fl-header { top: 10px; left: 56px; max-width: 380px; }
.fl-header h1 { font-size: 15px; margin: 0 0 4px; font-weight: 650; }
.fl-header p { margin: 2px 0; }
.fl-header select { font-size: 12px; }
.fl-header .fl-generated { color: #555; font-size: 11px; }
.fl-legend { top: 200px; left: 10px; width: 250px; max-height: calc(100vh - 350px);
  overflow: auto; box-sizing: border-box; }
.fl-legend summary, .fl-side summary { font-weight: 650; cursor: pointer; }
.fl-legend h2 { font-size: 12px; margin: 6px 0 2px; font-weight: 650; }
.fl-legend ul { list-style: none; margin: 0; padding: 0; }
.fl-legend li { display: flex; align-items: center; gap: 6px; margin: 1px 0; }
.fl-legend li svg { flex: none; }
.fl-side { top: 56px; right: 10px; width: 300px; max-height: calc(100vh - 240px);
  display: flex; flex-direction: column; box-sizing: border-box; }
.fl-side-body[open] { display: flex; flex-direction: column; min-height: 0; }
.fl-filters { display: grid; grid-template-columns: 1fr 1fr; gap: 3px 6px; margin: 6px 0; }
.fl-filters label { display: flex; flex-direction: column; font-size: 11px; color: #555; }
.fl-filters label { min-width: 0; }
.fl-filters select { font-size: 12px; width: 100%; min-width: 0; }
.fl-filters button { grid-column: span 2; font-size: 12px; }
.fl-list { list-style: none; margin: 0; padding: 0; overflow: auto; min-height: 0;
  max-height: calc(100vh - 360px); border-top: 1px solid #ddd; }
.fl-list li { padding: 3px 2px; border-bottom: 1px solid #eee; cursor: pointer; }
.fl-list li:hover, .fl-list li.fl-active { background: #eef4f8; }
.fl-list .fl-row-head { font-weight: 600; }
.fl-list .fl-row-meta { color: #555; font-size: 11px; }
.fl-list-more { color: #666; font-size: 11px; margin: 3px 0 0; }
.fl-chart { display: block; margin: 0 0 2px auto; }
.fl-ticks { display: block; margin: 0 0 0 auto; }
.fl-swatch { display: inline-block; flex: none; width: 18px; height: 12px;
  border: 1px solid #444; }
.fl-line { display: inline-block; flex: none; width: 18px; height: 0;
  border-top: 4px solid #111; }
.fl-count { color: #666; }
.fl-pop { font: 12px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
.fl-pop-title { font-weight: 650; font-size: 13px; margin-bottom: 4px; }
.fl-pop-review { color: #1b5e20; font-weight: 600; margin: 2px 0; }
.fl-pop-review-note { color: #555; font-style: italic; margin-bottom: 4px; }
.fl-pop table { border-collapse: collapse; margin-bottom: 4px; }
.fl-pop th { text-align: left; vertical-align: top; padding: 0 8px 0 0; color: #555;
  font-weight: 600; white-space: nowrap; }
.fl-pop td { padding: 0; }
.fl-pop ol { margin: 4px 0 0; padding-left: 18px; max-height: 220px; overflow: auto; }
.fl-pop blockquote { margin: 2px 0 4px; padding-left: 6px; border-left: 3px solid #ccc;
  color: #333; white-space: pre-wrap; }
.fl-src-meta { color: #666; font-size: 11px; }
@media (max-width: 700px) {
  .fl-header { left: 50px; right: 10px; max-width: none; padding: 5px 8px; }
  .fl-header h1 { font-size: 13px; }
  .fl-header .fl-counts, .fl-header .fl-generated { display: none; }
  .fl-legend { top: auto; left: auto; bottom: 175px; right: 10px; width: auto;
    max-width: 70vw; max-height: 45vh; }
  .fl-side { top: auto; bottom: 175px; left: 10px; right: auto; width: auto;
    max-width: 60vw; max-height: 45vh; }
  .fl-list { max-height: 28vh; }
  .leaflet-top.leaflet-right { top: 80px; }
  .leaflet-control.leaflet-timeline-control { margin-bottom: 6px; }
}
"""
)


def _swatch_html(colour: str, *, opacity: float = 1.0) -> str:
    colour = colour if _valid_colour(colour) else _NEUTRAL
    return f'<span class="fl-swatch" style="background:{colour};opacity:{opacity}"></span>'


def _legend_html(
    events: Sequence[Event],
    actors: ActorTable,
    areas: list[tuple[str | None, str]],
    has_lines: bool,
    n_places: int,
    extra_types: list[str],
    legend_id: str,
) -> str:
    esc = _html
    by_type = Counter(e.type for e in events)
    by_status = Counter(e.status for e in events)
    rows = []
    rows.append('<details open class="fl-legend-body"><summary>Legend</summary>')
    rows.append("<h2>Event type (shape)</h2><ul>")
    for kind in list(EVENT_TYPES) + extra_types:
        label = TYPE_LABELS.get(kind, kind)
        rows.append(
            f'<li data-type="{esc(kind)}">{_icon_svg(kind, "reported", "#8e9696", size=20)}'
            f'<span>{esc(label)} <span class="fl-count">({by_type.get(kind, 0)})</span></span></li>'
        )
    rows.append("</ul><h2>Whose word (fill)</h2><ul>")
    for status in STATUSES:
        look = {
            "reported": "solid",
            "claimed": "hollow",
            "unconfirmed": "hollow, dashed",
            "denied": "grey, dotted, struck through",
        }[status]
        rows.append(
            f'<li data-status="{status}">{_icon_svg("threat", status, _NEUTRAL, size=20)}'
            f"<span>{esc(STATUS_LABELS[status])}: {look} "
            f'<span class="fl-count">({by_status.get(status, 0)})</span></span></li>'
        )
    rows.append(
        f'<li data-badge="outlets">{_icon_svg("threat", "reported", "#8e9696", 3, size=20)}'
        "<span>Badge: number of independent outlets reporting it (2 or more)</span></li>"
    )
    rows.append(
        f'<li data-group="place">{_group_svg()}'
        "<span>Group: the number of events in view at a place (or at places close "
        "together); its shape is their most frequent type, its colour their most "
        f"frequent actor. From zoom {_SPREAD_ZOOM} a place shows its events one by one "
        f"(from {_BIG_PLACE} events: click the group to spread it)</span></li>"
    )
    rows.append("</ul><h2>Actor (colour)</h2><ul>")
    used = list(dict.fromkeys(e.actor or UNKNOWN for e in events))
    for actor in sorted(used, key=lambda a: (a == UNKNOWN, a.casefold())):
        side = actors.side(actor)
        note = f" ({esc(side)} side)" if side and side != actor else ""
        name = "unknown or unattributed" if actor == UNKNOWN else esc(actor)
        rows.append(f"<li>{_swatch_html(actors.colour(actor))}<span>{name}{note}</span></li>")
    rows.append("</ul>")
    if areas or has_lines:
        rows.append("<h2>On the ground</h2><ul>")
        for side, colour in areas:
            name = esc(side) if side else "unknown"
            rows.append(f"<li>{_swatch_html(colour, opacity=0.35)}<span>Held by {name}</span></li>")
        if has_lines:
            rows.append('<li><span class="fl-line"></span><span>Front line</span></li>')
        rows.append("</ul>")
    if n_places:
        rows.append(
            '<ul><li><svg width="20" height="20" viewBox="0 0 20 20" aria-hidden="true">'
            '<circle cx="10" cy="10" r="4" fill="#ffffff" stroke="#6c7a89" stroke-width="1.5"/>'
            "</svg><span>Place named without events (layer off at first)</span></li></ul>"
        )
    rows.append("</details>")
    return f'<div class="fl-panel fl-legend" id="{legend_id}">{"".join(rows)}</div>'


def _group_svg() -> str:
    """The legend's sample of a group marker (maps.js draws the real ones alike)."""
    return (
        '<svg width="24" height="24" viewBox="0 0 30 30" aria-hidden="true">'
        f'<path d="{_SHAPES["shelling"]}" fill="#8e9696" stroke="{_INK}" stroke-width="1.3"/>'
        '<rect x="7" y="10" width="16" height="10" rx="4" fill="#ffffff" stroke="#1b1b1b" '
        'stroke-width="0.8"/><text x="15" y="18" font-size="8" font-weight="bold" '
        'text-anchor="middle" font-family="sans-serif">12</text></svg>'
    )


def _panel_html(ids: dict[str, str]) -> str:
    """The side panel's frame: filters and the list of events in view (filled by maps.js)."""
    return (
        f'<div class="fl-panel fl-side" id="{ids["panel"]}">'
        '<details open class="fl-side-body"><summary>Events in view '
        '<span class="fl-list-count"></span></summary>'
        '<div class="fl-filters">'
        '<label>Type <select data-filter="type"></select></label>'
        '<label>Actor <select data-filter="actor"></select></label>'
        '<label>Status <select data-filter="status"></select></label>'
        '<label>Outlet <select data-filter="outlet"></select></label>'
        '<button type="button" class="fl-link" title="Copy a link to this view">'
        "Copy link</button></div>"
        '<ol class="fl-list"></ol><p class="fl-list-more"></p></details></div>'
    )


def _header_html(
    *,
    title: str,
    events: Sequence[Event],
    drawn: int,
    n_places: int,
    generated_at: dt.datetime,
    ids: dict[str, str],
) -> str:
    esc = _html
    dated = [e for e in events if e.date is not None]
    if dated:
        spans = [_span(e) for e in dated]
        first = min(a for a, _ in spans)
        last = max(b for _, b in spans)
        span = f"{first.isoformat()} to {last.isoformat()}"
    else:
        span = "no dated events" if events else "no events"
    articles = {s.file for e in events for s in e.sources}
    places = {e.place_id or (round(e.lat, 4), round(e.lon, 4)) for e in events if _drawable(e)}
    if generated_at.tzinfo is not None:
        generated_at = generated_at.astimezone(dt.timezone.utc)
    generated = generated_at.strftime("%Y-%m-%d %H:%M UTC")
    skipped = len(events) - drawn
    lines = [
        f'<div class="fl-panel fl-header" id="{ids["header"]}">',
        f"<h1>{esc(title)}</h1>",
        f'<p class="fl-span">Events from {esc(span)}</p>',
        f'<p class="fl-counts">{len(events)} events at {len(places)} places, '
        f"from {len(articles)} articles; {n_places} more places named without events</p>",
    ]
    if skipped:
        lines.append(f"<p>{skipped} events without usable coordinates are not drawn</p>")
    undated = sum(1 for e in events if e.date is None and _drawable(e))
    if undated:
        lines.append(
            f'<p class="fl-undated">{undated} undated events, not in the timeline: '
            f'<label><input type="checkbox" id="{ids["undated"]}"> show them</label> '
            "(layer \u201cUndated events\u201d)</p>"
        )
    if dated:
        lines.append(
            f'<p><label>Show events <select id="{ids["window"]}">'
            '<option value="0" selected>up to the date</option>'
            '<option value="1">of the day</option>'
            '<option value="7">of the last 7 days</option>'
            '<option value="30">of the last 30 days</option>'
            "</select></label></p>"
            f'<p class="fl-view">In view: <span id="{ids["range"]}">{esc(span)}</span>, '
            f'<span id="{ids["count"]}">{drawn - undated}</span> events</p>'
        )
    lines.append(f'<p class="fl-generated">Generated {esc(generated)}</p></div>')
    return "".join(lines)


# -- the builder --------------------------------------------------------------------------


def map_from_events(
    events: Sequence[Event],
    *,
    mentions: Sequence[PlaceMention] = (),
    territory: dict | None = None,
    front_lines: dict | None = None,
    title: str = "frontline",
    generated_at: dt.datetime | None = None,
    actors: ActorTable | None = None,
    tiles: bool = True,
    labels: Sequence[Place] | None = None,
) -> folium.Map:
    """Build the interactive map of events, control areas and front lines.

    Parameters
    ----------
    events : sequence of Event
        The events to draw; events without finite coordinates are counted in
        the header but not drawn.
    mentions : sequence of PlaceMention, optional
        Place mentions; resolved places where no event sits (countries left
        out) make the hidden "places named without events" layer.
    territory : dict, optional
        GeoJSON FeatureCollection of (Multi)Polygons with properties ``side``,
        ``colour`` (``#rrggbb``; the side's colour when missing), ``start`` and
        ``end`` (ISO dates, both inclusive; missing or null = open-ended).
    front_lines : dict, optional
        GeoJSON FeatureCollection of (Multi)LineStrings with ``start``/``end``
        as for ``territory``.
    title : str, default "frontline"
        Shown in the header panel and as the page title.
    generated_at : datetime, optional
        When the map was made (default: now, UTC; naive values are taken as UTC).
    actors : ActorTable, optional
        Colours and sides (default: the shipped ``actors.csv``).
    tiles : bool, default True
        Offer OpenStreetMap tiles as the base layer (the page is readable without).
    labels : sequence of Place, optional
        Places to label on the base map by kind (cities at every zoom, towns from
        zoom 8, villages from 10, districts and sites from 11); default the
        shipped gazetteer; ``()`` for none.

    Returns
    -------
    folium.Map
        Render it with ``fmap.get_root().render()`` or write it with ``save_map``.

    Raises
    ------
    ValueError
        When ``territory`` or ``front_lines`` is not a FeatureCollection of the
        right geometry types or holds a date that is not ISO.
    DataFileError
        When the shipped country outlines cannot be read.

    Examples
    --------
    >>> import datetime as dt
    >>> from geo.model import Event, Source
    >>> event = Event("e1", "airstrike", dt.date(2019, 4, 7), None, "day", "Tripoli",
    ...               None, 32.89, 13.19, "exact", "LNA", "GNA", "claimed", "LNA", None,
    ...               [Source("a.txt", "Example News", "https://example.org/a",
    ...                       dt.date(2019, 4, 8), "Warplanes struck the airport.")])
    >>> fmap = map_from_events([event], tiles=False)
    >>> "Airstrike" in fmap.get_root().render()
    True
    """
    actors = actors or load_actors()
    labels = _default_labels() if labels is None else list(labels)
    generated_at = generated_at or dt.datetime.now(dt.timezone.utc)
    events = list(events)
    drawable = [e for e in events if _drawable(e)]
    areas = _timed_features(territory, ("Polygon", "MultiPolygon"), "territory")
    lines = _timed_features(front_lines, ("LineString", "MultiLineString"), "front_lines")
    places = _unplaced(mentions, events)

    dated = [e for e in drawable if e.date is not None]
    days = [d for e in dated for d in _span(e)]
    days += [d for _, start, end in areas + lines for d in (start, end) if d]
    span = (min(days), max(days)) if days else None

    fmap = folium.Map(
        location=[27.0, 17.0],
        zoom_start=5,
        tiles=None,
        control_scale=True,
        zoom_control=True,
    )
    fmap.options["max_zoom"] = _MAX_ZOOM
    # only the assets this page uses (folium's jQuery, Bootstrap and icon fonts are not)
    fmap.default_js = [(n, u) for n, u in folium.Map.default_js if n == "leaflet"]
    fmap.default_css = [(n, u) for n, u in folium.Map.default_css if n == "leaflet_css"]
    # fitted in the page (maps.js, without animation), leaving room for the panels
    view = {
        "bounds": _bounds(drawable, places, areas + lines),
        "paddingTopLeft": [280, 190],
        "paddingBottomRight": [330, 150],
        "maxZoom": 11,
    }
    root = fmap.get_root()
    assert isinstance(root, Figure)
    root.title = _html(title)
    name = fmap.get_name()
    ids = {
        k: f"fl-{k}-{name}"
        for k in ("header", "legend", "window", "range", "count", "panel", "undated")
    }
    root.header.add_child(_RawScript(f"<style>{_CSS}</style>"), name="frontline_css")
    root.header.add_child(
        _RawScript(f"<script>{_KIT_JS.read_text(encoding='utf-8')}</script>"), name="frontline_kit"
    )

    if tiles:
        folium.TileLayer("OpenStreetMap", name="OpenStreetMap", control=True).add_to(fmap)
        _BlankBase("No tiles (offline)", show=False).add_to(fmap)

    outlines = _load_outlines()
    context = _load_outlines("context.geojson")  # the land around the theatre, shapes only
    if outlines is not None:
        if context is not None:
            features = context["features"] + outlines["features"]
            land = {"type": "FeatureCollection", "features": features}
        else:
            land = outlines
        # land over the sea-coloured background, under the tiles (so tiles cover it online);
        # coastlines and borders above the control areas, so the coast shows through them
        folium.map.CustomPane("fl-land", z_index=150, pointer_events=False).add_to(fmap)
        folium.map.CustomPane("fl-borders", z_index=420, pointer_events=False).add_to(fmap)
        folium.GeoJson(
            land,
            name="Land",
            style_function=lambda _: {
                "color": "#8a8577",
                "weight": 1.0,
                "fillColor": _LAND,
                "fillOpacity": 1.0,
            },
            interactive=False,
            control=False,
            pane="fl-land",
        ).add_to(fmap)
        folium.GeoJson(
            outlines,  # the theatre's, over its control areas; the land layer draws the rest
            name="Country outlines",
            style_function=lambda _: {"color": "#6f6a5e", "weight": 1.2, "fill": False},
            interactive=False,
            control=True,
            pane="fl-borders",
        ).add_to(fmap)

    area_legend: list[tuple[str | None, str]] = []
    timelines: list[Timeline] = []
    if areas and span:
        data = _area_collection(areas, span, actors, with_side=True)
        seen = dict.fromkeys(
            (f["properties"]["side"], f["properties"]["colour"]) for f in data["features"]
        )
        area_legend = list(seen)
        timelines.append(
            _AreaTimeline(data, name="Control areas", style="areaStyle", label="held by")
        )
    if lines and span:
        data = _area_collection(lines, span, actors, with_side=False)
        timelines.append(
            _AreaTimeline(data, name="Front lines", style="lineStyle", label="front line")
        )
    for timeline in timelines:
        timeline.add_to(fmap)

    extra_types = sorted({e.type for e in drawable} - set(EVENT_TYPES))
    undated = [e for e in drawable if e.date is None]
    event_timeline = None
    if drawable:
        if dated:
            event_timeline = _EventTimeline(
                _ms(d) for e in dated for d in _span(e)
            )
            event_timeline.add_to(fmap)
            timelines.append(event_timeline)
        undated_group = folium.FeatureGroup(
            name=f"Undated events ({len(undated)})", show=False, control=bool(undated)
        )
        undated_group.add_to(fmap)
        data = _event_data(drawable, actors, extra_types, labels)
        _EventLayer(
            data,
            timeline=event_timeline.get_name() if event_timeline else "null",
            undated=undated_group.get_name(),
            ids=ids,
        ).add_to(fmap)
    elif labels:
        _EventLayer(
            _event_data([], actors, [], labels), timeline="null", undated="null", ids=ids
        ).add_to(fmap)

    if places:
        group = folium.FeatureGroup(name=f"Places named without events ({len(places)})", show=False)
        _PlacesLayer(places).add_to(group)
        group.add_to(fmap)

    slider_name = "null"
    if timelines and span:
        n_days = (span[1] - span[0]).days
        slider = _Slider(
            auto_play=False,
            start=_ms(span[0]),
            end=_ms(span[1]),
            steps=max(1, n_days),
            playback_duration=int(min(60_000, max(10_000, 40 * n_days))),
            enable_keyboard_controls=True,
            show_ticks=True,
        )
        slider.add_timelines(*timelines)
        slider.add_to(fmap)
        slider_name = slider.get_name()
    _Finish(slider_name, _ms(span[1]) if span else None, view).add_to(fmap)

    root.html.add_child(
        _RawScript(
            _header_html(
                title=title,
                events=events,
                drawn=len(drawable),
                n_places=len(places),
                generated_at=generated_at,
                ids=ids,
            )
        ),
        name="frontline_header",
    )
    if drawable:
        root.html.add_child(_RawScript(_panel_html(ids)), name="frontline_panel")
    legend = _legend_html(
        drawable, actors, area_legend, bool(lines), len(places), extra_types, ids["legend"]
    )
    root.html.add_child(_RawScript(legend), name="frontline_legend")

    folium.LayerControl(collapsed=True, position="topright").add_to(fmap)
    return fmap


def _bounds(
    events: Sequence[Event], places: list[dict[str, Any]], items: list[tuple[dict, Any, Any]]
) -> list[list[float]]:
    points = [(e.lat, e.lon) for e in events]
    if not points:
        points = [(p["lat"], p["lon"]) for p in places]
    if not points:
        for feature, _, _ in items:
            points.extend((lat, lon) for lon, lat, *_ in _coordinates(feature["geometry"]))
    if not points:
        from .theatre import load_theatre

        view = load_theatre().bounds
        return [list(view[0]), list(view[1])] if view else _WORLD_BOUNDS
    lats = [p[0] for p in points]
    lons = [p[1] for p in points]
    return [[min(lats), min(lons)], [max(lats), max(lons)]]


def _coordinates(geometry: dict) -> Iterable[Sequence[float]]:
    def walk(value: Any) -> Iterable[Sequence[float]]:
        if value and isinstance(value[0], (int, float)):
            yield value
        else:
            for item in value:
                yield from walk(item)

    return walk(geometry.get("coordinates") or [])


def save_map(fmap: folium.Map, path: Path) -> None:
    """Write the map's HTML to ``path`` atomically.

    The page is written to a temporary file in the same folder and moved over
    ``path`` with ``os.replace``, so a reader never sees half a page.

    Raises
    ------
    OSError
        When the folder does not exist or cannot be written.
    """
    path = Path(path)
    text = fmap.get_root().render()
    try:
        mode = path.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.chmod(tmp, mode)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
