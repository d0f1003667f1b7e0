"""Analyst review: confirm, correct, reject, merge and add events, kept across rebuilds.

articles -> places -> events -> (store) -> **corrections** -> control and front lines ->
map and exports.

A correction is one row of a plain JSON-lines file, ``corrections.jsonl``, kept
beside the articles (by default in the first article folder a build is given;
``--corrections FILE`` names another). It is append-only: each row is one action
with who made it and when (UTC), so a team can keep the file in git and read its
history. Every build reads it, mirrors it into the store (table
``corrections``) and applies it over what extraction found: the corrections win.
Extraction itself is never changed, so ``--rebuild`` keeps them and a correction
goes on holding while the article is re-extracted.

Event keys
----------
A correction names its event by a key that survives rebuilds, re-extraction and
new articles, not by today's id (:func:`event_key`)::

    <article file>#<sentence digest>/<place id>/<type>

``article file`` is the article's name relative to the folder it was found in
(:attr:`geo.model.Source.file`); the sentence digest is the first 12 hex digits of
the SHA-1 of the source sentence, normalised (Unicode NFKC, case-folded,
whitespace collapsed); the place is the gazetteer id (``name:<place name>`` when
the place has none); the type is the event type. An event reported by several
articles (merged) has one key per source: a correction matches the event when
any of them matches, so a correction made on a merged event still finds it when
another article joins or leaves the group, and the event that two corrections
name through two different sources gets both. When no key matches exactly, the
correction goes to the event of the same article and sentence and the same type,
else the only event of that article and sentence (re-extraction placed it
elsewhere). A correction that finds no event is *orphaned*: listed by
``frontline review list --orphaned`` and reported by the build in one warning
line, never dropped from the file. Added events get a key of their own,
``add:<12 hex digits>``.

Applying
--------
The corrections of one event are applied in the order they were made; the later
wins where two disagree, and both stay in the history:

- ``confirm``: the event is marked "confirmed" (or stays "edited" when an earlier
  edit holds); after a ``reject`` it brings the event back;
- ``reject`` (with a reason): gone from the map and exports, kept in the store,
  listed by ``frontline review list --rejected``;
- ``edit``: the named fields take the given values (``date``/``date_end`` set the
  date precision to "day" or "range", a place sets its id and point and the
  geographic precision "exact"); the event is marked "edited";
- ``merge``: the other event (``changes["other"]``, its key) is folded into this
  one: its sources join, it leaves the map;
- ``add``: a new event from the given fields and source (a URL, or an article
  and sentence), marked "added";
- ``split``: the sources named (``changes["sources"]``, their keys) leave the
  event and make an event of their own, keyed ``split:<its first source's key>``.

Examples
--------
>>> from geo.review import Reviewer
>>> reviewer = Reviewer("maps/")                                    # doctest: +SKIP
>>> print(reviewer.reject("ev-1a2b3c4d5e6f", reason="a duplicate").summary)  # doctest: +SKIP
rejected ev-1a2b3c4d5e6f (airstrike at Misrata, 2019-12-19): a duplicate
>>> reviewer.refresh()                                              # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import fcntl
import getpass
import hashlib
import json
import math
import os
import secrets
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .errors import ReviewError
from .model import EVENT_TYPES, STATUSES, Event, Problem, Source

__all__ = [
    "ACTIONS",
    "CORRECTIONS_NAME",
    "Change",
    "Correction",
    "CorrectionLog",
    "ReviewResult",
    "ReviewState",
    "Reviewer",
    "apply_corrections",
    "default_corrections_path",
    "event_key",
    "event_keys",
    "source_key",
]

#: The kinds of correction.
ACTIONS: tuple[str, ...] = ("confirm", "reject", "edit", "add", "merge", "split")
#: The corrections file's name beside the articles.
CORRECTIONS_NAME = "corrections.jsonl"
#: Fields an edit or an add may set.
EDIT_FIELDS: tuple[str, ...] = (
    "type", "place", "place_id", "lat", "lon", "date", "date_end", "actor", "target",
    "status", "claimed_by", "fatalities",
)  # fmt: skip
#: More fields an add may carry: the source's sentence and outlet.
_ADD_FIELDS = (*EDIT_FIELDS, "sentence", "outlet")
#: Fields an edit may clear (set to None).
_CLEARABLE = frozenset({"actor", "target", "claimed_by", "fatalities", "date_end"})
#: Longest text accepted in one field of a correction (characters).
_MAX_TEXT = 2000
_ADDED_PREFIX = "add:"
#: The key of the part a split took off an event: this prefix and its first source's key.
_SPLIT_PREFIX = "split:"


# -- keys -------------------------------------------------------------------------------


def _normalised(text: str) -> str:
    """Text as keys see it: NFKC, case-folded, whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def _sentence_digest(sentence: str) -> str:
    return hashlib.sha1(_normalised(sentence).encode("utf-8")).hexdigest()[:12]


def _place_part(place_id: str | None, place: str) -> str:
    part = place_id if place_id else "name:" + _normalised(place)
    return part.replace("/", "_")


def source_key(source: Source, *, type: str, place_id: str | None, place: str) -> str:
    """The key of one source's report of an event (see the module docstring).

    Examples
    --------
    >>> s = Source("a.txt", None, None, None, "Warplanes  struck Sirte.")
    >>> source_key(s, type="airstrike", place_id="ly-sirte", place="Sirte")
    'a.txt#2a6e0a32421a/ly-sirte/airstrike'
    """
    digest = _sentence_digest(source.sentence)
    return f"{source.file}#{digest}/{_place_part(place_id, place)}/{type}"


def _source_keys(event: Event) -> list[str]:
    """The key of each source of ``event``, in order (see :func:`event_keys`)."""
    kind, place_part = event.type, _place_part(event.place_id, event.place)
    own = event.review_key
    if own is not None and not own.startswith(_ADDED_PREFIX) and own.count("/") >= 2:
        _, place_part, kind = own.removeprefix(_SPLIT_PREFIX).rsplit("/", 2)
    return [f"{s.file}#{_sentence_digest(s.sentence)}/{place_part}/{kind}" for s in event.sources]


def event_keys(event: Event) -> list[str]:
    """Every key a correction may name ``event`` by: one per source, and its own.

    The keys are made from the event's type and place as extraction gave them:
    a corrected event (``review_key`` set) answers to the keys it had before its
    correction changed them.
    """
    keys = _source_keys(event)
    if event.review_key is not None:
        keys.insert(0, event.review_key)
    return list(dict.fromkeys(keys))


def event_key(event: Event) -> str:
    """The key a new correction of ``event`` is stored under.

    The key of its first source (for a merged event, the earliest report), or
    the key it already has once corrected or added; ``id:<event id>`` for an
    event without sources.

    Examples
    --------
    >>> e = Event("ev-1", "clash", None, None, "unknown", "Sirte", "ly-sirte", 31.2, 16.6,
    ...           "exact", None, None, "reported", None, None,
    ...           [Source("a.txt", None, None, None, "Clashes in Sirte.")])
    >>> event_key(e).endswith("/ly-sirte/clash")
    True
    """
    keys = event_keys(event)
    return keys[0] if keys else f"id:{event.id}"


def _stem(key: str) -> str:
    """``<file>#<digest>`` of a source key (the article and sentence)."""
    return key.rsplit("/", 2)[0]


def _key_type(key: str) -> str:
    return key.rsplit("/", 1)[-1]


# -- corrections ------------------------------------------------------------------------


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _default_who() -> str:
    who = os.environ.get("FRONTLINE_REVIEWER")
    if who:
        return who
    try:
        return getpass.getuser()
    except Exception:  # no user name in this environment (a container, a service)
        return "unknown"


@dataclass(frozen=True)
class Correction:
    """One review action, as one row of ``corrections.jsonl``.

    ``key`` names the event (:func:`event_key`; for "add" a new key); ``event_id``
    is the event's id when the correction was made (informative only); ``changes``
    holds the fields an edit or add sets, the other event's key for a merge
    (``{"other": key}``); ``seq`` numbers the rows of the file.
    """

    action: str
    key: str
    event_id: str | None = None
    changes: dict[str, Any] = field(default_factory=dict)
    reason: str | None = None
    source: str | None = None
    who: str = "unknown"
    at: dt.datetime = field(default_factory=_now)
    seq: int = 0

    def to_dict(self) -> dict[str, Any]:
        """The row as JSON-ready values (``at`` an ISO UTC time)."""
        return {
            "seq": self.seq,
            "action": self.action,
            "key": self.key,
            "event_id": self.event_id,
            "changes": self.changes,
            "reason": self.reason,
            "source": self.source,
            "who": self.who,
            "at": self.at.astimezone(dt.timezone.utc).isoformat(timespec="microseconds"),
        }

    def line(self) -> str:
        """The row as one line of JSON (no newline)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=False)

    @classmethod
    def from_dict(cls, row: Any) -> Correction:
        """Read and check a row; :class:`~geo.errors.ReviewError` names what is wrong.

        Examples
        --------
        >>> Correction.from_dict({"action": "confirm", "key": "a.txt#0/x/clash",
        ...                       "who": "ana", "at": "2020-01-01T00:00:00Z"}).who
        'ana'
        """
        if not isinstance(row, dict):
            raise ReviewError(f"expected a JSON object, found {row!r:.60}")
        action = row.get("action")
        if action not in ACTIONS:
            raise ReviewError(f"action {action!r:.60} is not one of {', '.join(ACTIONS)}")
        key = row.get("key")
        if not isinstance(key, str) or not key.strip():
            raise ReviewError(f"'key' must be a non-empty string, found {key!r:.60}")
        at = _parse_time(row.get("at"))
        seq = row.get("seq", 0)
        if isinstance(seq, bool) or not isinstance(seq, int):
            raise ReviewError(f"'seq' must be a whole number, found {seq!r:.60}")
        changes = row.get("changes") or {}
        if not isinstance(changes, dict):
            raise ReviewError(f"'changes' must be an object, found {changes!r:.60}")
        checked = check_changes(action, changes)
        texts = {name: _optional_text(row.get(name), name) for name in
                 ("event_id", "reason", "source", "who")}  # fmt: skip
        if action == "reject" and not texts["reason"]:
            raise ReviewError("a rejection needs a reason")
        return cls(
            action=action,
            key=key,
            event_id=texts["event_id"],
            changes=checked,
            reason=texts["reason"],
            source=texts["source"],
            who=texts["who"] if texts["who"] is not None else "unknown",
            at=at,
            seq=seq,
        )


def _parse_time(value: Any) -> dt.datetime:
    if not isinstance(value, str):
        raise ReviewError(f"'at' must be an ISO time, found {value!r:.60}")
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError as err:
        raise ReviewError(f"'at' {value!r:.60} is not an ISO time") from err
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(dt.timezone.utc)


def _optional_text(value: Any, name: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ReviewError(f"{name!r} must be text, found {value!r:.60}")
    if len(value) > _MAX_TEXT:
        raise ReviewError(f"{name!r} is longer than {_MAX_TEXT} characters")
    return value


def _day(value: Any, name: str) -> str:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()).isoformat()
        except ValueError:
            pass
    raise ReviewError(f"{name} {value!r:.60} is not a date (YYYY-MM-DD)")


def _number(value: Any, name: str, lo: float, hi: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ReviewError(f"{name} must be a number, found {value!r:.60}")
    number = float(value)
    if not math.isfinite(number) or not lo <= number <= hi:
        raise ReviewError(f"{name} {value!r} is outside [{lo:g}, {hi:g}]")
    return number


def check_changes(action: str, changes: dict[str, Any]) -> dict[str, Any]:
    """Check the ``changes`` of a correction; return them with dates as ISO strings.

    Raises
    ------
    ReviewError
        Naming the first bad field and value.

    Examples
    --------
    >>> check_changes("edit", {"type": "shelling", "date": "2020-01-02"})
    {'type': 'shelling', 'date': '2020-01-02'}
    """
    if action in ("confirm", "reject"):
        return {}
    if action == "merge":
        other = changes.get("other")
        if not isinstance(other, str) or not other:
            raise ReviewError(f"a merge needs the other event's key, found {other!r:.60}")
        return {"other": other}
    if action == "split":
        keys = changes.get("sources")
        if (not isinstance(keys, list) or not keys
                or not all(isinstance(k, str) and k for k in keys)):
            raise ReviewError("a split needs 'sources': the keys of the sources to split off")
        return {"sources": list(keys)}
    allowed = _ADD_FIELDS if action == "add" else EDIT_FIELDS
    out: dict[str, Any] = {}
    for name, value in changes.items():
        if name not in allowed:
            raise ReviewError(f"unknown field {name!r:.60} (one of {', '.join(allowed)})")
        if name == "type":
            if value not in EVENT_TYPES:
                raise ReviewError(
                    f"unknown event type {value!r:.60} (one of {', '.join(EVENT_TYPES)})"
                )
        elif name == "status":
            if value not in STATUSES:
                raise ReviewError(f"unknown status {value!r:.60} (one of {', '.join(STATUSES)})")
        elif name == "date":
            value = _day(value, "date")
        elif name == "date_end":
            value = None if value is None else _day(value, "date_end")
        elif name == "lat":
            value = _number(value, "lat", -90, 90)
        elif name == "lon":
            value = _number(value, "lon", -180, 180)
        elif name == "fatalities":
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, int) or value < 0
            ):
                raise ReviewError(f"fatalities must be a whole number >= 0, found {value!r:.60}")
        else:
            value = _optional_text(value, name)
            if name == "place" and not value:
                raise ReviewError("place must be a name")
        out[name] = value
    if ("lat" in out) != ("lon" in out):
        raise ReviewError("give lat and lon together")
    if "place_id" in out and "lat" not in out:
        raise ReviewError("a place id needs its lat and lon")
    if out.get("date") and out.get("date_end") and out["date_end"] < out["date"]:
        raise ReviewError(f"date_end {out['date_end']} is before date {out['date']}")
    if action == "add":
        missing = [n for n in ("type", "date", "lat", "lon") if n not in out]
        if missing:
            raise ReviewError(f"an added event needs {', '.join(missing)}")
    elif not out:
        raise ReviewError("an edit must change something")
    return out


class CorrectionLog:
    """The corrections file: JSON lines, one action a row, append-only.

    Use :meth:`load`. A row that cannot be read is one :class:`~geo.model.Problem`
    naming ``file:line`` and is skipped; the file itself is never rewritten, only
    appended to (:meth:`append`, under an exclusive ``flock`` so that a server and
    the command line can write at once: each row is written whole, flushed and
    fsynced).

    Examples
    --------
    >>> log = CorrectionLog.load("articles/corrections.jsonl")  # doctest: +SKIP
    >>> log.append(Correction("confirm", key, who="ana"))  # doctest: +SKIP
    """

    def __init__(
        self,
        path: str | Path | None = None,
        corrections: Iterable[Correction] = (),
        problems: Iterable[Problem] = (),
    ) -> None:
        self.path = Path(path) if path is not None else None
        self.corrections: list[Correction] = sorted(corrections, key=lambda c: c.seq)
        self.problems: list[Problem] = list(problems)

    @classmethod
    def load(cls, path: str | Path) -> CorrectionLog:
        """Read the file at ``path`` (a missing file is an empty log)."""
        path = Path(path)
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return cls(path)
        except OSError as err:
            return cls(path, problems=[Problem(str(path), f"cannot read corrections: {err}")])
        return cls.from_text(raw.decode("utf-8", "replace"), path=path)

    @classmethod
    def from_text(cls, text: str, *, path: str | Path | None = None) -> CorrectionLog:
        """Read corrections from JSON-lines text (blank lines are skipped)."""
        name = str(path) if path is not None else "<corrections>"
        corrections: list[Correction] = []
        problems: list[Problem] = []
        # rows end with "\n" only: str.splitlines would also split at U+0085 or U+2028,
        # which JSON leaves as they are inside strings
        for number, line in enumerate(text.split("\n"), start=1):
            line = line.removesuffix("\r")
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except ValueError as err:
                problems.append(Problem(name, f"not a JSON row ({err}); row skipped", number))
                continue
            try:
                corrections.append(Correction.from_dict(row))
            except ReviewError as err:
                problems.append(Problem(name, f"{err}; row skipped", number))
        return cls(path, corrections, problems)

    def __iter__(self) -> Iterator[Correction]:
        return iter(self.corrections)

    def __len__(self) -> int:
        return len(self.corrections)

    def text(self) -> str:
        """The corrections as JSON-lines text, one row a line."""
        return "".join(c.line() + "\n" for c in self.corrections)

    def digest(self) -> str:
        """A digest of the corrections (what the outputs depend on)."""
        return hashlib.sha256(self.text().encode("utf-8")).hexdigest()[:16]

    def append(self, correction: Correction) -> Correction:
        """Add a correction to the end of the file; return it with its ``seq``.

        The file is locked, read again (another writer may have added rows),
        the row numbered after the last one and written in one ``write``, then
        flushed and fsynced. Without a path the log is kept in memory only.
        """
        if self.path is None:
            stored = replace(correction, seq=self._next_seq(self.corrections))
            self.corrections.append(stored)
            return stored
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            raw = _read_all(fd)
            fresh = CorrectionLog.from_text(raw.decode("utf-8", "replace"), path=self.path)
            stored = replace(correction, seq=self._next_seq(fresh.corrections))
            data = stored.line().encode("utf-8") + b"\n"
            if raw and not raw.endswith(b"\n"):
                data = b"\n" + data  # a row cut short stays a row of its own
            os.write(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)  # closing releases the lock
        self.corrections = [*fresh.corrections, stored]
        self.problems = fresh.problems
        return stored

    @staticmethod
    def _next_seq(corrections: Sequence[Correction]) -> int:
        return max((c.seq for c in corrections), default=0) + 1

    def history(self, key: str) -> list[Correction]:
        """Every correction of the event with this key, oldest first.

        Examples
        --------
        >>> log = CorrectionLog()
        >>> _ = log.append(Correction("confirm", "k", who="a"))
        >>> [c.action for c in log.history("k")]
        ['confirm']
        """
        return [c for c in self.corrections if c.key == key]

    def current(self) -> dict[str, ReviewState]:
        """What the corrections of each key come to: the later of two wins.

        Examples
        --------
        >>> log = CorrectionLog()
        >>> _ = log.append(Correction("reject", "k", reason="wrong", who="a"))
        >>> _ = log.append(Correction("confirm", "k", who="b"))
        >>> log.current()["k"].state, len(log.current()["k"].history)
        ('confirmed', 2)
        """
        by_key: dict[str, list[Correction]] = {}
        for c in self.corrections:
            by_key.setdefault(c.key, []).append(c)
        return {key: _fold(key, group) for key, group in by_key.items()}


def _read_all(fd: int) -> bytes:
    chunks: list[bytes] = []
    offset = 0
    while True:
        chunk = os.pread(fd, 1 << 20, offset)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        offset += len(chunk)


@dataclass
class ReviewState:
    """What the corrections of one event come to."""

    key: str
    #: "confirmed", "edited", "added", "rejected", or None (nothing that marks it)
    state: str | None
    #: the fields set by edits (and an add), later ones winning
    changes: dict[str, Any]
    #: the keys of the events merged into this one
    merged: list[str]
    #: the last correction's reason, who made it and when
    reason: str | None
    who: str
    at: dt.datetime
    history: list[Correction]
    #: the source keys of each part split off it, in order
    splits: list[list[str]] = field(default_factory=list)


def _fold(key: str, corrections: Sequence[Correction]) -> ReviewState:
    """Apply corrections (of one event) in order: the later wins."""
    changes: dict[str, Any] = {}
    merged: list[str] = []
    splits: list[list[str]] = []
    added = False
    state: str | None = None
    ordered = sorted(corrections, key=lambda c: c.seq)
    for c in ordered:
        if c.action == "add":
            added = True
            changes = dict(c.changes)
            state = "added"
        elif c.action == "reject":
            state = "rejected"
        elif c.action == "edit":
            changes.update(c.changes)
            state = "edited"
        elif c.action == "merge":
            if c.changes["other"] not in merged:
                merged.append(c.changes["other"])
            state = "edited"
        elif c.action == "split":
            splits.append(list(c.changes["sources"]))
            state = "edited"
        elif c.action == "confirm":
            state = "edited" if changes or merged or splits else "confirmed"
        if added and state != "rejected":
            state = "added"
    last = ordered[-1]  # its reason is the note: an old rejection's reason would mislead
    return ReviewState(key, state, changes, merged, last.reason, last.who, last.at,
                       list(ordered), splits)


# -- applying ---------------------------------------------------------------------------


@dataclass
class ReviewResult:
    """Events with the corrections applied, and what could not be applied."""

    #: corrected events (rejected and merged-away ones removed, added ones in), each
    #: with its ``review`` state; sorted by date then id, undated last
    events: list[Event]
    #: the events rejected (``review`` "rejected"), kept in the store
    rejected: list[Event] = field(default_factory=list)
    #: events folded into another by a merge
    merged: list[Event] = field(default_factory=list)
    #: corrections whose event no longer appears
    orphaned: list[Correction] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    #: every key a correction might name -> the event it gives now (rejected included)
    by_key: dict[str, Event] = field(default_factory=dict)
    #: corrections that found their event
    applied: int = 0
    #: ids of the extracted events some correction found (merged-away ones included)
    reviewed_ids: set[str] = field(default_factory=set)


class _Index:
    """Events by key, and by article and sentence for the looser matches."""

    def __init__(self, events: Sequence[Event]) -> None:
        self.exact: dict[str, int] = {}
        self.stems: dict[str, list[tuple[int, str]]] = {}
        for i, event in enumerate(events):
            for key in event_keys(event):
                self.exact.setdefault(key, i)
                self.stems.setdefault(_stem(key), []).append((i, _key_type(key)))

    def find(self, key: str) -> int | None:
        found = self.exact.get(key)
        if found is not None:
            return found
        if "#" not in key:
            return None
        candidates = self.stems.get(_stem(key), [])
        same_type = {i for i, kind in candidates if kind == _key_type(key)}
        if len(same_type) == 1:
            return same_type.pop()
        anything = {i for i, _ in candidates}
        return anything.pop() if len(anything) == 1 else None


def apply_corrections(
    events: Sequence[Event], log: CorrectionLog, *, with_keys: bool = True
) -> ReviewResult:
    """Apply the corrections to merged events (the store's, after :func:`merge_events`).

    Parameters
    ----------
    events
        Merged events as extraction gave them; they are not changed.
    log
        The corrections.
    with_keys
        Fill ``by_key`` (every key a correction might name, for the review tools);
        a build that only writes the outputs passes False and skips hashing every
        event's sentences.

    Returns
    -------
    ReviewResult
        The corrected events, the rejected and merged-away ones, and the
        corrections that found no event (``orphaned``).

    Examples
    --------
    >>> apply_corrections([], CorrectionLog()).events
    []
    """
    index = _Index(events) if log.corrections else None
    targets: dict[int, list[Correction]] = {}
    added: dict[str, list[Correction]] = {}
    split_off: dict[str, list[Correction]] = {}
    orphaned: list[Correction] = []
    for c in log.corrections:
        if c.key.startswith(_ADDED_PREFIX):
            added.setdefault(c.key, []).append(c)
            continue
        if c.key.startswith(_SPLIT_PREFIX):
            split_off.setdefault(c.key, []).append(c)
            continue
        found = index.find(c.key) if index is not None else None
        if found is None:
            orphaned.append(c)
        else:
            targets.setdefault(found, []).append(c)
    result = ReviewResult(events=[], orphaned=orphaned, problems=list(log.problems))
    corrected: list[tuple[Event | None, ReviewState | None, Event]] = []
    result.reviewed_ids.update(events[i].id for i in targets)
    for i, event in enumerate(events):
        group = targets.get(i)
        state = _fold(event_key(event), group) if group else None
        corrected.append((event, state, _corrected(event, state) if state else event))
    for key, group in added.items():
        if not any(c.action == "add" for c in group):
            orphaned.extend(group)
            continue
        state = _fold(key, group)
        corrected.append((None, state, _added(key, state)))
    # splits: the sources named leave the event and make one of their own
    for pos in range(len(corrected)):
        _, state, event = corrected[pos]
        if state is None or not state.splits:
            continue
        for keys in state.splits:
            wanted = set(keys)
            part = [s for s, k in zip(event.sources, _source_keys(event), strict=True)
                    if k in wanted]
            if not part:
                orphaned.extend(c for c in state.history
                                if c.action == "split" and c.changes["sources"] == keys)
                continue
            if len(part) == len(event.sources):
                continue  # extraction keeps them apart already
            key = _SPLIT_PREFIX + keys[0]
            # the part is reviewed (it was split off), whatever becomes of the rest
            piece = replace(event, id="ev-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:12],
                            sources=part, review_key=key, review="edited")
            event = replace(event, sources=[s for s in event.sources if s not in part])
            group = split_off.pop(key, [])
            if group:
                piece_state = _fold(key, group)
                piece = _marked(_with_changes(piece, piece_state.changes), piece_state, key)
            corrected.append((None, None, piece))
        corrected[pos] = (corrected[pos][0], state, event)
    for group in split_off.values():
        orphaned.extend(group)
    # merges: the other event's sources join, it leaves the map
    gone: set[int] = set()
    new_index: _Index | None = None
    for pos, (_, state, event) in enumerate(corrected):
        if state is None or not state.merged or state.state == "rejected":
            continue
        if new_index is None:
            new_index = _Index([e for _, _, e in corrected if e is not None])
        for other_key in state.merged:
            j = new_index.find(other_key)
            if j is None or j == pos or j in gone:
                orphaned.extend(c for c in state.history
                                if c.action == "merge" and c.changes["other"] == other_key)
                continue
            gone.add(j)
            origin = corrected[j][0]
            if origin is not None:
                result.reviewed_ids.add(origin.id)
            other = corrected[j][2]
            result.merged.append(other)
            sources = list(event.sources)
            sources += [s for s in other.sources if s not in sources]
            event = replace(event, sources=sources)
        corrected[pos] = (corrected[pos][0], state, event)
    for pos, (original, _, event) in enumerate(corrected):
        if with_keys:
            keys = event_keys(original) if original is not None else []
            keys.append(event_key(event))
            for key in keys:
                result.by_key.setdefault(key, event)
        if pos in gone:
            continue
        if event.review == "rejected":
            result.rejected.append(event)
        else:
            result.events.append(event)
    result.orphaned = sorted({id(c): c for c in orphaned}.values(), key=lambda c: c.seq)
    result.applied = len(log.corrections) - len(result.orphaned)
    result.events = _ordered(result.events)
    return result


def _ordered(events: list[Event]) -> list[Event]:
    dated = sorted((e for e in events if e.date is not None), key=lambda e: (e.date, e.id))
    undated = sorted((e for e in events if e.date is None), key=lambda e: e.id)
    return dated + undated


def _marked(event: Event, state: ReviewState, key: str) -> Event:
    return replace(
        event,
        review=state.state,
        reviewed_at=state.at,
        reviewed_by=state.who,
        review_note=state.reason,
        review_key=key,
    )


def _with_changes(event: Event, changes: dict[str, Any]) -> Event:
    values: dict[str, Any] = {}
    for name in ("type", "actor", "target", "status", "claimed_by", "fatalities"):
        if name in changes:
            values[name] = changes[name]
    date = dt.date.fromisoformat(changes["date"]) if "date" in changes else event.date
    if date is not None and ("date" in changes or "date_end" in changes):
        # an undated event takes a last day only with a first one
        end = changes.get("date_end", event.date_end.isoformat() if event.date_end else None)
        date_end = dt.date.fromisoformat(end) if end else None
        if date_end is not None and date_end <= date:
            date_end = None
        values.update(date=date, date_end=date_end,
                      date_precision="range" if date_end else "day")
    if "lat" in changes:
        values.update(lat=changes["lat"], lon=changes["lon"], geo_precision="exact",
                      place_id=changes.get("place_id"))
        if "place" not in changes:  # the old name would label another point
            values["place"] = f"{changes['lat']:.4f}, {changes['lon']:.4f}"
    if "place" in changes:
        values["place"] = changes["place"]
        if "lat" not in changes:
            values["place_id"] = changes.get("place_id", event.place_id)
    return replace(event, **values)


def _corrected(event: Event, state: ReviewState) -> Event:
    return _marked(_with_changes(event, state.changes), state, event_key(event))


def _added(key: str, state: ReviewState) -> Event:
    """The event an "add" (and the corrections after it) describe."""
    c = state.changes
    add = next(x for x in state.history if x.action == "add")
    url = add.source if add.source and _is_url(add.source) else None
    file = "" if url or not add.source else add.source
    outlet = c.get("outlet") or (urlsplit(url).hostname if url else None)
    source = Source(file, outlet, url, None, c.get("sentence") or "")
    date = dt.date.fromisoformat(c["date"])
    date_end = dt.date.fromisoformat(c["date_end"]) if c.get("date_end") else None
    base = Event(
        id="ev-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:12],
        type=c["type"],
        date=date,
        date_end=date_end if date_end and date_end > date else None,
        date_precision="range" if date_end and date_end > date else "day",
        place=c.get("place") or f"{c['lat']:.4f}, {c['lon']:.4f}",
        place_id=c.get("place_id"),
        lat=c["lat"],
        lon=c["lon"],
        geo_precision="exact",
        actor=c.get("actor"),
        target=c.get("target"),
        status=c.get("status") or "reported",
        claimed_by=c.get("claimed_by"),
        fatalities=c.get("fatalities"),
        sources=[source] if add.source or c.get("sentence") else [],
    )
    return _marked(base, state, key)


def _is_url(text: str) -> bool:
    try:
        parts = urlsplit(text.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


# -- where the corrections live ---------------------------------------------------------


def default_corrections_path(paths: Sequence[str | Path]) -> Path:
    """``corrections.jsonl`` in the first article folder given (a file's own folder).

    Examples
    --------
    >>> default_corrections_path(["seeds"]).as_posix()  # doctest: +SKIP
    'seeds/corrections.jsonl'
    """
    if not paths:
        raise ReviewError("no article folder to keep the corrections in")
    first = Path(paths[0])
    folder = first.parent if first.is_file() else first
    return folder / CORRECTIONS_NAME


#: The store's meta key naming the corrections file and article paths of the last build.
META_KEY = "review"


# -- the reviewer -----------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """What one review action changed.

    ``before`` and ``event`` are the event's GeoJSON feature properties
    (:func:`geo.events.event_properties`) before and after; ``event`` is None
    when the action took it off the map (rejected or merged away: ``removed``
    names its id). ``fields`` maps each changed field to ``(before, after)``;
    ``summary`` is one line saying what was done.
    """

    action: str
    correction: Correction
    summary: str
    event: dict[str, Any] | None
    before: dict[str, Any] | None = None
    fields: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    #: the id of an event that left the map
    removed: list[str] = field(default_factory=list)
    #: the resulting event as a GeoJSON Feature (None when it left the map)
    feature: dict[str, Any] | None = None
    #: events the action put on the map besides ``event`` (the part a split took off),
    #: as GeoJSON Features
    also: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready values (for the review server)."""
        return {
            "action": self.action,
            "summary": self.summary,
            "event": self.event,
            "feature": self.feature,
            "before": self.before,
            "fields": {k: list(v) for k, v in self.fields.items()},
            "removed": self.removed,
            "also": self.also,
            "correction": self.correction.to_dict(),
        }


#: The fields ``Change.fields`` and summaries compare.
_SHOWN = ("type", "date", "date_end", "place", "lat", "lon", "actor", "target", "status",
          "claimed_by", "fatalities")  # fmt: skip


class Reviewer:
    """Review the events of one output folder: what ``frontline review`` and the server call.

    Parameters
    ----------
    out_dir
        The build's output folder (the map, the exports and the store).
    articles
        The article paths the build was given; the corrections file is the
        first folder's ``corrections.jsonl``. Without it (and ``corrections``),
        the file the last build used (recorded in the store).
    data
        A data folder (as ``--data``) whose gazetteer resolves place names.
    who
        Who is reviewing (default ``$FRONTLINE_REVIEWER``, else the user name).
    corrections
        The corrections file, naming it outright.
    store_path
        The store (default ``<out_dir>/frontline.sqlite``).

    Raises
    ------
    ReviewError
        When no corrections file can be found.
    """

    def __init__(
        self,
        out_dir: str | Path,
        *,
        articles: Sequence[str | Path] | None = None,
        data: str | Path | None = None,
        who: str | None = None,
        corrections: str | Path | None = None,
        store_path: str | Path | None = None,
    ) -> None:
        from . import settings
        from .store import default_store_path

        self.out_dir = Path(out_dir)
        self.store_path = Path(store_path) if store_path else default_store_path(self.out_dir)
        if data is not None:
            settings.data_dir = Path(data)
        self.who = (who or _default_who())[:200]
        self.articles = [Path(p) for p in articles] if articles else None
        if corrections is not None:
            self.corrections_path = Path(corrections)
        elif self.articles:
            self.corrections_path = default_corrections_path(self.articles)
        else:
            recorded = self._recorded()
            if recorded is None:
                raise ReviewError(
                    f"no corrections file known for {str(self.out_dir)!r}: run frontline build "
                    "first, or give --corrections FILE (or --articles PATH)"
                )
            self.corrections_path = recorded
        self._merged: tuple[int, list[Event]] | None = None
        #: what the reviewer met besides errors: a corrections file written back from
        #: the store's copy, the bad rows of the file :meth:`import_` read last
        self.problems: list[Problem] = []

    # -- reading -----------------------------------------------------------------

    def _recorded(self) -> Path | None:
        """The corrections file the last build recorded in the store, if any."""
        if not self.store_path.is_file():
            return None
        from .store import open_store

        try:
            with open_store(self.store_path, lock=False) as store:
                text = store.get_meta(META_KEY)
        except Exception:  # an unreadable store records nothing
            return None
        try:
            value = json.loads(text or "null")
            return Path(value["corrections"]) if isinstance(value, dict) else None
        except (ValueError, KeyError, TypeError):
            return None

    @property
    def log(self) -> CorrectionLog:
        """The corrections file, read now.

        A file that is gone while the store keeps a copy of its rows is written
        back from the copy first (as a build does), so that a new correction
        cannot start a file that would then replace every earlier one.
        """
        if not self.corrections_path.exists() and self.store_path.is_file():
            from .export import write_text_atomic
            from .store import open_store

            with open_store(self.store_path, lock=False) as store:
                mirrored = store.corrections()
            if mirrored and not self.corrections_path.exists():
                write_text_atomic(self.corrections_path, "".join(f"{r}\n" for r in mirrored))
                self.problems.append(Problem(
                    str(self.corrections_path),
                    f"was missing; written back with the {len(mirrored)} corrections the "
                    "store keeps", severity="warning"))  # fmt: skip
        return CorrectionLog.load(self.corrections_path)

    def _extracted(self) -> list[Event]:
        """The store's events, merged (remembered while the store's revision holds)."""
        from .events import merge_events
        from .store import open_store

        if not self.store_path.is_file():
            raise ReviewError(
                f"no store at {str(self.store_path)!r}: run frontline build first"
            )
        with open_store(self.store_path, lock=False) as store:
            revision = store.revision
            if self._merged is not None and self._merged[0] == revision:
                return self._merged[1]
            events = merge_events(store.events())
        self._merged = (revision, events)
        return events

    def result(self) -> ReviewResult:
        """The store's events with the corrections applied."""
        return apply_corrections(self._extracted(), self.log)

    def events(
        self,
        *,
        unreviewed: bool = False,
        type: str | None = None,
        since: dt.date | str | None = None,
        rejected: bool = False,
    ) -> list[Event]:
        """The corrected events (as the map shows them), filtered.

        ``unreviewed`` keeps those nobody reviewed; ``type`` one event type;
        ``since`` those whose last day is on or after it; ``rejected`` lists the
        rejected events instead.
        """
        if type is not None and type not in EVENT_TYPES:
            raise ReviewError(f"unknown event type {type!r} (one of {', '.join(EVENT_TYPES)})")
        day = dt.date.fromisoformat(_day(since, "--since")) if since is not None else None
        result = self.result()
        chosen = result.rejected if rejected else result.events
        return [
            e for e in chosen
            if (not unreviewed or e.review is None)
            and (type is None or e.type == type)
            and (day is None or (e.last is not None and e.last >= day))
        ]  # fmt: skip

    def evaluate(self, *, radius_km: float | None = None) -> Any:
        """Score extraction against the reviewed events: the corrections as gold.

        See :func:`geo.evaluate.evaluate_review`; returns its
        :class:`~geo.evaluate.Evaluation`.
        """
        from .evaluate import evaluate_review

        return evaluate_review(self._extracted(), self.result(), radius_km=radius_km)

    def geojson(self, **filters: Any) -> dict[str, Any]:
        """The corrected events as ``events.geojson`` has them (``filters`` as :meth:`events`)."""
        from .events import events_geojson

        return events_geojson(self.events(**filters))

    def orphaned(self) -> list[Correction]:
        """The corrections whose event no longer appears."""
        return self.result().orphaned

    def history(self, event_id: str) -> list[Correction]:
        """Every correction of the event with this id (by any of its keys), oldest first."""
        result = self.result()
        event = self._find(result, event_id, rejected=True)
        keys = {k for k, e in result.by_key.items() if e is event}
        return [c for c in self.log.corrections if c.key in keys]

    def _find(self, result: ReviewResult, event_id: str, *, rejected: bool = False) -> Event:
        pool = [*result.events, *(result.rejected if rejected else [])]
        for event in pool:
            if event.id == event_id:
                return event
        if not rejected and any(e.id == event_id for e in result.rejected):
            raise ReviewError(f"event {event_id!r} is rejected (review confirm brings it back)")
        raise ReviewError(
            f"no event {event_id!r} in {str(self.out_dir)!r} (frontline review list shows the ids)"
        )

    # -- acting ------------------------------------------------------------------

    def confirm(self, event_id: str, *, reason: str | None = None) -> Change:
        """Mark an event as checked by a person (a rejected one comes back)."""
        result = self.result()
        event = self._find(result, event_id, rejected=True)
        return self._act(result, event, Correction("confirm", event_key(event), event.id,
                                                   reason=reason, who=self.who))

    def reject(self, event_id: str, *, reason: str) -> Change:
        """Take an event off the map and the exports (it stays in the store)."""
        if not reason or not reason.strip():
            raise ReviewError("a rejection needs a reason (--reason TEXT)")
        result = self.result()
        event = self._find(result, event_id)
        return self._act(result, event, Correction("reject", event_key(event), event.id,
                                                   reason=reason, who=self.who))

    def edit(self, event_id: str, *, reason: str | None = None, **changes: Any) -> Change:
        """Change fields of an event.

        ``changes`` may set type, place (a gazetteer name or id; or lat and lon),
        date, date_end, actor, target, status, claimed_by and fatalities. None
        clears actor, target, claimed_by, fatalities or date_end; the other
        fields cannot be empty, and None leaves them as they are.
        """
        result = self.result()
        event = self._find(result, event_id, rejected=True)
        checked = check_changes("edit", self._resolved(changes, clear=True))
        return self._act(result, event, Correction("edit", event_key(event), event.id,
                                                   checked, reason=reason, who=self.who))

    def add(
        self,
        *,
        type: str,
        date: dt.date | str,
        source: str,
        place: str | None = None,
        lat: float | None = None,
        lon: float | None = None,
        reason: str | None = None,
        **more: Any,
    ) -> Change:
        """Add an event extraction missed, with its source (a URL, or an article file).

        ``place`` is a gazetteer name or id; ``lat``/``lon`` place it by
        coordinates instead (``place`` then only names it). ``more`` may hold
        date_end, actor, target, status, claimed_by, fatalities, and
        ``sentence`` (the source's words) and ``outlet``.
        """
        if not source or not source.strip():
            raise ReviewError("an added event needs its source (--source URL or article file)")
        if place is None and (lat is None or lon is None):
            raise ReviewError("an added event needs a place (--place NAME, or --lat and --lon)")
        values = {"type": type, "date": date, **more}
        if place is not None:
            values["place"] = place
        if lat is not None or lon is not None:
            values["lat"], values["lon"] = lat, lon
        checked = check_changes("add", self._resolved(values))
        key = _ADDED_PREFIX + secrets.token_hex(6)
        return self._act(self.result(), None, Correction("add", key, None, checked,
                                                         reason=reason, source=source.strip(),
                                                         who=self.who))

    def merge(self, id_a: str, id_b: str, *, reason: str | None = None) -> Change:
        """Fold event ``id_b`` into ``id_a``: one happening reported twice."""
        if id_a == id_b:
            raise ReviewError(f"cannot merge {id_a!r} with itself")
        result = self.result()
        a, b = self._find(result, id_a), self._find(result, id_b)
        return self._act(result, a, Correction("merge", event_key(a), a.id,
                                               {"other": event_key(b)}, reason=reason,
                                               who=self.who), removed=b)

    def split(
        self, event_id: str, *, sources: Sequence[int], reason: str | None = None
    ) -> Change:
        """Split sources off a merged event into an event of their own.

        ``sources`` are the positions (from 1, in the popup's order) of the
        sources that report another happening; the rest stay.
        """
        result = self.result()
        event = self._find(result, event_id)
        count = len(event.sources)
        picked = sorted(set(sources))
        if not picked or any(not 1 <= n <= count for n in picked):
            raise ReviewError(
                f"give the sources to split off as numbers from 1 to {count}, found "
                f"{list(sources)!r}"
            )
        if len(picked) == count:
            raise ReviewError(f"splitting off all {count} sources leaves nothing behind")
        keys = _source_keys(event)
        chosen = [keys[n - 1] for n in picked]
        correction = Correction("split", event_key(event), event.id, {"sources": chosen},
                                reason=reason, who=self.who)
        return self._act(result, event, correction, split=_SPLIT_PREFIX + chosen[0])

    def _resolved(self, values: dict[str, Any], *, clear: bool = False) -> dict[str, Any]:
        """Drop unset values; a place name or id becomes its gazetteer id and point.

        With ``clear``, None for a field that may be empty (actor, target,
        claimed_by, fatalities, date_end) clears it rather than leaving it be.
        """
        out = {k: v for k, v in values.items()
               if v is not None or (clear and k in _CLEARABLE)}  # fmt: skip
        place = out.get("place")
        if isinstance(place, str) and "lat" not in out:
            found = _gazetteer_place(place)
            out.update(place=found.name, place_id=found.place_id, lat=found.lat, lon=found.lon)
        for name in ("actor", "target", "claimed_by"):
            if isinstance(out.get(name), str):
                out[name] = _canonical_actor(out[name])
        return out

    def _act(
        self,
        before_result: ReviewResult,
        event: Event | None,
        correction: Correction,
        *,
        removed: Event | None = None,
        split: str | None = None,
    ) -> Change:
        from .events import event_properties

        stored = self.log.append(correction)
        after_result = self.result()
        after = after_result.by_key.get(stored.key)
        before_props = event_properties(event) if event is not None else None
        after_props = event_properties(after) if after is not None else None
        on_map = after is not None and after.review != "rejected"
        fields = {}
        if event is not None and after is not None:
            for name in _SHOWN:
                old, new = getattr(event, name), getattr(after, name)
                if old != new:
                    fields[name] = (_plain(old), _plain(new))
        gone = [removed.id] if removed is not None else []
        if event is not None and not on_map:
            gone.insert(0, event.id)
        feature = None
        if after is not None and on_map and after_props is not None:
            feature = {"type": "Feature",
                       "geometry": {"type": "Point", "coordinates": [after.lon, after.lat]},
                       "properties": after_props}  # fmt: skip
        also = []
        piece = after_result.by_key.get(split) if split is not None else None
        if piece is not None:
            also.append({"type": "Feature",
                         "geometry": {"type": "Point", "coordinates": [piece.lon, piece.lat]},
                         "properties": event_properties(piece)})  # fmt: skip
        summary = _summary(stored, event, after, fields, removed)
        if piece is not None:
            summary += f": {len(piece.sources)} sources are now {piece.id}"
        return Change(
            action=stored.action,
            correction=stored,
            summary=summary,
            also=also,
            event=after_props,
            before=before_props,
            fields=fields,
            removed=gone,
            feature=feature,
        )

    # -- files -------------------------------------------------------------------

    def export(self, path: str | Path) -> int:
        """Write every readable correction to ``path`` (JSON lines); return how many."""
        from .export import write_text_atomic

        log = self.log
        write_text_atomic(path, log.text())
        return len(log)

    def import_(self, path: str | Path) -> int:
        """Append the corrections of ``path`` not already in the file; return how many.

        A correction counts as present when one with the same action, key,
        changes, reason, source, author and time is. Bad rows of ``path`` are
        reported (:attr:`problems`) and skipped.

        Raises
        ------
        ReviewError
            When ``path`` cannot be read.
        """
        path = Path(path)
        if not path.is_file():
            raise ReviewError(f"no corrections file {str(path)!r}")
        incoming = CorrectionLog.load(path)
        self.problems = list(incoming.problems)
        log = self.log
        have = {_identity(c) for c in log.corrections}
        count = 0
        for c in incoming.corrections:
            if _identity(c) in have:
                continue
            log.append(replace(c, seq=0))
            have.add(_identity(c))
            count += 1
        return count

    def refresh(self) -> Any:
        """Rewrite the map and exports from the store and the corrections, extracting nothing.

        Returns the :class:`~geo.build.BuildSummary` of the outputs written.

        Raises
        ------
        StoreLockedError
            When a build holds the store (its outputs will carry the corrections).
        """
        from .build import refresh_outputs

        return refresh_outputs(
            self.out_dir, store_path=self.store_path, corrections=self.corrections_path
        )


def _identity(c: Correction) -> tuple[Any, ...]:
    return (c.action, c.key, json.dumps(c.changes, sort_keys=True), c.reason, c.source, c.who,
            c.at.isoformat())


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def _describe(event: Event) -> str:
    day = event.date.isoformat() if event.date else "undated"
    return f"{event.type} at {event.place}, {day}"


def _summary(
    c: Correction,
    before: Event | None,
    after: Event | None,
    fields: dict[str, tuple[Any, Any]],
    removed: Event | None,
) -> str:
    """One line saying what a correction did."""
    target = before or after
    what = f"{target.id} ({_describe(target)})" if target is not None else c.key
    if c.action == "confirm":
        return f"confirmed {what}"
    if c.action == "reject":
        return f"rejected {what}: {c.reason}"
    if c.action == "edit":
        shown = [f"{k} {_value(v[0])} -> {_value(v[1])}" for k, v in fields.items()]
        return f"edited {what}: " + (", ".join(shown) if shown else "no field changed")
    if c.action == "add":
        return f"added {what}" + (f" from {c.source}" if c.source else "")
    if c.action == "merge" and removed is not None:
        return f"merged {removed.id} ({_describe(removed)}) into {what}"
    if c.action == "split":
        return f"split {what}"
    return f"{c.action} {what}"


def _value(value: Any) -> str:
    return "(none)" if value is None or value == "" else str(value)


def _gazetteer_place(name: str) -> Any:
    """The gazetteer place with this id or name (the theatre's countries first)."""
    from .gazetteer import load_gazetteer
    from .theatre import load_theatre

    gazetteer = load_gazetteer()
    found = gazetteer.get(name.strip())
    if found is not None:
        return found
    matches = gazetteer.lookup(name)
    if not matches:
        raise ReviewError(
            f"unknown place {name!r}: not in the gazetteer (give --lat and --lon to place "
            "it by its coordinates)"
        )
    countries = set(load_theatre().countries)
    inside = [p for p in matches if p.country in countries]
    return (inside or matches)[0]


def _canonical_actor(text: str) -> str:
    """The canonical actor ``text`` names (``Haftar's forces`` -> ``LNA``), else ``text``."""
    from .actors import load_actors

    cleaned = text.strip()
    if not cleaned:
        return cleaned
    return load_actors().canonical(cleaned) or cleaned

