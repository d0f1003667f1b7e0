"""Extraction in worker processes: the same outputs as in one process, the same error lines,
and a worker killed mid-build leaves a consistent store that the next build completes."""

from __future__ import annotations

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

import geo.workers
from geo import settings
from geo.build import build
from geo.store import open_store
from geo.workers import WorkerConfig, WorkerError, extract_batch

REPO = Path(__file__).resolve().parents[1]
TEXT_OUTPUTS = ("events.geojson", "places.geojson", "events.csv", "control.geojson",
                "frontline.geojson")
#: Installed into a child's interpreter (and so into its worker processes): articles whose
#: text holds FAIL-HERE raise in extraction; FRONTLINE_TEST_SLOW seconds of sleep per article.
SITECUSTOMIZE = '''
import os, time
import geo.events
_original = geo.events.extract_events
def _patched(article, *args, **kwargs):
    if "FAIL-HERE" in article.text:
        raise ValueError("planted failure")
    time.sleep(float(os.environ.get("FRONTLINE_TEST_SLOW", "0")))
    return _original(article, *args, **kwargs)
geo.events.extract_events = _patched
'''


generator = load_generator


@pytest.fixture
def corpus(tmp_path, seeds_dir) -> Path:
    folder = tmp_path / "articles"
    shutil.copytree(seeds_dir, folder)
    generator().generate_articles(folder / "generated", 60, seed=5)
    return folder


def snapshot(out: Path) -> dict[str, object]:
    """Everything a build wrote, with timestamps and folium's random element ids masked."""
    found: dict[str, object] = {name: (out / name).read_bytes() for name in TEXT_OUTPUTS}
    html = (out / "frontline.html").read_text(encoding="utf-8")
    html = re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC", "<time>", html)
    found["frontline.html"] = re.sub(r"(?<![0-9a-f])[0-9a-f]{32}(?![0-9a-f])", "<id>", html)
    for layer, _ in pyogrio.list_layers(out / "frontline.gpkg"):
        frame = pyogrio.read_dataframe(out / "frontline.gpkg", layer=layer)
        found[f"gpkg:{layer}"] = frame.to_json()
    db = sqlite3.connect(out / "frontline.sqlite")
    for table in ("mentions", "events", "sources", "control_facts"):
        found[f"store:{table}"] = db.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()
    columns = [r[1] for r in db.execute("PRAGMA table_info(articles)") if r[1] != "processed_at"]
    found["store:articles"] = db.execute(
        f"SELECT {', '.join(columns)} FROM articles ORDER BY path"
    ).fetchall()
    db.close()
    return found


def test_two_workers_write_what_one_process_writes(corpus, tmp_path, monkeypatch):
    monkeypatch.setattr(settings, "worker_batch", 8)  # several batches, several transactions
    monkeypatch.setattr(settings, "parallel_min_spans", 2)  # control areas in the workers too
    runs: list[int] = []
    original = geo.workers.ProcessRunner.map_async

    def counting(self, func, items):
        runs.append(len(items))
        return original(self, func, items)

    monkeypatch.setattr(geo.workers.ProcessRunner, "map_async", counting)
    serial = build([corpus], tmp_path / "serial", workers=1)
    assert not runs
    parallel = build([corpus], tmp_path / "parallel", workers=2)
    assert runs and runs[0] > 1  # the spans went to the workers in several runs
    expected = "articles: 65 new, 0 changed, 0 removed, 0 unchanged"
    assert serial.lines()[1] == parallel.lines()[1] == expected
    assert serial.lines()[0].split(" -> ")[0] == parallel.lines()[0].split(" -> ")[0]
    assert serial.events > 50 and not parallel.problems
    one, two = snapshot(tmp_path / "serial"), snapshot(tmp_path / "parallel")
    assert one.keys() == two.keys()
    for name in one:
        assert one[name] == two[name], name


def child_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    hooks = tmp_path / "hooks"
    hooks.mkdir(exist_ok=True)
    (hooks / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    return {**os.environ, "PYTHONPATH": f"{hooks}{os.pathsep}{REPO}", **extra}


def run_build(articles: Path, out: Path, env: dict[str, str], *args: str):
    return subprocess.run(
        [sys.executable, "-m", "geo", "build", str(articles), "--out", str(out), *args],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=600,
    )


def test_an_article_failing_in_a_worker_gives_the_line_it_gives_in_one_process(
    corpus, tmp_path
):
    bad = corpus / "generated" / "article_000007.md"
    bad.write_text(bad.read_text(encoding="utf-8") + "\nFAIL-HERE\n", encoding="utf-8")
    env = child_env(tmp_path)
    serial = run_build(corpus, tmp_path / "serial", env, "--workers", "1")
    parallel = run_build(corpus, tmp_path / "parallel", env, "--workers", "2")
    # the build goes on and says, by its exit status, that an input failed
    assert serial.returncode == parallel.returncode == 1, parallel.stderr
    line = f"error: {bad}: extraction failed: ValueError: planted failure"
    assert serial.stderr.splitlines() == [line]
    assert parallel.stderr.splitlines() == [line]
    assert "64 new" not in serial.stdout and "(1 failed)" in serial.stdout
    assert parallel.stdout.splitlines()[1] == serial.stdout.splitlines()[1]


def stored(store: Path) -> int:
    try:
        db = sqlite3.connect(f"file:{store}?mode=ro", uri=True, timeout=5)
        try:
            return db.execute("SELECT count(*) FROM articles").fetchone()[0]
        finally:
            db.close()
    except sqlite3.Error:
        return 0


def worker_pids(pid: int) -> list[int]:
    psutil = pytest.importorskip("psutil")
    found = []
    for child in psutil.Process(pid).children(recursive=True):
        try:
            if "forkserver" in " ".join(child.cmdline()) and child.ppid() != pid:
                found.append(child.pid)  # forked by the server: a pool worker
        except psutil.Error:
            continue
    return found


def test_a_killed_worker_leaves_the_store_consistent_and_the_next_build_completes(
    tmp_path, seeds_dir
):
    articles = tmp_path / "articles"
    generator().generate_articles(articles, 240, seed=9)
    out = tmp_path / "maps"
    store = out / "frontline.sqlite"
    env = child_env(tmp_path, FRONTLINE_TEST_SLOW="0.03")
    proc = subprocess.Popen(
        [sys.executable, "-m", "geo", "build", str(articles), "--out", str(out), "--workers",
         "2"],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        deadline = time.monotonic() + 120
        while stored(store) < 32 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        workers = worker_pids(proc.pid)
        assert proc.poll() is None and workers, "the build ended before a worker could be killed"
        os.kill(workers[0], signal.SIGKILL)
        stdout, stderr = proc.communicate(timeout=300)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 1, stderr  # it says so in its exit status too
    lines = stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {store}: a worker process died")
    assert "left for the next build" in lines[0]
    committed = stored(store)
    assert 32 <= committed < 240
    with open_store(store) as reopened:
        assert reopened.integrity_check() == "ok"
        rows = reopened.counts()
    assert rows["articles"] == committed

    again = run_build(articles, out, child_env(tmp_path), "--workers", "2")
    assert again.returncode == 0 and again.stderr == "", again.stderr
    assert f"articles: {240 - committed} new, 0 changed, 0 removed, {committed} unchanged" in (
        again.stdout
    )
    fresh = run_build(articles, tmp_path / "fresh", child_env(tmp_path), "--workers", "1")
    assert fresh.returncode == 0, fresh.stderr
    for name in TEXT_OUTPUTS:
        assert (out / name).read_bytes() == (tmp_path / "fresh" / name).read_bytes(), name


def test_a_worker_with_other_data_refuses_the_work(seeds_dir, monkeypatch):
    from geo.articles import articles_from_paths
    from geo.build import pipeline_inputs

    inputs = pipeline_inputs()
    config = WorkerConfig.current(theatre=["LY"], online=False,
                                  inputs={**inputs, "gazetteer": "0" * 64})
    articles = articles_from_paths([seeds_dir]).articles[:1]
    with pytest.raises(WorkerError, match=r"other data or code than the build: gazetteer differ"):
        extract_batch(articles, config)
    good = WorkerConfig.current(theatre=["LY"], online=False, inputs=inputs)
    (outcome,) = extract_batch(articles, good)
    assert outcome.error is None and outcome.result is not None and outcome.result[0]


def test_watch_extracts_with_the_workers_it_is_given(tmp_path, seeds_dir, monkeypatch):
    import queue
    import threading

    import geo.workers
    from geo.watch import watch

    runs: list[int] = []
    original = geo.workers.ProcessRunner.outcomes

    def counting(self, articles):
        runs.append(self.workers)
        return original(self, articles)

    monkeypatch.setattr(geo.workers.ProcessRunner, "outcomes", counting)
    folder = tmp_path / "inbox"
    shutil.copytree(seeds_dir, folder)
    results: queue.Queue = queue.Queue()
    stop = threading.Event()
    thread = threading.Thread(
        target=watch, args=(folder, tmp_path / "maps"),
        kwargs={"workers": 2, "debounce": 0.2, "stop": stop, "on_build": results.put,
                "on_error": results.put},
    )
    thread.start()
    try:
        summary = results.get(timeout=120)
    finally:
        stop.set()
        thread.join(timeout=30)
    assert summary.lines()[1] == "articles: 5 new, 0 changed, 0 removed, 0 unchanged"
    assert not summary.problems and summary.events > 0
    assert runs == [2]
