"""Fetching feeds and links into a folder, from a local HTTP server the tests start."""

from __future__ import annotations

import hashlib
import json
import os
import queue
import re
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import settings as settings_hyp
from hypothesis import strategies as st
from pdfmaker import make_pdf
from typer.testing import CliRunner

from geo import settings
from geo.articles import articles_from_paths
from geo.cli import app
from geo.fetch import STATE_NAME, FetchError, _slug, fetch
from geo.watch import WatchError, parse_every, watch

REPO = Path(__file__).resolve().parents[1]
WEB = Path(__file__).parent / "data" / "web"
ROBOTS = "User-agent: *\nDisallow: /private/\n"


@dataclass
class Route:
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    delay: float = 0.0
    #: answers to give first, before the normal one (e.g. a 503 to retry)
    before: list[int] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    #: validate with Last-Modified (and If-Modified-Since) instead of an ETag
    last_modified: str | None = None


class Site:
    """A tiny web site on 127.0.0.1: routes the test can change, and a log of requests."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.log: list[tuple[str, dict[str, str]]] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the http.server name
                site.log.append((self.path, dict(self.headers)))
                route = site.routes.get(self.path)
                if route is None:
                    self._send(404, b"not found", "text/plain")
                    return
                if route.delay:
                    time.sleep(route.delay)
                if route.before:
                    self._send(route.before.pop(0), b"try later", "text/plain",
                               extra=route.headers)
                    return
                if route.last_modified:
                    if self.headers.get("If-Modified-Since") == route.last_modified:
                        self.send_response(304)
                        self.end_headers()
                        return
                    self._send(route.status, route.body, route.content_type,
                               extra={"Last-Modified": route.last_modified, **route.headers})
                    return
                etag = '"' + hashlib.sha256(route.body).hexdigest()[:16] + '"'
                if route.status == 200 and self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                self._send(route.status, route.body, route.content_type, etag,
                           extra=route.headers)

            def _send(self, status, body, content_type, etag=None, extra=None) -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", content_type)
                    self.send_header("Content-Length", str(len(body)))
                    if etag:
                        self.send_header("ETag", etag)
                    for key, value in (extra or {}).items():
                        self.send_header(key, value)
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (the timeout test)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def page(self, path: str, name: str) -> None:
        self.routes[path] = Route((WEB / name).read_bytes())

    def feed(self, path: str, name: str, **values: str) -> None:
        text = (WEB / name).read_text(encoding="utf-8").replace("{base}", self.base)
        for key, value in values.items():
            text = text.replace("{" + key + "}", value)
        self.routes[path] = Route(text.encode(), "application/xml")

    def hits(self, path: str) -> int:
        return sum(p == path for p, _ in self.log)


@pytest.fixture(autouse=True)
def quick(monkeypatch):
    monkeypatch.setattr(settings, "fetch_delay", 0.0)
    monkeypatch.setattr(settings, "fetch_timeout", 0.3)
    monkeypatch.setattr(settings, "fetch_retries", 1)
    monkeypatch.setattr(settings, "fetch_backoff", 0.0)


@pytest.fixture
def site():
    s = Site()
    s.routes["/robots.txt"] = Route(ROBOTS.encode(), "text/plain")
    s.feed("/rss.xml", "rss.xml")
    s.feed("/atom.xml", "atom.xml", misrata_updated="2019-06-02T11:00:00Z")
    s.page("/news/gharyan", "meta.html")
    s.page("/news/misrata", "jsonld.html")
    s.page("/news/recipes", "recipes.html")
    s.page("/wire/tripoli", "plain.html")
    s.page("/private/briefing", "meta.html")
    s.thread.start()
    yield s
    s.server.shutdown()
    s.server.server_close()


def front_matter(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n")
    return yaml.safe_load(text.split("---\n")[1])


def test_feeds_fetched_then_built_into_a_map(site, tmp_path):
    folder = tmp_path / "articles"
    summary = fetch([f"{site.base}/rss.xml", f"{site.base}/atom.xml"], folder)
    assert not summary.failed, summary.problems
    assert sorted(summary.added) == [
        "2019-05-14-shelling-near-gharyan-as-talks-stall.md",
        "2019-05-15-ten-recipes-for-a-quick-summer-lunch.md",
        "2019-05-30-clashes-reported-in-southern-tripoli.md",
        "2019-06-02-drone-strike-hits-misrata-air-academy.md",
    ]
    gharyan = front_matter(folder / "2019-05-14-shelling-near-gharyan-as-talks-stall.md")
    assert gharyan == {
        "title": "Shelling near Gharyan as talks stall",
        "published": __import__("datetime").date(2019, 5, 14),
        "outlet": "Desert Ledger",
        "url": "https://ledger.example/2019/05/14/gharyan-shelling",
        "author": "Amina Test",
    }
    # the page without metadata takes its date and outlet from the feed, its URL from the fetch
    tripoli = front_matter(folder / "2019-05-30-clashes-reported-in-southern-tripoli.md")
    assert tripoli["outlet"] == "Coastal Courier wire"
    assert tripoli["url"] == f"{site.base}/wire/tripoli"
    body = (folder / "2019-05-14-shelling-near-gharyan-as-talks-stall.md").read_text()
    assert "Buy cheap flights" not in body and "Great article" not in body
    # the articles read back with their metadata, and build into a map
    batch = articles_from_paths([folder])
    assert [a.outlet for a in batch.articles][:1] == ["Desert Ledger"]
    assert batch.problems == []
    out = tmp_path / "maps"
    run = subprocess.run(
        [sys.executable, "-m", "geo", "build", str(folder), "--out", str(out)],
        cwd=REPO, capture_output=True, text=True, timeout=300,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert run.returncode == 0, run.stderr
    places = json.loads((out / "places.geojson").read_text())
    assert {"Gharyan", "Misrata", "Tripoli"} <= {f["properties"]["name"]
                                                for f in places["features"]}
    events = json.loads((out / "events.geojson").read_text())
    # the fixture's academy, named before its town, is the gazetteer's Misrata airport row
    assert {"Misrata", "Misrata airport"} & {f["properties"]["place"] for f in events["features"]}
    assert (out / "frontline.html").is_file()


def test_second_fetch_adds_nothing(site, tmp_path):
    sources = [f"{site.base}/rss.xml", f"{site.base}/atom.xml"]
    fetch(sources, tmp_path)
    files = {p.name: p.read_bytes() for p in tmp_path.glob("*.md")}
    site.log.clear()
    again = fetch(sources, tmp_path)
    assert (again.added, again.updated, again.failed) == ([], [], False)
    assert {p.name: p.read_bytes() for p in tmp_path.glob("*.md")} == files
    # both feeds answer 304; their items are not asked for at all
    assert [p for p, _ in site.log if p != "/robots.txt"] == ["/rss.xml", "/atom.xml"]
    assert all("If-None-Match" in h for p, h in site.log if p.endswith(".xml"))


def test_item_changed_upstream_updates_its_file(site, tmp_path):
    fetch([f"{site.base}/rss.xml", f"{site.base}/atom.xml"], tmp_path)
    count = len(list(tmp_path.glob("*.md")))
    # an RSS item's page is edited (the feed changes too, with a new item order)
    html = (WEB / "meta.html").read_text().replace(
        "at least four houses", "at least six houses")
    site.routes["/news/gharyan"].body = html.encode()
    site.routes["/rss.xml"].body += b"\n"
    # an Atom entry says it was updated, and its page is edited
    site.feed("/atom.xml", "atom.xml", misrata_updated="2019-06-03T08:00:00Z")
    html = (WEB / "jsonld.html").read_text().replace("several cadets", "eleven cadets")
    site.routes["/news/misrata"].body = html.encode()
    summary = fetch([f"{site.base}/rss.xml", f"{site.base}/atom.xml"], tmp_path)
    assert sorted(summary.updated) == [
        "2019-05-14-shelling-near-gharyan-as-talks-stall.md",
        "2019-06-02-drone-strike-hits-misrata-air-academy.md",
    ]
    assert summary.added == []
    assert len(list(tmp_path.glob("*.md"))) == count
    text = (tmp_path / "2019-05-14-shelling-near-gharyan-as-talks-stall.md").read_text()
    assert "at least six houses" in text and "four houses" not in text
    assert "eleven cadets" in (tmp_path / "2019-06-02-drone-strike-hits-misrata-air-academy.md"
                               ).read_text()


def test_robots_disallow_respected(site, tmp_path):
    summary = fetch([f"{site.base}/rss.xml"], tmp_path)
    assert site.hits("/private/briefing") == 0
    assert site.hits("/robots.txt") == 1  # asked once per host and run
    assert [str(p) for p in summary.problems] == [
        f"{site.base}/private/briefing: skipped: robots.txt disallows it"
    ]
    assert summary.problems[0].severity == "warning" and not summary.failed


def test_robots_unreachable_means_nothing_fetched(site, tmp_path):
    site.routes["/robots.txt"] = Route(b"oops", "text/plain", status=500)
    summary = fetch([f"{site.base}/news/gharyan"], tmp_path)
    assert site.hits("/news/gharyan") == 0
    assert summary.failed and summary.added == []
    assert "robots.txt unreachable (HTTP 500" in str(summary.problems[0])


def test_match_keeps_relevant_items(site, tmp_path):
    summary = fetch([f"{site.base}/rss.xml", f"{site.base}/atom.xml"], tmp_path,
                    match="libya|tripoli|misrata|gharyan")
    assert not any("recipes" in name for name in summary.added)
    assert len(summary.added) == 3 and summary.unmatched == 1
    # an item whose title and summary do not match is kept when its text does
    summary = fetch([f"{site.base}/atom.xml"], tmp_path / "b", match="Ain Zara")
    assert summary.added == ["2019-05-30-clashes-reported-in-southern-tripoli.md"]


def test_each_failure_one_line_and_the_rest_goes_on(site, tmp_path, monkeypatch):
    monkeypatch.setattr(settings, "fetch_max_bytes", 50_000)
    site.routes["/slow"] = Route((WEB / "meta.html").read_bytes(), delay=1.0)
    site.routes["/data.json"] = Route(b'{"a": 1}', "application/json")
    site.routes["/huge"] = Route(b"<html><body><p>" + b"x" * 60_000 + b"</p></body></html>")
    site.routes["/flaky"] = Route((WEB / "jsonld.html").read_bytes(), before=[503])
    urls = [f"{site.base}{p}" for p in
            ("/missing", "/slow", "/data.json", "/huge", "/flaky", "/news/gharyan")]
    summary = fetch(urls, tmp_path)
    assert sorted(summary.added) == [
        "2019-05-14-shelling-near-gharyan-as-talks-stall.md",
        "2019-06-02-drone-strike-hits-misrata-air-academy.md",  # after one retry
    ]
    assert [str(p) for p in summary.problems] == [
        f"{site.base}/missing: HTTP 404 Not Found",
        f"{site.base}/slow: timed out after 0.3 s after 2 tries",
        f"{site.base}/data.json: not an HTML page nor a feed (content type 'application/json')",
        f"{site.base}/huge: too big (60,033 bytes; the limit is 50,000)",
    ]
    assert site.hits("/flaky") == 2


def test_same_text_under_another_url_is_a_duplicate(site, tmp_path):
    site.page("/mirror/tripoli", "plain.html")
    summary = fetch([f"{site.base}/wire/tripoli", f"{site.base}/mirror/tripoli"], tmp_path)
    assert len(summary.added) == 1 and summary.duplicates == 1


def test_pdf_link_becomes_an_article(site, tmp_path):
    pdf = make_pdf(["Airstrikes hit the outskirts of Sirte on Monday, relief workers said."] * 3,
                   title="Sitrep 12: Sirte", created="D:20190601120000Z")
    site.routes["/report.pdf"] = Route(pdf, "application/pdf")
    summary = fetch([f"{site.base}/report.pdf"], tmp_path)
    assert summary.added == ["2019-06-01-sitrep-12-sirte.md"]
    assert front_matter(tmp_path / summary.added[0])["outlet"] == "127.0.0.1"


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("../../etc/passwd", "etc-passwd"),
        ("C:\\Windows\\system32", "c-windows-system32"),
        ("Frappes \u00e0 Tripoli : 3 morts", "frappes-a-tripoli-3-morts"),
        ("\u0637\u0631\u0627\u0628\u0644\u0633", "article"),
        ("", "article"),
        ("x" * 200, "x" * 60),
    ],
)
def test_file_names_are_safe(title, slug):
    assert _slug(title) == slug


def test_hostile_title_cannot_escape_the_folder(site, tmp_path):
    html = (WEB / "plain.html").read_text().replace(
        "Clashes reported in southern Tripoli", "../../../evil")
    site.routes["/evil"] = Route(html.encode())
    folder = tmp_path / "in"
    summary = fetch([f"{site.base}/evil"], folder)
    assert summary.added == ["undated-evil.md"]
    assert sorted(p.name for p in tmp_path.rglob("*.md")) == ["undated-evil.md"]
    assert front_matter(folder / "undated-evil.md")["title"] == "../../../evil"


def test_sources_file_with_comments_and_bad_lines(site, tmp_path):
    listing = tmp_path / "feeds.txt"
    listing.write_text(
        f"# feeds\n\n{site.base}/atom.xml\n  # indented comment\nfile:///etc/passwd\n"
        f"{site.base}/news/gharyan\n",
        encoding="utf-8",
    )
    summary = fetch([listing, "no-such-list.txt"], tmp_path / "out")
    assert len(summary.added) == 3
    assert [str(p) for p in summary.problems] == [
        f"{listing}:5: not an http(s) URL: 'file:///etc/passwd'",
        "no-such-list.txt: not a URL (http:// or https://) nor a file of them",
    ]


def test_bad_match_and_bad_state_stop_before_any_request(site, tmp_path):
    with pytest.raises(FetchError, match=r"--match '\(' is not a regular expression"):
        fetch([f"{site.base}/rss.xml"], tmp_path, match="(")
    (tmp_path / STATE_NAME).write_text("{not json", encoding="utf-8")
    with pytest.raises(FetchError, match="unreadable"):
        fetch([f"{site.base}/rss.xml"], tmp_path)
    assert site.log == []


def test_cli_fetch_exit_status(site, tmp_path):
    runner = CliRunner()
    good = runner.invoke(app, ["fetch", f"{site.base}/atom.xml", "--into", str(tmp_path),
                               "--delay", "0"])
    assert good.exit_code == 0, good.output
    assert "added 2019-06-02-drone-strike-hits-misrata-air-academy.md" in good.output
    assert "fetched: 2 new, 0 updated, 0 unchanged" in good.output
    bad = runner.invoke(app, ["fetch", f"{site.base}/missing", f"{site.base}/atom.xml",
                              "--into", str(tmp_path), "--delay", "0"])
    assert bad.exit_code == 1
    assert f"{site.base}/missing: HTTP 404 Not Found" in bad.output
    assert "fetched: 0 new, 0 updated, 0 unchanged, 1 failed" in bad.output


@pytest.mark.parametrize(("text", "seconds"),
                         [("15m", 900.0), ("90s", 90.0), ("2h", 7200.0), ("0.5", 0.5)])
def test_parse_every(text, seconds):
    assert parse_every(text) == seconds


@pytest.mark.parametrize("text", ["", "0", "-5m", "15 minutes", "1d"])
def test_parse_every_rejects(text):
    with pytest.raises(WatchError, match="is not an interval"):
        parse_every(text)


def test_watch_fetches_on_a_schedule_and_rebuilds(site, tmp_path):
    folder, out = tmp_path / "articles", tmp_path / "maps"
    folder.mkdir()
    results: queue.Queue = queue.Queue()
    stop = threading.Event()
    thread = threading.Thread(target=watch, args=(folder, out), kwargs=dict(
        debounce=0.2, stop=stop, fetch_sources=[f"{site.base}/atom.xml"], every=0.5,
        on_build=lambda s: results.put(("build", s)),
        on_fetch=lambda s: results.put(("fetch", s)),
        on_error=lambda e: results.put(("error", e)),
    ))
    thread.start()
    try:
        def next_of(kind, test=lambda _: True):
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                got, value = results.get(timeout=60)
                assert got != "error", value
                if got == kind and test(value):
                    return value
            raise AssertionError(f"no {kind}")

        first = next_of("fetch")
        assert len(first.added) == 2
        assert next_of("build").articles == 2  # the first build has the fetched articles
        # upstream, an entry is updated; a later fetch rewrites its file and the map follows
        site.feed("/atom.xml", "atom.xml", misrata_updated="2019-06-03T08:00:00Z")
        html = (WEB / "jsonld.html").read_text().replace("Misrata early", "Misrata late")
        site.routes["/news/misrata"].body = html.encode()
        assert next_of("fetch", lambda s: s.updated).updated == [
            "2019-06-02-drone-strike-hits-misrata-air-academy.md"]
        assert next_of("build", lambda s: s.changed).changed == 1
    finally:
        stop.set()
        thread.join(timeout=30)
    assert not thread.is_alive()


def test_unlabelled_page_is_sniffed(site, tmp_path):
    site.routes["/saved"] = Route((WEB / "meta.html").read_bytes(), "application/octet-stream")
    site.routes["/blob"] = Route(b"\x89PNG\r\n\x1a\n....", "application/octet-stream")
    summary = fetch([f"{site.base}/saved", f"{site.base}/blob"], tmp_path)
    assert summary.added == ["2019-05-14-shelling-near-gharyan-as-talks-stall.md"]
    assert [str(p) for p in summary.problems] == [
        f"{site.base}/blob: not an HTML page nor a feed "
        "(content type 'application/octet-stream')"
    ]
    text = (tmp_path / summary.added[0]).read_text(encoding="utf-8")
    assert "third week.\n\nThe Libyan National Army" in text  # paragraphs apart


def test_one_fetch_at_a_time_per_folder(site, tmp_path):
    import fcntl

    from geo.fetch import LOCK_NAME

    with open(tmp_path / LOCK_NAME, "a+b") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)
        with pytest.raises(FetchError, match="another fetch is writing into"):
            fetch([f"{site.base}/atom.xml"], tmp_path)
    assert len(fetch([f"{site.base}/atom.xml"], tmp_path).added) == 2


def test_last_modified_is_sent_back(site, tmp_path):
    stamp = "Tue, 14 May 2019 08:00:00 GMT"
    site.routes["/lm"] = Route((WEB / "meta.html").read_bytes(), last_modified=stamp)
    assert len(fetch([f"{site.base}/lm"], tmp_path).added) == 1
    again = fetch([f"{site.base}/lm"], tmp_path)
    assert (again.added, again.unchanged) == ([], 1)
    assert site.log[-1] == ("/lm", site.log[-1][1])
    assert site.log[-1][1].get("If-Modified-Since") == stamp


def test_redirect_off_the_web_is_refused(site, tmp_path):
    site.routes["/away"] = Route(b"", status=302, headers={"Location": "file:///etc/passwd"})
    site.routes["/ftp"] = Route(b"", status=302, headers={"Location": "ftp://127.0.0.1/x"})
    site.routes["/moved"] = Route(b"", status=301, headers={"Location": "/news/gharyan"})
    summary = fetch([f"{site.base}/away", f"{site.base}/ftp", f"{site.base}/moved"], tmp_path)
    assert summary.added == ["2019-05-14-shelling-near-gharyan-as-talks-stall.md"]
    lines = [str(p) for p in summary.problems]
    assert len(lines) == 2
    assert lines[0].startswith(f"{site.base}/away: HTTP 302 ")  # urllib's own refusal
    assert "'file:///etc/passwd' is not allowed" in lines[0]
    assert lines[1] == (
        f"{site.base}/ftp: HTTP 302 redirect to a non-web URL 'ftp://127.0.0.1/x' refused")


def test_retry_after_is_honoured(site, tmp_path, monkeypatch):
    site.routes["/busy"] = Route((WEB / "meta.html").read_bytes(), before=[503],
                                 headers={"Retry-After": "1"})
    started = time.monotonic()
    summary = fetch([f"{site.base}/busy"], tmp_path)
    assert len(summary.added) == 1
    assert time.monotonic() - started >= 1.0  # waited as asked, not the 0 s back-off


@given(st.text(max_size=300))
@settings_hyp(max_examples=200, deadline=None)
def test_slug_is_always_a_safe_name(title):
    slug = _slug(title)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug)
    assert len(slug) <= 60
