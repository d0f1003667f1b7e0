"""Shared fixtures: where the seed articles and the gold annotations live."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"
#: the seeds' hand annotations, copied from ../shared/eval/ so the repository stands alone
GOLD = REPO / "tests" / "data" / "seeds.gold.json"


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return SEEDS


@pytest.fixture(scope="session")
def gold_path() -> Path:
    if not GOLD.is_file():
        pytest.fail(f"gold annotations not found at {GOLD}")
    return GOLD


@pytest.fixture(scope="session")
def events() -> Callable[..., list]:
    """Events of one text (published 2020-01-10 unless told), merged within the text.

    ``tests/test_events.py`` has its own, with more options.
    """
    from geo.actors import load_actors
    from geo.events import extract_events, merge_events
    from geo.gazetteer import load_gazetteer
    from geo.model import Article
    from geo.places import find_places

    gazetteer, actors = load_gazetteer(), load_actors()

    def run(text: str, *, published: dt.date = dt.date(2020, 1, 10)) -> list:
        article = Article(Path("t.txt"), "t.txt", text, "0" * 64, published=published,
                          outlet="Wire")  # fmt: skip
        found = extract_events(article, find_places(article, gazetteer), actors)
        return merge_events(found, across_articles=False)

    return run
