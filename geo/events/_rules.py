"""Word lists and patterns the stages share (closed-class words, cue regexes)."""

from __future__ import annotations

import re

from ..actors import UNKNOWN
from ..dates import DateMatch
from .state import _Candidate, _Speaker

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
    "airbase": frozenset({"air_base", "airport", "military_site"}),
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
    "towns cities villages "
    "frontline base camp airport port western eastern southern northern central coastal old "
    "strategic key military installations targets positions depots weapons administrative "
    "borders border boundaries heart centre center part parts km kilometres kilometers miles "
    "south north east west southeast southwest northeast northwest south-east south-west "
    "north-east north-west southern northern and vicinity environs gates edge approaches "
    "several three two some locations sites separate areas zone former disused defunct".split()
)


# Words between a place and the anchor of a relative phrase that only describes it.
_RELATION_WORDS = frozenset(
    "the a an of to km kilometres kilometers kilometre kilometer miles mile some about "
    "roughly around approximately nearly almost just only south north east west southeast "
    "southwest northeast northwest south-east south-west north-east north-west southern "
    "northern eastern western outskirts edge edges suburbs gates near outside from central "
    "downtown greater both each all".split()
)


_PLURAL_SETTLEMENTS = frozenset("towns cities villages settlements localities oases".split())


_APPOSITION_WORDS = _RELATION_WORDS | frozenset(
    ", ( ) - – — town city village district area suburb neighbourhood neighborhood base "
    "region governorate province countryside "
    "airport port oasis hill desert mountain coastal small large strategic key main "
    "located situated lying lies sits which is on in its".split()
)


# Words that keep a place from being a verb's direct object ("took part in", "taken to").
_OBJECT_BLOCK = frozenset(
    ", ; . ( ) for with by after before during under through part place prisoner prisoners "
    "hostage hostages refuge shelter office power charge aim note steps measures action care "
    "hospital hospitals cover responsibility advantage initiative momentum upper".split()
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
    """Whether the "to" at token ``to`` opens a deed, not a purpose or a plan.

    "managed to enter", "went on to take"; and a cause that made it happen: "forcing
    them to withdraw", "forced the militias to retreat", "led the army to send troops"
    (a past or present participle of forcing, or "led"/"prompted", its object of at most
    four words between).
    """
    if to - 1 >= lo and lower[to - 1] in _DONE_TO:
        return True
    if to - 2 >= lo and lower[to - 1] == "on" and lower[to - 2] in _WENT_ON:
        return True
    for k in range(to - 2, max(lo, to - 6) - 1, -1):
        if lower[k] in _FORCED:
            return all(w not in _NOT_OBJECT for w in lower[k + 1 : to])
        if lower[k] in _CAUSED and lower[k + 1] not in ("by", "to"):
            # "the attacks led the army to send troops"; not "forces led by X to take Y"
            return all(w not in _NOT_OBJECT for w in lower[k + 1 : to])
    return False


#: Verbs of forcing whose complement happened: "forcing them to withdraw".
_FORCED = frozenset("forced forcing compelled compelling".split())
#: Verbs of causing whose complement happened: "prompted the army to send troops".
_CAUSED = frozenset("led prompted".split())
#: Words that end the object of a forcing verb: "forced to" + "would" is no deed.
_NOT_OBJECT = frozenset("would will could might may should must can , ; if unless".split())


# Verbs whose instrument is their subject, not their object.
_SUBJECT_INSTRUMENT = frozenset("killed killing destroyed destroying".split())


_DAYS_APART = re.compile(r"\b(?:days|weeks|months|years)\s+(?:after|before|since)\b", re.IGNORECASE)


# A cheap test before the casualty patterns run on a sentence.
_CASUALTY_WORD = re.compile(
    r"kill|dead|died|death|martyr|toll|casualt|fatalit|lives|left\b|leaving\b|loss|losses",
    re.IGNORECASE,
)


_WEAK_SUPPORT = frozenset({"amid", "after", "following", "despite", "during"})


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


# An attempt that happened: "tried to advance", "have been trying to capture", "foiled an
# attempt by the militia to storm X".
_ATTEMPT = re.compile(
    r"\b(?:tried|attempted|trying|attempting|sought)\s+(?:again\s+|once\s+more\s+|"
    r"repeatedly\s+|in\s+vain\s+|unsuccessfully\s+)?(?:to\s+)?$"
    r"|(?<!\bany\s)(?<!\bevery\s)(?<!\bfuture\s)\b(?:attempt|attempts|bid|bids)\s+(?:by\s+(?:[\w'’-]+\s+){1,5}?)?(?:to\s+)?$",
    re.IGNORECASE,
)


# Ongoing background: "after months of fighting", "a months-long battle".
_LONG_BEFORE = re.compile(
    r"\b(?:(?:weeks|months|years|decades)\s+of(?:\s+(?:heavy|fierce|intense|sporadic|"
    r"intermittent|deadly))?|(?:weeks|months|years|year|decade)[-\s]long(?:\s+\w+)?)\s+$",
    re.IGNORECASE,
)


#: "since the start of the LNA's offensive": what began before the story and goes on
_SINCE_START = re.compile(
    r"\bsince\s+(?:the\s+)?(?:start|beginning|launch|outbreak|onset)\s+of"
    r"(?:\s+[\w'’.-]+){0,5}?\s+$",
    re.IGNORECASE,
)


_PERFECT_PROGRESSIVE = re.compile(r"\b(?:have|has|had)\s+been\s+(?:\w+\s+)?\w+ing$", re.IGNORECASE)


_FOR_LONG = re.compile(
    r"\bfor\s+(?:(?:several|many|some|the\s+past|the\s+last|more\s+than|over|about|"
    r"nearly|almost|a|one|\d+|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"few|a\s+few)\s+)*"
    r"(?:weeks|months|years|year|month)\b",
    re.IGNORECASE,
)


# "Turkish-backed", "Turkey supported", "Turkish-armed"; not "the government's armed forces"
_BACKED = re.compile(r"[-\s](?:backed|supported|sponsored|funded)\b|-armed\b", re.IGNORECASE)


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


def _status_of(speaker: _Speaker | None, outlet_party: str | None = None) -> tuple[str, str | None]:
    """Whose word an event rests on: a party speaking, else the outlet's own.

    ``outlet_party``: the party the article's outlet speaks for (``outlets`` of
    ``theatre.yaml``); what such an outlet says on its own word is that party's claim.
    """
    if speaker is not None and speaker.kind == "party" and speaker.actor not in (None, UNKNOWN):
        return "claimed", speaker.actor
    if outlet_party is not None:
        return "claimed", outlet_party
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


# Event types that, at the same place in one sentence, absorb another type.
_ABSORBED_BY: dict[str, tuple[str, ...]] = {
    "clash": ("capture", "ground_attack"),
    "ground_attack": ("capture",),
}
