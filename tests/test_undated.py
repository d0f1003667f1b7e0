"""Articles without a publication date: their events are kept, never silently dropped.

An event the text dates in full keeps its date; any other is kept with ``date`` None
and ``date_precision`` "unknown", stored, exported and listed.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest

from geo.actors import load_actors
from geo.articles import articles_from_paths
from geo.build import build
from geo.events import extract_events, merge_events
from geo.export import events_csv
from geo.gazetteer import load_gazetteer
from geo.model import Event, Source
from geo.store import open_store

UNDATED = (
    "Warplanes loyal to Haftar bombed Misrata on Thursday, residents said. "
    "In March 2019 forces shelled Tarhuna, the GNA said.\n"
)


@pytest.fixture(scope="module")
def tools():
    return load_gazetteer(), load_actors()


def events_of(path: Path, tools) -> list[Event]:
    from geo.places import find_places

    [article] = articles_from_paths([path]).articles
    gazetteer, actors = tools
    return extract_events(article, find_places(article, gazetteer), actors)


def test_relative_dates_stay_unknown_and_full_dates_are_kept(tmp_path, tools):
    path = tmp_path / "no-date.md"
    path.write_text(UNDATED, encoding="utf-8")
    [article] = articles_from_paths([path]).articles
    assert article.published is None
    found = {e.place: e for e in events_of(path, tools)}
    assert found["Misrata"].date is None and found["Misrata"].date_precision == "unknown"
    assert found["Tarhuna"].date == dt.date(2019, 3, 1)
    assert found["Tarhuna"].date_precision == "month"
    assert all(s.published is None for e in found.values() for s in e.sources)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Forces shelled Sirte on Monday.", None),
        ("Forces shelled Sirte yesterday.", None),
        ("Forces shelled Sirte last week.", None),
        ("Forces shelled Sirte on 4 April 2019.", dt.date(2019, 4, 4)),
        ("Forces shelled Sirte on April 4, 2019.", dt.date(2019, 4, 4)),
    ],
)
def test_which_dates_survive_an_unknown_publication_date(tmp_path, tools, sentence, expected):
    path = tmp_path / "a.md"
    path.write_text(sentence + "\n", encoding="utf-8")
    [event] = events_of(path, tools)
    assert event.date == expected
    if expected is None:
        assert event.date_precision == "unknown" and event.date_end is None


def test_the_same_article_gives_the_same_ids(tmp_path, tools):
    path = tmp_path / "a.md"
    path.write_text(UNDATED, encoding="utf-8")
    assert [e.id for e in events_of(path, tools)] == [e.id for e in events_of(path, tools)]


def undated_event(n: int, place: str = "Misrata") -> Event:
    return Event(
        f"ev-{n}", "airstrike", None, None, "unknown", place, f"ly-{place.lower()}", 32.37,
        15.09, "exact", "LNA", "GNA", "reported", None, None,
        [Source(f"a{n}.md", "Wire", None, None, "Warplanes bombed Misrata.")],
    )


def test_undated_events_are_never_merged():
    dated = Event(
        "ev-9", "airstrike", dt.date(2019, 5, 1), None, "day", "Misrata", "ly-misrata", 32.37,
        15.09, "exact", "LNA", "GNA", "reported", None, None,
        [Source("b.md", "Wire", None, dt.date(2019, 5, 2), "Warplanes bombed Misrata.")],
    )
    merged = merge_events([undated_event(1), undated_event(2), dated])
    assert len(merged) == 3
    assert merged[0].id == "ev-9"  # dated first, undated after
    assert [e.date for e in merged[1:]] == [None, None]


def test_undated_event_round_trips_through_the_store(tmp_path):
    from geo.model import Article

    article = Article(tmp_path / "a1.md", "a1.md", "x", "0")
    with open_store(tmp_path / "s.sqlite") as store:
        store.put_article(
            article, mentions=[], events=[undated_event(1)], control_facts=[],
            extractor_version="1", fingerprint="f", input_key="k",
        )
        [event] = store.events()
    assert event.date is None and event.date_precision == "unknown"


def test_exports_list_undated_events():
    rows = list(csv.DictReader(io.StringIO(events_csv([undated_event(1)]))))
    assert rows[0]["event_date"] == "" and rows[0]["location"] == "Misrata"


def test_build_keeps_the_events_of_an_undated_article(tmp_path, seeds_dir):
    import shutil

    articles = tmp_path / "articles"
    shutil.copytree(seeds_dir, articles)
    (articles / "no-date.md").write_text(UNDATED, encoding="utf-8")
    summary = build([articles], tmp_path / "maps")
    warnings = [str(p) for p in summary.problems if "no-date.md" in p.file]
    assert any("no publication date" in w for w in warnings)
    features = json.loads((tmp_path / "maps" / "events.geojson").read_text("utf-8"))["features"]
    undated = [f["properties"] for f in features if f["properties"]["date"] is None]
    assert any(p["place"] == "Misrata" and p["date_precision"] == "unknown" for p in undated)
    page = (tmp_path / "maps" / "frontline.html").read_text(encoding="utf-8")
    assert "Undated events" in page
