"""Stage 8b: events merged within an article and across reports (drafts: ``folding``)."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from functools import lru_cache

from .. import settings
from ..actors import UNKNOWN
from ..dates import find_dates
from ..gazetteer import haversine_km
from ..model import Event, Source
from ._rules import _GEO_RANK, _PRECISION_RANK


def _sort_key(event: Event) -> tuple[dt.date, str, str]:
    sources = event.sources
    if len(sources) == 1:  # most events, before merging
        return sources[0].published or dt.date.min, sources[0].file, event.id
    first = min(
        ((s.published or dt.date.min, s.file) for s in sources),
        default=(dt.date.min, ""),
    )
    return first[0], first[1], event.id


def merge_events(events: Iterable[Event], *, across_articles: bool = True) -> list[Event]:
    """Merge reports of one happening into one event listing every source.

    Two events merge when they have the same type, compatible actors (equal, or
    one unknown), places within ``settings.merge_distance_km`` and dates that
    overlap within ``settings.merge_date_slack_days``. Within one article two
    sentences (never one sentence with itself) also merge when one names the
    other's place, an undated one joins a dated one, and their statuses agree
    (equal, a claim and a plain report, or a party's claim and the same claim
    unverified). Articles are merged within
    themselves first, then across articles.

    Parameters
    ----------
    events
        Events from :func:`extract_events`, in any order.
    across_articles
        False merges only within each article (what per-article scoring wants).

    Returns
    -------
    list of Event
        Sorted by date and id, undated events last (they are never merged). A
        merged event keeps the id of its earliest source (earliest publication
        date, then file name, then id), so ids are stable
        from run to run and do not depend on input order.

    Examples
    --------
    >>> merge_events([])
    []
    """
    items = sorted(events, key=_sort_key)
    # an event without a date cannot be told the same as another: it stays on its own
    undated = [e for e in items if e.date is None]
    items = [e for e in items if e.date is not None]
    by_file: dict[str, list[Event]] = {}
    for event in items:
        by_file.setdefault(event.sources[0].file if event.sources else "", []).append(event)
    mates = _list_mates(items)
    within = []
    for group in by_file.values():
        within += _fold_attacks(_cluster(group, same_article=True, mates=mates))
    if not across_articles:
        return _by_date(within) + sorted(undated, key=lambda e: e.id)
    merged = _cluster(sorted(within, key=_sort_key), same_article=False, mates=mates)
    return _by_date(merged) + sorted(undated, key=lambda e: e.id)


def _span(event: Event) -> tuple[dt.date, dt.date]:
    """First and last day of a dated event (merging sees no other, see merge_events)."""
    if event.date is None or event.last is None:
        raise ValueError(f"event {event.id} has no date")
    return event.date, event.last


def _overlap(a: Event, b: Event, slack: dt.timedelta = dt.timedelta(0)) -> bool:
    """Whether two dated events' days overlap, ``slack`` days apart at most."""
    (a0, a1), (b0, b1) = _span(a), _span(b)
    return a0 <= b1 + slack and b0 <= a1 + slack


def _by_date(events: list[Event]) -> list[Event]:
    """Dated events by date, then id."""
    return sorted(events, key=lambda e: (e.date or dt.date.min, e.id))


#: The places of the events each sentence gave, by (file, sentence).
_Mates = dict[tuple[str, str], frozenset[str]]


def _list_mates(events: Iterable[Event]) -> _Mates:
    """The places of the events each sentence gave (before any merging).

    "Clashes in Ain Zara and Salah al-Din": each of the two events' sentence names the
    other's place, as a sentence about a district names its city; but the two are
    listed side by side, two places of one sentence, and never one happening.
    """
    out: dict[tuple[str, str], set[str]] = {}
    for event in events:
        for s in event.sources:
            out.setdefault((s.file, s.sentence), set()).add(event.place.casefold())
    return {key: frozenset(places) for key, places in out.items()}


def _files(event: Event) -> frozenset[str]:
    return frozenset(s.file for s in event.sources)


def _cluster(
    events: list[Event], *, same_article: bool, mates: _Mates | None = None
) -> list[Event]:
    """Greedy clustering in the given (deterministic) order.

    Within an article an event joins the first group all of whose members it may merge
    with; across articles, the first group whose first (earliest) member it may merge
    with, looked up in a grid of cells about as wide as the merge distance, and that
    holds no event of the same article (the article's own pass kept them apart).
    """
    mates = mates or {}
    order: list[list[Event]] = []
    if same_article:
        by_type: dict[str, list[list[Event]]] = {}
        for event in events:
            for group in by_type.setdefault(event.type, []):
                if all(_mergeable(event, other, True, mates) for other in group):
                    group.append(event)
                    break
            else:
                by_type[event.type].append([event])
                order.append(by_type[event.type][-1])
        return [_combine(group, True) for group in order]
    cell = max(settings.merge_distance_km / 111.0, 0.01)  # degrees of latitude
    slack = settings.merge_date_slack_days
    # a group is filed under every date bucket its first member's days (widened by the
    # slack) touch, so an event meets exactly the groups whose dates may overlap its own
    grid: dict[tuple[str, int, int, int], list[int]] = {}
    # the cells an event's neighbourhood spans, per row of cells: a row's cells narrow
    # with latitude, so its reach in columns grows
    offsets: dict[int, list[tuple[int, int]]] = {}
    files: list[set[str]] = []  # the articles in each group
    for event in events:
        y, x = math.floor(event.lat / cell), math.floor(event.lon / cell)
        around = offsets.get(y)
        if around is None:
            top = min(max(abs(y * cell), abs((y + 1) * cell)) + cell, 89.0)
            reach = math.ceil(1 / max(math.cos(math.radians(top)), 0.01))
            around = offsets[y] = [(dy, dx) for dy in (-1, 0, 1) for dx in range(-reach, reach + 1)]
        first, last = _day_buckets(*_span(event), 0)
        kind = event.type
        near: set[int] = set()
        for bucket in range(first, last + 1):
            for dy, dx in around:
                hits = grid.get((kind, y + dy, x + dx, bucket))
                if hits:
                    near.update(hits)
        own = _files(event)
        found = next(
            (
                i for i in sorted(near)
                if not own & files[i] and _mergeable(event, order[i][0], False, mates)
            ),
            None,
        )  # fmt: skip
        if found is not None:
            order[found].append(event)
            files[found] |= own
        else:
            files.append(set(own))
            first, last = _day_buckets(*_span(event), slack)
            for bucket in range(first, last + 1):
                grid.setdefault((event.type, y, x, bucket), []).append(len(order))
            order.append([event])
    return [_combine(group, False) for group in order]


#: Days per date bucket of the cross-article merge index.
_BUCKET_DAYS = 16


def _day_buckets(first: dt.date, last: dt.date, slack: int) -> tuple[int, int]:
    """The date buckets that the days ``first - slack`` to ``last + slack`` touch."""
    return (first.toordinal() - slack) // _BUCKET_DAYS, (last.toordinal() + slack) // _BUCKET_DAYS


def _mergeable(a: Event, b: Event, same_article: bool, mates: _Mates | None = None) -> bool:
    mates = mates or {}
    if a.type != b.type:
        return False
    if not (a.actor == b.actor or {a.actor, b.actor} & {None, UNKNOWN}):
        return False
    slack = dt.timedelta(days=settings.merge_date_slack_days)
    if same_article:
        if _share_a_sentence(a.sources, b.sources):
            return False
        if (
            a.status != b.status
            and {a.status, b.status} != {"claimed", "reported"}
            and not (
                {a.status, b.status} == {"claimed", "unconfirmed"} and a.claimed_by == b.claimed_by
            )
        ):
            return False
        undated = "published" in (a.date_precision, b.date_precision)
        if (
            a.date_precision == b.date_precision == "day"
            and a.date_end is None is b.date_end
            and a.date != b.date
            and _dated_in_sentence(a)
            and _dated_in_sentence(b)
        ):
            # one article dating two sentences to two days ("the violence broke out the
            # previous night in X ... on Friday it spread to X") tells two happenings
            slack = dt.timedelta(0)
        if not undated and not _overlap(a, b, slack):
            return False
        if a.place_id is not None and a.place_id == b.place_id:
            return True
        distance = haversine_km(a.lat, a.lon, b.lat, b.lon)
        if distance <= settings.merge_distance_km and not _different_places(a, b, mates):
            return True
        if distance > _NAMED_PLACE_KM:
            return False
        return _names_place(a, b, mates) or _names_place(b, a, mates)
    if not _overlap(a, b, slack):
        return False
    if haversine_km(a.lat, a.lon, b.lat, b.lon) > settings.merge_distance_km:
        return False
    return not _different_places(a, b, mates)


def _dated_in_sentence(event: Event) -> bool:
    """Whether the sentence of an event's (only) source names a day of its own."""
    published = event.sources[0].published if len(event.sources) == 1 else None
    if published is None:
        return False
    return event.date in _named_days(event.sources[0].sentence, published)


@lru_cache(maxsize=4096)
def _named_days(sentence: str, published: dt.date) -> frozenset[dt.date]:
    """The days a sentence names in so many words (cached: pairs meet a sentence often)."""
    return frozenset(
        m.span.date for m in find_dates(sentence, published) if _NAMED_DAY.search(m.text)
    )


#: A date expression that names its day ("on Friday", "the previous night", "12 May"), not
#: a vague one ("a little while ago", "recently").
_NAMED_DAY = re.compile(
    r"\d|monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|today|"
    r"tonight|night|january|february|march|april|may|june|july|august|september|"
    r"october|november|december|previous day|day before|day earlier",
    re.IGNORECASE,
)


def _different_places(a: Event, b: Event, mates: _Mates | None = None) -> bool:
    """Whether two reports name two places, neither naming the other's: two happenings.

    "A strike on the port" and "a strike on the airport" of one city stay apart;
    "Tripoli" and its district named in the other's sentence may join; two places
    listed in one sentence, each an event of it, stay apart.
    """
    if a.place_id is None or b.place_id is None or a.place_id == b.place_id:
        return False
    return not (_names_place(a, b, mates) or _names_place(b, a, mates))


def _share_a_sentence(a: list[Source], b: list[Source]) -> bool:
    """Whether two events' sources quote one sentence of one file."""
    if len(a) == 1 and len(b) == 1:  # the usual case within an article
        return a[0].sentence == b[0].sentence and a[0].file == b[0].file
    return bool({(s.file, s.sentence) for s in a} & {(s.file, s.sentence) for s in b})


#: Words that open a relative clause set off by commas.
_RELATIVE_OPENERS = frozenset("where which who whose when".split())


#: People who speak for the place they live in ("residents of Gharyan said").
_DWELLERS = frozenset(
    "residents inhabitants locals people families civilians citizens townspeople".split()
)


# Two sentences naming each other's place merge only within this distance.
_NAMED_PLACE_KM = 60.0


def _fold_attacks(events: list[Event]) -> list[Event]:
    """Within one article, fold an assault into the capture of the same place that day.

    "stormed Gharyan at dawn" and "took full control of Gharyan": one happening. An
    undated assault joins a dated capture; a capture days later stays apart.
    """
    captures = [e for e in events if e.type == "capture"]
    if not captures:
        return events
    out: list[Event] = []
    folded: dict[str, Event] = {}
    for event in events:
        if event.type != "ground_attack":
            out.append(event)
            continue
        host = next(
            (c for c in captures
             if c.place_id is not None and c.place_id == event.place_id
             and (event.actor == c.actor or {event.actor, c.actor} & {None, UNKNOWN})
             # a capture denied is no outcome of the assault the other side tells
             and not ("denied" in (event.status, c.status) and event.status != c.status)
             and ("published" in (event.date_precision, c.date_precision)
                  or _overlap(event, c))),
            None,
        )  # fmt: skip
        if host is None:
            out.append(event)
            continue
        current = folded.get(host.id, host)
        merged = _combine([current, event], True)
        folded[host.id] = replace(merged, type="capture")
    return [folded.get(e.id, e) if e.type == "capture" else e for e in out]


def _names_place(a: Event, b: Event, mates: _Mates | None = None) -> bool:
    """Whether one of ``a``'s sentences names ``b``'s place, other than as an event of its own.

    With ``mates`` (:func:`_list_mates`), a sentence that gave an event at ``b``'s place
    too names it as a second place of a list, not as the place around its own.
    """
    pattern = re.compile(r"(?<!\w)" + re.escape(b.place) + r"(?!\w)", re.IGNORECASE)
    place = b.place.casefold()
    return any(
        pattern.search(s.sentence) and place not in (mates or {}).get((s.file, s.sentence), ())
        for s in a.sources
    )


# Which status a merged event takes: within an article a claim explains a plain report of the
# same happening; across articles the outlet that states it as fact is the strongest word.
_STATUS_WITHIN = ("denied", "unconfirmed", "claimed", "reported")


_STATUS_ACROSS = ("reported", "claimed", "unconfirmed", "denied")


def _best_place(group: list[Event]) -> Event:
    """The event whose place a merged event takes: the most precise, then the most specific.

    Between places of one precision, the report that saw the others' place and still
    chose its own names the more specific one: "fighting rocked the capital" and
    "clashes affected Tripoli's suburbs, in Ain Zara" are one happening at Ain Zara.
    """
    rank = min(_GEO_RANK.get(e.geo_precision, 3) for e in group)
    best = [e for e in group if _GEO_RANK.get(e.geo_precision, 3) == rank]
    if len({e.place_id for e in best}) == 1:
        return best[0]
    seen = [sum(_names_place(e, o) for o in best if o.place_id != e.place_id) for e in best]
    return best[max(range(len(best)), key=lambda k: (seen[k], -k))]


def _combine(group: list[Event], same_article: bool) -> Event:
    if len(group) == 1:
        return group[0]
    first = group[0]
    sources: list[Source] = []
    for event in group:
        for source in event.sources:
            if source not in sources:
                sources.append(source)
    best_place = _best_place(group)
    rank = min(_PRECISION_RANK.get(e.date_precision, 5) for e in group)
    dated = [e for e in group if _PRECISION_RANK.get(e.date_precision, 5) == rank]
    date = min(_span(e)[0] for e in dated)
    last = max(_span(e)[1] for e in dated)
    precisions = {e.date_precision for e in dated}
    precision = precisions.pop() if len(precisions) == 1 else "range"
    date_end = last if last > date else None
    if date_end is not None and precision == "day":
        precision = "range"
    status, claimed_by = status_of_sources([src for e in group for src in _own_word(e)])
    known = [e.fatalities for e in group if e.fatalities is not None]
    return replace(
        first,
        type=first.type,
        date=date,
        date_end=date_end,
        date_precision=precision,
        place=best_place.place,
        place_id=best_place.place_id,
        lat=best_place.lat,
        lon=best_place.lon,
        geo_precision=best_place.geo_precision,
        actor=_first_known(e.actor for e in group),
        target=_first_known(e.target for e in group),
        status=status,
        claimed_by=claimed_by,
        fatalities=max(known) if known else None,
        sources=sources,
    )


def _own_word(event: Event) -> list[Source]:
    """The event's sources, each with its own status (the event's where one has none)."""
    return [
        s if s.status is not None else replace(s, status=event.status, claimed_by=event.claimed_by)
        for s in event.sources
    ]


def _rank(order: tuple[str, ...], status: str | None) -> int:
    return order.index(status) if status in order else len(order)


def status_of_sources(
    sources: Sequence[Source], *, file: str | None = None
) -> tuple[str, str | None]:
    """An event's status and claimant, derived from its sources' own words.

    Within one article the most cautious word wins (denied, then unconfirmed, then
    claimed, then reported): a claim explains a plain report of the same happening,
    and "could not be verified" qualifies it. Across articles the most direct word
    wins (reported, then claimed, unconfirmed, denied): an outlet stating it as fact
    is the strongest word. ``file`` restricts the sources to one article's.

    Examples
    --------
    >>> import datetime as dt
    >>> day = dt.date(2020, 1, 1)
    >>> a = Source("a", None, None, day, "...", "claimed", "LNA")
    >>> b = Source("b", None, None, day, "...", "reported", None)
    >>> status_of_sources([a, b]), status_of_sources([a, b], file="a")
    (('reported', None), ('claimed', 'LNA'))
    """
    per_file: dict[str, Source] = {}
    for src in sources:
        if file is not None and src.file != file:
            continue
        best = per_file.get(src.file)
        if best is None or _rank(_STATUS_WITHIN, src.status) < _rank(_STATUS_WITHIN, best.status):
            per_file[src.file] = src
    if not per_file:
        return "reported", None
    chosen = min(per_file.values(), key=lambda src: _rank(_STATUS_ACROSS, src.status))
    return chosen.status or "reported", chosen.claimed_by


def _first_known(values: Iterable[str | None]) -> str | None:
    seen = [v for v in values if v is not None]
    return next((v for v in seen if v != UNKNOWN), seen[0] if seen else None)
