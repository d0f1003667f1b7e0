"""Stage 7: casualty tolls attached to the events they count."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._rules import _CASUALTY_BEFORE, _CASUALTY_WORD, _NUMBER_WORDS
from .sentences import _Sentence
from .state import _Draft, _Trigger

if TYPE_CHECKING:
    from .extractor import _Extractor


def _fold_casualty_reports(drafts: list[_Draft]) -> list[_Draft]:
    """Fold "N fighters were killed in the battles for X" into the article's event at X."""
    out = []
    for d in drafts:
        if d.casualty:
            host = next(
                (o for o in drafts if not o.casualty and o.type not in ("threat", "deployment")
                 and o.place.place_id == d.place.place_id),
                None,
            )  # fmt: skip
            if host is not None:
                if host.fatalities is None:
                    host.fatalities = d.fatalities
                continue
        out.append(d)
    return out


def _casualty_report(ex: _Extractor, sent: _Sentence, trig: _Trigger) -> bool:
    """Whether "N fighters were killed in the battles for X" reports a count, not a clash."""
    doc = ex.doc
    before = ex.text[doc.starts[max(sent.t0, trig.t0 - 14)] : trig.start]
    return _CASUALTY_BEFORE.search(before) is not None


def _casualties(ex: _Extractor, sent: _Sentence, these: list[_Draft], prev: list[_Draft]) -> None:
    found: list[tuple[int, int]] = []
    if not _CASUALTY_WORD.search(ex.text, sent.start, sent.end):
        return
    for pattern in ex.lex.killed:
        for m in pattern.finditer(ex.text, sent.start, sent.end):
            raw = m.groupdict().get("n")
            if not raw:
                continue
            n = int(raw) if raw.isdigit() else _NUMBER_WORDS.get(raw.lower())
            if n is not None:
                found.append((m.start(), n))
    for m in ex.lex.zero_killed.finditer(ex.text, sent.start, sent.end):
        found.append((m.start(), 0))
    if not found:
        return
    targets = [d for d in these if d.type != "threat" and d.type != "deployment"]
    if not targets:
        targets = [d for d in prev if d.type != "threat" and d.fatalities is None][-1:]
    for pos, n in found:
        tok = ex.doc.token_at(pos)
        before = [d for d in targets if d.t0 <= tok]
        chosen = before[-1] if before else (targets[0] if targets else None)
        if chosen is not None:
            chosen.fatalities = n if chosen.fatalities is None else max(chosen.fatalities, n)
