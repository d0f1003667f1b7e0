"""The main job: incremental builds, killed runs, concurrent runs and bad input."""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pyogrio
import pytest
from generator import load_generator
from typer.testing import CliRunner

from geo import settings
from geo.build import build
from geo.cli import app
from geo.errors import ArticleError, StoreLockedError
from geo.store import open_store

REPO = Path(__file__).resolve().parents[1]

# A sixth article, written for these tests: one clear air strike at a town the seeds never name.
EXTRA = """---
title: Jets strike an airfield near Ghadames
published: 2020-02-16
outlet: Test Frontier Wire
---
Warplanes struck a market in Ghadames on Saturday, killing three people,
local officials said.

Residents said the town had been calm for weeks before the raid.
"""
EXTRA_CHANGED = EXTRA.replace("Saturday", "Friday").replace(
    "Residents said", "Artillery also shelled the outskirts of Ghadames on Sunday. Residents said"
)


@pytest.fixture
def articles(tmp_path, seeds_dir) -> Path:
    folder = tmp_path / "articles"
    shutil.copytree(seeds_dir, folder)
    return folder


@pytest.fixture
def count_extractions(monkeypatch):
    """Count extract_events calls per article file."""
    import geo.events

    calls: list[str] = []
    original = geo.events.extract_events

    def counting(article, *args, **kwargs):
        calls.append(article.file)
        return original(article, *args, **kwargs)

    monkeypatch.setattr(geo.events, "extract_events", counting)
    return calls


def csv_rows(out: Path) -> list[dict[str, str]]:
    with (out / "events.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def counts_line(summary) -> str:
    return summary.lines()[1]


def test_build_writes_every_output(articles, tmp_path):
    out = tmp_path / "maps"
    summary = build([articles], out)
    for name in ("frontline.html", "places.geojson", "events.geojson", "events.csv",
                 "frontline.gpkg", "frontline.sqlite", "control.geojson", "frontline.geojson"):
        assert (out / name).is_file(), name
    assert summary.control
    layers = {name for name, _ in pyogrio.list_layers(out / "frontline.gpkg")}
    assert layers == {"events", "places", "control", "territory", "frontline"}
    control = json.loads((out / "control.geojson").read_text(encoding="utf-8"))
    assert control["features"], "the baseline and the seeds give some control"
    assert {f["properties"]["controller"] for f in control["features"]} & {"GNA", "LNA"}
    assert summary.articles == 5
    assert counts_line(summary) == "articles: 5 new, 0 changed, 0 removed, 0 unchanged"
    events = json.loads((out / "events.geojson").read_text(encoding="utf-8"))
    places = json.loads((out / "places.geojson").read_text(encoding="utf-8"))
    assert len(events["features"]) == summary.events == len(csv_rows(out))
    assert len(places["features"]) == summary.places
    assert summary.events_by_type and sum(summary.events_by_type.values()) == summary.events
    first = summary.lines()[0]
    assert first.startswith(f"5 articles, {summary.places} places, {summary.events} events (")
    assert f"{summary.unresolved} unresolved names" in first
    assert not list(out.glob(".*tmp*")), "no temporary files left behind"


def test_only_new_changed_and_removed_articles_are_processed(
    articles, tmp_path, count_extractions
):
    out = tmp_path / "maps"
    build([articles], out)
    assert len(count_extractions) == 5
    assert "Ghadames" not in (out / "events.csv").read_text(encoding="utf-8")

    # add a sixth article: only it is processed, and its event reaches the outputs
    count_extractions.clear()
    (articles / "extra.md").write_text(EXTRA, encoding="utf-8")
    summary = build([articles], out)
    assert count_extractions == ["extra.md"]
    assert counts_line(summary) == "articles: 1 new, 0 changed, 0 removed, 5 unchanged"
    rows = [r for r in csv_rows(out) if "Test Frontier Wire" in r["source"]]
    assert [(r["event_type"], r["location"]) for r in rows] == [("airstrike", "Ghadames")]
    assert rows[0]["event_date"] == "2020-02-15"
    assert "Test Frontier Wire" in (out / "frontline.html").read_text(encoding="utf-8")
    assert "Ghadames" in (out / "events.geojson").read_text(encoding="utf-8")

    # modify it: it alone is processed again, and the outputs follow
    count_extractions.clear()
    (articles / "extra.md").write_text(EXTRA_CHANGED, encoding="utf-8")
    summary = build([articles], out)
    assert count_extractions == ["extra.md"]
    assert counts_line(summary) == "articles: 0 new, 1 changed, 0 removed, 5 unchanged"
    rows = [r for r in csv_rows(out) if "Test Frontier Wire" in r["source"]]
    assert {(r["event_type"], r["event_date"]) for r in rows} >= {("airstrike", "2020-02-14")}
    assert "shelling" in {r["event_type"] for r in rows}

    # nothing changed: nothing processed, and the outputs are already up to date
    count_extractions.clear()
    summary = build([articles], out)
    assert count_extractions == []
    assert counts_line(summary) == "articles: 0 new, 0 changed, 0 removed, 6 unchanged"
    assert summary.outputs_current

    # remove it: its contributions leave the store, the map and the exports
    (articles / "extra.md").unlink()
    summary = build([articles], out)
    assert count_extractions == []
    assert counts_line(summary) == "articles: 0 new, 0 changed, 1 removed, 5 unchanged"
    assert "Ghadames" not in (out / "events.csv").read_text(encoding="utf-8")
    assert "Ghadames" not in (out / "events.geojson").read_text(encoding="utf-8")
    # (the map labels Ghadames from the gazetteer anyway: look for the article's outlet)
    assert "Test Frontier Wire" not in (out / "frontline.html").read_text(encoding="utf-8")
    with open_store(out / "frontline.sqlite") as store:
        assert store.counts()["articles"] == 5
        assert not [e for e in store.events() if e.sources[0].file == "extra.md"]


def test_incremental_outputs_equal_a_fresh_build(articles, tmp_path):
    out = tmp_path / "maps"
    build([articles], out)
    (articles / "extra.md").write_text(EXTRA, encoding="utf-8")
    build([articles], out)
    (articles / "000_89ab954d01c91b7e.txt").unlink()
    build([articles], out)
    fresh = build([articles], tmp_path / "fresh")
    assert fresh.new == 5
    for name in ("events.csv", "events.geojson", "places.geojson"):
        assert (out / name).read_text(encoding="utf-8") == (
            tmp_path / "fresh" / name
        ).read_text(encoding="utf-8"), name


def test_manifest_change_counts_as_a_change(articles, tmp_path, count_extractions):
    out = tmp_path / "maps"
    build([articles], out)
    manifest = articles / "articles.csv"
    lines = manifest.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace("2019-12-20", "2019-12-21", 1)
    manifest.write_text("\n".join(lines) + "\n", encoding="utf-8")
    count_extractions.clear()
    summary = build([articles], out)
    assert summary.changed == 1 and len(count_extractions) == 1


@pytest.fixture
def data_copy(tmp_path, monkeypatch) -> Path:
    from geo._data import data_path

    copy = tmp_path / "data"
    shutil.copytree(data_path("gazetteer.csv").parent, copy)
    monkeypatch.setattr(settings, "data_dir", copy)
    return copy


def test_changed_gazetteer_actors_or_version_reprocess(
    articles, tmp_path, data_copy, monkeypatch, count_extractions
):
    import geo.events

    out = tmp_path / "maps"
    build([articles], out)
    count_extractions.clear()

    with (data_copy / "gazetteer.csv").open("a", encoding="utf-8") as f:
        f.write("\n")
    summary = build([articles], out)
    assert len(count_extractions) == 5
    assert summary.reprocessed == 5 and summary.reprocess_reason == "gazetteer changed"
    assert counts_line(summary).startswith("articles: 0 new, 0 changed, 0 removed, 5 unchanged")
    assert "5 reprocessed: gazetteer changed" in counts_line(summary)

    count_extractions.clear()
    with (data_copy / "actors.csv").open("a", encoding="utf-8") as f:
        f.write("# a comment line\n")
    summary = build([articles], out)
    assert len(count_extractions) == 5 and summary.reprocess_reason == "actor list changed"

    count_extractions.clear()
    monkeypatch.setattr(geo.events, "EXTRACTOR_VERSION", geo.events.EXTRACTOR_VERSION + "-next")
    summary = build([articles], out)
    assert len(count_extractions) == 5
    assert "extractor version" in summary.reprocess_reason

    count_extractions.clear()
    summary = build([articles], out)
    assert count_extractions == [] and summary.reprocessed == 0

    summary = build([articles], out, rebuild=True)
    assert len(count_extractions) == 5 and summary.reprocess_reason == "--rebuild"


def output_files(out: Path) -> dict[str, tuple[int, int]]:
    """Each output's inode and modification time: both change when it is written again."""
    return {
        p.name: (p.stat().st_ino, p.stat().st_mtime_ns)
        for p in out.iterdir()
        if p.suffix in (".html", ".geojson", ".csv", ".gpkg")
    }


def test_outputs_are_written_again_only_when_something_they_show_changed(
    articles, tmp_path, data_copy
):
    out = tmp_path / "maps"
    first = build([articles], out)
    assert not first.outputs_current
    before = output_files(out)
    assert len(before) == 7

    again = build([articles], out)
    assert again.outputs_current
    assert output_files(out) == before, "nothing changed: nothing written"
    assert again.lines()[0] == first.lines()[0] + " (up to date)"
    assert (again.events, again.places, again.events_by_type, again.unresolved) == (
        first.events, first.places, first.events_by_type, first.unresolved
    )
    assert again.outputs == first.outputs

    # an output deleted, or edited by hand: everything is written again
    (out / "events.csv").unlink()
    summary = build([articles], out)
    assert not summary.outputs_current and (out / "events.csv").is_file()
    before = output_files(out)
    with (out / "events.geojson").open("a", encoding="utf-8") as f:
        f.write(" ")
    assert not build([articles], out).outputs_current
    assert json.loads((out / "events.geojson").read_text(encoding="utf-8"))["features"]
    assert build([articles], out).outputs_current

    # the control baseline is not an extraction input, but the map shows it
    before = output_files(out)
    baseline = data_copy / "control.csv"
    baseline.write_text(baseline.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    summary = build([articles], out)
    assert not summary.outputs_current and summary.reprocessed == 0
    after = output_files(out)
    assert all(after[name] != before[name] for name in before)

    # so do the merge settings, and --rebuild always writes
    assert build([articles], out).outputs_current
    settings_before = settings.merge_distance_km
    try:
        settings.merge_distance_km = settings_before + 1
        assert not build([articles], out).outputs_current
    finally:
        settings.merge_distance_km = settings_before
    assert not build([articles], out).outputs_current
    assert not build([articles], out, rebuild=True).outputs_current

    # another output folder on the same store is written in full
    other = build([articles], tmp_path / "other", store_path=out / "frontline.sqlite")
    assert not other.outputs_current and len(output_files(tmp_path / "other")) == 7


def test_a_process_building_again_reads_only_new_rows_from_the_store(
    articles, tmp_path, monkeypatch
):
    from geo.store import Store

    read: list[list[str]] = []
    original = Store.events_by_article

    def recording(self, paths=None):
        read.append(sorted(Path(p).name for p in paths) if paths is not None else ["*"])
        return original(self, paths)

    monkeypatch.setattr(Store, "events_by_article", recording)
    out = tmp_path / "maps"
    build([articles], out)
    assert read == [["*"]], "a first build reads every row at once"

    read.clear()
    (articles / "extra.md").write_text(EXTRA, encoding="utf-8")
    summary = build([articles], out)
    assert read == [["extra.md"]]
    assert "Ghadames" in (out / "events.csv").read_text(encoding="utf-8")
    expected = (out / "events.csv").read_text(encoding="utf-8")

    # the same build in a fresh process reads everything and writes the same events
    fresh = tmp_path / "fresh"
    subprocess.run(
        [sys.executable, "-m", "geo", "build", str(articles), "--out", str(fresh), "--quiet"],
        check=True, capture_output=True,
    )
    assert (fresh / "events.csv").read_text(encoding="utf-8") == expected
    assert summary.events == len(csv_rows(fresh))

    # another writer moves the store's revision: what this process read is not trusted, the
    # articles the disk cache holds as they are stored come from it, the rest from the store
    read.clear()
    with open_store(out / "frontline.sqlite") as store:
        key = next(k for k in store.articles() if k.endswith("extra.md"))
        store.remove_articles([key])
    summary = build([articles], out)
    assert summary.new == 1
    assert read == [["extra.md"]]
    assert (out / "events.csv").read_text(encoding="utf-8") == expected

    # without the disk cache, everything is read again
    read.clear()
    with open_store(out / "frontline.sqlite") as store:
        store.remove_articles([key])
    (out / "frontline.sqlite.rows").unlink()
    summary = build([articles], out)
    assert summary.new == 1
    assert read == [["*"]]
    assert (out / "events.csv").read_text(encoding="utf-8") == expected


def test_unreadable_article_keeps_its_stored_results(articles, tmp_path):
    out = tmp_path / "maps"
    (articles / "extra.md").write_text(EXTRA, encoding="utf-8")
    build([articles], out)
    before = csv_rows(out)

    (articles / "extra.md").write_bytes(b"\x00\x01binary junk\x00" * 20)
    summary = build([articles], out)
    errors = [p for p in summary.problems if p.severity == "error"]
    assert [Path(p.file).name for p in errors] == ["extra.md"]
    assert "binary" in errors[0].message
    assert summary.kept and summary.articles == 6
    assert csv_rows(out) == before

    # and a stray binary file that never was an article is reported, the build goes on
    (articles / "junk.txt").write_bytes(b"\x00" * 64)
    summary = build([articles], out)
    assert {Path(p.file).name for p in summary.problems if p.severity == "error"} == {
        "extra.md", "junk.txt"
    }
    assert summary.articles == 6


def test_failed_extraction_is_remembered_until_the_file_changes(articles, tmp_path, monkeypatch):
    import geo.events

    original = geo.events.extract_events

    def flaky(article, *args, **kwargs):
        if article.file == "extra.md":
            raise RuntimeError("boom")
        return original(article, *args, **kwargs)

    (articles / "extra.md").write_text(EXTRA, encoding="utf-8")
    monkeypatch.setattr(geo.events, "extract_events", flaky)
    summary = build([articles], tmp_path / "maps")
    assert summary.failed == 1 and summary.articles == 5
    [problem] = [p for p in summary.problems if "extraction failed" in p.message]
    assert problem.file.endswith("extra.md") and "boom" in problem.message
    # the same file is not tried again: one line says it failed before
    summary = build([articles], tmp_path / "maps")
    [problem] = [p for p in summary.problems if "extraction failed" in p.message]
    assert "boom" in problem.message and "not tried again" in problem.message
    assert summary.failed == 1 and summary.new == 0 and summary.articles == 5
    monkeypatch.setattr(geo.events, "extract_events", original)
    summary = build([articles], tmp_path / "maps")
    assert summary.new == 0 and summary.failed == 1  # same content, same inputs
    # --rebuild tries it again
    summary = build([articles], tmp_path / "maps", rebuild=True)
    assert summary.new == 1 and summary.articles == 6 and summary.failed == 0


def test_failed_article_is_tried_again_once_it_changes(articles, tmp_path, monkeypatch):
    import geo.events

    original = geo.events.extract_events

    def flaky(article, *args, **kwargs):
        if "boom" in article.text:
            raise RuntimeError("boom")
        return original(article, *args, **kwargs)

    (articles / "extra.md").write_text(EXTRA + "\nboom\n", encoding="utf-8")
    monkeypatch.setattr(geo.events, "extract_events", flaky)
    assert build([articles], tmp_path / "maps").failed == 1
    (articles / "extra.md").write_text(EXTRA, encoding="utf-8")
    summary = build([articles], tmp_path / "maps")
    assert summary.new == 1 and summary.failed == 0 and summary.articles == 6


def test_missing_path_is_refused_before_touching_the_store(articles, tmp_path):
    out = tmp_path / "maps"
    build([articles], out)
    with pytest.raises(ArticleError, match="no such file or folder: '.*nowhere'"):
        build([tmp_path / "nowhere"], out)
    with open_store(out / "frontline.sqlite") as store:
        assert store.counts()["articles"] == 5


def test_store_path_option(articles, tmp_path):
    store = tmp_path / "elsewhere" / "my.sqlite"
    summary = build([articles], tmp_path / "maps", store_path=store)
    assert summary.store_path == store and store.is_file()
    assert not (tmp_path / "maps" / "frontline.sqlite").exists()


def test_second_run_on_a_locked_store_is_refused(articles, tmp_path):
    out = tmp_path / "maps"
    build([articles], out)
    store_path = out / "frontline.sqlite"
    with open_store(store_path):
        with pytest.raises(
            StoreLockedError,
            match=re.escape(f"another frontline run is using '{store_path}' (pid {os.getpid()})"),
        ):
            build([articles], out)
        result = CliRunner().invoke(app, ["build", str(articles), "--out", str(out)])
        assert result.exit_code == 1
        assert "another frontline run is using" in result.output
        assert "Traceback" not in result.output
    summary = build([articles], out)
    assert summary.unchanged == 5
    db = sqlite3.connect(store_path)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    db.close()


def test_cli_build_prints_the_summary(articles, tmp_path):
    out = tmp_path / "maps"
    result = CliRunner().invoke(app, ["build", str(articles), "--out", str(out)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert lines[-1] == "articles: 5 new, 0 changed, 0 removed, 0 unchanged"
    assert lines[-2].startswith("5 articles, ") and "unresolved names" in lines[-2]
    quiet = CliRunner().invoke(app, ["build", str(articles), "--out", str(out), "--quiet"])
    assert quiet.exit_code == 0 and quiet.stdout == ""


def test_empty_folder_builds_an_empty_map(tmp_path):
    (tmp_path / "empty").mkdir()
    summary = build([tmp_path / "empty"], tmp_path / "maps")
    assert (summary.articles, summary.events) == (0, 0)
    assert (tmp_path / "maps" / "frontline.html").is_file()
    assert csv_rows(tmp_path / "maps") == []


SLOW_BUILD = """
import sys, time
import geo.events
original = geo.events.extract_events
def slow(*args, **kwargs):
    time.sleep(0.1)
    return original(*args, **kwargs)
geo.events.extract_events = slow
from geo.cli import main
sys.argv = ["frontline", "build", sys.argv[1], "--out", sys.argv[2], "--quiet"]
main()
"""


def stored_count(store: Path) -> int:
    if not store.exists():
        return 0
    try:
        db = sqlite3.connect(f"file:{store}?mode=ro", uri=True, timeout=5)
        try:
            return db.execute("SELECT count(*) FROM articles").fetchone()[0]
        finally:
            db.close()
    except sqlite3.OperationalError:
        return 0


def start_slow_build(articles: Path, out: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen(
        [sys.executable, "-c", SLOW_BUILD, str(articles), str(out)],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )


def wait_for(predicate, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.02)


def test_build_killed_mid_run_leaves_previous_outputs_and_store_usable(articles, tmp_path):
    out = tmp_path / "maps"
    build([articles], out)
    store = out / "frontline.sqlite"
    previous = {name: (out / name).read_bytes() for name in
                ("frontline.html", "events.geojson", "places.geojson", "events.csv",
                 "frontline.gpkg")}
    load_generator().generate_articles(articles / "generated", 120, seed=7)

    proc = start_slow_build(articles, out)
    try:
        wait_for(lambda: stored_count(store) >= 8 or proc.poll() is not None)
        assert proc.poll() is None, proc.communicate()
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate()
    assert proc.returncode == -signal.SIGKILL

    db = sqlite3.connect(store)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    committed = db.execute("SELECT count(*) FROM articles").fetchone()[0]
    db.close()
    assert 5 < committed < 125
    for name, data in previous.items():
        assert (out / name).read_bytes() == data, f"{name} changed by the killed run"
    json.loads((out / "events.geojson").read_text(encoding="utf-8"))

    summary = build([articles], out)
    assert summary.articles == 125
    assert summary.new == 125 - committed
    assert summary.unchanged == committed
    with open_store(store) as reopened:
        assert reopened.integrity_check() == "ok"


def test_two_processes_at_once(articles, tmp_path):
    out = tmp_path / "maps"
    load_generator().generate_articles(articles / "generated", 40, seed=3)
    store = out / "frontline.sqlite"
    proc = start_slow_build(articles, out)
    try:
        wait_for(lambda: stored_count(store) >= 1 or proc.poll() is not None)
        second = subprocess.run(
            [sys.executable, "-m", "geo", "build", str(articles), "--out", str(out)],
            cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)},
            capture_output=True, text=True, timeout=120,
        )
        still_running = proc.poll() is None
    finally:
        stdout, stderr = proc.communicate(timeout=300)
    assert still_running, "the first build finished before the second started"
    assert second.returncode == 1
    assert second.stderr.strip() == (
        f"error: another frontline run is using '{store}' (pid {proc.pid})"
    )
    assert proc.returncode == 0, stderr
    with open_store(store) as reopened:
        assert reopened.integrity_check() == "ok"
        assert reopened.counts()["articles"] == 45


def test_progress_bar_shows_only_after_a_delay_on_a_terminal(monkeypatch):
    import io

    from rich.console import Console

    import geo.cli

    screen = io.StringIO()
    monkeypatch.setattr(geo.cli, "err", Console(file=screen, force_terminal=True, width=80))
    quick = geo.cli._BuildProgress(enabled=True, delay=60.0)
    quick("processing articles", 1, 10)
    quick.close()
    assert screen.getvalue() == ""
    hidden = geo.cli._BuildProgress(enabled=False, delay=0.0)
    hidden("processing articles", 1, 10)
    hidden.close()
    assert screen.getvalue() == ""
    slow = geo.cli._BuildProgress(enabled=True, delay=0.0)
    slow("processing articles", 3, 10)
    slow.close()
    assert "processing articles" in screen.getvalue() and "3/10" in screen.getvalue()


CAPTURE = """---
title: Ghadames falls
published: 2020-02-20
outlet: Test Frontier Wire
---
Forces loyal to Khalifa Haftar captured the town of Ghadames on Wednesday after a short battle,
residents said.
"""


def test_control_is_recomputed_only_when_its_facts_change(articles, tmp_path, monkeypatch):
    import geo.control

    calls = []
    original = geo.control.control_timeline

    def counting(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(geo.control, "control_timeline", counting)
    out = tmp_path / "maps"
    build([articles], out)
    first = (out / "frontline.geojson").read_text(encoding="utf-8")
    assert len(calls) == 1
    summary = build([articles], out)
    assert len(calls) == 1, "nothing changed: the stored control is reused"
    assert summary.control and summary.control_reused
    assert (out / "frontline.geojson").read_text(encoding="utf-8") == first
    (articles / "capture.md").write_text(CAPTURE, encoding="utf-8")
    build([articles], out)
    assert len(calls) == 2
    control = json.loads((out / "control.geojson").read_text(encoding="utf-8"))
    held = {(f["properties"]["place"], f["properties"]["controller"])
            for f in control["features"]}
    assert ("Ghadames", "LNA") in held


def test_same_size_rewrite_with_restored_mtime_is_still_a_change(
    articles, tmp_path, count_extractions
):
    """Unchanged files are skipped by their stat; a rewrite that keeps the size and puts
    the old modification time back still changes the inode's change time."""
    out = tmp_path / "maps"
    target = sorted(articles.glob("*.txt"))[0]
    before = target.stat()
    # files modified within the last two seconds are always hashed: age this one
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns - 10_000_000_000))
    build([articles], out)
    aged = target.stat()
    time.sleep(0.05)
    text = target.read_text(encoding="utf-8")
    swapped = text.replace("Tripoli", "Tripolj", 1)
    assert len(swapped.encode()) == len(text.encode()) and swapped != text
    target.write_text(swapped, encoding="utf-8")
    os.utime(target, ns=(aged.st_atime_ns, aged.st_mtime_ns))
    assert target.stat().st_size == aged.st_size and target.stat().st_mtime_ns == aged.st_mtime_ns
    count_extractions.clear()
    summary = build([articles], out)
    assert count_extractions == [target.name]
    assert counts_line(summary) == "articles: 0 new, 1 changed, 0 removed, 4 unchanged"


def test_control_row_whose_gazetteer_row_was_skipped_is_left_out_with_a_warning(
    articles, tmp_path, data_copy
):
    gazetteer = data_copy / "gazetteer.csv"
    lines = gazetteer.read_text(encoding="utf-8").splitlines(keepends=True)
    broken = [
        line.replace(",32.", ",north ", 1) if line.startswith("ly-tarhuna,") else line
        for line in lines
    ]
    assert broken != lines
    gazetteer.write_text("".join(broken), encoding="utf-8")
    summary = build([articles], tmp_path / "maps")
    assert summary.control and summary.map_path.is_file()
    lines_of = [str(p) for p in summary.problems]
    skipped = [line for line in lines_of if "control.csv" in line]
    assert skipped and all("'ly-tarhuna'" in line and "row skipped" in line for line in skipped)
    assert all(p.severity == "warning" for p in summary.problems if "control.csv" in p.file)
    assert any("gazetteer.csv" in line for line in lines_of), "the skipped gazetteer row"
