"""The review server's HTTP API: token, origin, host, files served, bodies (geo.serve)."""

from __future__ import annotations

import http.client
import json
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from geo.errors import FrontlineError
from geo.serve import TOKEN_HEADER, ReviewApp, _allowed_hosts, page_url, review_app, serve

TOKEN = "test-token-0123456789abcdef"
ORIGIN = "http://127.0.0.1"


class FakeError(FrontlineError, ValueError):
    pass


class FakeMissing(FrontlineError, LookupError):
    pass


@dataclass
class FakeChange:
    summary: str
    event: dict


class FakeReviewer:
    """The Reviewer contract over a dict of events, recording every call."""

    def __init__(self) -> None:
        self.store = {
            "ev-1": {"id": "ev-1", "type": "shelling", "date": "2020-01-02", "place": "Sirte",
                     "lat": 31.2, "lon": 16.6, "review": None, "reviewed_at": None},
            "ev-2": {"id": "ev-2", "type": "clash", "date": "2020-01-03", "place": "Tripoli",
                     "lat": 32.9, "lon": 13.2, "review": "confirmed",
                     "reviewed_at": "2020-01-05T10:00:00"},
        }
        self.calls: list[tuple] = []
        self.refreshed = threading.Event()
        self.threads: set[str] = set()

    def _get(self, event_id: str) -> dict:
        self.threads.add(threading.current_thread().name)
        if event_id not in self.store:
            raise FakeMissing(f"no event {event_id!r}")
        return self.store[event_id]

    def events(self, *, unreviewed=False, type=None, since=None):
        self.calls.append(("events", unreviewed, type, since))
        found = [e for e in self.store.values() if e.get("review") != "rejected"]
        if unreviewed:
            found = [e for e in found if not e["review"]]
        if type:
            found = [e for e in found if e["type"] == type]
        return found

    def confirm(self, event_id):
        event = self._get(event_id)
        self.calls.append(("confirm", event_id))
        event["review"] = "confirmed"
        return FakeChange(f"{event_id}: confirmed", dict(event))

    def reject(self, event_id, *, reason):
        event = self._get(event_id)
        self.calls.append(("reject", event_id, reason))
        event["review"] = "rejected"
        return FakeChange(f"{event_id}: rejected ({reason})", dict(event))

    def edit(self, event_id, **changes):
        event = self._get(event_id)
        if changes.get("type") == "picnic":
            raise FakeError("unknown event type 'picnic'")
        self.calls.append(("edit", event_id, changes))
        event.update(changes, review="edited")
        return FakeChange(f"{event_id}: edited", dict(event))

    def add(self, *, type, place=None, lat=None, lon=None, date, source, **more):
        self.calls.append(("add", type, place, lat, lon, date, source, more))
        event = {"id": f"ev-{len(self.store) + 1}", "type": type, "place": place, "lat": lat,
                 "lon": lon, "date": date, "review": "added", **more}
        self.store[event["id"]] = event
        return FakeChange(f"{event['id']}: added", dict(event))

    def refresh(self):
        self.calls.append(("refresh",))
        self.refreshed.set()


@pytest.fixture
def out(tmp_path) -> Path:
    folder = tmp_path / "maps"
    folder.mkdir()
    (folder / "frontline.html").write_text("<html>map</html>", encoding="utf-8")
    (folder / "events.geojson").write_text('{"type": "FeatureCollection"}', encoding="utf-8")
    (folder / "frontline.sqlite").write_bytes(b"SQLite format 3\x00")
    # the build's caches beside the store: pickles of what it holds
    (folder / "frontline.sqlite.rows").write_bytes(b"secret rows")
    (folder / "frontline.sqlite.spans").write_bytes(b"secret spans")
    (folder / ".hidden").write_text("secret", encoding="utf-8")
    (tmp_path / "outside.txt").write_text("outside the folder", encoding="utf-8")
    return folder


@pytest.fixture
def reviewer() -> FakeReviewer:
    return FakeReviewer()


@pytest.fixture
def state(out, reviewer):
    state = ReviewApp(out, reviewer, token=TOKEN)
    yield state
    state.close()


@pytest.fixture
def client(state):
    with TestClient(review_app(state), base_url=ORIGIN) as client:
        yield client


def write(client, path: str, body=None, *, token: str | None = TOKEN, **headers):
    sent = {"Content-Type": "application/json", **headers}
    if token is not None:
        sent[TOKEN_HEADER] = token
    data = b"" if body is None else json.dumps(body).encode()
    return client.post(path, content=data, headers=sent)


def test_the_map_and_exports_are_served_and_root_goes_to_the_map(client):
    page = client.get("/")
    assert page.status_code == 200 and page.text == "<html>map</html>"
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["referrer-policy"] == "no-referrer"
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    exported = client.get("/events.geojson")
    assert exported.json() == {"type": "FeatureCollection"}
    assert exported.headers["content-type"] == "application/geo+json; charset=utf-8"


def test_a_file_renamed_over_while_served_is_served_whole(client, out, monkeypatch):
    """A refresh renames a new map over the old one between the look-up and the read."""
    from geo.serve import _OutputFiles

    looked_up = _OutputFiles.lookup_path

    def lookup_then_replace(self, path):
        found = looked_up(self, path)
        new = out / ".frontline.html.tmp"
        new.write_bytes(b"<html>" + b"x" * 100_000 + b"</html>")
        new.replace(out / "frontline.html")
        return found

    monkeypatch.setattr(_OutputFiles, "lookup_path", lookup_then_replace)
    answer = client.get("/frontline.html")
    assert answer.status_code == 200
    assert len(answer.content) == int(answer.headers["content-length"])
    assert answer.content.startswith(b"<html>") and answer.content.endswith(b"</html>")


@pytest.mark.parametrize(
    "path",
    [
        "/../outside.txt",
        "/%2e%2e/outside.txt",
        "/..%2foutside.txt",
        "/%2fetc/passwd",
        "//etc/passwd",
        "/.hidden",
        "/frontline.sqlite",
        "/frontline.sqlite.lock",
        "/frontline.sqlite.rows",
        "/frontline.sqlite.spans",
        "/nothing-here.html",
    ],
)
def test_nothing_outside_the_folder_nor_the_store_is_served(state, path):
    # a raw request line, so no client library tidies the path first
    server = _RunningServer(state)
    try:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        conn.putrequest("GET", path, skip_host=True)
        conn.putheader("Host", "127.0.0.1")
        conn.endheaders()
        answer = conn.getresponse()
        body = answer.read()
        conn.close()
    finally:
        server.stop()
    assert answer.status in (400, 404), (path, answer.status)
    assert b"outside the folder" not in body and b"secret" not in body
    assert b"root:" not in body and b"SQLite" not in body


def test_a_symlink_out_of_the_folder_is_not_followed(client, out, tmp_path):
    (out / "escape.txt").symlink_to(tmp_path / "outside.txt")
    (out / "inside.geojson").symlink_to(out / "events.geojson")
    answer = client.get("/escape.txt")
    assert answer.status_code == 404
    assert "outside the folder" not in answer.text
    assert client.get("/inside.geojson").status_code == 200  # a link inside is fine


def test_events_are_listed_with_their_review_state(client, reviewer):
    answer = client.get("/api/events")
    assert answer.status_code == 200
    assert {e["id"]: e["review"] for e in answer.json()["events"]} == {
        "ev-1": None, "ev-2": "confirmed"}
    unreviewed = client.get("/api/events", params={"unreviewed": "1", "since": "2020-01-01"})
    assert [e["id"] for e in unreviewed.json()["events"]] == ["ev-1"]
    assert reviewer.calls[-1][:2] == ("events", True)
    assert str(reviewer.calls[-1][3]) == "2020-01-01"
    reviewed = client.get("/api/events", params={"reviewed": "1"})
    assert [e["id"] for e in reviewed.json()["events"]] == ["ev-2"]
    bad = client.get("/api/events", params={"since": "yesterday"})
    assert bad.status_code == 400 and "since must be YYYY-MM-DD" in bad.json()["error"]
    assert client.get("/api/events", params={"colour": "red"}).status_code == 400


def test_confirm_reject_edit_and_add_call_the_reviewer_and_answer_the_change(client, reviewer):
    answer = write(client, "/api/events/ev-1/confirm", {})
    assert answer.status_code == 200
    assert answer.json() == {
        "action": None,
        "summary": "ev-1: confirmed",
        "event": {**reviewer.store["ev-1"], "review": "confirmed"},
        "removed": [],
    }
    answer = write(client, "/api/events/ev-1/edit", {"type": "airstrike", "date": "2020-01-04",
                                                      "actor": None, "fatalities": 3})
    assert answer.status_code == 200
    assert answer.json()["event"]["type"] == "airstrike"
    assert ("edit", "ev-1", {"type": "airstrike", "date": "2020-01-04", "actor": None,
                             "fatalities": 3}) in reviewer.calls
    answer = write(client, "/api/events/ev-2/reject", {"reason": "  a duplicate  "})
    assert answer.status_code == 200 and answer.json()["event"]["review"] == "rejected"
    assert ("reject", "ev-2", "a duplicate") in reviewer.calls
    answer = write(client, "/api/events", {"type": "clash", "lat": 32.1, "lon": 13.0,
                                           "date": "2020-02-01", "source": "phone call",
                                           "actor": "LNA"})
    assert answer.status_code == 201
    assert answer.json()["event"]["review"] == "added"
    assert ("add", "clash", None, 32.1, 13.0, "2020-02-01", "phone call",
            {"actor": "LNA"}) in reviewer.calls
    assert reviewer.threads == {"frontline-review_0"}  # every call in the one review thread


def test_a_change_refreshes_the_outputs_in_the_background(client, reviewer, state):
    assert write(client, "/api/events/ev-1/confirm").status_code == 200
    assert reviewer.refreshed.wait(10)
    assert state.idle.wait(10)
    assert state.refreshes >= 1


def test_reviewer_errors_are_one_line(client):
    answer = write(client, "/api/events/ev-9/confirm", {})
    assert answer.status_code == 404 and answer.json() == {"error": "no event 'ev-9'"}
    answer = write(client, "/api/events/ev-1/edit", {"type": "picnic"})
    assert answer.status_code == 400 and answer.json() == {"error": "unknown event type 'picnic'"}


@pytest.mark.parametrize(
    ("path", "body", "status", "message"),
    [
        ("/api/events/ev-1/reject", {}, 400, "reject: give a reason"),
        ("/api/events/ev-1/reject", {"reason": "   "}, 400, "reject: give a reason"),
        ("/api/events/ev-1/reject", {"reason": 7}, 400, "reason must be text"),
        ("/api/events/ev-1/edit", {}, 400, "name at least one field"),
        ("/api/events/ev-1/edit", {"colour": "red"}, 400, "unknown field 'colour'"),
        ("/api/events/ev-1/edit", {"lat": "north"}, 400, "lat must be a whole number or a number"),
        ("/api/events/ev-1/edit", {"fatalities": True}, 400, "fatalities must be"),
        ("/api/events/ev-1/edit", {"place": "x" * 3000}, 400, "over 2000 characters"),
        ("/api/events/ev-1/edit", {"place": "a\x00b"}, 400, "holds a NUL character"),
        ("/api/events/ev-1/confirm", {"reason": "x"}, 400, "unknown field 'reason'"),
        ("/api/events", {"type": "clash", "date": "2020-01-01"}, 400, "add: source missing"),
        ("/api/events", {"type": "clash", "date": "2020-01-01", "source": "s"}, 400,
         "give a place or lat and lon"),
        ("/api/events/ev-1/confirm", [1, 2], 400, "must be a JSON object"),
    ],
)
def test_bad_bodies_get_a_400_with_one_message(client, reviewer, path, body, status, message):
    answer = write(client, path, body)
    assert answer.status_code == status
    assert message in answer.json()["error"]
    assert not [c for c in reviewer.calls if c[0] != "events"]


def test_not_json_too_big_or_broken_bodies_are_refused(client, reviewer):
    headers = {TOKEN_HEADER: TOKEN}
    answer = client.post("/api/events/ev-1/confirm", content=b"reason=x",
                         headers={**headers, "Content-Type": "application/x-www-form-urlencoded"})
    assert answer.status_code == 415 and "must be JSON" in answer.json()["error"]
    answer = client.post("/api/events/ev-1/reject", content=b'{"reason": ',
                         headers={**headers, "Content-Type": "application/json"})
    assert answer.status_code == 400 and "not valid JSON" in answer.json()["error"]
    big = json.dumps({"reason": "x" * 70_000}).encode()
    answer = client.post("/api/events/ev-1/reject", content=big,
                         headers={**headers, "Content-Type": "application/json"})
    assert answer.status_code == 413 and "over 65536 bytes" in answer.json()["error"]
    assert not [c for c in reviewer.calls if c[0] != "events"]


@pytest.mark.parametrize(
    ("token", "headers", "message"),
    [
        (None, {}, "no X-Frontline-Token"),
        ("wrong", {}, "wrong X-Frontline-Token"),
        (TOKEN[:-1], {}, "wrong X-Frontline-Token"),
        ("", {}, "wrong X-Frontline-Token"),
        (TOKEN, {"Origin": "http://evil.example"}, "another origin"),
        (TOKEN, {"Origin": "http://127.0.0.1:9999"}, "another origin"),
        (TOKEN, {"Origin": "null"}, "another origin"),
        (TOKEN, {"Sec-Fetch-Site": "cross-site"}, "another site"),
        (TOKEN, {"Sec-Fetch-Site": "same-site"}, "another site"),
    ],
)
def test_writes_without_the_token_or_from_another_origin_are_403(
    client, reviewer, token, headers, message
):
    for path, body in [("/api/events/ev-1/confirm", {}), ("/api/events/ev-1/edit",
                                                          {"type": "clash"}),
                       ("/api/events/ev-1/reject", {"reason": "r"}),
                       ("/api/events", {"type": "clash", "date": "2020-01-01", "source": "s",
                                        "place": "Sirte"})]:
        answer = write(client, path, body, token=token, **headers)
        assert answer.status_code == 403, (path, answer.text)
        assert message in answer.json()["error"]
    assert not [c for c in reviewer.calls if c[0] != "events"]
    assert reviewer.store["ev-1"]["review"] is None


def test_a_write_from_the_page_itself_passes(client):
    answer = write(client, "/api/events/ev-1/confirm", {}, Origin=ORIGIN,
                   **{"Sec-Fetch-Site": "same-origin"})
    assert answer.status_code == 200


def test_a_foreign_host_header_is_refused(client):
    """DNS rebinding: another site's name pointed at 127.0.0.1 gets nothing."""
    answer = client.get("/frontline.html", headers={"Host": "evil.example"})
    assert answer.status_code == 400
    assert "map" not in answer.text
    assert write(client, "/api/events/ev-1/confirm", Host="evil.example").status_code == 400


def test_the_token_differs_each_run_and_is_in_the_fragment(out, reviewer):
    first, second = ReviewApp(out, reviewer), ReviewApp(out, reviewer)
    try:
        assert first.token != second.token and len(first.token) >= 32
        url = page_url("127.0.0.1", 8765, first.token)
        assert url == f"http://127.0.0.1:8765/frontline.html#token={first.token}"
    finally:
        first.close()
        second.close()


def test_allowed_hosts_follow_the_address_bound():
    assert "*" not in _allowed_hosts("127.0.0.1")
    assert "192.168.1.5" in _allowed_hosts("192.168.1.5")
    assert _allowed_hosts("0.0.0.0") == ["*"]


class _RunningServer:
    """Run ``review_app(state)`` on uvicorn in a thread, on a free port."""

    def __init__(self, state: ReviewApp) -> None:
        import uvicorn

        from geo.serve import _bind

        self.sock = _bind("127.0.0.1", 0)
        self.port = self.sock.getsockname()[1]
        config = uvicorn.Config(review_app(state), log_level="warning",
                                timeout_graceful_shutdown=1)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]})
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started and time.monotonic() < deadline:
            time.sleep(0.02)
        assert self.server.started

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()


def test_the_stream_pushes_a_reload_when_the_map_is_rebuilt(state):
    server = _RunningServer(state)
    try:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        conn.request("GET", "/api/events/stream", headers={"Host": "127.0.0.1"})
        answer = conn.getresponse()
        assert answer.status == 200
        assert answer.getheader("content-type").startswith("text/event-stream")
        assert answer.readline() == b"retry: 1000\n"
        answer.readline()
        deadline = time.monotonic() + 5
        while not state.hub.queues and time.monotonic() < deadline:
            time.sleep(0.02)
        state.rebuilt()
        line = answer.readline()
        assert line.startswith(b"data: ")
        assert json.loads(line[6:]) == {"kind": "reload", "reason": "build", "clients": []}
        conn.close()
    finally:
        state.hub.close()
        server.stop()


def test_serve_refuses_a_folder_without_a_map(tmp_path, reviewer):
    with pytest.raises(FrontlineError, match="no map in .*give the articles to build"):
        serve(tmp_path / "empty", reviewer=reviewer, port=0)


def test_serve_refuses_a_port_in_use(out, reviewer):
    from geo.serve import _bind

    taken = _bind("127.0.0.1", 0)
    try:
        with pytest.raises(FrontlineError, match=r"cannot listen on 127\.0\.0\.1:\d+"):
            serve(out, reviewer=reviewer, port=taken.getsockname()[1])
    finally:
        taken.close()


def test_serve_binds_loopback_prints_the_url_and_stops(out, reviewer):
    urls: list[str] = []
    stop = threading.Event()
    thread = threading.Thread(
        target=serve, args=(out,),
        kwargs={"reviewer": reviewer, "port": 0, "on_ready": urls.append, "stop": stop},
    )
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not urls and time.monotonic() < deadline:
            time.sleep(0.05)
        [url] = urls
        assert url.startswith("http://127.0.0.1:") and "#token=" in url
        port = int(url.split(":")[2].split("/")[0])
        for _ in range(100):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/frontline.html")
                assert conn.getresponse().read() == b"<html>map</html>"
                conn.close()
                break
            except ConnectionRefusedError:
                time.sleep(0.05)
        else:
            pytest.fail("the server never answered")
        # a page's event stream stays open: stopping must not wait for it
        stream = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        stream.request("GET", "/api/events/stream")
        assert stream.getresponse().status == 200
    finally:
        started = time.monotonic()
        stop.set()
        thread.join(timeout=15)
    assert not thread.is_alive()
    assert time.monotonic() - started < 5
    stream.close()



@dataclass
class FakeSummary:
    new: int = 0
    changed: int = 0
    removed: int = 0
    outputs_current: bool = False


class Pushes:
    """Collect what the server would push to the open pages."""

    def __init__(self, state: ReviewApp) -> None:
        self.messages: list[dict] = []
        state.hub.publish = self.messages.append  # type: ignore[method-assign]


def test_a_refresh_tells_the_other_pages_and_names_the_page_that_acted(state, reviewer):
    pushes = Pushes(state)
    state.schedule_refresh("page-a")
    assert reviewer.refreshed.wait(10) and state.idle.wait(10)
    assert pushes.messages == [{"kind": "reload", "reason": "review", "clients": ["page-a"]}]
    state.schedule_refresh(None)  # a script: every page reloads
    assert state.idle.wait(10)
    time.sleep(0.05)
    assert pushes.messages[-1]["clients"] == ["(script)"]


def test_which_builds_push_a_reload_to_every_page(state, reviewer, tmp_path):
    corrections = tmp_path / "corrections.jsonl"
    corrections.write_text('{"action": "confirm"}\n', encoding="utf-8")
    reviewer.corrections_path = corrections
    pushes = Pushes(state)
    state.act(reviewer.confirm, "ev-1")  # the server's own write
    state.rebuilt(FakeSummary())  # the watch saw corrections.jsonl change: our own
    assert pushes.messages == []
    state.rebuilt(FakeSummary(outputs_current=True))  # nothing written
    assert pushes.messages == []
    state.rebuilt(FakeSummary(new=1))  # an article arrived
    assert pushes.messages == [{"kind": "reload", "reason": "build", "clients": []}]
    corrections.write_text('{"action": "reject"}\n', encoding="utf-8")  # edited by hand
    state.rebuilt(FakeSummary())
    assert len(pushes.messages) == 2 and pushes.messages[1]["reason"] == "build"


@pytest.fixture(scope="module")
def built_seeds(seeds_dir, tmp_path_factory) -> tuple[Path, Path]:
    import shutil

    from geo.build import build

    root = tmp_path_factory.mktemp("served-seeds")
    articles = root / "articles"
    shutil.copytree(seeds_dir, articles)
    out = root / "maps"
    build([articles], out, progress=None, workers=1)
    return articles, out


def test_the_api_over_the_real_reviewer(built_seeds):
    from geo.review import Reviewer

    articles, out = built_seeds
    state = ReviewApp(out, Reviewer(out, articles=[articles], who="tester"), token=TOKEN)
    try:
        with TestClient(review_app(state), base_url=ORIGIN) as client:
            listed = client.get("/api/events").json()["events"]
            assert len(listed) >= 10
            first, second, third = (e["id"] for e in listed[:3])
            assert {"id", "type", "date", "place", "lat", "lon", "sources", "review",
                    "reviewed_at"} <= set(listed[0])

            confirmed = write(client, f"/api/events/{first}/confirm", {}).json()
            assert confirmed["action"] == "confirm" and confirmed["removed"] == []
            assert confirmed["event"]["id"] == first
            assert confirmed["event"]["review"] == "confirmed"
            assert confirmed["event"]["reviewed_by"] == "tester"
            assert isinstance(confirmed["event"]["lat"], float)

            edited = write(client, f"/api/events/{second}/edit", {"type": "airstrike",
                                                                  "date": "2020-01-09"})
            assert edited.status_code == 200, edited.text
            assert edited.json()["event"]["type"] == "airstrike"
            assert edited.json()["event"]["date"] == "2020-01-09"
            cleared = write(client, f"/api/events/{second}/edit", {"target": None})
            assert cleared.status_code == 200, cleared.text
            assert cleared.json()["event"]["target"] is None  # null empties a field

            rejected = write(client, f"/api/events/{third}/reject", {"reason": "not an attack"})
            assert rejected.status_code == 200
            assert rejected.json()["removed"] == [third]
            gone = rejected.json()["event"]  # the page takes either as "off the map"
            assert gone is None or gone["review"] == "rejected"

            added = write(client, "/api/events", {"type": "clash", "lat": 31.2, "lon": 16.6,
                                                  "place": "Sirte outskirts",
                                                  "date": "2020-01-05",
                                                  "source": "https://example.org/story"})
            assert added.status_code == 201, added.text
            new = added.json()["event"]
            assert new["review"] == "added" and (new["lat"], new["lon"]) == (31.2, 16.6)

            after = {e["id"]: e for e in client.get("/api/events").json()["events"]}
            assert third not in after
            assert after[first]["review"] == "confirmed"
            assert after[second]["review"] == "edited" and after[second]["type"] == "airstrike"
            assert new["id"] in after
            unreviewed = client.get("/api/events", params={"unreviewed": "1"}).json()["events"]
            assert first not in {e["id"] for e in unreviewed}

            unknown = write(client, "/api/events/ev-nope/confirm", {})
            assert unknown.status_code == 400 and "no event 'ev-nope'" in unknown.json()["error"]
            place = write(client, f"/api/events/{first}/edit", {"place": "Atlantis"})
            assert place.status_code == 400 and "unknown place 'Atlantis'" in place.json()["error"]
            kind = write(client, f"/api/events/{first}/edit", {"type": "picnic"})
            assert kind.status_code == 400 and "picnic" in kind.json()["error"]

        assert state.idle.wait(30)
        corrections = (articles / "corrections.jsonl").read_text(encoding="utf-8")
        assert first in corrections and third in corrections
        # the refresh rewrote the exports: the rejected event is gone from them
        exported = json.loads((out / "events.geojson").read_text(encoding="utf-8"))
        ids = {f["properties"]["id"] for f in exported["features"]}
        assert third not in ids and new["id"] in ids
    finally:
        state.close()
