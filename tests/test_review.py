"""Analyst review (geo.review): corrections that outlast every rebuild.

The acceptance of the review issue on a copy of the seeds: reject one event, edit
another's type and date, add one; build; change an article and build; rebuild from
scratch: the three corrections hold each time and ``review list`` shows them. Then
export, delete the store and the corrections, import, build: the same map.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import shutil
import threading
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from geo.build import build
from geo.cli import app
from geo.errors import ReviewError
from geo.model import EVENT_TYPES, Event, Source
from geo.review import (
    CORRECTIONS_NAME,
    Correction,
    CorrectionLog,
    Reviewer,
    apply_corrections,
    event_key,
    event_keys,
)

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, [str(a) for a in args])


def make_event(n: int, *, file: str = "a.txt", sentence: str | None = None, **changes) -> Event:
    base = Event(
        f"ev-{n}", "airstrike", dt.date(2020, 1, n), None, "day", "Sirte", "ly-sirte",
        31.2, 16.6, "exact", "LNA", None, "reported", None, None,
        [Source(file, "Wire", None, dt.date(2020, 1, n), sentence or f"Jets struck Sirte {n}.")],
    )
    for name, value in changes.items():
        setattr(base, name, value)
    return base


# -- keys ------------------------------------------------------------------------------


def test_key_names_article_sentence_place_and_type_not_the_id():
    a = make_event(1, sentence="Jets  struck   Sirte.")
    b = make_event(2, sentence="jets struck sirte.")  # another id and date, same report
    assert event_key(a) == event_key(b)
    assert event_key(a).startswith("a.txt#") and event_key(a).endswith("/ly-sirte/airstrike")
    other_place = make_event(1, sentence="Jets struck Sirte.", place_id="ly-misrata")
    assert event_key(other_place) != event_key(a)


def test_a_merged_event_answers_to_every_source_key():
    first = make_event(1, file="a.txt", sentence="Jets struck Sirte.")
    second = make_event(1, file="b.txt", sentence="Warplanes hit Sirte.")
    merged = make_event(1)
    merged.sources = first.sources + second.sources
    log = CorrectionLog()
    log.append(Correction("edit", event_key(second), changes={"type": "shelling"}, who="a"))
    result = apply_corrections([merged], log)
    assert [e.type for e in result.events] == ["shelling"]
    assert set(event_keys(merged)) == {event_key(first), event_key(second)}
    # the edited event keeps answering to the key it was corrected under
    assert event_key(second) in event_keys(result.events[0])


def test_re_extraction_at_another_place_still_finds_the_event():
    before = make_event(1, sentence="Jets struck Sirte.")
    log = CorrectionLog()
    log.append(Correction("reject", event_key(before), reason="wrong", who="a"))
    after = make_event(1, sentence="Jets struck Sirte.", place_id="ly-sirte-port")
    result = apply_corrections([after], log)
    assert result.events == [] and len(result.rejected) == 1 and not result.orphaned


# -- the log -----------------------------------------------------------------------------


def test_two_corrections_of_one_event_the_later_wins_both_in_history(tmp_path):
    path = tmp_path / CORRECTIONS_NAME
    log = CorrectionLog.load(path)
    event = make_event(3)
    key = event_key(event)
    log.append(Correction("edit", key, event.id, {"type": "shelling"}, who="ana"))
    log.append(Correction("edit", key, event.id, {"type": "clash", "fatalities": 2}, who="ben"))
    again = CorrectionLog.load(path)
    assert [c.changes["type"] for c in again.history(key)] == ["shelling", "clash"]
    assert [c.seq for c in again.history(key)] == [1, 2]
    state = again.current()[key]
    assert state.state == "edited" and state.changes == {"type": "clash", "fatalities": 2}
    (corrected,) = apply_corrections([event], again).events
    assert (corrected.type, corrected.fatalities, corrected.reviewed_by) == ("clash", 2, "ben")
    assert corrected.review_key == key
    # a reject, then a confirm: the later wins again and the event comes back
    log.append(Correction("reject", key, reason="duplicate", who="ana"))
    assert apply_corrections([event], CorrectionLog.load(path)).events == []
    log.append(Correction("confirm", key, who="ben"))
    (back,) = apply_corrections([event], CorrectionLog.load(path)).events
    assert back.type == "clash" and back.review == "edited"
    assert len(CorrectionLog.load(path).history(key)) == 4


def test_without_keys_the_same_events_come_out(tmp_path):
    # what a build asks for: the corrected events, without the review tools' key table
    log = CorrectionLog.load(tmp_path / CORRECTIONS_NAME)
    events = [make_event(n) for n in (1, 2, 3, 4)]
    log.append(Correction("reject", event_key(events[0]), reason="wrong town", who="ana"))
    log.append(Correction("edit", event_key(events[1]), changes={"type": "shelling"}))
    log.append(Correction("merge", event_key(events[2]), changes={"other": event_key(events[3])}))
    full = apply_corrections(events, log)
    lean = apply_corrections(events, log, with_keys=False)
    assert lean.events == full.events and lean.rejected == full.rejected
    assert (lean.applied, lean.orphaned, lean.merged) == (full.applied, full.orphaned, full.merged)
    assert [e.type for e in lean.events] == ["shelling", "airstrike"] and lean.by_key == {}
    assert full.by_key
    # and with no correction at all, the events pass through untouched
    empty = apply_corrections(events, CorrectionLog(), with_keys=False)
    assert empty.events == events and empty.applied == 0


def test_bad_lines_are_reported_by_line_and_the_rest_loads(tmp_path):
    path = tmp_path / CORRECTIONS_NAME
    good = Correction("confirm", "a.txt#0123/ly-sirte/airstrike", who="ana", seq=1)
    rows = [
        good.line(),
        "{not json",
        json.dumps([1, 2]),
        json.dumps({"action": "explode", "key": "k", "at": "2020-01-01T00:00:00Z"}),
        json.dumps({"action": "edit", "key": "k", "at": "2020-01-01T00:00:00Z",
                    "changes": {"date": "2020-02-31"}}),
        json.dumps({"action": "reject", "key": "k", "at": "2020-01-01T00:00:00Z"}),
        "",
        Correction("confirm", "b.txt#0123/ly-sirte/clash", who="ben", seq=2).line(),
        '{"action": "confirm", "key": "c', # cut short, as by a crash mid-write
    ]
    path.write_text("\n".join(rows), encoding="utf-8")
    before = path.read_bytes()
    log = CorrectionLog.load(path)
    assert [c.who for c in log] == ["ana", "ben"]
    lines = [p.line for p in log.problems]
    assert lines == [2, 3, 4, 5, 6, 9]
    assert all(str(p).startswith(f"{path}:{p.line}: ") for p in log.problems)
    assert "explode" in str(log.problems[2]) and "2020-02-31" in str(log.problems[3])
    assert "reason" in str(log.problems[4])
    # appending keeps every line, the cut one included, and numbers after the last
    stored = log.append(Correction("confirm", "d.txt#0123/ly-sirte/clash", who="cy"))
    assert stored.seq == 3
    text = path.read_bytes()
    assert text.startswith(before)
    reread = CorrectionLog.load(path)
    assert [c.who for c in reread] == ["ana", "ben", "cy"] and len(reread.problems) == 6


def test_a_missing_file_is_an_empty_log(tmp_path):
    log = CorrectionLog.load(tmp_path / "none.jsonl")
    assert len(log) == 0 and log.problems == []


_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
_changes = st.fixed_dictionaries(
    {},
    optional={
        "type": st.sampled_from(EVENT_TYPES),
        "date": st.dates(dt.date(1990, 1, 1), dt.date(2030, 1, 1)).map(dt.date.isoformat),
        "actor": _text,
        "fatalities": st.integers(0, 10_000),
        "lat": st.floats(-90, 90),
    },
).map(lambda c: c | {"lon": 10.0} if "lat" in c else c).filter(bool)
_corrections = st.builds(
    Correction,
    action=st.just("edit"),
    key=_text.filter(str.strip),
    event_id=st.none() | _text,
    changes=_changes,
    reason=st.none() | _text,
    source=st.none() | _text,
    who=_text,
    at=st.datetimes(dt.datetime(2000, 1, 1), dt.datetime(2100, 1, 1),
                    timezones=st.just(dt.timezone.utc)),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(_corrections, min_size=1, max_size=5))
def test_log_round_trip(tmp_path_factory, corrections):
    path = tmp_path_factory.mktemp("log") / CORRECTIONS_NAME
    log = CorrectionLog.load(path)
    stored = [log.append(c) for c in corrections]
    again = CorrectionLog.load(path)
    assert again.problems == []
    assert again.corrections == stored
    assert [c.seq for c in again] == list(range(1, len(corrections) + 1))


def test_concurrent_writers_lose_no_row_and_share_no_number(tmp_path):
    path = tmp_path / CORRECTIONS_NAME

    def write(who: str) -> None:
        log = CorrectionLog.load(path)
        for i in range(20):
            log.append(Correction("confirm", f"a.txt#{i}/x/clash", who=who))

    threads = [threading.Thread(target=write, args=(f"w{n}",)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    log = CorrectionLog.load(path)
    assert log.problems == []
    assert sorted(c.seq for c in log) == list(range(1, 81))


# -- on the seeds -----------------------------------------------------------------------------


@pytest.fixture
def articles(tmp_path, seeds_dir) -> Path:
    folder = tmp_path / "articles"
    shutil.copytree(seeds_dir, folder)
    return folder


def features(out: Path) -> list[dict]:
    return json.loads((out / "events.geojson").read_text(encoding="utf-8"))["features"]


def by_id(out: Path) -> dict[str, dict]:
    return {f["properties"]["id"]: f["properties"] for f in features(out)}


def map_rows(out: Path) -> list[list]:
    """The event rows the map page embeds (with the review column)."""
    from tests.test_map_html import layer_data

    data = layer_data((out / "frontline.html").read_text(encoding="utf-8"))
    return data["events"]


def three_corrections(out: Path) -> tuple[str, str, str]:
    """Reject one event, edit another's type and date, add one: by the command line."""
    props = list(by_id(out).values())
    rejected = next(p for p in props if p["type"] == "ground_attack")
    edited = next(p for p in props if p["type"] == "airstrike")
    result = run("review", "reject", rejected["id"], "--reason", "not an attack",
                 "--out", out, "--who", "ana")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"rejected {rejected['id']} ")
    result = run("review", "edit", edited["id"], "--type", "shelling", "--date", "2019-12-18",
                 "--out", out, "--who", "ana")
    assert result.exit_code == 0, result.output
    assert "type airstrike -> shelling" in result.stdout
    assert "date 2019-12-20 -> 2019-12-18" in result.stdout
    result = run("review", "add", "--type", "clash", "--place", "Sirte", "--date", "2020-01-05",
                 "--source", "https://example.org/sirte", "--sentence", "Clashes in Sirte.",
                 "--out", out, "--who", "ben")
    assert result.exit_code == 0, result.output
    added = re.match(r"added (ev-[0-9a-f]{12}) ", result.stdout)
    assert added, result.stdout
    return rejected["id"], edited["id"], added.group(1)


def assert_corrections_hold(out: Path, rejected: str, edited: str, added: str) -> None:
    props = by_id(out)
    assert rejected not in props
    assert (props[edited]["type"], props[edited]["date"], props[edited]["review"]) == (
        "shelling", "2019-12-18", "edited"
    )
    assert props[added]["type"] == "clash" and props[added]["place"] == "Sirte"
    assert props[added]["review"] == "added" and props[added]["reviewed_by"] == "ben"
    with (out / "events.csv").open(encoding="utf-8", newline="") as handle:
        rows = {r["event_id"]: r for r in csv.DictReader(handle)}
    assert rejected not in rows and rows[edited]["review"] == "edited"
    assert rows[added]["reviewed_at"].startswith(str(dt.date.today().year))
    page = (out / "frontline.html").read_text(encoding="utf-8")
    assert rejected not in page and edited in page and added in page
    import geopandas as gpd

    layer = gpd.read_file(out / "frontline.gpkg", layer="events")
    assert set(layer["event_id"]) == set(props)
    assert dict(zip(layer["event_id"], layer["review"], strict=True))[edited] == "edited"
    listed = run("review", "list", "--out", out, "--format", "json")
    assert listed.exit_code == 0, listed.output
    reviews = {e["id"]: e["review"] for e in json.loads(listed.stdout)}
    assert reviews[edited] == "edited" and reviews[added] == "added" and rejected not in reviews
    gone = run("review", "list", "--rejected", "--out", out, "--format", "json")
    assert [e["id"] for e in json.loads(gone.stdout)] == [rejected]
    assert json.loads(gone.stdout)[0]["review_note"] == "not an attack"


def test_corrections_hold_through_builds_changes_and_rebuilds(articles, tmp_path):
    out = tmp_path / "maps"
    first = build([articles], out, workers=1)
    assert first.ok
    before = by_id(out)
    rejected, edited, added = three_corrections(out)
    # the review commands rewrote the outputs already, without a build
    assert_corrections_hold(out, rejected, edited, added)
    assert (articles / CORRECTIONS_NAME).is_file()

    again = build([articles], out, workers=1)
    assert again.ok and again.corrections == 3 and again.orphaned == 0
    assert again.events == len(before)  # one rejected, one added
    assert_corrections_hold(out, rejected, edited, added)

    changed = articles / "003_5eff2ec82090edfe.txt"
    changed.write_text(changed.read_text(encoding="utf-8") + "\nMore talks are planned.\n",
                       encoding="utf-8")
    after_change = build([articles], out, workers=1)
    assert after_change.changed == 1
    assert_corrections_hold(out, rejected, edited, added)

    scratch = build([articles], out, rebuild=True, workers=1)
    assert scratch.reprocessed == 5 and scratch.corrections == 3
    assert_corrections_hold(out, rejected, edited, added)

    # a build into a new output folder (a new store) reads the same file
    fresh = tmp_path / "fresh"
    build([articles], fresh, workers=1)
    assert_corrections_hold(fresh, rejected, edited, added)
    # and the history of an event lists its corrections, oldest first
    result = run("review", "edit", edited, "--date", "2019-12-17", "--out", out, "--who", "cy")
    assert result.exit_code == 0, result.output
    history = run("review", "history", edited, "--out", out)
    lines = history.stdout.splitlines()
    assert len(lines) == 2 and " ana  edit " in lines[0] and " cy  edit " in lines[1]
    assert '"date": "2019-12-18"' in lines[0] and '"date": "2019-12-17"' in lines[1]
    assert by_id(out)[edited]["date"] == "2019-12-17" and by_id(out)[edited]["type"] == "shelling"


def test_export_delete_store_import_build_gives_the_same_map(articles, tmp_path):
    out = tmp_path / "maps"
    build([articles], out, workers=1)
    three_corrections(out)
    build([articles], out, workers=1)
    same_events = features(out)
    same_rows = map_rows(out)
    exported = tmp_path / "team.jsonl"
    result = run("review", "export", exported, "--out", out)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("3 corrections")
    for path in out.iterdir():
        path.unlink()
    (articles / CORRECTIONS_NAME).unlink()
    result = run("review", "import", exported, "--out", out, "--articles", articles)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("3 corrections imported")
    # importing again adds nothing
    assert run("review", "import", exported, "--out", out, "--articles", articles
               ).stdout.startswith("0 corrections imported")
    build([articles], out, workers=1)
    assert features(out) == same_events
    assert map_rows(out) == same_rows


def test_a_deleted_corrections_file_comes_back_from_the_store(articles, tmp_path):
    out = tmp_path / "maps"
    build([articles], out, workers=1)
    rejected, edited, added = three_corrections(out)
    (articles / CORRECTIONS_NAME).unlink()
    summary = build([articles], out, workers=1)
    assert any("written back" in str(p) for p in summary.problems)
    assert len(CorrectionLog.load(articles / CORRECTIONS_NAME)) == 3
    assert_corrections_hold(out, rejected, edited, added)


def test_a_review_without_the_file_starts_from_the_store_copy(articles, tmp_path):
    out = tmp_path / "maps"
    build([articles], out, workers=1)
    rejected, edited, added = three_corrections(out)
    build([articles], out, workers=1)
    (articles / CORRECTIONS_NAME).unlink()
    reviewer = Reviewer(out, who="cy")
    reviewer.confirm(next(e.id for e in reviewer.events() if e.review is None))
    assert any("written back" in str(p) for p in reviewer.problems)
    assert len(CorrectionLog.load(articles / CORRECTIONS_NAME)) == 4
    build([articles], out, workers=1)
    assert_corrections_hold(out, rejected, edited, added)


def test_orphaned_corrections_are_listed_and_warned_once(articles, tmp_path):
    out = tmp_path / "maps"
    build([articles], out, workers=1)
    reviewer = Reviewer(out, who="ana")
    target = next(e for e in reviewer.events() if e.sources[0].file.startswith("000_"))
    reviewer.edit(target.id, fatalities=3, reason="the toll was reported later")
    summary = build([articles], out, workers=1)
    assert summary.orphaned == 0 and summary.corrections == 1
    article = articles / target.sources[0].file
    text = article.read_text(encoding="utf-8")
    sentence = target.sources[0].sentence
    assert sentence in text
    article.write_text(text.replace(sentence, "Talks went on."), encoding="utf-8")
    summary = build([articles], out, workers=1)
    warnings = [p for p in summary.problems if "match no event" in p.message]
    assert len(warnings) == 1 and summary.orphaned == 1
    assert str(warnings[0]).startswith(str(articles / CORRECTIONS_NAME))
    assert "review list --orphaned" in warnings[0].message
    result = run("build", articles, "--out", out)
    assert result.stderr.count("match no event") == 1
    listed = run("review", "list", "--orphaned", "--out", out, "--format", "json")
    assert listed.exit_code == 0, listed.output
    (orphan,) = json.loads(listed.stdout)
    assert orphan["event_id"] == target.id and orphan["changes"] == {"fatalities": 3}
    table = run("review", "list", "--orphaned", "--out", out)
    assert target.id in table.stdout
    # the row is still in the file: nothing was dropped
    assert len(CorrectionLog.load(articles / CORRECTIONS_NAME)) == 1


def test_merge_folds_one_event_into_another(articles, tmp_path):
    out = tmp_path / "maps"
    build([articles], out, workers=1)
    reviewer = Reviewer(out, who="ana")
    sirte = [e for e in reviewer.events() if e.type == "deployment"]
    assert len(sirte) == 2
    a, b = sirte
    result = run("review", "merge", a.id, b.id, "--out", out)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"merged {b.id} ")
    props = by_id(out)
    assert b.id not in props and props[a.id]["review"] == "edited"
    assert len(props[a.id]["sources"]) == len(a.sources) + len(b.sources)
    build([articles], out, rebuild=True, workers=1)
    assert b.id not in by_id(out)


def test_split_takes_sources_off_a_merged_event_for_good(articles, tmp_path):
    out = tmp_path / "maps"
    build([articles], out, workers=1)
    reviewer = Reviewer(out, who="ana")
    merged = next(e for e in reviewer.events() if len(e.sources) >= 2)
    result = run("review", "split", merged.id, "--source", "2", "--out", out)
    assert result.exit_code == 0, result.output
    piece_id = re.search(r"are now (ev-[0-9a-f]{12})", result.stdout).group(1)
    props = by_id(out)
    assert len(props[merged.id]["sources"]) == len(merged.sources) - 1
    assert props[piece_id]["sources"] == [merged.sources[1].to_dict()]
    assert props[piece_id]["review"] == "edited" and props[merged.id]["review"] == "edited"
    # the part is an event of its own: it can be corrected, and all of it holds
    reviewer.edit(piece_id, type="shelling", reason="the second report is shelling")
    for again in (build([articles], out, workers=1),
                  build([articles], out, rebuild=True, workers=1)):
        assert again.orphaned == 0
        props = by_id(out)
        assert props[piece_id]["type"] == "shelling"
        assert len(props[merged.id]["sources"]) == len(merged.sources) - 1
    bad = run("review", "split", merged.id, "--source", "9", "--out", out)
    assert bad.exit_code == 1 and "numbers from 1 to" in bad.stderr


def test_bad_input_is_one_line_and_changes_nothing(articles, tmp_path):
    out = tmp_path / "maps"
    build([articles], out, workers=1)
    some = next(iter(by_id(out)))
    file = articles / CORRECTIONS_NAME
    cases = [
        (("review", "confirm", "ev-000000000000"), "no event 'ev-000000000000'"),
        (("review", "edit", some, "--type", "picnic"), "unknown event type 'picnic'"),
        (("review", "edit", some, "--date", "2020-02-30"), "'2020-02-30' is not a date"),
        (("review", "edit", some, "--place", "Atlantis"), "unknown place 'Atlantis'"),
        (("review", "edit", some), "must change something"),
        (("review", "edit", some, "--date", "2020-02-03", "--date-end", "2020-02-01"),
         "before date"),
        (("review", "add", "--type", "clash", "--date", "2020-01-01", "--source", "x"),
         "needs a place"),
        (("review", "reject", some, "--reason", " "), "needs a reason"),
        (("review", "list", "--type", "picnic"), "unknown event type"),
    ]
    file.write_text("{oops\n", encoding="utf-8")  # a bad row: reported, never rewritten
    listed = run("review", "list", "--out", out)
    assert listed.exit_code == 0 and f"{file}:1: not a JSON row" in listed.stderr
    file.unlink()
    for args, message in cases:
        result = run(*args, "--out", out)
        assert result.exit_code == 1, (args, result.output)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and message in lines[0], (args, result.stderr)
        assert not file.exists() or CorrectionLog.load(file).corrections == []
    missing = run("review", "list", "--out", tmp_path / "nothing")
    assert missing.exit_code == 1 and "run frontline build first" in missing.stderr


def test_hostile_reviewer_text_stays_text(articles, tmp_path):
    out = tmp_path / "maps"
    build([articles], out, workers=1)
    target = next(iter(by_id(out)))
    who = "=HYPERLINK(\"http://evil.example\",\"x\") {{ 7*191 }} <script>alert(1)</script>"
    reason = "{% raw %} <img src=x onerror=alert(1)> {{ 7*191 }}"
    reviewer = Reviewer(out, who=who)
    reviewer.edit(target, status="claimed", claimed_by="@SUM(A1)", reason=reason)
    reviewer.refresh()
    page = (out / "frontline.html").read_text(encoding="utf-8")
    from tests.test_template_safety import evaluated, script_strings

    assert not evaluated(page)
    assert "<script>alert(1)" not in page and "<img src=x" not in page
    strings = script_strings(page)
    assert who in strings and reason in strings  # as text, for textContent
    with (out / "events.csv").open(encoding="utf-8", newline="") as handle:
        row = next(r for r in csv.DictReader(handle) if r["event_id"] == target)
    assert row["reviewed_by"] == "'" + who
    assert row["claimed_by"] == "'@SUM(A1)"
    listed = run("review", "list", "--out", out, "--format", "json")
    assert listed.exit_code == 0, listed.output
    shown = next(e for e in json.loads(listed.stdout) if e["id"] == target)
    assert (shown["reviewed_by"], shown["review_note"]) == (who, reason)


def test_reviewer_change_carries_the_event_for_the_page(articles, tmp_path):
    out = tmp_path / "maps"
    build([articles], out, workers=1)
    reviewer = Reviewer(out, who="ana")
    event = reviewer.events()[0]
    change = reviewer.confirm(event.id)
    assert change.event is not None and change.event["id"] == event.id
    assert change.event["review"] == "confirmed" and change.event["reviewed_by"] == "ana"
    assert change.feature["geometry"]["coordinates"] == [event.lon, event.lat]
    json.dumps(change.to_dict())  # the server sends it as it is
    change = reviewer.reject(event.id, reason="duplicate")
    assert change.removed == [event.id] and change.event["review"] == "rejected"
    assert change.feature is None
    assert reviewer.events(unreviewed=True) and all(
        e.review is None for e in reviewer.events(unreviewed=True)
    )
    # None clears what may be empty
    actor_event = next(e for e in reviewer.events() if e.actor is not None)
    cleared = reviewer.edit(actor_event.id, actor=None, type=None)
    assert cleared.fields == {"actor": (actor_event.actor, None)}
    assert cleared.event["actor"] is None and cleared.event["type"] == actor_event.type
    with pytest.raises(ReviewError, match="is rejected"):
        reviewer.reject(event.id, reason="again")
    assert [c.action for c in reviewer.history(event.id)] == ["confirm", "reject"]


def test_evaluate_against_the_review_scores_what_people_checked(articles, tmp_path):
    out = tmp_path / "maps"
    build([articles], out, workers=1)
    reviewer = Reviewer(out, who="ana")
    events = reviewer.events()
    right, wrong_type, wrong = events[0], events[1], events[2]
    reviewer.confirm(right.id)
    other_type = next(t for t in EVENT_TYPES if t != wrong_type.type)
    reviewer.edit(wrong_type.id, type=other_type)
    reviewer.reject(wrong.id, reason="not an event")
    reviewer.add(type="clash", place="Sirte", date="2020-01-05", source="x.txt")
    scores = reviewer.evaluate().total
    # gold: the confirmed, the edited and the added; judged: the three looked at
    assert (scores.event_system, scores.event_required) == (3, 3)
    assert scores.event_system_matched == 1 and scores.event_required_matched == 1
    assert scores.event_precision == pytest.approx(1 / 3)
    result = run("evaluate", "--against-review", "--out", out)
    assert result.exit_code == 0, result.output
    assert "0.33" in result.stdout
    assert "1 confirmed, 1 edited, 1 added; 1 rejected" in result.stdout
    untouched = run("evaluate", "--out", out)
    assert untouched.exit_code == 1 and "--against-review" in untouched.stderr


def test_a_store_made_before_the_corrections_table_gets_it(tmp_path):
    from geo.store import open_store

    path = tmp_path / "frontline.sqlite"
    with open_store(path) as store:
        store._db.execute("DROP TABLE corrections")
    with open_store(path) as store:
        assert store.corrections() == []
        assert store.set_corrections(['{"a": 1}']) and not store.set_corrections(['{"a": 1}'])
        assert store.corrections() == ['{"a": 1}']


def test_edits_keep_the_event_coherent():
    undated = make_event(1, date=None, date_precision="unknown")
    log = CorrectionLog()
    log.append(Correction("edit", event_key(undated), changes={"date_end": "2020-01-03"}, who="a"))
    (event,) = apply_corrections([undated], log).events
    assert (event.date, event.date_end, event.date_precision) == (None, None, "unknown")
    log.append(Correction("edit", event_key(undated), changes={"date": "2020-01-01"}, who="a"))
    (event,) = apply_corrections([undated], log).events
    assert (event.date, event.date_end, event.date_precision) == (
        dt.date(2020, 1, 1), dt.date(2020, 1, 3), "range"
    )
    moved = CorrectionLog()
    moved.append(Correction("edit", event_key(undated), changes={"lat": 31.5, "lon": 16.0},
                            who="a"))
    (event,) = apply_corrections([undated], moved).events
    assert (event.place, event.place_id, event.geo_precision) == ("31.5000, 16.0000", None, "exact")
