"""Stage 6: who says so: speech frames, speakers, units and their sides."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from . import roles, triggers
from ._rules import (
    _AGAINST_OWN,
    _DETERMINERS,
    _LOCATIVE,
    _OTHER_BODY,
    _PARTY_MEDIA,
    _PERSON_NAME,
    _POSSESSIVE,
    _SPOKESMAN,
    _TITLE_WORDS,
    _UNIT_NAME,
    _UNIT_OWNER_AFTER,
    _UNIT_OWNER_BEFORE,
    _UNIT_PRONOUN,
    _name_key,
    _no_overlap,
    _skeleton,
    _unit_key,
)
from .sentences import _Sentence
from .state import _OTHER, _Context, _Draft, _Frame, _Speaker

if TYPE_CHECKING:
    from .extractor import _Extractor


def _event_subject(ex: _Extractor, sent: _Sentence, v0: int) -> bool:
    """Whether a reporting verb's subject is an event noun ("clashes (were) reported in")."""
    doc = ex.doc
    k = v0
    while k > sent.t0 and doc.lower[k - 1] in ("was", "were", "been", "being", "has", "have"):
        k -= 1
    return any(t.form == "noun" and t.t1 == k and t.t0 >= sent.t0 for t in ex.triggers)


def _frames(ex: _Extractor, sent: _Sentence) -> list[_Frame]:
    doc = ex.doc
    frames: list[_Frame] = []
    last_end = sent.t0
    for start, end in triggers._in(ex.according, sent):
        v0, v1 = doc.token_at(start), doc.token_at(end - 1) + 1
        p1 = v1
        while p1 < sent.t1 and doc.lower[p1] not in (",", ".", ";", "that"):
            p1 += 1
        phrase = (v1, min(p1, v1 + 12))
        frames.append(_Frame(v0, v1, phrase, _speaker(ex, phrase, sent), "sentence"))
    according = [f.phrase[1] for f in frames]
    inserted = {
        f.phrase[1] + 1: f.verb_start - 1 for f in frames
        if f.verb_start - 1 > sent.t0 and doc.lower[f.verb_start - 1] == ","
        and f.phrase[1] < sent.t1 and doc.lower[f.phrase[1]] == ","
    }  # fmt: skip
    for start, end in _no_overlap(triggers._in(ex.speech, sent)):
        v0, v1 = doc.token_at(start), doc.token_at(end - 1) + 1
        if v0 in inserted and last_end < inserted[v0]:
            # "A source in X, according to the agency, clarified that ...": the speaker
            # stands before the inserted attribution
            phrase = (last_end, inserted[v0])
            content = next((k + 1 for k in range(v1, min(sent.t1, v1 + 8))
                            if doc.lower[k] == "that"), v1)  # fmt: skip
            frames.append(_Frame(v0, v1, phrase, _speaker(ex, phrase, sent), "after", content,
                                 _unit_speaking(ex, phrase)))  # fmt: skip
            last_end = v1
            continue
        # "..., according to a paramedic, who said ...": the speaker's phrase starts after
        # the attribution before it
        last_end = max([last_end, *(p for p in according if p <= v0)])
        nxt = doc.lower[v1] if v1 < sent.t1 else "."
        prev = doc.lower[v0 - 1] if v0 > sent.t0 else ""
        if nxt in _LOCATIVE and _event_subject(ex, sent, v0):
            continue  # "with shelling reported in X": the happening, not a speaker
        if nxt in ("of", "about") and (v0 == sent.t0 or prev in _DETERMINERS):
            continue  # "Reports of airstrikes ...", "the claims about ...": a noun
        rest = doc.lower[v1 : sent.t1]
        if (
            prev in (",", '"', "”")
            # "..., Name, told Sputnik": after "told" comes the hearer, not the speaker
            and doc.lower[v0] not in _TOLD
            and "that" not in rest
            and len(rest) <= 16
            and (
                nxt in ("a", "an", "the", "its", "his", "their")
                or ex.text[doc.starts[v1]].isupper()
            )
        ):
            # inverted: "..., said a statement by the office of X."
            phrase = (v1, sent.t1)
            scope = "sentence"
        elif prev == "," and doc.lower[v0] not in _TOLD and (
            inverted := _inverted_speaker(ex, sent, v1)
        ):
            # "..., reported local media and eyewitnesses in the city, which ..."
            phrase = (v1, inverted)
            scope = "sentence"
        elif (
            nxt in (",", ".", "")
            or v1 >= sent.t1
            or nxt in ("citing", "quoting")
            or (_tail_attribution(ex, sent, last_end, v0, v1))
        ):
            # post-posed: "..., Interfax reported.", "..., a local official said on Monday."
            p0 = v0
            while p0 > last_end and doc.lower[p0 - 1] not in (",", ";"):
                p0 -= 1
            if p0 == v0 and p0 - 1 > last_end:
                # "..., Name, spokesman for X, said.": the speaker is set off by commas
                p0 = _appositive_start(ex, sent, last_end, v0 - 1)
            elif p0 - 1 > last_end and _bare_name(ex, p0, v0):
                # "..., a spokesman for X, Col Name told reporters.": the role before the
                # name is the speaker's too
                earlier = _appositive_start(ex, sent, last_end, p0 - 1)
                if earlier < p0 - 1 and ex.lex.party_role.search(
                    ex.text, doc.starts[earlier], doc.starts[p0 - 1]
                ):
                    p0 = earlier
            phrase = (p0, v0)
            scope = "sentence"
        elif (quote := _quote_end(ex, sent, last_end, v0)) is not None:
            # after a quotation: '"We took the town," Name, spokesman for X, said on Monday.'
            phrase = (quote, v0)
            scope = "sentence"
        else:
            start = last_end
            for k in range(v0 - 1, last_end, -1):
                if doc.lower[k - 1] == "," and doc.lower[k] in _NEW_CLAUSE:
                    start = k + 1  # "X took Y, while the LNA said ...": the speaker is after
                    break
                if doc.lower[k - 1] == ";":
                    start = k  # "jets struck X; the LNA said ...": a clause of its own
                    break
            phrase = (start, v0)
            scope = "after"
        content = v1
        for k in range(v1, min(sent.t1, v1 + 8)):
            if doc.lower[k] == "that":
                content = k + 1
                break
        previous = [f for f in frames if f.scope == "after"]
        if previous and prev == "and" and scope == "after":
            # "said ... and warned that ...": the same speaker
            speaker = previous[-1].speaker
            phrase = (v0, v0)
        elif prev == "," and doc.lower[v0].endswith("ing") and previous:
            # "..., noting that ...", "..., adding that ...": the same speaker goes on
            speaker = previous[-1].speaker
            phrase = (v0, v0)
        else:
            speaker = _speaker(ex, phrase, sent)
        frames.append(_Frame(v0, v1, phrase, speaker, scope, content, _unit_speaking(ex, phrase)))
        last_end = v1
    frames.sort(key=lambda f: f.verb_start)
    return frames


def _appositive_start(ex: _Extractor, sent: _Sentence, lo: int, comma: int) -> int:
    """Start of a speaker set off by commas before a speech verb (up to two segments).

    '"...," Name, spokesman for X, said': "Name, spokesman for X"; a segment with an
    event trigger or a quotation mark ends the speaker.
    """
    doc = ex.doc
    start = end = comma
    for _ in range(2):
        k = end - 1
        while k > lo and doc.lower[k] not in (",", '"', "”", "“"):
            k -= 1
        segment = (k + 1, end)
        if (
            segment[1] - segment[0] > 12
            or segment[1] <= segment[0]
            or any(segment[0] <= t.t0 < segment[1] for t in ex.triggers)
        ):
            break
        start, end = segment[0], k
        if k <= lo or doc.lower[k] != ",":
            break
    return start


#: words opening a clause of its own after a comma: its speech verb is no tail attribution
_NEW_CLAUSE = frozenset({"while", "whereas", "although", "though", "but", "yet", "as"})
#: speech verbs that take the accused as their object
_ACCUSE = frozenset({"accused", "accuses", "accusing", "accuse", "blamed", "blames"})
#: speech verbs whose object is the hearer ("told Sputnik"), never the speaker
_TOLD = frozenset({"told", "tells", "tell", "telling"})


def _bare_name(ex: _Extractor, t0: int, t1: int) -> bool:
    """Whether tokens ``t0:t1`` are only a person's name and titles ("Gen Ali Omar")."""
    doc = ex.doc
    words = [w for w in range(t0, t1) if doc.lower[w] not in (".", "-")]
    if not 1 <= len(words) <= 5:
        return False
    if any(doc.lower[w] in _TITLE_WORDS - {"the", "a", "an", "and", "also", "on", "in"}
           for w in words[-1:]):
        return False
    return all(
        ex.text[doc.starts[w]].isupper() and doc.lower[w].replace("'", "").isalpha()
        for w in words
    ) and not any(
        m for m in ex.actor_mentions if doc.starts[t0] <= m.start and m.end <= doc.ends[t1 - 1]
    )


def _tail_attribution(ex: _Extractor, sent: _Sentence, lo: int, v0: int, v1: int) -> bool:
    """Whether a speech verb closes the sentence after a comma and a short speaker."""
    doc = ex.doc
    end = _frame_end(ex, sent, v1)
    rest = doc.lower[v1:end]
    if len(rest) > 10 or "that" in rest or "," not in doc.lower[max(lo, v0 - 12) : v0]:
        return False
    comma = max(k for k in range(max(lo, v0 - 12), v0) if doc.lower[k] == ",")
    if comma + 1 < v0 and doc.lower[comma + 1] in _NEW_CLAUSE:
        return False  # "X took Y, while the LNA accused Z of ...": a clause of its own
    if doc.lower[v0] in _ACCUSE and v1 < sent.t1 and doc.lower[v1] not in (",", "."):
        return False  # "accused ISIS of controlling the city": the charge is its own
    return not any(v1 <= t.t0 < end for t in ex.triggers)


def _frame_end(ex: _Extractor, sent: _Sentence, v1: int) -> int:
    """Where the words after a speech verb ending at ``v1`` stop belonging to it.

    "..., a doctor told Coastal Wire, adding that ...": a comma and a participle
    open another frame of the same speaker, and a semicolon another statement;
    otherwise the sentence's end.
    """
    doc = ex.doc
    for k in range(v1, sent.t1 - 1):
        if doc.lower[k] == ";" or (doc.lower[k] == "," and doc.lower[k + 1].endswith("ing")):
            return k
    return sent.t1


def _quote_end(ex: _Extractor, sent: _Sentence, lo: int, v0: int) -> int | None:
    """The token after a quotation closing just before a speaker and a speech verb."""
    doc = ex.doc
    for k in range(v0 - 1, max(lo, v0 - 20) - 1, -1):
        tok = doc.lower[k]
        if tok in ('"', "”") and k - 1 >= sent.t0 and doc.lower[k - 1] in (",", "?", "!"):
            opened = any(doc.lower[i] in ('"', "“") for i in range(sent.t0, k - 1))
            return k + 1 if opened and k + 1 < v0 else None
        if tok in (".", ";", "that"):
            return None
    return None


#: Organs of a state that speak for it without naming it.
_STATE_ORGAN = re.compile(
    r"\b(?:(?:defen[cs]e|interior|foreign)\s+ministry|ministry\s+of\s+(?:defen[cs]e|"
    r"interior|foreign affairs)|general\s+staff|military\s+administration|"
    r"prosecutor(?:'s|s)?(?:\s+general)?|general\s+prosecutors?|presidential\s+office|"
    # "two military officials told AFP": officials of the state's forces, side unnamed
    r"(?:military|army|security|government)\s+(?:officials?|sources?))\b",
    re.IGNORECASE,
)


#: A line naming the report's source, as some outlets end (or open) their reports.
_SOURCE_LINE = re.compile(r"(?im)^[ \t]*(?:source|sources)\s*:\s*(?P<who>[^\n]{3,200})$")


def _source_line_party(ex: _Extractor) -> str | None:
    """The party of the one "Source: ..." line of a report, if it names one.

    "Source: Name, Head of X Oblast Military Administration" (an organ of the state:
    :data:`_STATE_ORGAN`) or "Source: the LNA's media office" (a party's name). Two
    source lines, or one naming no party, give none.
    """
    lines = list(_SOURCE_LINE.finditer(ex.text))
    if len(lines) != 1:
        return None
    m = lines[0]
    start, end = m.start("who"), m.end("who")
    if ex.lex.reporter.search(ex.text, start, end) and not _PARTY_MEDIA.search(
        ex.text, start, end
    ):
        return None  # "Source: local residents", "Source: a correspondent"
    named = {a.actor for a in ex.actor_mentions if start <= a.start and a.end <= end}
    if len(named) == 1:
        return named.pop()
    if not named and _STATE_ORGAN.search(ex.text, start, end):
        return ex.theatre.state_side()
    return None


def _state_speaking(ex: _Extractor, start: int, end: int, *, role: bool) -> _Speaker | None:
    """A state as the speaker: "Azerbaijan said", "Ukraine's defence ministry said".

    The country must be the whole phrase, or stand with a party's role word
    ("ministry", "army", "president"); "residents of a town in Syria" is no state.
    """
    phrase = ex.text[start:end].strip(" ,\"“”'’")
    for m in ex.country_mentions:
        if start <= m.start and m.end <= end and m.place is not None:
            rest = phrase.replace(m.text, "", 1).strip(" ,'’s").lower()
            if role or rest in ("", "the"):
                return _Speaker("party", m.place.name)
    return None


def _speaker(ex: _Extractor, phrase: tuple[int, int], sent: _Sentence) -> _Speaker:
    doc = ex.doc
    t0, t1 = phrase
    if t1 <= t0:
        return _OTHER
    start, end = doc.starts[t0], doc.ends[t1 - 1]
    outlets = [(r.start(), r.end()) for r in ex.lex.reporter.finditer(ex.text, start, end)]
    actors = [
        m for m in ex.actor_mentions if start <= m.start and m.end <= end
        # "Russia Today", "the Libya Observer": a name inside an outlet's is no party
        and not any(a <= m.start and m.end <= b for a, b in outlets)
    ]  # fmt: skip
    role = ex.lex.party_role.search(ex.text, start, end) is not None
    if not actors and role and _POSSESSIVE.search(ex.text, start, end):
        # "..., its spokesman said": the party is the sentence's subject
        actors = roles._actors_between(ex, doc.starts[sent.t0], start)[:1]
    reporter = ex.lex.reporter.search(ex.text, start, end) is not None and not (
        _PARTY_MEDIA.search(ex.text, start, end)
    )
    names = _person_names(ex, start, end)
    speaker: _Speaker | None = None
    unit = _known_unit(ex, start, end) if not actors else None
    if (
        not actors
        and ex.carry.last_speaker is not None
        and ex.carry.last_speaker.kind == "party"
        and _SAME_SPEAKER.fullmatch(ex.text[start:end].strip(" ,\"“”‘’'"))
    ):
        # "a source of the GNA forces said ... The source accused ...": the one just heard
        speaker = ex.carry.last_speaker
    elif actors and role:
        speaker = _Speaker("party", actors[0].actor)
    elif reporter:
        speaker = _Speaker("reporter")
    elif actors:
        speaker = _Speaker("party", actors[0].actor)
    elif unit is not None:
        speaker = _Speaker("party", unit)  # "the Sirte Protection Force said"
    else:
        whole = ex.text[start:end].strip(" ,")
        core = whole.rsplit(",", 1)[-1].strip(" \"“”‘’'")  # '...," the ministry said
        pron = ex.lex.pronouns.match(core) or ex.lex.pronouns.match(whole)
        subject = (
            roles._actors_between(ex, doc.starts[sent.t0], start)[:1]
            if core.lower() in ("it", "they") and t0 > sent.t0
            else []
        )
        if ex.carry.last_unit is not None and _UNIT_PRONOUN.fullmatch(core.lower()):
            pass  # "the force said": the unit named last, whose side may be unknown
        elif subject:
            # "The LNA attacked the airport, it said in a statement": the sentence's party
            speaker = _Speaker("party", subject[0].actor)
        elif pron and ex.carry.last_speaker is not None:
            speaker = ex.carry.last_speaker
        else:
            for name in names:
                found = _lookup_name(ex, name)
                if found is not None:
                    speaker = found
                    break
        if (
            speaker is None
            and ex.carry.prev_party is not None
            and _SPOKESMAN.search(ex.text, start, end)
            and not _OTHER_BODY.search(ex.text, start, end)
        ):
            # "military spokesman Ali Saleh said": the party announcing just before
            speaker = ex.carry.prev_party
        elif (
            speaker is None
            and ex.carry.last_speaker is not None
            and ex.carry.last_speaker.kind == "party"
            and _PARTY_MEDIA.search(ex.text, start, end)
        ):
            speaker = ex.carry.last_speaker  # "the operation's media centre said"
    if speaker is None and not reporter:
        speaker = _state_speaking(ex, start, end, role=role)
    if speaker is None and not reporter and _STATE_ORGAN.search(ex.text, start, end):
        # "the Defence Ministry said", "the regional military administration said": an
        # organ of a state, unnamed; the party the outlet speaks for, else the state side
        party = ex.outlet_party or ex.theatre.state_side()
        if party is not None:
            speaker = _Speaker("party", party)
    if speaker is None:
        return _OTHER
    if ex.lex.person_roles.search(ex.text, start, end) or reporter:
        for name in names:
            key = _name_key(name)
            if key:
                ex.carry.names.setdefault(key, speaker)
    return speaker


#: A speaker told again by a definite noun alone: "the source", "the same official".
_SAME_SPEAKER = re.compile(
    r"(?:the|this|that|these|those)\s+(?:same\s+)?(?:sources?|officials?|officers?|commanders?"
    r"|spokesman|spokeswoman|spokesperson)",
    re.IGNORECASE,
)


#: A sentence telling where the sentence before came from: "This came in a statement
#: issued by ...", "That was announced by ...", "It came during a press conference of ...".
_STATEMENT_SOURCE = re.compile(
    r"[\s\"“]*(?:this|that|it|these)\s+(?:came|was\s+(?:announced|stated|said|reported|"
    r"revealed|disclosed)|were\s+(?:announced|stated|reported))\s+(?:in|during|through|via|"
    r"by|on|according\s+to)\b",
    re.IGNORECASE,
)


def _statement_source(ex: _Extractor, sent: _Sentence) -> _Speaker | None:
    """The speaker a "This came in a statement by X" sentence names, or None.

    Reports translated from Arabic often tell the news first and its source in the
    sentence after; the rest of that sentence is read as a speaker's phrase.
    """
    m = _STATEMENT_SOURCE.match(ex.text, sent.start, sent.end)
    if m is None:
        return None
    t0 = ex.doc.token_at(m.end())
    if t0 >= sent.t1:
        return None
    return _speaker(ex, (t0, sent.t1), sent)


def _known_unit(ex: _Extractor, start: int, end: int) -> str | None:
    """The party of a unit named in a span, when the article says whose it is."""
    for m in _UNIT_NAME.finditer(ex.text, start, end):
        party = _unit_party(ex, _unit_key(m.group(0)))
        if party is not None:
            return party
    core = ex.text[start:end].strip(" ,").lower()
    if ex.carry.last_unit is not None and _UNIT_PRONOUN.fullmatch(core):
        return _unit_party(ex, ex.carry.last_unit)  # "the force said"
    return None


def _unit_party(ex: _Extractor, key: str) -> str | None:
    """The party of a unit, matching "X Protection and Security Force" to "X ... Force"."""
    if key in ex.units:
        return ex.units[key]
    words = key.split()
    for known, party in ex.units.items():
        other = known.split()
        if words and other and words[0] == other[0] and words[-1] == other[-1]:
            return party
    return None


def _unit_speaking(ex: _Extractor, phrase: tuple[int, int]) -> str | None:
    """The unit a speaker phrase names or points back to; remembered for "the force"."""
    if phrase[1] <= phrase[0]:
        return None
    start, end = ex.doc.starts[phrase[0]], ex.doc.ends[phrase[1] - 1]
    found = [_unit_key(m.group(0)) for m in _UNIT_NAME.finditer(ex.text, start, end)]
    if found:
        ex.carry.last_unit = found[-1]
        return found[-1]
    if _UNIT_PRONOUN.fullmatch(ex.text[start:end].strip(" ,").lower()):
        return ex.carry.last_unit
    return None


def _infer_unit_sides(
    ex: _Extractor, sent: _Sentence, frames: list[_Frame], these: list[_Draft]
) -> None:
    """Learn a unit's side from its own report of the enemy's act against it.

    "The X Force said Haftar's drones struck its positions": the force is Haftar's
    enemy, so its claims (here and later) are the GNA's.
    """
    for f in frames:
        if f.speaker.kind != "other" or f.unit is None or _unit_party(ex, f.unit):
            continue
        for d in these:
            enemy = ex.theatre.enemy(ex.actors.side(d.actor) or d.actor)
            if enemy is None:
                continue
            tail = ex.text[ex.doc.starts[d.t0] : sent.end]
            if _AGAINST_OWN.search(tail):
                ex.units[f.unit] = enemy
                f.speaker = _Speaker("party", enemy)
                break
    for f in frames:
        if f.unit is None or f.speaker.kind not in ("other", "party"):
            continue
        told = ex.carry.unit_drafts.setdefault(f.unit, [])
        told.extend(d for d in these if d.status == "reported" and d.claimed_by is None)
        party = _unit_party(ex, f.unit)
        if party is not None:
            # what the unit said before its side became clear is its side's claim too
            for d in told:
                if d.status == "reported" and d.claimed_by is None:
                    d.status, d.claimed_by = "claimed", party
            told.clear()


def _learn_units(ex: _Extractor) -> dict[str, str]:
    """Units whose side the article states.

    "the GNA's Sirte Protection Force", "the 166th Brigade, which is loyal to the GNA",
    "the LNA-aligned Tariq bin Ziyad Brigade".
    """
    units: dict[str, str] = {}
    text = ex.text
    for m in _UNIT_NAME.finditer(text):
        key = _unit_key(m.group(0))
        if not key or key in units:
            continue
        before = roles._actors_between(ex, max(0, m.start() - 40), m.start())
        if before and _UNIT_OWNER_BEFORE.fullmatch(text, before[-1].end, m.start()):
            units[key] = before[-1].actor
            continue
        tail = _UNIT_OWNER_AFTER.match(text, m.end())
        if tail is not None:
            after = roles._actors_between(ex, tail.end(), tail.end() + 50)
            if after and after[0].start == tail.end():
                units[key] = after[0].actor
    return units


def _person_names(ex: _Extractor, start: int, end: int) -> list[str]:
    """Runs of capitalised words in a span that are neither actors nor places."""
    names = []
    for m in _PERSON_NAME.finditer(ex.text, start, end):
        s, e = m.start(), m.end()
        if any(a.start < e and s < a.end for a in ex.actor_mentions) or any(
            p.start < e and s < p.end for p in ex.mentions
        ):
            continue
        words = m.group(0).split()
        while words and words[0].lower() in _TITLE_WORDS:
            words = words[1:]
        if words and words[-1].lower() not in _TITLE_WORDS:
            names.append(" ".join(words))
    return names


def _lookup_name(ex: _Extractor, name: str) -> _Speaker | None:
    key = _name_key(name)
    if not key:
        return None
    if key in ex.carry.names:
        return ex.carry.names[key]
    skeleton = _skeleton(key)
    for known, speaker in ex.carry.names.items():
        if len(skeleton) >= 2 and _skeleton(known) == skeleton and known[0] == key[0]:
            return speaker
    return None


def _frame_for(ex: _Extractor, frames: list[_Frame], token: int) -> _Frame | None:
    before = [f for f in frames if f.verb_end <= token and f.scope == "after"]
    if before:
        return before[-1]
    for f in frames:
        if f.scope == "sentence" and not (f.phrase[0] <= token < f.phrase[1]):
            return f
    return None


#: What may follow an inverted speaker's phrase: "..., reported local media, which ...".
_AFTER_INVERTED = frozenset("which who as while adding saying where when".split())


def _inverted_speaker(ex: _Extractor, sent: _Sentence, v1: int) -> int | None:
    """The end of a speaker's phrase written after its verb, or None.

    "..., reported local media and eyewitnesses in the city, which coincided with ...":
    the phrase runs to the next comma (at most ten words, no "that"), names a reporter
    or a party's role, and a comma then closes it before a new clause, or the sentence
    ends.
    """
    doc = ex.doc
    p1 = v1
    while p1 < sent.t1 and doc.lower[p1] not in (",", ".", ";", "that") and p1 - v1 <= 10:
        p1 += 1
    if p1 == v1 or p1 - v1 > 10 or (p1 < sent.t1 and doc.lower[p1] == "that"):
        return None
    closes = p1 >= sent.t1 - 1 or doc.lower[p1] == "." or (
        doc.lower[p1] == "," and p1 + 1 < sent.t1 and doc.lower[p1 + 1] in _AFTER_INVERTED
    )
    if not closes:
        return None
    start, end = doc.starts[v1], doc.ends[p1 - 1]
    speaks = ex.lex.reporter.search(ex.text, start, end) or ex.lex.party_role.search(
        ex.text, start, end
    )
    return p1 if speaks else None


def _speaker_spans(ex: _Extractor, ctx: _Context) -> list[tuple[int, int]]:
    """Token spans naming who speaks and where ("a commander in Zawiya said that").

    A place opening the sentence before the speaker ("In Sirte, residents said that")
    stays an event place.
    """
    doc = ex.doc
    spans = []
    for f in ctx.frames:
        a, b = f.phrase
        if f.scope == "after":
            b = max(b, f.content if f.content > f.verb_end else f.verb_end)
            if a != ctx.sentence.t0:
                # a later speaker: its phrase runs on from the last one's words
                commas = [i for i in range(a, f.verb_start) if doc.lower[i] == ","]
                a = commas[-1] + 1 if commas else f.verb_start
            elif doc.lower[a] in _LOCATIVE:
                while a < b and doc.lower[a] != ",":
                    a += 1
        elif f.verb_start >= b and f.verb_start > ctx.sentence.t0:
            # "..., X told reporters in Y." (up to ", adding that ...")
            spans.append((f.verb_start, _frame_end(ex, ctx.sentence, f.verb_end)))
        spans.append((a, b))
    return spans
