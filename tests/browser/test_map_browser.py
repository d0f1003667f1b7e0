"""The map page in headless chromium: what a reader sees and can do."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from geo.maps import map_from_events, save_map
from geo.model import EVENT_TYPES, STATUSES, Event, Place, PlaceMention, Source

pytestmark = pytest.mark.browser

DAY_MS = 86_400_000
XSS_SCRIPT = "<script>window.__xss=1</script>"
XSS_IMG = '<img src=x onerror="window.__xss=2">'
POINTS = [
    ("Tripoli", 32.8872, 13.1913),
    ("Tarhuna", 32.4350, 13.6332),
    ("Gharyan", 32.1722, 13.0203),
    ("Misrata", 32.3754, 15.0925),
    ("Sirte", 31.2089, 16.5887),
    ("Benghazi", 32.1167, 20.0667),
    ("Sabha", 27.0377, 14.4283),
]


def ms(day: dt.date) -> int:
    return (day - dt.date(1970, 1, 1)).days * DAY_MS


def event(
    n: int, day: dt.date, *, place: int = 0, date_end: dt.date | None = None, **fields
) -> Event:
    name, lat, lon = POINTS[place]
    sources = fields.pop("sources", None) or [
        Source(
            file=f"story-{n}.txt",
            outlet=["Desert Wire", "Coast Post", "Sahel Daily"][n % 3],
            url=f"https://news.example.org/{n}",
            published=day,
            sentence=f"Sentence number {n}: forces exchanged fire near {name} overnight.",
        )
    ]
    values = {
        "id": f"ev-{n}",
        "type": EVENT_TYPES[n % len(EVENT_TYPES)],
        "date": day,
        "date_end": date_end,
        "date_precision": "range" if date_end else "day",
        "place": name,
        "place_id": name.lower(),
        "lat": lat,
        "lon": lon,
        "geo_precision": "exact",
        "actor": ["LNA", "GNA", "Turkey", None][n % 4],
        "target": "GNA",
        "status": STATUSES[n % len(STATUSES)],
        "claimed_by": None,
        "fatalities": None,
        "sources": sources,
    }
    values.update(fields)
    return Event(**values)


def sample_events() -> list[Event]:
    """30 events over 2019, six of them at exactly the same point (Tripoli)."""
    start = dt.date(2019, 4, 4)
    events = [event(i, start + dt.timedelta(days=9 * i), place=i % len(POINTS)) for i in range(24)]
    events += [event(100 + i, start + dt.timedelta(days=30 * i), place=0) for i in range(6)]
    events[3] = event(
        3, start + dt.timedelta(days=27), place=3, date_end=start + dt.timedelta(days=40)
    )
    return events


TERRITORY = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "geometry": {
                "type": "Polygon",
                "coordinates": [
                    [[12.6, 32.2], [14.0, 32.2], [14.0, 33.0], [12.6, 33.0], [12.6, 32.2]]
                ],
            },
            "properties": {
                "side": "GNA",
                "colour": "#2471a3",
                "start": "2019-04-04",
                "end": "2019-06-30",
            },
        },
        {
            "type": "Feature",
            "geometry": {
                "type": "Polygon",
                "coordinates": [
                    [[16.0, 29.0], [21.0, 29.0], [21.0, 32.5], [16.0, 32.5], [16.0, 29.0]]
                ],
            },
            "properties": {"side": "LNA", "start": "2019-04-04", "end": None},
        },
    ],
}
FRONT = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "geometry": {"type": "LineString", "coordinates": [[12.8, 32.6], [13.6, 32.4]]},
            "properties": {"start": "2019-04-04", "end": "2019-09-30"},
        }
    ],
}


@pytest.fixture(scope="module")
def events() -> list[Event]:
    return sample_events()


@pytest.fixture(scope="module")
def sample_map(events, tmp_path_factory) -> Path:
    place = Place("zawiya", "Zawiya", 32.7571, 12.7276, "city", "LY")
    mentions = [PlaceMention("story-1.txt", "Zawiya", 0, 6, place)]
    fmap = map_from_events(
        events,
        mentions=mentions,
        territory=TERRITORY,
        front_lines=FRONT,
        title="Test map",
        generated_at=dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc),
    )
    path = tmp_path_factory.mktemp("map") / "map.html"
    save_map(fmap, path)
    return path


def set_slider(map_page, day: dt.date) -> None:
    map_page.js(
        """(t) => {
            const slider = document.querySelector('.leaflet-timeline-control input.time-slider');
            slider.value = String(t);
            slider.dispatchEvent(new Event('input', {bubbles: true}));
        }""",
        ms(day),
    )


def show_marker(map_page, event_id: str) -> str:
    """Zoom or spiderfy until the event's marker is on screen; return a selector for it.

    ``zoomToShowLayer`` calls back once the marker is shown, but can miss its moment
    while the map is still moving; so poll too, ask again now and then, and give up
    after a few seconds rather than hang.
    """
    map_page.page.evaluate(
        """(id) => new Promise((resolve, reject) => {
            const marker = frontline.markers.find(m => m.feature.properties.id === id);
            if (!marker) { reject(new Error('no marker ' + id)); return; }
            const started = Date.now();
            let asked = started, done = false;
            const check = () => {
                if (done || !marker._icon || !document.body.contains(marker._icon)) return;
                done = true;
                marker._icon.setAttribute('data-test', id);
                resolve(true);
            };
            frontline.cluster.zoomToShowLayer(marker, check);
            const timer = setInterval(() => {
                check();
                if (done) { clearInterval(timer); return; }
                if (Date.now() - started > 10000) {
                    clearInterval(timer);
                    reject(new Error('marker ' + id + ' was never shown'));
                } else if (Date.now() - asked > 2000) {
                    asked = Date.now();
                    frontline.cluster.zoomToShowLayer(marker, check);
                }
            }, 100);
        })""",
        event_id,
    )
    map_page.page.wait_for_timeout(400)  # let a spiderfy animation finish
    return f'[data-test="{event_id}"]'


def test_page_loads_without_errors(map_page, sample_map):
    map_page.open(sample_map)
    assert map_page.errors == []
    assert map_page.server.unknown == []
    served = " ".join(map_page.server.served)
    for asset in ("leaflet.js", "leaflet.css", "leaflet.markercluster.js", "leaflet.timeline"):
        assert asset in served
    assert map_page.server.tiles  # OpenStreetMap asked for tiles, answered with blank ones
    assert map_page.js("document.querySelector('.fl-header h1').textContent") == "Test map"


def test_every_event_gets_a_marker_even_in_clusters(map_page, sample_map, events):
    map_page.open(sample_map)
    assert map_page.js("frontline.markers.length") == len(events)
    assert map_page.js("frontline.visibleMarkers()") == len(events)
    # the six Tripoli events share one point: all are in the cluster group
    tripoli = map_page.js(
        """() => frontline.cluster.getLayers()
            .filter(m => m.getLatLng().lat === 32.8872 && m.getLatLng().lng === 13.1913).length"""
    )
    assert tripoli == sum(1 for e in events if e.place == "Tripoli")
    drawn = map_page.js("document.querySelectorAll('.fl-marker, .marker-cluster').length")
    assert drawn > 0
    assert map_page.js(
        f"document.getElementById('fl-count-{map_name(sample_map)}').textContent"
    ) == str(len(events))


def map_name(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    start = text.index('id="fl-header-') + len('id="fl-header-')
    return text[start : text.index('"', start)]


def test_clicking_a_marker_opens_its_popup(map_page, sample_map, events):
    map_page.open(sample_map)
    target = next(e for e in events if e.id == "ev-102")  # one of the co-located events
    selector = show_marker(map_page, target.id)
    map_page.page.click(selector)
    popup = map_page.page.wait_for_selector(".leaflet-popup-content .fl-pop")
    text = popup.inner_text()
    assert target.sources[0].sentence in text
    assert target.sources[0].outlet in text
    assert "Date" in text and target.date.isoformat() in text
    link = map_page.js("document.querySelector('.leaflet-popup-content a.fl-src-link').href")
    assert link == target.sources[0].url
    assert map_page.errors == []


def test_tooltip_gives_the_outlet_count(map_page, sample_map):
    map_page.open(sample_map)
    selector = show_marker(map_page, "ev-5")
    map_page.page.hover(selector)
    tooltip = map_page.page.wait_for_selector(".leaflet-tooltip .fl-tip")
    assert "1 outlet" in tooltip.inner_text()


def test_moving_the_time_control_hides_events_outside_the_range(map_page, sample_map, events):
    map_page.open(sample_map)
    day = dt.date(2019, 6, 15)
    set_slider(map_page, day)
    expected = sum(1 for e in events if e.date <= day)
    assert 0 < expected < len(events)
    assert map_page.js("frontline.visibleMarkers()") == expected
    shown = set(map_page.js("frontline.cluster.getLayers().map(m => m.feature.properties.id)"))
    assert shown == {e.id for e in events if e.date <= day}
    in_view = map_page.js(f"document.getElementById('fl-range-{map_name(sample_map)}').textContent")
    assert in_view == "2019-04-04 to 2019-06-15"
    assert map_page.js(
        "document.querySelector('.leaflet-timeline-control output').textContent"
    ) == ("2019-06-15")

    # a 7-day window keeps only the events that touch those days
    map_page.page.select_option(f"#fl-window-{map_name(sample_map)}", "7")
    first = day - dt.timedelta(days=6)
    expected = {e.id for e in events if e.date <= day and e.last >= first}
    shown = set(map_page.js("frontline.cluster.getLayers().map(m => m.feature.properties.id)"))
    assert shown == expected
    assert map_page.js(
        f"document.getElementById('fl-range-{map_name(sample_map)}').textContent"
    ) == (f"{first.isoformat()} to 2019-06-15")

    # a multi-day event stays in view on its last day with the 1-day window
    long_event = next(e for e in events if e.date_end)
    map_page.page.select_option(f"#fl-window-{map_name(sample_map)}", "1")
    set_slider(map_page, long_event.date_end)
    shown = set(map_page.js("frontline.cluster.getLayers().map(m => m.feature.properties.id)"))
    assert long_event.id in shown
    assert all(e.date <= long_event.date_end <= e.last for e in events if e.id in shown)


def test_play_runs_the_timeline_from_the_start(map_page, sample_map, events):
    map_page.open(sample_map)
    output = ".leaflet-timeline-control output"
    assert map_page.page.inner_text(output) == max(e.last for e in events).isoformat()
    map_page.page.click(".leaflet-timeline-control button.play")
    map_page.page.wait_for_timeout(600)
    map_page.page.click(".leaflet-timeline-control button.pause")
    shown_day = dt.date.fromisoformat(map_page.page.inner_text(output))
    assert min(e.date for e in events) <= shown_day < max(e.last for e in events)
    assert map_page.js("frontline.visibleMarkers()") == sum(
        1 for e in events if e.date <= shown_day
    )
    assert map_page.errors == []


def test_control_areas_and_front_line_follow_the_slider(map_page, sample_map):
    map_page.open(sample_map)
    # at the last day the GNA area (to 2019-06-30) and the front line (to 2019-09-30) are gone
    assert map_page.js("document.querySelectorAll('path.fl-area').length") == 1
    assert map_page.js("document.querySelectorAll('path.fl-front').length") == 0
    set_slider(map_page, dt.date(2019, 6, 30))
    assert map_page.js("document.querySelectorAll('path.fl-area').length") == 2
    assert map_page.js("document.querySelectorAll('path.fl-front').length") == 1
    set_slider(map_page, dt.date(2019, 7, 1))
    assert map_page.js("document.querySelectorAll('path.fl-area').length") == 1


def test_a_type_layer_can_be_switched_off(map_page, sample_map, events):
    map_page.open(sample_map)
    airstrikes = sum(1 for e in events if e.type == "airstrike")
    map_page.page.hover(".leaflet-control-layers")
    map_page.page.locator("label", has_text=f"Airstrike ({airstrikes})").click()
    shown = map_page.js("frontline.cluster.getLayers().map(m => m.feature.properties.type)")
    assert "airstrike" not in shown
    assert len(shown) == len(events) - airstrikes


def test_places_without_events_start_hidden(map_page, sample_map):
    map_page.open(sample_map)
    assert map_page.js("document.querySelectorAll('path.fl-place').length") == 0
    map_page.page.hover(".leaflet-control-layers")
    map_page.page.locator("label", has_text="Places named without events (1)").click()
    assert map_page.js("document.querySelectorAll('path.fl-place').length") == 1


def test_screenshot(map_page, sample_map, artifacts):
    map_page.open(sample_map)
    map_page.page.wait_for_timeout(500)  # cluster fade-in
    path = artifacts / "map.png"
    map_page.page.screenshot(path=str(path))
    assert path.stat().st_size > 10_000
    assert map_page.errors == []


# -- script injection -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile_map(tmp_path_factory) -> Path:
    source = Source(
        file=f"{XSS_SCRIPT}.txt",
        outlet=f"{XSS_IMG} Times",
        url='https://example.org/"><svg/onload=window.__xss=3>',
        published=dt.date(2019, 5, 2),
        sentence=f"Clashes {XSS_SCRIPT} erupted {XSS_IMG} south of the capital.",
    )
    bad = event(
        1,
        dt.date(2019, 5, 1),
        sources=[source],
        place=0,
        target=XSS_IMG,
        claimed_by=XSS_SCRIPT,
        status="claimed",
    )
    bad.place = f"Tripoli {XSS_IMG}"
    javascript_link = Source(
        "b.txt", "Second", "javascript:window.__xss=4", None, "Plain sentence."
    )
    other = event(2, dt.date(2019, 5, 3), place=5, sources=[javascript_link])
    place = Place("p", f"Zawiya {XSS_IMG}", 32.7571, 12.7276, "city", "LY")
    mentions = [PlaceMention(f"{XSS_SCRIPT}.txt", "Zawiya", 0, 6, place)]
    fmap = map_from_events(
        [bad, other],
        mentions=mentions,
        title=f"Map {XSS_SCRIPT} {XSS_IMG}",
        territory={
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "geometry": {
                        "type": "Polygon",
                        "coordinates": [[[12, 32], [13, 32], [13, 33], [12, 32]]],
                    },
                    "properties": {"side": XSS_IMG, "colour": XSS_SCRIPT},
                }
            ],
        },
    )
    path = tmp_path_factory.mktemp("hostile") / "map.html"
    save_map(fmap, path)
    return path


def test_article_text_cannot_run_script(map_page, hostile_map):
    map_page.open(hostile_map)
    assert map_page.js("window.__xss") is None
    assert map_page.js("document.querySelectorAll('img[src=\"x\"]').length") == 0
    header = map_page.js("document.querySelector('.fl-header h1').textContent")
    assert header == f"Map {XSS_SCRIPT} {XSS_IMG}"

    map_page.page.click(show_marker(map_page, "ev-1"))
    popup = map_page.page.wait_for_selector(".leaflet-popup-content .fl-pop")
    text = popup.inner_text()
    assert f"Clashes {XSS_SCRIPT} erupted {XSS_IMG} south of the capital." in text
    assert f"{XSS_IMG} Times" in text
    assert f"Tripoli {XSS_IMG}" in text
    assert XSS_SCRIPT in text  # claimed by
    link = map_page.js("document.querySelector('.leaflet-popup-content a.fl-src-link').href")
    assert link == "https://example.org/%22%3E%3Csvg/onload=window.__xss=3%3E"
    assert map_page.js("window.__xss") is None
    assert map_page.js("document.querySelectorAll('img[src=\"x\"]').length") == 0
    assert map_page.errors == []


def test_javascript_urls_are_not_links(map_page, hostile_map):
    map_page.open(hostile_map)
    map_page.page.click(show_marker(map_page, "ev-2"))
    map_page.page.wait_for_selector(".leaflet-popup-content .fl-pop")
    assert map_page.js("document.querySelectorAll('.leaflet-popup-content a').length") == 0
    assert "Second" in map_page.page.inner_text(".leaflet-popup-content")
    assert map_page.js("window.__xss") is None


def test_hostile_tooltips_and_place_popups_stay_text(map_page, hostile_map):
    map_page.open(hostile_map)
    map_page.page.hover(show_marker(map_page, "ev-1"))
    tooltip = map_page.page.wait_for_selector(".leaflet-tooltip .fl-tip")
    assert f"Tripoli {XSS_IMG}" in tooltip.inner_text()
    map_page.page.hover(".leaflet-control-layers")
    map_page.page.locator("label", has_text="Places named without events (1)").click()
    map_page.js(
        """() => { const dot = document.querySelector('path.fl-place');
                   dot.dispatchEvent(new MouseEvent('click', {bubbles: true})); }"""
    )
    popup = map_page.page.wait_for_selector(".leaflet-popup-content .fl-pop")
    assert f"Zawiya {XSS_IMG}" in popup.inner_text()
    assert f"{XSS_SCRIPT}.txt" in popup.inner_text()
    assert map_page.js("window.__xss") is None
    assert map_page.js("document.querySelectorAll('img[src=\"x\"]').length") == 0
