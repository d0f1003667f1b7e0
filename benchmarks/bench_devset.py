"""Score extraction on the real-article dev set (or any folder laid out like it).

Reads ``<folder>/texts/<id>.md`` and ``<folder>/gold/<id>.json`` (one gold article
each, with its ``countries``) for the ids present in both, runs places and events
with the event places restricted to each article's ``countries`` (the theatre of
that article's war), and prints per-article and overall events P/R/F1, status
accuracy, places P/R/F1 and per-category error counts.

Each article runs with the data folder of its war: the folder under ``--theatres``
(default ``devset/theatres`` of this repository) whose ``theatre.yaml`` lists every
one of the article's gold ``countries``, else the shipped data (Libya). Scores are
printed per article, per war (its data folder's name; ``libya``
for the shipped data) and overall. ``--shipped-only`` runs
every article with the shipped data, as before the dev-set theatres existed.

``--split tune`` scores the ids that ``sources.csv`` marks ``tune`` (an id missing
there: an odd last digit), ``--split test`` those marked ``test`` (the half scored
blind: never read its errors for fixing), ``--split all`` both; ``--ids GLOB`` keeps
the ids matching a pattern (``'la-*'``, or several
separated by commas: ``'ly-*,lz-*'``). ``--errors`` lists the tune half's missed
and false events, and its missed gold places
and unmatched system places (refused for the test half).

    PYTHONPATH=$PWD python benchmarks/bench_devset.py /work/main/devset --split tune

Runs with whichever ``geo`` is on ``PYTHONPATH``, so the same script scores an
older checkout for a before/after comparison.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import datetime as dt
import fnmatch
import json
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import geo.evaluate
from geo import settings
from geo.actors import load_actors
from geo.articles import articles_from_paths
from geo.evaluate import ArticleScore, evaluate
from geo.events import extract_events, load_lexicon, merge_events
from geo.gazetteer import haversine_km, load_gazetteer
from geo.model import Event, PlaceMention
from geo.places import find_places
from geo.theatre import load_theatre

REPO = Path(__file__).resolve().parents[1]


def read_splits(folder: Path) -> dict[str, str]:
    """The ``split`` column of ``<folder>/sources.csv`` by id (empty without the file)."""
    path = folder / "sources.csv"
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["id"]: (row.get("split") or "").strip()
                for row in csv.DictReader(handle) if row.get("id")}  # fmt: skip


def in_split(article_id: str, split: str, splits: dict[str, str] | None = None) -> bool:
    """Whether an id (``ly-03``) is in the ``tune`` or ``test`` half.

    The half is the one ``splits`` (``sources.csv``) gives; an id it does not list
    is ``tune`` when its last digit is odd, ``test`` otherwise.
    """
    if split == "all":
        return True
    given = (splits or {}).get(article_id)
    if given in ("tune", "test"):
        return given == split
    digits = re.findall(r"\d", article_id)
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


def theatre_folders(root: Path) -> list[tuple[frozenset[str], Path]]:
    """The data folders under ``root`` (each with a ``theatre.yaml``) and their countries."""
    found = []
    for path in sorted(root.glob("*/theatre.yaml")):
        found.append((frozenset(load_theatre(path).countries), path.parent))
    return found


def folder_for(
    countries: frozenset[str], folders: list[tuple[frozenset[str], Path]]
) -> Path | None:
    """The first folder whose theatre lists all ``countries``; None for the shipped data."""
    if not countries:
        return None
    for listed, folder in folders:
        if countries <= listed:
            return folder
    return None


def place_errors(
    gold: list[dict[str, Any]], mentions: list[PlaceMention], countries: frozenset[str]
) -> tuple[list[str], list[str]]:
    """Gold places no system place lies near, and counted system places near no gold place.

    A rough listing for reading errors (each side is judged on its own, not by the
    evaluation's one-to-one pairing); regions, countries and places abroad that match
    nothing are left out, as the evaluation ignores them.
    """
    system = {m.place.place_id: (m.text, m.place) for m in mentions if m.place is not None}
    missed = [
        str(g["name"]) for g in gold
        if not any(haversine_km(p.lat, p.lon, g["lat"], g["lon"]) <= g["radius_km"]
                   for _, p in system.values())
    ]  # fmt: skip
    extra = [
        f"{text!r} -> {p.place_id}" for text, p in system.values()
        if p.kind not in geo.evaluate.UNANNOTATED_KINDS and p.country in countries
        and not any(haversine_km(p.lat, p.lon, g["lat"], g["lon"]) <= g["radius_km"]
                    for g in gold)
    ]  # fmt: skip
    return missed, extra


def _fmt(value: float | None) -> str:
    return "   -" if value is None else f"{value:4.2f}"


def main() -> None:
    """Score the dev set's texts present in the folder and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, default=REPO / "devset")
    parser.add_argument("--split", choices=("tune", "test", "all"), default="tune")
    parser.add_argument("--errors", action="store_true",
                        help="list misses and false positives (tune half only)")
    parser.add_argument("--theatres", type=Path, default=REPO / "devset" / "theatres",
                        help="folder of the wars' data folders (default devset/theatres)")
    parser.add_argument("--shipped-only", action="store_true",
                        help="run every article with the shipped data folder")
    parser.add_argument("--ids", default="*", metavar="GLOB",
                        help="score only the ids matching this pattern ('la-*'; several "
                        "patterns separated by commas: 'ly-*,lz-*')")
    args = parser.parse_args()
    if args.errors and args.split != "tune":
        raise SystemExit("--errors is for the tune half only: the test half is scored blind")

    texts = {p.stem: p for p in sorted((args.folder / "texts").glob("*.md"))}
    golds = {p.stem: p for p in sorted((args.folder / "gold").glob("*.json"))}
    splits = read_splits(args.folder)
    ids = [i for i in texts if i in golds and in_split(i, args.split, splits)
           and any(fnmatch.fnmatchcase(i, g.strip()) for g in args.ids.split(","))]  # fmt: skip
    if not ids:
        raise SystemExit(f"{args.folder}: no article with both a text and a gold file")
    folders = theatre_folders(args.theatres) if args.theatres.is_dir() else []
    shipped = (load_gazetteer(), load_actors(), load_lexicon())
    loaded: dict[Path, tuple[Any, Any, Any]] = {}
    total = ArticleScore("TOTAL")
    wars: dict[str, ArticleScore] = {}
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
        war_folder = folder_for(countries, folders)
        folder = None if args.shipped_only else war_folder
        previous = settings.data_dir
        if folder is not None:
            settings.data_dir = folder  # its word lists too, as a user's --data gives
            if folder not in loaded:
                loaded[folder] = (load_gazetteer(folder / "gazetteer.csv"),
                                  load_actors(folder / "actors.csv"),
                                  load_lexicon())  # fmt: skip (its own rules, else the shipped)
        gazetteer, actors, lexicon = loaded[folder] if folder is not None else shipped
        try:
            lex = dataclasses.replace(lexicon, countries=countries) if countries else lexicon
            mentions = find_places(article, gazetteer)
            events = merge_events(extract_events(article, mentions, actors, lexicon=lex),
                                  across_articles=False)  # fmt: skip
        finally:
            settings.data_dir = previous
        if hasattr(geo.evaluate, "ANNOTATED_COUNTRY") and countries:  # an older checkout
            geo.evaluate.ANNOTATED_COUNTRY = min(countries)  # type: ignore[attr-defined]
        result = evaluate({"articles": [entry]}, [article], mentions, events)
        if not result.articles:
            continue
        score = result.articles[0]
        total.add(score)
        war_name = war_folder.name if war_folder is not None else "libya"
        war = wars.setdefault(war_name, ArticleScore(war_name))
        war.add(score)
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
            missed, extra = place_errors(entry.get("places", []), mentions, countries)
            for name in missed:
                print(f"    place missed: {name}")
            for text in extra:
                print(f"    place false positive: {text}")
    for name, war in wars.items():
        print(f"{name:10} {_fmt(war.event_precision)} {_fmt(war.event_recall)} "
              f"{_fmt(war.event_f1)} {_fmt(war.status_accuracy)} "
              f"{_fmt(war.place_precision)} {_fmt(war.place_recall)} "
              f"{_fmt(war.place_f1)}  {war.event_system:3}/{war.event_required:<3}")  # fmt: skip
    print(f"{'overall':10} {_fmt(total.event_precision)} {_fmt(total.event_recall)} "
          f"{_fmt(total.event_f1)} {_fmt(total.status_accuracy)} "
          f"{_fmt(total.place_precision)} {_fmt(total.place_recall)} "
          f"{_fmt(total.place_f1)}  {total.event_system:3}/{total.event_required:<3}")  # fmt: skip
    print(f"articles: {len(ids)} ({args.split}); errors: "
          + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items()) if n))


if __name__ == "__main__":
    main()
