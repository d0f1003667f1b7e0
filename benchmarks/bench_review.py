"""Benchmark review actions (geo.review) against the builds they stand in for.

A review action appends a row to the corrections file and rewrites the map and
exports from the store (``Reviewer.refresh``) without reading an article; the
peer is what a user would otherwise run, ``frontline build`` after the change
(it scans every article file as well). Printed side by side, in one run, on N
generated articles:

- the full build (extraction of every article), once;
- a review action without the rewrite (``--no-refresh``): the append and the
  event lookup, median of several;
- ``refresh()`` after each action, against ``build()`` after each action
  (both rewrite the outputs), medians of several;
- ``apply_corrections`` alone over every event with as many corrections as
  there are events, and with none.

Usage::

    python benchmarks/bench_review.py            # 2,000 articles
    python benchmarks/bench_review.py --n 300    # a quick check
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from generate import generate_articles  # noqa: E402

from geo import settings  # noqa: E402
from geo._data import data_path  # noqa: E402
from geo.build import build  # noqa: E402
from geo.events import merge_events  # noqa: E402
from geo.review import (  # noqa: E402
    Correction,
    CorrectionLog,
    Reviewer,
    apply_corrections,
    event_key,
)
from geo.store import open_store  # noqa: E402


def _median(values: list[float]) -> str:
    return f"{statistics.median(values):7.3f} s (range {min(values):.3f}-{max(values):.3f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=2000, help="articles (default 2000)")
    parser.add_argument("--repeat", type=int, default=5, help="small steps timed (default 5)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-review-") as tmp:
        work = Path(tmp)
        data = work / "data"
        shutil.copytree(data_path("gazetteer.csv").parent, data)
        settings.data_dir = data
        articles = work / "articles"
        generate_articles(articles, args.n, seed=0)
        maps = work / "maps"
        started = time.perf_counter()
        first = build([articles], maps)
        full = time.perf_counter() - started
        print(f"{args.n} articles, {first.events} events")
        print(f"full build (extracting every article)      {full:7.3f} s")

        reviewer = Reviewer(maps, who="bench")
        events = reviewer.events()
        acts, refreshes, builds = [], [], []
        for i in range(args.repeat):
            started = time.perf_counter()
            reviewer.confirm(events[2 * i].id)
            acts.append(time.perf_counter() - started)
            started = time.perf_counter()
            reviewer.refresh()
            refreshes.append(time.perf_counter() - started)
            reviewer.reject(events[2 * i + 1].id, reason="bench")
            started = time.perf_counter()
            build([articles], maps)
            builds.append(time.perf_counter() - started)
        print(f"one review action, no rewrite              {_median(acts)}")
        print(f"rewrite after an action: refresh()         {_median(refreshes)}")
        print(f"rewrite after an action: build()           {_median(builds)}")

        with open_store(maps / "frontline.sqlite", lock=False) as store:
            merged = merge_events(store.events())
        log = CorrectionLog()
        for n, event in enumerate(merged):
            action = ("confirm", "reject", "edit")[n % 3]
            changes = {"fatalities": n % 7} if action == "edit" else {}
            log.corrections.append(Correction(action, event_key(event), event.id, changes,
                                              reason="bench" if action == "reject" else None,
                                              who="bench", seq=n + 1))
        for label, corrections in (("no corrections", CorrectionLog()),
                                   (f"{len(log)} corrections", log)):
            times = []
            for _ in range(args.repeat):
                started = time.perf_counter()
                result = apply_corrections(merged, corrections)
                times.append(time.perf_counter() - started)
            print(f"apply_corrections, {label:<22}  {_median(times)} "
                  f"({len(result.events)} events out, {len(result.orphaned)} orphaned)")


if __name__ == "__main__":
    main()
