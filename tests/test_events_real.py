"""Report and digest phrasing of real news: lists of places, nominal events, relative days.

Every sentence here was written for these tests; none comes from an article. The
publication date, unless a case says otherwise, is Friday 2020-01-10.
"""

from __future__ import annotations

import datetime as dt

import pytest

from geo.dates import find_dates
from geo.events.sentences import _split_sentences
from geo.model import Event

PUB = dt.date(2020, 1, 10)
D = dt.date


def _got(evs: list[Event]) -> set[tuple[str, str]]:
    return {(e.type, e.place) for e in evs}


@pytest.mark.parametrize(
    ("text", "want"),
    [
        # a list after "including": every place its own event, districts too
        (
            "Aid groups voiced concern for families unable to leave, with heavy shelling "
            "reported in several districts, including Aziziya, Gharyan, Qasr bin Ghashir, "
            "Sawani and Wadi al-Rabie.",
            {("shelling", p) for p in
             ("Al-Aziziya", "Gharyan", "Qasr bin Ghashir", "Al-Sawani", "Wadi al-Rabie")},
        ),
        (
            "Continued use of heavy weapons was reported around Gharyan and Aziziya.",
            {("shelling", "Gharyan"), ("shelling", "Al-Aziziya")},
        ),
        (
            "Clashes were recorded in Ain Zara, Wadi al-Rabie and Qasr bin Ghashir.",
            {("clash", p) for p in ("Ain Zara", "Wadi al-Rabie", "Qasr bin Ghashir")},
        ),
        # a district beside a town in one list is a place of its own, not the town's part
        (
            "Heavy fighting was reported in Aziziya and Qasr bin Ghashir.",
            {("clash", "Al-Aziziya"), ("clash", "Qasr bin Ghashir")},
        ),
        # ... but a district named in a phrase of its own still wins over its city
        (
            "Clashes erupted on the outskirts of the capital, in the Salah al-Din and "
            "Ain Zara areas.",
            {("clash", "Salah al-Din"), ("clash", "Ain Zara")},
        ),
    ],
)
def test_lists_of_places_in_reports(events, text, want):
    assert _got(events(text)) == want


@pytest.mark.parametrize(
    ("text", "want"),
    [
        # a noun supported by "damaged by" or "reports of"
        ("Reports of a clinic damaged by an airstrike in Tajoura alarmed aid groups.",
         {("airstrike", "Tajoura")}),
        ("A warehouse was destroyed by a drone strike in Misrata on Monday.",
         {("airstrike", "Misrata")}),
        # "shelling reported in", "clashes spread to"
        ("Sporadic shelling reported in Ain Zara kept families indoors.",
         {("shelling", "Ain Zara")}),
        # a reporting verb whose subject is the happening names no speaker
        ("Residents fled, with clashes reported in Ain Zara.", {("clash", "Ain Zara")}),
        ("Drones struck Misrata, the army reported on Monday.", {("airstrike", "Misrata")}),
        ("By the afternoon clashes had spread to Wadi al-Rabie.",
         {("clash", "Wadi al-Rabie")}),
        ("Violence broke out in Tarhuna late on Thursday.", {("clash", "Tarhuna")}),
        # "has come under" is a participle, not a bare verb; artillery fire is shelling
        ("Officials said Zliten has come under artillery fire.", {("shelling", "Zliten")}),
        ("The town of Zliten came under heavy rocket fire on Monday.",
         {("shelling", "Zliten")}),
        ("A patrol came under fire near Sirte on Monday.", {("clash", "Sirte")}),
        ("The city of Sirte was under enemy shelling overnight.", {("shelling", "Sirte")}),
        # an infiltration attempt is an assault
        ("Militants made an infiltration attempt towards Sirte on Monday.",
         {("ground_attack", "Sirte")}),
        # an encirclement is an assault
        ("Government troops surrounded the garrison in Gharyan on Monday.",
         {("ground_attack", "Gharyan")}),
    ],
)
def test_nominal_and_report_phrasing(events, text, want):
    assert _got(events(text)) == want


@pytest.mark.parametrize(
    ("text", "want"),
    [
        # the cue describes a noun the trigger does not hang on (the parse decides)
        ("Aid groups voiced concern for families unable to leave their homes, with shelling "
         "reported in Ain Zara.", {("shelling", "Ain Zara")}),
        ("Civilians unwilling to flee stayed at home while clashes erupted in Tarhuna.",
         {("clash", "Tarhuna")}),
        # a cue governing the trigger's verb still counts
        ("The militias were unable to take Gharyan.", set()),
        ("Forces failed to capture Gharyan on Monday.", set()),
        ("The army did not shell Tarhuna.", set()),
    ],
)
def test_negation_scope_from_the_parse(events, text, want):
    assert _got(events(text)) == want


@pytest.mark.parametrize(
    ("text", "offset", "day"),
    [
        ("The fighting began the previous night.", -1, D(2020, 1, 9)),
        ("Troops withdrew the following day.", 1, D(2020, 1, 11)),
        ("A day earlier, drones struck the port.", -1, D(2020, 1, 9)),
        ("Three days later the town fell.", 3, D(2020, 1, 13)),
        ("It came two days after the raid.", 2, D(2020, 1, 12)),
        ("The convoy left on the next morning.", 1, D(2020, 1, 11)),
        ("The night before, guns were heard.", -1, D(2020, 1, 9)),
        ("Shells fell again earlier in the day.", 0, D(2020, 1, 10)),
        ("Shells fell later that evening.", 0, D(2020, 1, 10)),
        ("On the same day, shells fell on the port.", 0, D(2020, 1, 10)),
    ],
)
def test_days_told_relative_to_another_happening(text, offset, day):
    (m,) = find_dates(text, PUB)
    assert m.offset_days == offset
    assert m.span.date == day  # read from publication when nothing else is known


@pytest.mark.parametrize(
    "text",
    ["the day before yesterday", "the day after tomorrow", "a few days later", "days after"],
)
def test_other_relative_days_are_not_anchored(text):
    assert all(m.offset_days is None for m in find_dates(text, PUB))


def _day(evs: list[Event], place: str) -> dt.date:
    (e,) = [e for e in evs if e.place == place]
    return e.date


@pytest.mark.parametrize(
    ("text", "place", "day"),
    [
        # against the happening told just before, not publication
        ("Forces took Gharyan on Tuesday. The previous night, drones struck Aziziya.",
         "Al-Aziziya", D(2020, 1, 6)),
        ("Forces took Gharyan on Tuesday. Two days later, they shelled Aziziya.",
         "Al-Aziziya", D(2020, 1, 9)),
        ("Clashes erupted in Tarhuna on Monday. The following day, troops shelled Zliten.",
         "Zliten", D(2020, 1, 7)),
        # with nothing told before, publication; a later day never passes it
        ("The following day, troops shelled Zliten.", "Zliten", PUB),
        ("Drones struck Aziziya a day earlier.", "Al-Aziziya", D(2020, 1, 9)),
        # "two days after <the strike>": the strike is the anchor, dated by its own day
        ("Sirte fell on Monday, two days after an airstrike on Tripoli on Saturday night.",
         "Tripoli", D(2020, 1, 4)),
    ],
)
def test_relative_days_resolved_against_the_story(events, text, place, day):
    assert _day(events(text), place) == day


@pytest.mark.parametrize(
    ("text", "want"),
    [
        # destroying a hangar for drones is no drone shot down
        ("Jets struck the Jufra air base on Friday, destroying a hangar for drones.",
         {("airstrike", "Al-Jufra air base")}),
        ("Air defences destroyed a drone over Misrata on Friday.", {("clash", "Misrata")}),
        # a bare attack on a place pointed back to retells the strike told before
        ("Jets struck the Jufra air base on Friday. Local television confirmed that the "
         "base was attacked.", {("airstrike", "Al-Jufra air base")}),
        # ... but an assault named with its place stays an assault
        ("Jets struck the Jufra air base on Friday. Later that day militias attacked "
         "Jufra air base from the south.",
         {("airstrike", "Al-Jufra air base"), ("ground_attack", "Al-Jufra air base")}),
        # forces that went somewhere were deployed there; people who went were not
        ("Other units had gone to Shweirif and Garyat to cut off the retreat.",
         {("deployment", "Al-Shwayrif"), ("deployment", "Al-Qaryat")}),
        ("The delegation went to Misrata for talks on Monday.", set()),
    ],
)
def test_strikes_retold_and_forces_moving(events, text, want):
    assert _got(events(text, published=D(2019, 7, 27))) == want


@pytest.mark.parametrize(
    ("text", "status", "claimed_by"),
    [
        # a state speaking is a party, named as the country
        ("Turkey said its drones struck Sirte on Monday.", "claimed", "Turkey"),
        ("Egypt's defence ministry said its jets struck Sirte on Monday.", "claimed", "Egypt"),
        # a country in a reporter's or a resident's phrase is no party
        ("Residents who fled to Tunisia said drones struck Sirte on Monday.", "reported", None),
        ("A Tunisian journalist said drones struck Sirte on Monday.", "reported", None),
    ],
)
def test_a_state_speaking_is_a_party(events, text, status, claimed_by):
    (e,) = events(text)
    assert (e.status, e.claimed_by) == (status, claimed_by)


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("On 3 and 4 August, jets struck Misrata.", [D(2019, 8, 3), D(2019, 8, 4)]),
        ("Drones struck Misrata on 4 and 6 August.", [D(2019, 8, 4), D(2019, 8, 6)]),
        # a range is one happening over its days, not one per day
        ("From 3 to 5 August, jets struck Misrata.", [D(2019, 8, 3)]),
        ("Between 3 and 4 August, jets struck Misrata.", [D(2019, 8, 3)]),
    ],
)
def test_listed_days_give_one_event_per_day(events, text, days):
    assert sorted(e.date for e in events(text, published=D(2019, 8, 7))) == days


def test_listed_days_in_find_dates():
    (m,) = find_dates("on 3 and 4 August", D(2019, 8, 7))
    assert m.days == (D(2019, 8, 3), D(2019, 8, 4))
    (m,) = find_dates("from 3 to 4 August", D(2019, 8, 7))
    assert m.days == ()


def test_the_speaker_is_no_agent(events):
    (e,) = events("According to the media office of the Volcano of Rage operation, airstrikes "
                  "hit the runway of Mitiga airport on Sunday.")
    assert (e.type, e.actor, e.status, e.claimed_by) == ("airstrike", None, "claimed", "GNA")
    (e,) = events("According to the GNA, its forces shelled Tarhuna on Sunday.")
    assert (e.type, e.actor) == ("shelling", "GNA")


def test_a_page_repeating_its_text_tells_each_happening_once(events):
    para = "Drones struck the Mitiga airport early on Saturday, the government said on Facebook."
    assert len(events(f"{para}\n\nOfficials gave no toll.\n\n{para}")) == 1


@pytest.mark.parametrize(
    ("text", "want"),
    [
        # rockets launched or fired, told in the passive
        ("Drones hit Mitiga airport on Saturday, followed by Grad rockets launched by the "
         "militia.",
         {("airstrike", "Mitiga International Airport"),
          ("shelling", "Mitiga International Airport")}),
        ("Shells fired from Tarhuna landed in Ain Zara on Monday.", {("shelling", "Ain Zara")}),
        # "the former military airbase" points back to the air base named before
        ("Jets bombed the Jufra air base on Monday. The former military airbase was struck "
         "again by rockets on Tuesday.",
         {("airstrike", "Al-Jufra air base"), ("shelling", "Al-Jufra air base")}),
    ],
)
def test_passive_rockets_and_airbase_anaphors(events, text, want):
    assert _got(events(text)) == want


@pytest.mark.parametrize(
    ("text", "want"),
    [
        # "the strategically key city" points back to the city named before
        ("Sirte was calm on Monday. Hours after the LNA said it had completed withdrawing "
         "its forces from the strategically important city, residents went out.",
         {("withdrawal", "Sirte")}),
        # ... never to a dateline, where the reporter files from
        ("MISRATA, Libya — Officials gave no toll on Monday.\n\nThe LNA said it had "
         "completed withdrawing its forces from the city.", set()),
        ("MISRATA, Libya — Residents of Sirte were calm on Monday.\n\nHours after the LNA said "
         "it had completed withdrawing its forces from the coastal city, residents went out.",
         {("withdrawal", "Sirte")}),
        # an aim is no deed
        ("The LNA's concentration on seizing Sirte leaves its flank open.", set()),
        ("Its focus on capturing Gharyan has cost the army dearly.", set()),
    ],
)
def test_anaphors_datelines_and_aims(events, text, want):
    assert _got(events(text)) == want


@pytest.mark.parametrize(
    ("line", "want"),
    [
        ("Flights stopped at the airport.The fighting erupted on Monday.",
         ["Flights stopped at the airport.", "The fighting erupted on Monday."]),
        ('An official said."Clashes hit Ain Zara", he added.',
         ["An official said.", '"Clashes hit Ain Zara", he added.']),
        ("“We hold the road,” an officer said.”Shelling hit Tajoura” on Monday.",
         ["“We hold the road,” an officer said.”", "Shelling hit Tajoura” on Monday."]),
        # abbreviations and initials still do not end a sentence
        ("Gen.Haftar spoke on Monday.", ["Gen.Haftar spoke on Monday."]),
        ("The U.S.Army spoke.", ["The U.S.Army spoke."]),
    ],
)
def test_scraped_text_without_a_space_after_the_stop(line, want):
    assert [line[s:e] for s, e in _split_sentences(line)] == want


def test_a_clash_told_in_glued_scraped_sentences(events):
    text = ("Flights stopped at the airport.Clashes affected several districts, in Ain Zara "
            "south of the capital, an official said.")
    assert _got(events(text)) == {("clash", "Ain Zara")}


@pytest.mark.parametrize(
    ("text", "want"),
    [
        # a noun joined by "and" to a supported noun shares its verb
        ("Sources reported skirmishes in Ain Zara and an attack on a checkpoint near Tajoura "
         "on Monday.", {("clash", "Ain Zara"), ("ground_attack", "Tajoura")}),
        # ... not across a comma, nor an unsupported one
        ("Sources reported skirmishes in Ain Zara, and an attack on Tajoura is feared.",
         {("clash", "Ain Zara")}),
        ("Residents feared clashes in Ain Zara and an attack on Tajoura.", set()),
    ],
)
def test_coordinated_nouns_share_support(events, text, want):
    assert _got(events(text)) == want


@pytest.mark.parametrize(
    ("text", "want"),
    [
        # a name read as a far-away place, told as a part of a town: the town
        ("On Sunday an airstrike hit a house in the Qalaa residential area of Benghazi.",
         {("airstrike", "Benghazi")}),
        # ... unless the gazetteer knows that part of the town (a district near it)
        ("On Sunday an airstrike hit a meeting in the al-Qala area of Murzuq.",
         {("airstrike", "Al-Qala (Murzuq)")}),
        # a real district of the town stays the most specific place
        ("On Sunday shells hit the Ain Zara area of Tripoli.", {("shelling", "Ain Zara")}),
    ],
)
def test_part_of_a_town(events, text, want):
    assert _got(events(text)) == want


@pytest.mark.parametrize(
    ("text", "want"),
    [
        # parts of a town taken are the town taken
        ("Witnesses said the LNA had captured some streets in Ain Zara on Monday.",
         {("capture", "Ain Zara")}),
        ("Forces seized several districts in Sirte on Monday.", {("capture", "Sirte")}),
        # still not "took part in", nor people captured near a place
        ("Forces took part in talks in Sirte on Monday.", set()),
        ("Forces captured fighters near Sirte on Monday.", set()),
    ],
)
def test_parts_of_a_town_taken(events, text, want):
    assert _got(events(text)) == want


@pytest.mark.parametrize(
    ("text", "want"),
    [
        # forces "deployed in X" describe the target: the strike is at X, no deployment
        ("Warplanes are targeting LNA forces deployed in Souq al-Khamis, a source said.",
         {("airstrike", "Souq al-Khamis")}),
        ("Jets struck forces deployed in Sirte on Monday.", {("airstrike", "Sirte")}),
        # a deployment told for itself stays one
        ("Troops deployed in Sirte on Monday.", {("deployment", "Sirte")}),
    ],
)
def test_participle_describing_the_target(events, text, want):
    assert _got(events(text)) == want


@pytest.mark.parametrize(
    "text",
    [
        # a province named as the container of unnamed places is not its capital city
        "Clashes erupted in two districts in Sirte province on Monday.",
        "Jets struck villages in Misrata governorate on Monday.",
    ],
)
def test_a_province_is_not_its_capital(events, text):
    assert all(e.place not in ("Sirte", "Misrata") for e in events(text))


def test_the_city_itself_is_still_an_event_place(events):
    assert _got(events("Clashes erupted in Sirte on Monday.")) == {("clash", "Sirte")}
