"""The plain values that flow between the pipeline's stages.

articles -> places -> events -> (store) -> control and front lines -> map and exports.
Each stage takes these values and returns new ones; none of them touches the disk.
Coordinates are always spelled ``lat``/``lon``; only the writers that build
geometries swap them into (lon, lat) order.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "EVENT_TYPES",
    "STATUSES",
    "REVIEW_STATES",
    "DATE_PRECISIONS",
    "GEO_PRECISIONS",
    "PLACE_KINDS",
    "Problem",
    "Article",
    "Place",
    "PlaceMention",
    "DateSpan",
    "Source",
    "Event",
    "ControlFact",
]

#: Event types, in the order the legend lists them.
EVENT_TYPES: tuple[str, ...] = (
    "airstrike",
    "shelling",
    "ground_attack",
    "clash",
    "capture",
    "withdrawal",
    "deployment",
    "threat",
)
#: What a person made of an event (:mod:`geo.review`); None: not reviewed.
REVIEW_STATES: tuple[str, ...] = ("confirmed", "edited", "added")
#: Whose word an event rests on.
STATUSES: tuple[str, ...] = ("reported", "claimed", "unconfirmed", "denied")
#: How exactly an event's date is known: a day; a range (``date`` to ``date_end``);
#: a month; a year; nothing in the text, so the publication date stands in; or not at
#: all (``date`` is None: an article without a publication date that dates it only
#: relatively, "on Monday").
DATE_PRECISIONS: tuple[str, ...] = ("day", "range", "month", "year", "published", "unknown")
#: How exactly an event's point is known: the place itself, somewhere near it
#: ("south of Tripoli", "90 km southeast of the capital"), or only a region.
GEO_PRECISIONS: tuple[str, ...] = ("exact", "near", "region")
#: Gazetteer kinds.
PLACE_KINDS: tuple[str, ...] = (
    "city",
    "town",
    "village",
    "district",
    "neighbourhood",
    "airport",
    "air_base",
    "port",
    "military_site",
    "oil_site",
    "region",
    "country",
)


@dataclass(frozen=True)
class Problem:
    """Something wrong with one input, reported as one line and then skipped."""

    file: str
    message: str
    line: int | None = None
    #: "error" (the input, or that part of it, was skipped) or "warning" (it was used)
    severity: str = "error"

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class Article:
    """One news article, read and decoded.

    ``file`` is the article's name relative to the folder it was found in (its
    bare name when given directly); it identifies the article in outputs.
    """

    path: Path
    file: str
    text: str
    sha256: str
    title: str | None = None
    published: dt.date | None = None
    #: where ``published`` came from: "front matter", "manifest", "page" (a saved page's or
    #: PDF's own metadata), "file name", "text"
    published_from: str | None = None
    outlet: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class Place:
    """A named point: a gazetteer row, a GeoNames city, or an online answer."""

    place_id: str
    name: str
    lat: float
    lon: float
    kind: str
    country: str
    admin1: str | None = None
    geonames_id: int | None = None
    population: int | None = None
    alt_names: tuple[str, ...] = ()
    #: "gazetteer", "geonames", "online", or "part" (an unknown part of a known town,
    #: placed at the town: see :func:`geo.places.find_places`)
    source: str = "gazetteer"


@dataclass(frozen=True)
class PlaceMention:
    """One place name as written in one article.

    ``start``/``end`` are character offsets into the article's text.
    ``place`` is None when the name could not be resolved. A relative
    location ("90 km southeast of the capital") keeps the named place as its
    anchor in ``place`` and describes the offset in ``relation``.
    """

    article: str
    text: str
    start: int
    end: int
    place: Place | None
    relation: str | None = None
    distance_km: float | None = None
    bearing: str | None = None
    score: float = 100.0

    @property
    def is_relative(self) -> bool:
        """Whether the mention places something relative to the named place."""
        return self.relation is not None


@dataclass(frozen=True)
class DateSpan:
    """A resolved date: one day, or a range from ``date`` to ``date_end``."""

    date: dt.date
    date_end: dt.date | None = None
    precision: str = "day"

    @property
    def last(self) -> dt.date:
        """The last day the span covers."""
        return self.date_end or self.date


@dataclass(frozen=True)
class Source:
    """One article's report of an event."""

    file: str
    outlet: str | None
    url: str | None
    published: dt.date | None
    sentence: str
    #: this source's own word: "reported", "claimed", "unconfirmed" or "denied"
    status: str | None = None
    #: the party claiming or denying it, in this source
    claimed_by: str | None = None

    def to_dict(self) -> dict[str, str | None]:
        """The source as JSON-ready values (``published`` as an ISO date).

        ``status`` and ``claimed_by`` are given when the source has its own word.
        """
        out = {
            "file": self.file,
            "outlet": self.outlet,
            "url": self.url,
            "published": self.published.isoformat() if self.published else None,
            "sentence": self.sentence,
        }
        if self.status is not None:
            out["status"] = self.status
            out["claimed_by"] = self.claimed_by
        return out


@dataclass
class Event:
    """A dated, typed, located and attributed conflict event."""

    id: str
    type: str
    #: None when the date is unknown (``date_precision`` "unknown")
    date: dt.date | None
    date_end: dt.date | None
    date_precision: str
    place: str
    place_id: str | None
    lat: float
    lon: float
    geo_precision: str
    actor: str | None
    target: str | None
    status: str
    claimed_by: str | None
    fatalities: int | None
    sources: list[Source] = field(default_factory=list)
    #: what a person made of it (:mod:`geo.review`): "confirmed", "edited", "added", or
    #: None when nobody has reviewed it; rejected events never reach the map or exports
    review: str | None = None
    #: when (UTC) and by whom the last correction of it was made, and its reason
    reviewed_at: dt.datetime | None = None
    reviewed_by: str | None = None
    review_note: str | None = None
    #: the key its corrections name it by (see :func:`geo.review.event_key`)
    review_key: str | None = None

    @property
    def corroboration(self) -> int:
        """The number of distinct outlets (or articles without one) reporting it."""
        return len({s.outlet or s.file for s in self.sources})

    @property
    def last(self) -> dt.date | None:
        """The last day the event covers (None when undated)."""
        return self.date_end or self.date

    @property
    def dated(self) -> bool:
        """Whether the event has a date."""
        return self.date is not None


@dataclass(frozen=True)
class ControlFact:
    """Who held a place from a date, on whose word."""

    place: str
    place_id: str
    lat: float
    lon: float
    controller: str
    date: dt.date
    #: the last day the fact is known to hold, when a source bounds it
    date_end: dt.date | None
    source: str
    #: "baseline", "event" (a capture or withdrawal) or "statement"
    origin: str = "statement"
