"""The editable actor list: aliases, canonical actors, their sides and colours.

``data/actors.csv`` maps every way articles name a party ("Haftar's forces",
"Al-Wefaq", "Volcano of Rage") to a canonical actor (``LNA``, ``GNA``), the
side whose territory its gains count for, and the colour the map uses.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from ._data import data_path
from .errors import DataFileError

__all__ = ["Actor", "ActorMention", "ActorTable", "load_actors", "UNKNOWN"]

#: The canonical actor for an unattributed party ("foreign aircraft").
UNKNOWN = "unknown"
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_DEFAULT_COLOUR = "#7f8c8d"


@dataclass(frozen=True)
class Actor:
    """A canonical actor."""

    name: str
    side: str | None
    colour: str


@dataclass(frozen=True)
class ActorMention:
    """An alias found in a text, with its character offsets."""

    start: int
    end: int
    text: str
    actor: str


@dataclass
class ActorTable:
    """Aliases and canonical actors, with a matcher over running text."""

    actors: dict[str, Actor]
    aliases: dict[str, str] = field(default_factory=dict)
    #: the last text :meth:`find` scanned and what it found: the event and control
    #: stages of one article ask about the same text, and scan it once
    _last_found: tuple[str, tuple[ActorMention, ...]] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    def canonical(self, alias: str) -> str | None:
        """Return the canonical actor an alias names, or None.

        Examples
        --------
        >>> load_actors().canonical("Haftar's forces")
        'LNA'
        """
        for mention in self.find(alias):
            if mention.start == 0 and mention.end == len(alias.strip()):
                return mention.actor
        return None

    def side(self, actor: str | None) -> str | None:
        """The side an actor belongs to (``None`` for unknown actors)."""
        found = self.actors.get(actor or "")
        return found.side if found else None

    def colour(self, actor_or_side: str | None) -> str:
        """The colour of an actor or side; grey when unknown."""
        found = self.actors.get(actor_or_side or "")
        return found.colour if found else _DEFAULT_COLOUR

    @property
    def sides(self) -> list[str]:
        """The distinct sides, in file order."""
        return list(dict.fromkeys(a.side for a in self.actors.values() if a.side))

    def find(self, text: str) -> list[ActorMention]:
        """Every alias in ``text``, longest match first, left to right, not overlapping.

        Aliases of one actor written side by side ("Al-Wefaq government forces")
        make one mention. The text last asked about is scanned once: asking
        again returns the same mentions without scanning it.
        """
        last = self._last_found
        if last is not None and (last[0] is text or last[0] == text):
            return list(last[1])
        kept = self._scan(text)
        self._last_found = (text, tuple(kept))
        return kept

    def _scan(self, text: str) -> list[ActorMention]:
        out = []
        for pattern in self._patterns:
            for m in pattern.finditer(text):
                actor = self._alias_actor(pattern, m)
                out.append(ActorMention(m.start(), m.end(), m.group(0), actor))
        out.sort(key=lambda m: (m.start, -(m.end - m.start)))
        kept: list[ActorMention] = []
        for mention in out:
            if kept and mention.start < kept[-1].end:
                continue
            last = kept[-1] if kept else None
            if (
                last is not None
                and last.actor == mention.actor
                and not text[last.end : mention.start].strip(" -")
            ):
                # "Al-Wefaq government forces": two aliases of one actor side by side
                kept[-1] = ActorMention(
                    last.start, mention.end, text[last.start : mention.end], last.actor
                )
                continue
            kept.append(mention)
        return kept

    @cached_property
    def _compiled(self) -> tuple[re.Pattern[str], re.Pattern[str], dict[str, str]]:
        exact: list[str] = []
        folded: list[str] = []
        lookup: dict[str, str] = {}
        for alias, actor in sorted(self.aliases.items(), key=lambda kv: -len(kv[0])):
            body = _alias_regex(alias)
            key = _fold(alias)
            lookup[key] = actor
            (exact if _is_acronym(alias) else folded).append(body)
        case_sensitive = re.compile(r"(?<!\w)(?:" + "|".join(exact or ["(?!)"]) + r")(?!\w)")
        insensitive = re.compile(
            r"(?<!\w)(?:" + "|".join(folded or ["(?!)"]) + r")(?:['’]s)?(?!\w)", re.IGNORECASE
        )
        return case_sensitive, insensitive, lookup

    @property
    def _patterns(self) -> tuple[re.Pattern[str], re.Pattern[str]]:
        return self._compiled[0], self._compiled[1]

    def _alias_actor(self, pattern: re.Pattern[str], m: re.Match[str]) -> str:
        return self._compiled[2].get(_fold(m.group(0)), UNKNOWN)


def _is_acronym(alias: str) -> bool:
    return alias.isupper() and len(alias) <= 4


def _alias_regex(alias: str) -> str:
    words = re.split(r"[\s\-]+", alias.strip())
    parts = []
    for word in words:
        if word.endswith(("'s", "’s")):
            parts.append(re.escape(word[:-2]) + r"(?:['’]s)?")
        else:
            parts.append(re.escape(word))
    return r"[\s\-]+".join(parts)


def _fold(text: str) -> str:
    text = re.sub(r"['’]s\b", "", text.strip())
    return re.sub(r"[\s\-]+", " ", text).casefold()


def load_actors(path: Path | None = None) -> ActorTable:
    """Load the actor list (default: the shipped ``actors.csv``).

    Raises
    ------
    DataFileError
        When the file is missing or a row is malformed; the message names the row.
    """
    path = path or data_path("actors.csv")
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as err:
        raise DataFileError(f"{path}: cannot read actor list: {err}") from err
    numbered = [(i, line) for i, line in enumerate(lines, start=1) if not line.startswith("#")]
    reader = csv.reader([line for _, line in numbered])
    header = next(reader, None)
    expected = ["alias", "actor", "side", "colour"]
    if header is None or [h.strip() for h in header] != expected:
        raise DataFileError(f"{path}: header must be {','.join(expected)}, found {header!r}")
    actors: dict[str, Actor] = {}
    aliases: dict[str, str] = {}
    for (line_no, _), row in zip(numbered[1:], reader, strict=False):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != 4:
            raise DataFileError(f"{path}:{line_no}: expected 4 fields, found {len(row)}")
        alias, actor, side, colour = (cell.strip() for cell in row)
        if not alias or not actor:
            raise DataFileError(f"{path}:{line_no}: alias and actor must not be empty")
        colour = colour or _DEFAULT_COLOUR
        if not _COLOUR.match(colour):
            raise DataFileError(f"{path}:{line_no}: colour {colour!r} is not #rrggbb")
        actors.setdefault(actor, Actor(actor, side or None, colour))
        aliases[alias] = actor
    for actor in {a.side for a in actors.values() if a.side} - set(actors):
        raise DataFileError(f"{path}: side {actor!r} is not itself an actor")
    actors.setdefault(UNKNOWN, Actor(UNKNOWN, None, _DEFAULT_COLOUR))
    return ActorTable(actors=actors, aliases=aliases)
