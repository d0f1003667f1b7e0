"""Values passed between the stages: triggers, frames, candidates, drafts, the context."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..dates import DateMatch
from ..model import DateSpan, Place
from .sentences import _Sentence


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
    between: bool = False  # "between X and Y": one place, not two


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
    retold: bool = False  # "the base was attacked": a bare attack on a place pointed back to


@dataclass
class _Context:
    sentence: _Sentence
    frames: list[_Frame]
    prev_drafts: list[_Draft]
    prev_sentence: _Sentence | None
    opening: DateMatch | None
    para_span: DateSpan | None
    story_span: DateSpan | None = None  # the running story's last day, from earlier paragraphs


@dataclass
class _Carry:
    """What one sentence leaves for the next: speakers, the running story's days, drafts."""

    names: dict[str, _Speaker] = field(default_factory=dict)  # people met, by name key
    last_speaker: _Speaker | None = None  # "He added", "The spokesman said"
    prev_party: _Speaker | None = None  # a party speaking in the sentence before
    prev_quote_speaker: _Speaker | None = None  # who a quoted sentence before was said by
    last_unit: str | None = None  # the last named unit that spoke
    # drafts told by a unit of unknown side, by unit
    unit_drafts: dict[str, list[_Draft]] = field(default_factory=dict)
    prev_drafts: list[_Draft] = field(default_factory=list)  # the sentence before's drafts
    prev_sentence: _Sentence | None = None
    paragraph: int = -1
    para_span: DateSpan | None = None  # the paragraph's running day
    para_days: list[DateSpan] = field(default_factory=list)  # days of this paragraph's events
    story_span: DateSpan | None = None  # the latest recent day of earlier paragraphs
