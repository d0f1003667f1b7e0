"""Stage 7b: who did it and to whom: the agent, the target, repelled attacks."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..actors import ActorMention
from ._rules import _PASSIVE_AUX, _POSSESSIVE_SUBJECT, _participle
from .sentences import _Sentence
from .state import _Frame, _Trigger

if TYPE_CHECKING:
    from .extractor import _Extractor


def _actors_between(ex: _Extractor, start: int, end: int) -> list[ActorMention]:
    return [m for m in ex.actor_mentions if start <= m.start and m.end <= end]


def _subject_actor(ex: _Extractor, sent: _Sentence, token: int, frame: _Frame | None) -> str | None:
    doc = ex.doc
    lo_tok = frame.verb_end if frame is not None and frame.verb_end <= token else sent.t0
    lo, hi = doc.starts[lo_tok], doc.starts[token]
    found = _actors_between(ex, lo, hi)
    if frame is not None and frame.phrase[1] > frame.phrase[0]:
        # "According to the X media office, the airstrikes hit ...": the speaker is no agent
        p0, p1 = doc.starts[frame.phrase[0]], doc.ends[frame.phrase[1] - 1]
        found = [m for m in found if not (p0 <= m.start < p1)]
    if found:
        return found[-1].actor
    if frame is not None and frame.speaker.kind == "party":
        if _POSSESSIVE_SUBJECT.search(ex.text, lo, hi):
            return frame.speaker.actor
    return None


def _actor_target(
    ex: _Extractor, sent: _Sentence, trig: _Trigger, kind: str, frame: _Frame | None
) -> tuple[str | None, str | None]:
    doc = ex.doc
    clause = doc.clause_of(sent, trig.t0)
    _, c1 = doc.clause_bounds(sent, clause)
    after = _actors_between(ex, trig.end, doc.ends[c1 - 1])
    by_actor = None
    target = None
    for m in after:
        gap = ex.text[trig.end : m.start]
        if len(gap) > 90:
            break
        if by_actor is None and re.search(r"\bby\s+(?:[\w'’-]+\s+){0,3}$", gap):
            by_actor = m.actor
        elif target is None and (
            re.search(r"\b(?:on|against|with|targeting|at)\b[^.;,]*$", gap)
            or (trig.form == "verb" and re.fullmatch(r"\s+(?:the\s+)?", gap))
        ):
            target = m.actor  # "on X positions", "with X", "shelled X positions"
    passive = (
        trig.t0 - 1 >= sent.t0
        and doc.lower[trig.t0 - 1] in _PASSIVE_AUX
        and _participle(doc.lower[trig.t0])
    )
    subject = _subject_actor(ex, sent, trig.t0, frame)
    if trig.place == "before" and kind == "capture" and after:
        # "X fell to the LNA", "X is now in the hands of the GNA": the taker follows
        gap = ex.text[trig.end : after[0].start]
        if len(gap) <= 12:
            return after[0].actor, subject if subject != after[0].actor else None
    if kind == "clash":
        between = re.search(r"\bbetween\b", ex.text[trig.end : trig.end + 20])
        if between and len(after) >= 2:
            return after[0].actor, after[1].actor
    if passive and kind not in ("withdrawal", "deployment"):
        actor, target = by_actor, target or subject
    else:
        # an active verb's subject acts; "by X" after it is often another's deed
        # ("bombed the base, destroying systems installed by Turkey")
        actor = (subject or by_actor) if trig.form == "verb" else (by_actor or subject)
    if trig.form == "noun" and kind == "ground_attack" and _REPELLED.search(
        ex.text, doc.starts[max(sent.t0, trig.t0 - 6)], trig.start
    ):
        # "X repelled an attack (by Y) on Z": X was attacked; the attacker is Y, else
        # X's one enemy in the theatre
        defender = subject
        attacker = by_actor or (
            ex.theatre.enemy(ex.actors.side(defender) or defender) if defender else None
        )
        actor, target = attacker, defender
    elif trig.form == "noun" and kind == "ground_attack" and (
        beaten := _REPELLED_BY.search(ex.text, trig.end, min(trig.end + 90, doc.ends[c1 - 1]))
    ):
        # "an attack on X was repelled by the LNA": the LNA was attacked; "an attack by
        # the LNA ... was repelled by its troops": the LNA attacked
        defender = next(
            (m.actor for m in after if beaten.end() <= m.start <= beaten.end() + 30), None
        )
        attacker = next(
            (m.actor for m in after
             if m.start < beaten.start() and re.search(
                 r"\bby\s+(?:[\w'’-]+\s+){0,3}$", ex.text[trig.end : m.start])),
            None,
        )  # fmt: skip
        if defender is not None:
            attacker = attacker or (target if target != defender else None) or (
                ex.theatre.enemy(ex.actors.side(defender) or defender)
            )
            actor, target = attacker, defender
        elif attacker is not None:
            actor = attacker
    if target == actor:
        target = None
    return actor, target


#: an attack noun's own verb saying it was beaten off by someone: the attacked
_REPELLED_BY = re.compile(
    r"\b(?:was|were|been|being)\s+(?:\w+\s+)?(?:repelled|repulsed|foiled|thwarted|"
    r"fended\s+off|beaten\s+back|pushed\s+back|fought\s+off)\s+by\b",
    re.IGNORECASE,
)
#: a verb before an attack noun saying it was beaten off: its subject is the attacked
_REPELLED = re.compile(
    r"\b(?:repelled|repulsed|repelling|repulsing|repel|repulse|repels|repulses|foiled|thwarted"
    r"|fended\s+off|beat\s+back|beaten\s+back|drove\s+back|pushed\s+back|"
    r"fought\s+off)\s+(?:(?:an?|the|this|that|their|its|his|another|one|two|three|several|"
    r"new|fresh|large|major|massive|fierce|heavy|violent|ground|renewed|enemy|"
    r"attempted|failed)\s+){0,4}$",
    re.IGNORECASE,
)
