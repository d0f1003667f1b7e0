"""Stage 1: an article's text cut into tokens, sentences and clauses."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

_TOKEN = re.compile(r"\w+(?:[-'’]\w+)*|[^\w\s]")


# Sentence ends: . ! ? (and a closing quote) before a capital, a digit or an opening quote.
_SENTENCE_END = re.compile(
    r"(?<=[.!?])[\"”’')\]]*\s+(?=[\"“‘(]?[A-Z0-9])"
    # scraped text that lost the space: "the city's airport.The fighting erupted ..."
    r"|(?<=[a-z]{3}[.!?])(?=[\"“]?[A-Z][a-z])"
    # ... after a closing quote: 'an official said.”Clashes affected ...'
    r"|(?<=[a-z]{3}[.!?][”’])(?=[A-Z][a-z])"
)


_ABBREVIATIONS = frozenset(
    "jan feb mar apr jun jul aug sep sept oct nov dec gen col lt maj brig capt sgt mr mrs ms "
    "dr st no vs etc approx km u.s u.k u.n e.g i.e".split()
)


# Clause boundaries inside a sentence.
# Each alternative led by whitespace starts only where a run of it starts, and takes the run
# in one way, so a long run costs linear time (the earlier form was cubic in it).
_CLAUSE_BREAK = re.compile(
    r"(?:(?<!\s)\s+)?;\s*|:\s+|(?<!\s)\s+[-–—]+\s+"
    r"|(?:(?<!\s)\s+)?,\s+(?:while|whereas|but)\s+|(?<!\s)\s+(?:while|whereas|but)\s+"
    r"|(?:(?<!\s)\s+)?,\s+(?=where\s)"
    r"|,[\"”’]?\s+and\s+(?=(?:would|will|could|can|has|have|had|is|are|was|were|did|does|then|also|"
    r"took|sent|began|fought|hit|struck|said|told|made|shot|went|came|withdrew|seized)\b|\w+ed\b)"
)


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
        for line_start, line in _logical_lines(text):
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


#: A line ending so cannot end its sentence: the text was wrapped ("in Abu Salim,\n
#: Wadi al-Rabie and ...").
_RUNS_ON = re.compile(r"(?:[,(]|\b(?:and|or|of|in|on|at|to|the|a|an|near|from|with|by))\s*$")

#: How a line ends a sentence or a heading: terminal punctuation, maybe a closing quote.
_ENDS = re.compile(r"[.!?:;][\"”’')\]]*\s*$|[\"”]\s*$")

#: A line this long without an end is a wrapped line of running text (a PDF's, a page's),
#: not a heading.
_WRAPPED_CHARS = 60


def _logical_lines(text: str) -> list[tuple[int, str]]:
    """Non-blank lines as (start, text), a line wrapped inside a sentence joined to the next.

    A line runs on into the line after it (no blank line between) when it ends in a
    comma or in a word that cannot end a sentence, when it is a long line of running
    text with no end, or when the next line starts in lower case. A line holding only a
    footnote's number ("1") between them is skipped.
    """
    lines: list[tuple[int, str]] = []
    pos = 0
    for line in text.split("\n"):
        lines.append((pos, line))
        pos += len(line) + 1
    out: list[tuple[int, str]] = []
    joining = False
    for k, (line_start, line) in enumerate(lines):
        body = line.strip()
        if not body:
            joining = False
            continue
        if joining and body.isdigit() and len(body) <= 3:
            continue  # a footnote's number between two wrapped lines
        if joining and out:
            start, _ = out[-1]
            out[-1] = (start, text[start : line_start + len(line)])
        else:
            out.append((line_start, line))
        nxt = next((b for _, b in lines[k + 1 :] if b.strip() and not b.strip().isdigit()), "")
        joining = not _ENDS.search(line) and (
            _RUNS_ON.search(line) is not None
            or len(body) >= _WRAPPED_CHARS
            or nxt.lstrip()[:1].islower()
        )
    return out


# A run of word characters and dots: the word before a full stop ("U.S.", "Gen.").
_WORD_RUN = re.compile(r"[\w.]+")
_LONGEST_ABBREVIATION = max(map(len, _ABBREVIATIONS))


def _split_sentences(line: str) -> list[tuple[int, int]]:
    """Sentences of one line, as (start, end) offsets; linear in the line's length.

    A sentence ends at ``.``, ``!`` or ``?`` (and any closing quotes) before
    whitespace and a capital, a digit or an opening quote, but not after an
    abbreviation ("Gen.", "U.S.") or a single letter ("J. Smith").

    Examples
    --------
    >>> line = "Gen. Haftar spoke. Forces advanced on Sirte."
    >>> [line[s:e] for s, e in _split_sentences(line)]
    ['Gen. Haftar spoke.', 'Forces advanced on Sirte.']
    """
    ends = list(_SENTENCE_END.finditer(line))
    # where the run of word characters and dots that ends at a full stop begins
    run_start: dict[int, int] = {}
    if any(line[m.start() - 1] == "." for m in ends):
        run_start = {m.end(): m.start() for m in _WORD_RUN.finditer(line)}
    out = []
    start = len(line) - len(line.lstrip())
    for m in ends:
        end = m.start()  # just after the . ! or ?
        if end > start and line[end - 1] == ".":
            first = max(run_start.get(end, end), start)
            if 0 < end - 1 - first <= _LONGEST_ABBREVIATION:  # the word before the stop
                word = line[first : end - 1].lower()
                if word in _ABBREVIATIONS or (len(word) == 1 and "a" <= word <= "z"):
                    continue
        out.append((start, end))
        start = m.end()
    end = len(line.rstrip())
    if end > start:
        out.append((start, end))
    return out


#: First words of a short bracket that only says where ("(near Gharyan)", "(south of
#: X)"): it belongs to the clause around it.
_WHERE_ASIDE = frozenset(
    "near in outside south north east west southeast southwest northeast northwest some "
    "about around close".split()
)


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
            first = doc.lower[i + 1] if i + 1 < sent.t1 else ""
            if first not in _WHERE_ASIDE or not any(
                doc.lower[k] == ")" for k in range(i + 2, min(sent.t1, i + 9))
            ):
                current = next_id  # an aside of its own, not "(near Gharyan)"
                next_id += 1
        ids.append(current)
        if tok == ")" and stack:
            current = stack.pop()
    return ids
