"""What ``frontline events --explain`` prints about a trigger."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..model import DateSpan
    from .extractor import _Extractor
    from .state import _Candidate, _Trigger


#: How much of a sentence ``--explain`` prints.
_SAID_CHARS = 300


def said(ex: _Extractor, trig: _Trigger) -> str:
    """The trigger as written and its sentence; the sentence is quoted in the trace once."""
    sent = ex.doc.sentence_of(trig.start)
    where = f"sentence {sent.index + 1}" if sent is not None else "text"
    if sent is not None and ex.trace is not None and sent.index not in ex.traced:
        # the sentence itself, once, before the first line about it
        ex.traced.add(sent.index)
        quoted = " ".join(ex.text[sent.start : sent.end].split())
        if len(quoted) > _SAID_CHARS:
            quoted = quoted[: _SAID_CHARS - 1] + "…"
        ex.trace.append(f"sentence {sent.index + 1}: {quoted}")
    return f"{ex.text[trig.start : trig.end]!r} ({where})"


def drop(ex: _Extractor, trig: _Trigger, reason: str) -> None:
    """Record why a trigger gave no event (``frontline events --explain``)."""
    if ex.trace is not None:
        ex.trace.append(f"dropped {said(ex, trig)}: {reason}")


def keep(
    ex: _Extractor, trig: _Trigger, cand: _Candidate, precision: str, span: DateSpan,
    status: str, claimed_by: str | None, kind: str,
) -> None:  # fmt: skip
    """Record the rule path of an event found (``frontline events --explain``)."""
    if ex.trace is None:
        return
    why = {
        "loc": "after a locative preposition",
        "origin": "after 'from'",
        "other": "in the clause",
    }
    place = f"{cand.place.name} ({why.get(cand.role, cand.role)}"
    place += ", anaphor" if cand.anaphor else ""
    place += ", listed with others)" if cand.coord_prev is not None else ")"
    date = f"{span.date.isoformat()} ({span.precision})"
    by = f" by {claimed_by}" if claimed_by else ""
    ex.trace.append(
        f"event {kind} from {said(ex, trig)} [{trig.form}, rule type {trig.rule_type}]: "
        f"place {place} [{precision}]; date {date}; {status}{by}"
    )
