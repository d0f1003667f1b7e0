"""Stage 0: the event lexicon (``data/event_lexicon.yaml``) read and compiled into phrase sets."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import yaml

from .. import settings
from .._data import data_path, file_stamp, shipped_path
from ..errors import DataFileError
from ..model import EVENT_TYPES
from ._rules import _GAP, _NUMBER, _NUMBER_FIRST, _SEP
from .sentences import _Doc

#: The lexicon file's name in ``data/``.
LEXICON_NAME = "event_lexicon.yaml"


#: Version of the rules in this module; EXTRACTOR_VERSION adds the lexicon's hash.
_RULES_VERSION = "1.2"


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
            head = phrase.strip().split()[0]
            if not phrase.startswith("re:") and head.endswith("?") and len(head) > 1:
                raise DataFileError(
                    f"event lexicon: {where}: phrase {phrase!r} starts with an optional word "
                    "(it would never match; list the phrase with and without it)"
                )
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


def _default_lexicon_path(data_dir: Path | None) -> Path:
    """The data folder's own ``event_lexicon.yaml``, else the shipped one.

    The rules read English, not a war: a data folder (``--data``) holds a copy only
    to change them for its war, and without one it reads the shipped rules as they
    improve.
    """
    path = _folder_lexicon_path(data_dir)
    if data_dir is not None and not path.exists():
        return shipped_path(LEXICON_NAME)
    return path


@cache
def _folder_lexicon_path(data_dir: Path | None) -> Path:
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
