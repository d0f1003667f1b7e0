"""Measure the throughput of every per-article stage of a build.

Replicates the seed articles (or any folder) to at least ``--n`` articles in
memory and times the stages a build runs on each article one after the other:
places, events, and the control facts the text states (then merging). Prints
articles/s and words/s per stage, and their sum as the per-article cost.

    python benchmarks/bench_extract.py --n 1000
"""

from __future__ import annotations

import argparse
import dataclasses
import resource
import time
from pathlib import Path

from geo.actors import load_actors
from geo.articles import articles_from_paths
from geo.control import control_facts_from_text
from geo.events import extract_events, merge_events
from geo.gazetteer import load_gazetteer
from geo.places import find_places

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path, default=[REPO / "seeds"])
    parser.add_argument("--n", type=int, default=1000, help="articles to process (default 1000)")
    args = parser.parse_args()

    base = articles_from_paths(args.paths).articles
    if not base:
        raise SystemExit("no articles to replicate")
    articles = [
        dataclasses.replace(base[i % len(base)], file=f"{i:05d}_{base[i % len(base)].file}")
        for i in range(args.n)
    ]
    words = sum(len(a.text.split()) for a in articles)

    t0 = time.perf_counter()
    gazetteer, actors = load_gazetteer(), load_actors()
    find_places(base[0], gazetteer)  # builds the matchers once
    extract_events(base[0], find_places(base[0], gazetteer), actors)
    setup = time.perf_counter() - t0

    t0 = time.perf_counter()
    mentions = [find_places(a, gazetteer) for a in articles]
    t_places = time.perf_counter() - t0
    t0 = time.perf_counter()
    events = [
        e for a, m in zip(articles, mentions, strict=True) for e in extract_events(a, m, actors)
    ]
    t_events = time.perf_counter() - t0
    t0 = time.perf_counter()
    facts = [
        f for a, m in zip(articles, mentions, strict=True)
        for f in control_facts_from_text(a, m, actors, countries=["LY"])
    ]
    t_control = time.perf_counter() - t0
    t0 = time.perf_counter()
    merged = merge_events(events)
    t_merge = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    n = len(articles)
    print(f"articles: {n}  words: {words}  (replicated from {len(base)})")
    print(f"setup (load gazetteer, actors, build matchers): {setup:.2f} s")
    print(
        f"places: {t_places:.2f} s  {n / t_places:,.0f} articles/s  {words / t_places:,.0f} words/s"
        f"  ({sum(map(len, mentions))} mentions)"
    )
    print(
        f"events: {t_events:.2f} s  {n / t_events:,.0f} articles/s  {words / t_events:,.0f} words/s"
        f"  ({len(events)} events)"
    )
    print(
        f"control statements: {t_control:.2f} s  {n / t_control:,.0f} articles/s"
        f"  {words / t_control:,.0f} words/s  ({len(facts)} facts)"
    )
    per_article = t_places + t_events + t_control
    print(
        f"per-article stages: {per_article:.2f} s  {n / per_article:,.0f} articles/s"
        f"  ({per_article / n * 1000:.2f} ms/article)"
    )
    print(f"merge:  {t_merge:.2f} s  ({len(events)} -> {len(merged)} events)")
    total = per_article + t_merge
    print(
        f"total:  {total:.2f} s  {n / total:,.0f} articles/s"
        f"  peak RSS {peak_mb:.0f} MB"
    )


if __name__ == "__main__":
    main()
