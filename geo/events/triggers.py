"""Stage 2: trigger words found and typed (nouns need support, generic words an instrument)."""

from __future__ import annotations

import bisect
import re
from typing import TYPE_CHECKING

from . import modality, roles, syntax
from ._rules import (
    _DAYS_APART,
    _DETERMINERS,
    _FORCE_WORDS,
    _LOCATIVE,
    _NP_WORDS,
    _PASSIVE_AUX,
    _POSITION_NOUNS,
    _SUBJECT_INSTRUMENT,
    _WEAK_SUPPORT,
    _is_deadline,
)
from .lexicon import _PhraseSet
from .merging import _RELATIVE_OPENERS
from .sentences import _Sentence
from .state import _Candidate, _Trigger

if TYPE_CHECKING:
    from .extractor import _Extractor


def _spans(ex: _Extractor, phrases: _PhraseSet) -> list[tuple[int, int]]:
    return phrases.spans(ex.doc)


def _in(spans: list[tuple[int, int]], sent: _Sentence) -> list[tuple[int, int]]:
    lo = bisect.bisect_left(spans, (sent.start, -1))
    hi = bisect.bisect_left(spans, (sent.end, -1))
    return spans[lo:hi]


def _inside_actor(ex: _Extractor, start: int, end: int) -> bool:
    i = bisect.bisect_right(ex._actor_starts, start) - 1
    return i >= 0 and ex.actor_mentions[i].end >= end


def _find_triggers(ex: _Extractor) -> list[_Trigger]:
    found: list[_Trigger] = []
    for rule in ex.lex.triggers:
        for start, end in rule.pattern.spans(ex.doc):
            t0 = ex.doc.token_at(start)
            t1 = max(t0 + 1, ex.doc.token_at(end - 1) + 1)
            found.append(
                _Trigger(rule.type, rule.form, rule.refine, rule.place, start, end, t0, t1,
                         rule.announced, rule.agent)
            )  # fmt: skip
    # overlapping matches: the longest wins, then the earlier rule
    found.sort(key=lambda t: (t.start, -(t.end - t.start)))
    kept: list[_Trigger] = []
    for trig in found:
        if kept and trig.start < kept[-1].end:
            if trig.end - trig.start > kept[-1].end - kept[-1].start:
                kept[-1] = trig
            continue
        kept.append(trig)
    return kept


def _in_sentence(ex: _Extractor, pattern: _PhraseSet, sent: _Sentence) -> bool:
    return pattern.search(ex.text, sent.start, sent.end) is not None


def _undated_aside(ex: _Extractor, sent: _Sentence, trig: _Trigger) -> bool:
    """An event placed only "days after" or "weeks before" another, with no date of its own."""
    doc = ex.doc
    before = ex.text[doc.starts[max(sent.t0, trig.t0 - 10)] : trig.start]
    if not _DAYS_APART.search(before):
        return False
    clause = doc.clause_of(sent, trig.t0)
    return not any(
        sent.start <= m.start < sent.end and not _is_deadline(m)
        and doc.clause_of(sent, doc.token_at(m.start)) == clause
        for m in ex.dates
    )  # fmt: skip


def _modifier(ex: _Extractor, sent: _Sentence, trig: _Trigger) -> bool:
    """A participle used as an adjective: "the retreating forces", "its advancing units"."""
    word = ex.doc.lower[trig.t0]
    if trig.t1 - trig.t0 > 1 or not word.endswith(("ing", "ed")):
        return False
    prev = ex.doc.lower[trig.t0 - 1] if trig.t0 > sent.t0 else ""
    if prev in _DETERMINERS:
        return True
    # "the large and fortified city of X": an adjective of a noun after it (parse)
    parsed = ex.parses.get(sent.index)
    if parsed is None or prev not in ("and", ",", "heavily", "well", "newly", "hastily"):
        return False
    token = syntax._token(parsed, sent, trig.start)
    if token.dep_ == "conj" and token.head.dep_ == "amod":
        token = token.head  # "large and fortified": the first adjective's noun
    return bool(token.dep_ == "amod" and token.head.pos_ in ("NOUN", "PROPN")
                and token.head.i > token.i)


#: Auxiliaries after a plural "-s" form that make it a noun, the subject of its own verb.
_SUBJECT_AUX = frozenset("have had were are was is".split())


def _noun_of_verb(ex: _Extractor, sent: _Sentence, trig: _Trigger) -> bool:
    """Whether a verb trigger's word is the noun.

    "military advances have been stymied", "statements on the army's advances", "their
    advances": a plural before an auxiliary, or after an owner or a determiner.
    """
    word = ex.doc.lower[trig.t0]
    if not (
        trig.form == "verb"
        and trig.t1 - trig.t0 == 1
        and word.endswith("s")
        and not word.endswith("ss")
    ):
        return False
    if trig.t1 < sent.t1 and ex.doc.lower[trig.t1] in _SUBJECT_AUX:
        return True
    prev = ex.doc.lower[trig.t0 - 1] if trig.t0 > sent.t0 else ""
    return prev in _NOUN_DETERMINERS or prev.endswith(("’s", "'s"))


#: Words before a plural that make it a noun ("the advances", "their pushes").
_NOUN_DETERMINERS = frozenset("the its their his her our these those such".split())


def _armed_subject(ex: _Extractor, sent: _Sentence, trig: _Trigger) -> bool:
    """Whether armed forces come before a trigger in its clause (its likely subject)."""
    doc = ex.doc
    clause = doc.clause_of(sent, trig.t0)
    c0, _ = doc.clause_bounds(sent, clause)
    lo = max(c0, trig.t0 - 12)
    if any(doc.lower[i] in _FORCE_WORDS for i in range(lo, trig.t0)):
        return True
    # "the LNA left Sirte", not "Haftar left Benghazi for talks" (a person travels)
    return any(
        ex.text[m.start : m.end].isupper()
        for m in roles._actors_between(ex, doc.starts[lo], trig.start)
    )


def _takes_position(ex: _Extractor, trig: _Trigger) -> bool:
    """Whether a capture verb's object is a position, not a place ("overran a checkpoint")."""
    doc = ex.doc
    for i in range(trig.t1, min(len(doc.lower), trig.t1 + 5)):
        tok = doc.lower[i]
        if tok in _POSITION_NOUNS:
            return True
        if tok in _LOCATIVE or tok in (",", ".", ";", "of", "and"):
            return False
    return False


def _type_of(ex: _Extractor, sent: _Sentence, trig: _Trigger) -> str | None:
    if not trig.refine:
        return trig.rule_type
    doc = ex.doc
    lo = doc.starts[max(sent.t0, trig.t0 - 12)]
    hi = doc.ends[min(sent.t1, trig.t1 + 8) - 1]
    if doc.lower[trig.t0] in _SUBJECT_INSTRUMENT:
        # "drones destroyed a radar" (the subject), not "destroyed a drone" (the object);
        # in the passive the instrument follows ("was destroyed by a drone")
        passive = trig.t0 > sent.t0 and doc.lower[trig.t0 - 1] in _PASSIVE_AUX
        if passive:
            lo = trig.start
        else:
            hi = trig.start
    for kind, pattern in ex.lex.instruments:
        if any(not _in_support(ex.text, m.start()) for m in pattern.finditer(ex.text, lo, hi)):
            if kind == "shelling" and _drone_missile(ex, sent, lo, hi):
                return "airstrike"  # "missiles targeting the airport" after a drone strike
            return kind
    far = _instrument_phrase(ex, sent, trig)
    if far is not None:
        return far
    told = _one_of_those(ex, sent, trig)
    if told is not None:
        return told
    if trig.rule_type is None and trig.form == "verb":
        return _neighbour_instrument(ex, sent, trig) or _ground_fire(ex, sent, trig)
    return trig.rule_type


#: Ground troops as the subject of a strike verb: their fire is from the ground.
_GROUND_UNITS = frozenset("units troops soldiers infantry gunners batteries artillery".split())


def _ground_fire(ex: _Extractor, sent: _Sentence, trig: _Trigger) -> str | None:
    """"shelling" when ground troops, no aircraft named, are what "targeted" or "hit".

    "army units pursued the fleeing fighters and targeted their positions in X": fire
    from the ground. The subject is looked for in the 16 words before the verb.
    """
    doc = ex.doc
    if trig.t0 > sent.t0 and doc.lower[trig.t0 - 1] in _PASSIVE_AUX:
        return None  # "positions were targeted": by whom, untold
    words = doc.lower[max(sent.t0, trig.t0 - 16) : trig.t0]
    if not any(w in _GROUND_UNITS for w in words):
        return None
    return "shelling"


#: What comes before an instrument that only backs the act: "forces supported by Russian
#: airstrikes launched an assault", "an advance under cover of drones".
_SUPPORT_BEFORE = re.compile(
    r"(?:\b(?:backed|supported|covered|aided|helped|assisted|accompanied)\s+by"
    r"|\bunder\s+(?:the\s+)?cover\s+of|\bwith\s+(?:the\s+)?(?:help|support|backing)\s+of)"
    r"\s+(?:[\w-]+\s+){0,2}\Z",
    re.IGNORECASE,
)


def _in_support(text: str, start: int) -> bool:
    """Whether the instrument word at ``start`` names support, not what struck."""
    return _SUPPORT_BEFORE.search(text, max(0, start - 50), start) is not None


def _one_of_those(ex: _Extractor, sent: _Sentence, trig: _Trigger) -> str | None:
    """The type of the strikes a "one", "the other" or "a third" subject points back to.

    "The air force launched two airstrikes; one attacked the base and the other attacked
    the Orban area", "two airstrikes targeted the airport, and a third one targeted
    troops in X": each is one of the strikes told before it (in the sentence or the one
    before), the nearest trigger before it that is not another such "one".
    """
    if not _ordinal_subject(ex, sent, trig):
        return None
    first = ex.doc.sentences[max(0, sent.index - 1)].start
    for other in reversed(ex.triggers):
        if not first <= other.start < trig.start:
            continue
        if other.form == "verb" and _ordinal_subject(ex, ex.doc.sentence_of(other.start), other):
            continue  # "one attacked X and the other attacked Y": the same strikes
        if other.form == "verb" and other.refine and other.rule_type is None:
            continue  # "two airstrikes targeting X; one ...": the strikes' own verb
        if other.form == "noun" and other.rule_type in _STRIKE_KINDS and not other.refine:
            return other.rule_type
        return None
    return None


def _ordinal_subject(ex: _Extractor, sent: _Sentence | None, trig: _Trigger) -> bool:
    """Whether a verb's subject is "one", "the other", "another", "a third (one)"."""
    if sent is None:
        return False
    doc = ex.doc
    k = trig.t0 - 1
    while k >= sent.t0 and doc.lower[k] in _PASSING:
        k -= 1
    if k < sent.t0:
        return False
    if doc.lower[k] == "one":
        return True
    return doc.lower[k] in _ORDINAL_SUBJECTS


#: Words a "one of them" subject may stand with: "the other", "a second", "another".
_ORDINAL_SUBJECTS = frozenset(
    "other another second third fourth first last latter former".split()
)
_PASSING = frozenset("reportedly also then later allegedly".split())
_STRIKE_KINDS = frozenset({"airstrike", "shelling"})


def _instrument_phrase(ex: _Extractor, sent: _Sentence, trig: _Trigger) -> str | None:
    """An instrument named by "with", "using" or "by" later in the trigger's clause.

    "targeted the X area in the Y district with artillery shells": the phrase names
    what struck, however long the object before it. "backed by air strikes" names
    support, not the instrument.
    """
    doc = ex.doc
    clause = doc.clause_of(sent, trig.t0)
    _, c1 = doc.clause_bounds(sent, clause)
    end = doc.ends[c1 - 1]
    for m in _INSTRUMENT_PREPOSITION.finditer(ex.text, trig.end, end):
        stop = min(end, m.end() + 40)
        for kind, pattern in ex.lex.instruments:
            found = pattern.search(ex.text, m.end(), stop)
            if found is not None and not _INSTRUMENT_PREPOSITION.search(
                ex.text, m.end(), found.start()
            ):
                return kind
    return None


_INSTRUMENT_PREPOSITION = re.compile(
    r"\b(?:with|using|(?<!backed )(?<!supported )(?<!covered )(?<!accompanied )(?<!helped )by)\b",
    re.IGNORECASE,
)


#: Indirect-fire words other than "missile": with one of them it is shelling.
_GROUND_FIRE = re.compile(
    r"\b(?:artillery|rockets?|mortars?|shells?|shelling|shelled|grads?|katyushas?|"
    r"howitzers?|projectiles?|grenades?)\b",
    re.IGNORECASE,
)
_MISSILE = re.compile(r"\bmissiles?\b", re.IGNORECASE)


def _drone_missile(ex: _Extractor, sent: _Sentence, lo: int, hi: int) -> bool:
    """Whether the only fire named is a missile, and aircraft are named beside it.

    Drones and jets fire missiles too: "a drone struck the airport ... witnesses
    reported missiles hitting it" is an airstrike told again.
    """
    if not _MISSILE.search(ex.text, lo, hi) or _GROUND_FIRE.search(ex.text, lo, hi):
        return False
    air = dict(ex.lex.instruments).get("airstrike")
    if air is None:
        return False
    first = ex.doc.sentences[max(0, sent.index - 1)]
    return air.search(ex.text, first.start, sent.end) is not None


def _neighbour_instrument(ex: _Extractor, sent: _Sentence, trig: _Trigger) -> str | None:
    """The one kind of instrument the sentences beside a bare strike verb name.

    "One ambulance was struck, killing a doctor. A second was then struck by shelling":
    the paragraph says what struck; when its neighbours name two kinds, none. When they
    name none, the article may: a report that names only aircraft (or only artillery)
    tells what "struck" and "hit" mean in it. Words of damage ("killed", "destroyed")
    take no type from so far away: they follow any kind of attack; nor does a verb whose
    sentence names what hit ("hit by shrapnel").
    """
    kinds = set()
    for k in (sent.index - 1, sent.index + 1):
        if not 0 <= k < len(ex.doc.sentences):
            continue
        other = ex.doc.sentences[k]
        if other.paragraph != sent.paragraph:
            continue
        for kind, pattern in ex.lex.instruments:
            if pattern.search(ex.text, other.start, other.end):
                kinds.add(kind)
    passive_agent = trig.t1 < sent.t1 and ex.doc.lower[trig.t1] == "by"
    if not kinds and ex.doc.lower[trig.t0] not in _DAMAGE_WORDS and not passive_agent:
        if ex.article_instruments is None:  # once per article: the whole text is read
            ex.article_instruments = frozenset(
                kind for kind, pattern in ex.lex.instruments if pattern.search(ex.text)
            )
        kinds = set(ex.article_instruments)
    return kinds.pop() if len(kinds) == 1 else None


#: Generic verbs of damage: they take an instrument from their paragraph only.
_DAMAGE_WORDS = frozenset(
    "killed killing destroyed destroying blown blew blowing crashed smashed".split()
)


#: Words that end the noun phrase a supporting verb takes: a noun after them is no object.
_NOT_IN_OBJECT = frozenset("due because since from after before against by".split())


#: Modal words between a noun and its verb: the verb tells no happening.
_MODALS = frozenset("could might may would will should must can shall".split())


def _supported(ex: _Extractor, sent: _Sentence, trig: _Trigger, *, parse: bool = True) -> str:
    """How a noun trigger is supported: "strong", "weak" or "" (not at all).

    "weak": only a preposition ("after the attack", "amid clashes") stands by it;
    such a noun often points back to an event told before. ``parse``: when the words
    around it do not support it, the parse may (the noun is the subject of a verb
    telling a past happening, "Earlier clashes between ..., who ..., continued Tuesday").
    """
    doc = ex.doc
    lo = doc.starts[max(sent.t0, trig.t0 - 6)]
    weak = False
    for m in ex.lex.support_before.finditer(ex.text, lo, trig.start):
        between = doc.lower[doc.token_at(m.end()) : trig.t0]
        # "the start of the month due to attacks": the verb's noun phrase ends first
        if not any(t in (".", ";", ",") or t in _NOT_IN_OBJECT for t in between):
            if m.group(0).lower() in _WEAK_SUPPORT:
                weak = True
            else:
                return "strong"
    # after the noun, up to the next punctuation ("An airstrike on a school in X killed ...")
    hi_tok = trig.t1
    while hi_tok < min(sent.t1, trig.t1 + 10) and doc.lower[hi_tok] not in (",", ";", "."):
        hi_tok += 1
    hi = doc.ends[hi_tok - 1] if hi_tok > trig.t1 else trig.end
    after = ex.lex.support_after.search(ex.text, trig.end, hi)
    if after is not None and not any(
        w in _MODALS for w in doc.lower[trig.t1 : doc.token_at(after.start())]
    ):
        return "strong"  # "clashes erupted in X", not "clashes could spread to X"
    # past a relative clause set off by commas: "A drone strike on the town hall in X,
    # where elders had gathered, killed 40 people"
    if (
        hi_tok + 1 < sent.t1
        and doc.lower[hi_tok] == ","
        and doc.lower[hi_tok + 1] in _RELATIVE_OPENERS
    ):
        k = hi_tok + 2
        while k < min(sent.t1, hi_tok + 16) and doc.lower[k] not in (",", ";", "."):
            k += 1
        if k + 1 < sent.t1 and doc.lower[k] == ",":
            end = min(sent.t1, k + 4)
            if (
                ex.lex.support_after.search(ex.text, doc.starts[k + 1], doc.ends[end - 1])
                is not None
            ):
                return "strong"
    if not weak and _present_verb(ex, sent, trig):
        return "strong"  # "Sep. 14, the X Brigade clashes with rebels in Y": a digest's verb
    if not weak and _coordinated_with_supported(ex, sent, trig):
        return "strong"
    if modality._reported_then_denied(ex, sent, trig):
        return "strong"  # "the information about the shelling of X is not true": denied
    if not weak and parse and syntax.noun_support(ex, sent, trig):
        return "strong"
    return "weak" if weak else ""


def _present_verb(ex: _Extractor, sent: _Sentence, trig: _Trigger) -> bool:
    """Whether a plural noun trigger is a present verb after its subject ("clashes with").

    Digests and headlines write "the brigade clashes with militants in X": the word
    follows an actor's name or a word for forces and is followed by "with".
    """
    doc = ex.doc
    if trig.t1 - trig.t0 != 1 or not doc.lower[trig.t0].endswith("es"):
        return False
    if trig.t1 >= sent.t1 or doc.lower[trig.t1] != "with" or trig.t0 <= sent.t0:
        return False
    prev = doc.lower[trig.t0 - 1]
    return prev in _FORCE_WORDS or any(m.end == doc.ends[trig.t0 - 1] for m in ex.actor_mentions)


def _coordinated_with_supported(ex: _Extractor, sent: _Sentence, trig: _Trigger) -> bool:
    """Whether a noun is joined ("and", "coupled with", ...) to a supported noun before it.

    "sources reported skirmishes in X and an attack on a checkpoint near Y": the
    attack shares the reporting verb; so do "airstrikes" in "clashes erupted in X,
    coupled with airstrikes".
    """
    doc = ex.doc
    j = trig.t0 - 1
    while j > sent.t0 and doc.lower[j] in _DETERMINERS:
        j -= 1
    link = 0
    for _ in range(3):  # "and artillery shelling", "with heavy drone strikes"
        if j <= sent.t0:
            return False
        link = next(
            (len(w) for w in _LINKS if tuple(doc.lower[j - len(w) + 1 : j + 1]) == w), 0
        )
        if link or not doc.lower[j].isalpha():
            break
        j -= 1
    if not link:
        return False
    j -= link - 1
    earlier = [
        t for t in ex.triggers
        if t.form == "noun" and sent.t0 <= t.t0 and t.t1 <= j and j - t.t1 <= 10
    ]  # fmt: skip
    if not earlier:
        return False
    prev = earlier[-1]
    gap = doc.lower[prev.t1 : j]
    if gap and gap[-1] == "," and doc.lower[j] != "and":
        gap = gap[:-1]  # "an assault on X on Monday, backed by air strikes"
    if any(tok in (",", ";", ".") for tok in gap):
        return False
    return prev is not trig and _supported(ex, sent, prev) == "strong"


#: words joining a noun to a happening told just before it: "clashes in X and an attack
#: on Y", "clashes in X coupled with airstrikes", "an assault backed by drone strikes"
_LINKS = tuple(
    tuple(words.split())
    for words in (
        "and", "as well as", "along with", "with", "coupled with", "accompanied by",
        "backed by", "supported by", "assisted by", "amid", "followed by", "including",
    )
)


def _trigger_between(ex: _Extractor, lo: int, hi: int, kind: str) -> bool:
    """Whether a trigger of another type stands between two tokens."""
    return any(lo <= t.t0 < hi and t.rule_type not in (kind, None) for t in ex.triggers)


def _own_phrase(ex: _Extractor, trig: _Trigger, cand: _Candidate) -> bool:
    """Whether a place stands in a noun's own phrase ("clashes in the town of X")."""
    words = ex.doc.lower[trig.t1 : cand.t0]
    if ex.doc.lower[trig.t1 - 1] in _LOCATIVE or ex.doc.lower[trig.t1 - 1] == "of":
        words = ["of", *words]  # "the fall of X": the trigger ends in its preposition
    if (
        not cand.anaphor
        and 0 < len(words) <= 5
        and words[0] in (*_LOCATIVE, "of")
        and all(w in _LOCATIVE or w in _NP_WORDS for w in words[1:] if w != "and")
        and "and" not in words
    ):
        return True
    # "during clashes against forces loyal to X in Y", "amid fighting between A and B
    # in Y": the sides' phrase stands between the noun and its place
    if cand.anaphor or not words or words[0] not in _SIDES_OPEN or len(words) > 16:
        return False
    k = trig.t1
    start_side = ex.doc.starts[k]
    covered = {
        j for m in ex.actor_mentions if m.start >= start_side and m.end <= ex.doc.starts[cand.t0]
        for j in range(ex.doc.token_at(m.start), ex.doc.token_at(m.end - 1) + 1)
    }
    place_word = max((j for j in range(k, cand.t0) if ex.doc.lower[j] in _LOCATIVE), default=None)
    if place_word is None or place_word == k:
        return False
    side_words = range(k + 1, place_word)
    placed = {
        j for m in ex.mentions if m.start >= start_side and m.end <= ex.doc.starts[cand.t0]
        for j in range(ex.doc.token_at(m.start), ex.doc.token_at(m.end - 1) + 1)
    }  # fmt: skip
    # a name no actor list holds ("Russian", "Wagner Group") is still a side's, not a place
    named = {
        j for j in side_words
        if j not in placed and ex.text[ex.doc.starts[j] : ex.doc.starts[j] + 1].isupper()
    }  # fmt: skip
    return all(
        j in covered or j in named or ex.doc.lower[j] in _SIDE_WORDS for j in side_words
    ) and all(
        ex.doc.lower[j] in _NP_WORDS for j in range(place_word + 1, cand.t0)
    )


#: Words opening the sides' phrase after a noun of fighting.
_SIDES_OPEN = frozenset({"against", "between", "with", "by"})
#: Words of a sides' phrase besides the actors' names.
_SIDE_WORDS = frozenset(
    "the and forces fighters troops militias militia units loyal to led by backed aligned "
    "allied with strongman commander marshal field general renegade military its their "
    "rival pro government mercenaries ’s 's".split()
)
