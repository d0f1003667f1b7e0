"""Measure the map on many synthetic events: build time, page size, time to draw.

Makes ``--n`` deterministic events (places from ``data/gazetteer.csv`` when it is
there, else random points in Libya's bounding box; dates across 2019-2020; every
type and status; one to three sources each), builds and saves the map, then opens
it in headless chromium (Debian's, through Playwright, every asset served from
``tests/browser/node_modules``, the page itself opened from disk) and reports the
time from navigation start until a check in the page sees the map drawn (every
event counted, its group or marker on the map, place labels placed), side by side
with a plain folium ``FastMarkerCluster`` map of the same points (drawn when its
cluster group holds every marker), loaded the same way.

    python benchmarks/bench_map.py            # 20,000 events; targets: < 15 MB, < 3 s
    python benchmarks/bench_map.py --n 500 --loads 1
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
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
    if (!document.querySelector('.fl-group, .fl-marker')) return false;
    if (!document.querySelector('.fl-label')) return false;
    return performance.now();
}"""

#: The peer: a plain folium FastMarkerCluster; drawn when its group holds every marker.
PEER_CHECK = """([name, n]) => {
    const group = window[name];
    if (!group || group.getLayers().length !== n) return false;
    if (!document.querySelector('.marker-cluster, .leaflet-marker-icon')) return false;
    return performance.now();
}"""


def peer_map(events: list[Event]):
    """The same points on a plain folium map with FastMarkerCluster and Leaflet's markers."""
    import folium
    from folium.plugins import FastMarkerCluster

    fmap = folium.Map(location=[27.0, 17.0], zoom_start=6, tiles="OpenStreetMap")
    # the same base assets as frontline's page: Leaflet only (no jQuery, Bootstrap, icons)
    fmap.default_js = [(n, u) for n, u in folium.Map.default_js if n == "leaflet"]
    fmap.default_css = [(n, u) for n, u in folium.Map.default_css if n == "leaflet_css"]
    # Leaflet's default marker (folium's default callback needs the awesome-markers plugin)
    plain = "function (row) { return L.marker(new L.LatLng(row[0], row[1])); }"
    cluster = FastMarkerCluster([[e.lat, e.lon] for e in events], callback=plain)
    cluster.add_to(fmap)
    return fmap, cluster.get_name()


def time_to_draw(path: Path, check: str, arg: object, loads: int) -> list[float]:
    """Milliseconds from navigation start until ``check`` holds, per page load.

    The page is opened from disk (``file://``); its CDN assets and blank tiles are
    served by :class:`map_assets.AssetServer`.
    """
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        raise SystemExit(f"{CHROMIUM} not found: apt-get install chromium")
    times = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        for _ in range(loads):
            context = browser.new_context(viewport={"width": 1400, "height": 900})
            page = context.new_page()
            server = AssetServer()
            server.install(page, pattern="https://**/*")  # CDN assets and tiles only
            errors: list[str] = []
            page.on("pageerror", lambda error, errors=errors: errors.append(str(error)))
            page.goto(path.resolve().as_uri(), wait_until="commit")
            handle = page.wait_for_function(check, arg=arg, polling="raf", timeout=120_000)
            times.append(float(handle.json_value()))
            if server.unknown or errors:
                raise SystemExit(f"page problems: unknown assets {server.unknown}, errors {errors}")
            context.close()
        browser.close()
    return times


def conditions() -> str:
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return f"{os.cpu_count()} cores, load average {load} (1, 5, 15 min)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20_000, help="events (default 20000)")
    parser.add_argument("--loads", type=int, default=3, help="page loads to time (default 3)")
    args = parser.parse_args()

    events = synthetic_events(args.n)
    OUT.mkdir(parents=True, exist_ok=True)
    print(f"events:        {args.n}")
    print(f"machine:       {conditions()} at the start")

    started = time.perf_counter()
    fmap = map_from_events(events, title=f"{args.n} synthetic events")
    built = time.perf_counter()
    path = OUT / "bench_map.html"
    save_map(fmap, path)
    saved = time.perf_counter()

    peer, peer_name = peer_map(events)
    peer_path = OUT / "bench_map_peer.html"
    peer_path.write_text(peer.get_root().render(), encoding="utf-8")
    peer_saved = time.perf_counter()

    ours = time_to_draw(path, CHECK, args.n, args.loads)
    theirs = time_to_draw(peer_path, PEER_CHECK, [peer_name, args.n], args.loads)

    rows = [
        ("", "frontline map", "folium FastMarkerCluster"),
        (
            "build + save",
            f"{saved - started:.2f} s ({built - started:.2f} s map_from_events)",
            f"{peer_saved - saved:.2f} s",
        ),
        (
            "HTML size",
            f"{path.stat().st_size / 1e6:.2f} MB (target < 15 MB)",
            f"{peer_path.stat().st_size / 1e6:.2f} MB",
        ),
        (
            "drawn in (median)",
            f"{statistics.median(ours):.0f} ms (target < 3000 ms)",
            f"{statistics.median(theirs):.0f} ms",
        ),
        (
            "each load",
            ", ".join(f"{t:.0f}" for t in ours),
            ", ".join(f"{t:.0f}" for t in theirs),
        ),
        ("shows", "events, labels, panel, chart", "markers only"),
    ]
    for label, a, b in rows:
        print(f"{label:<18} {a:<44} {b}")
    print(f"machine:       {conditions()} at the end")


if __name__ == "__main__":
    main()
