"""Score extraction on the real-article dev set (or any folder laid out like it).

Reads ``<folder>/texts/<id>.md`` and ``<folder>/gold/<id>.json`` (one gold article
each, with its ``countries``) for the ids present in both, runs places and events
with the event places restricted to each article's ``countries`` (the theatre of
that article's war), and prints per-article and overall events P/R/F1, status
accuracy, places P/R/F1 and per-category error counts.

``--split tune`` scores the ids whose last digit is odd, ``--split test`` the even
ones (the half scored blind: never read its errors for fixing), ``--split all``
both. ``--errors`` lists the tune half's misses and false positives (refused for
the test half).

    PYTHONPATH=$PWD python benchmarks/bench_devset.py /work/main/devset --split tune

Runs with whichever ``geo`` is on ``PYTHONPATH``, so the same script scores an
older checkout for a before/after comparison.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import geo.evaluate
from geo.actors import load_actors
from geo.articles import articles_from_paths
from geo.evaluate import ArticleScore, evaluate
from geo.events import extract_events, load_lexicon, merge_events
from geo.gazetteer import haversine_km, load_gazetteer
from geo.model import Event
from geo.places import find_places

REPO = Path(__file__).resolve().parents[1]


def in_split(article_id: str, split: str) -> bool:
    """Whether an id (``ly-03``) is in the ``tune`` (odd last digit) or ``test`` half."""
    digits = re.findall(r"\d", article_id)
    if split == "all":
        return True
    if not digits:
        return False
    odd = int(digits[-1]) % 2 == 1
    return odd if split == "tune" else not odd


def _near(g: dict[str, Any], e: Event) -> bool:
    return any(haversine_km(e.lat, e.lon, p["lat"], p["lon"]) <= p["radius_km"]
               for p in g["places"])  # fmt: skip


def _on_day(g: dict[str, Any], e: Event) -> bool:
    day = dt.date.fromisoformat(g["date"])
    slack = dt.timedelta(days=int(g.get("date_tolerance_days", 0)))
    return not (e.date > day + slack or e.last < day - slack)


def categories(gold: list[dict[str, Any]], score: ArticleScore, events: list[Event]) -> Counter:
    """Count one article's errors by kind.

    A missed gold event is ``wrong type`` when an unmatched system event lies at its
    place on its day with another type, ``wrong date`` when one of its type lies at its
    place on another day, ``wrong place`` when one of its type is on its day elsewhere,
    else ``not found``. An unmatched system event is a ``duplicate`` when a matched
    event of its type lies at its gold event's place on its day, ``background`` when it
    is dated before every gold event, else ``spurious``. ``status`` counts matched
    pairs whose status differs.
    """
    out: Counter = Counter()
    matched_sys = {sid for _, sid in score.matches}
    matched_gold = {gid for gid, _ in score.matches}
    free = [e for e in events if e.id not in matched_sys]
    by_id = {str(g.get("id", i)): g for i, g in enumerate(gold)}
    for gid in score.misses:
        g = by_id[gid]
        if any(e.type != g["type"] and _near(g, e) and _on_day(g, e) for e in free):
            out["wrong type"] += 1
        elif any(e.type == g["type"] and _near(g, e) for e in free):
            out["wrong date"] += 1
        elif any(e.type == g["type"] and _on_day(g, e) for e in free):
            out["wrong place"] += 1
        else:
            out["not found"] += 1
    first = min((dt.date.fromisoformat(g["date"]) for g in gold), default=None)
    for e in free:
        if any(g["type"] == e.type and _near(g, e) and _on_day(g, e)
               for gid, g in by_id.items() if gid in matched_gold):  # fmt: skip
            out["duplicate"] += 1
        elif first is not None and e.last < first - dt.timedelta(days=1):
            out["background"] += 1
        else:
            out["spurious"] += 1
    out["status"] += len(score.status_errors)
    return out


def _fmt(value: float | None) -> str:
    return "   -" if value is None else f"{value:4.2f}"


def main() -> None:
    """Score the dev set's texts present in the folder and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, default=REPO / "devset")
    parser.add_argument("--split", choices=("tune", "test", "all"), default="tune")
    parser.add_argument("--errors", action="store_true",
                        help="list misses and false positives (tune half only)")
    args = parser.parse_args()
    if args.errors and args.split != "tune":
        raise SystemExit("--errors is for the tune half only: the test half is scored blind")

    texts = {p.stem: p for p in sorted((args.folder / "texts").glob("*.md"))}
    golds = {p.stem: p for p in sorted((args.folder / "gold").glob("*.json"))}
    ids = [i for i in texts if i in golds and in_split(i, args.split)]
    if not ids:
        raise SystemExit(f"{args.folder}: no article with both a text and a gold file")
    gazetteer, actors, lexicon = load_gazetteer(), load_actors(), load_lexicon()
    total = ArticleScore("TOTAL")
    kinds: Counter = Counter()
    print(f"{'article':10} {'ev_P':>5} {'ev_R':>5} {'ev_F1':>5} {'stat':>5} "
          f"{'pl_P':>5} {'pl_R':>5} {'pl_F1':>5}  sys/gold  errors")  # fmt: skip
    for article_id in ids:
        entry = json.loads(golds[article_id].read_text(encoding="utf-8"))
        batch = articles_from_paths([texts[article_id]])
        if not batch.articles:
            print(f"{article_id}: cannot read the text", file=sys.stderr)
            continue
        article = batch.articles[0]
        entry = {**entry, "file": article.file}
        countries = frozenset(str(c).upper() for c in entry.get("countries") or ())
        lex = dataclasses.replace(lexicon, countries=countries) if countries else lexicon
        mentions = find_places(article, gazetteer)
        events = merge_events(extract_events(article, mentions, actors, lexicon=lex),
                              across_articles=False)  # fmt: skip
        if hasattr(geo.evaluate, "ANNOTATED_COUNTRY") and countries:  # an older checkout
            geo.evaluate.ANNOTATED_COUNTRY = min(countries)  # type: ignore[attr-defined]
        result = evaluate({"articles": [entry]}, [article], mentions, events)
        if not result.articles:
            continue
        score = result.articles[0]
        total.add(score)
        found = categories(entry.get("events", []), score, events)
        kinds.update(found)
        print(f"{article_id:10} {_fmt(score.event_precision)} {_fmt(score.event_recall)} "
              f"{_fmt(score.event_f1)} {_fmt(score.status_accuracy)} "
              f"{_fmt(score.place_precision)} {_fmt(score.place_recall)} "
              f"{_fmt(score.place_f1)}  {score.event_system:3}/{score.event_required:<3}  "
              + ", ".join(f"{k} {n}" for k, n in sorted(found.items()) if n))  # fmt: skip
        if args.errors:
            for miss in score.misses:
                print(f"    missed {miss}")
            for fp in score.false_positives:
                print(f"    false positive: {fp}")
            for gid, want, got in score.status_errors:
                print(f"    status {gid}: gold {want}, system {got}")
    print(f"{'overall':10} {_fmt(total.event_precision)} {_fmt(total.event_recall)} "
          f"{_fmt(total.event_f1)} {_fmt(total.status_accuracy)} "
          f"{_fmt(total.place_precision)} {_fmt(total.place_recall)} "
          f"{_fmt(total.place_f1)}  {total.event_system:3}/{total.event_required:<3}")  # fmt: skip
    print(f"articles: {len(ids)} ({args.split}); errors: "
          + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items()) if n))


if __name__ == "__main__":
    main()
