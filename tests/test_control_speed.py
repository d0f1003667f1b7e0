"""The fast statement search gives the same control facts as the patterns run over every
character (the code before it), on the seeds, the held-out articles and generated ones."""

from __future__ import annotations

from pathlib import Path

import pytest
from generator import load_generator

from geo import control
from geo.actors import load_actors
from geo.articles import articles_from_paths
from geo.control import control_facts_from_text
from geo.gazetteer import load_gazetteer
from geo.model import Article, ControlFact, Place
from geo.places import find_places

REPO = Path(__file__).resolve().parents[1]


def reference_facts(article: Article, mentions, actors, *, countries=None) -> list[ControlFact]:
    """control_facts_from_text as it was: every pattern over the whole abstract."""
    if article.published is None:
        return []
    if countries is not None:
        wanted = {c.upper() for c in countries}
        mentions = [m for m in mentions if m.place is not None and m.place.country in wanted]
    abstract, places, actor_sides = control._abstract(article.text, mentions, actors)
    found: dict[tuple[str, str], ControlFact] = {}

    def add(place: Place, side: str) -> None:
        found.setdefault(
            (place.place_id, side),
            ControlFact(place.name, place.place_id, place.lat, place.lon, side,
                        article.published, None, article.file, "statement"),
        )

    for pattern in control._STATEMENT_PATTERNS:
        for m in pattern.finditer(abstract):
            if control._NEGATED_BEFORE.search(abstract[max(0, m.start() - 30) : m.start()]):
                continue
            sides = {actor_sides[int(i)] for i in control._ACTOR_TOKEN.findall(m.group("actor"))}
            if len(sides) != 1 or None in sides:
                continue
            (side,) = sides
            for index in control._PLACE_TOKEN.findall(m.group("places")):
                place = places[int(index)]
                if place is not None:
                    add(place, side)
    for place, side in control._based_in(article.text, mentions, actors):
        add(place, side)
    return list(found.values())


def generated(folder: Path, n: int) -> Path:
    load_generator().generate_articles(folder, n, seed=11)
    return folder


@pytest.fixture(scope="module")
def tables():
    return load_gazetteer(), load_actors()


@pytest.mark.parametrize("source", ["seeds", "heldout", "generated"])
def test_statement_facts_equal_the_old_search(source, tables, tmp_path, seeds_dir):
    gazetteer, actors = tables
    folder = {
        "seeds": seeds_dir,
        "heldout": REPO / "tests" / "data" / "heldout",
        "generated": tmp_path / "generated",
    }[source]
    if source == "generated":
        generated(folder, 400)
    articles = articles_from_paths([folder]).articles
    assert articles
    total = 0
    for article in articles:
        mentions = find_places(article, gazetteer)
        for countries in (["LY"], None):
            new = control_facts_from_text(article, mentions, actors, countries=countries)
            old = reference_facts(article, mentions, actors, countries=countries)
            assert new == old, article.file
            total += len(new)
    assert total > 0  # the comparison covered texts that state control


@pytest.mark.parametrize(
    "sentence",
    [
        "Sirte, which is controlled by Haftar's forces, was calm.",
        "Sirte (which is controlled by Haftar's forces) was calm.",
        "Sirte. Controlled by Haftar's forces",
        "\"Sirte\", held by the LNA",
        "Haftar-held Tarhuna; the GNA-controlled towns of Zawiya and Zuwara",
        "Sirte remains under the control of the LNA until further notice.",
        "Tarhuna, the last stronghold of Haftar's forces. Misrata: held by GNA forces",
        "Sirte, formerly held by the LNA, and Misrata, held by the GNA.",
    ],
)
def test_statement_facts_equal_the_old_search_at_breaks(sentence, tables):
    gazetteer, actors = tables
    import datetime as dt

    article = Article(Path("t.md"), "t.md", sentence, "", published=dt.date(2020, 1, 1))
    mentions = find_places(article, gazetteer)
    assert control_facts_from_text(article, mentions, actors) == reference_facts(
        article, mentions, actors
    )


def test_actor_scan_runs_once_per_text(tables, monkeypatch):
    _, actors = tables
    text = "Haftar's forces and GNA forces clashed near Sirte."
    first = actors.find(text)
    scans = []
    original = actors._scan
    monkeypatch.setattr(actors, "_scan", lambda t: scans.append(t) or original(t))
    assert actors.find(text) == first
    assert actors.find(str(text)) == first
    assert scans == []
    other = actors.find("The LNA said so.")
    assert scans == ["The LNA said so."] and other and other[0].actor == "LNA"
    first.clear()  # a caller changing its list does not change what the next one gets
    assert actors.find("The LNA said so.") == other
