"""The extractor: the per-article state and the sentence-by-sentence run over the stages."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence

from ..actors import ActorTable
from ..model import Article, PlaceMention
from ..theatre import load_theatre
from . import attribution, casualties, dates, modality, places, roles, syntax, threats, triggers
from ._rules import (
    _ANAPHOR_PART,
    _BACKED,
    _EDGE_PARTS,
    _NOT_ANAPHORIC,
    _NOT_THERE,
    _NP_WORDS,
    _UNIT_WORD,
    _VIOLATED,
    _status_of,
)
from .casualties import _fold_casualty_reports
from .folding import _dedupe, _fold_headings, _fold_retold, _fold_rough, _fold_sites, _placed_again
from .lexicon import EventLexicon
from .sentences import _Doc, _Sentence
from .state import _Candidate, _Carry, _Context, _Draft, _Frame, _Trigger
from .tracing import drop as _drop
from .tracing import keep as _keep


class _Extractor:
    """One article being read: its text, mentions, cues, and the state carried between sentences."""

    def __init__(
        self: _Extractor,
        article: Article,
        mentions: Sequence[PlaceMention],
        actors: ActorTable,
        lexicon: EventLexicon,
    ) -> None:
        self.article = article
        self.text = article.text
        self.lex = lexicon
        self.actors = actors
        self.doc = _Doc(self.text)
        self.theatre = load_theatre()
        #: the party the outlet speaks for (its state media, say), or None
        self.outlet_party = self.theatre.party_of_outlet(article.outlet)
        # the countries whose places are event places: the lexicon's override, else the theatre's
        self.countries = lexicon.countries or frozenset(self.theatre.countries)
        self.published = article.published
        #: the publication date is unknown and ``published`` a stand-in (see
        #: ``output.extract_events``): nothing is background, relative to it
        self.undated = False
        # "Turkish-backed forces": the backer is not the one acting
        self.actor_mentions = [
            m for m in actors.find(self.text)
            if not _BACKED.match(self.text, m.end) and not _dateline_at(self.text, m.start, m.end)
        ]  # fmt: skip
        self._actor_starts = [m.start for m in self.actor_mentions]
        if self.outlet_party is None:
            # "Source: Name, Head of the Regional Military Administration": a report resting
            # on one party's official says on its own word what that party says
            self.outlet_party = attribution._source_line_party(self)
        self.mentions = places._usable_mentions(self, mentions)
        # countries named: a state speaking is a party ("Azerbaijan said it took X")
        self.country_mentions = [
            m for m in mentions if m.place is not None and m.place.kind == "country"
        ]  # fmt: skip
        self._mention_starts = [m.start for m in self.mentions]
        self.cues = {k: triggers._spans(self, p) for k, p in lexicon.cues.items()}
        # "violated the truce by shelling X": a broken ceasefire negates nothing
        self.cues["negation"] = [
            (s, e) for s, e in self.cues["negation"]
            if not _VIOLATED.search(self.text, max(0, s - 40), s)
        ]  # fmt: skip
        self.threat = {k: triggers._spans(self, p) for k, p in lexicon.threat.items()}
        self.anaphors = []
        self.anaphor_near: set[int] = set()
        #: the kinds of instrument the whole text names (found when first asked)
        self.article_instruments: frozenset[str] | None = None
        for s in triggers._spans(self, lexicon.place_anaphors):
            if self.text[s[0] : s[1]].lower() == "there" and _NOT_THERE.match(self.text, s[1]):
                continue
            if _NOT_ANAPHORIC.match(self.text, s[1]):
                part = _ANAPHOR_PART.match(self.text, s[1])
                if part is None:
                    continue
                if part.group("part").lower() in _EDGE_PARTS:
                    self.anaphor_near.add(s[0])
            self.anaphors.append(s)
        self.triggers = triggers._find_triggers(self)
        self.dates = dates._find_dates(self)
        self.parses = syntax.parse(self)  # sentences that can hold an event
        self.according = triggers._spans(self, lexicon.according_to)
        self.speech = triggers._spans(self, lexicon.attribution_verbs)
        self.units = attribution._learn_units(self) if _UNIT_WORD.search(self.text) else {}
        self.carry = _Carry()  # what each sentence leaves for the next
        self.trace: list[str] | None = None  # the rule path, when explaining
        self.traced: set[int] = set()  # the sentences the trace has printed


#: What follows a dateline's city: ", Libya", "(AP)", then a dash or a colon.
_DATELINE_TAIL = re.compile(r"(?:,[^\n,.]{1,30}?)?\s*(?:\([\w .-]{1,20}\)\s*)?[-–—:]")


def _dateline_at(text: str, start: int, end: int) -> bool:
    """Whether a name is a dateline ("CAIRO - Libyan officials say").

    It says where the story is filed from, not a party speaking or acting (a capital's
    name also names its government).
    """
    name = text[start:end]
    if not (name.isupper() and len(name) > 2):
        return False
    line_start = text.rfind("\n", 0, start) + 1
    if text[line_start:start].strip(" *_#>"):
        return False
    return _DATELINE_TAIL.match(text, end) is not None


#: An endnote: "[1] ...", "[12] ...": the titles and dates of the sources cited.
_NOTE = re.compile(r"\s*\[\d{1,3}\]")
#: What a cited source carries: a year or an address.
_CITED = re.compile(r"\b(?:19|20)\d\d\b|https?://|\bwww\.")

#: A sentence this long (tokens) met again word for word is the page repeating itself.
_REPEAT_TOKENS = 8


def run(ex: _Extractor) -> list[_Draft]:
    """Read the article sentence by sentence and return its drafts, folded.

    Everything one sentence leaves for the next is in ``ex.carry`` (:class:`_Carry`).
    """
    carry = ex.carry
    ex.mentions = places._placed_in(ex, ex.mentions)
    drafts: list[_Draft] = []
    seen: set[str] = set()
    for sent in ex.doc.sentences:
        if sent.t1 - sent.t0 >= _REPEAT_TOKENS:
            words = " ".join(ex.doc.lower[sent.t0 : sent.t1])
            if words in seen:
                continue  # a page that repeats its text tells its happenings once
            seen.add(words)
        if _NOTE.match(ex.text, sent.start) and _CITED.search(ex.text, sent.start, sent.end):
            continue  # '[1] "Houthis attack X," Outlet, 14 February 2020': a source cited
        if sent.paragraph != carry.paragraph:
            for span in carry.para_days:
                if dates._recent(ex, span) and (
                    carry.story_span is None or span.date > carry.story_span.date
                ):
                    carry.story_span = span  # the latest day the story has reached
            carry.paragraph, carry.para_span, carry.para_days = sent.paragraph, None, []
        frames = attribution._frames(ex, sent)
        if not frames and _opens_quote(ex, sent):
            frames = _quote_speaker(ex, sent, carry)
        opening = dates._opening_date(ex, sent)
        context = _Context(
            sent, frames, carry.prev_drafts, carry.prev_sentence, opening, carry.para_span,
            carry.story_span,
        )  # fmt: skip
        if opening is not None and opening.kind == "point":
            # "The same day, ...": a day told from the happening before is read from it
            carry.para_span = context.para_span = dates._span_of(ex, context, opening)
        prev_drafts = carry.prev_drafts
        these = _sentence_events(ex, context)
        these += threats._threats(ex, context)
        these = _dedupe(these)
        if these and prev_drafts:
            drafts = _placed_again(ex, sent, these, prev_drafts, drafts)
        if these and any(f.unit for f in frames if f.speaker.kind == "other"):
            attribution._infer_unit_sides(ex, sent, frames, these)
        if these or prev_drafts:
            casualties._casualties(ex, sent, these, prev_drafts)
        source = attribution._statement_source(ex, sent) if not these else None
        if not these and prev_drafts:
            denier = modality._denies_previous(ex, sent)
            if denier is not None:  # "... flew jets to X. Moscow denied it."
                for d in prev_drafts:
                    d.status, d.claimed_by = "denied", denier
            elif source is not None and source.kind == "party":
                # "... fired four missiles at X. This came in a statement by the spokesman
                # of Y.": what was told is that party's claim
                for d in prev_drafts:
                    if d.status == "reported":
                        d.status, d.claimed_by = _status_of(source)
                        if ex.trace is not None:
                            ex.trace.append(
                                f"status of {d.type} at {d.place.name} (sentence "
                                f"{sent.index}): claimed by {d.claimed_by}, the source "
                                f"sentence {sent.index + 1} names"
                            )
        if (these or prev_drafts) and triggers._in_sentence(ex, ex.lex.unconfirmed, sent):
            for d in these + (prev_drafts if carry.prev_sentence is not None else []):
                if d.status in ("claimed", "reported"):
                    d.status = "unconfirmed"
        for d in these:
            if d.span.precision == "day" and d.span.date_end is None:
                carry.para_span = d.span  # undated sentences after it follow the story
                carry.para_days.append(d.span)
        speakers = [f.speaker for f in frames if f.speaker.kind != "other"]
        if source is not None and source.kind != "other":
            speakers.append(source)
        if speakers:
            carry.last_speaker = speakers[-1]
        # a quotation ending the sentence with its speaker: a quoted sentence after it is
        # the same speaker's
        closes = ex.text[sent.start : sent.end].rstrip(" .")
        carry.prev_quote_speaker = (
            speakers[-1] if speakers and (_opens_quote(ex, sent) or closes[-1:] in _QUOTES)
            else None
        )  # fmt: skip
        carry.prev_party = next((f for f in reversed(speakers) if f.kind == "party"), None)
        drafts += these
        carry.prev_drafts = these
        carry.prev_sentence = sent
    drafts = _fold_rough(ex, _fold_headings(ex, drafts))
    return _fold_retold(_fold_sites(_fold_casualty_reports(drafts)))


def _present_state(ex: _Extractor, sent: _Sentence, trig: _Trigger) -> bool:
    """Whether a deployment participle tells where forces are ("troops are stationed")."""
    doc = ex.doc
    if trig.form != "verb" or not doc.lower[trig.t0].endswith("ed"):
        return False
    k = trig.t0 - 1
    while k >= sent.t0 and doc.lower[k] in ("still", "now", "currently", "already", "also"):
        k -= 1
    return k >= sent.t0 and doc.lower[k] in ("is", "are")


#: Happenings a party announcing them for the future threatens.
_THREATENED = frozenset({"airstrike", "shelling", "ground_attack", "capture"})


_OPEN_QUOTES = frozenset('"“')
_QUOTES = frozenset('"“”')


def _opens_quote(ex: _Extractor, sent: _Sentence) -> bool:
    """Whether a sentence is quoted speech: it opens with a quotation mark."""
    return ex.text[sent.start : sent.start + 1] in _OPEN_QUOTES


def _quote_speaker(ex: _Extractor, sent: _Sentence, carry: _Carry) -> list[_Frame]:
    """The speaker of a quoted sentence that names none.

    '"Forces shelled X overnight. Our troops hold the line," the ministry said.': the
    quotation closes in a later sentence of the paragraph, whose speaker says it all;
    '"X," the ministry said. "Our troops also took Y."': a quotation told on after its
    speaker is the same speaker's.
    """
    text = ex.text[sent.start : sent.end]
    if sum(ch in _QUOTES for ch in text) % 2 == 1:  # the quotation runs on
        for k in range(sent.index + 1, min(len(ex.doc.sentences), sent.index + 4)):
            nxt = ex.doc.sentences[k]
            if nxt.paragraph != sent.paragraph:
                break
            later = attribution._frames(ex, nxt)
            if later and sum(ch in _QUOTES for ch in ex.text[nxt.start : nxt.end]) % 2 == 1:
                f = later[0]
                return [_Frame(f.verb_start, f.verb_end, f.phrase, f.speaker, "sentence")]
    prev = carry.prev_sentence
    if prev is not None and prev.paragraph == sent.paragraph and carry.prev_quote_speaker:
        speaker = carry.prev_quote_speaker
        return [_Frame(sent.t1, sent.t1, (sent.t1, sent.t1), speaker, "sentence")]
    return []


def _sentence_events(ex: _Extractor, ctx: _Context) -> list[_Draft]:
    sent = ctx.sentence
    out: list[_Draft] = []
    question = ex.text[sent.start : sent.end].rstrip().rstrip('"”’').endswith("?")
    weak: set[int] = set()
    for trig in ex.triggers:
        if not (sent.start <= trig.start < sent.end):
            continue
        if triggers._noun_of_verb(ex, sent, trig):
            trig = dataclasses.replace(trig, form="noun")  # "advances have stalled"
        kind = triggers._type_of(ex, sent, trig)
        if kind is None or question:
            _drop(
                ex,
                trig,
                "question" if question else "generic word with no instrument named near it",
            )
            continue
        support = triggers._supported(ex, sent, trig) if trig.form == "noun" else "strong"
        if not support:
            _drop(ex, trig, "noun with no supporting verb")
            continue
        if trig.form == "verb" and triggers._modifier(ex, sent, trig):
            _drop(ex, trig, "participle modifying a noun")
            continue  # "the retreating militias", "an advancing column"
        if kind == "deployment" and _present_state(ex, sent, trig):
            _drop(ex, trig, "a state told in the present ('troops are deployed'), no happening")
            continue  # "the area where the army's troops are deployed"
        if kind == "deployment" and syntax.describes_target(ex, sent, trig):
            _drop(ex, trig, "describes another trigger's target (parse)")
            continue  # "warplanes targeting forces deployed in X"
        if syntax.background_clause(ex, sent, trig):
            _drop(ex, trig, "background: past perfect in a relative or 'after' clause (parse)")
            continue  # "militias that had captured X last year attacked Y"
        if trig.agent and not triggers._armed_subject(ex, sent, trig):
            _drop(ex, trig, "agent verb without armed forces as subject")
            continue  # "cadets gathered", "residents fled"
        frame = attribution._frame_for(ex, ctx.frames, trig.t0)
        mood = modality._mood(ex, sent, trig, frame)
        speaker = frame.speaker if frame else None
        if "background" in mood:
            _drop(ex, trig, "background: ongoing for long")
            continue  # "have been exchanging fire for weeks", "after months of fighting"
        if "attempt" in mood and kind in ("capture", "ground_attack"):
            kind = "ground_attack"  # "tried to advance on X": the attack happened
        elif "attempt" in mood:
            _drop(ex, trig, "an attempt at a strike or a move is not one")
            continue  # "drones that attempted to conduct airstrikes on X were shot down"
        elif kind == "capture" and trig.place != "before" and triggers._takes_position(ex, trig):
            kind = "ground_attack"  # "overran an LNA checkpoint near X"
        party = speaker is not None and speaker.kind == "party"
        negated = bool(mood & {"negation", "denial"})
        if "irrealis" in mood:
            _drop(ex, trig, "irrealis: plan, possibility, condition or purpose")
            continue  # a plan, a possibility, a condition, a purpose
        if (
            "future" in mood and party and not negated and not trig.announced
            and kind in _THREATENED and not any(d.type == "threat" for d in out)
        ):
            # "Haftar's forces will begin heavy airstrikes on X, a commander said": a
            # party declaring what it will do to a place threatens it
            kind = "threat"
        elif "future" in mood and not (trig.announced and party and not negated):
            _drop(ex, trig, "future, not an announcement by a party")
            continue
        if "negation" in mood and "denial" not in mood and not party:
            _drop(ex, trig, "negated on the outlet's word")
            continue  # it did not happen, on the outlet's word
        status, claimed_by = _status_of(speaker, ex.outlet_party)
        if negated:
            status = "denied"
            if not party:
                claimed_by = modality._denier(ex, sent, trig)
        found_places = places._places_for(ex, ctx, trig, kind)
        if support == "weak":
            # "after clashes in X" names its place; "after the attack" points back
            own = [(c, p) for c, p in found_places if triggers._own_phrase(ex, trig, c)]
            # ... and the names listed with it: "reinforcements toward A and B"
            found_places = [
                (c, p) for c, p in found_places
                if any(c is o for o, _ in own) or (c.coord_prev is not None and any(
                    o.t1 <= c.t0 and all(w in (",", "and") or w in _NP_WORDS
                                         for w in ex.doc.lower[o.t1 : c.t0])
                    for o, _ in own))
            ]  # fmt: skip
        if not found_places and (host := _repelled_back(ex, sent, trig, kind, out)):
            # "fighting broke out near X, but the brigade repelled the attack": the attack
            # is that fighting, at its place
            found_places = [(_Candidate(host.place, host.t0, host.t0 + 1, "loc", False, True),
                             host.geo_precision)]
        if not found_places:
            _drop(ex, trig, "no event place in its clause")
            continue
        if triggers._undated_aside(ex, sent, trig):
            _drop(ex, trig, "told only as days after another event")
            continue  # "the advance came days after forces overran X": when, untold
        span, ongoing = dates._date_for(ex, ctx, trig.t0, frame)
        if dates._is_background(ex, span, ongoing):
            _drop(ex, trig, f"background: dated {span.date.isoformat()}")
            continue
        actor, target = roles._actor_target(ex, sent, trig, kind, frame)
        casualty = (
            kind == "clash" and trig.form == "noun" and casualties._casualty_report(ex, sent, trig)
        )
        # "attacked" with no instrument named: an assault, unless it retells a strike
        bare_attack = trig.refine and trig.rule_type == kind == "ground_attack"
        # one happening, one day: "on 3 and 4 August, jets struck X" is two strikes
        days = dates._split_listed(ex, span)
        pairs = [(day, cp) for day in days for cp in found_places]
        if 1 < len(days) == len(found_places) and _respectively(ex, sent, trig):
            pairs = list(zip(days, found_places, strict=True))  # "A and B on 25 and 26 July"
        # "jets struck the airport in Tripoli, reportedly targeting a plane": a participle
        # naming no place after it tells more of the strike before it, not another one
        elaborates = (
            trig.form == "verb"
            and ex.doc.lower[trig.t1 - 1].endswith("ing")
            and all(c.t0 < trig.t0 for c, _ in found_places)
            and any(d.type == kind for d in out)
        )
        for day, (cand, precision) in pairs:
            _keep(ex, trig, cand, precision, day, status, claimed_by, kind)
            out.append(
                _Draft(kind, sent, trig.t0, cand.place, precision, day, actor, target,
                       status, claimed_by, casualty=casualty,
                       retold=bare_attack and cand.anaphor)
            )  # fmt: skip
            if ex.doc.lower[trig.t0].startswith("kill") or elaborates:
                weak.add(id(out[-1]))
    if len(weak) < len(out):
        # "a drone struck X, killing three": the killing is that strike's toll
        if ex.trace is not None:
            ex.trace.extend(
                f"folded {ex.text[ex.doc.starts[d.t0]:ex.doc.ends[d.t0]]!r} at "
                f"{d.place.name} (sentence {sent.index + 1}) into the happening told before "
                "it in the sentence"
                for d in out if id(d) in weak
            )  # fmt: skip
        out = [d for d in out if id(d) not in weak]
    return out


def _repelled_back(
    ex: _Extractor, sent: _Sentence, trig: _Trigger, kind: str, drafts: list[_Draft]
) -> _Draft | None:
    """The fighting told earlier in the sentence that "repelled the attack" points back to."""
    if trig.form != "noun" or kind != "ground_attack" or not drafts:
        return None
    doc = ex.doc
    if trig.t0 - 1 < sent.t0 or doc.lower[trig.t0 - 1] not in ("the", "this", "that"):
        return None
    if not roles._REPELLED.search(ex.text, doc.starts[max(sent.t0, trig.t0 - 6)], trig.start):
        return None
    earlier = [d for d in drafts if d.t0 < trig.t0 and d.type in ("clash", "ground_attack")]
    if len({d.place.place_id for d in earlier}) != 1:
        return None  # none, or several places: which one is not said
    return earlier[-1]


def _respectively(ex: _Extractor, sent: _Sentence, trig: _Trigger) -> bool:
    """Whether "respectively" pairs the listed places with the listed days after a trigger."""
    return "respectively" in ex.doc.lower[trig.t1 : sent.t1]
