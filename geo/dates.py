"""Find date expressions in news text and resolve them against the publication date.

Every rule here is a precompiled regular expression with a small handler; the
result depends only on the text and the publication date ``published``, never
on today's date or the machine's time zone. ``dateparser`` is only a cached
last resort in :func:`resolve_date` for full dates written in forms the rules
do not know (``"2019-Dec-19"``, ``"Dec 19th '19"``).

How an expression without a year is placed in time
--------------------------------------------------
Three readings, chosen by the words around the expression:

* **past** (the default): weekdays fall on or before ``published``; a month,
  or a part of one ("early June"), is the latest one whose first day is on or
  before ``published``; a month and day ("Dec. 19") is its latest occurrence
  on or before ``published + FUTURE_DAYS`` (31 days), so "Jan. 2" in an
  article of 2019-12-30 is 2020-01-02 while "Feb. 15" there is 2019-02-15.
* **since** ("since April 4"): like past, but never after ``published``.
* **future**: a deadline ("by Sunday", "by midnight Sunday", "before midnight
  on Sunday", "no later than Jan. 12") or a plan ("talks will resume on
  Sunday"). Weekdays fall on or after ``published``; months and month-days
  are the latest occurrence starting on or before ``published + PLAN_DAYS``
  (183 days).

``"last Thursday"`` is strictly before ``published``, ``"next Thursday"``
strictly after, ``"this Thursday"`` the Thursday of the publication date's
Monday-to-Sunday week.

Vague expressions become ranges: "a few days ago" is ``P-5 .. P-1``,
"several days ago" ``P-7 .. P-2``, "early/mid/late June" days 1-10, 11-20 and
21-end, "last week" ``P-7 .. P-1``, "earlier this week" Monday of the
publication week to ``P``. Durations ("within 48 hours", "in three days") are
deadlines at ``P + N`` days (hours rounded up to whole days).

Days told relative to another happening ("the previous night", "the following
day", "the day before", "a day earlier", "two days later") carry
:attr:`DateMatch.offset_days`; their span reads them from ``published`` (the
event extractor reads them from the happening told before). Days written as a
list ("on 3 and 4 August") carry :attr:`DateMatch.days`, one per day listed;
"from 3 to 5 August" and "between 3 and 4 August" are ranges, not lists.

Deliberately not dates: a bare number, "3 days" or "for three days" without
"ago"/"within"/"in", a decade ("the 1990s"), lower-case "may"/"march" (the
verbs; the month names must be capitalised), a bare month without a
preposition or qualifier ("April was quiet"), abbreviated months without a
day or year ("a statement by Jan Kubis"), and "Sunday Times"-style titles.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import math
import re
from collections.abc import Callable
from dataclasses import dataclass

from .model import DateSpan

__all__ = [
    "FUTURE_DAYS",
    "PLAN_DAYS",
    "DATE_KINDS",
    "DateMatch",
    "resolve_date",
    "find_dates",
    "latest_full_date",
    "date_from_filename",
]

#: How far after publication a year-less month-day may fall in the default (past) reading.
FUTURE_DAYS: int = 31
#: How far after publication a year-less date may fall for a deadline or a plan.
PLAN_DAYS: int = 183
#: What a matched expression says about its date.
DATE_KINDS: tuple[str, ...] = ("point", "since", "deadline")

_ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class DateMatch:
    """One date expression found in a text.

    ``start``/``end`` are character offsets into the text searched, so
    ``text[m.start:m.end] == m.text``. ``kind`` is ``"point"`` (when something
    happened), ``"since"`` (the start of something still going on) or
    ``"deadline"`` (a time limit, usually in the future).
    """

    start: int
    end: int
    text: str
    span: DateSpan
    kind: str = "point"
    #: Days from the happening told before, for a date told relative to it ("the
    #: previous day" -1, "two days later" +2); ``span`` then reads it from publication.
    offset_days: int | None = None
    #: The days a list names one by one ("on 3 and 4 August"): each its own happening.
    days: tuple[dt.date, ...] = ()


# ---------------------------------------------------------------------------
# Vocabulary
# ---------------------------------------------------------------------------

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTH_ABBR = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_FULL_MONTHS = frozenset(m.lower() for m in calendar.month_name if m)

_UNIT_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19,
}  # fmt: skip
_TEN_WORDS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip

_UNITS_ALT = "|".join(sorted(_UNIT_WORDS, key=len, reverse=True))
_TENS_ALT = "|".join(_TEN_WORDS)
# A count: digits, number words (up to ninety-nine) or a vague quantifier.
_NUM = (
    rf"(?:\d{{1,3}}|(?:{_TENS_ALT})(?:[-\s](?:one|two|three|four|five|six|seven|eight|nine))?"
    rf"|{_UNITS_ALT}|a\s+couple\s+of|a\s+couple|a\s+few|a\s+number\s+of|a\s+single|a\s+dozen"
    r"|few|several|some|an|a)"
)

_FULL_MONTH_RE = (
    r"(?:january|february|(?-i:March)|april|(?-i:May)|june|july|august|september"
    r"|october|november|december)\b"
)
_ABBR_MONTH_RE = r"(?:jan|feb|(?-i:Mar)|apr|jun|jul|aug|sept|sep|oct|nov|dec)\b\.?"
_MONTH = rf"(?P<month>{_FULL_MONTH_RE}|{_ABBR_MONTH_RE})"
_WEEKDAY = r"(?P<wd>monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b"
# A day of the month, optionally ordinal; not part of a larger number or a time.
_DAY = r"(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?(?![\d%a-z]|[:,.]\d)"
# A four-digit year, not a decade ("1990s") nor part of a larger number.
_YEAR = r"(?:19|20)\d{2}(?![\d]|s\b|[,.]\d)"

_PREPS = (
    r"since|starting(?:\s+(?:on|from|in))?|beginning(?:\s+(?:on|in))?|as\s+of|by"
    r"|no\s+later\s+than|not\s+later\s+than|before|until|till|between|from|after"
    r"|on|in|during|through|throughout"
)
_PREP_OPT = rf"(?:\b(?P<prep>{_PREPS})\s+)?"

_SINCE_PREPS = frozenset({"since", "starting", "beginning"})
_DEADLINE_PREPS = frozenset({"by", "no later than", "not later than"})

_PART = (
    r"(?P<part>early|late|mid|(?:at\s+)?(?:the\s+)?(?:beginning|start|end|middle|close)\s+of"
    r"|(?:the\s+)?(?:first|second)\s+half\s+of"
    r"|(?:the\s+)?(?:first|second|third|fourth|last|final)\s+week\s+of)"
)

_FLAGS = re.IGNORECASE | re.VERBOSE


def _c(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, _FLAGS)


_WEEKDAY_RE = _c(
    rf"""{_PREP_OPT}
    (?:(?P<pre>(?:(?:shortly|just|soon|minutes|hours|moments|long|well|right|immediately)\s+)?
             (?:before|after)\s+(?:dawn|daybreak|sunrise|sunset|dusk|midnight|noon|midday)
           |(?:early|late|earlier|later)(?:\s+in\s+the\s+day)?
           |at\s+(?:dawn|daybreak|midnight|noon|midday|dusk)
           |midnight|noon|midday|dawn|overnight
           |(?:the\s+)?(?:morning|afternoon|evening|night|early\s+hours)\s+of
           |in\s+the\s+(?:early\s+)?(?:hours|morning|afternoon|evening)\s+of
           |(?:the\s+)?(?:end|close)\s+of
    )\s+)?
    (?:on\s+)?
    (?:(?P<rel>this\s+past|this\s+coming|last|this|next|past|coming)\s+)?
    {_WEEKDAY}
    (?!\s+(?-i:Times|Telegraph|Express|Mirror|Post|Herald|Mail|Tribune)\b)
    (?:\s+(?P<post>morning|afternoon|evening|night|midnight|noon|midday
               |at\s+(?:dawn|midnight|noon|midday)))?\b
    """
)

_RELDAY_RE = _c(
    rf"""{_PREP_OPT}
    (?P<rd>(?:(?:early|late|earlier|later)\s+(?:on\s+)?)?
           (?:the\s+day\s+before\s+yesterday|the\s+day\s+after\s+tomorrow
             |today|tonight|this\s+(?:morning|afternoon|evening)
             |yesterday|last\s+(?:night|evening)|tomorrow)
           (?:\s+(?:morning|afternoon|evening|night))?)\b
    """
)

_MD_MONTH_FIRST_RE = _c(
    rf"""{_PREP_OPT}
    {_MONTH}\s*(?:the\s+)?
    (?P<d1>{_DAY})
    (?:\s*(?:-|–|—|to|through|until|till
        # "July 25 and 26": a list of two days, ending there ("July 25 and 30 people" is not)
        |and(?=\s*{_DAY}\s*(?:[,.;)]|$|{_YEAR})))
       \s*(?P<d2>{_DAY}))?
    (?:\s*,?\s*(?P<year>{_YEAR}))?
    """
)

_MD_DAY_FIRST_RE = _c(
    rf"""{_PREP_OPT}
    (?:the\s+)?(?<![\w.,/-])
    (?P<d1>{_DAY})
    (?:\s*(?:-|–|—|to|and|through)\s*(?:the\s+)?(?P<d2>{_DAY}))?
    \s*(?:of\s+)?{_MONTH}
    (?:\s*,?\s*(?P<year>{_YEAR}))?
    """
)

_MONTH_RE = _c(
    rf"""{_PREP_OPT}
    (?:{_PART}[\s-]*)?
    (?:the\s+month\s+of\s+)?
    (?P<mlast>last\s+)?
    {_MONTH}
    (?:\s*,?\s*(?:of\s+)?(?P<year>{_YEAR})
      |\s+(?:of\s+)?(?P<yrel>last|this|next|the\s+previous|the\s+following)\s+year)?
    """
)

_YEAR_RE = _c(
    rf"""{_PREP_OPT}
    (?:(?P<part>early|late|mid|(?:at\s+)?(?:the\s+)?(?:beginning|start|end|middle|close)\s+of
        |(?:the\s+)?(?:first|second)\s+half\s+of)[\s-]*)?
    (?:the\s+year\s+)?
    (?<![\w.,/-])(?P<year>{_YEAR})
    (?!\s*(?:km|kilomet|miles|met(?:er|re)s|people|persons|troops|fighters|soldiers
          |civilians|families|residents|migrants|refugees|dollars|euros|barrels|tons|tonnes
          |homes|houses|buildings|vehicles|cars|rockets|shells|missiles|cases|times)\b)
    """
)

_ISO_RE = _c(
    rf"""{_PREP_OPT}
    (?<![\d./-])(?P<y>(?:19|20)\d{{2}})(?P<sep>[-/.])(?P<m>0?[1-9]|1[0-2])(?P=sep)
    (?P<d>3[01]|[12]\d|0?[1-9])(?![\d]|[./-]\d)
    """
)

_DMY_RE = _c(
    rf"""{_PREP_OPT}
    (?<![\d./-])(?P<a>\d{{1,2}})(?P<sep>[/.-])(?P<b>\d{{1,2}})(?P=sep)
    (?P<y>(?:19|20)\d{{2}})(?![\d]|[./-]\d)
    """
)

_PERIOD_RE = _c(
    rf"""{_PREP_OPT}
    (?:(?P<part>early|earlier|late|later|mid
        |(?:at\s+)?(?:the\s+)?(?:beginning|start|end|middle|close)\s+of
        |(?:the\s+)?(?:first|second)\s+half\s+of)[\s-]*)?
    (?P<rel>this|last|next|previous|the\s+current|the\s+previous|the\s+past|past|the\s+last
       |the\s+coming|the\s+next|the)\s+
    (?P<unit>week|month|year)\b(?!\s+of\b)
    """
)

_AGO_RE = _c(
    rf"""(?:(?:about|around|some|nearly|almost|roughly|just|only|more\s+than|over|less\s+than
          |barely|exactly)\s+)?
    (?:(?P<while>a\s+(?:little|short)\s+while|moments|a\s+moment)
      |(?:(?P<n>{_NUM})\s+)?(?P<unit>minute|hour|day|week|month|year)s?)
    \s+ago\b
    """
)

#: A day told relative to the happening told before: "the previous night", "the
#: following day", "a day earlier", "two days later", "earlier in the day", "the same
#: day" (not "the day before yesterday").
_ANCHORED_RE = _c(
    rf"""\b(?:(?P<prep>on|during|in|by|over)\s+)?
    (?:the\s+(?P<side>previous|preceding|following|next)\s+(?:day|night|evening|morning|afternoon)
      |the\s+(?:day|night|evening)\s+(?P<ba>before|after)(?!\s+(?:yesterday|tomorrow)\b)
      |(?P<n>{_NUM})\s+days?\s+(?P<dir>earlier|later|before|after)
      |(?P<same>(?:earlier|later)\s+(?:in\s+)?(?:the|that)\s+day
        |(?:earlier|later)\s+that\s+(?:morning|afternoon|evening|night)
        |the\s+same\s+day))\b
    """
)

_RECENT_RE = _c(
    rf"""\b(?P<prep>in|over|during|for|within|throughout)\s+
    (?:the\s+(?:past|last|previous|preceding)\s+(?:(?P<n>{_NUM})\s+)?
       (?P<unit>hour|day|week|month|year)s?\b(?!\s+of\b)
      |recent\s+(?P<unit2>day|week|month)s\b)
    """
)

_WITHIN_RE = _c(
    rf"""\b(?P<prep>within|in|inside|over|during)\s+(?:the\s+)?(?:(?P<nx>next|coming)\s+)?
    (?:(?P<n>{_NUM})\s+)?(?P<unit>hour|day|week|month)s?\b
    (?!\s+(?:of|alone|earlier|before)\b)
    """
)

_FUTURE_CUE_RE = re.compile(
    r"\b(?:will|won't|shall|'ll|is\s+due|are\s+due|due\s+to|scheduled|planned|set\s+to"
    r"|to\s+be\s+held|going\s+to|expected\s+to)\b[^,.;:!?]*$",
    re.IGNORECASE,
)
_HAS_UNTIL_RE = re.compile(r"\b(?:has|have|had|given|gave|giving)\s+$", re.IGNORECASE)
_RANGE_GAP_RE = re.compile(r"\s*(?:-|–|—|to|until|till|through|and)\s*", re.IGNORECASE)
_WEEKDAY_DATE_GAP_RE = re.compile(r"\s*,?\s*(?:the\s+)?", re.IGNORECASE)


# ---------------------------------------------------------------------------
# Calendar helpers
# ---------------------------------------------------------------------------


def _last_day(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def _month_span(year: int, month: int) -> DateSpan:
    return DateSpan(dt.date(year, month, 1), dt.date(year, month, _last_day(year, month)), "month")


def _shift_month(year: int, month: int, n: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + n
    return index // 12, index % 12 + 1


def _add_months(day: dt.date, n: int) -> dt.date:
    year, month = _shift_month(day.year, day.month, n)
    return dt.date(year, month, min(day.day, _last_day(year, month)))


def _range(start: dt.date, end: dt.date) -> DateSpan:
    if end <= start:
        return DateSpan(start)
    return DateSpan(start, end, "range")


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _month_number(token: str) -> int:
    return _MONTH_ABBR.index(token.lower().rstrip(".")[:3]) + 1


def _count(token: str | None) -> int | str | None:
    """Read a count from digits or words: "few"/"several" when vague, None if absent."""
    if token is None:
        return None
    words = re.sub(r"[\s-]+", " ", token.lower()).strip()
    if words.isdigit():
        return int(words)
    if words in ("a", "an", "a single", "one"):
        return 1
    if words in ("a couple of", "a couple"):
        return 2
    if words == "a dozen":
        return 12
    if words in ("a few", "few"):
        return "few"
    if words in ("several", "some", "a number of"):
        return "several"
    total = 0
    for word in words.split():
        total += _TEN_WORDS.get(word, 0) + _UNIT_WORDS.get(word, 0)
    return total


def _weekday_on_or_before(weekday: int, day: dt.date) -> dt.date:
    return day - dt.timedelta(days=(day.weekday() - weekday) % 7)


def _weekday_on_or_after(weekday: int, day: dt.date) -> dt.date:
    return day + dt.timedelta(days=(weekday - day.weekday()) % 7)


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _pick_year(
    published: dt.date, allowance: int, make: Callable[[int], dt.date | None]
) -> int | None:
    """Return the latest year whose ``make(year)`` falls by ``published + allowance`` days."""
    limit = published + dt.timedelta(days=allowance)
    for year in range(published.year + 1, published.year - 9, -1):
        day = make(year)
        if day is not None and day <= limit:
            return year
    return None


# ---------------------------------------------------------------------------
# Rule handlers: (match, published, mode) -> DateSpan | None
# mode is "past", "since" or "future" (deadlines and plans).
# ---------------------------------------------------------------------------


def _day_allowance(mode: str) -> int:
    return {"past": FUTURE_DAYS, "since": 0, "future": PLAN_DAYS}[mode]


def _month_allowance(mode: str) -> int:
    return PLAN_DAYS if mode == "future" else 0


def _weekday_span(m: re.Match[str], published: dt.date, mode: str) -> DateSpan | None:
    weekday = _WEEKDAYS.index(m["wd"].lower())
    rel = re.sub(r"\s+", " ", (m["rel"] or "").lower())
    if rel in ("last", "past", "this past"):
        return DateSpan(_weekday_on_or_before(weekday, published - _ONE_DAY))
    if rel in ("next", "coming", "this coming"):
        return DateSpan(_weekday_on_or_after(weekday, published + _ONE_DAY))
    if rel == "this":
        return DateSpan(_monday(published) + dt.timedelta(days=weekday))
    if mode == "future":
        return DateSpan(_weekday_on_or_after(weekday, published))
    return DateSpan(_weekday_on_or_before(weekday, published))


def _relday_span(m: re.Match[str], published: dt.date, mode: str) -> DateSpan | None:
    words = m["rd"].lower()
    if "day before yesterday" in words:
        offset = -2
    elif "day after tomorrow" in words:
        offset = 2
    elif "yesterday" in words or re.search(r"last\s+(?:night|evening)", words):
        offset = -1
    elif "tomorrow" in words:
        offset = 1
    else:
        offset = 0
    return DateSpan(published + dt.timedelta(days=offset))


def _month_day_span(m: re.Match[str], published: dt.date, mode: str) -> DateSpan | None:
    month = _month_number(m["month"])
    d1 = int(re.match(r"\d+", m["d1"]).group())  # type: ignore[union-attr]
    d2 = int(re.match(r"\d+", m["d2"]).group()) if m["d2"] else None  # type: ignore[union-attr]
    if d2 is not None and d2 <= d1:
        return None
    if m["year"]:
        year: int | None = int(m["year"])
    else:
        year = _pick_year(published, _day_allowance(mode), lambda y: _safe_date(y, month, d1))
    if year is None:
        return None
    start = _safe_date(year, month, d1)
    if start is None:
        return None
    if d2 is None:
        return DateSpan(start)
    end = _safe_date(year, month, d2)
    return None if end is None else DateSpan(start, end, "range")


def _part_of_month(part: str, year: int, month: int) -> DateSpan:
    last = _last_day(year, month)
    part = re.sub(r"\s+", " ", part.lower())
    part = re.sub(r"^(?:at )?(?:the )?", "", part)
    first_day, last_day = {
        "early": (1, 10),
        "beginning of": (1, 10),
        "start of": (1, 10),
        "mid": (11, 20),
        "middle of": (11, 20),
        "late": (21, last),
        "end of": (21, last),
        "close of": (21, last),
        "first half of": (1, 15),
        "second half of": (16, last),
        "first week of": (1, 7),
        "second week of": (8, 14),
        "third week of": (15, 21),
        "fourth week of": (22, 28),
        "last week of": (last - 6, last),
        "final week of": (last - 6, last),
    }[part]
    return DateSpan(dt.date(year, month, first_day), dt.date(year, month, last_day), "range")


def _month_span_rule(m: re.Match[str], published: dt.date, mode: str) -> DateSpan | None:
    token = m["month"]
    prep = _norm(m["prep"])
    has_year = bool(m["year"] or m["yrel"])
    if not has_year and m["mlast"]:
        # "since last April": the latest April before the month of publication
        month = _month_number(token)
        if token.lower() not in _FULL_MONTHS:
            return None
        year_last = published.year if month < published.month else published.year - 1
        if m["part"]:
            return _part_of_month(m["part"], year_last, month)
        return _month_span(year_last, month)
    if not has_year:
        # A bare month needs its full name and a preposition or qualifier in front.
        if token.lower() not in _FULL_MONTHS:
            return None
        if not m["part"] and (prep is None or prep in ("on", "between")):
            return None
    month = _month_number(token)
    if m["year"]:
        year: int | None = int(m["year"])
    elif m["yrel"]:
        shift = {"last": -1, "the previous": -1, "this": 0, "next": 1, "the following": 1}
        year = published.year + shift[_norm(m["yrel"]) or "this"]
    else:
        year = _pick_year(published, _month_allowance(mode), lambda y: dt.date(y, month, 1))
    if year is None:
        return None
    if m["part"]:
        return _part_of_month(m["part"], year, month)
    return _month_span(year, month)


def _year_rule(m: re.Match[str], published: dt.date, mode: str) -> DateSpan | None:
    prep = _norm(m["prep"])
    if not m["part"] and (prep is None or prep == "on"):
        return None
    year = int(m["year"])
    if year > published.year + 30:
        return None
    if m["part"]:
        return _part_of_year(m["part"], year)
    return DateSpan(dt.date(year, 1, 1), dt.date(year, 12, 31), "year")


def _part_of_year(part: str, year: int) -> DateSpan:
    part = re.sub(r"\s+", " ", part.lower())
    part = re.sub(r"^(?:at )?(?:the )?", "", part)
    if part in ("early", "beginning of", "start of"):
        months = (1, 4)
    elif part in ("mid", "middle of"):
        months = (5, 8)
    elif part == "first half of":
        months = (1, 6)
    elif part == "second half of":
        months = (7, 12)
    else:  # late, end of, close of
        months = (9, 12)
    return DateSpan(
        dt.date(year, months[0], 1),
        dt.date(year, months[1], _last_day(year, months[1])),
        "range",
    )


def _iso_rule(m: re.Match[str], published: dt.date, mode: str) -> DateSpan | None:
    day = _safe_date(int(m["y"]), int(m["m"]), int(m["d"]))
    return None if day is None else DateSpan(day)


def _dmy_rule(m: re.Match[str], published: dt.date, mode: str) -> DateSpan | None:
    a, b, year = int(m["a"]), int(m["b"]), int(m["y"])
    # Day first, as in most of the world's press; month first only when day-first is impossible.
    day = _safe_date(year, b, a) or _safe_date(year, a, b)
    return None if day is None else DateSpan(day)


def _period_rule(m: re.Match[str], published: dt.date, mode: str) -> DateSpan | None:
    rel = _norm(m["rel"]) or ""
    rel = {"previous": "last", "the previous": "last", "the current": "this",
           "the coming": "next", "the next": "next", "the past": "past",
           "the last": "past"}.get(rel, rel)  # fmt: skip
    part = _norm(m["part"])
    if part:
        part = re.sub(r"^(?:at )?(?:the )?", "", part)
    unit = m["unit"].lower()
    if rel == "the":
        # "by the end of the month": only with a qualifier, and meaning the current one.
        if part is None:
            return None
        rel = "this"
    if rel == "past":
        if part is not None:
            return None
        days = {"week": 7, "month": 30, "year": 365}[unit]
        return _range(published - dt.timedelta(days=days), published)
    if unit == "week":
        return _week_part(published, rel, part)
    if unit == "month":
        shift = {"last": -1, "this": 0, "next": 1}[rel]
        year, month = _shift_month(published.year, published.month, shift)
        if part is None:
            return _month_span(year, month)
        if part in ("earlier", "later"):
            if rel != "this":
                part = "early" if part == "earlier" else "late"
            else:
                last = dt.date(year, month, _last_day(year, month))
                if part == "earlier":
                    return _range(dt.date(year, month, 1), published)
                return _range(published, last)
        return _part_of_month(part, year, month)
    # year
    year = published.year + {"last": -1, "this": 0, "next": 1}[rel]
    if part is None:
        return DateSpan(dt.date(year, 1, 1), dt.date(year, 12, 31), "year")
    if part in ("earlier", "later"):
        if rel != "this":
            part = "early" if part == "earlier" else "late"
        elif part == "earlier":
            return _range(dt.date(year, 1, 1), published)
        else:
            return _range(published, dt.date(year, 12, 31))
    return _part_of_year(part, year)


def _week_part(published: dt.date, rel: str, part: str | None) -> DateSpan:
    if rel == "last" and part is None:
        return _range(published - dt.timedelta(days=7), published - _ONE_DAY)
    monday = _monday(published) + dt.timedelta(days={"last": -7, "this": 0, "next": 7}[rel])
    sunday = monday + dt.timedelta(days=6)
    if part is None:
        return _range(monday, sunday)
    if part == "earlier":
        return _range(monday, published) if rel == "this" else _range(monday, monday + 2 * _ONE_DAY)
    if part == "later":
        return _range(published, sunday) if rel == "this" else _range(sunday - 3 * _ONE_DAY, sunday)
    if part in ("early", "beginning of", "start of", "first half of"):
        return _range(monday, monday + 2 * _ONE_DAY)
    if part in ("mid", "middle of"):
        return _range(monday + _ONE_DAY, monday + 3 * _ONE_DAY)
    return _range(sunday - 3 * _ONE_DAY, sunday)  # late, end of, close of, second half of


def _ago_rule(m: re.Match[str], published: dt.date, mode: str) -> DateSpan | None:
    if m["while"]:
        return DateSpan(published)
    unit = m["unit"].lower()
    n = _count(m["n"])

    def days_ago(first: int, last: int) -> DateSpan:
        return _range(published - dt.timedelta(days=first), published - dt.timedelta(days=last))

    if unit in ("minute", "hour"):
        if isinstance(n, int):
            return DateSpan(published - dt.timedelta(days=n // 24))
        return DateSpan(published)
    if unit == "day":
        if n is None or n == "few":
            return days_ago(5, 1)
        if n == "several":
            return days_ago(7, 2)
        assert isinstance(n, int)
        return DateSpan(published - dt.timedelta(days=n))
    if unit == "week":
        if n == "few":
            return days_ago(28, 14)
        if n is None or n == "several":
            return days_ago(42, 14)
        assert isinstance(n, int)
        return DateSpan(published - dt.timedelta(days=7 * n))
    if unit == "month":
        if isinstance(n, int):
            return _month_span(*_shift_month(published.year, published.month, -n))
        back = 4 if n == "few" else 7
        first = _shift_month(published.year, published.month, -back)
        last = _shift_month(published.year, published.month, -2)
        return DateSpan(
            dt.date(first[0], first[1], 1),
            dt.date(last[0], last[1], _last_day(*last)),
            "range",
        )
    # year
    if isinstance(n, int):
        year = published.year - n
        return DateSpan(dt.date(year, 1, 1), dt.date(year, 12, 31), "year")
    return None


def _anchored_offset(m: re.Match[str]) -> int | None:
    """Days from the happening told before, for an :data:`_ANCHORED_RE` match."""
    if m["same"]:
        return 0  # "earlier in the day", "later that evening", "the same day"
    if m["side"]:
        return -1 if m["side"].lower() in ("previous", "preceding") else 1
    if m["ba"]:
        return -1 if m["ba"].lower() == "before" else 1
    n = _count(m["n"])
    if not isinstance(n, int) or n > 31:
        return None  # "a few days later": no day
    return -n if m["dir"].lower() in ("earlier", "before") else n


def _anchored_rule(m: re.Match[str], published: dt.date, mode: str) -> DateSpan | None:
    offset = _anchored_offset(m)
    return None if offset is None else DateSpan(published + dt.timedelta(days=offset))


def _recent_rule(m: re.Match[str], published: dt.date, mode: str) -> DateSpan | None:
    if m["unit2"]:
        days = {"day": 7, "week": 28, "month": 90}[m["unit2"].lower()]
        return _range(published - dt.timedelta(days=days), published)
    unit = m["unit"].lower()
    n = _count(m["n"])
    if n is None:
        n = 1
    elif n == "few":
        n = 3 if unit != "day" else 5
    elif n == "several":
        n = 5 if unit != "day" else 7
    assert isinstance(n, int)
    if unit == "hour":
        start = published - dt.timedelta(days=math.ceil(n / 24))
    elif unit in ("day", "week"):
        start = published - dt.timedelta(days=n * (7 if unit == "week" else 1))
    elif unit == "month":
        start = _add_months(published, -n)
    else:
        start = _add_months(published, -12 * n)
    return _range(start, published)


def _within_rule(m: re.Match[str], published: dt.date, mode: str) -> DateSpan | None:
    prep = m["prep"].lower()
    unit = m["unit"].lower()
    n = _count(m["n"])
    if n is None and not m["nx"] and prep != "within":
        return None  # "in days", "over weeks"
    if prep in ("over", "during") and not m["nx"]:
        return None  # "over three days": a duration, not a deadline
    if unit == "month" and n is None:
        return _range(published + dt.timedelta(days=30), published + dt.timedelta(days=90))
    if n is None or isinstance(n, str):
        first, last = {"hour": (0, 1), "day": (1, 7), "week": (7, 42), "month": (30, 120)}[unit]
        if n == "few" and unit == "day":
            last = 5
        return _range(published + dt.timedelta(days=first), published + dt.timedelta(days=last))
    if unit == "hour":
        end = published + dt.timedelta(days=math.ceil(n / 24))
    elif unit == "month":
        end = _add_months(published, n)
    else:
        end = published + dt.timedelta(days=n * (7 if unit == "week" else 1))
    if prep in ("over", "during"):
        return _range(published + _ONE_DAY, end)
    return DateSpan(end)


# ---------------------------------------------------------------------------
# Scanning
# ---------------------------------------------------------------------------

_Handler = Callable[[re.Match[str], dt.date, str], "DateSpan | None"]

# Cheap searches that must succeed before a rule's full (slower) pattern is tried.
_GATE_NUMERIC = re.compile(r"\d[-/.]\d")
_GATE_MONTH = re.compile(r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)", re.IGNORECASE)
_GATE_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
_GATE_WEEKDAY = re.compile(r"(?:mon|tues|wednes|thurs|fri|satur|sun)day", re.IGNORECASE)
_GATE_RELDAY = re.compile(
    r"today|tonight|yesterday|tomorrow|last\s+(?:night|evening)"
    r"|this\s+(?:morning|afternoon|evening)|in\s+the\s+day",
    re.IGNORECASE,
)
_GATE_UNIT = re.compile(r"(?:hour|day|week|month|year)s?\b", re.IGNORECASE)
_GATE_PERIOD = re.compile(r"\b(?:week|month|year)\b", re.IGNORECASE)
_GATE_AGO = re.compile(r"\bago\b", re.IGNORECASE)
_GATE_ANCHORED = re.compile(
    r"\b(?:previous|preceding|following|next|before|after|earlier|later|same)\b", re.IGNORECASE
)

# (name, gate, regex, handler, fixed kind); earlier rules win ties of position and length.
_RULES: tuple[tuple[str, re.Pattern[str], re.Pattern[str], _Handler, str | None], ...] = (
    ("numeric", _GATE_NUMERIC, _ISO_RE, _iso_rule, None),
    ("numeric", _GATE_NUMERIC, _DMY_RE, _dmy_rule, None),
    ("monthday", _GATE_MONTH, _MD_MONTH_FIRST_RE, _month_day_span, None),
    ("monthday", _GATE_MONTH, _MD_DAY_FIRST_RE, _month_day_span, None),
    ("month", _GATE_MONTH, _MONTH_RE, _month_span_rule, None),
    ("year", _GATE_YEAR, _YEAR_RE, _year_rule, None),
    ("weekday", _GATE_WEEKDAY, _WEEKDAY_RE, _weekday_span, None),
    ("relday", _GATE_RELDAY, _RELDAY_RE, _relday_span, None),
    ("recent", _GATE_UNIT, _RECENT_RE, _recent_rule, "point"),
    ("within", _GATE_UNIT, _WITHIN_RE, _within_rule, "deadline"),
    ("period", _GATE_PERIOD, _PERIOD_RE, _period_rule, None),
    ("ago", _GATE_AGO, _AGO_RE, _ago_rule, "point"),
    ("anchored", _GATE_ANCHORED, _ANCHORED_RE, _anchored_rule, "point"),
)


@dataclass
class _Candidate:
    start: int
    end: int
    core: int  # offset just after the leading preposition
    rule: str
    order: int
    prep: str | None
    kind: str
    span: DateSpan
    match: re.Match[str]
    handler: _Handler


def _norm(words: str | None) -> str | None:
    return None if words is None else re.sub(r"\s+", " ", words.lower()).strip()


#: A past perfect: "had fled", "had been taken".
_PAST_PERFECT_RE = re.compile(r"\bhad\s+(?:already\s+)?(?:been\s+)?[a-z]+(?:ed|en|t)\b", re.I)
#: What makes "by <day>" a deadline still: a modal, an order, an ultimatum.
_DEADLINE_CUE_RE = re.compile(
    r"\b(?:will|won't|shall|would|must|should|need\s+to|have\s+to|has\s+to|demand\w*"
    r"|order\w*|ultimatum|deadline|warn\w*|urg\w*|call\w*\s+on|expect\w*|plan\w*|aim\w*)\b",
    re.I,
)


def _looks_back(text: str, m: re.Match[str]) -> bool:
    """Whether "by <day>" tells what had happened by then, not a deadline.

    It does when it opens its sentence or a past perfect stands in the sentence
    ("By October 6, most residents had fled"; "forces had taken the town by
    Tuesday"), and nothing in the sentence sets a deadline (a modal, an order, an
    ultimatum, a plan).
    """
    start = max(text.rfind(c, 0, m.start()) for c in ".!?\n") + 1
    ends = [i for i in (text.find(c, m.end()) for c in ".!?\n") if i >= 0]
    end = min(ends) if ends else len(text)
    sentence = text[start:end]
    if _DEADLINE_CUE_RE.search(sentence):
        return False
    opens = re.fullmatch(r"[\s\"“‘'(]*(?:(?:and|but|then)\s+)?", text[start : m.start()], re.I)
    return opens is not None or _PAST_PERFECT_RE.search(sentence) is not None


def _kind_and_mode(
    text: str, m: re.Match[str], prep: str | None, fixed: str | None
) -> tuple[str, str]:
    if fixed is not None:
        return fixed, ("future" if fixed == "deadline" else "past")
    head = prep.split()[0] if prep else None
    if head in _SINCE_PREPS:
        return "since", "since"
    if prep in _DEADLINE_PREPS:
        if prep == "by" and _looks_back(text, m):
            return "point", "past"  # "By October 6, half the town had fled"
        return "deadline", "future"
    matched = m.group().lower()
    if prep == "before" and re.search(r"\b(?:midnight|noon|midday|end\s+of)\b", matched):
        return "deadline", "future"
    if prep in ("until", "till") and _HAS_UNTIL_RE.search(text, max(0, m.start() - 12), m.start()):
        return "deadline", "future"
    if _FUTURE_CUE_RE.search(text, max(0, m.start() - 50), m.start()):
        return "point", "future"
    return "point", "past"


def _scan(text: str, published: dt.date) -> list[_Candidate]:
    found: list[_Candidate] = []
    for order, (rule, gate, regex, handler, fixed) in enumerate(_RULES):
        if gate.search(text) is None:
            continue
        for m in regex.finditer(text):
            if m.end() == m.start():
                continue
            prep = _norm(m.groupdict().get("prep"))
            kind, mode = _kind_and_mode(text, m, prep, fixed)
            span = handler(m, published, mode)
            if span is None:
                continue
            core = m.end("prep") if (prep and fixed is None) else m.start()
            while core < m.end() and text[core].isspace():
                core += 1
            found.append(
                _Candidate(m.start(), m.end(), core, rule, order, prep, kind, span, m, handler)
            )
    found.sort(key=lambda c: (c.start, -(c.end - c.start), c.order))
    chosen: list[_Candidate] = []
    last_end = -1
    for cand in found:
        if cand.start >= last_end:
            chosen.append(cand)
            last_end = cand.end
    return _merge(text, chosen, published)


def _merge(text: str, cands: list[_Candidate], published: dt.date) -> list[_Candidate]:
    """Join "Thursday, Dec. 19" into one date and "from Dec. 12 to Dec. 15" into one range."""
    out: list[_Candidate] = []
    i = 0
    while i < len(cands):
        a = cands[i]
        b = cands[i + 1] if i + 1 < len(cands) else None
        if b is not None:
            merged = _merge_pair(text, a, b, published)
            if merged is not None:
                cands[i + 1] = merged
                i += 1
                continue
        out.append(a)
        i += 1
    return out


def _merge_pair(text: str, a: _Candidate, b: _Candidate, published: dt.date) -> _Candidate | None:
    gap = text[a.end : b.core]
    b_prep_ok = b.prep in (None, "until", "till", "through")
    if (
        a.rule == "weekday"
        and b.rule in ("monthday", "numeric")
        and b.prep is None
        and _WEEKDAY_DATE_GAP_RE.fullmatch(gap)
    ):
        span = b.span
        if a.kind != "point" and not b.match["year" if b.rule == "monthday" else "y"]:
            mode = "since" if a.kind == "since" else "future"
            span = b.handler(b.match, published, mode) or span
        return _Candidate(
            a.start, b.end, a.core, "monthday", a.order, a.prep, a.kind, span, b.match, b.handler
        )
    if a.kind == "deadline" or b.kind == "deadline" or not b_prep_ok:
        return None
    gap_match = _RANGE_GAP_RE.fullmatch(gap) if b.prep is None else re.fullmatch(r"\s*", gap)
    if gap_match is None:
        return None
    if gap.strip().lower() == "and" and a.prep != "between":
        return None
    start = a.span.date
    end = b.span.last
    if b.rule == "weekday" and end < start:
        offset = (end.weekday() - start.weekday()) % 7
        end = start + dt.timedelta(days=offset)
    if end <= start or (end - start).days > 3660:
        return None
    return _Candidate(
        a.start, b.end, a.core, "range", a.order, a.prep, a.kind,
        DateSpan(start, end, "range"), b.match, b.handler,
    )  # fmt: skip


# ---------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------


_DAY_LIST_RE = re.compile(r"\d\s*(?:,\s*(?:and\s+)?|and\s+)\d", re.IGNORECASE)
_DAY_NUMBER_RE = re.compile(r"(?<![\d:])(\d{1,2})(?:st|nd|rd|th)?\b(?![:\d])")


def _listed_days(text: str, span: DateSpan) -> tuple[dt.date, ...]:
    """The days of a range written as a list ("3 and 4 August"), not "from 3 to 5 August"."""
    if span.precision != "range" or span.date_end is None or not _DAY_LIST_RE.search(text):
        return ()
    if re.search(r"\b(?:between|from|to|until|till|through)\b|-|–", text, re.IGNORECASE):
        return ()
    numbers = {int(n) for n in _DAY_NUMBER_RE.findall(text)}
    days: list[dt.date] = []
    day = span.date
    while day <= span.date_end and len(days) <= 7:
        if day.day in numbers:
            days.append(day)
        day += _ONE_DAY
    return tuple(days) if len(days) >= 2 else ()


def find_dates(text: str, published: dt.date) -> list[DateMatch]:
    """Every date expression in a text, left to right and non-overlapping.

    Parameters
    ----------
    text : str
        A sentence or a longer text.
    published : datetime.date
        The publication date that relative expressions are resolved against.

    Returns
    -------
    list of DateMatch
        One match per expression, with offsets into ``text``.

    Examples
    --------
    >>> import datetime as dt
    >>> [m.text for m in find_dates("Shelling resumed on Thursday night.", dt.date(2019, 12, 20))]
    ['on Thursday night']
    >>> find_dates("Shelling resumed on Thursday night.", dt.date(2019, 12, 20))[0].span.date
    datetime.date(2019, 12, 19)
    """
    return [
        DateMatch(
            c.start, c.end, text[c.start : c.end], c.span, c.kind,
            _anchored_offset(c.match) if c.rule == "anchored" else None,
            _listed_days(text[c.start : c.end], c.span),
        )  # fmt: skip
        for c in _scan(text, published)
    ]


def resolve_date(expression: str, published: dt.date) -> DateSpan | None:
    """Resolve one date expression against the publication date.

    Parameters
    ----------
    expression : str
        A date expression such as ``"Thursday evening"``, ``"Dec. 19"`` or
        ``"a few days ago"``; surrounding words are allowed.
    published : datetime.date
        The article's publication date.

    Returns
    -------
    DateSpan or None
        The longest date expression's span, or None when there is none.

    Examples
    --------
    >>> import datetime as dt
    >>> resolve_date("Thursday evening", dt.date(2019, 12, 20))
    DateSpan(date=datetime.date(2019, 12, 19), date_end=None, precision='day')
    >>> resolve_date("early June", dt.date(2020, 7, 1)).date_end
    datetime.date(2020, 6, 10)
    """
    cands = _scan(expression, published)
    if cands:
        best = max(cands, key=lambda c: c.end - c.start)
        return best.span
    return _dateparser_full_date(expression.strip())


_FALLBACK_GATE_RE = re.compile(r"(?<!\d)(?:(?:19|20)\d{2}|'\d{2})(?!\d)")


@functools.lru_cache(maxsize=4096)
def _dateparser_full_date(expression: str) -> DateSpan | None:
    """Full dates (day, month and year) in forms the rules above do not cover."""
    if not expression or len(expression) > 60 or not _FALLBACK_GATE_RE.search(expression):
        return None
    import dateparser  # slow to import; only needed here

    settings = {
        # Fixed base and zone: the result never depends on the clock or the machine.
        "RELATIVE_BASE": dt.datetime(2000, 1, 1),
        "TIMEZONE": "UTC",
        "RETURN_AS_TIMEZONE_AWARE": False,
        "REQUIRE_PARTS": ["day", "month", "year"],
        "DATE_ORDER": "DMY",
        "STRICT_PARSING": True,
        "PARSERS": ["absolute-time"],
    }
    parsed = dateparser.parse(expression, languages=["en"], settings=settings)
    return None if parsed is None else DateSpan(parsed.date())


def latest_full_date(text: str) -> dt.date | None:
    """Return the latest full date (day, month and year all written) in a text.

    Parameters
    ----------
    text : str
        Any text, typically an article without a known publication date.

    Returns
    -------
    datetime.date or None
        The latest such date (the last day of a written range), or None.

    Examples
    --------
    >>> latest_full_date("Talks began on 3 March 2020 and resumed on March 12, 2020.")
    datetime.date(2020, 3, 12)
    """
    best: dt.date | None = None
    anchor = dt.date(2000, 1, 1)  # unused: full dates never consult the publication date
    for regex, handler, year_group in (
        (_MD_MONTH_FIRST_RE, _month_day_span, "year"),
        (_MD_DAY_FIRST_RE, _month_day_span, "year"),
        (_ISO_RE, _iso_rule, "y"),
        (_DMY_RE, _dmy_rule, "y"),
    ):
        for m in regex.finditer(text):
            if not m[year_group]:
                continue
            span = handler(m, anchor, "past")
            if span is not None and (best is None or span.last > best):
                best = span.last
    return best


_FILENAME_SEP_RE = re.compile(
    r"(?<!\d)((?:19|20)\d{2})([-_.])(0?[1-9]|1[0-2])\2(0?[1-9]|[12]\d|3[01])(?!\d)"
)
_FILENAME_COMPACT_RE = re.compile(
    r"(?<![0-9A-Fa-f])((?:19|20)\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?![0-9A-Fa-f])"
)


def date_from_filename(name: str) -> dt.date | None:
    """Return the date written in a file name.

    ``YYYY-MM-DD``, ``YYYY_MM_DD`` or ``YYYY.MM.DD`` anywhere in the name (the
    first valid one wins); otherwise an eight-digit ``YYYYMMDD`` that is not
    part of a longer run of digits or hexadecimal characters (a hash), and
    only when the name holds exactly one such date.

    Parameters
    ----------
    name : str
        A file name or path.

    Returns
    -------
    datetime.date or None

    Examples
    --------
    >>> date_from_filename("libya_2019-12-20_reuters.txt")
    datetime.date(2019, 12, 20)
    >>> date_from_filename("wire-20200113.txt")
    datetime.date(2020, 1, 13)
    """
    for m in _FILENAME_SEP_RE.finditer(name):
        day = _safe_date(int(m[1]), int(m[3]), int(m[4]))
        if day is not None:
            return day
    found = {
        day
        for m in _FILENAME_COMPACT_RE.finditer(name)
        if (day := _safe_date(int(m[1]), int(m[2]), int(m[3]))) is not None
    }
    return found.pop() if len(found) == 1 else None
