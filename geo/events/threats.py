"""Threats, ultimatums and demands, found apart from the happenings."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..model import DateSpan
from . import attribution, dates, places, roles
from ._rules import _status_of
from .state import _Context, _Draft, _Trigger
from .tracing import keep

if TYPE_CHECKING:
    from .extractor import _Extractor


def _threats(ex: _Extractor, ctx: _Context) -> list[_Draft]:
    sent = ctx.sentence
    doc = ex.doc
    by_clause: dict[int, dict[str, list[tuple[int, int]]]] = {}
    for part, spans in ex.threat.items():
        for s, e in spans:
            if sent.start <= s < sent.end:
                clause = doc.clause_of(sent, doc.token_at(s))
                by_clause.setdefault(clause, {}).setdefault(part, []).append((s, e))
    out = []
    for clause, parts in sorted(by_clause.items()):
        deadline = dates._deadline(ex, sent, clause)
        explicit = "explicit" in parts
        demand = "demand" in parts
        consequence = "consequence" in parts
        if not (
            explicit or (demand and (deadline or "deadline" in parts or consequence)) or consequence
        ):
            continue
        keys = [s for p in ("explicit", "demand", "consequence") for s, _ in parts.get(p, [])]
        start = min(keys)
        t0 = doc.token_at(start)
        trig = _Trigger("threat", "verb", False, "any", start, start + 1, t0, t0 + 1)
        found_places = places._places_for(ex, ctx, trig, "threat")
        if not found_places:
            continue
        frame = attribution._frame_for(ex, ctx.frames, t0)
        if frame is None:
            # "Haftar vowed to retake X": the threatening verb is the statement itself
            frame = next((f for f in ctx.frames if f.verb_start == t0), None)
        speaker = frame.speaker if frame else None
        if "act" in parts:
            status, claimed_by = _status_of(speaker, ex.outlet_party)
        else:
            status, claimed_by = "reported", None
        c0, c1 = doc.clause_bounds(sent, clause)
        lo = doc.starts[frame.verb_end] if frame and frame.verb_end <= t0 else doc.starts[sent.t0]
        in_clause = roles._actors_between(ex, min(lo, doc.starts[c0]), doc.ends[c1 - 1])
        if speaker is not None and speaker.kind == "party":
            actor = speaker.actor
        else:
            actor = in_clause[0].actor if in_clause else None
        target = next((m.actor for m in in_clause if m.actor != actor), None)
        span, _ = dates._date_for(ex, ctx, t0)
        if deadline is not None and deadline.span.last > span.last:
            span = DateSpan(span.date, deadline.span.last, "range")
        cand, precision = found_places[0]
        if ex.trace is not None:
            end = max(e for p in ("explicit", "demand", "consequence")
                      for s, e in parts.get(p, []) if s == start)  # fmt: skip
            kinds = "+".join(p for p in ("explicit", "demand", "consequence", "deadline")
                             if p in parts)  # fmt: skip
            told = _Trigger(kinds, "threat", False, "any", start, end, t0, t0 + 1)
            keep(ex, told, cand, precision, span, status, claimed_by, "threat")
        out.append(
            _Draft("threat", sent, t0, cand.place, precision, span, actor, target, status,
                   claimed_by)
        )  # fmt: skip
    return out
