"""Extract dated, located and attributed conflict events from articles, and merge them.

articles -> places -> **events** -> (store) -> control and front lines -> map and exports.

The extractor is rule-based and reads its words from ``data/event_lexicon.yaml``
(trigger words per event type, modality and negation cues, attribution verbs,
casualty phrases), so an analyst can change what it finds without touching code.
It works sentence by sentence, clause by clause:

1. **Triggers** ("launched raids", "shelled", "took control of") give an event type;
   nouns need a supporting verb ("launched an attack", "clashes erupted"), and
   generic words ("strikes", "attack", "targeted", "killed") take their type from the
   instrument named near them (aircraft -> airstrike, rockets -> shelling). A noun
   backed only by "after"/"amid" ("after the attack") needs a place in its own phrase;
   a participle after an article ("the retreating militias") is no trigger; verbs the
   lexicon marks ``agent`` need armed forces as subject ("troops gathered", not
   "cadets gathered"); capture verbs need the place as their object ("took the town
   of X", not "took part in", "captured fighters near X"), and taking a checkpoint or
   positions is an attack.
2. **Modality**: a cue before the trigger in the same clause (a plan, a
   possibility, a condition, a purpose, a negation), an infinitive ("to
   capture") or a bare verb ("and withdraw") keeps it from being a happening;
   so does a question. An attempt that was made ("tried to advance on X") is an
   attack. Ongoing background ("after months of fighting", "have been exchanging
   fire for weeks") is no event. A denial, or a negation in a party's words, gives a
   ``denied`` event; a broken truce ("violated the ceasefire by shelling X") negates
   nothing. "Will"/"would" stop everything but the triggers the lexicon
   marks ``announced``: a party announcing that it will strengthen its defences
   is a claimed deployment; "will send troops if asked" is nothing.
3. **Threats** are found separately: an explicit threat or ultimatum ("threatened
   to", "gave X 48 hours", "vowed to retake", "red line", "will not hesitate to"),
   or a demand ("withdraw", "lay down their arms") with a deadline or a consequence
   ("or face"). The threat is against the place named as its addressee or target,
   else the place to be left. When a party reports its own act ("is sending a
   message", "called on", "vowed") the threat is claimed; when the statement itself
   is the threat ("X must withdraw or the operation will come") it is reported.
4. **Place**: the target of a strike, the place taken, the place forces move to:
   places after a locative preposition (on, in, at, inside, against, towards,
   to, near ...) win over the others, the nearest after the trigger first; other
   places of the clause are used only when there is no locative one. A named
   district wins over the city around it, a named place over the anchor of a
   bearing ("west of Sirte around Abu Grein"); the anchor of a phrase that only
   describes another place ("in Aziziya, a town 40 km south of the capital",
   "towns west of the capital") is no event place. A withdrawal is from the place
   left, never from where it heads ("towards X"). "The city", "the town's
   outskirts", "there", "where" point back to the last place named of a fitting
   kind ("the city" is a city, else a town). Places in parentheses, in a party's or
   unit's name ("Tripoli-based", "the Sirte Protection Force"), in the speaker's
   phrase ("medics in Misrata said"), countries, broad regions ("western Libya")
   and places outside the lexicon's ``countries`` are not event places; an article
   about another war gives none. Separate locative phrases joined by "and" ("inside
   Misrata and south of the capital") give one event each; a list of bare names
   ("the cities of Sirte and Jafra") gives one event at the first, except for
   captures of places apart ("took Asabaa and Mizdah": two happenings).
5. **Date**: a date in the same clause near the trigger (the speaking's date and a
   date before a comma count as farther); else a past year beside it ("the 2011
   revolution"); else a date opening the sentence; else another date of the
   sentence, outside "after ..." clauses; else the last day of the paragraph;
   else the latest day the story reached in earlier paragraphs (at most three days
   before publication: "at dawn", "meanwhile"); else the publication date
   (precision ``"published"``). "Since April 4" dates an ongoing event April 4; one
   that began more than ``background_days`` ago is background, and an event told
   only as "days after" another is dropped.
   A threat is dated when it was made, its deadline ("by midnight Sunday",
   "until Friday") kept in ``date_end``; a deadline never dates a happening.
   Events that ended more than ``background_days`` (lexicon) before publication
   are background and dropped.
6. **Actor, target, status**: the agent ("by X" after a noun or a passive, the
   subject of an active verb, "loyal to X", "our forces" -> the speaker's party;
   "X-backed" is not the agent), the patient ("on/against/with X", "shelled X
   positions"). A party saying so gives ``claimed`` with ``claimed_by``; a reporter,
   an unnamed source or no attribution gives ``reported``; "could not independently
   confirm" in the same or next sentence gives ``unconfirmed``; "Moscow denied it"
   after a report makes it ``denied`` (denying the blame does not). The last
   speaker carries over ("He added", "The spokesman said"), a spokesman or a media
   office speaks for the party announcing just before, speakers after a quotation
   or set off by commas ('"...," Name, spokesman for X, said') are found, people
   named with their role ("X, spokesman for Y") are recognised by surname later in
   the article, and a unit speaks for the side the article gives it ("the GNA's
   Sirte Protection Force") or, when it reports one side's attack on its own
   positions, for the other side.

Within one sentence a capture absorbs an assault and a clash at its place, an
assault a clash. Within one article "N killed in the battles for X" adds the toll
to the event at X, the taking of a town's airport or port that day folds into the
taking of the town, and an assault on a place folds into its capture that day.

Merging joins reports of one happening: same type, compatible actors, places
within :data:`geo.settings.merge_distance_km` and dates overlapping within
:data:`geo.settings.merge_date_slack_days`. Within one article two sentences
also merge when one names the other's place (within 60 km), and undated sentences
join dated ones; statuses must agree (a claim and a plain report of it may merge,
and a party's claim with the same claim said to be unverified).
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import yaml

from . import settings
from ._data import data_path, file_stamp
from .actors import UNKNOWN, ActorMention, ActorTable
from .dates import DateMatch, find_dates
from .errors import DataFileError
from .gazetteer import haversine_km
from .model import EVENT_TYPES, Article, DateSpan, Event, Place, PlaceMention, Source

__all__ = [
    "EXTRACTOR_VERSION",
    "LEXICON_NAME",
    "EventLexicon",
    "load_lexicon",
    "extract_events",
    "merge_events",
    "events_from_articles",
    "events_geojson",
]

#: The lexicon file's name in ``data/``.
LEXICON_NAME = "event_lexicon.yaml"
#: Version of the rules in this module; EXTRACTOR_VERSION adds the lexicon's hash.
_RULES_VERSION = "1.2"

_TOKEN = re.compile(r"\w+(?:[-'’]\w+)*|[^\w\s]")
_NUMBER = (
    r"(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|"
    r"twenty|thirty|forty|several|a\s+few|few)"
)
_NUMBER_FIRST = frozenset(
    "one two three four five six seven eight nine ten eleven twelve fifteen twenty thirty "
    "forty several a few".split()
)
_SEP = r"[\s\"“”‘]+"
_GAP = r"(?:[\s\"“”‘,]+[^\s.;!?\"“”]+){0,4}?"  # "4" is replaced by the gap's length
_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
}  # fmt: skip
# Sentence ends: . ! ? (and a closing quote) before a capital, a digit or an opening quote.
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’')\]]*\s+(?=[\"“‘(]?[A-Z0-9])")
_ABBREVIATIONS = frozenset(
    "jan feb mar apr jun jul aug sep sept oct nov dec gen col lt maj brig capt sgt mr mrs ms "
    "dr st no vs etc approx km u.s u.k u.n e.g i.e".split()
)
# Clause boundaries inside a sentence.
_CLAUSE_BREAK = re.compile(
    r"\s*;\s*|:\s+|\s+[-–—]+\s+|\s*,?\s+(?:while|whereas|but)\s+|\s*,\s+(?=where\s)"
    r"|,[\"”’]?\s+and\s+(?=(?:would|will|could|can|has|have|had|is|are|was|were|did|does|then|also|"
    r"took|sent|began|fought|hit|struck|said|told|made|shot|went|came|withdrew|seized)\b|\w+ed\b)"
)
# "the city of X" names X; "there were clashes" is not a place; "the city's residents" neither
_NOT_ANAPHORIC = re.compile(r"\s+of\b|['’]s\b")
_NOT_THERE = re.compile(r"\s+(?:was|were|is|are|has|have|had|will|would|seems?|appears?)\b")
# ... but "the city's outskirts", "the town's southern districts" are parts of the place
_ANAPHOR_PART = re.compile(
    r"['’]s\s+(?:(?:southern|northern|eastern|western|south|north|east|west|old|main|central|"
    r"residential|industrial|coastal|entire|whole)\s+){0,2}(?P<part>outskirts|suburbs|suburb|"
    r"edge|edges|gates|entrance|entrances|approaches|outskirt|periphery|districts|district|"
    r"neighbourhoods|neighborhoods|neighbourhood|neighborhood|centre|center|streets|areas|"
    r"airport|port|harbour|harbor|seaport|positions|defences|defenses)\b",
    re.IGNORECASE,
)
_EDGE_PARTS = frozenset(
    "outskirts suburbs suburb edge edges gates entrance entrances approaches outskirt "
    "periphery".split()
)
# The kinds of place an anaphor can point back to ("the city" is no air base); "the city"
# looks for a city first, then for a town.
_ANAPHOR_KINDS: dict[str, frozenset[str]] = {
    "city": frozenset({"city", "town"}),
    "cities": frozenset({"city", "town"}),
    "town": frozenset({"town", "city", "village"}),
    "towns": frozenset({"town", "city", "village"}),
    "village": frozenset({"village", "town"}),
    "oasis": frozenset({"town", "village", "city"}),
    "base": frozenset({"air_base", "military_site", "airport"}),
    "airport": frozenset({"airport", "air_base"}),
    "port": frozenset({"port", "oil_site", "city", "town"}),
    "suburbs": frozenset({"city", "town"}),
    "outskirts": frozenset({"city", "town"}),
}
_AUXILIARIES = frozenset("was were is are be been would will could has had have".split())
_PASSIVE_AUX = frozenset({"was", "were", "been", "being", "is", "are"})
_LOCATIVE = frozenset(
    "on in at inside into against towards toward to near around outside within across over "
    "onto upon targeting between throughout along beyond".split()
)
_ORIGIN = frozenset({"from"})
# Words a walk back from a place name passes over to find its preposition.
_NP_WORDS = frozenset(
    "the a an its their his her our this that these those of city town village area areas "
    "region district districts neighbourhood neighborhood suburb suburbs outskirts axis front "
    "frontline base camp airport port western eastern southern northern central coastal old "
    "strategic key military installations targets positions depots weapons administrative "
    "borders border boundaries heart centre center part parts km kilometres kilometers miles "
    "south north east west southeast southwest northeast northwest south-east south-west "
    "north-east north-west southern northern and vicinity environs gates edge approaches "
    "several three two some locations sites separate areas zone".split()
)
# Words between a place and the anchor of a relative phrase that only describes it.
_RELATION_WORDS = frozenset(
    "the a an of to km kilometres kilometers kilometre kilometer miles mile some about "
    "roughly around approximately nearly almost just only south north east west southeast "
    "southwest northeast northwest south-east south-west north-east north-west southern "
    "northern eastern western outskirts edge edges suburbs gates near outside from".split()
)
_PLURAL_SETTLEMENTS = frozenset("towns cities villages settlements localities oases".split())
_APPOSITION_WORDS = _RELATION_WORDS | frozenset(
    ", ( ) - – — town city village district area suburb neighbourhood neighborhood base "
    "airport port oasis hill desert mountain coastal small large strategic key main "
    "located situated lying lies sits which is on in its".split()
)
# Words that keep a place from being a verb's direct object ("took part in", "taken to").
_OBJECT_BLOCK = frozenset(
    ", ; . ( ) for with by after before during under through part place prisoner prisoners "
    "hostage hostages refuge shelter office power charge aim note steps measures action care "
    "hospital hospitals cover responsibility advantage".split()
)
# Prepositions of a destination.
_DESTINATION = frozenset({"towards", "toward", "to", "for", "into"})
# How far a district may lie from the city it is named with.
_INSIDE_KM = 25.0
_VIOLATED = re.compile(
    r"\b(?:violat|breach|broke|broken|break|flout|defy|defied|defying|undermin)\w*\s+"
    r"(?:(?:the|a|an|its|their|this|fragile|shaky|fragile|new|latest|humanitarian|"
    r"un-brokered|russian-turkish|two-week|week-old)\s+){0,3}$",
    re.IGNORECASE,
)
_BROAD_REGION = re.compile(
    r"(?:the\s+)?(?:north|south|east|west|central|north-?east|north-?west|south-?east|"
    r"south-?west)(?:ern)?\s+\w+$",
    re.IGNORECASE,
)
# Words after which "to" is a preposition, not an infinitive ("subjected to airstrikes").
_TO_PREPOSITION = frozenset(
    "subjected subject exposed due owing according prior response addition close next led "
    "leading contributed returned return responded reacted added".split()
)
# "to" after these reports what was done: "managed to enter", "went on to seize".
_DONE_TO = frozenset("managed proceeded".split())
_WENT_ON = frozenset("went moved pushed pressed".split())


def _done_to(lower: list[str], lo: int, to: int) -> bool:
    """Whether the "to" at token ``to`` opens a deed, not a purpose or a plan."""
    if to - 1 >= lo and lower[to - 1] in _DONE_TO:
        return True
    return to - 2 >= lo and lower[to - 1] == "on" and lower[to - 2] in _WENT_ON


# Verbs whose instrument is their subject, not their object.
_SUBJECT_INSTRUMENT = frozenset("killed killing destroyed destroying".split())
_DAYS_APART = re.compile(
    r"\b(?:days|weeks|months|years)\s+(?:after|before|since)\b", re.IGNORECASE
)
# A cheap test before the casualty patterns run on a sentence.
_CASUALTY_WORD = re.compile(
    r"kill|dead|died|death|martyr|toll|casualt|fatalit|lives|left\b|leaving\b|loss|losses",
    re.IGNORECASE,
)
_WEAK_SUPPORT = frozenset({"amid", "after", "following", "despite"})
_SUBORDINATORS = frozenset("after following before since until till when as while where".split())
# "Moscow denied it.", "The LNA rejected the claims."
_DENIES_PREVIOUS = re.compile(
    r"\W*(?P<subject>[^.;]{1,80}?)\s+(?:(?:has|have|had|flatly|strongly|quickly)\s+)*"
    r"(?:denied|denies|deny|rejected|rejects|dismissed|dismisses|refuted|refutes)\s+"
    r"(?:it|this|that|them|the\s+(?:\w+\s+)?(?:claim|claims|report|reports|account|"
    r"allegation|allegations))\b(?!\s+(?:that\s+it|of\s+(?:its\s+)?(?:involvement|"
    r"responsibility)))",
    re.IGNORECASE,
)
_DETERMINERS = frozenset("the a an its their his her our this these those".split())
# Words naming armed forces: a subject that makes "gathered", "fled", "arrived" military.
_FORCE_WORDS = frozenset(
    "forces force troops fighters units unit soldiers militias militia militiamen brigades "
    "brigade battalion battalions army mercenaries militants convoy convoys columns column "
    "reinforcements gunmen armour armor tanks personnel contingent contingents regiment "
    "division detachment commandos advisers advisors instructors snipers paratroopers "
    "marines".split()
)
# Objects of a capture verb that make it an attack on a position, not the taking of a place.
_POSITION_NOUNS = frozenset(
    "checkpoint checkpoints position positions post posts outpost outposts trench trenches "
    "barricade barricades roadblock roadblocks".split()
)
_CASUALTY_BEFORE = re.compile(
    r"\b(?:killed|died|dead|wounded|injured|casualties|lost their lives)\b[^.;]{0,60}?"
    r"\b(?:in|during)\s+(?:the\s+|a\s+|two\s+|three\s+|several\s+|days\s+of\s+)?"
    r"(?:[\w-]+\s+){0,2}$",
    re.IGNORECASE,
)
# An attempt that happened: "tried to advance", "have been trying to capture".
_ATTEMPT = re.compile(
    r"\b(?:tried|attempted|trying|attempting|sought)\s+(?:again\s+|once\s+more\s+|"
    r"repeatedly\s+|in\s+vain\s+|unsuccessfully\s+)?(?:to\s+)?$",
    re.IGNORECASE,
)
# Ongoing background: "after months of fighting", "a months-long battle".
_LONG_BEFORE = re.compile(
    r"\b(?:(?:weeks|months|years|decades)\s+of(?:\s+(?:heavy|fierce|intense|sporadic|"
    r"intermittent|deadly))?|(?:weeks|months|years|year|decade)[-\s]long(?:\s+\w+)?)\s+$",
    re.IGNORECASE,
)
_PERFECT_PROGRESSIVE = re.compile(r"\b(?:have|has|had)\s+been\s+(?:\w+\s+)?\w+ing$", re.IGNORECASE)
_FOR_LONG = re.compile(
    r"\bfor\s+(?:(?:several|many|some|the\s+past|the\s+last|more\s+than|over|about|"
    r"nearly|almost|a|one|\d+|two|three|four|five|six|eight|ten)\s+)*"
    r"(?:weeks|months|years|year|month)\b",
    re.IGNORECASE,
)
_BACKED = re.compile(r"[-\s](?:backed|supported|sponsored|funded|armed)\b", re.IGNORECASE)
_CONDITION = re.compile(r"\b(?:if|unless|provided|should)\b", re.IGNORECASE)
_POSSESSIVE = re.compile(r"\b(?:its|his|their|her)\b", re.IGNORECASE)
# a subject that, in a party's words, is the party itself ("our forces", "the army")
_POSSESSIVE_SUBJECT = re.compile(
    r"\b(?:our|his|its|their|we|they|it|he|the army|the troops|the forces)\b", re.IGNORECASE
)
_KIND_RANK = {
    "neighbourhood": 0, "district": 0, "military_site": 0, "airport": 0, "air_base": 0,
    "port": 0, "oil_site": 0, "village": 1, "town": 2, "city": 3, "region": 4, "country": 5,
}  # fmt: skip
# The last day named in earlier paragraphs dates undated sentences when it lies at most this
# many days before publication ("at dawn", "hours later" in the running story).
_STORY_DAYS = 3
_PRECISION_RANK = {"day": 0, "range": 1, "month": 2, "year": 3, "published": 4}
_GEO_RANK = {"exact": 0, "near": 1, "region": 2}


# --------------------------------------------------------------------------------- lexicon


def _word_regex(word: str) -> str:
    case_sensitive = word.startswith("=")
    alts = word.lstrip("=").split("|")
    parts = []
    for alt in alts:
        body = re.escape(alt).replace(r"\-", r"[-\s]?").replace("'", "['’]")
        parts.append(body)
    body = "(?:" + "|".join(parts) + ")"
    return f"(?-i:{body})" if case_sensitive else body


def _phrase_regex(phrase: str) -> str:
    """Translate one lexicon phrase into a regular expression (see the lexicon's header)."""
    if phrase.startswith("re:"):
        return "(?:" + phrase[3:] + ")"
    out = ""
    pending_gap = 0
    for part in phrase.split():
        if re.fullmatch(r"\.\.\.\d*", part):
            pending_gap = int(part[3:] or 4)
            continue
        optional = part.endswith("?") and len(part) > 1
        word = part[:-1] if optional else part
        piece = _NUMBER if word == "#" else _word_regex(word)
        if not out:
            out = piece
        elif optional:
            out += f"(?:{_SEP}{piece})?"
        else:
            out += (_GAP.replace("4", str(pending_gap)) if pending_gap else "") + _SEP + piece
        pending_gap = 0
    return r"(?<![\w-])" + out + r"(?![\w])"


def _first_words(phrase: str) -> set[str] | None:
    """The lower-case tokens a phrase can start with; None for a raw regex."""
    if phrase.startswith("re:"):
        return None
    first = phrase.split()[0]
    if first == "#":
        return {"#", *_NUMBER_FIRST}
    words: set[str] = set()
    for alt in first.lstrip("=").lower().split("|"):
        words.add(alt)
        if "-" in alt:
            words.add(alt.split("-")[0])
            words.add(alt.replace("-", ""))
    return words


class _PhraseSet:
    """Compiled lexicon phrases.

    One combined regex searches short spans; per-phrase regexes keyed by their first
    word scan a whole article fast (only where that word occurs).
    """

    def __init__(self, phrases: Iterable[str] | None, *, where: str) -> None:
        parts = []
        self.anchored: dict[str, list[re.Pattern[str]]] = {}
        self.free: list[re.Pattern[str]] = []
        for phrase in phrases or ():
            if not isinstance(phrase, str) or not phrase.strip():
                raise DataFileError(f"event lexicon: {where}: phrase {phrase!r} is not a string")
            body = _phrase_regex(phrase.strip())
            parts.append(body)
            try:
                one = re.compile(body, re.IGNORECASE)
            except re.error as err:
                raise DataFileError(
                    f"event lexicon: {where}: bad pattern {phrase!r}: {err}"
                ) from err
            first = _first_words(phrase.strip())
            if first is None:
                self.free.append(one)
            else:
                for word in first:
                    self.anchored.setdefault(word, []).append(one)
        self.regex = re.compile("|".join(parts) or r"(?!)", re.IGNORECASE)
        self.search = self.regex.search
        self.finditer = self.regex.finditer
        self.match = self.regex.match
        self.fullmatch = self.regex.fullmatch

    def spans(self, doc: _Doc) -> list[tuple[int, int]]:
        """Every match in the article, sorted (overlapping matches included)."""
        text = doc.text
        out: set[tuple[int, int]] = set()
        for word, patterns in self.anchored.items():
            for i in doc.positions.get(word, ()):
                for pattern in patterns:
                    m = pattern.match(text, doc.starts[i])
                    if m:
                        out.add((m.start(), m.end()))
        for pattern in self.free:
            out.update((m.start(), m.end()) for m in pattern.finditer(text))
        return sorted(out)


def _compile(phrases: Iterable[str] | None, *, where: str) -> _PhraseSet:
    return _PhraseSet(phrases, where=where)


@dataclass(frozen=True)
class _TriggerRule:
    type: str | None
    form: str
    refine: bool
    place: str
    pattern: _PhraseSet
    announced: bool = False
    agent: bool = False


@dataclass(frozen=True)
class EventLexicon:
    """The compiled rules of ``event_lexicon.yaml``."""

    triggers: tuple[_TriggerRule, ...]
    instruments: tuple[tuple[str, _PhraseSet], ...]
    support_before: _PhraseSet
    support_after: _PhraseSet
    cues: dict[str, _PhraseSet]
    cue_window: int
    threat: dict[str, _PhraseSet]
    attribution_verbs: _PhraseSet
    according_to: _PhraseSet
    reporter: _PhraseSet
    party_role: _PhraseSet
    pronouns: _PhraseSet
    person_roles: _PhraseSet
    unconfirmed: _PhraseSet
    place_anaphors: _PhraseSet
    near_cues: _PhraseSet
    place_modifiers: _PhraseSet
    killed: tuple[_PhraseSet, ...]
    zero_killed: _PhraseSet
    background_days: int
    sha256: str
    countries: frozenset[str] = frozenset()


def _section(data: dict[str, Any], key: str, path: Path) -> Any:
    if key not in data:
        raise DataFileError(f"{path}: event lexicon has no {key!r} section")
    return data[key]


def load_lexicon(path: Path | None = None) -> EventLexicon:
    """Load and compile the event lexicon (default: the shipped ``event_lexicon.yaml``).

    Parameters
    ----------
    path
        Another lexicon file.

    Returns
    -------
    EventLexicon
        The compiled rules; cached per path while the file is unchanged.

    Raises
    ------
    DataFileError
        When the file is missing, not YAML, or a section or pattern is malformed.

    Examples
    --------
    >>> lex = load_lexicon()
    >>> lex.background_days > 0
    True
    """
    file = Path(path) if path is not None else _default_lexicon_path(settings.data_dir)
    return _load_lexicon(file, file_stamp(file))  # read again when the file changes


@cache
def _default_lexicon_path(data_dir: Path | None) -> Path:
    return data_path(LEXICON_NAME)


@lru_cache(maxsize=4)
def _load_lexicon(path: Path, stamp: tuple[int, int, int] | None = None) -> EventLexicon:
    del stamp  # part of the cache key only
    try:
        raw = path.read_bytes()
        data = yaml.safe_load(raw.decode("utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as err:
        raise DataFileError(f"{path}: cannot read event lexicon: {err}") from err
    if not isinstance(data, dict):
        raise DataFileError(f"{path}: event lexicon must be a mapping, found {type(data)!r}")
    rules = []
    for i, entry in enumerate(_section(data, "triggers", path)):
        where = f"triggers[{i}]"
        if not isinstance(entry, dict):
            raise DataFileError(f"{path}: {where} must be a mapping, found {entry!r}")
        kind = entry.get("type")
        if kind is not None and kind not in EVENT_TYPES:
            raise DataFileError(f"{path}: {where}: unknown event type {kind!r}")
        form = entry.get("form", "verb")
        if form not in ("verb", "noun"):
            raise DataFileError(f"{path}: {where}: form must be verb or noun, found {form!r}")
        place = entry.get("place", "any")
        if place not in ("any", "after", "before", "object"):
            raise DataFileError(
                f"{path}: {where}: place must be any/after/before/object, not {place!r}"
            )
        rules.append(
            _TriggerRule(
                kind,
                form,
                bool(entry.get("refine", False)) or kind is None,
                place,
                _compile(entry.get("patterns"), where=where),
                bool(entry.get("announced", False)),
                bool(entry.get("agent", False)),
            )
        )
    instruments = tuple(
        (kind, _compile(words, where=f"instruments.{kind}"))
        for kind, words in _section(data, "instruments", path).items()
    )
    support = _section(data, "support", path)
    modality = _section(data, "modality", path)
    threat = _section(data, "threat", path)
    attribution = _section(data, "attribution", path)
    casualties = _section(data, "casualties", path)
    try:
        return EventLexicon(
            triggers=tuple(rules),
            instruments=instruments,
            support_before=_compile(support.get("before"), where="support.before"),
            support_after=_compile(support.get("after"), where="support.after"),
            cues={k: _compile(modality.get(k), where=f"modality.{k}") for k in
                  ("future", "irrealis", "negation", "denial")},
            cue_window=int(data.get("cue_window", 12)),
            threat={k: _compile(threat.get(k), where=f"threat.{k}") for k in
                    ("explicit", "demand", "consequence", "deadline", "act")},
            attribution_verbs=_compile(attribution.get("verbs"), where="attribution.verbs"),
            according_to=_compile(attribution.get("according_to"), where="according_to"),
            reporter=_compile(attribution.get("reporter"), where="attribution.reporter"),
            party_role=_compile(attribution.get("party_role"), where="attribution.party_role"),
            pronouns=_compile(attribution.get("pronouns"), where="attribution.pronouns"),
            person_roles=_compile(attribution.get("person_roles"), where="person_roles"),
            unconfirmed=_compile(_section(data, "unconfirmed", path), where="unconfirmed"),
            place_anaphors=_compile(_section(data, "place_anaphors", path), where="anaphors"),
            near_cues=_compile(_section(data, "near_cues", path), where="near_cues"),
            place_modifiers=_compile(data.get("place_modifiers"), where="place_modifiers"),
            killed=tuple(_compile([p], where="casualties.killed")
                         for p in casualties.get("killed") or ()),
            zero_killed=_compile(casualties.get("zero"), where="casualties.zero"),
            background_days=int(data.get("background_days", 60)),
            sha256=hashlib.sha256(raw).hexdigest(),
            countries=frozenset(str(c).upper() for c in data.get("countries") or ()),
        )  # fmt: skip
    except (AttributeError, TypeError, ValueError) as err:
        if isinstance(err, DataFileError):
            raise
        raise DataFileError(f"{path}: malformed event lexicon: {err}") from err


def _extractor_version() -> str:
    """The rules' version and the lexicon file's digest (as :attr:`EventLexicon.sha256`).

    Hashes the file rather than loading it: compiling the lexicon's patterns takes
    most of a second, which a build with nothing new to read need not spend.
    """
    try:
        raw = _default_lexicon_path(settings.data_dir).read_bytes()
    except OSError:
        return _RULES_VERSION
    return f"{_RULES_VERSION}+{hashlib.sha256(raw).hexdigest()[:10]}"


#: Changes whenever the rules or the lexicon change (the store re-processes articles then).
EXTRACTOR_VERSION: str = _extractor_version()


# ------------------------------------------------------------------------------ text layout


@dataclass
class _Sentence:
    index: int
    start: int
    end: int
    paragraph: int
    t0: int  # first token index
    t1: int  # one past the last token index
    clause: list[int] = field(default_factory=list)  # clause id per token (offset t0)


class _Doc:
    """An article's text cut into tokens, sentences and clauses."""

    def __init__(self, text: str) -> None:
        self.text = text
        spans = [(m.start(), m.end()) for m in _TOKEN.finditer(text)]
        self.starts = [s for s, _ in spans]
        self.ends = [e for _, e in spans]
        self.lower = [text[s:e].lower() for s, e in spans]
        self.positions: dict[str, list[int]] = {}
        for i, tok in enumerate(self.lower):
            self.positions.setdefault("#" if tok.isdigit() else tok, []).append(i)
        self.sentences: list[_Sentence] = []
        paragraph = 0
        pos = 0
        for line in text.split("\n"):
            line_start = pos
            pos += len(line) + 1
            if not line.strip():
                continue
            for s, e in _split_sentences(line):
                self._add_sentence(line_start + s, line_start + e, paragraph)
            paragraph += 1
        self._sentence_starts = [s.start for s in self.sentences]

    def _add_sentence(self, start: int, end: int, paragraph: int) -> None:
        t0 = bisect.bisect_left(self.starts, start)
        t1 = bisect.bisect_left(self.starts, end)
        if t1 <= t0:
            return
        sent = _Sentence(len(self.sentences), start, end, paragraph, t0, t1)
        sent.clause = _clause_ids(self, sent)
        self.sentences.append(sent)

    def token_at(self, offset: int) -> int:
        """Index of the token containing or following ``offset``."""
        i = bisect.bisect_right(self.starts, offset) - 1
        if i >= 0 and self.ends[i] > offset:
            return i
        return i + 1

    def sentence_of(self, offset: int) -> _Sentence | None:
        i = bisect.bisect_right(self._sentence_starts, offset) - 1
        if i >= 0 and offset < self.sentences[i].end:
            return self.sentences[i]
        return None

    def clause_of(self, sent: _Sentence, token: int) -> int:
        token = min(max(token, sent.t0), sent.t1 - 1)
        return sent.clause[token - sent.t0]

    def clause_bounds(self, sent: _Sentence, clause: int) -> tuple[int, int]:
        tokens = [i for i, c in enumerate(sent.clause) if c == clause]
        return sent.t0 + tokens[0], sent.t0 + tokens[-1] + 1


def _split_sentences(line: str) -> list[tuple[int, int]]:
    out = []
    start = len(line) - len(line.lstrip())
    for m in _SENTENCE_END.finditer(line):
        before = line[start : m.start()].rstrip("\"”’')]")
        last = re.search(r"([\w.]+)\.$", before)
        if last:
            word = last.group(1).lower()
            if word in _ABBREVIATIONS or re.fullmatch(r"[a-z]", word):
                continue
        out.append((start, m.start()))
        start = m.end()
    end = len(line.rstrip())
    if end > start:
        out.append((start, end))
    return out


def _clause_ids(doc: _Doc, sent: _Sentence) -> list[int]:
    text = doc.text
    breaks = sorted(
        (m.start(), m.end()) for m in _CLAUSE_BREAK.finditer(text, sent.start, sent.end)
    )
    ids: list[int] = []
    current = 0
    next_id = 1
    stack: list[int] = []
    b = 0
    for i in range(sent.t0, sent.t1):
        start = doc.starts[i]
        while b < len(breaks) and breaks[b][1] <= start:
            current = next_id
            next_id += 1
            b += 1
        tok = doc.lower[i]
        if tok == "(":
            stack.append(current)
            current = next_id
            next_id += 1
        ids.append(current)
        if tok == ")" and stack:
            current = stack.pop()
    return ids


# ----------------------------------------------------------------------------- extraction


@dataclass(frozen=True)
class _Speaker:
    kind: str  # "party", "reporter" or "other"
    actor: str | None = None


_OTHER = _Speaker("other")


@dataclass
class _Frame:
    verb_start: int  # token
    verb_end: int  # token (exclusive)
    phrase: tuple[int, int]  # tokens of the speaker's phrase
    speaker: _Speaker
    scope: str  # "after" (X said that ...) or "sentence" (..., X said / according to X)
    content: int = -1  # first token of what is said (after "that"); -1: verb_end
    unit: str | None = None  # a named unit speaking ("the Sirte Protection Force")


@dataclass
class _Trigger:
    rule_type: str | None
    form: str
    refine: bool
    place: str
    start: int  # char
    end: int
    t0: int  # token
    t1: int
    announced: bool = False
    agent: bool = False


@dataclass
class _Candidate:
    place: Place
    t0: int
    t1: int
    role: str  # "loc", "origin", "other"
    near: bool
    anaphor: bool
    coord_prev: int | None = None  # index of the candidate it is coordinated with
    separate: bool = False  # a phrase of its own ("and south of X"), not a bare name
    relative: bool = False  # the anchor of a relative phrase ("south of X", "near X")
    bearing: bool = False  # ... of a direction or a distance ("west of X", "40 km from X")


@dataclass
class _Draft:
    type: str
    sentence: _Sentence
    t0: int
    place: Place
    geo_precision: str
    span: DateSpan
    actor: str | None
    target: str | None
    status: str
    claimed_by: str | None
    fatalities: int | None = None
    casualty: bool = False  # "killed in the battles for X": a count, maybe of another event


class _Extractor:
    def __init__(
        self,
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
        self.published = article.published
        # "Turkish-backed forces": the backer is not the one acting
        self.actor_mentions = [
            m for m in actors.find(self.text)
            if not _BACKED.match(self.text, m.end)
        ]  # fmt: skip
        self._actor_starts = [m.start for m in self.actor_mentions]
        self.mentions = self._usable_mentions(mentions)
        self._mention_starts = [m.start for m in self.mentions]
        self.cues = {k: self._spans(p) for k, p in lexicon.cues.items()}
        # "violated the truce by shelling X": a broken ceasefire negates nothing
        self.cues["negation"] = [
            (s, e) for s, e in self.cues["negation"]
            if not _VIOLATED.search(self.text, max(0, s - 40), s)
        ]  # fmt: skip
        self.threat = {k: self._spans(p) for k, p in lexicon.threat.items()}
        self.anaphors = []
        self.anaphor_near: set[int] = set()
        for s in self._spans(lexicon.place_anaphors):
            if self.text[s[0] : s[1]].lower() == "there" and _NOT_THERE.match(self.text, s[1]):
                continue
            if _NOT_ANAPHORIC.match(self.text, s[1]):
                part = _ANAPHOR_PART.match(self.text, s[1])
                if part is None:
                    continue
                if part.group("part").lower() in _EDGE_PARTS:
                    self.anaphor_near.add(s[0])
            self.anaphors.append(s)
        self.triggers = self._find_triggers()
        self.dates = self._find_dates()
        self.according = self._spans(lexicon.according_to)
        self.speech = self._spans(lexicon.attribution_verbs)
        self.names: dict[str, _Speaker] = {}
        self.last_speaker: _Speaker | None = None
        self.units = self._learn_units() if _UNIT_WORD.search(self.text) else {}
        self.prev_party: _Speaker | None = None  # a party speaking in the sentence before
        self.last_unit: str | None = None  # the last named unit that spoke
        self.unit_drafts: dict[str, list[_Draft]] = {}  # told by a unit of unknown side

    # -- preparation ------------------------------------------------------------------------

    def _spans(self, phrases: _PhraseSet) -> list[tuple[int, int]]:
        return phrases.spans(self.doc)

    def _usable_mentions(self, mentions: Sequence[PlaceMention]) -> list[PlaceMention]:
        out: list[PlaceMention] = []
        countries = self.lex.countries
        if countries and not self._about_theatre(mentions, countries):
            return out  # a report on another war; a lone look-alike name is no Libyan event
        for m in sorted(mentions, key=lambda m: (m.start, m.end)):
            if m.place is None or m.place.kind == "country":
                continue
            if countries and m.place.country not in countries:
                continue  # a place abroad is no event place on this map
            if m.place.kind == "region" and _BROAD_REGION.match(m.text):
                continue  # "western Libya", "the south": no point on a map
            if self._inside_actor(m.start, m.end):
                continue
            after = self.text[m.end : m.end + 40]
            if self.lex.place_modifiers.match(after.lstrip(" ")) or after.startswith("-based"):
                continue
            out.append(m)
        # "the Sirte and Jafra operations room": the first name modifies too
        modified = {
            m.start for m in mentions
            if m.place is not None and self.lex.place_modifiers.match(
                self.text[m.end : m.end + 40].lstrip(" "))
        }  # fmt: skip
        starts = {m.start for m in out}
        out = [
            m for m in out
            if not ((poss := re.match(r"['’]s\s+", self.text[m.end : m.end + 4]))
                    and m.end + poss.end() in starts)
        ]  # fmt: skip
        kept = []
        for m in out:
            tail = self.text[m.end : m.end + 60]
            link = re.match(r"\s*(?:,|and)\s+", tail)
            nxt = m.end + link.end() if link else -1
            if link and any(s == nxt for s in modified):
                continue
            kept.append(m)
        return kept

    @staticmethod
    def _about_theatre(mentions: Sequence[PlaceMention], countries: frozenset[str]) -> bool:
        """Whether an article is about the mapped countries.

        It is when it names one of them, or when at least half of its places lie there.
        """
        inside = outside = 0
        for m in mentions:
            if m.place is None:
                continue
            if m.place.country in countries:
                if m.place.kind == "country":
                    return True
                inside += 1
            elif m.place.kind != "country":  # foreign powers are named in any such report
                outside += 1
        return inside >= outside

    def _find_dates(self) -> list[DateMatch]:
        """Date expressions of the paragraphs that hold a trigger or a threat.

        The other paragraphs cannot date an event; skipping them saves most of the
        date scanning.
        """
        if self.published is None:
            return []
        wanted: dict[int, tuple[int, int]] = {}
        starts = [t.start for t in self.triggers if t.rule_type is not None] + [
            s for part in ("explicit", "demand", "consequence") for s, _ in self.threat[part]
        ]
        for t in self.triggers:
            if t.rule_type is None:  # "hit", "killed": only with an instrument near
                sent = self.doc.sentence_of(t.start)
                if sent is not None and self._type_of(sent, t) is not None:
                    starts.append(t.start)
        for start in starts:
            sent = self.doc.sentence_of(start)
            if sent is None or sent.paragraph in wanted:
                continue
            para = [x for x in self.doc.sentences if x.paragraph == sent.paragraph]
            wanted[sent.paragraph] = (para[0].start, para[-1].end)
        out = []
        for lo, hi in sorted(wanted.values()):
            for m in find_dates(self.text[lo:hi], self.published):
                out.append(replace(m, start=m.start + lo, end=m.end + lo))
        return out

    @staticmethod
    def _in(spans: list[tuple[int, int]], sent: _Sentence) -> list[tuple[int, int]]:
        lo = bisect.bisect_left(spans, (sent.start, -1))
        hi = bisect.bisect_left(spans, (sent.end, -1))
        return spans[lo:hi]

    def _inside_actor(self, start: int, end: int) -> bool:
        i = bisect.bisect_right(self._actor_starts, start) - 1
        return i >= 0 and self.actor_mentions[i].end >= end

    def _find_triggers(self) -> list[_Trigger]:
        found: list[_Trigger] = []
        for rule in self.lex.triggers:
            for start, end in rule.pattern.spans(self.doc):
                t0 = self.doc.token_at(start)
                t1 = max(t0 + 1, self.doc.token_at(end - 1) + 1)
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

    # -- per sentence -----------------------------------------------------------------------

    def run(self) -> list[_Draft]:
        drafts: list[_Draft] = []
        prev_drafts: list[_Draft] = []
        prev_sentence: _Sentence | None = None
        para_span: DateSpan | None = None
        story_span: DateSpan | None = None
        para_days: list[DateSpan] = []
        para = -1
        for sent in self.doc.sentences:
            if sent.paragraph != para:
                for span in para_days:
                    if self._recent(span) and (story_span is None or span.date > story_span.date):
                        story_span = span  # the latest day the story has reached
                para, para_span, para_days = sent.paragraph, None, []
            frames = self._frames(sent)
            opening = self._opening_date(sent)
            if opening is not None and opening.kind == "point":
                para_span = opening.span
            context = _Context(sent, frames, prev_drafts, prev_sentence, opening, para_span,
                               story_span)
            these = self._sentence_events(context)
            these += self._threats(context)
            these = _dedupe(these)
            if these and any(f.unit for f in frames if f.speaker.kind == "other"):
                self._infer_unit_sides(sent, frames, these)
            if these or prev_drafts:
                self._casualties(sent, these, prev_drafts)
            if not these and prev_drafts:
                denier = self._denies_previous(sent)
                if denier is not None:  # "... flew jets to X. Moscow denied it."
                    for d in prev_drafts:
                        d.status, d.claimed_by = "denied", denier
            if (these or prev_drafts) and self._in_sentence(self.lex.unconfirmed, sent):
                for d in these + (prev_drafts if prev_sentence is not None else []):
                    if d.status in ("claimed", "reported"):
                        d.status = "unconfirmed"
            for d in these:
                if d.span.precision == "day" and d.span.date_end is None:
                    para_span = d.span  # undated sentences after it follow the story
                    para_days.append(d.span)
            speakers = [f.speaker for f in frames if f.speaker.kind != "other"]
            if speakers:
                self.last_speaker = speakers[-1]
            self.prev_party = next((f for f in reversed(speakers) if f.kind == "party"), None)
            drafts += these
            prev_drafts = these
            prev_sentence = sent
        return _fold_sites(_fold_casualty_reports(drafts))

    def _denies_previous(self, sent: _Sentence) -> str | None:
        """The party of a short sentence denying the one before ("Moscow denied it.")."""
        m = _DENIES_PREVIOUS.match(self.text, sent.start, sent.end)
        if m is None:
            return None
        found = self._actors_between(sent.start, m.end("subject"))
        return found[-1].actor if found else None

    def _in_sentence(self, pattern: _PhraseSet, sent: _Sentence) -> bool:
        return pattern.search(self.text, sent.start, sent.end) is not None

    # -- attribution ------------------------------------------------------------------------

    def _frames(self, sent: _Sentence) -> list[_Frame]:
        doc = self.doc
        frames: list[_Frame] = []
        last_end = sent.t0
        for start, end in self._in(self.according, sent):
            v0, v1 = doc.token_at(start), doc.token_at(end - 1) + 1
            p1 = v1
            while p1 < sent.t1 and doc.lower[p1] not in (",", ".", ";", "that"):
                p1 += 1
            phrase = (v1, min(p1, v1 + 12))
            frames.append(_Frame(v0, v1, phrase, self._speaker(phrase, sent), "sentence"))
        according = [f.phrase[1] for f in frames]
        for start, end in _no_overlap(self._in(self.speech, sent)):
            v0, v1 = doc.token_at(start), doc.token_at(end - 1) + 1
            # "..., according to a paramedic, who said ...": the speaker's phrase starts after
            # the attribution before it
            last_end = max([last_end, *(p for p in according if p <= v0)])
            nxt = doc.lower[v1] if v1 < sent.t1 else "."
            prev = doc.lower[v0 - 1] if v0 > sent.t0 else ""
            rest = doc.lower[v1 : sent.t1]
            if prev in (",", '"', "”") and "that" not in rest and len(rest) <= 16 and (
                nxt in ("a", "an", "the", "its", "his", "their") or self.text[
                    doc.starts[v1]].isupper()
            ):
                # inverted: "..., said a statement by the office of X."
                phrase = (v1, sent.t1)
                scope = "sentence"
            elif nxt in (",", ".", "") or v1 >= sent.t1 or nxt in ("citing", "quoting") or (
                self._tail_attribution(sent, last_end, v0, v1)
            ):
                # post-posed: "..., Interfax reported.", "..., a local official said on Monday."
                p0 = v0
                while p0 > last_end and doc.lower[p0 - 1] != ",":
                    p0 -= 1
                if p0 == v0 and p0 - 1 > last_end:
                    # "..., Name, spokesman for X, said.": the speaker is set off by commas
                    p0 = self._appositive_start(sent, last_end, v0 - 1)
                phrase = (p0, v0)
                scope = "sentence"
            elif (quote := self._quote_end(sent, last_end, v0)) is not None:
                # after a quotation: '"We took the town," Name, spokesman for X, said on Monday.'
                phrase = (quote, v0)
                scope = "sentence"
            else:
                phrase = (last_end, v0)
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
                speaker = self._speaker(phrase, sent)
            frames.append(_Frame(v0, v1, phrase, speaker, scope, content,
                                 self._unit_speaking(phrase)))
            last_end = v1
        frames.sort(key=lambda f: f.verb_start)
        return frames

    def _appositive_start(self, sent: _Sentence, lo: int, comma: int) -> int:
        """Start of a speaker set off by commas before a speech verb (up to two segments).

        '"...," Name, spokesman for X, said': "Name, spokesman for X"; a segment with an
        event trigger or a quotation mark ends the speaker.
        """
        doc = self.doc
        start = end = comma
        for _ in range(2):
            k = end - 1
            while k > lo and doc.lower[k] not in (",", '"', "”", "“"):
                k -= 1
            segment = (k + 1, end)
            if segment[1] - segment[0] > 12 or segment[1] <= segment[0] or any(
                segment[0] <= t.t0 < segment[1] for t in self.triggers
            ):
                break
            start, end = segment[0], k
            if k <= lo or doc.lower[k] != ",":
                break
        return start

    def _tail_attribution(self, sent: _Sentence, lo: int, v0: int, v1: int) -> bool:
        """Whether a speech verb closes the sentence after a comma and a short speaker."""
        doc = self.doc
        end = self._frame_end(sent, v1)
        rest = doc.lower[v1:end]
        if len(rest) > 10 or "that" in rest or "," not in doc.lower[max(lo, v0 - 12) : v0]:
            return False
        return not any(v1 <= t.t0 < end for t in self.triggers)

    def _frame_end(self, sent: _Sentence, v1: int) -> int:
        """Where the words after a speech verb ending at ``v1`` stop belonging to it.

        "..., a doctor told Coastal Wire, adding that ...": a comma and a participle
        open another frame of the same speaker, and a semicolon another statement;
        otherwise the sentence's end.
        """
        doc = self.doc
        for k in range(v1, sent.t1 - 1):
            if doc.lower[k] == ";" or (doc.lower[k] == "," and doc.lower[k + 1].endswith("ing")):
                return k
        return sent.t1

    def _quote_end(self, sent: _Sentence, lo: int, v0: int) -> int | None:
        """The token after a quotation closing just before a speaker and a speech verb."""
        doc = self.doc
        for k in range(v0 - 1, max(lo, v0 - 20) - 1, -1):
            tok = doc.lower[k]
            if tok in ('"', "”") and k - 1 >= sent.t0 and doc.lower[k - 1] in (",", "?", "!"):
                opened = any(doc.lower[i] in ('"', "“") for i in range(sent.t0, k - 1))
                return k + 1 if opened and k + 1 < v0 else None
            if tok in (".", ";", "that"):
                return None
        return None

    def _speaker(self, phrase: tuple[int, int], sent: _Sentence) -> _Speaker:
        doc = self.doc
        t0, t1 = phrase
        if t1 <= t0:
            return _OTHER
        start, end = doc.starts[t0], doc.ends[t1 - 1]
        actors = [m for m in self.actor_mentions if start <= m.start and m.end <= end]
        role = self.lex.party_role.search(self.text, start, end) is not None
        if not actors and role and _POSSESSIVE.search(self.text, start, end):
            # "..., its spokesman said": the party is the sentence's subject
            actors = self._actors_between(doc.starts[sent.t0], start)[:1]
        reporter = self.lex.reporter.search(self.text, start, end) is not None and not (
            _PARTY_MEDIA.search(self.text, start, end)
        )
        names = self._person_names(start, end)
        speaker: _Speaker | None = None
        unit = self._known_unit(start, end) if not actors else None
        if actors and role:
            speaker = _Speaker("party", actors[0].actor)
        elif reporter:
            speaker = _Speaker("reporter")
        elif actors:
            speaker = _Speaker("party", actors[0].actor)
        elif unit is not None:
            speaker = _Speaker("party", unit)  # "the Sirte Protection Force said"
        else:
            whole = self.text[start:end].strip(" ,")
            core = whole.rsplit(",", 1)[-1].strip()
            pron = self.lex.pronouns.match(core) or self.lex.pronouns.match(whole)
            if self.last_unit is not None and _UNIT_PRONOUN.fullmatch(core.lower()):
                pass  # "the force said": the unit named last, whose side may be unknown
            elif pron and self.last_speaker is not None:
                speaker = self.last_speaker
            else:
                for name in names:
                    found = self._lookup_name(name)
                    if found is not None:
                        speaker = found
                        break
            if (speaker is None and self.prev_party is not None
                    and _SPOKESMAN.search(self.text, start, end)
                    and not _OTHER_BODY.search(self.text, start, end)):
                # "military spokesman Ali Saleh said": the party announcing just before
                speaker = self.prev_party
            elif (speaker is None and self.last_speaker is not None
                  and self.last_speaker.kind == "party"
                  and _PARTY_MEDIA.search(self.text, start, end)):
                speaker = self.last_speaker  # "the operation's media centre said"
        if speaker is None:
            return _OTHER
        if self.lex.person_roles.search(self.text, start, end) or reporter:
            for name in names:
                key = _name_key(name)
                if key:
                    self.names.setdefault(key, speaker)
        return speaker

    def _known_unit(self, start: int, end: int) -> str | None:
        """The party of a unit named in a span, when the article says whose it is."""
        for m in _UNIT_NAME.finditer(self.text, start, end):
            party = self._unit_party(_unit_key(m.group(0)))
            if party is not None:
                return party
        core = self.text[start:end].strip(" ,").lower()
        if self.last_unit is not None and _UNIT_PRONOUN.fullmatch(core):
            return self._unit_party(self.last_unit)  # "the force said"
        return None

    def _unit_party(self, key: str) -> str | None:
        """The party of a unit, matching "X Protection and Security Force" to "X ... Force"."""
        if key in self.units:
            return self.units[key]
        words = key.split()
        for known, party in self.units.items():
            other = known.split()
            if words and other and words[0] == other[0] and words[-1] == other[-1]:
                return party
        return None

    def _unit_speaking(self, phrase: tuple[int, int]) -> str | None:
        """The unit a speaker phrase names or points back to; remembered for "the force"."""
        if phrase[1] <= phrase[0]:
            return None
        start, end = self.doc.starts[phrase[0]], self.doc.ends[phrase[1] - 1]
        found = [_unit_key(m.group(0)) for m in _UNIT_NAME.finditer(self.text, start, end)]
        if found:
            self.last_unit = found[-1]
            return found[-1]
        if _UNIT_PRONOUN.fullmatch(self.text[start:end].strip(" ,").lower()):
            return self.last_unit
        return None

    def _infer_unit_sides(self, sent: _Sentence, frames: list[_Frame], these: list[_Draft]) -> None:
        """Learn a unit's side from its own report of the enemy's act against it.

        "The X Force said Haftar's drones struck its positions": the force is Haftar's
        enemy, so its claims (here and later) are the GNA's.
        """
        for f in frames:
            if f.speaker.kind != "other" or f.unit is None or self._unit_party(f.unit):
                continue
            for d in these:
                enemy = _OPPONENT.get(d.actor or "")
                if enemy is None:
                    continue
                tail = self.text[self.doc.starts[d.t0] : sent.end]
                if _AGAINST_OWN.search(tail):
                    self.units[f.unit] = enemy
                    f.speaker = _Speaker("party", enemy)
                    break
        for f in frames:
            if f.unit is None or f.speaker.kind not in ("other", "party"):
                continue
            told = self.unit_drafts.setdefault(f.unit, [])
            told.extend(d for d in these if d.status == "reported" and d.claimed_by is None)
            party = self._unit_party(f.unit)
            if party is not None:
                # what the unit said before its side became clear is its side's claim too
                for d in told:
                    if d.status == "reported" and d.claimed_by is None:
                        d.status, d.claimed_by = "claimed", party
                told.clear()

    def _learn_units(self) -> dict[str, str]:
        """Units whose side the article states.

        "the GNA's Sirte Protection Force", "the 166th Brigade, which is loyal to the GNA",
        "the LNA-aligned Tariq bin Ziyad Brigade".
        """
        units: dict[str, str] = {}
        text = self.text
        for m in _UNIT_NAME.finditer(text):
            key = _unit_key(m.group(0))
            if not key or key in units:
                continue
            before = self._actors_between(max(0, m.start() - 40), m.start())
            if before and _UNIT_OWNER_BEFORE.fullmatch(text, before[-1].end, m.start()):
                units[key] = before[-1].actor
                continue
            tail = _UNIT_OWNER_AFTER.match(text, m.end())
            if tail is not None:
                after = self._actors_between(tail.end(), tail.end() + 50)
                if after and after[0].start == tail.end():
                    units[key] = after[0].actor
        return units

    def _person_names(self, start: int, end: int) -> list[str]:
        """Runs of capitalised words in a span that are neither actors nor places."""
        names = []
        for m in _PERSON_NAME.finditer(self.text, start, end):
            s, e = m.start(), m.end()
            if any(a.start < e and s < a.end for a in self.actor_mentions) or any(
                p.start < e and s < p.end for p in self.mentions
            ):
                continue
            words = m.group(0).split()
            while words and words[0].lower() in _TITLE_WORDS:
                words = words[1:]
            if words and words[-1].lower() not in _TITLE_WORDS:
                names.append(" ".join(words))
        return names

    def _lookup_name(self, name: str) -> _Speaker | None:
        key = _name_key(name)
        if not key:
            return None
        if key in self.names:
            return self.names[key]
        skeleton = _skeleton(key)
        for known, speaker in self.names.items():
            if len(skeleton) >= 2 and _skeleton(known) == skeleton and known[0] == key[0]:
                return speaker
        return None

    def _frame_for(self, frames: list[_Frame], token: int) -> _Frame | None:
        before = [f for f in frames if f.verb_end <= token and f.scope == "after"]
        if before:
            return before[-1]
        for f in frames:
            if f.scope == "sentence" and not (f.phrase[0] <= token < f.phrase[1]):
                return f
        return None

    # -- dates ------------------------------------------------------------------------------

    def _opening_date(self, sent: _Sentence) -> DateMatch | None:
        for m in self.dates:
            if sent.start <= m.start < sent.end:
                if self.doc.token_at(m.start) - sent.t0 <= 2 and m.kind != "deadline":
                    return m
                return None
        return None

    def _date_for(
        self, ctx: _Context, token: int, frame: _Frame | None = None
    ) -> tuple[DateSpan, bool]:
        """The event's date, and whether it is ongoing ("since").

        Among the dates of the trigger's clause the nearest wins; one that dates the
        speaking ("said last month that ...") or stands before a comma ("in April, took
        X on May 18") counts as farther away.
        """
        sent = ctx.sentence
        doc = self.doc
        clause = doc.clause_of(sent, token)
        content = -1
        if frame is not None and frame.scope == "after" and frame.verb_end <= token:
            content = max(frame.content, frame.verb_end)
        best: tuple[int, DateMatch] | None = None
        for m in self.dates:
            if not (sent.start <= m.start < sent.end) or _is_deadline(m):
                continue
            d0 = doc.token_at(m.start)
            if doc.clause_of(sent, d0) != clause:
                continue
            lo, hi = sorted((d0, token))
            distance = sum(1 for i in range(lo, hi) if sent.clause[i - sent.t0] == clause)
            if distance > 15:
                continue
            if d0 < content:
                distance += 8
            if d0 < token and "," in doc.lower[d0:token]:
                distance += 5
            if best is None or distance < best[0]:
                best = (distance, m)
        if best is not None:
            return best[1].span, best[1].kind == "since"
        year = self._bare_year(sent, clause, token)
        if year is not None:
            return year, False  # "the 2011 revolution", "Haftar's 2019 offensive"
        if ctx.opening is not None:
            return ctx.opening.span, ctx.opening.kind == "since"
        # another clause of the sentence: a sentence mostly tells of one time ("Sirte was
        # freed in December 2016 by ..., after months of fighting")
        nearest: tuple[int, DateMatch] | None = None
        for m in self.dates:
            if not (sent.start <= m.start < sent.end) or _is_deadline(m):
                continue
            d0 = self.doc.token_at(m.start)
            c0, _ = self.doc.clause_bounds(sent, self.doc.clause_of(sent, d0))
            if self.doc.lower[c0] in _SUBORDINATORS and "," not in self.doc.lower[c0:d0]:
                # "- after taking X in early June -" dates only its own clause; past its
                # closing comma ("X, where ..., killed nine people on Monday") it does not
                continue
            distance = abs(d0 - token)
            if nearest is None or distance < nearest[0]:
                nearest = (distance, m)
        if nearest is not None:
            return nearest[1].span, nearest[1].kind == "since"
        if ctx.para_span is not None:
            return ctx.para_span, False
        if ctx.story_span is not None:
            return ctx.story_span, False
        assert self.published is not None
        return DateSpan(self.published, None, "published"), False

    def _bare_year(self, sent: _Sentence, clause: int, token: int) -> DateSpan | None:
        """A past year written as an adjective near a trigger ("the 2011 uprising")."""
        assert self.published is not None
        doc = self.doc
        c0, c1 = doc.clause_bounds(sent, clause)
        for i in range(max(c0, token - 12), min(c1, token + 12)):
            tok = doc.lower[i]
            if len(tok) == 4 and tok.isdigit() and 1950 <= int(tok) < self.published.year:
                year = int(tok)
                return DateSpan(dt.date(year, 1, 1), dt.date(year, 12, 31), "year")
        return None

    def _deadline(self, sent: _Sentence, clause: int) -> DateMatch | None:
        for m in self.dates:
            if sent.start <= m.start < sent.end and _is_deadline(m):
                if self.doc.clause_of(sent, self.doc.token_at(m.start)) == clause:
                    return m
        return None

    def _recent(self, span: DateSpan) -> bool:
        """Whether a day is close enough to publication to date the running story."""
        assert self.published is not None
        return 0 <= (self.published - span.last).days <= _STORY_DAYS

    def _is_background(self, span: DateSpan, ongoing: bool) -> bool:
        """Whether an event ended, or (ongoing) began, ``background_days`` before publication.

        "Since April 4" a week ago is news; an offensive going on "since April last year"
        is the war's background, not a happening to map.
        """
        if self.published is None or span.precision == "published":
            return False
        day = span.date if ongoing else span.last
        return (self.published - day).days > self.lex.background_days

    # -- events -----------------------------------------------------------------------------

    def _sentence_events(self, ctx: _Context) -> list[_Draft]:
        sent = ctx.sentence
        out: list[_Draft] = []
        question = self.text[sent.start : sent.end].rstrip().rstrip("\"”’").endswith("?")
        weak: set[int] = set()
        for trig in self.triggers:
            if not (sent.start <= trig.start < sent.end):
                continue
            kind = self._type_of(sent, trig)
            if kind is None or question:
                continue
            support = self._supported(sent, trig) if trig.form == "noun" else "strong"
            if not support:
                continue
            if trig.form == "verb" and self._modifier(sent, trig):
                continue  # "the retreating militias", "an advancing column"
            if trig.agent and not self._armed_subject(sent, trig):
                continue  # "cadets gathered", "residents fled"
            frame = self._frame_for(ctx.frames, trig.t0)
            mood = self._mood(sent, trig, frame)
            speaker = frame.speaker if frame else None
            if "background" in mood:
                continue  # "have been exchanging fire for weeks", "after months of fighting"
            if "attempt" in mood and kind in ("capture", "ground_attack"):
                kind = "ground_attack"  # "tried to advance on X": the attack happened
            elif kind == "capture" and trig.place != "before" and self._takes_position(trig):
                kind = "ground_attack"  # "overran an LNA checkpoint near X"
            party = speaker is not None and speaker.kind == "party"
            negated = bool(mood & {"negation", "denial"})
            if "irrealis" in mood:
                continue  # a plan, a possibility, a condition, a purpose
            if "future" in mood and not (trig.announced and party and not negated):
                continue
            if "negation" in mood and "denial" not in mood and not party:
                continue  # it did not happen, on the outlet's word
            status, claimed_by = _status_of(speaker)
            if negated:
                status = "denied"
                if not party:
                    claimed_by = self._denier(sent, trig)
            places = self._places_for(ctx, trig, kind)
            if support == "weak":
                # "after clashes in X" names its place; "after the attack" points back
                places = [(c, p) for c, p in places if self._own_phrase(trig, c)]
            if not places:
                continue
            if self._undated_aside(sent, trig):
                continue  # "the advance came days after forces overran X": when, untold
            span, ongoing = self._date_for(ctx, trig.t0, frame)
            if self._is_background(span, ongoing):
                continue
            actor, target = self._actor_target(sent, trig, kind, frame)
            casualty = kind == "clash" and trig.form == "noun" and self._casualty_report(sent, trig)
            for cand, precision in places:
                out.append(
                    _Draft(kind, sent, trig.t0, cand.place, precision, span, actor, target,
                           status, claimed_by, casualty=casualty)
                )  # fmt: skip
                if self.doc.lower[trig.t0].startswith("kill"):
                    weak.add(id(out[-1]))
        if len(weak) < len(out):
            # "a drone struck X, killing three": the killing is that strike's toll
            out = [d for d in out if id(d) not in weak]
        return out

    def _undated_aside(self, sent: _Sentence, trig: _Trigger) -> bool:
        """An event placed only "days after" or "weeks before" another, with no date of its own."""
        doc = self.doc
        before = self.text[doc.starts[max(sent.t0, trig.t0 - 10)] : trig.start]
        if not _DAYS_APART.search(before):
            return False
        clause = doc.clause_of(sent, trig.t0)
        return not any(
            sent.start <= m.start < sent.end and not _is_deadline(m)
            and doc.clause_of(sent, doc.token_at(m.start)) == clause
            for m in self.dates
        )  # fmt: skip

    def _modifier(self, sent: _Sentence, trig: _Trigger) -> bool:
        """A participle used as an adjective: "the retreating forces", "its advancing units"."""
        word = self.doc.lower[trig.t0]
        if trig.t1 - trig.t0 > 1 or not word.endswith(("ing", "ed")):
            return False
        prev = self.doc.lower[trig.t0 - 1] if trig.t0 > sent.t0 else ""
        return prev in _DETERMINERS

    def _armed_subject(self, sent: _Sentence, trig: _Trigger) -> bool:
        """Whether armed forces come before a trigger in its clause (its likely subject)."""
        doc = self.doc
        clause = doc.clause_of(sent, trig.t0)
        c0, _ = doc.clause_bounds(sent, clause)
        lo = max(c0, trig.t0 - 12)
        if any(doc.lower[i] in _FORCE_WORDS for i in range(lo, trig.t0)):
            return True
        # "the LNA left Sirte", not "Haftar left Benghazi for talks" (a person travels)
        return any(
            self.text[m.start : m.end].isupper()
            for m in self._actors_between(doc.starts[lo], trig.start)
        )

    def _takes_position(self, trig: _Trigger) -> bool:
        """Whether a capture verb's object is a position, not a place ("overran a checkpoint")."""
        doc = self.doc
        for i in range(trig.t1, min(len(doc.lower), trig.t1 + 5)):
            tok = doc.lower[i]
            if tok in _POSITION_NOUNS:
                return True
            if tok in _LOCATIVE or tok in (",", ".", ";", "of", "and"):
                return False
        return False

    def _casualty_report(self, sent: _Sentence, trig: _Trigger) -> bool:
        """Whether "N fighters were killed in the battles for X" reports a count, not a clash."""
        doc = self.doc
        before = self.text[doc.starts[max(sent.t0, trig.t0 - 14)] : trig.start]
        return _CASUALTY_BEFORE.search(before) is not None

    def _denier(self, sent: _Sentence, trig: _Trigger) -> str | None:
        """The party named before the denial cue that governs a trigger."""
        cues = [s for s, e in self.cues["denial"] if sent.start <= s and e <= trig.start]
        if not cues:
            return None
        found = self._actors_between(self.doc.starts[sent.t0], cues[-1])
        return found[-1].actor if found else None

    def _type_of(self, sent: _Sentence, trig: _Trigger) -> str | None:
        if not trig.refine:
            return trig.rule_type
        doc = self.doc
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
        for kind, pattern in self.lex.instruments:
            if pattern.search(self.text, lo, hi):
                return kind
        return trig.rule_type

    def _supported(self, sent: _Sentence, trig: _Trigger) -> str:
        """How a noun trigger is supported: "strong", "weak" or "" (not at all).

        "weak": only a preposition ("after the attack", "amid clashes") stands by it;
        such a noun often points back to an event told before.
        """
        doc = self.doc
        lo = doc.starts[max(sent.t0, trig.t0 - 6)]
        weak = False
        for m in self.lex.support_before.finditer(self.text, lo, trig.start):
            between = doc.lower[doc.token_at(m.end()) : trig.t0]
            if not any(t in (".", ";") for t in between):
                if m.group(0).lower() in _WEAK_SUPPORT:
                    weak = True
                else:
                    return "strong"
        # after the noun, up to the next punctuation ("An airstrike on a school in X killed ...")
        hi_tok = trig.t1
        while hi_tok < min(sent.t1, trig.t1 + 10) and doc.lower[hi_tok] not in (",", ";", "."):
            hi_tok += 1
        hi = doc.ends[hi_tok - 1] if hi_tok > trig.t1 else trig.end
        if self.lex.support_after.search(self.text, trig.end, hi) is not None:
            return "strong"
        # past a relative clause set off by commas: "A drone strike on the town hall in X,
        # where elders had gathered, killed 40 people"
        if (
            hi_tok + 1 < sent.t1 and doc.lower[hi_tok] == ","
            and doc.lower[hi_tok + 1] in _RELATIVE_OPENERS
        ):
            k = hi_tok + 2
            while k < min(sent.t1, hi_tok + 16) and doc.lower[k] not in (",", ";", "."):
                k += 1
            if k + 1 < sent.t1 and doc.lower[k] == ",":
                end = min(sent.t1, k + 4)
                if self.lex.support_after.search(
                    self.text, doc.starts[k + 1], doc.ends[end - 1]
                ) is not None:
                    return "strong"
        return "weak" if weak else ""

    def _mood(self, sent: _Sentence, trig: _Trigger, frame: _Frame | None) -> set[str]:
        """Return the cues governing a trigger: "denial", "negation", "irrealis", "future".

        An empty set is a plain report of a happening.

        Cues count in the trigger's clause, within ``cue_window`` tokens before it and
        after the attribution verb that introduces it (the speaker's own words are not
        the happening's modality).
        """
        doc = self.doc
        clause = doc.clause_of(sent, trig.t0)
        c0, _ = doc.clause_bounds(sent, clause)
        first = max(c0, trig.t0 - self.lex.cue_window)
        if frame is not None and frame.scope == "after" and frame.verb_end <= trig.t0:
            first = max(first, frame.verb_end)
        lo = doc.starts[min(first, trig.t0)]
        # a denial counts even before the attribution verb ("X denied reports that ...")
        lo_denial = doc.starts[min(max(c0, trig.t0 - self.lex.cue_window), trig.t0)]
        # the verb that carries the trigger: "launched" in "launched an attack"
        head = trig.t0
        if trig.form == "noun":
            for m in self.lex.support_before.finditer(
                self.text, doc.starts[max(sent.t0, trig.t0 - 5)], trig.start
            ):
                head = min(head, doc.token_at(m.start()))
        # an attempt that was made ("tried to advance"): its cue and its "to" are no plan
        attempt_start = None
        ahead = doc.starts[max(sent.t0, head - 6)]
        attempt = _ATTEMPT.search(self.text, ahead, doc.starts[head])
        if attempt is not None and doc.clause_of(sent, doc.token_at(attempt.start())) == clause:
            attempt_start = attempt.start()
        found: set[str] = set()
        for kind in ("denial", "negation", "irrealis", "future"):
            for s, e in self.cues[kind]:
                if (lo_denial if kind == "denial" else lo) <= s and e <= trig.start:
                    if attempt_start is not None and s >= attempt_start:
                        continue
                    if doc.clause_of(sent, doc.token_at(s)) == clause:
                        found.add(kind)
        if attempt_start is not None:
            found.add("attempt")
        # an infinitive: "to capture the city", "to launch an attack"
        elif head - 1 >= sent.t0 and doc.lower[head - 1] == "to" and not (
            head - 2 >= sent.t0 and doc.lower[head - 2] in _TO_PREPOSITION
        ) and not _done_to(doc.lower, sent.t0, head - 1):
            found.add("irrealis")
        # ongoing background: "after months of fighting", "have been exchanging fire for weeks"
        near_before = self.text[doc.starts[max(sent.t0, head - 4)] : trig.start]
        if _LONG_BEFORE.search(near_before):
            found.add("background")
        elif _PERFECT_PROGRESSIVE.search(
            self.text, doc.starts[max(sent.t0, head - 4)], doc.starts[head] + len(doc.lower[head])
        ) and doc.lower[head].endswith("ing"):
            _, c1 = doc.clause_bounds(sent, clause)
            c0, _ = doc.clause_bounds(sent, clause)
            if _FOR_LONG.search(self.text, doc.starts[c0], doc.ends[c1 - 1]):
                found.add("background")
        # a bare verb ("and withdraw", "would strengthen") reports no happening by itself
        if trig.form == "verb" and not found and all(
            _base_form(tok) for tok in doc.lower[trig.t0 : trig.t1]
        ) and not (
            trig.t0 - 1 >= sent.t0 and doc.lower[trig.t0 - 1] == "to"
            and _done_to(doc.lower, sent.t0, trig.t0 - 1)
        ):
            found.add("irrealis")
        if "future" in found:
            # "will send troops if asked": a condition after the trigger, same clause
            _, c1 = doc.clause_bounds(sent, clause)
            if _CONDITION.search(self.text, trig.end, doc.ends[c1 - 1]):
                found.add("irrealis")
        return found

    # -- places -----------------------------------------------------------------------------

    def _candidates(self, ctx: _Context, clause: int) -> list[_Candidate]:
        sent = ctx.sentence
        doc = self.doc
        out: list[_Candidate] = []
        speaking = self._speaker_spans(ctx)
        for m in self.mentions:
            if not (sent.start <= m.start < sent.end):
                continue
            t0 = doc.token_at(m.start)
            if doc.clause_of(sent, t0) != clause:
                continue
            if any(a <= t0 < b for a, b in speaking):
                continue  # "medics in Misrata said", "told reporters in Benghazi that"
            t1 = doc.token_at(m.end - 1) + 1
            role, near, coord = self._role(sent, t0, out, t1)
            assert m.place is not None
            cand = _Candidate(m.place, t0, t1, role, near or m.is_relative, False)
            cand.relative = m.relation is not None and m.relation != "between"
            cand.bearing = m.bearing is not None or m.distance_km is not None
            if coord is not None:
                cand.coord_prev, cand.separate = coord
                cand.separate = (
                    cand.separate
                    or (m.is_relative and m.relation != "between")
                    or m.text[:1].islower()
                )
            out.append(cand)
        for s, e in self.anaphors:
            if not (sent.start <= s < sent.end):
                continue
            t0 = doc.token_at(s)
            if doc.clause_of(sent, t0) != clause:
                continue
            if any(a <= t0 < b for a, b in speaking):
                continue  # "according to a paramedic in the area"
            t1 = doc.token_at(e - 1) + 1
            if any(
                c.t0 <= t0 < c.t1 or c.t0 == t1
                or (c.t0 == t1 + 1 and doc.lower[t1] in ("of", ",", "(", "’s", "'s"))
                for c in out if not c.anaphor
            ):
                continue  # "the city of Sirte", "the town, Gharyan": the name is given
            place = self._antecedent(ctx, t0, _ANAPHOR_KINDS.get(doc.lower[t1 - 1]),
                                     possessive=doc.lower[t0] in ("its", "their", "his"))
            if place is None:
                continue
            role, near, _ = self._role(sent, t0, [])
            cand = _Candidate(place, t0, t1, role, near or s in self.anaphor_near, True)
            cand.relative = cand.near
            out.append(cand)
        return self._drop_descriptive(out)

    def _residents_of(self, t0: int) -> bool:
        """Whether the place at token ``t0`` is where speakers live ("residents of X")."""
        lower = self.doc.lower
        return t0 >= 2 and lower[t0 - 1] in ("of", "in") and lower[t0 - 2] in _DWELLERS

    def _speaker_spans(self, ctx: _Context) -> list[tuple[int, int]]:
        """Token spans naming who speaks and where ("a commander in Zawiya said that").

        A place opening the sentence before the speaker ("In Sirte, residents said that")
        stays an event place.
        """
        doc = self.doc
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
                spans.append((f.verb_start, self._frame_end(ctx.sentence, f.verb_end)))
            spans.append((a, b))
        return spans

    def _drop_descriptive(self, cands: list[_Candidate]) -> list[_Candidate]:
        """Drop anchors that only describe where another place lies.

        "in Aziziya, a town 40 km south of the capital", "the Ghardabiya air base south
        of the city", "Abu Salim (on the outskirts of Tripoli)": the event is at the first
        place; "the coastal towns west of the capital": at unnamed towns, not at the anchor.
        """
        doc = self.doc
        out = []
        for c in cands:
            if c.relative:
                j = c.t0 - 1
                while j > c.t0 - 12 and j >= 0 and (
                    doc.lower[j] in _RELATION_WORDS or doc.lower[j].isdigit()
                    or doc.lower[j] in _NUMBER_WORDS
                ):
                    j -= 1
                if j >= 0 and doc.lower[j] in _PLURAL_SETTLEMENTS:
                    continue  # "towns west of the capital"
                described = False
                for p in cands:
                    if p is c or p.t1 > c.t0 or c.t0 - p.t1 > 14:
                        continue
                    between = doc.lower[p.t1 : c.t0]
                    if all(t in _APPOSITION_WORDS or t.isdigit() or t in _NUMBER_WORDS
                           for t in between):
                        described = True
                        break
                if described:
                    continue
            out.append(c)
        return out

    def _role(
        self, sent: _Sentence, t0: int, earlier: list[_Candidate], t1: int | None = None
    ) -> tuple[str, bool, tuple[int, bool] | None]:
        """Walk back from a place name to the word that governs it.

        Returns the role ("loc", "origin" or "other"), whether a relative word
        ("south of", "near") stands before it, and, for a coordinated name, the
        index of the earlier candidate and whether it is a phrase of its own.
        """
        role, near, coord = self._role_back(sent, t0, earlier)
        if role == "other" and t1 is not None:
            # "Misrata was bombed", "Misrata would be targeted": the place suffers the event
            ahead = [j for j in range(t1, min(sent.t1, t1 + 4))]
            if ahead and self.doc.lower[ahead[0]] in _AUXILIARIES and any(
                t.t0 in ahead[1:] for t in self.triggers
            ):
                role = "loc"
        return role, near, coord

    def _role_back(
        self, sent: _Sentence, t0: int, earlier: list[_Candidate]
    ) -> tuple[str, bool, tuple[int, bool] | None]:
        doc = self.doc
        near = False
        steps = 0
        j = t0 - 1
        passed_words = False
        while j >= sent.t0 and steps < 8:
            tok = doc.lower[j]
            if tok == "of" and j - 1 >= sent.t0 and doc.lower[j - 1] == "out":
                return "origin", near, None  # "pulled out of Sirte", "driven out of X"
            if self.lex.near_cues.fullmatch(tok):
                near = True
            for k in range(len(earlier) - 1, -1, -1):
                cand = earlier[k]
                if cand.t1 == j and tok in ("and", ","):
                    return cand.role, near or (cand.near and not passed_words), (k, passed_words)
            if tok in _LOCATIVE or tok in _ORIGIN:
                role = "loc" if tok in _LOCATIVE else "origin"
                # "in Sirte and near X": a phrase of its own coordinated with the last one
                k = j - 1
                if k >= sent.t0 and doc.lower[k] in ("and", ","):
                    for i in range(len(earlier) - 1, -1, -1):
                        if earlier[i].t1 in (k, k - 1):
                            return earlier[i].role, near, (i, True)
                return role, near, None
            if any(t.t0 <= j < t.t1 for t in self.triggers) or self._in_threat_span(j):
                return "loc", near, None
            if tok in _NP_WORDS or tok in ('"', "“", "”", "'", "’s", "'s") or tok.isdigit():
                passed_words = True
                j -= 1
                steps += 1
                continue
            return "other", near, None
        return "other", near, None

    def _in_threat_span(self, token: int) -> bool:
        start = self.doc.starts[token]
        return any(s <= start < e for s, e in self.threat["explicit"])

    def _antecedent(
        self, ctx: _Context, t0: int, kinds: frozenset[str] | None = None, *,
        possessive: bool = False,
    ) -> Place | None:
        """The place an anaphor points back to.

        ``kinds``: the kinds of place it can be ("the city" is a city or a town); then the
        most recent such place in the article counts. ``possessive`` ("their city"): the
        place the subject comes from counts too.
        """
        sent = ctx.sentence
        doc = self.doc

        def fits(place: Place | None) -> bool:
            return place is not None and (kinds is None or place.kind in kinds)

        # places of the attribution ("told a news conference in Benghazi that") do not
        # count, but for the place the speakers live in ("residents of Gharyan said ...
        # there")
        spans = [(f.phrase[0], max(f.content, f.verb_end)) for f in ctx.frames]
        before = [
            m for m in self.mentions
            if sent.start <= m.start and doc.token_at(m.start) < t0
            and (
                not any(a <= doc.token_at(m.start) < b for a, b in spans)
                or self._residents_of(doc.token_at(m.start))
            )
        ]  # fmt: skip
        for m in reversed(before):
            m0 = doc.token_at(m.start)
            role, _, _ = self._role(sent, m0, [])
            if role == "origin" and possessive:
                # "fighters from Zawiya ... their city", not "pull their forces out from X"
                if any(max(sent.t0, m0 - 7) <= t.t0 < m0 for t in self.triggers):
                    continue
            elif role == "origin":
                continue
            if fits(m.place):
                return m.place
        if kinds is not None:
            lo = bisect.bisect_left(self._mention_starts, sent.start)
            earlier = [d.place for d in reversed(ctx.prev_drafts)] + [
                m.place for m in reversed(self.mentions[max(0, lo - 40) : lo])
                if m.place is not None
            ]  # fmt: skip
            if "city" in kinds:
                # "the city": the last city named, else the last town
                for place in earlier:
                    if place.kind == "city":
                        return place
            for place in earlier:
                if fits(place):
                    return place
            return None
        if ctx.prev_drafts:
            return ctx.prev_drafts[-1].place
        if ctx.prev_sentence is not None:
            prev = ctx.prev_sentence
            in_prev = [m for m in self.mentions if prev.start <= m.start < prev.end]
            for m in in_prev:
                if m.place is not None and m.place.kind != "region":
                    return m.place
            if in_prev:
                return in_prev[0].place
        return None

    def _places_for(
        self, ctx: _Context, trig: _Trigger, kind: str
    ) -> list[tuple[_Candidate, str]]:
        sent = ctx.sentence
        clause = self.doc.clause_of(sent, trig.t0)
        cands = self._candidates(ctx, clause)
        if trig.place == "after":
            cands = [c for c in cands if c.t0 >= trig.t1 and c.t0 - trig.t1 <= 10
                     and c.role != "origin"]
        elif trig.place == "before":
            cands = [c for c in cands if c.t1 <= trig.t0 and trig.t0 - c.t1 <= 4]
        elif trig.place == "object" and kind == "ground_attack":
            # "overran a checkpoint near X", "tried to capture X": the place after the verb
            cands = [c for c in cands if c.t0 >= trig.t1 and c.t0 - trig.t1 <= 12]
        elif trig.place == "object":
            cands = [c for c in cands if c.t0 >= trig.t1 and self._object_gap(trig.t1, c.t0)]
        if kind == "withdrawal":
            # "withdrew towards X", "left for X": X is where they went, not the place left
            cands = [c for c in cands if self._preposition(sent, c.t0) not in _DESTINATION]
        if not cands:
            return []

        def rank(c: _Candidate) -> tuple[int, int]:
            after = c.t0 >= trig.t1
            locative = c.role == "loc" or (c.role == "origin" and kind == "withdrawal")
            if kind == "withdrawal" and c.role == "origin":
                tier = 0  # the place left, not the one fallen back to
            elif locative:
                tier = (0 if after else 1) + (kind == "withdrawal")
            elif c.role == "origin" and kind == "threat":
                tier = 2
            else:
                tier = 3
            distance = c.t0 - trig.t1 if after else trig.t0 - c.t1
            return tier, distance + 3 * int(c.anaphor)

        ordered = sorted(cands, key=rank)
        best = ordered[0]
        best = self._more_specific(best, cands, kind)
        chosen = [best]
        if best.t0 >= trig.t1:
            index = {id(c): i for i, c in enumerate(cands)}
            link = index[id(best)]
            for i, c in enumerate(cands):
                if c.coord_prev is None or not _chain(cands, i, link):
                    continue
                # "took Asabaa and Mizdah": two towns taken are two happenings
                apart = kind == "capture" and not c.anaphor and haversine_km(
                    c.place.lat, c.place.lon, best.place.lat, best.place.lon
                ) > settings.merge_distance_km
                if c.separate or apart:
                    chosen.append(c)
        return [(c, _precision(c)) for c in chosen]

    def _trigger_between(self, lo: int, hi: int, kind: str) -> bool:
        """Whether a trigger of another type stands between two tokens."""
        return any(lo <= t.t0 < hi and t.rule_type not in (kind, None) for t in self.triggers)

    def _own_phrase(self, trig: _Trigger, cand: _Candidate) -> bool:
        """Whether a place stands in a noun's own phrase ("clashes in the town of X")."""
        words = self.doc.lower[trig.t1 : cand.t0]
        if self.doc.lower[trig.t1 - 1] in _LOCATIVE or self.doc.lower[trig.t1 - 1] == "of":
            words = ["of", *words]  # "the fall of X": the trigger ends in its preposition
        return (
            not cand.anaphor and 0 < len(words) <= 5 and words[0] in (*_LOCATIVE, "of")
            and all(w in _LOCATIVE or w in _NP_WORDS for w in words[1:] if w != "and")
            and "and" not in words
        )

    def _object_gap(self, t1: int, t0: int) -> bool:
        """Whether only a noun phrase's words stand between a verb and a place (its object).

        "took the town of X", "abandoned their positions in X"; not "took part in X".
        """
        if t0 - t1 > 8:
            return False
        words = self.doc.lower[t1:t0]
        for k, tok in enumerate(words):
            if tok in _OBJECT_BLOCK:
                return False
            if tok in _LOCATIVE or tok in _ORIGIN:
                if not (k > 0 and words[k - 1] in _POSITION_NOUNS and tok != "to"):
                    return False
        return True

    def _preposition(self, sent: _Sentence, t0: int) -> str | None:
        """The preposition governing a place, past the words of its noun phrase."""
        doc = self.doc
        j = t0 - 1
        while j >= sent.t0 and t0 - j <= 8:
            tok = doc.lower[j]
            if tok in _LOCATIVE or tok in _ORIGIN or tok == "for":
                return tok
            if tok not in _NP_WORDS and not tok.isdigit() and tok not in ("’s", "'s", ","):
                return None
            j -= 1
        return None

    def _more_specific(
        self, best: _Candidate, cands: list[_Candidate], kind: str
    ) -> _Candidate:
        """Prefer a named district to the city around it, a named place to a bearing's anchor.

        "clashes on the outskirts of the capital, in the Salah al-Din and Ain Zara areas":
        Salah al-Din; "gathered west of Sirte around Abu Grein": Abu Grein.
        """
        if best.place.kind in ("city", "town"):
            inside = [
                c for c in cands
                if c is not best and c.role != "origin"
                and c.place.kind in ("district", "neighbourhood")
                and haversine_km(c.place.lat, c.place.lon, best.place.lat, best.place.lon)
                <= _INSIDE_KM
                and not self._trigger_between(best.t1, c.t0, kind)
                and not self._trigger_between(c.t1, best.t0, kind)
            ]  # fmt: skip
            if inside:
                return min(inside, key=lambda c: abs(c.t0 - best.t0))
        if best.bearing:
            follow = [
                c for c in cands
                if c is not best and c.role != "origin" and 0 <= c.t0 - best.t1 <= 2
                and not (c.coord_prev is not None and c.separate)
            ]  # fmt: skip
            if follow:
                return follow[0]
        return best

    # -- actors -----------------------------------------------------------------------------

    def _actors_between(self, start: int, end: int) -> list[ActorMention]:
        return [m for m in self.actor_mentions if start <= m.start and m.end <= end]

    def _subject_actor(self, sent: _Sentence, token: int, frame: _Frame | None) -> str | None:
        doc = self.doc
        lo_tok = frame.verb_end if frame is not None and frame.verb_end <= token else sent.t0
        lo, hi = doc.starts[lo_tok], doc.starts[token]
        found = self._actors_between(lo, hi)
        if found:
            return found[-1].actor
        if frame is not None and frame.speaker.kind == "party":
            if _POSSESSIVE_SUBJECT.search(self.text, lo, hi):
                return frame.speaker.actor
        return None

    def _actor_target(
        self, sent: _Sentence, trig: _Trigger, kind: str, frame: _Frame | None
    ) -> tuple[str | None, str | None]:
        doc = self.doc
        clause = doc.clause_of(sent, trig.t0)
        _, c1 = doc.clause_bounds(sent, clause)
        after = self._actors_between(trig.end, doc.ends[c1 - 1])
        by_actor = None
        target = None
        for m in after:
            gap = self.text[trig.end : m.start]
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
        subject = self._subject_actor(sent, trig.t0, frame)
        if trig.place == "before" and kind == "capture" and after:
            # "X fell to the LNA", "X is now in the hands of the GNA": the taker follows
            gap = self.text[trig.end : after[0].start]
            if len(gap) <= 12:
                return after[0].actor, subject if subject != after[0].actor else None
        if kind == "clash":
            between = re.search(r"\bbetween\b", self.text[trig.end : trig.end + 20])
            if between and len(after) >= 2:
                return after[0].actor, after[1].actor
        if passive and kind not in ("withdrawal", "deployment"):
            actor, target = by_actor, target or subject
        else:
            # an active verb's subject acts; "by X" after it is often another's deed
            # ("bombed the base, destroying systems installed by Turkey")
            actor = (subject or by_actor) if trig.form == "verb" else (by_actor or subject)
        if target == actor:
            target = None
        return actor, target

    # -- threats ----------------------------------------------------------------------------

    def _threats(self, ctx: _Context) -> list[_Draft]:
        sent = ctx.sentence
        doc = self.doc
        by_clause: dict[int, dict[str, list[tuple[int, int]]]] = {}
        for part, spans in self.threat.items():
            for s, e in spans:
                if sent.start <= s < sent.end:
                    clause = doc.clause_of(sent, doc.token_at(s))
                    by_clause.setdefault(clause, {}).setdefault(part, []).append((s, e))
        out = []
        for clause, parts in sorted(by_clause.items()):
            deadline = self._deadline(sent, clause)
            explicit = "explicit" in parts
            demand = "demand" in parts
            consequence = "consequence" in parts
            if not (explicit or (demand and (deadline or "deadline" in parts or consequence))
                    or consequence):
                continue
            keys = [s for p in ("explicit", "demand", "consequence") for s, _ in parts.get(p, [])]
            start = min(keys)
            t0 = doc.token_at(start)
            trig = _Trigger("threat", "verb", False, "any", start, start + 1, t0, t0 + 1)
            places = self._places_for(ctx, trig, "threat")
            if not places:
                continue
            frame = self._frame_for(ctx.frames, t0)
            if frame is None:
                # "Haftar vowed to retake X": the threatening verb is the statement itself
                frame = next((f for f in ctx.frames if f.verb_start == t0), None)
            speaker = frame.speaker if frame else None
            if "act" in parts:
                status, claimed_by = _status_of(speaker)
            else:
                status, claimed_by = "reported", None
            c0, c1 = doc.clause_bounds(sent, clause)
            lo = doc.starts[frame.verb_end] if frame and frame.verb_end <= t0 else doc.starts[
                sent.t0]
            in_clause = self._actors_between(min(lo, doc.starts[c0]), doc.ends[c1 - 1])
            if speaker is not None and speaker.kind == "party":
                actor = speaker.actor
            else:
                actor = in_clause[0].actor if in_clause else None
            target = next((m.actor for m in in_clause if m.actor != actor), None)
            span, _ = self._date_for(ctx, t0)
            if deadline is not None and deadline.span.last > span.last:
                span = DateSpan(span.date, deadline.span.last, "range")
            cand, precision = places[0]
            out.append(
                _Draft("threat", sent, t0, cand.place, precision, span, actor, target, status,
                       claimed_by)
            )  # fmt: skip
        return out

    # -- casualties -------------------------------------------------------------------------

    def _casualties(self, sent: _Sentence, these: list[_Draft], prev: list[_Draft]) -> None:
        found: list[tuple[int, int]] = []
        if not _CASUALTY_WORD.search(self.text, sent.start, sent.end):
            return
        for pattern in self.lex.killed:
            for m in pattern.finditer(self.text, sent.start, sent.end):
                raw = m.groupdict().get("n")
                if not raw:
                    continue
                n = int(raw) if raw.isdigit() else _NUMBER_WORDS.get(raw.lower())
                if n is not None:
                    found.append((m.start(), n))
        for m in self.lex.zero_killed.finditer(self.text, sent.start, sent.end):
            found.append((m.start(), 0))
        if not found:
            return
        targets = [d for d in these if d.type != "threat" and d.type != "deployment"]
        if not targets:
            targets = [d for d in prev if d.type != "threat" and d.fatalities is None][-1:]
        for pos, n in found:
            tok = self.doc.token_at(pos)
            before = [d for d in targets if d.t0 <= tok]
            chosen = before[-1] if before else (targets[0] if targets else None)
            if chosen is not None:
                chosen.fatalities = n if chosen.fatalities is None else max(chosen.fatalities, n)


@dataclass
class _Context:
    sentence: _Sentence
    frames: list[_Frame]
    prev_drafts: list[_Draft]
    prev_sentence: _Sentence | None
    opening: DateMatch | None
    para_span: DateSpan | None
    story_span: DateSpan | None = None  # the running story's last day, from earlier paragraphs


# Named units: "the Sirte Protection and Security Force", "the 604th Infantry Brigade".
_UNIT_WORDS = (
    r"Force|Forces|Brigade|Brigades|Battalion|Division|Regiment|Room|Centre|Center|Command|"
    r"Guard|Guards|Shield|Unit|Group|Operation|Operations"
)
_UNIT_WORD = re.compile(rf"\b(?:{_UNIT_WORDS})\b")
_UNIT_NAME = re.compile(
    r"(?:(?:[A-Z](?![\w-]*['’]s\b)[\w-]*|\d+(?:st|nd|rd|th))\s+"
    r"(?:(?:and|of|for|al|el|bin|ibn|abu)[-\s]+)?){1,6}"
    rf"(?:{_UNIT_WORDS})\b"
)
_UNIT_OWNER_BEFORE = re.compile(
    r"(?:['’]s|-aligned|-allied|-affiliated|-backed|-led|\s+(?:aligned|allied))?\s+(?:the\s+)?"
)
_UNIT_OWNER_AFTER = re.compile(
    r",?\s+(?:which\s+(?:is|was|are|were)\s+|a\s+(?:unit|force|group|brigade|militia)\s+)?"
    r"(?:(?:loyal|allied|affiliated|aligned|attached|belonging)\s+(?:to|with)|fighting\s+for|"
    r"part\s+of|under|of)\s+(?:the\s+)?"
)
# A party's own media office is no reporter ("the operation's media center").
_PARTY_MEDIA = re.compile(r"\bmedia\s+(?:center|centre|office|bureau|department)\b", re.I)
_UNIT_PRONOUN = re.compile(
    r"the\s+(?:force|forces|unit|brigade|battalion|group|operations\s+room|command|division)"
)
# The two main sides: a unit reporting one side's attack on its own positions is the other.
_OPPONENT = {"LNA": "GNA", "GNA": "LNA", "Wagner": "GNA", "Turkey": "LNA"}
_AGAINST_OWN = re.compile(
    r"\b(?:on|against|at|targeting|targeted|hit|struck|shelled|bombed|attacked)\s+"
    r"(?:its|our|their)\s+(?:\w+\s+)?(?:positions|position|forces|units|fighters|troops|"
    r"bases|base|headquarters|members|camps|camp|checkpoints|vehicles)\b",
    re.IGNORECASE,
)
_SPOKESMAN = re.compile(r"\bspokes(?:man|woman|person|men)\b", re.IGNORECASE)
# A speaker phrase naming a body of its own ("a spokesman for the UN"): no inherited party.
_OTHER_BODY = re.compile(r"\b(?:of|for|from|at|with)\s+(?:the\s+)?[A-Z]")
_NAME_WORD = r"(?:[A-Z][\w’'-]*\w|(?:al|el|bin|ibn|abu|abdel)[-\s][A-Z][\w’'-]*\w)"
_PERSON_NAME = re.compile(_NAME_WORD + r"(?:\s+" + _NAME_WORD + r")*")
_TITLE_WORDS = frozenset(
    "the a an mr mrs ms dr general gen colonel col major brigadier brigadier-general "
    "lieutenant lt captain president prime minister foreign spokesman retired marshal "
    "field commander sheikh he she they it and also on in".split()
)


# Past forms that do not end in -ed (a bare verb form is a plan or an order, not a report).
_IRREGULAR_PAST = frozenset(
    "took hit struck shot fell fought sent withdrew retook overran drove led beat put set "
    "brought began came went overrun begun dug fled left swept flew flown held lost ran broke "
    "drew threw sought kept stood shook spread quit rolled burst thrust laid won overtook "
    "undertook built caught met told".split()
)


def _base_form(word: str) -> bool:
    return not (word.endswith(("ed", "ing", "s", "en", "wn")) or word in _IRREGULAR_PAST)


def _participle(word: str) -> bool:
    return word.endswith(("ed", "en", "wn")) or word in _IRREGULAR_PAST


def _name_key(name: str) -> str:
    words = name.split()
    if not words:
        return ""
    last = words[-1]
    if len(words) >= 2 and words[-2].lower() in ("beit", "bin", "ibn", "abu", "abdel", "al"):
        last = words[-2] + " " + last
    last = re.sub(r"^(?:al|el|ad|ar|as|az)[-\s]", "", last, flags=re.IGNORECASE)
    return re.sub(r"[^a-z ]", "", last.lower()).strip()


def _unit_key(name: str) -> str:
    words = [w for w in re.split(r"[\s-]+", name.lower()) if w not in ("the", "and", "of")]
    return " ".join(words)


def _skeleton(key: str) -> str:
    return re.sub(r"[aeiouy\s]", "", key)


def _chain(cands: list[_Candidate], i: int, root: int) -> bool:
    seen = 0
    while cands[i].coord_prev is not None and seen < 10:
        i = cands[i].coord_prev  # type: ignore[assignment]
        if i == root:
            return True
        seen += 1
    return False


def _precision(cand: _Candidate) -> str:
    if cand.place.kind in ("region", "country"):
        return "region"
    return "near" if cand.near else "exact"


def _status_of(speaker: _Speaker | None) -> tuple[str, str | None]:
    if speaker is not None and speaker.kind == "party" and speaker.actor not in (None, UNKNOWN):
        return "claimed", speaker.actor
    return "reported", None


def _is_deadline(m: DateMatch) -> bool:
    """A deadline ("by midnight Sunday", "until Friday"): it dates no happening."""
    return m.kind == "deadline" or m.text.lower().startswith(("until ", "till ", "before "))


def _no_overlap(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted spans without those overlapping an earlier, longer one."""
    out: list[tuple[int, int]] = []
    for span in sorted(spans, key=lambda s: (s[0], -s[1])):
        if out and span[0] < out[-1][1]:
            continue
        out.append(span)
    return out


def _dedupe(drafts: list[_Draft]) -> list[_Draft]:
    """One event per type and place in a sentence; the fighting of an assault is the assault.

    "stormed and took X", "took X after a brief battle", "tried to advance on X but were
    pushed back after clashes": a capture absorbs an attack and a clash at the same place,
    an attack a clash.
    """
    out: list[_Draft] = []
    for d in drafts:
        twin = next(
            (o for o in out if o.type == d.type and o.place.place_id == d.place.place_id), None
        )
        if twin is None:
            out.append(d)
        elif twin.actor is None and d.actor is not None:
            twin.actor = d.actor
    kept = []
    for d in out:
        stronger = _ABSORBED_BY.get(d.type, ())
        host = next(
            (o for o in out if o.type in stronger and o.place.place_id == d.place.place_id), None
        )
        if host is None:
            kept.append(d)
            continue
        if host.fatalities is None:
            host.fatalities = d.fatalities
        host.actor = host.actor or d.actor
    return kept


# Event types that, at the same place in one sentence, absorb another type.
_ABSORBED_BY: dict[str, tuple[str, ...]] = {
    "clash": ("capture", "ground_attack"),
    "ground_attack": ("capture",),
}


def _fold_sites(drafts: list[_Draft]) -> list[_Draft]:
    """Fold the taking of a town's air base or port into the taking of the town that day.

    "took Sirte ... and the air base south of the city": one happening, at the town.
    """
    towns = [d for d in drafts if d.type in _AREA_TYPES and d.place.kind in ("city", "town")]
    if not towns:
        return drafts
    out = []
    for d in drafts:
        if d.type in _AREA_TYPES and d.place.kind in _SITE_KINDS and any(
            t.type == d.type and t.span.date == d.span.date
            and haversine_km(t.place.lat, t.place.lon, d.place.lat, d.place.lon) <= _SITE_KM
            for t in towns
        ):
            continue
        out.append(d)
    return out


# Types whose reports within one article cover a town and its outlying sites.
_AREA_TYPES = frozenset({"capture", "withdrawal"})
_SITE_KINDS = frozenset({"air_base", "airport", "port", "military_site"})
_SITE_KM = 30.0


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


# ------------------------------------------------------------------------------ public API


def extract_events(
    article: Article,
    mentions: Sequence[PlaceMention],
    actors: ActorTable,
    *,
    lexicon: EventLexicon | None = None,
) -> list[Event]:
    """Find the conflict events one article reports, unmerged.

    Parameters
    ----------
    article
        The article; its ``published`` date anchors relative dates. An article
        without one gives no events.
    mentions
        The article's place mentions (:func:`geo.places.find_places`).
    actors
        The actor table (:func:`geo.actors.load_actors`).
    lexicon
        Rules to use instead of the shipped ``event_lexicon.yaml``.

    Returns
    -------
    list of Event
        In text order, each with exactly one :class:`~geo.model.Source`.

    Examples
    --------
    >>> import datetime as dt
    >>> from pathlib import Path
    >>> from geo.actors import load_actors
    >>> from geo.model import Article, Place, PlaceMention
    >>> text = "Warplanes loyal to Haftar bombed Misrata on Thursday."
    >>> art = Article(Path("a.txt"), "a.txt", text, "0", published=dt.date(2019, 12, 20))
    >>> misrata = Place("ly-misrata", "Misrata", 32.3754, 15.0925, "city", "LY")
    >>> [(e.type, e.place, e.actor, str(e.date)) for e in extract_events(
    ...     art, [PlaceMention("a.txt", "Misrata", 33, 40, misrata)], load_actors())]
    [('airstrike', 'Misrata', 'LNA', '2019-12-19')]
    """
    if article.published is None or not article.text.strip():
        return []
    lex = lexicon or load_lexicon()
    extractor = _Extractor(article, mentions, actors, lex)
    events = []
    for draft in extractor.run():
        sent = draft.sentence
        place = draft.place
        events.append(
            Event(
                id=_event_id(draft.type, place.place_id, draft.span.date, article.file,
                             sent.start),
                type=draft.type,
                date=draft.span.date,
                date_end=draft.span.date_end,
                date_precision=draft.span.precision,
                place=place.name,
                place_id=place.place_id,
                lat=place.lat,
                lon=place.lon,
                geo_precision=draft.geo_precision,
                actor=draft.actor,
                target=draft.target,
                status=draft.status,
                claimed_by=draft.claimed_by,
                fatalities=draft.fatalities,
                sources=[
                    Source(article.file, article.outlet, article.url, article.published,
                           article.text[sent.start : sent.end].strip())
                ],
            )
        )  # fmt: skip
    return events


def _event_id(kind: str, place_id: str | None, date: dt.date, file: str, offset: int) -> str:
    key = f"{kind}|{place_id}|{date.isoformat()}|{file}|{offset}"
    return "ev-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]


def _sort_key(event: Event) -> tuple[dt.date, str, str]:
    sources = event.sources
    if len(sources) == 1:  # most events, before merging
        return sources[0].published or dt.date.min, sources[0].file, event.id
    first = min(
        ((s.published or dt.date.min, s.file) for s in sources),
        default=(dt.date.min, ""),
    )
    return first[0], first[1], event.id


def merge_events(events: Iterable[Event], *, across_articles: bool = True) -> list[Event]:
    """Merge reports of one happening into one event listing every source.

    Two events merge when they have the same type, compatible actors (equal, or
    one unknown), places within ``settings.merge_distance_km`` and dates that
    overlap within ``settings.merge_date_slack_days``. Within one article two
    sentences (never one sentence with itself) also merge when one names the
    other's place, an undated one joins a dated one, and their statuses agree
    (equal, a claim and a plain report, or a party's claim and the same claim
    unverified). Articles are merged within
    themselves first, then across articles.

    Parameters
    ----------
    events
        Events from :func:`extract_events`, in any order.
    across_articles
        False merges only within each article (what per-article scoring wants).

    Returns
    -------
    list of Event
        Sorted by date and id. A merged event keeps the id of its earliest source
        (earliest publication date, then file name, then id), so ids are stable
        from run to run and do not depend on input order.

    Examples
    --------
    >>> merge_events([])
    []
    """
    items = sorted(events, key=_sort_key)
    by_file: dict[str, list[Event]] = {}
    for event in items:
        by_file.setdefault(event.sources[0].file if event.sources else "", []).append(event)
    within = []
    for group in by_file.values():
        within += _fold_attacks(_cluster(group, same_article=True))
    if not across_articles:
        return sorted(within, key=lambda e: (e.date, e.id))
    merged = _cluster(sorted(within, key=_sort_key), same_article=False)
    return sorted(merged, key=lambda e: (e.date, e.id))


def _cluster(events: list[Event], *, same_article: bool) -> list[Event]:
    """Greedy clustering in the given (deterministic) order.

    Within an article an event joins the first group all of whose members it may merge
    with; across articles, the first group whose first (earliest) member it may merge
    with, looked up in a grid of cells about as wide as the merge distance.
    """
    order: list[list[Event]] = []
    if same_article:
        by_type: dict[str, list[list[Event]]] = {}
        for event in events:
            for group in by_type.setdefault(event.type, []):
                if all(_mergeable(event, other, True) for other in group):
                    group.append(event)
                    break
            else:
                by_type[event.type].append([event])
                order.append(by_type[event.type][-1])
        return [_combine(group, True) for group in order]
    cell = max(settings.merge_distance_km / 111.0, 0.01)  # degrees of latitude
    slack = settings.merge_date_slack_days
    # a group is filed under every date bucket its first member's days (widened by the
    # slack) touch, so an event meets exactly the groups whose dates may overlap its own
    grid: dict[tuple[str, int, int, int], list[int]] = {}
    # the cells an event's neighbourhood spans, per row of cells: a row's cells narrow
    # with latitude, so its reach in columns grows
    offsets: dict[int, list[tuple[int, int]]] = {}
    for event in events:
        y, x = math.floor(event.lat / cell), math.floor(event.lon / cell)
        around = offsets.get(y)
        if around is None:
            top = min(max(abs(y * cell), abs((y + 1) * cell)) + cell, 89.0)
            reach = math.ceil(1 / max(math.cos(math.radians(top)), 0.01))
            around = offsets[y] = [
                (dy, dx) for dy in (-1, 0, 1) for dx in range(-reach, reach + 1)
            ]
        first, last = _day_buckets(event.date, event.last, 0)
        kind = event.type
        near: set[int] = set()
        for bucket in range(first, last + 1):
            for dy, dx in around:
                hits = grid.get((kind, y + dy, x + dx, bucket))
                if hits:
                    near.update(hits)
        found = next((i for i in sorted(near) if _mergeable(event, order[i][0], False)), None)
        if found is not None:
            order[found].append(event)
        else:
            first, last = _day_buckets(event.date, event.last, slack)
            for bucket in range(first, last + 1):
                grid.setdefault((event.type, y, x, bucket), []).append(len(order))
            order.append([event])
    return [_combine(group, False) for group in order]


#: Days per date bucket of the cross-article merge index.
_BUCKET_DAYS = 16


def _day_buckets(first: dt.date, last: dt.date, slack: int) -> tuple[int, int]:
    """The date buckets that the days ``first - slack`` to ``last + slack`` touch."""
    return (first.toordinal() - slack) // _BUCKET_DAYS, (last.toordinal() + slack) // _BUCKET_DAYS


def _mergeable(a: Event, b: Event, same_article: bool) -> bool:
    if a.type != b.type:
        return False
    if not (a.actor == b.actor or {a.actor, b.actor} & {None, UNKNOWN}):
        return False
    slack = dt.timedelta(days=settings.merge_date_slack_days)
    if same_article:
        if _share_a_sentence(a.sources, b.sources):
            return False
        if a.status != b.status and {a.status, b.status} != {"claimed", "reported"} and not (
            {a.status, b.status} == {"claimed", "unconfirmed"} and a.claimed_by == b.claimed_by
        ):
            return False
        undated = "published" in (a.date_precision, b.date_precision)
        if not undated and not (a.date <= b.last + slack and b.date <= a.last + slack):
            return False
        if a.place_id is not None and a.place_id == b.place_id:
            return True
        distance = haversine_km(a.lat, a.lon, b.lat, b.lon)
        if distance <= settings.merge_distance_km:
            return True
        if distance > _NAMED_PLACE_KM:
            return False
        return _names_place(a, b) or _names_place(b, a)
    if not (a.date <= b.last + slack and b.date <= a.last + slack):
        return False
    return haversine_km(a.lat, a.lon, b.lat, b.lon) <= settings.merge_distance_km


def _share_a_sentence(a: list[Source], b: list[Source]) -> bool:
    """Whether two events' sources quote one sentence of one file."""
    if len(a) == 1 and len(b) == 1:  # the usual case within an article
        return a[0].sentence == b[0].sentence and a[0].file == b[0].file
    return bool({(s.file, s.sentence) for s in a} & {(s.file, s.sentence) for s in b})


#: Words that open a relative clause set off by commas.
_RELATIVE_OPENERS = frozenset("where which who whose when".split())

#: People who speak for the place they live in ("residents of Gharyan said").
_DWELLERS = frozenset(
    "residents inhabitants locals people families civilians citizens townspeople".split()
)

# Two sentences naming each other's place merge only within this distance.
_NAMED_PLACE_KM = 60.0


def _fold_attacks(events: list[Event]) -> list[Event]:
    """Within one article, fold an assault into the capture of the same place that day.

    "stormed Gharyan at dawn" and "took full control of Gharyan": one happening. An
    undated assault joins a dated capture; a capture days later stays apart.
    """
    captures = [e for e in events if e.type == "capture"]
    if not captures:
        return events
    out: list[Event] = []
    folded: dict[str, Event] = {}
    for event in events:
        if event.type != "ground_attack":
            out.append(event)
            continue
        host = next(
            (c for c in captures
             if c.place_id is not None and c.place_id == event.place_id
             and (event.actor == c.actor or {event.actor, c.actor} & {None, UNKNOWN})
             and ("published" in (event.date_precision, c.date_precision)
                  or (event.date <= c.last and c.date <= event.last))),
            None,
        )  # fmt: skip
        if host is None:
            out.append(event)
            continue
        current = folded.get(host.id, host)
        merged = _combine([current, event], True)
        folded[host.id] = replace(merged, type="capture")
    return [folded.get(e.id, e) if e.type == "capture" else e for e in out]


def _names_place(a: Event, b: Event) -> bool:
    """Whether one of ``a``'s sentences names ``b``'s place."""
    pattern = re.compile(r"(?<!\w)" + re.escape(b.place) + r"(?!\w)", re.IGNORECASE)
    return any(pattern.search(s.sentence) for s in a.sources)


# Which status a merged event takes: within an article a claim explains a plain report of the
# same happening; across articles the outlet that states it as fact is the strongest word.
_STATUS_WITHIN = ("denied", "unconfirmed", "claimed", "reported")
_STATUS_ACROSS = ("reported", "claimed", "unconfirmed", "denied")


def _combine(group: list[Event], same_article: bool) -> Event:
    if len(group) == 1:
        return group[0]
    first = group[0]
    sources: list[Source] = []
    for event in group:
        for source in event.sources:
            if source not in sources:
                sources.append(source)
    best_place = min(group, key=lambda e: _GEO_RANK.get(e.geo_precision, 3))
    rank = min(_PRECISION_RANK.get(e.date_precision, 5) for e in group)
    dated = [e for e in group if _PRECISION_RANK.get(e.date_precision, 5) == rank]
    date = min(e.date for e in dated)
    last = max(e.last for e in dated)
    precisions = {e.date_precision for e in dated}
    precision = precisions.pop() if len(precisions) == 1 else "range"
    date_end = last if last > date else None
    if date_end is not None and precision == "day":
        precision = "range"
    order = _STATUS_WITHIN if same_article else _STATUS_ACROSS
    by_status = min(group, key=lambda e: order.index(e.status) if e.status in order else 9)
    known = [e.fatalities for e in group if e.fatalities is not None]
    return replace(
        first,
        type=first.type,
        date=date,
        date_end=date_end,
        date_precision=precision,
        place=best_place.place,
        place_id=best_place.place_id,
        lat=best_place.lat,
        lon=best_place.lon,
        geo_precision=best_place.geo_precision,
        actor=_first_known(e.actor for e in group),
        target=_first_known(e.target for e in group),
        status=by_status.status,
        claimed_by=by_status.claimed_by,
        fatalities=max(known) if known else None,
        sources=sources,
    )


def _first_known(values: Iterable[str | None]) -> str | None:
    seen = [v for v in values if v is not None]
    return next((v for v in seen if v != UNKNOWN), seen[0] if seen else None)


def events_from_articles(
    articles: Iterable[Article],
    gazetteer: Any,
    actors: ActorTable,
    *,
    geocoder: Any = None,
    mentions: Iterable[PlaceMention] | None = None,
) -> list[Event]:
    """Find places and events in every article and merge the events across articles.

    Parameters
    ----------
    articles
        The articles.
    gazetteer
        The gazetteer (:func:`geo.gazetteer.load_gazetteer`).
    actors
        The actor table (:func:`geo.actors.load_actors`).
    geocoder
        Optional online geocoder passed to :func:`geo.places.find_places`.
    mentions
        The articles' place mentions when already found (for example by
        :func:`geo.places.places_from_articles`); found here otherwise.

    Returns
    -------
    list of Event
        Merged events, sorted by date and id.

    Examples
    --------
    >>> events_from_articles([], None, None)
    []
    """
    from .places import find_places

    known: dict[str, list[PlaceMention]] | None = None
    if mentions is not None:
        known = {}
        for mention in mentions:
            known.setdefault(mention.article, []).append(mention)
    events: list[Event] = []
    for article in articles:
        if known is not None:
            found = known.get(article.file, [])
        else:
            found = find_places(article, gazetteer, geocoder=geocoder)
        events += extract_events(article, found, actors)
    return merge_events(events)


def events_geojson(events: Iterable[Event]) -> dict[str, Any]:
    """Return the events as a GeoJSON FeatureCollection, one Point per event.

    Examples
    --------
    >>> events_geojson([])["type"]
    'FeatureCollection'
    """
    features = []
    for e in sorted(events, key=lambda e: (e.date, e.id)):
        properties = {
            "id": e.id,
            "type": e.type,
            "date": e.date.isoformat(),
            "date_end": e.date_end.isoformat() if e.date_end else None,
            "date_precision": e.date_precision,
            "place": e.place,
            "place_id": e.place_id,
            "geo_precision": e.geo_precision,
            "actor": e.actor,
            "target": e.target,
            "status": e.status,
            "claimed_by": e.claimed_by,
            "fatalities": e.fatalities,
            "corroboration": e.corroboration,
            "sources": [s.to_dict() for s in e.sources],
        }
        if not (math.isfinite(e.lat) and math.isfinite(e.lon)):
            continue
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [e.lon, e.lat]},
                "properties": properties,
            }
        )
    return {"type": "FeatureCollection", "features": features}
