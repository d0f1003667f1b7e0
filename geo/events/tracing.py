"""What ``frontline events --explain`` prints about a trigger."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .extractor import _Extractor
    from .state import _Trigger


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
