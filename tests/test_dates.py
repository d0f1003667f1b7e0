"""Tests for geo.dates: resolving date expressions against the publication date.

Every sentence here was written for these tests in wire-report style.
Publication dates used, with their weekdays:
2019-12-20 Fri, 2019-12-22 Sun, 2019-12-30 Mon, 2020-01-03 Fri, 2020-01-10 Fri,
2020-03-01 Sun, 2020-03-15 Sun, 2020-06-17 Wed, 2020-07-04 Sat, 2021-03-01 Mon.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from geo.dates import (
    DATE_KINDS,
    FUTURE_DAYS,
    DateMatch,
    date_from_filename,
    find_dates,
    latest_full_date,
    resolve_date,
)
from geo.model import DATE_PRECISIONS, DateSpan

D = dt.date
FRI = D(2019, 12, 20)
SUN = D(2019, 12, 22)
MON = D(2019, 12, 30)
WED = D(2020, 6, 17)
SAT = D(2020, 7, 4)

# (sentence, published, expected date, date_end, precision, kind, expected match text)
CASES = [
    # --- weekdays: most recent on or before publication
    ("Warplanes struck the airport on Thursday evening.", FRI,
     D(2019, 12, 19), None, "day", "point", "on Thursday evening"),
    ("The militia said it shelled the port on Thursday night.", FRI,
     D(2019, 12, 19), None, "day", "point", "on Thursday night"),
    ("Clashes erupted again in the southern suburbs Friday.", FRI,
     D(2019, 12, 20), None, "day", "point", "Friday"),
    ("Drones hit a fuel depot last Friday, officials said.", FRI,
     D(2019, 12, 13), None, "day", "point", "last Friday"),
    ("Gunmen attacked a checkpoint on Monday.", MON,
     D(2019, 12, 30), None, "day", "point", "on Monday"),
    ("A convoy was ambushed last Monday near the coast.", MON,
     D(2019, 12, 23), None, "day", "point", "last Monday"),
    ("Rockets landed near the hospital on Sunday.", WED,
     D(2020, 6, 14), None, "day", "point", "on Sunday"),
    ("Fighting resumed early Saturday around the bridge.", SAT,
     D(2020, 7, 4), None, "day", "point", "early Saturday"),
    ("Troops moved in during the early hours of Tuesday.", SAT,
     D(2020, 6, 30), None, "day", "point", "during the early hours of Tuesday"),
    ("A car bomb exploded shortly before midnight on Thursday.", FRI,
     D(2019, 12, 19), None, "day", "point", "shortly before midnight on Thursday"),
    # --- relative days
    ("The army said today that the town was secure.", FRI,
     FRI, None, "day", "point", "today"),
    ("Heavy artillery fire was heard this morning.", MON,
     MON, None, "day", "point", "this morning"),
    ("Residents expect more strikes tonight.", SAT,
     SAT, None, "day", "point", "tonight"),
    ("A spokesman confirmed earlier today that the base had fallen.", WED,
     WED, None, "day", "point", "earlier today"),
    ("Two soldiers were killed yesterday in the western district.", WED,
     D(2020, 6, 16), None, "day", "point", "yesterday"),
    ("Explosions shook the harbour last night.", SUN,
     D(2019, 12, 21), None, "day", "point", "last night"),
    ("The column set out the day before yesterday.", FRI,
     D(2019, 12, 18), None, "day", "point", "the day before yesterday"),
    ("Negotiators are due to meet tomorrow.", FRI,
     D(2019, 12, 21), None, "day", "point", "tomorrow"),
    ("Shells fell on the old town yesterday evening.", D(2020, 3, 1),  # leap day
     D(2020, 2, 29), None, "day", "point", "yesterday evening"),
    # --- month and day without a year
    ("Government aircraft bombed the depot on Dec. 19.", FRI,
     D(2019, 12, 19), None, "day", "point", "on Dec. 19"),
    ("The town changed hands on Dec 19 after a week of fighting.", FRI,
     D(2019, 12, 19), None, "day", "point", "on Dec 19"),
    ("Talks collapsed on December 19.", FRI,
     D(2019, 12, 19), None, "day", "point", "on December 19"),
    ("The airport has been closed since 19 December.", FRI,
     D(2019, 12, 19), None, "day", "since", "since 19 December"),
    ("The brigade withdrew on 22 January under pressure.", FRI,
     D(2019, 1, 22), None, "day", "point", "on 22 January"),
    ("The first drone strike came on Jan. 22nd.", D(2020, 1, 30),
     D(2020, 1, 22), None, "day", "point", "on Jan. 22nd"),
    # year boundaries
    ("A mortar round hit the school on Dec. 28.", D(2020, 1, 3),
     D(2019, 12, 28), None, "day", "point", "on Dec. 28"),
    ("Parliament will convene on Jan. 2.", MON,
     D(2020, 1, 2), None, "day", "point", "on Jan. 2"),
    ("Prisoners were swapped on Feb. 15.", MON,
     D(2019, 2, 15), None, "day", "point", "on Feb. 15"),
    ("Both sides must pull back their heavy weapons by Feb. 15.", MON,
     D(2020, 2, 15), None, "day", "deadline", "by Feb. 15"),
    ("The ceasefire took effect on Feb. 29.", D(2021, 3, 1),  # leap day
     D(2020, 2, 29), None, "day", "point", "on Feb. 29"),
    # --- full dates
    ("The assault began on December 19, 2019, officials said.", D(2020, 2, 10),
     D(2019, 12, 19), None, "day", "point", "on December 19, 2019"),
    ("The assault began on 19 December 2019.", D(2020, 2, 10),
     D(2019, 12, 19), None, "day", "point", "on 19 December 2019"),
    ("Report dated 2019-12-19 lists the casualties.", D(2020, 2, 10),
     D(2019, 12, 19), None, "day", "point", "2019-12-19"),
    ("A memo dated 19/12/2019 ordered the withdrawal.", D(2020, 2, 10),
     D(2019, 12, 19), None, "day", "point", "19/12/2019"),
    ("The raid of Dec. 19, 2019 killed four fighters.", D(2020, 2, 10),
     D(2019, 12, 19), None, "day", "point", "Dec. 19, 2019"),
    ("On Tuesday, Dec. 17, forces entered the district.", FRI,
     D(2019, 12, 17), None, "day", "point", "On Tuesday, Dec. 17"),
    # --- since
    ("The capital has been under siege since April 4.", D(2020, 1, 10),
     D(2019, 4, 4), None, "day", "since", "since April 4"),
    ("The capital has been under siege since April 4.", D(2020, 4, 10),
     D(2020, 4, 4), None, "day", "since", "since April 4"),
    ("Fighting has continued since last week.", FRI,
     D(2019, 12, 13), D(2019, 12, 19), "range", "since", "since last week"),
    # --- months and years
    ("The offensive was launched in April.", D(2020, 1, 10),
     D(2019, 4, 1), D(2019, 4, 30), "month", "point", "in April"),
    ("Clashes intensified in April.", D(2020, 4, 10),
     D(2020, 4, 1), D(2020, 4, 30), "month", "point", "in April"),
    ("Airstrikes doubled last month.", D(2020, 3, 15),  # leap February
     D(2020, 2, 1), D(2020, 2, 29), "month", "point", "last month"),
    ("The town was first captured in 2011.", FRI,
     D(2011, 1, 1), D(2011, 12, 31), "year", "point", "in 2011"),
    ("Dozens were detained last week.", FRI,
     D(2019, 12, 13), D(2019, 12, 19), "range", "point", "last week"),
    ("The port was shelled repeatedly last year.", FRI,
     D(2018, 1, 1), D(2018, 12, 31), "year", "point", "last year"),
    ("The airbase was seized in December last year.", D(2020, 1, 10),
     D(2019, 12, 1), D(2019, 12, 31), "month", "point", "in December last year"),
    # --- parts of months
    ("Reinforcements arrived in early June.", D(2020, 7, 1),
     D(2020, 6, 1), D(2020, 6, 10), "range", "point", "in early June"),
    ("The frontline shifted in mid-June.", WED,  # publication month itself
     D(2020, 6, 11), D(2020, 6, 20), "range", "point", "in mid-June"),
    ("The frontline shifted in mid June.", D(2020, 5, 1),
     D(2019, 6, 11), D(2019, 6, 20), "range", "point", "in mid June"),
    ("The brigade retreated in late June.", D(2020, 6, 5),
     D(2020, 6, 21), D(2020, 6, 30), "range", "point", "in late June"),
    ("Supplies ran out at the end of June.", D(2020, 8, 2),
     D(2020, 6, 21), D(2020, 6, 30), "range", "point", "at the end of June"),
    ("Mediators met at the beginning of June.", D(2020, 8, 2),
     D(2020, 6, 1), D(2020, 6, 10), "range", "point", "at the beginning of June"),
    # --- durations ago and vague recent past
    ("The depot was hit 3 days ago.", FRI,
     D(2019, 12, 17), None, "day", "point", "3 days ago"),
    ("The depot was hit two days ago.", SAT,
     D(2020, 7, 2), None, "day", "point", "two days ago"),
    ("The checkpoint fell a week ago.", WED,
     D(2020, 6, 10), None, "day", "point", "a week ago"),
    ("The checkpoint fell several days ago.", FRI,
     D(2019, 12, 13), D(2019, 12, 18), "range", "point", "several days ago"),
    ("Residents fled a few days ago.", FRI,
     D(2019, 12, 15), D(2019, 12, 19), "range", "point", "a few days ago"),
    ("The strike happened just hours ago.", FRI,
     FRI, None, "day", "point", "just hours ago"),
    ("A second blast was heard a little while ago.", SUN,
     SUN, None, "day", "point", "a little while ago"),
    ("Fighters regrouped earlier this week.", FRI,
     D(2019, 12, 16), D(2019, 12, 20), "range", "point", "earlier this week"),
    ("Fighters regrouped earlier this week.", WED,
     D(2020, 6, 15), D(2020, 6, 17), "range", "point", "earlier this week"),
    ("At least 30 were killed in the past 24 hours.", FRI,
     D(2019, 12, 19), D(2019, 12, 20), "range", "point", "in the past 24 hours"),
    # --- deadlines
    ("Forces must leave the city by midnight Sunday.", FRI,
     D(2019, 12, 22), None, "day", "deadline", "by midnight Sunday"),
    ("The militia was told to withdraw by Sunday.", WED,
     D(2020, 6, 21), None, "day", "deadline", "by Sunday"),
    ("Fighters must surrender before midnight on Sunday.", FRI,
     D(2019, 12, 22), None, "day", "deadline", "before midnight on Sunday"),
    ("The commander gave them within 3 days to hand over weapons.", FRI,
     D(2019, 12, 23), None, "day", "deadline", "within 3 days"),
    ("The truce expires in three days.", SAT,
     D(2020, 7, 7), None, "day", "deadline", "in three days"),
    ("The garrison must leave within 48 hours.", SUN,
     D(2019, 12, 24), None, "day", "deadline", "within 48 hours"),
    ("The garrison has until Sunday to leave.", FRI,
     D(2019, 12, 22), None, "day", "deadline", "until Sunday"),
    # ... but "by" telling what had happened by then is a past day
    ("By Tuesday, forces had captured the town.", FRI,
     D(2019, 12, 17), None, "day", "point", "By Tuesday"),
    ("By Dec. 12 most residents were gone.", FRI,
     D(2019, 12, 12), None, "day", "point", "By Dec. 12"),
    ("The army had retaken the airport by Dec. 14.", FRI,
     D(2019, 12, 14), None, "day", "point", "by Dec. 14"),
    ("By Sunday, the fighters must leave the city.", FRI,
     D(2019, 12, 22), None, "day", "deadline", "By Sunday"),
    # --- plans and ranges
    ("Talks will resume on Sunday in Geneva.", FRI,
     D(2019, 12, 22), None, "day", "point", "on Sunday"),
    ("Shelling went on from Thursday to Saturday.", SUN,
     D(2019, 12, 19), D(2019, 12, 21), "range", "point", "from Thursday to Saturday"),
    ("Sporadic clashes were reported between 5 and 8 May.", D(2020, 6, 1),
     D(2020, 5, 5), D(2020, 5, 8), "range", "point", "between 5 and 8 May"),
    ("Airstrikes pounded the area on Dec. 12-15.", FRI,
     D(2019, 12, 12), D(2019, 12, 15), "range", "point", "on Dec. 12-15"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("sentence", "published", "date", "date_end", "precision", "kind", "matched"), CASES
)
def test_find_dates_table(
    sentence: str,
    published: dt.date,
    date: dt.date,
    date_end: dt.date | None,
    precision: str,
    kind: str,
    matched: str,
) -> None:
    matches = find_dates(sentence, published)
    assert len(matches) == 1, matches
    m = matches[0]
    assert (m.text, m.span.date, m.span.date_end, m.span.precision, m.kind) == (
        matched,
        date,
        date_end,
        precision,
        kind,
    )
    assert sentence[m.start : m.end] == m.text


def test_table_is_large_and_varied() -> None:
    assert len(CASES) >= 40
    assert {row[1].weekday() for row in CASES} >= {0, 2, 4, 5, 6}
    assert {row[5] for row in CASES} == set(DATE_KINDS)


@pytest.mark.parametrize(
    ("expression", "published", "expected"),
    [
        ("Thursday evening", FRI, DateSpan(D(2019, 12, 19))),
        ("Friday", FRI, DateSpan(FRI)),
        ("Dec. 19", FRI, DateSpan(D(2019, 12, 19))),
        ("late June", D(2020, 7, 4), DateSpan(D(2020, 6, 21), D(2020, 6, 30), "range")),
        ("in February", D(2020, 3, 10), DateSpan(D(2020, 2, 1), D(2020, 2, 29), "month")),
        ("in early 2019", FRI, DateSpan(D(2019, 1, 1), D(2019, 4, 30), "range")),
        ("a month ago", D(2020, 1, 15), DateSpan(D(2019, 12, 1), D(2019, 12, 31), "month")),
        ("24 hours ago", D(2020, 1, 15), DateSpan(D(2020, 1, 14))),
        ("by the end of the month", FRI, DateSpan(D(2019, 12, 21), D(2019, 12, 31), "range")),
        # not covered by the rules: dateparser's cached fallback, full dates only
        ("2019-Dec-19", D(2020, 5, 1), DateSpan(D(2019, 12, 19))),
    ],
)
def test_resolve_date(expression: str, published: dt.date, expected: DateSpan) -> None:
    assert resolve_date(expression, published) == expected


NON_DATES = [
    "Rebel forces may attack the city soon.",
    "They threatened to march on Tripoli before the talks.",
    "May God protect the wounded, the imam said.",
    "At least 19 people were killed and 2,019 displaced.",
    "The conflict has roots in the 1990s.",
    "The siege lasted 3 days.",
    "They fought for three days without water.",
    "Forty were killed in three days of fighting.",
    "A statement by Jan Kubis urged restraint.",
    "The Sunday Times reported the sale of the drones.",
    "April was the deadliest month, the monitor said.",
    "The Volcano of Rage operation continued around the 1st Brigade headquarters.",
    "Shells landed 12 km from the airport, hitting 2000 homes.",
]


@pytest.mark.parametrize("sentence", NON_DATES)
def test_non_dates(sentence: str) -> None:
    assert find_dates(sentence, FRI) == []


@pytest.mark.parametrize("expression", ["forces may attack", "march", "19", "3 days", "the 1990s"])
def test_resolve_date_non_dates(expression: str) -> None:
    assert resolve_date(expression, FRI) is None


def test_find_dates_offsets_and_order() -> None:
    text = (
        "Fighters attacked the bridge on Thursday night, a week after the Dec. 12 raid, "
        "and vowed to take the city by midnight Sunday; the offensive began in April."
    )
    matches = find_dates(text, FRI)
    # "a week after" is relative to another event, not to publication: no date.
    assert [m.text for m in matches] == [
        "on Thursday night",
        "Dec. 12",
        "by midnight Sunday",
        "in April",
    ]
    assert [m.kind for m in matches] == ["point", "point", "deadline", "point"]
    for m in matches:
        assert text[m.start : m.end] == m.text
        assert isinstance(m, DateMatch)
        assert m.span.precision in DATE_PRECISIONS and m.span.precision != "published"
    starts = [m.start for m in matches]
    assert starts == sorted(starts)
    assert all(a.end <= b.start for a, b in zip(matches, matches[1:], strict=False))


def test_date_match_is_frozen() -> None:
    m = find_dates("It happened yesterday.", FRI)[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        m.start = 0  # type: ignore[misc]


def test_future_allowance_is_documented_constant() -> None:
    # a year-less month-day up to FUTURE_DAYS ahead stays in the coming weeks
    ahead = FRI + dt.timedelta(days=FUTURE_DAYS)
    expression = f"{ahead:%B} {ahead.day}"
    assert resolve_date(expression, FRI) == DateSpan(ahead)
    beyond = FRI + dt.timedelta(days=FUTURE_DAYS + 1)
    span = resolve_date(f"{beyond:%B} {beyond.day}", FRI)
    assert span is not None and span.date == beyond.replace(year=beyond.year - 1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Talks began on 3 March 2020 and resumed on March 12, 2020.", D(2020, 3, 12)),
        ("Filed 2019-12-20T08:00:00Z; updated 21/12/2019.", D(2019, 12, 21)),
        ("Clashes on Dec. 19-21, 2019 left 12 dead. Earlier, on Nov. 30, 2019, a truce failed.",
         D(2019, 12, 21)),
        ("The strike came on Thursday, Dec. 19, and again in April.", None),
        ("The war began in 2011 and flared in April 2019.", None),
        ("No dates at all, just 12 people and 2,019 homes.", None),
    ],
)  # fmt: skip
def test_latest_full_date(text: str, expected: dt.date | None) -> None:
    assert latest_full_date(text) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("2019-12-20_reuters.txt", D(2019, 12, 20)),
        ("libya_2019_12_20_afp.md", D(2019, 12, 20)),
        ("wire.2020.01.13.txt", D(2020, 1, 13)),
        ("articles/20191220-ap.txt", D(2019, 12, 20)),
        ("news20200229.txt", D(2020, 2, 29)),
        ("report_20191220_20191221.txt", None),  # two compact dates: ambiguous
        ("scan_201912201030.txt", None),  # part of a longer run of digits
        ("000_8f20191220ab.txt", None),  # inside a hexadecimal hash
        ("2019-13-45.txt", None),
        ("20190230.txt", None),
        ("notes.txt", None),
    ],
)
def test_date_from_filename(name: str, expected: dt.date | None) -> None:
    assert date_from_filename(name) == expected


WEEKDAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
publication_dates = st.dates(min_value=D(1950, 1, 1), max_value=D(2090, 12, 31))


@given(
    published=publication_dates,
    index=st.integers(0, 6),
    case=st.sampled_from([str.title, str.lower, str.upper]),
    suffix=st.sampled_from(["", " evening", " night", " morning"]),
)
def test_weekday_property(published: dt.date, index: int, case: object, suffix: str) -> None:
    expression = case(WEEKDAY_NAMES[index]) + suffix  # type: ignore[operator]
    span = resolve_date(expression, published)
    assert span is not None and span.precision == "day" and span.date_end is None
    assert published - dt.timedelta(days=6) <= span.date <= published
    assert span.date.weekday() == index


@given(published=publication_dates, index=st.integers(0, 6))
def test_last_and_deadline_weekday_property(published: dt.date, index: int) -> None:
    last = resolve_date(f"last {WEEKDAY_NAMES[index]}", published)
    assert last is not None
    assert published - dt.timedelta(days=7) <= last.date < published
    (deadline,) = find_dates(f"Leave by {WEEKDAY_NAMES[index]}.", published)
    assert deadline.kind == "deadline"
    assert published <= deadline.span.date <= published + dt.timedelta(days=6)
    assert deadline.span.date.weekday() == index


@given(
    published=publication_dates, day=st.dates(min_value=D(2000, 1, 1), max_value=D(2040, 12, 31))
)
def test_month_day_property(published: dt.date, day: dt.date) -> None:
    span = resolve_date(f"{day:%B} {day.day}", published)
    assert span is not None
    assert (span.date.month, span.date.day) == (day.month, day.day)
    assert span.date <= published + dt.timedelta(days=FUTURE_DAYS)
    # the latest such occurrence: one year later would be past the allowance
    if not (day.month == 2 and day.day == 29):
        later = span.date.replace(year=span.date.year + 1)
        assert later > published + dt.timedelta(days=FUTURE_DAYS)


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("shelling hit A and B on March 3 and 9, respectively", (D(2020, 3, 3), D(2020, 3, 9))),
        ("on March 3 and 9 2020, drones", (D(2020, 3, 3), D(2020, 3, 9))),
        ("on March 3 and 20 people fled", ()),  # a number of people, not a day
    ],
)
def test_month_first_list_of_two_days(text, days):
    [m] = find_dates(text, D(2020, 3, 15))[:1]
    assert m.days == days


@pytest.mark.parametrize(
    ("text", "published", "first"),
    [
        ("has been shelling the city since last April", D(2020, 1, 10), D(2019, 4, 1)),
        ("since last April", D(2020, 4, 10), D(2019, 4, 1)),  # not this month
        ("since last April", D(2020, 6, 10), D(2020, 4, 1)),
        ("Last December, troops moved", D(2020, 1, 10), D(2019, 12, 1)),
    ],
)
def test_last_month_name(text, published, first):
    [m] = find_dates(text, published)
    assert m.span.date == first and m.span.precision == "month"
