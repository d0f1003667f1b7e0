"""End-to-end extraction throughput of this checkout and another, side by side.

Each checkout runs in its own process (its ``geo`` on ``PYTHONPATH``) over the same
articles (the seeds, or the given folder, replicated to ``--n``): places, events,
control facts and merging, timed after a warm-up. Prints articles/s per stage and
in all for both, and the ratio.

    PYTHONPATH=$PWD python benchmarks/bench_extract_compare.py --before /tmp/events-before
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

_CHILD = r"""
import dataclasses, json, sys, time
from pathlib import Path
from geo.actors import load_actors
from geo.articles import articles_from_paths
from geo.control import control_facts_from_text
from geo.events import extract_events, merge_events
from geo.gazetteer import load_gazetteer
from geo.places import find_places

paths, n = [Path(p) for p in json.loads(sys.argv[1])], int(sys.argv[2])
base = articles_from_paths(paths).articles
articles = [dataclasses.replace(base[i % len(base)], file=f"{i:05d}_{base[i % len(base)].file}")
            for i in range(n)]
gazetteer, actors = load_gazetteer(), load_actors()
for a in base:  # warm-up: matchers, lexicon, any model
    m = find_places(a, gazetteer)
    extract_events(a, m, actors)
    control_facts_from_text(a, m, actors)
times = {}
t0 = time.perf_counter()
mentions = [find_places(a, gazetteer) for a in articles]
times["places"] = time.perf_counter() - t0
t0 = time.perf_counter()
events = [e for a, m in zip(articles, mentions) for e in extract_events(a, m, actors)]
times["events"] = time.perf_counter() - t0
t0 = time.perf_counter()
facts = [f for a, m in zip(articles, mentions) for f in control_facts_from_text(a, m, actors)]
times["control facts"] = time.perf_counter() - t0
t0 = time.perf_counter()
merged = merge_events(events)
times["merge"] = time.perf_counter() - t0
print(json.dumps({"n": n, "times": times, "events": len(events), "merged": len(merged)}))
"""


def _run(checkout: Path, paths: list[Path], n: int) -> dict:
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, json.dumps([str(p) for p in paths]), str(n)],
        env=env, capture_output=True, text=True, check=True, cwd=checkout,
    )  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    """Run both checkouts and print their throughput side by side."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path, default=[REPO / "seeds"])
    parser.add_argument("--before", type=Path, required=True, help="the other checkout")
    parser.add_argument("--n", type=int, default=300, help="articles (default 300)")
    args = parser.parse_args()
    paths = [p.resolve() for p in args.paths]
    results = {"before": _run(args.before.resolve(), paths, args.n),
               "after": _run(REPO, paths, args.n)}  # fmt: skip
    n = args.n
    print(f"{n} articles; articles/s (before: {args.before}, after: {REPO})")
    print(f"{'stage':14} {'before':>9} {'after':>9} {'after/before':>12}")
    stages = [*results["before"]["times"], "all"]
    for stage in stages:
        rates = []
        for key in ("before", "after"):
            times = results[key]["times"]
            t = sum(times.values()) if stage == "all" else times[stage]
            rates.append(n / t if t else float("inf"))
        print(f"{stage:14} {rates[0]:9.1f} {rates[1]:9.1f} {rates[1] / rates[0]:12.2f}")
    for key in ("before", "after"):
        r = results[key]
        print(f"{key}: {r['events']} events, {r['merged']} after merging")


if __name__ == "__main__":
    main()
