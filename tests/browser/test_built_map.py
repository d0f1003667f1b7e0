"""The map that ``frontline build`` writes from real article files, in headless chromium."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from test_map_browser import set_slider, show_marker

from geo.build import build

pytestmark = pytest.mark.browser

HOSTILE = """---
title: <script>window.__xss=1</script> Shelling on the coast
published: 2020-01-15
outlet: <img src=x onerror="window.__xss=2"> News {{ 7*191 }}
url: javascript:window.__xss=3
---
Forces loyal to Haftar shelled Misrata on Tuesday <script>window.__xss=4</script> {% raw %}, \
killing two civilians {{ 7*191 }}, residents said. <img src=x onerror="window.__xss=5"> {# {% oops

"""


@pytest.fixture(scope="module")
def built(seeds_dir, tmp_path_factory) -> Path:
    """The seed articles plus one whose text, title, outlet and link are hostile."""
    root = tmp_path_factory.mktemp("built")
    articles = root / "articles"
    shutil.copytree(seeds_dir, articles)
    (articles / "hostile-2020-01-15.md").write_text(HOSTILE, encoding="utf-8")
    out = root / "maps"
    build([articles], out, progress=None)
    return out


def events_of(out: Path) -> list[dict]:
    return json.loads((out / "events.geojson").read_text(encoding="utf-8"))["features"]


def test_built_map_draws_one_marker_per_event(map_page, built):
    map_page.open(built / "frontline.html")
    assert map_page.errors == []
    features = events_of(built)
    assert len(features) >= 10
    drawn = map_page.js("frontline.events.length")
    assert drawn == len(features)
    ids = map_page.js("frontline.events.map(p => p.id).sort()")
    assert ids == sorted(f["properties"]["id"] for f in features)


def test_hostile_article_cannot_run_script_in_the_built_map(map_page, built):
    map_page.open(built / "frontline.html")
    assert map_page.js("window.__xss") is None
    [hostile] = [
        f
        for f in events_of(built)
        if any(s["file"] == "hostile-2020-01-15.md" for s in f["properties"]["sources"])
    ]
    map_page.page.click(show_marker(map_page, hostile["properties"]["id"]))
    popup = map_page.page.wait_for_selector(".leaflet-popup-content .fl-pop")
    text = popup.inner_text()
    assert "<script>window.__xss=4</script>" in text  # shown as text, not run
    assert '<img src=x onerror="window.__xss=2"> News {{ 7*191 }}' in text
    assert "{% raw %}, killing two civilians {{ 7*191 }}" in text  # template marks as text
    assert "1337" not in text
    assert map_page.js("window.__xss") is None
    assert map_page.js("document.querySelectorAll('img[src=\"x\"]').length") == 0
    assert map_page.js("document.querySelectorAll('a[href^=\"javascript\"]').length") == 0
    assert map_page.errors == []


def test_front_line_moves_when_the_slider_crosses_a_change_of_control(map_page, built):
    """Tarhuna changed hands in early June 2020 (baseline): the line must differ."""
    map_page.open(built / "frontline.html")

    def front_on(day: dt.date) -> list[str]:
        set_slider(map_page, day)
        map_page.page.wait_for_timeout(200)
        paths = "[...document.querySelectorAll('path.fl-front')].map(p => p.getAttribute('d'))"
        return sorted(map_page.js(paths))

    before, after = front_on(dt.date(2020, 5, 25)), front_on(dt.date(2020, 6, 15))
    assert before and after, "a front line is drawn on both days"
    assert before != after
    assert front_on(dt.date(2020, 5, 25)) == before  # and it comes back
