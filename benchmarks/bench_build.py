"""Benchmark ``frontline build``: a full build of N articles, then one article more.

Prints the full build time, a build with nothing changed, and the incremental
build time after adding one article, with its ratio to the full build (target:
under 5%). Two additions are measured: an article whose events change no
control fact (an air strike and shelling: the stored control timeline is
reused) and one reporting a capture (the control timeline is recomputed).

The data folder (gazetteer, actors, lexicons) is copied into the work folder
first, so edits to the repository during a run do not trigger reprocessing.

Usage::

    python benchmarks/bench_build.py            # 10,000 articles
    python benchmarks/bench_build.py --n 500    # a quick check
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
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


def _show(label: str, seconds: float, summary: BuildSummary, full: float | None = None) -> None:
    line = f"{label:<34}{seconds:8.2f} s"
    if full:
        ratio = seconds / full
        verdict = "ok" if ratio < TARGET_RATIO else "over target"
        line += f"  ratio {ratio:6.2%} (target < {TARGET_RATIO:.0%}: {verdict})"
    print(line)
    print(f"    {summary.lines()[1]}; control {'reused' if summary.control_reused else 'computed'}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000, help="articles in the full build")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workdir", type=Path, help="keep the articles and outputs here")
    args = parser.parse_args()

    work = args.workdir or Path(tempfile.mkdtemp(prefix="frontline-bench-"))
    articles, maps, data = work / "articles", work / "maps", work / "data"
    for folder in (articles, maps, data):
        shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(data_path("gazetteer.csv").parent, data)
    settings.data_dir = data
    try:
        started = time.perf_counter()
        generate_articles(articles, args.n, seed=args.seed)
        print(f"generated {args.n} articles in {time.perf_counter() - started:.1f} s")

        full, summary = _timed_build(articles, maps)
        print(f"{'full build':<34}{full:8.2f} s  ({full / args.n * 1000:.1f} ms/article)")
        print(f"    {summary.lines()[0]}")

        seconds, summary = _timed_build(articles, maps)
        _show("no-change build", seconds, summary, full)

        generate_articles(articles, 1, seed=args.seed, start=args.n,
                          kinds=["airstrike", "shelling"])
        seconds, summary = _timed_build(articles, maps)
        _show("+1 article (no control change)", seconds, summary, full)

        generate_articles(articles, 1, seed=args.seed, start=args.n + 1, kinds=["capture"])
        seconds, summary = _timed_build(articles, maps)
        _show("+1 article (a capture)", seconds, summary, full)
        return 0
    finally:
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
