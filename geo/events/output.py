"""Stage 9: public API: events from articles, ids, GeoJSON."""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

from ..actors import ActorTable
from ..model import Article, Event, PlaceMention, Source
from .extractor import _Extractor, run
from .lexicon import EventLexicon, load_lexicon
from .merging import merge_events


def extract_events(
    article: Article,
    mentions: Sequence[PlaceMention],
    actors: ActorTable,
    *,
    lexicon: EventLexicon | None = None,
) -> list[Event]:
    """Find the conflict events one article reports, unmerged.

    Parameters
    ----------
    article
        The article; its ``published`` date anchors relative dates. An article
        without one gives no events.
    mentions
        The article's place mentions (:func:`geo.places.find_places`).
    actors
        The actor table (:func:`geo.actors.load_actors`).
    lexicon
        Rules to use instead of the shipped ``event_lexicon.yaml``.

    Returns
    -------
    list of Event
        In text order, each with exactly one :class:`~geo.model.Source`.

    Examples
    --------
    >>> import datetime as dt
    >>> from pathlib import Path
    >>> from geo.actors import load_actors
    >>> from geo.model import Article, Place, PlaceMention
    >>> text = "Warplanes loyal to Haftar bombed Misrata on Thursday."
    >>> art = Article(Path("a.txt"), "a.txt", text, "0", published=dt.date(2019, 12, 20))
    >>> misrata = Place("ly-misrata", "Misrata", 32.3754, 15.0925, "city", "LY")
    >>> [(e.type, e.place, e.actor, str(e.date)) for e in extract_events(
    ...     art, [PlaceMention("a.txt", "Misrata", 33, 40, misrata)], load_actors())]
    [('airstrike', 'Misrata', 'LNA', '2019-12-19')]
    """
    if not article.text.strip():
        return []
    lex = lexicon or load_lexicon()
    if article.published is None:
        return _undated_events(article, mentions, actors, lex)
    return _events(article, mentions, actors, lex)


#: Two stand-in publication days for an article without one, on different weekdays, in
#: different months and years, far from any war: a date the text resolves to the same
#: day against both is written in full ("on 12 March 2020"); any other is unknown.
_STAND_INS = (dt.date(2101, 3, 9), dt.date(2102, 8, 26))


def _undated_events(
    article: Article, mentions: Sequence[PlaceMention], actors: ActorTable, lex: EventLexicon
) -> list[Event]:
    """The events of an article whose publication date is unknown.

    Each event the text dates absolutely keeps its date; the others are kept with
    ``date`` None and ``date_precision`` "unknown", never dropped.
    """
    runs = [
        _events(replace(article, published=day), mentions, actors, lex, undated=True)
        for day in _STAND_INS
    ]
    other = {(e.type, e.place_id, e.sources[0].sentence): e for e in runs[1]}
    out = []
    for event in runs[0]:
        twin = other.get((event.type, event.place_id, event.sources[0].sentence))
        absolute = (
            twin is not None
            and (twin.date, twin.date_end) == (event.date, event.date_end)
            and event.date_precision != "published"
        )
        sources = [replace(s, published=None) for s in event.sources]
        if absolute:
            out.append(replace(event, sources=sources))
        else:
            undated_id = "ev-" + hashlib.sha1(f"undated|{event.id}".encode()).hexdigest()[:12]
            out.append(
                replace(
                    event,
                    id=undated_id,
                    date=None,
                    date_end=None,
                    date_precision="unknown",
                    sources=sources,
                )
            )
    return out


def _events(
    article: Article,
    mentions: Sequence[PlaceMention],
    actors: ActorTable,
    lex: EventLexicon,
    *,
    undated: bool = False,
) -> list[Event]:
    extractor = _Extractor(article, mentions, actors, lex)
    extractor.undated = undated
    events = []
    for draft in run(extractor):
        sent = draft.sentence
        place = draft.place
        events.append(
            Event(
                id=_event_id(draft.type, place.place_id, draft.span.date, article.file,
                             sent.start),
                type=draft.type,
                date=draft.span.date,
                date_end=draft.span.date_end,
                date_precision=draft.span.precision,
                place=place.name,
                place_id=place.place_id,
                lat=place.lat,
                lon=place.lon,
                geo_precision=draft.geo_precision,
                actor=draft.actor,
                target=draft.target,
                status=draft.status,
                claimed_by=draft.claimed_by,
                fatalities=draft.fatalities,
                sources=[
                    Source(article.file, article.outlet, article.url, article.published,
                           article.text[sent.start : sent.end].strip(), draft.status,
                           draft.claimed_by)
                ],
            )
        )  # fmt: skip
    return events


def _event_id(kind: str, place_id: str | None, date: dt.date, file: str, offset: int) -> str:
    key = f"{kind}|{place_id}|{date.isoformat()}|{file}|{offset}"
    return "ev-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]


def events_from_articles(
    articles: Iterable[Article],
    gazetteer: Any,
    actors: ActorTable,
    *,
    geocoder: Any = None,
    mentions: Iterable[PlaceMention] | None = None,
) -> list[Event]:
    """Find places and events in every article and merge the events across articles.

    Parameters
    ----------
    articles
        The articles.
    gazetteer
        The gazetteer (:func:`geo.gazetteer.load_gazetteer`).
    actors
        The actor table (:func:`geo.actors.load_actors`).
    geocoder
        Optional online geocoder passed to :func:`geo.places.find_places`.
    mentions
        The articles' place mentions when already found (for example by
        :func:`geo.places.places_from_articles`); found here otherwise.

    Returns
    -------
    list of Event
        Merged events, sorted by date and id.

    Examples
    --------
    >>> events_from_articles([], None, None)
    []
    """
    from ..places import find_places

    known: dict[str, list[PlaceMention]] | None = None
    if mentions is not None:
        known = {}
        for mention in mentions:
            known.setdefault(mention.article, []).append(mention)
    events: list[Event] = []
    for article in articles:
        if known is not None:
            found = known.get(article.file, [])
        else:
            found = find_places(article, gazetteer, geocoder=geocoder)
        events += extract_events(article, found, actors)
    return merge_events(events)


def events_geojson(events: Iterable[Event]) -> dict[str, Any]:
    """Return the events as a GeoJSON FeatureCollection, one Point per event.

    Examples
    --------
    >>> events_geojson([])["type"]
    'FeatureCollection'
    """
    features = []
    for e in sorted(events, key=lambda e: (e.date or dt.date.min, e.id)):
        properties = event_properties(e)
        if not (math.isfinite(e.lat) and math.isfinite(e.lon)):
            continue
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [e.lon, e.lat]},
                "properties": properties,
            }
        )
    return {"type": "FeatureCollection", "features": features}


def event_properties(e: Event) -> dict[str, Any]:
    """The properties of an event's GeoJSON feature (``events.geojson``), JSON-ready.

    ``review`` is "confirmed", "edited", "added" or None; ``reviewed_at`` an ISO
    UTC time, ``reviewed_by`` who made the last correction (see :mod:`geo.review`).

    Examples
    --------
    >>> from geo.model import Event
    >>> e = Event("ev-1", "clash", None, None, "unknown", "Sirte", None, 31.2, 16.6,
    ...           "exact", None, None, "reported", None, None)
    >>> event_properties(e)["review"] is None
    True
    """
    return {
        "id": e.id,
        "type": e.type,
        "date": e.date.isoformat() if e.date else None,
        "date_end": e.date_end.isoformat() if e.date_end else None,
        "date_precision": e.date_precision,
        "place": e.place,
        "place_id": e.place_id,
        "geo_precision": e.geo_precision,
        "actor": e.actor,
        "target": e.target,
        "status": e.status,
        "claimed_by": e.claimed_by,
        "fatalities": e.fatalities,
        "corroboration": e.corroboration,
        "sources": [s.to_dict() for s in e.sources],
        "review": e.review,
        "reviewed_at": e.reviewed_at.isoformat(timespec="seconds") if e.reviewed_at else None,
        "reviewed_by": e.reviewed_by,
    }


def explain_events(
    article: Article,
    mentions: Sequence[PlaceMention],
    actors: ActorTable,
    *,
    lexicon: EventLexicon | None = None,
) -> list[str]:
    """The rule path of each event of one article and why each other trigger gave none.

    One line per event found (trigger, pattern, place chosen and why, date and its
    precision, status and claimant) and per trigger dropped (the reason), in text
    order. ``frontline events --explain`` prints them.

    Examples
    --------
    >>> import datetime as dt
    >>> from pathlib import Path
    >>> from geo.actors import load_actors
    >>> from geo.model import Article
    >>> art = Article(Path("a.txt"), "a.txt", "Talks went on.", "0", published=dt.date(2020, 1, 1))
    >>> explain_events(art, [], load_actors())
    []
    """
    if article.published is None or not article.text.strip():
        return []
    extractor = _Extractor(article, mentions, actors, lexicon or load_lexicon())
    extractor.trace = []
    run(extractor)
    return extractor.trace
