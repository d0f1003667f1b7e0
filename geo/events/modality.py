"""Stage 3: modality and negation: plans, possibilities, conditions, denials."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from . import roles, syntax
from ._rules import (
    _ATTEMPT,
    _CONDITION,
    _DENIES_PREVIOUS,
    _FOR_LONG,
    _LONG_BEFORE,
    _PERFECT_PROGRESSIVE,
    _SINCE_START,
    _TO_PREPOSITION,
    _base_form,
    _done_to,
)
from .sentences import _Sentence
from .state import _Frame, _Trigger

if TYPE_CHECKING:
    from .extractor import _Extractor

#: Auxiliaries before a participle that looks like a base form ("has come").
_PERFECT_AUX = frozenset({"has", "have", "had", "having"})


def _denies_previous(ex: _Extractor, sent: _Sentence) -> str | None:
    """The party of a short sentence denying the one before ("Moscow denied it.")."""
    m = _DENIES_PREVIOUS.match(ex.text, sent.start, sent.end)
    if m is None:
        return None
    found = roles._actors_between(ex, sent.start, m.end("subject"))
    return found[-1].actor if found else None


def _denier(ex: _Extractor, sent: _Sentence, trig: _Trigger) -> str | None:
    """The party named before the denial cue that governs a trigger."""
    cues = [s for s, e in ex.cues["denial"] if sent.start <= s and e <= trig.start]
    if not cues:
        return None
    found = roles._actors_between(ex, ex.doc.starts[sent.t0], cues[-1])
    return found[-1].actor if found else None


#: "Reports (the information, claims) about the shelling of X": a report named as such.
_REPORT_NOUN = re.compile(
    r"\b(?:information|reports?|claims?|allegations?|news|statements?|rumou?rs?|accusations?)"
    r"\b[^.;]{0,80}$",
    re.IGNORECASE,
)

#: "... is not true", "... are baseless": the report named before is denied.
_NOT_TRUE = re.compile(
    r"\b(?:is|are|was|were)(?:\s+not|n['’]t)\s+(?:true|correct|accurate)\b"
    r"|\b(?:is|are|was|were)\s+(?:completely\s+|totally\s+|absolutely\s+)?"
    r"(?:false|untrue|baseless|groundless|fabricated|unfounded|fake|a\s+lie|lies|"
    r"disinformation)\b",
    re.IGNORECASE,
)


#: a perfect in the clause after a "For seven months," opening: a state, not a happening
_PERFECT_ANYWHERE = re.compile(r"\b(?:has|have|had)\s+been\b", re.IGNORECASE)

#: a truce named before a deployment negates nothing: troops deploy to hold one
_TRUCE = re.compile(r"(?:ceasefire|cease-fire|truce)", re.IGNORECASE)


def _reported_then_denied(ex: _Extractor, sent: _Sentence, trig: _Trigger) -> bool:
    """Whether the trigger stands in a report that the sentence then calls untrue."""
    before = ex.text[ex.doc.starts[sent.t0] : trig.start]
    return bool(_REPORT_NOUN.search(before)) and bool(
        _NOT_TRUE.search(ex.text, trig.end, sent.end)
    )


#: The means by which something was done, between a cue and a trigger: what the cue
#: stops or aims at is the other act ("tried to halt the advance by shelling X").
_MEANS = re.compile(r"\bby\s+(?:[a-z]+ly\s+)?[a-z]+ing\b", re.IGNORECASE)
#: Cues of an attempt, whose means was carried out ("sought to stop X by launching Y");
#: a plan's ("aimed to secure X by seizing Y") is planned too.
_TRIED = re.compile(r"(?:sought|seeks|seeking|tried|tries|trying|attempted|attempts|attempting)"
                    r"(?:\s+to)?", re.IGNORECASE)


#: Words before a bare verb that make it no report of its own: "to retake", "help them
#: retake", "and withdraw", "would seize".
_NOT_REPORTED_BEFORE = frozenset(
    "to and or not n't never will would could can may might should must shall 'll let "
    "help helped helping make made making allow allowed enable enabled see saw watch "
    "heard hear let's cannot".split()
)
#: Nouns a present-tense report's subject ends in ("GNA forces retake ...").
_SUBJECT_NOUNS = frozenset(
    "forces troops army fighters militias militia units brigades rebels soldiers "
    "government".split()
)


def _headline_present(ex: _Extractor, sent: _Sentence, trig: _Trigger) -> bool:
    """Whether a bare verb is a headline's or a timeline's present, which the parse missed.

    "GNA forces repel the offensive, retake Tripoli suburb", "Forces loyal to the
    government in Tripoli retake Aziziya": the verb follows its subject's noun (or a
    comma after such a present verb), and nothing before it in its clause makes it a
    plan: no modal, "help" or "let" within six words, no "to" just before it.
    """
    doc = ex.doc
    t0 = trig.t0
    if doc.lower[t0] == "to":
        return False  # the trigger is an infinitive: "instructed the troops to storm X"
    c0, _ = doc.clause_bounds(sent, doc.clause_of(sent, t0))
    lo = max(c0, t0 - 6)
    before = doc.lower[lo:t0]
    if not before or any(w in _NOT_REPORTED_BEFORE for w in before if w != "to"):
        return False
    if "to" in before[-2:]:
        return False  # "to retake", "to quickly retake"
    # the subject's noun, or a party's name from the actor list ("... the LNA retake X")
    if before[-1] in _SUBJECT_NOUNS or any(
        m.end == doc.ends[t0 - 1] for m in ex.actor_mentions
    ):
        return True
    prev_text = ex.text[doc.starts[t0 - 1] : doc.ends[t0 - 1]]
    if prev_text[:1].isupper() and any(w in _SUBJECT_NOUNS for w in before[:-1]):
        return True  # "Forces loyal to the government in Tripoli retake X"
    # "GNA forces repel the offensive, retake X": the same subject's next act
    return before[-1] == "," and any(
        before[k - 1] in _SUBJECT_NOUNS and _base_form(before[k])
        for k in range(1, len(before) - 1)
    )


def _mood(ex: _Extractor, sent: _Sentence, trig: _Trigger, frame: _Frame | None) -> set[str]:
    """Return the cues governing a trigger: "denial", "negation", "irrealis", "future".

    An empty set is a plain report of a happening.

    Cues count in the trigger's clause, within ``cue_window`` tokens before it and
    after the attribution verb that introduces it (the speaker's own words are not
    the happening's modality).
    """
    doc = ex.doc
    clause = doc.clause_of(sent, trig.t0)
    c0, _ = doc.clause_bounds(sent, clause)
    first = max(c0, trig.t0 - ex.lex.cue_window)
    if frame is not None and frame.scope == "after" and frame.verb_end <= trig.t0:
        first = max(first, frame.verb_end)
    lo = doc.starts[min(first, trig.t0)]
    # a denial counts even before the attribution verb ("X denied reports that ...")
    lo_denial = doc.starts[min(max(c0, trig.t0 - ex.lex.cue_window), trig.t0)]
    # the verb that carries the trigger: "launched" in "launched an attack"
    head = trig.t0
    if trig.form == "noun":
        for m in ex.lex.support_before.finditer(
            ex.text, doc.starts[max(sent.t0, trig.t0 - 5)], trig.start
        ):
            head = min(head, doc.token_at(m.start()))
    # an attempt that was made ("tried to advance"): its cue and its "to" are no plan
    attempt_start = None
    ahead = doc.starts[max(sent.t0, head - 6)]
    attempt = _ATTEMPT.search(ex.text, ahead, doc.starts[head])
    if attempt is not None and doc.clause_of(sent, doc.token_at(attempt.start())) == clause:
        attempt_start = attempt.start()
    found: set[str] = set()
    for kind in ("denial", "negation", "irrealis", "future"):
        for s, e in ex.cues[kind]:
            if (lo_denial if kind == "denial" else lo) <= s and e <= trig.start:
                if attempt_start is not None and s >= attempt_start:
                    continue
                if doc.clause_of(sent, doc.token_at(s)) != clause:
                    continue
                if kind in ("negation", "irrealis") and syntax.cue_elsewhere(
                    ex, sent, trig.start, s
                ):
                    continue  # "families unable to leave, with shelling reported in X"
                if (
                    (kind == "negation" or (kind == "irrealis" and _TRIED.fullmatch(ex.text[s:e])))
                    and _MEANS.search(ex.text, e, trig.end)
                ):
                    continue  # "stopped the advance by launching a counter-attack": done
                if (
                    kind == "irrealis"
                    and trig.form == "noun"
                    and ex.text[s:e].lower() == "suspected"
                    and doc.token_at(s) >= trig.t0 - 3
                ):
                    continue  # "suspected LNA airstrikes on X killed 40": whose, not whether
                if (
                    kind == "negation"
                    and trig.rule_type == "deployment"
                    and _TRUCE.fullmatch(ex.text[s:e])
                ):
                    continue  # "mediated a truce, deploying its vehicles in X": deployed
                found.add(kind)
    if trig.form == "noun" and "future" not in found:
        # "heavy airstrikes on X will begin soon": the noun's own verb, after it
        k = trig.t1
        while k < min(sent.t1, trig.t1 + 8) and doc.lower[k] not in (",", ";", "."):
            k += 1
        if k > trig.t1 and any(
            trig.end <= cs and ce <= doc.ends[k - 1] for cs, ce in ex.cues["future"]
        ):
            found.add("future")
    if attempt_start is not None:
        found.add("attempt")
    # an infinitive: "to capture the city", "to launch an attack"
    elif (
        head - 1 >= sent.t0
        and doc.lower[head - 1] == "to"
        and not (head - 2 >= sent.t0 and doc.lower[head - 2] in _TO_PREPOSITION)
        and not _done_to(doc.lower, sent.t0, head - 1)
    ):
        found.add("irrealis")
    # ongoing background: "after months of fighting", "have been exchanging fire for weeks"
    near_before = ex.text[doc.starts[max(sent.t0, head - 4)] : trig.start]
    opening = ex.text[sent.start : sent.end].split(",", 1)
    if _LONG_BEFORE.search(near_before) or _SINCE_START.search(
        ex.text, doc.starts[max(sent.t0, head - 9)], trig.start
    ):
        found.add("background")
    elif (
        len(opening) == 2
        and _FOR_LONG.match(opening[0].strip())
        and _PERFECT_ANYWHERE.search(opening[1])
    ):
        found.add("background")  # "For over seven months, the LNA has been leading a campaign"

    elif _PERFECT_PROGRESSIVE.search(
        ex.text, doc.starts[max(sent.t0, head - 4)], doc.starts[head] + len(doc.lower[head])
    ) and doc.lower[head].endswith("ing"):
        _, c1 = doc.clause_bounds(sent, clause)
        c0, _ = doc.clause_bounds(sent, clause)
        if _FOR_LONG.search(ex.text, doc.starts[c0], doc.ends[c1 - 1]):
            found.add("background")
    # a bare verb ("and withdraw", "would strengthen") reports no happening by itself
    if (
        trig.form == "verb"
        and not found
        and all(_base_form(tok) for tok in doc.lower[trig.t0 : trig.t1])
        # "has come under fire": a participle that looks like the base form
        and not (trig.t0 - 1 >= sent.t0 and doc.lower[trig.t0 - 1] in _PERFECT_AUX)
        and not (
            trig.t0 - 1 >= sent.t0
            and doc.lower[trig.t0 - 1] == "to"
            and _done_to(doc.lower, sent.t0, trig.t0 - 1)
        )
        # "government forces retake Aziziya": a present tense with its subject (parse)
        and not syntax.present_report(ex, sent, trig)
        and not _headline_present(ex, sent, trig)
    ):
        found.add("irrealis")
    if _reported_then_denied(ex, sent, trig):
        found.add("denial")  # "reports of the shelling of X are not true, the ministry said"
    if "future" in found:
        # "will send troops if asked": a condition after the trigger, same clause
        _, c1 = doc.clause_bounds(sent, clause)
        if _CONDITION.search(ex.text, trig.end, doc.ends[c1 - 1]):
            found.add("irrealis")
    return found
