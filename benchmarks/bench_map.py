"""Measure the map on many synthetic events: build time, page size, time to draw.

Makes ``--n`` deterministic events (places from ``data/gazetteer.csv`` when it is
there, else random points in Libya's bounding box; dates across 2019-2020; every
type and status; one to three sources each), builds and saves the map, then opens
it in headless chromium (Debian's, through Playwright, every asset served from
``tests/browser/node_modules``) and reports the time from navigation start until a
check in the page sees every marker added to the cluster layer and cluster icons
drawn.

    python benchmarks/bench_map.py            # 5,000 events; targets: < 10 MB, < 3 s
    python benchmarks/bench_map.py --n 500 --loads 1
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import statistics
import sys
import time
from pathlib import Path

from geo._data import data_path
from geo.maps import map_from_events, save_map
from geo.model import EVENT_TYPES, STATUSES, Event, Source

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "benchmarks" / "out"
sys.path.insert(0, str(REPO / "tests" / "browser"))
from map_assets import CHROMIUM, CHROMIUM_ARGS, AssetServer  # noqa: E402

#: Libya's bounding box (south, west, north, east), from the Natural Earth outline.
LIBYA = (19.5, 9.3, 33.2, 25.2)
OUTLETS = ["Desert Wire", "Coast Post", "Sahel Daily", "Maghreb Monitor", "Gulf Courier", None]
ACTORS = ["LNA", "GNA", "Turkey", "Wagner", "UAE", "Egypt", None]
PHRASES = [
    "Forces loyal to the government said they repelled an attack",
    "Warplanes struck an ammunition depot",
    "Residents reported heavy shelling through the night",
    "A military spokesman said units advanced on the town",
    "Witnesses described clashes that lasted several hours",
]


def places(rng: random.Random, n: int = 300) -> list[tuple[str, float, float]]:
    """Gazetteer places in Libya, or ``n`` random points in its bounding box."""
    path = data_path("gazetteer.csv")
    if path.exists():
        with path.open(encoding="utf-8", newline="") as handle:
            rows = [
                (row["name"], float(row["lat"]), float(row["lon"]))
                for row in csv.DictReader(line for line in handle if not line.startswith("#"))
                if row.get("country") == "LY" and row.get("lat") and row.get("lon")
            ]
        if rows:
            return rows
    south, west, north, east = LIBYA
    return [(f"Place {i}", rng.uniform(south, north), rng.uniform(west, east)) for i in range(n)]


def synthetic_events(n: int, seed: int = 2019) -> list[Event]:
    rng = random.Random(seed)
    points = places(rng)
    first, days = dt.date(2019, 1, 1), (dt.date(2020, 12, 31) - dt.date(2019, 1, 1)).days
    events = []
    for i in range(n):
        name, lat, lon = rng.choice(points)
        day = first + dt.timedelta(days=rng.randrange(days + 1))
        date_end = day + dt.timedelta(days=rng.randrange(1, 5)) if rng.random() < 0.1 else None
        status = STATUSES[i % len(STATUSES)]
        sources = []
        for j in range(rng.randrange(1, 4)):
            sources.append(
                Source(
                    file=f"article-{i:05d}-{j}.txt",
                    outlet=rng.choice(OUTLETS),
                    url=f"https://news.example.org/{day:%Y/%m/%d}/story-{i}-{j}",
                    published=day + dt.timedelta(days=rng.randrange(3)),
                    sentence=f"{rng.choice(PHRASES)} near {name} on {day:%A}, "
                    f"according to reports from the area ({i}/{j}).",
                )
            )
        events.append(
            Event(
                id=f"bench-{i:05d}",
                type=EVENT_TYPES[(i // len(STATUSES)) % len(EVENT_TYPES)],
                date=day,
                date_end=date_end,
                date_precision="range" if date_end else "day",
                place=name,
                place_id=name.lower(),
                lat=lat,
                lon=lon,
                geo_precision="exact",
                actor=rng.choice(ACTORS),
                target=rng.choice(ACTORS),
                status=status,
                claimed_by=rng.choice(ACTORS[:3]) if status in ("claimed", "unconfirmed") else None,
                fatalities=rng.choice([None, None, 0, 1, 2, 5, 12]),
                sources=sources,
            )
        )
    return events


CHECK = """(n) => {
    const f = window.frontline;
    if (!f || !f.drawn || f.visibleMarkers() !== n) return false;
    if (!document.querySelector('.marker-cluster, .fl-marker')) return false;
    return performance.now();
}"""


def time_to_draw(path: Path, n: int, loads: int) -> list[float]:
    """Milliseconds from navigation start until every marker is in, per page load."""
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        raise SystemExit(f"{CHROMIUM} not found: apt-get install chromium")
    times = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        for _ in range(loads):
            context = browser.new_context(viewport={"width": 1280, "height": 800})
            page = context.new_page()
            server = AssetServer()
            server.install(page)
            errors: list[str] = []
            page.on("pageerror", lambda error, errors=errors: errors.append(str(error)))
            page.goto(server.page_url(path), wait_until="commit")
            handle = page.wait_for_function(CHECK, arg=n, polling="raf", timeout=60_000)
            times.append(float(handle.json_value()))
            if server.unknown or errors:
                raise SystemExit(f"page problems: unknown assets {server.unknown}, errors {errors}")
            context.close()
        browser.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=5000, help="events (default 5000)")
    parser.add_argument("--loads", type=int, default=3, help="page loads to time (default 3)")
    args = parser.parse_args()

    events = synthetic_events(args.n)
    started = time.perf_counter()
    fmap = map_from_events(events, title=f"{args.n} synthetic events")
    built = time.perf_counter()
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / "bench_map.html"
    save_map(fmap, path)
    saved = time.perf_counter()
    size_mb = path.stat().st_size / 1e6
    print(f"events:        {args.n}")
    print(f"build time:    {built - started:.2f} s (map_from_events)")
    print(f"render+save:   {saved - built:.2f} s")
    print(f"HTML size:     {size_mb:.2f} MB  (target < 10 MB)")
    times = time_to_draw(path, args.n, args.loads)
    print(
        f"drawn in:      {statistics.median(times):.0f} ms median of {len(times)} loads "
        f"({', '.join(f'{t:.0f}' for t in times)})  (target < 3000 ms)"
    )


if __name__ == "__main__":
    main()
