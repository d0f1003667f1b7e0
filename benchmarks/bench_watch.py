"""Benchmark builds in one process (as ``frontline watch`` runs them): N articles, then one more.

(``bench_build.py`` compares full builds on one and two cores and with older code,
each as a new process.)

Prints the full build time, then the time of a build with nothing changed and
of the incremental build after adding one article, with their ratio to the full
build (target: adding one article costs under 5%). Two kinds of addition are
measured: an article whose events change no control fact (an air strike and
shelling: the stored control timeline is reused) and one reporting a capture.

The machine's speed drifts by tens of percent from one second to the next, so
each small build is repeated (a new article each time) and the median is
reported with the range.

The builds run in this process, as ``frontline watch`` runs them: its place
matcher and data are loaded once. A ``frontline build`` command started
afresh for each new article also pays Python's start, the imports and the
loading of the matcher and lexicon; the last lines measure that too.

The data folder (gazetteer, actors, lexicons) is copied into the work folder
first, so edits to the repository during a run do not trigger reprocessing.

Usage::

    python benchmarks/bench_watch.py            # 10,000 articles
    python benchmarks/bench_watch.py --n 500    # a quick check
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from generate import generate_articles  # noqa: E402

from geo import settings  # noqa: E402
from geo._data import data_path  # noqa: E402
from geo.build import BuildSummary, build  # noqa: E402

TARGET_RATIO = 0.05


def _timed_build(articles: Path, maps: Path) -> tuple[float, BuildSummary]:
    started = time.perf_counter()
    summary = build([articles], maps)
    return time.perf_counter() - started, summary


def _show(label: str, times: list[float], full: float, note: str = "") -> None:
    median = statistics.median(times)
    ratio = median / full
    verdict = "ok" if ratio < TARGET_RATIO else "over target"
    spread = f"  [{min(times):.2f}-{max(times):.2f} s, n={len(times)}]" if len(times) > 1 else ""
    print(f"{label:<36}{median:8.2f} s  ratio {ratio:6.2%} "
          f"(target < {TARGET_RATIO:.0%}: {verdict}){spread}")
    if note:
        print(f"    {note}")


def _repeat(times: int, run: Callable[[int], tuple[float, str]]) -> tuple[list[float], str]:
    seconds, note = [], ""
    for i in range(times):
        took, note = run(i)
        seconds.append(took)
    return seconds, note


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000, help="articles in the full build")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=5, help="runs of each small build")
    parser.add_argument("--no-cli", action="store_true",
                        help="skip the builds run as separate `frontline build` processes")
    parser.add_argument("--workdir", type=Path, help="keep the articles and outputs here")
    args = parser.parse_args()

    work = args.workdir or Path(tempfile.mkdtemp(prefix="frontline-bench-"))
    articles, maps, data = work / "articles", work / "maps", work / "data"
    for folder in (articles, maps, data):
        shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(data_path("gazetteer.csv").parent, data)
    settings.data_dir = data
    next_index = args.n

    def add(kinds: list[str]) -> None:
        nonlocal next_index
        generate_articles(articles, 1, seed=args.seed, start=next_index, kinds=kinds)
        next_index += 1

    def in_process(kinds: list[str] | None) -> Callable[[int], tuple[float, str]]:
        def run(_: int) -> tuple[float, str]:
            if kinds:
                add(kinds)
            took, summary = _timed_build(articles, maps)
            reused = "reused" if summary.control_reused else "computed"
            return took, f"{summary.lines()[1]}; control {reused}"
        return run

    def fresh_process(kinds: list[str] | None) -> Callable[[int], tuple[float, str]]:
        command = [sys.executable, "-m", "geo", "build", str(articles), "--out", str(maps),
                   "--quiet"]
        env = {**os.environ, "FRONTLINE_DATA": str(data)}

        def run(_: int) -> tuple[float, str]:
            if kinds:
                add(kinds)
            started = time.perf_counter()
            subprocess.run(command, env=env, check=True)
            return time.perf_counter() - started, ""
        return run

    try:
        started = time.perf_counter()
        generate_articles(articles, args.n, seed=args.seed)
        print(f"generated {args.n} articles in {time.perf_counter() - started:.1f} s")

        full, summary = _timed_build(articles, maps)
        print(f"{'full build':<36}{full:8.2f} s  ({full / args.n * 1000:.1f} ms/article)")
        print(f"    {summary.lines()[0]}")

        strike = ["airstrike", "shelling"]
        print("in this process (as `frontline watch` builds):")
        times, note = _repeat(args.repeat, in_process(None))
        _show("  no-change build", times, full, note)
        times, note = _repeat(args.repeat, in_process(strike))
        _show("  +1 article (no control change)", times, full, note)
        times, note = _repeat(args.repeat, in_process(["capture"]))
        _show("  +1 article (a capture)", times, full, note)
        if not args.no_cli:
            print("as a new `frontline build` process each time:")
            _show("  no-change build", _repeat(2, fresh_process(None))[0], full)
            _show("  +1 article (no control change)", _repeat(3, fresh_process(strike))[0], full)
        return 0
    finally:
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
