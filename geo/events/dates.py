"""Stage 5: the event's date: the clause's date, the opening date, the running story's day."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from typing import TYPE_CHECKING

from ..dates import DateMatch, find_dates
from ..model import DateSpan
from . import syntax, triggers
from ._rules import _STORY_DAYS, _SUBORDINATORS, _is_deadline
from .sentences import _Sentence
from .state import _Context, _Frame

if TYPE_CHECKING:
    from .extractor import _Extractor


def _find_dates(ex: _Extractor) -> list[DateMatch]:
    """Date expressions of the paragraphs that hold a trigger or a threat.

    The other paragraphs cannot date an event; skipping them saves most of the
    date scanning.
    """
    if ex.published is None:
        return []
    wanted: dict[int, tuple[int, int]] = {}
    starts = [t.start for t in ex.triggers if t.rule_type is not None] + [
        s for part in ("explicit", "demand", "consequence") for s, _ in ex.threat[part]
    ]
    for t in ex.triggers:
        if t.rule_type is None:  # "hit", "killed": only with an instrument near
            sent = ex.doc.sentence_of(t.start)
            if sent is not None and triggers._type_of(ex, sent, t) is not None:
                starts.append(t.start)
    for start in starts:
        sent = ex.doc.sentence_of(start)
        if sent is None or sent.paragraph in wanted:
            continue
        para = [x for x in ex.doc.sentences if x.paragraph == sent.paragraph]
        wanted[sent.paragraph] = (para[0].start, para[-1].end)
    out = []
    for lo, hi in sorted(wanted.values()):
        found = [replace(m, start=m.start + lo, end=m.end + lo)
                 for m in find_dates(ex.text[lo:hi], ex.published)]  # fmt: skip
        for m in found:
            sent = ex.doc.sentence_of(m.start)
            if (
                sent is not None
                and _is_stamp(ex.text, m.start, m.text)
                and any(o is not m and sent.start <= o.start < sent.end for o in found)
            ):
                # "date 2019-10-21 The army announced on Sunday ...": the page's stamp
                # leaves the day to the sentence's own date
                continue
            out.append(m)
    return out


#: What may stand before a page's date stamp on its line.
_STAMP_LEAD = re.compile(r"[ \t]*(?:(?:date|published|posted|updated)[ \t]*:?[ \t]*)?\Z", re.I)
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}\Z")


def _is_stamp(text: str, start: int, expression: str) -> bool:
    """Whether an ISO date opening a line is the page's date stamp, not a happening's day."""
    if not _ISO_DAY.match(expression):
        return False
    line = text.rfind("\n", 0, start) + 1
    return _STAMP_LEAD.match(text, line, start) is not None


def _opening_date(ex: _Extractor, sent: _Sentence) -> DateMatch | None:
    for m in ex.dates:
        if sent.start <= m.start < sent.end:
            if ex.doc.token_at(m.start) - sent.t0 <= 2 and m.kind != "deadline":
                return m
            return None
    return None


def _date_for(
    ex: _Extractor, ctx: _Context, token: int, frame: _Frame | None = None
) -> tuple[DateSpan, bool]:
    """The event's date, and whether it is ongoing ("since").

    Among the dates of the trigger's clause the nearest wins; one that dates the
    speaking ("said last month that ...") or stands before a comma ("in April, took
    X on May 18") counts as farther away.
    """
    sent = ctx.sentence
    doc = ex.doc
    clause = doc.clause_of(sent, token)
    content = -1
    if frame is not None and frame.scope == "after" and frame.verb_end <= token:
        content = max(frame.content, frame.verb_end)
    best: tuple[int, DateMatch] | None = None
    for m in ex.dates:
        if not (sent.start <= m.start < sent.end) or _is_deadline(m):
            continue
        d0 = doc.token_at(m.start)
        if doc.clause_of(sent, d0) != clause:
            continue
        if syntax.other_clause(ex, sent, doc.starts[token], m.start):
            continue  # "militias that had captured X last year attacked Y"
        if _anchors_after(ex, m, token):
            continue  # "came two days after a strike on X": the strike is the anchor
        if _describes_state(ex, sent, d0, token):
            continue  # "the airport, closed since the start of the month"
        lo, hi = sorted((d0, token))
        distance = sum(1 for i in range(lo, hi) if sent.clause[i - sent.t0] == clause)
        if distance > 15:
            continue
        if d0 < content:
            distance += 8
        if d0 < token and "," in doc.lower[d0:token]:
            distance += 5
        if best is None or distance < best[0]:
            best = (distance, m)
    if best is not None:
        return _span_of(ex, ctx, best[1]), best[1].kind == "since"
    year = _bare_year(ex, sent, clause, token)
    if year is not None:
        return year, False  # "the 2011 revolution", "Haftar's 2019 offensive"
    if ctx.opening is not None:
        return _span_of(ex, ctx, ctx.opening), ctx.opening.kind == "since"
    # another clause of the sentence: a sentence mostly tells of one time ("Sirte was
    # freed in December 2016 by ..., after months of fighting")
    nearest: tuple[int, DateMatch] | None = None
    for m in ex.dates:
        if not (sent.start <= m.start < sent.end) or _is_deadline(m):
            continue
        if syntax.other_clause(ex, sent, ex.doc.starts[token], m.start):
            continue
        if _anchors_after(ex, m, token):
            continue
        d0 = ex.doc.token_at(m.start)
        c0, _ = ex.doc.clause_bounds(sent, ex.doc.clause_of(sent, d0))
        if ex.doc.lower[c0] in _SUBORDINATORS and "," not in ex.doc.lower[c0:d0]:
            # "- after taking X in early June -" dates only its own clause; past its
            # closing comma ("X, where ..., killed nine people on Monday") it does not
            continue
        if "since" in ex.doc.lower[c0:d0]:
            continue  # "the airport, unused since it was destroyed in 2014": a state's age
        distance = abs(d0 - token)
        if nearest is None or distance < nearest[0]:
            nearest = (distance, m)
    if nearest is not None:
        return _span_of(ex, ctx, nearest[1]), nearest[1].kind == "since"
    if ctx.para_span is not None:
        return ctx.para_span, False
    if ctx.story_span is not None:
        return ctx.story_span, False
    assert ex.published is not None
    return DateSpan(ex.published, None, "published"), False


def _describes_state(ex: _Extractor, sent: _Sentence, d0: int, token: int) -> bool:
    """Whether a date after the trigger dates a participle or a state set off by a comma.

    "strikes on the airport, closed since the start of the month": the date tells how
    long the airport has been closed, not when it was struck.
    """
    lower = ex.doc.lower
    if d0 <= token + 1 or d0 - 2 < sent.t0:
        return False
    word = lower[d0 - 1]
    if lower[d0 - 2] == "," and word.endswith("ed") and d0 - 2 > token:
        return True
    # "seized the airport, unused since it was destroyed in 2014": an aside after a
    # comma telling since when a state has held dates the state
    between = lower[token:d0 + 1]
    if "," not in between:
        return False
    comma = len(between) - 1 - between[::-1].index(",")
    return "since" in between[comma:]


def _split_listed(ex: _Extractor, span: DateSpan) -> list[DateSpan]:
    """One span per day for the days of a list ("on 3 and 4 August"), else the span."""
    for m in ex.dates:
        if m.span is span and m.days:
            return [DateSpan(day) for day in m.days]
    return [span]


def _anchors_after(ex: _Extractor, m: DateMatch, token: int) -> bool:
    """Whether a trigger is the anchor of "two days after ..." standing before it."""
    if m.offset_days is None or not m.text.lower().endswith(("after", "before")):
        return False
    return ex.doc.token_at(m.start) < token


def _span_of(ex: _Extractor, ctx: _Context, m: DateMatch) -> DateSpan:
    """A match's days; a day told relative to another ("the previous night") from the story.

    The reference is the day of the happening told just before (the sentence before's
    event), else the paragraph's running day, else the story's, else publication; a
    day after it never passes publication.
    """
    if m.offset_days is None:
        return m.span
    assert ex.published is not None
    ref: DateSpan | None = None
    if ctx.prev_drafts and ctx.prev_drafts[-1].span.precision != "published":
        ref = ctx.prev_drafts[-1].span
    elif ctx.para_span is not None:
        ref = ctx.para_span
    elif ctx.story_span is not None:
        ref = ctx.story_span
    base = ref.date if ref is not None and ref.date_end is None else None
    if base is None:
        base = ex.published
    day = min(base + dt.timedelta(days=m.offset_days), ex.published)
    return DateSpan(day)


def _bare_year(ex: _Extractor, sent: _Sentence, clause: int, token: int) -> DateSpan | None:
    """A past year written as an adjective near a trigger ("the 2011 uprising")."""
    assert ex.published is not None
    doc = ex.doc
    c0, c1 = doc.clause_bounds(sent, clause)
    for i in range(max(c0, token - 12), min(c1, token + 12)):
        tok = doc.lower[i]
        if len(tok) == 4 and tok.isdigit() and 1950 <= int(tok) < ex.published.year:
            if i > sent.t0 and doc.lower[i - 1] in _YEAR_PREPOSITIONS:
                continue  # "destroyed in 2014", "held since 2016": a time, not a name
            if syntax.other_clause(ex, sent, doc.starts[token], doc.starts[i]):
                continue  # "X, which the army took in its 2016 campaign, ..."
            year = int(tok)
            return DateSpan(dt.date(year, 1, 1), dt.date(year, 12, 31), "year")
    return None


#: Words before a year that make it a time phrase of its own clause, not an adjective.
_YEAR_PREPOSITIONS = frozenset("in since until till from by before after during of".split())


def _deadline(ex: _Extractor, sent: _Sentence, clause: int) -> DateMatch | None:
    for m in ex.dates:
        if sent.start <= m.start < sent.end and _is_deadline(m):
            if ex.doc.clause_of(sent, ex.doc.token_at(m.start)) == clause:
                return m
    return None


def _recent(ex: _Extractor, span: DateSpan) -> bool:
    """Whether a day is close enough to publication to date the running story."""
    assert ex.published is not None
    return 0 <= (ex.published - span.last).days <= _STORY_DAYS


def _is_background(ex: _Extractor, span: DateSpan, ongoing: bool) -> bool:
    """Whether an event ended, or (ongoing) began, ``background_days`` before publication.

    "Since April 4" a week ago is news; an offensive going on "since April last year"
    is the war's background, not a happening to map. An event dated to one day is
    never background: a timeline's "on October 6" is a happening with its own date.
    """
    if ex.published is None or ex.undated or span.precision == "published":
        return False
    if span.precision == "day" and not ongoing:
        return False
    day = span.date if ongoing else span.last
    return (ex.published - day).days > ex.lex.background_days
