"""Score place and event extraction against hand annotations (a gold file).

The gold format and the matching rules are those of ``shared/eval/README.md``:

- **Places.** Each article's gold places are the places it names in the
  countries its ``countries`` field lists (else the theatre's countries,
  :func:`geo.theatre.load_theatre`). The
  system's places are the distinct resolved places of its mentions. A system
  place matches a gold place when its point lies within the gold ``radius_km``;
  each gold place matches at most one system place (pairs are taken nearest
  first). Regions, countries and places abroad are not annotated, so such a
  system place counts only when it matches; otherwise it is ignored.
- **Events.** A system event matches a gold event when the types are equal, the
  dates overlap within ``date_tolerance_days``, and its point lies within
  ``radius_km`` of one of the gold event's places. Each gold event matches at
  most one system event and vice versa: the matching is a maximum bipartite
  matching (augmenting paths), built over the required gold events first, so
  that as many required events as possible are matched, then extended to the
  optional ones; candidates are tried nearest first, so among equally large
  matchings the closer pairs win. Precision counts the system events matching
  no gold event (required or optional); recall counts the required gold events
  left unmatched.
- Events are scored per article: a system event counts for every article among
  its sources. Each article's events are first merged within the article
  (:func:`geo.events.merge_events` with ``across_articles=False``), so that two
  sentences about one happening count once; give the events unmerged or merged
  within articles, so that each article is judged on what it says.
- **Against the review** (:func:`evaluate_review`, ``frontline evaluate
  --against-review``): the gold events are those a person confirmed, edited or
  added (:mod:`geo.review`), each at its corrected type, date and point (within
  :data:`geo.settings.review_radius_km`); the system events are the extracted
  events some correction looked at (confirmed, edited, rejected or merged away),
  as extraction gave them. Events nobody reviewed are not judged. A rejected or
  merged-away event is a false positive, an added one a miss, and an edit that
  changed the type, the date or the place by more than the radius makes both.
- **Status accuracy** is the share of matched pairs whose status is equal (the
  status the scored article's own sources give the event, see
  :func:`geo.events.merging.status_of_sources`);
  **claimed_by accuracy** the share of matched pairs, among those where either
  side names a claimant, whose ``claimed_by`` is equal.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import DataFileError
from .events import merge_events
from .events.merging import status_of_sources
from .gazetteer import haversine_km
from .model import EVENT_TYPES, STATUSES, Article, Event, Place, PlaceMention

__all__ = ["ArticleScore", "Evaluation", "load_gold", "evaluate", "evaluate_review"]

#: Place kinds the gold files do not annotate.
UNANNOTATED_KINDS: frozenset[str] = frozenset({"region", "country"})


def _annotated_countries(entry: dict[str, Any]) -> frozenset[str]:
    """The countries whose places a gold article lists: its ``countries``, else the theatre's."""
    listed = entry.get("countries")
    if listed:
        return frozenset(str(c).upper() for c in listed)
    from .theatre import load_theatre

    return frozenset(load_theatre().countries)


# ---------------------------------------------------------------------------- gold file


def load_gold(path: str | Path) -> dict[str, Any]:
    """Read and check a gold annotation file.

    Parameters
    ----------
    path
        A JSON file in the format of ``shared/eval/README.md``.

    Returns
    -------
    dict
        The parsed file, unchanged.

    Raises
    ------
    DataFileError
        When the file cannot be read or is malformed; the one-line message names
        the offending entry and value.

    Examples
    --------
    >>> load_gold("missing.json")  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    geo.errors.DataFileError: missing.json: cannot read gold file: ...
    """
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as err:
        raise DataFileError(f"{path}: cannot read gold file: {err}") from err
    except json.JSONDecodeError as err:
        raise DataFileError(f"{path}: not valid JSON: {err}") from err
    if not isinstance(data, dict) or not isinstance(data.get("articles"), list):
        raise DataFileError(f"{path}: expected an object with an 'articles' list")
    seen: set[str] = set()
    for i, article in enumerate(data["articles"]):
        where = f"{path}: articles[{i}]"
        if not isinstance(article, dict):
            raise DataFileError(f"{where}: expected an object, found {article!r}")
        file = article.get("file")
        if not isinstance(file, str) or not file:
            raise DataFileError(f"{where}: 'file' must be a non-empty string, found {file!r}")
        if file in seen:
            raise DataFileError(f"{where}: file {file!r} is annotated twice")
        seen.add(file)
        if article.get("published") is not None:
            _date(article["published"], f"{where}.published")
        for j, place in enumerate(_list(article, "places", where)):
            _place(place, f"{where}.places[{j}]")
        for j, event in enumerate(_list(article, "events", where)):
            _event(event, f"{where}.events[{j}]")
    return data


def _list(obj: dict[str, Any], key: str, where: str) -> list[Any]:
    value = obj.get(key, [])
    if not isinstance(value, list):
        raise DataFileError(f"{where}: {key!r} must be a list, found {value!r}")
    return value


def _date(value: Any, where: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError) as err:
        raise DataFileError(f"{where}: {value!r} is not a YYYY-MM-DD date") from err


def _number(obj: dict[str, Any], key: str, where: str, lo: float, hi: float) -> float:
    value = obj.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not lo <= value <= hi:
        raise DataFileError(f"{where}: {key!r} must be a number in [{lo}, {hi}], found {value!r}")
    return float(value)


def _place(place: Any, where: str) -> None:
    if not isinstance(place, dict):
        raise DataFileError(f"{where}: expected an object, found {place!r}")
    _number(place, "lat", where, -90, 90)
    _number(place, "lon", where, -180, 180)
    _number(place, "radius_km", where, 0, 20000)


def _event(event: Any, where: str) -> None:
    if not isinstance(event, dict):
        raise DataFileError(f"{where}: expected an object, found {event!r}")
    if event.get("type") not in EVENT_TYPES:
        raise DataFileError(f"{where}: type {event.get('type')!r} is not one of {EVENT_TYPES}")
    _date(event.get("date"), f"{where}.date")
    tolerance = event.get("date_tolerance_days", 0)
    if isinstance(tolerance, bool) or not isinstance(tolerance, int) or tolerance < 0:
        raise DataFileError(f"{where}: date_tolerance_days must be >= 0, found {tolerance!r}")
    if event.get("status") not in STATUSES:
        raise DataFileError(f"{where}: status {event.get('status')!r} is not one of {STATUSES}")
    places = event.get("places")
    if not isinstance(places, list) or not places:
        raise DataFileError(f"{where}: 'places' must be a non-empty list, found {places!r}")
    for k, place in enumerate(places):
        _place(place, f"{where}.places[{k}]")
    if not isinstance(event.get("optional", False), bool):
        raise DataFileError(f"{where}: optional must be true or false, found {event['optional']!r}")


# ---------------------------------------------------------------------------- scores


def _ratio(num: int, den: int) -> float | None:
    return num / den if den else None


def _f1(p: float | None, r: float | None) -> float | None:
    if p is None or r is None:
        return None
    return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class ArticleScore:
    """The counts behind one article's scores (or the totals over several)."""

    file: str
    place_system: int = 0
    place_system_matched: int = 0
    place_gold: int = 0
    place_gold_matched: int = 0
    event_system: int = 0
    event_system_matched: int = 0
    event_required: int = 0
    event_required_matched: int = 0
    status_total: int = 0
    status_correct: int = 0
    claimed_by_total: int = 0
    claimed_by_correct: int = 0
    #: gold ids of the required events no system event matched
    misses: list[str] = field(default_factory=list)
    #: "type place date" of the system events that matched no gold event
    false_positives: list[str] = field(default_factory=list)
    #: (gold id, system id) of each matched pair
    matches: list[tuple[str, str]] = field(default_factory=list)
    #: (gold id, gold status, system status) of matched pairs whose status differs
    status_errors: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def place_precision(self) -> float | None:
        """Matched system places over system places."""
        return _ratio(self.place_system_matched, self.place_system)

    @property
    def place_recall(self) -> float | None:
        """Matched gold places over gold places."""
        return _ratio(self.place_gold_matched, self.place_gold)

    @property
    def place_f1(self) -> float | None:
        """Harmonic mean of place precision and recall."""
        return _f1(self.place_precision, self.place_recall)

    @property
    def event_precision(self) -> float | None:
        """System events matching a gold event over system events."""
        return _ratio(self.event_system_matched, self.event_system)

    @property
    def event_recall(self) -> float | None:
        """Matched required gold events over required gold events."""
        return _ratio(self.event_required_matched, self.event_required)

    @property
    def event_f1(self) -> float | None:
        """Harmonic mean of event precision and recall."""
        return _f1(self.event_precision, self.event_recall)

    @property
    def status_accuracy(self) -> float | None:
        """Share of matched events whose status is the gold status."""
        return _ratio(self.status_correct, self.status_total)

    @property
    def claimed_by_accuracy(self) -> float | None:
        """Share of matched events naming a claimant whose claimant is the gold one."""
        return _ratio(self.claimed_by_correct, self.claimed_by_total)

    def add(self, other: ArticleScore) -> None:
        """Add another article's counts to these."""
        for name in (
            "place_system", "place_system_matched", "place_gold", "place_gold_matched",
            "event_system", "event_system_matched", "event_required", "event_required_matched",
            "status_total", "status_correct", "claimed_by_total", "claimed_by_correct",
        ):  # fmt: skip
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.misses += [f"{other.file}:{m}" for m in other.misses]
        self.false_positives += [f"{other.file}: {m}" for m in other.false_positives]
        self.matches += other.matches
        self.status_errors += other.status_errors


@dataclass
class Evaluation:
    """Per-article scores and their totals (micro-averaged over articles)."""

    articles: list[ArticleScore]
    total: ArticleScore

    def to_rows(self) -> list[dict[str, Any]]:
        """One dict per article, then one for the totals (``file`` is ``"TOTAL"``)."""
        rows = []
        for score in [*self.articles, self.total]:
            rows.append(
                {
                    "file": score.file,
                    "places_p": score.place_precision,
                    "places_r": score.place_recall,
                    "places_f1": score.place_f1,
                    "events_p": score.event_precision,
                    "events_r": score.event_recall,
                    "events_f1": score.event_f1,
                    "status_acc": score.status_accuracy,
                    "claimed_by_acc": score.claimed_by_accuracy,
                    "events_system": score.event_system,
                    "events_required": score.event_required,
                    "misses": " ".join(score.misses),
                }
            )
        return rows

    def format_table(self) -> str:
        """The rows as a fixed-width text table, with misses and false positives below."""
        columns = [
            ("file", 28), ("places_p", 8), ("places_r", 8), ("places_f1", 9), ("events_p", 8),
            ("events_r", 8), ("events_f1", 9), ("status_acc", 10), ("claimed_by_acc", 14),
        ]  # fmt: skip
        lines = ["  ".join(name.ljust(width) for name, width in columns)]
        for row in self.to_rows():
            cells = []
            for name, width in columns:
                value = row[name]
                if isinstance(value, float):
                    text = f"{value:.2f}"
                elif value is None:
                    text = "-"
                else:
                    text = str(value)[:width]
                cells.append(text.ljust(width))
            lines.append("  ".join(cells).rstrip())
        if self.total.misses:
            lines.append("missed: " + ", ".join(self.total.misses))
        if self.total.false_positives:
            lines.append("false positives: " + "; ".join(self.total.false_positives))
        return "\n".join(lines)


def evaluate(
    gold: dict[str, Any],
    articles: Sequence[Article],
    mentions: Sequence[PlaceMention],
    events: Sequence[Event],
) -> Evaluation:
    """Score place mentions and events against a gold file's annotations.

    Parameters
    ----------
    gold
        A gold file as returned by :func:`load_gold`.
    articles
        The articles processed; gold articles not among them are not scored.
    mentions
        Their place mentions (``mention.article`` is the article's ``file``).
    events
        Their events, merged within each article at most.

    Returns
    -------
    Evaluation
        One :class:`ArticleScore` per scored article, in gold order, and the totals.

    Examples
    --------
    >>> evaluate({"articles": []}, [], [], []).total.event_precision is None
    True
    """
    processed = {a.file for a in articles}
    by_file_mentions: dict[str, list[PlaceMention]] = {}
    for m in mentions:
        by_file_mentions.setdefault(m.article, []).append(m)
    by_file_events: dict[str, dict[str, Event]] = {}
    for e in events:
        for source in e.sources:
            by_file_events.setdefault(source.file, {}).setdefault(e.id, e)
    scores = []
    total = ArticleScore("TOTAL")
    for entry in gold.get("articles", []):
        file = entry["file"]
        if file not in processed:
            continue
        score = ArticleScore(file)
        _score_places(
            score, entry.get("places", []), by_file_mentions.get(file, []),
            _annotated_countries(entry),
        )  # fmt: skip
        local = merge_events(list(by_file_events.get(file, {}).values()), across_articles=False)
        _score_events(score, entry.get("events", []), local)
        scores.append(score)
        total.add(score)
    return Evaluation(scores, total)


def _score_places(
    score: ArticleScore,
    gold: list[dict[str, Any]],
    mentions: Iterable[PlaceMention],
    countries: frozenset[str],
) -> None:
    system: dict[str, Place] = {}
    for m in mentions:
        if m.place is not None:
            system.setdefault(m.place.place_id, m.place)
    pairs = []
    for sid, place in system.items():
        for gi, g in enumerate(gold):
            d = haversine_km(place.lat, place.lon, g["lat"], g["lon"])
            if d <= g["radius_km"]:
                pairs.append((d, sid, gi))
    used_sys: set[str] = set()
    used_gold: set[int] = set()
    for _, sid, gi in sorted(pairs):
        if sid not in used_sys and gi not in used_gold:
            used_sys.add(sid)
            used_gold.add(gi)
    counted = [
        sid for sid, p in system.items()
        if sid in used_sys or (p.kind not in UNANNOTATED_KINDS and p.country in countries)
    ]  # fmt: skip
    score.place_system = len(counted)
    score.place_system_matched = len(used_sys)
    score.place_gold = len(gold)
    score.place_gold_matched = len(used_gold)


def _candidate(g: dict[str, Any], e: Event) -> float | None:
    """The distance at which ``e`` matches gold event ``g``, or None."""
    if e.type != g["type"] or e.date is None or e.last is None:
        return None  # an undated event matches no dated happening
    day = dt.date.fromisoformat(g["date"])
    slack = dt.timedelta(days=int(g.get("date_tolerance_days", 0)))
    if e.date > day + slack or e.last < day - slack:
        return None
    best = None
    for place in g["places"]:
        d = haversine_km(e.lat, e.lon, place["lat"], place["lon"])
        if d <= place["radius_km"] and (best is None or d < best):
            best = d
    return best


def _score_events(score: ArticleScore, gold: list[dict[str, Any]], events: list[Event]) -> None:
    events = sorted(events, key=lambda e: (e.date or dt.date.min, e.id))
    edges: list[list[int]] = []
    for g in gold:
        cands = [(d, j) for j, e in enumerate(events) if (d := _candidate(g, e)) is not None]
        edges.append([j for _, j in sorted(cands)])
    match_of_event: dict[int, int] = {}

    def augment(gi: int, seen: set[int]) -> bool:
        for j in edges[gi]:
            if j in seen:
                continue
            seen.add(j)
            if j not in match_of_event or augment(match_of_event[j], seen):
                match_of_event[j] = gi
                return True
        return False

    order = [i for i, g in enumerate(gold) if not g.get("optional")]
    order += [i for i, g in enumerate(gold) if g.get("optional")]
    for gi in order:
        augment(gi, set())
    matched_gold = {gi: j for j, gi in match_of_event.items()}
    score.event_system = len(events)
    score.event_system_matched = len(match_of_event)
    required = [i for i, g in enumerate(gold) if not g.get("optional")]
    score.event_required = len(required)
    score.event_required_matched = sum(1 for i in required if i in matched_gold)
    score.misses = [str(gold[i].get("id", i)) for i in required if i not in matched_gold]
    score.false_positives = [
        f"{e.type} {e.place} {e.date.isoformat() if e.date else 'undated'}"
        for j, e in enumerate(events) if j not in match_of_event
    ]  # fmt: skip
    for gi in sorted(matched_gold):
        g, e = gold[gi], events[matched_gold[gi]]
        gid = str(g.get("id", gi))
        score.matches.append((gid, e.id))
        status, claimed_by = _word_in(e, score.file)
        score.status_total += 1
        if status == g["status"]:
            score.status_correct += 1
        else:
            score.status_errors.append((gid, g["status"], status))
        if g.get("claimed_by") is not None or claimed_by is not None:
            score.claimed_by_total += 1
            score.claimed_by_correct += int(g.get("claimed_by") == claimed_by)


def _word_in(event: Event, file: str) -> tuple[str, str | None]:
    """The status and claimant the scored article's own sources give the event."""
    if any(s.file == file and s.status is not None for s in event.sources):
        return status_of_sources([s for s in event.sources if s.status is not None], file=file)
    return event.status, event.claimed_by


def evaluate_review(
    extracted: Sequence[Event], reviewed: Any, *, radius_km: float | None = None
) -> Evaluation:
    """Score extracted events against what analysts confirmed, corrected and added.

    Parameters
    ----------
    extracted
        The merged events as extraction gave them (no corrections applied).
    reviewed
        The same events with the corrections applied
        (:func:`geo.review.apply_corrections`).
    radius_km
        How far a system event may lie from the corrected point and still match
        (default :data:`geo.settings.review_radius_km`).

    Returns
    -------
    Evaluation
        One row, ``corrections``, and the totals; place scores are empty.

    Examples
    --------
    >>> from geo.review import CorrectionLog, apply_corrections
    >>> evaluate_review([], apply_corrections([], CorrectionLog())).total.event_recall is None
    True
    """
    from . import settings

    radius = settings.review_radius_km if radius_km is None else radius_km
    gold = []
    for e in reviewed.events:
        if e.review not in ("confirmed", "edited", "added") or e.date is None:
            continue
        last = e.last or e.date
        gold.append({
            "id": e.id, "type": e.type, "date": e.date.isoformat(),
            "date_tolerance_days": max(0, (last - e.date).days), "status": e.status,
            "claimed_by": e.claimed_by,
            "places": [{"lat": e.lat, "lon": e.lon, "radius_km": radius}],
        })  # fmt: skip
    system = [e for e in extracted if e.id in reviewed.reviewed_ids]
    score = ArticleScore("corrections")
    _score_events(score, gold, system)
    total = ArticleScore("TOTAL")
    total.add(score)
    return Evaluation([score], total)
