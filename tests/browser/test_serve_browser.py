"""``frontline serve`` in headless chromium: review from the popups, add on the map, reload."""

from __future__ import annotations

import json
import shutil
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import VIEWPORT
from map_assets import AssetServer
from test_map_browser import show_marker

from geo.serve import TOKEN_HEADER, serve

pytestmark = pytest.mark.browser

ARRIVAL = """---
title: Rockets hit Nalut
published: 2020-03-03
outlet: Test Border Desk
---
Rockets fired by Haftar's forces hit residential areas of Nalut on Monday, residents said.
"""


@dataclass
class Served:
    """A ``frontline serve`` running in a thread over a copy of the seeds."""

    url: str
    base: str
    token: str
    articles: Path
    out: Path
    stop: threading.Event
    thread: threading.Thread
    builds: list = field(default_factory=list)
    errors: list = field(default_factory=list)

    def events(self) -> list[dict]:
        with urllib.request.urlopen(self.base + "/api/events", timeout=10) as answer:
            return json.loads(answer.read())["events"]


@pytest.fixture(scope="module")
def served(seeds_dir, tmp_path_factory) -> Iterator[Served]:
    root = tmp_path_factory.mktemp("served")
    articles = root / "articles"
    shutil.copytree(seeds_dir, articles)
    out = root / "maps"
    urls: list[str] = []
    builds: list = []
    errors: list = []
    stop = threading.Event()
    thread = threading.Thread(
        target=serve,
        args=(out,),
        kwargs={"articles": [articles], "port": 0, "debounce": 0.3,
                "on_ready": urls.append, "on_build": builds.append, "on_error": errors.append,
                "stop": stop},
        daemon=True,
    )
    thread.start()
    deadline = time.monotonic() + 120
    while not urls and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert urls, f"frontline serve never became ready: {errors}"
    url = urls[0]
    base = url.split("/frontline.html", 1)[0]
    token = url.split("#token=", 1)[1]
    result = Served(url, base, token, articles, out, stop, thread, builds, errors)
    yield result
    stop.set()
    thread.join(timeout=30)
    assert not thread.is_alive(), "frontline serve did not stop"


@dataclass
class ReviewPage:
    page: object
    errors: list[str]

    def js(self, expression: str, arg: object = None) -> object:
        return self.page.evaluate(expression, arg)


@pytest.fixture
def review_page(browser, served) -> Iterator[ReviewPage]:
    """The served map with its token, CDN assets from node_modules, nothing else online."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    # a review waits for the store's lock while the server rebuilds after the test before
    # (a cold first build on a loaded CI machine can pass 15 s): waits, not timings
    page.set_default_timeout(45_000)
    assets = AssetServer()
    page.route(lambda url: not url.startswith(served.base + "/"), assets.handle)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(served.url)
    page.wait_for_function("() => window.frontline && window.frontline.drawn === true")
    page.wait_for_function("() => frontline.review && frontline.review.loaded === true")
    yield ReviewPage(page, errors)
    context.close()
    assert assets.unknown == [], assets.unknown


def pick(served: Served, used: set[str] = set()) -> dict:  # noqa: B006 - shared on purpose
    """An event no earlier test has touched."""
    for event in served.events():
        if event["id"] not in used and not event.get("review") and event.get("date"):
            used.add(event["id"])
            return event
    raise AssertionError("no untouched event left")


def test_review_mode_is_on_only_with_the_token(browser, served, review_page):
    assert review_page.js("frontline.review.token") == served.token
    assert review_page.page.locator(".fl-review-add").count() == 1
    # the same page without the token: the plain map, no review controls
    context = browser.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        page.route(lambda url: not url.startswith(served.base + "/"), AssetServer().handle)
        page.goto(served.base + "/frontline.html")
        page.wait_for_function("() => window.frontline && window.frontline.drawn === true")
        assert page.evaluate("frontline.review") is None
        assert page.locator(".fl-review-add").count() == 0
        first = page.evaluate("frontline.events[0].id")
        page.evaluate("(id) => frontline.openEvent(id)", first)
        page.wait_for_selector(".leaflet-popup-content .fl-pop")
        assert page.locator(".leaflet-popup-content .fl-review").count() == 0
    finally:
        context.close()
    assert review_page.errors == []


def test_the_page_draws_the_icons_the_server_drew(review_page):
    """Review mode redraws a changed marker in JS: its icon must be geo/maps.py's."""
    checked, differ = review_page.js(
        """() => {
            const drawn = frontline.events.filter(p => p.icon >= 0);
            const differ = drawn.filter(p =>
                frontline.iconFor(Object.assign({}, p, {review: null})) !==
                frontline.icons[p.icon]);
            return [drawn.length, differ.map(p => [p.type, p.status, p.actor, p.outlets])];
        }"""
    )
    assert checked >= 5
    assert differ == []


def open_popup(review_page: ReviewPage, event_id: str):
    selector = show_marker(review_page, event_id)
    review_page.page.click(selector)
    return review_page.page.wait_for_selector(
        f'.leaflet-popup-content .fl-pop[data-event-id="{event_id}"]'
    )


def test_reject_from_the_popup_removes_the_marker(served, review_page):
    event = pick(served)
    popup = open_popup(review_page, event["id"])
    popup.query_selector("button.fl-review-reject").click()
    reason = review_page.page.wait_for_selector(".fl-review-reject-form input[name=reason]")
    reason.fill("the same shelling as the day before, counted twice")
    review_page.page.click(".fl-review-reject-form button.fl-review-submit")
    review_page.page.wait_for_function(
        "(id) => !frontline.events.some(e => e.id === id)", arg=event["id"]
    )
    assert review_page.page.locator(f'[data-test="{event["id"]}"]').count() == 0
    review_page.page.wait_for_function("() => !document.querySelector('.leaflet-popup')")
    assert event["id"] not in {e["id"] for e in served.events() if e.get("review") != "rejected"}
    # and after a reload of the page it stays gone
    review_page.page.reload()
    review_page.page.wait_for_function("() => window.frontline && frontline.drawn === true")
    review_page.page.wait_for_function("() => frontline.review && frontline.review.loaded")
    assert not review_page.js("(id) => frontline.events.some(e => e.id === id)", event["id"])
    assert review_page.errors == []


def test_edit_from_the_popup_shows_the_new_type(served, review_page):
    event = pick(served)
    new_type = "airstrike" if event["type"] != "airstrike" else "shelling"
    popup = open_popup(review_page, event["id"])
    popup.query_selector("button.fl-review-edit").click()
    form = review_page.page.wait_for_selector(".fl-review-edit-form")
    form.query_selector("select[name=type]").select_option(new_type)
    form.query_selector("input[name=target]").fill("<b>Tripoli</b> {{ 7*191 }}")
    form.query_selector("button.fl-review-submit").click()
    review_page.page.wait_for_function(
        "(id) => (frontline.events.find(e => e.id === id).review || {}).state"
        " === 'edited'",
        arg=event["id"],
    )
    title = review_page.page.wait_for_selector(
        f'.leaflet-popup-content .fl-pop[data-event-id="{event["id"]}"] .fl-review-state'
    )
    text = review_page.page.inner_text(".leaflet-popup-content .fl-pop")
    label = {"airstrike": "Airstrike", "shelling": "Shelling"}[new_type]
    assert text.startswith(label), text
    assert "<b>Tripoli</b> {{ 7*191 }}" in text  # shown as text
    assert review_page.page.locator(".leaflet-popup-content b").count() == 0
    assert "Reviewed: corrected" in title.inner_text()
    [stored] = [e for e in served.events() if e["id"] == event["id"]]
    assert stored["type"] == new_type and stored["review"] == "edited"
    row = review_page.page.locator(f'.fl-list li[data-event-id="{event["id"]}"]')
    assert "corrected" in row.inner_text()


def test_confirm_marks_the_event_reviewed_in_the_popup_and_the_list(served, review_page):
    event = pick(served)
    popup = open_popup(review_page, event["id"])
    popup.query_selector("button.fl-review-confirm").click()
    review_page.page.wait_for_function(
        "(id) => (frontline.events.find(e => e.id === id).review || {}).state"
        " === 'confirmed'",
        arg=event["id"],
    )
    state = review_page.page.inner_text(".leaflet-popup-content .fl-review-state")
    assert state.startswith("Reviewed: confirmed")
    row = review_page.page.locator(f'.fl-list li[data-event-id="{event["id"]}"]')
    assert row.get_attribute("class") == "fl-reviewed"
    assert "confirmed" in row.inner_text()


def test_add_an_event_by_clicking_the_map(served, review_page):
    before = review_page.js("frontline.events.length")
    review_page.page.click("button.fl-review-add")
    box = review_page.page.locator("#" + review_page.js("frontline.map.getContainer().id"))
    bounds = box.bounding_box()
    review_page.page.mouse.click(bounds["x"] + bounds["width"] * 0.45,
                                 bounds["y"] + bounds["height"] * 0.55)
    form = review_page.page.wait_for_selector(".fl-review-add-form form")
    form.query_selector("select[name=type]").select_option("clash")
    form.query_selector("input[name=place]").fill("Wadi test <img src=x onerror=window.__xss=1>")
    form.query_selector("input[name=actor]").fill("LNA")
    form.query_selector("input[name=source]").fill("https://example.org/report")
    form.query_selector("button.fl-review-submit").click()
    review_page.page.wait_for_function(f"() => frontline.events.length === {before + 1}")
    added = review_page.js("frontline.events[frontline.events.length - 1]")
    assert added["type"] == "clash" and added["review"]["state"] == "added"
    selector = show_marker(review_page, added["id"])
    assert review_page.page.locator(selector).count() == 1
    assert review_page.js("window.__xss") is None
    assert added["id"] in {e["id"] for e in served.events()}
    assert review_page.errors == []


def test_writes_without_the_token_or_from_another_origin_are_refused(served, review_page):
    event = pick(served)
    path = f"/api/events/{event['id']}/confirm"
    # from the page itself, but without the token
    status = review_page.js(
        """(path) => fetch(path, {method: 'POST', headers: {'Content-Type': 'application/json'},
            body: '{}'}).then(r => r.status)""",
        path,
    )
    assert status == 403
    # with the token, but from another origin (Playwright's own request, Origin set)
    answer = review_page.page.request.post(
        served.base + path, data="{}",
        headers={"Content-Type": "application/json", TOKEN_HEADER: served.token,
                 "Origin": "http://evil.example"},
    )
    assert answer.status == 403 and "another origin" in answer.json()["error"]
    [stored] = [e for e in served.events() if e["id"] == event["id"]]
    assert not stored.get("review")


def test_a_new_article_makes_the_open_page_reload_with_its_events(served, review_page):
    review_page.js("() => { window.__before_reload = true; }")
    builds = len(served.builds)
    (served.articles / "arrival-2020-03-03.md").write_text(ARRIVAL, encoding="utf-8")
    review_page.page.wait_for_function(
        """() => window.__before_reload === undefined && window.frontline &&
            frontline.drawn === true && frontline.events.some(
                e => e.sources.some(s => s.outlet === 'Test Border Desk'))""",
        timeout=60_000,
    )
    assert len(served.builds) > builds
    assert review_page.js("frontline.review.token") == served.token  # still in review mode
    assert review_page.errors == []


def test_a_change_in_one_page_reloads_the_others_but_not_itself(browser, served, review_page):
    other = browser.new_context(viewport=VIEWPORT)
    try:
        page = other.new_page()
        page.set_default_timeout(20_000)
        page.route(lambda url: not url.startswith(served.base + "/"), AssetServer().handle)
        page.goto(served.url)
        page.wait_for_function("() => window.frontline && frontline.drawn === true")
        page.wait_for_function("() => frontline.review && frontline.review.loaded === true")
        page.evaluate("() => { window.__other_page = true; }")
        review_page.js("() => { window.__acting_page = true; }")
        event = pick(served)
        popup = open_popup(review_page, event["id"])
        popup.query_selector("button.fl-review-confirm").click()
        review_page.page.wait_for_function(
            "(id) => (frontline.events.find(e => e.id === id).review || {}).state"
            " === 'confirmed'",
            arg=event["id"],
        )
        # the other page reloads and shows the confirmation from the rewritten map
        page.wait_for_function(
            """(id) => window.__other_page === undefined && window.frontline &&
                frontline.drawn === true &&
                (frontline.events.find(e => e.id === id).review || {}).state === 'confirmed'""",
            arg=event["id"],
        )
        # the acting page kept its state: no reload
        assert review_page.js("window.__acting_page") is True
    finally:
        other.close()
