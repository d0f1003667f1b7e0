"""Tests for geo.evaluate, and the seed acceptance test of the whole extraction pipeline.

The tiny gold file ``tests/data/eval_tiny.gold.json`` is described in tests/data/README.md;
the system's mentions and events for it are built by hand here.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from geo.actors import load_actors
from geo.articles import articles_from_paths
from geo.errors import DataFileError
from geo.evaluate import evaluate, load_gold
from geo.events import extract_events, merge_events
from geo.gazetteer import load_gazetteer
from geo.model import Article, Event, Place, PlaceMention, Source
from geo.places import find_places

TINY = Path(__file__).parent / "data" / "eval_tiny.gold.json"
PUB = dt.date(2020, 1, 10)

TRIPOLI = Place("ly-tripoli", "Tripoli", 32.8874, 13.1873, "city", "LY")
MISRATA = Place("ly-misrata", "Misrata", 32.3754, 15.0925, "city", "LY")
SIRTE = Place("ly-sirte", "Sirte", 31.2089, 16.5887, "city", "LY")
BENGHAZI = Place("ly-benghazi", "Benghazi", 32.1167, 20.0667, "city", "LY")
LIBYA = Place("ly-libya", "Libya", 27.0, 17.0, "country", "LY")
CYRENAICA = Place("ly-cyrenaica", "Cyrenaica", 31.0, 22.0, "region", "LY")
ROME = Place("it-rome", "Rome", 41.89, 12.48, "city", "IT")


def _article(file: str) -> Article:
    return Article(Path(file), file, "text", "0" * 64, published=PUB)


def _mention(file: str, place: Place) -> PlaceMention:
    return PlaceMention(file, place.name, 0, len(place.name), place)


def _event(id: str, type: str, place: Place, date: dt.date, *files: str,
           status: str = "reported", claimed_by: str | None = None,
           date_end: dt.date | None = None) -> Event:
    sources = [Source(f, None, None, PUB, f"sentence of {id}") for f in files]
    return Event(id, type, date, date_end, "day", place.name, place.place_id, place.lat,
                 place.lon, "exact", None, None, status, claimed_by, None, sources)


@pytest.fixture
def tiny() -> dict:
    return load_gold(TINY)


@pytest.fixture
def tiny_result(tiny):
    mentions = [
        _mention("x1.txt", TRIPOLI), _mention("x1.txt", TRIPOLI), _mention("x1.txt", MISRATA),
        _mention("x1.txt", LIBYA), _mention("x1.txt", CYRENAICA), _mention("x1.txt", ROME),
        _mention("x1.txt", BENGHAZI), _mention("x2.txt", SIRTE),
    ]  # fmt: skip
    events = [
        # matches x1-1, claimed by the GNA as in the gold
        _event("s1", "airstrike", MISRATA, dt.date(2020, 1, 8), "x1.txt",
               status="claimed", claimed_by="GNA"),
        # another strike there (its status keeps it apart from s1): x1-1 is taken by s1,
        # so it is a false positive
        _event("s2", "airstrike", MISRATA, dt.date(2020, 1, 9), "x1.txt", status="unconfirmed"),
        # right type and place, a week early: x1-2 stays missed
        _event("s3", "clash", TRIPOLI, dt.date(2020, 1, 3), "x1.txt"),
        # matches the optional x1-3: neither a false positive nor counted in recall
        _event("s4", "threat", MISRATA, dt.date(2020, 1, 10), "x1.txt"),
        # matches x2-1 within its tolerance, with the wrong status
        _event("s5", "capture", SIRTE, dt.date(2020, 1, 7), "x2.txt",
               status="claimed", claimed_by="GNA"),
        _event("s6", "shelling", SIRTE, dt.date(2020, 1, 7), "x2.txt"),
    ]
    articles = [_article("x1.txt"), _article("x2.txt")]
    return evaluate(tiny, articles, mentions, events)


def test_articles_scored(tiny_result):
    assert [s.file for s in tiny_result.articles] == ["x1.txt", "x2.txt"]


def test_event_scores(tiny_result):
    x1, x2 = tiny_result.articles
    assert (x1.event_system, x1.event_system_matched) == (4, 2)
    assert (x1.event_required, x1.event_required_matched) == (2, 1)
    assert x1.event_precision == 0.5 and x1.event_recall == 0.5
    assert x1.misses == ["x1-2"]
    assert sorted(x1.false_positives) == [
        "airstrike Misrata 2020-01-09", "clash Tripoli 2020-01-03"]
    assert (x2.event_precision, x2.event_recall) == (0.5, 1.0)
    total = tiny_result.total
    assert total.event_precision == 0.5
    assert total.event_recall == pytest.approx(2 / 3)
    assert total.event_f1 == pytest.approx(2 * 0.5 * (2 / 3) / (0.5 + 2 / 3))
    assert total.misses == ["x1.txt:x1-2"]


def test_status_scores(tiny_result):
    total = tiny_result.total
    assert (total.status_correct, total.status_total) == (2, 3)
    assert total.status_errors == [("x2-1", "reported", "claimed")]
    assert (total.claimed_by_correct, total.claimed_by_total) == (1, 2)


def test_place_scores(tiny_result):
    x1, x2 = tiny_result.articles
    # Tripoli (twice), Misrata and Benghazi count; Libya, Cyrenaica and Rome are not annotated
    assert (x1.place_system, x1.place_system_matched) == (3, 2)
    assert (x1.place_gold, x1.place_gold_matched) == (2, 2)
    assert x1.place_precision == pytest.approx(2 / 3) and x1.place_recall == 1.0
    assert (x2.place_precision, x2.place_recall, x2.place_f1) == (1.0, 1.0, 1.0)


def test_rows_and_table(tiny_result):
    rows = tiny_result.to_rows()
    assert [r["file"] for r in rows] == ["x1.txt", "x2.txt", "TOTAL"]
    assert rows[-1]["events_p"] == 0.5
    table = tiny_result.format_table()
    assert table.splitlines()[0].startswith("file")
    assert "TOTAL" in table and "missed: x1.txt:x1-2" in table


def test_optimal_matching_beats_greedy():
    # gold A can only match s1; gold B matches s1 (nearer) or s2: both must be matched
    near = {"name": "Misrata", "lat": MISRATA.lat, "lon": MISRATA.lon, "radius_km": 25}
    far = {"name": "Misrata", "lat": MISRATA.lat + 0.1, "lon": MISRATA.lon, "radius_km": 25}
    gold = {"articles": [{"file": "x.txt", "places": [], "events": [
        {"id": "B", "type": "airstrike", "date": "2020-01-09", "date_tolerance_days": 5,
         "places": [near], "status": "reported", "optional": False},
        {"id": "A", "type": "airstrike", "date": "2020-01-06", "date_tolerance_days": 0,
         "places": [far], "status": "reported", "optional": False},
    ]}]}
    s1 = _event("s1", "airstrike", MISRATA, dt.date(2020, 1, 6), "x.txt")
    s2 = _event("s2", "airstrike", Place("p", "P", MISRATA.lat - 0.1, MISRATA.lon, "town", "LY"),
                dt.date(2020, 1, 9), "x.txt")
    result = evaluate(gold, [_article("x.txt")], [], [s1, s2])
    assert result.total.event_recall == 1.0
    assert sorted(result.total.matches) == [("A", "s1"), ("B", "s2")]


def test_required_events_are_matched_before_optional_ones():
    place = {"name": "Sirte", "lat": SIRTE.lat, "lon": SIRTE.lon, "radius_km": 25}
    gold = {"articles": [{"file": "x.txt", "places": [], "events": [
        {"id": "opt", "type": "clash", "date": "2020-01-09", "places": [place],
         "status": "reported", "optional": True},
        {"id": "req", "type": "clash", "date": "2020-01-09", "places": [place],
         "status": "reported", "optional": False},
    ]}]}
    only = _event("s", "clash", SIRTE, dt.date(2020, 1, 9), "x.txt")
    result = evaluate(gold, [_article("x.txt")], [], [only])
    assert result.total.matches == [("req", "s")]
    assert result.total.event_recall == 1.0 and result.total.event_precision == 1.0


def test_a_merged_event_counts_for_each_source_file(tiny):
    merged = _event("m", "airstrike", MISRATA, dt.date(2020, 1, 9), "x1.txt", "x2.txt")
    result = evaluate(tiny, [_article("x1.txt"), _article("x2.txt")], [], [merged])
    x1, x2 = result.articles
    assert (x1.event_system, x1.event_system_matched) == (1, 1)
    assert (x2.event_system, x2.event_system_matched) == (1, 0)


def test_two_sentences_about_one_happening_count_once(tiny):
    first = _event("a", "airstrike", MISRATA, dt.date(2020, 1, 9), "x1.txt",
                   status="claimed", claimed_by="GNA")
    second = _event("b", "airstrike", MISRATA, dt.date(2020, 1, 9), "x1.txt")
    result = evaluate(tiny, [_article("x1.txt")], [], [first, second])
    (x1,) = result.articles
    assert (x1.event_system, x1.event_system_matched) == (1, 1)
    assert x1.status_correct == 1


def test_date_ranges_overlap_the_tolerance(tiny):
    # a range ending on the first day the tolerance allows still matches
    ranged = _event("r", "capture", SIRTE, dt.date(2019, 12, 20), "x2.txt",
                    date_end=dt.date(2020, 1, 2))
    result = evaluate(tiny, [_article("x2.txt")], [], [ranged])
    assert result.total.event_recall == 1.0


def test_no_events_gives_no_precision(tiny):
    result = evaluate(tiny, [_article("x2.txt")], [], [])
    assert result.total.event_precision is None
    assert result.total.event_recall == 0.0
    assert result.total.event_f1 is None


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON"),
        ('{"version": 1}', "'articles' list"),
        ('{"articles": [3]}', r"articles\[0\]: expected an object"),
        ('{"articles": [{"file": ""}]}', "'file' must be a non-empty string"),
        ('{"articles": [{"file": "a"}, {"file": "a"}]}', "annotated twice"),
        ('{"articles": [{"file": "a", "published": "20-1-2020"}]}', "'20-1-2020' is not a"),
        ('{"articles": [{"file": "a", "places": [{"lat": 95, "lon": 0, "radius_km": 5}]}]}',
         r"places\[0\]: 'lat' must be a number"),
        ('{"articles": [{"file": "a", "events": [{"type": "bombing"}]}]}',
         "type 'bombing' is not one of"),
        ('{"articles": [{"file": "a", "events": [{"type": "clash", "date": "2020-01-01", '
         '"status": "rumoured"}]}]}', "status 'rumoured'"),
        ('{"articles": [{"file": "a", "events": [{"type": "clash", "date": "2020-01-01", '
         '"status": "reported", "places": []}]}]}', "'places' must be a non-empty list"),
        ('{"articles": [{"file": "a", "events": [{"type": "clash", "date": "2020-01-01", '
         '"date_tolerance_days": -1}]}]}', "date_tolerance_days must be >= 0"),
    ],
)
def test_bad_gold_file(tmp_path, content, message):
    path = tmp_path / "gold.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DataFileError, match=message):
        load_gold(path)


def test_missing_gold_file(tmp_path):
    with pytest.raises(DataFileError, match="cannot read gold file"):
        load_gold(tmp_path / "absent.json")


def test_load_gold_returns_the_file(tiny):
    assert tiny == json.loads(TINY.read_text(encoding="utf-8"))


# --- the acceptance test: the whole pipeline on the seed articles, scored against the gold

NO_VIOLENCE = "003_5eff2ec82090edfe.txt"


@pytest.fixture(scope="module")
def seed_run(seeds_dir):
    batch = articles_from_paths([seeds_dir])
    assert not [p for p in batch.problems if p.severity == "error"]
    gazetteer, actors = load_gazetteer(), load_actors()
    mentions, events = [], []
    for article in batch.articles:
        found = find_places(article, gazetteer)
        mentions += found
        events += extract_events(article, found, actors)
    return batch.articles, mentions, merge_events(events, across_articles=False)


def test_seed_articles_meet_the_gold(seed_run, gold_path):
    articles, mentions, events = seed_run
    result = evaluate(load_gold(gold_path), articles, mentions, events)
    total = result.total
    report = result.format_table()
    assert total.event_precision >= 0.8, report
    assert total.event_recall >= 0.8, report
    assert total.status_accuracy >= 0.8, report


def test_seed_article_without_fighting_gives_no_violence(seed_run):
    _, _, events = seed_run
    found = [
        (e.type, e.place) for e in events
        if any(s.file == NO_VIOLENCE for s in e.sources)
        and e.type in ("airstrike", "shelling", "ground_attack", "deployment")
    ]  # fmt: skip
    assert found == []
