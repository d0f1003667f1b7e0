"""Watching a folder: rebuild on arrival, report bad files, stop cleanly."""

from __future__ import annotations

import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from geo.errors import ArticleError
from geo.watch import watch

REPO = Path(__file__).resolve().parents[1]
ARRIVAL = """---
title: Rockets hit Nalut
published: 2020-03-03
outlet: Test Border Desk
---
Rockets fired by Haftar's forces hit residential areas of Nalut on Monday, residents said.
"""


class Watcher:
    """Run geo.watch in a thread; collect summaries and errors in a queue."""

    def __init__(self, folder: Path, out: Path, **kwargs) -> None:
        self.results: queue.Queue = queue.Queue()
        self.stop = threading.Event()
        self.builds: int | None = None
        self.thread = threading.Thread(target=self._run, args=(folder, out), kwargs=kwargs)

    def _run(self, folder, out, **kwargs):
        self.builds = watch(
            folder, out, debounce=0.2, stop=self.stop,
            on_build=lambda s: self.results.put(("build", s)),
            on_error=lambda e: self.results.put(("error", e)),
            **kwargs,
        )

    def __enter__(self) -> Watcher:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join(timeout=30)

    def next(self, timeout: float = 60.0):
        return self.results.get(timeout=timeout)


@pytest.fixture
def folder(tmp_path, seeds_dir) -> Path:
    target = tmp_path / "inbox"
    shutil.copytree(seeds_dir, target)
    return target


def test_watch_rebuilds_reports_bad_files_and_stops(folder, tmp_path):
    out = tmp_path / "maps"
    with Watcher(folder, out) as w:
        kind, first = w.next()
        assert kind == "build" and first.articles == 5 and first.new == 5
        map_path = out / "frontline.html"
        stamp = map_path.stat().st_mtime_ns

        (folder / "arrival.md").write_text(ARRIVAL, encoding="utf-8")
        kind, second = w.next()
        assert kind == "build", second
        assert (second.new, second.unchanged, second.articles) == (1, 5, 6)
        assert map_path.stat().st_mtime_ns > stamp
        assert "Test Border Desk" in (out / "events.csv").read_text(encoding="utf-8")

        (folder / "scan.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 10)
        kind, third = w.next()
        assert kind == "build"
        [problem] = [p for p in third.problems if p.severity == "error"]
        assert Path(problem.file).name == "scan.txt" and "binary" in problem.message
        assert third.articles == 6
        assert w.thread.is_alive()

        (folder / "arrival.md").unlink()
        kind, fourth = w.next()
        assert kind == "build" and fourth.removed == 1 and fourth.articles == 5
    assert not w.thread.is_alive()
    assert w.builds == 4


def test_outputs_inside_the_watched_folder_do_not_retrigger(folder):
    out = folder / "maps"
    with Watcher(folder, out) as w:
        kind, first = w.next()
        assert kind == "build"
        with pytest.raises(queue.Empty):
            w.next(timeout=1.5)
    assert w.builds == 1


def test_a_failing_build_is_reported_and_the_watch_goes_on(folder, tmp_path):
    from geo.store import open_store

    out = tmp_path / "maps"
    holder = open_store(out / "frontline.sqlite")  # another "run" holds the store
    try:
        with Watcher(folder, out) as w:
            kind, error = w.next()
            assert kind == "error" and "another frontline run is using" in str(error)
            holder.close()
            (folder / "arrival.md").write_text(ARRIVAL, encoding="utf-8")
            kind, summary = w.next()
            assert kind == "build" and summary.articles == 6
    finally:
        holder.close()


def test_watch_needs_a_folder(tmp_path):
    with pytest.raises(ArticleError, match="not a folder: '.*missing'"):
        watch(tmp_path / "missing", tmp_path / "maps")


def _interruptible() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_cli_watch_exits_cleanly_on_ctrl_c(folder, tmp_path):
    out = tmp_path / "maps"
    proc = subprocess.Popen(
        [sys.executable, "-m", "geo", "watch", str(folder), "--out", str(out),
         "--debounce", "0.2"],
        cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        # as from a terminal: a test run started in the background (a script's "&")
        # hands its children SIGINT ignored, and Python then leaves Ctrl-C ignored too
        preexec_fn=_interruptible,
    )
    try:
        deadline = time.monotonic() + 90
        while not (out / "frontline.html").exists():
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "no map was built"
            time.sleep(0.05)
        time.sleep(0.3)
        proc.send_signal(signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, stderr
    assert "articles: 5 new, 0 changed, 0 removed, 0 unchanged" in stdout
    assert "Traceback" not in stderr
