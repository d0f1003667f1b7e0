"""Benchmark ``frontline build``: a full build of N articles, then one article more.

Prints the full build time, the incremental build time after adding one
article, and their ratio (target: under 5%).

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

from geo.build import build  # noqa: E402

TARGET_RATIO = 0.05


def _timed_build(articles: Path, maps: Path) -> tuple[float, object]:
    started = time.perf_counter()
    summary = build([articles], maps)
    return time.perf_counter() - started, summary


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000, help="articles in the full build")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workdir", type=Path, help="keep the articles and outputs here")
    args = parser.parse_args()

    work = args.workdir or Path(tempfile.mkdtemp(prefix="frontline-bench-"))
    articles, maps = work / "articles", work / "maps"
    if maps.exists():
        shutil.rmtree(maps)
    try:
        started = time.perf_counter()
        generate_articles(articles, args.n, seed=args.seed)
        print(f"generated {args.n} articles in {time.perf_counter() - started:.1f} s")

        full, summary = _timed_build(articles, maps)
        print(f"full build:        {full:8.2f} s  ({full / args.n * 1000:.1f} ms/article)")
        for line in summary.lines():  # type: ignore[attr-defined]
            print("  " + line)

        unchanged, _ = _timed_build(articles, maps)
        print(f"no-change build:   {unchanged:8.2f} s")

        generate_articles(articles, 1, seed=args.seed, start=args.n)
        incremental, summary = _timed_build(articles, maps)
        print(f"incremental build: {incremental:8.2f} s  (one article added)")
        for line in summary.lines():  # type: ignore[attr-defined]
            print("  " + line)

        ratio = incremental / full
        verdict = "ok" if ratio < TARGET_RATIO else "over target"
        print(f"ratio incremental/full: {ratio:.2%} (target < {TARGET_RATIO:.0%}: {verdict})")
        return 0
    finally:
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
