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
    """Bring the event's own marker on screen; return a selector for it.

    ``frontline.reveal`` zooms to the spread zoom at most (never street scale),
    spreads the event's place and returns its marker.
    """
    map_page.page.evaluate(
        """(id) => new Promise((resolve, reject) => {
            const marker = frontline.reveal(id);
            if (!marker) { reject(new Error('no event ' + id)); return; }
            const started = Date.now();
            const timer = setInterval(() => {
                if (marker._icon && document.body.contains(marker._icon)) {
                    clearInterval(timer);
                    marker._icon.setAttribute('data-test', id);
                    resolve(true);
                } else if (Date.now() - started > 5000) {
                    clearInterval(timer);
                    reject(new Error('marker ' + id + ' was never shown'));
                }
            }, 50);
        })""",
        event_id,
    )
    return f'[data-test="{event_id}"]'


def shown_ids(map_page) -> set[str]:
    """The events in the time window and the filters."""
    return set(map_page.js("frontline.active.map(p => p.id)"))


def test_page_loads_without_errors(map_page, sample_map):
    map_page.open(sample_map)
    assert map_page.errors == []
    assert map_page.server.unknown == []
    served = " ".join(map_page.server.served)
    for asset in ("leaflet.js", "leaflet.css", "leaflet.timeline"):
        assert asset in served
    assert map_page.server.tiles  # OpenStreetMap asked for tiles, answered with blank ones
    assert map_page.js("document.querySelector('.fl-header h1').textContent") == "Test map"


def test_every_event_is_counted_and_grouped_by_place(map_page, sample_map, events):
    map_page.open(sample_map)
    assert map_page.js("frontline.events.length") == len(events)
    assert map_page.js("frontline.visibleMarkers()") == len(events)
    # at the first zoom, places close together share one group marker with their count
    counts = map_page.js("frontline.groups.getLayers().map(g => g.members.length)")
    singles = map_page.js("frontline.shownMarkers().length")
    assert sum(counts) + singles == len(events)
    assert map_page.js("document.querySelectorAll('.fl-group').length") == len(counts)
    assert map_page.js(
        f"document.getElementById('fl-count-{map_name(sample_map)}').textContent"
    ) == str(len(events))


def test_no_numbered_group_from_zoom_9_for_small_places(map_page, sample_map, events):
    map_page.open(sample_map)
    tripoli = [e for e in events if e.place == "Tripoli"]
    assert 1 < len(tripoli) < 50
    map_page.js("frontline.map.setView([32.8872, 13.1913], 9, {animate: false})")
    assert map_page.js("frontline.map.getZoom()") == 9
    assert map_page.js("document.querySelectorAll('.fl-group').length") == 0
    shown = map_page.js("frontline.shownMarkers().map(m => m.feature.properties.id)")
    assert {e.id for e in tripoli} <= set(shown)
    # spread around the place, not piled on one point
    points = map_page.js(
        """() => frontline.shownMarkers()
            .filter(m => m.feature.properties.place === 'Tripoli')
            .map(m => { const p = frontline.map.latLngToContainerPoint(m.getLatLng());
                        return [Math.round(p.x), Math.round(p.y)]; })"""
    )
    assert len({tuple(p) for p in points}) == len(tripoli)
    for zoom in range(9, 16):
        map_page.js(f"frontline.map.setZoom({zoom}, {{animate: false}})")
        assert map_page.js("document.querySelectorAll('.fl-group').length") == 0
    assert map_page.js("frontline.map.getMaxZoom()") == 15


def test_a_big_place_stays_one_group_until_clicked(map_page, tmp_path):
    start = dt.date(2020, 1, 1)
    many = [event(i, start + dt.timedelta(days=i), place=3) for i in range(60)]
    many.append(event(99, start, place=5))
    path = tmp_path / "big.html"
    save_map(map_from_events(many, tiles=False), path)
    map_page.open(path)
    map_page.js("frontline.map.setView([32.3754, 15.0925], 10, {animate: false})")
    groups = map_page.js("frontline.groups.getLayers().map(g => g.members.length)")
    assert groups == [60]
    # the group shows the count and the most frequent type and actor
    assert map_page.js("document.querySelector('.fl-group text').textContent") == "60"
    map_page.page.click(".fl-group")
    assert map_page.js("frontline.map.getZoom()") == 10  # spread in place, no jump
    assert map_page.js("document.querySelectorAll('.fl-group').length") == 0
    assert map_page.js("frontline.shownMarkers().length") == 60


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


def test_a_reviewed_event_says_so_in_its_popup(map_page, tmp_path):
    reviewed = [
        event(1, dt.date(2019, 5, 1), review="confirmed", reviewed_by="ana",
              reviewed_at=dt.datetime(2019, 5, 3, 10, 0, tzinfo=dt.timezone.utc)),
        event(2, dt.date(2019, 5, 2), place=3),
    ]
    path = tmp_path / "reviewed.html"
    save_map(map_from_events(reviewed, tiles=False), path)
    map_page.open(path)
    map_page.page.click(show_marker(map_page, "ev-1"))
    popup = map_page.page.wait_for_selector(".leaflet-popup-content .fl-pop")
    assert "Reviewed: confirmed by ana on 2019-05-03" in popup.inner_text()
    map_page.open(path)  # afresh: a second click would race the first popup's pan
    map_page.page.click(show_marker(map_page, "ev-2"))
    map_page.page.wait_for_selector(".leaflet-popup-content .fl-pop[data-event-id='ev-2']")
    assert map_page.js("document.querySelector(\".fl-pop[data-event-id='ev-2']\")"
                       ".querySelectorAll('.fl-pop-review').length") == 0
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
    shown = shown_ids(map_page)
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
    shown = shown_ids(map_page)
    assert shown == expected
    assert map_page.js(
        f"document.getElementById('fl-range-{map_name(sample_map)}').textContent"
    ) == (f"{first.isoformat()} to 2019-06-15")

    # a multi-day event stays in view on its last day with the 1-day window
    long_event = next(e for e in events if e.date_end)
    map_page.page.select_option(f"#fl-window-{map_name(sample_map)}", "1")
    set_slider(map_page, long_event.date_end)
    shown = shown_ids(map_page)
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


def test_filters_change_the_markers_and_the_list(map_page, sample_map, events):
    map_page.open(sample_map)
    listed = map_page.js("document.querySelectorAll('.fl-list li').length")
    assert listed == len(events)
    map_page.page.select_option("select[data-filter=type]", "airstrike")
    airstrikes = {e.id for e in events if e.type == "airstrike"}
    assert shown_ids(map_page) == airstrikes
    rows = map_page.js(
        "[...document.querySelectorAll('.fl-list li')].map(li => li.dataset.eventId)"
    )
    assert set(rows) == airstrikes
    drawn = map_page.js("frontline.groups.getLayers().reduce((n, g) => n + g.members.length, 0)")
    assert drawn + map_page.js("frontline.shownMarkers().length") == len(airstrikes)
    # the actor filter narrows further; the header count follows
    map_page.page.select_option("select[data-filter=actor]", "LNA")
    both = {e.id for e in events if e.type == "airstrike" and e.actor == "LNA"}
    assert shown_ids(map_page) == both
    count = f"document.getElementById('fl-count-{map_name(sample_map)}').textContent"
    assert map_page.js(count) == str(len(both))
    map_page.page.select_option("select[data-filter=type]", "")
    map_page.page.select_option("select[data-filter=actor]", "?")  # unknown actor
    assert shown_ids(map_page) == {e.id for e in events if e.actor is None}
    map_page.page.select_option("select[data-filter=actor]", "")
    map_page.page.select_option("select[data-filter=outlet]", "Coast Post")
    assert shown_ids(map_page) == {
        e.id for e in events if any(s.outlet == "Coast Post" for s in e.sources)
    }
    map_page.page.select_option("select[data-filter=outlet]", "")
    map_page.page.select_option("select[data-filter=status]", "denied")
    assert shown_ids(map_page) == {e.id for e in events if e.status == "denied"}
    assert map_page.errors == []


def test_the_list_follows_the_map_and_a_row_opens_the_event(map_page, sample_map, events):
    map_page.open(sample_map)
    map_page.js("frontline.map.setView([32.1167, 20.0667], 10, {animate: false})")  # Benghazi
    rows = map_page.js(
        "[...document.querySelectorAll('.fl-list li')].map(li => li.dataset.eventId)"
    )
    assert set(rows) == {e.id for e in events if e.place == "Benghazi"}
    map_page.js("frontline.map.setView([27.5, 17.0], 5, {animate: false})")
    target = next(e for e in events if e.place == "Sabha")
    map_page.page.click(f'.fl-list li[data-event-id="{target.id}"]')
    popup = map_page.page.wait_for_selector(".leaflet-popup-content .fl-pop")
    assert target.sources[0].sentence in popup.inner_text()
    assert 9 <= map_page.js("frontline.map.getZoom()") <= 11
    centre = map_page.js("[frontline.map.getCenter().lat, frontline.map.getCenter().lng]")
    assert abs(centre[0] - target.lat) < 0.5 and abs(centre[1] - target.lon) < 0.5


#: The chart's bars (the window's shading excluded).
BARS = (
    "document.querySelectorAll('.leaflet-timeline-control svg.fl-chart rect[fill]"
    ':not([fill="#dfe9f1"])\').length'
)


def test_the_chart_and_the_slider_dates(map_page, sample_map, events):
    map_page.open(sample_map)
    bars = map_page.js(BARS)
    assert bars > 0
    ticks = map_page.js(
        "[...document.querySelectorAll('.leaflet-timeline-control svg.fl-ticks text')]"
        ".map(t => t.textContent)"
    )
    assert "2019-06" in ticks
    before = bars
    map_page.page.select_option("select[data-filter=type]", "airstrike")
    after = map_page.js(BARS)
    assert 0 < after < before


def test_a_link_restores_date_window_filters_and_view(map_page, sample_map, events):
    map_page.open(sample_map)
    set_slider(map_page, dt.date(2019, 8, 1))
    map_page.page.select_option(f"#fl-window-{map_name(sample_map)}", "30")
    map_page.page.select_option("select[data-filter=status]", "claimed")
    map_page.js("frontline.map.setView([32.5, 14.0], 8, {animate: false})")
    url = map_page.js("location.href")
    assert "#" in url and "date=2019-08-01" in url and "status=claimed" in url
    expected = shown_ids(map_page)

    other = map_page.page.context.new_page()
    map_page.server.install(other)
    other.goto(url)
    other.wait_for_function("() => window.frontline && window.frontline.drawn === true")
    assert other.evaluate("frontlineKit.isoDay(frontline.time)") == "2019-08-01"
    assert other.evaluate("frontline.windowDays") == 30
    assert other.evaluate("frontline.filters.status") == "claimed"
    assert other.evaluate("document.querySelector('select[data-filter=status]').value") == "claimed"
    assert other.evaluate("frontline.map.getZoom()") == 8
    centre = other.evaluate("[frontline.map.getCenter().lat, frontline.map.getCenter().lng]")
    assert abs(centre[0] - 32.5) < 0.01 and abs(centre[1] - 14.0) < 0.01
    assert set(other.evaluate("frontline.active.map(p => p.id)")) == expected
    assert other.inner_text(".leaflet-timeline-control output") == "2019-08-01"
    # a link pasted into the same tab: the page follows its fragment
    other.evaluate("location.hash = '#date=2019-06-15&type=airstrike'")
    other.wait_for_function("() => frontline.filters.type === 'airstrike'")
    assert (
        other.evaluate("frontline.windowDays") == 0
        and other.evaluate("frontline.filters.status") == ""
    )
    day = dt.date(2019, 6, 15)
    assert set(other.evaluate("frontline.active.map(p => p.id)")) == {
        e.id for e in events if e.type == "airstrike" and e.date <= day
    }
    other.close()


def test_a_bad_fragment_is_ignored(map_page, sample_map, events):
    map_page.page.goto(
        map_page.server.page_url(sample_map)
        + "#date=yesterday&zoom=x&lat=999&type=%E0%A4%A&actor=<b>"
    )
    map_page.page.wait_for_function("() => window.frontline && window.frontline.drawn === true")
    assert map_page.errors == []
    assert map_page.js("frontline.filters.actor") == ""  # not one of the choices
    assert map_page.js("frontline.visibleMarkers()") == len(events)


def test_city_labels_in_the_first_view(map_page, sample_map):
    map_page.open(sample_map)
    names = map_page.js("[...document.querySelectorAll('.fl-label')].map(n => n.textContent)")
    for city in ("Tripoli", "Misrata", "Benghazi", "Sirte", "Sabha"):
        assert city in names
    # no two labels overlap
    boxes = map_page.js(
        """[...document.querySelectorAll('.fl-label > span')].map(n => {
            const r = n.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; })"""
    )
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not (a[0] < b[2] and a[2] > b[0] and a[1] < b[3] and a[3] > b[1]), (a, b)
    # towns from zoom 8, districts from 11
    map_page.js("frontline.map.setView([32.8, 13.2], 11, {animate: false})")
    names = map_page.js("frontline.labels.names()")
    assert "Tajoura" in names or "Ain Zara" in names or "Janzour" in names


def test_undated_events_are_a_switch(map_page, tmp_path, events):
    undated = Event(
        **{
            **events[0].__dict__,
            "id": "undated-1",
            "date": None,
            "date_end": None,
            "date_precision": "unknown",
        }
    )
    path = tmp_path / "undated.html"
    save_map(map_from_events(events + [undated]), path)
    map_page.open(path)
    assert map_page.errors == []
    assert "undated-1" not in shown_ids(map_page)
    name = map_name(path)
    assert map_page.js(f"document.getElementById('fl-count-{name}').textContent") == str(
        len(events)
    )
    map_page.page.check(f"#fl-undated-{name}")
    assert "undated-1" in shown_ids(map_page)
    set_slider(map_page, dt.date(2019, 4, 4))  # the time control leaves it alone
    assert "undated-1" in shown_ids(map_page)
    map_page.page.click(show_marker(map_page, "undated-1"))
    popup = map_page.page.wait_for_selector(".leaflet-popup-content .fl-pop")
    assert "undated" in popup.inner_text()
    map_page.page.uncheck(f"#fl-undated-{name}")
    assert "undated-1" not in shown_ids(map_page)
    assert map_page.errors == []


def test_phone_layout_leaves_the_map_usable(browser, sample_map, artifacts):
    from map_assets import AssetServer

    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    server = AssetServer()
    server.install(page)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(server.page_url(sample_map))
    page.wait_for_function("() => window.frontline && window.frontline.drawn === true")
    # legend and panel start folded; the map's middle is free
    assert page.evaluate("document.querySelector('.fl-legend details').open") is False
    assert page.evaluate("document.querySelector('.fl-side details').open") is False
    hit = page.evaluate(
        "document.elementFromPoint(195, 420).closest('.fl-panel, .leaflet-control') === null"
    )
    assert hit
    covered = page.evaluate(
        """() => { let area = 0;
            for (const n of document.querySelectorAll('.fl-panel, .leaflet-control')) {
              const r = n.getBoundingClientRect(); area += r.width * r.height; }
            return area / (window.innerWidth * window.innerHeight); }"""
    )
    assert covered < 0.45
    # every event's place is in view
    inside = page.evaluate(
        """() => frontline.events.every(p => frontline.map.getBounds().contains([p.lat, p.lon]))"""
    )
    assert inside
    page.click(".fl-side summary")
    assert page.evaluate("document.querySelector('.fl-side details').open") is True
    page.click(".fl-legend summary")  # opening one folds the other
    page.wait_for_function("() => document.querySelector('.fl-side details').open === false")
    assert page.evaluate("document.querySelector('.fl-legend details').open") is True
    page.screenshot(path=str(artifacts / "map-phone.png"))
    assert errors == []
    context.close()


def test_places_without_events_start_hidden(map_page, sample_map):
    map_page.open(sample_map)
    assert map_page.js("document.querySelectorAll('path.fl-place').length") == 0
    map_page.page.hover(".leaflet-control-layers")
    map_page.page.locator("label", has_text="Places named without events (1)").click()
    assert map_page.js("document.querySelectorAll('path.fl-place').length") == 1


def test_screenshot(map_page, sample_map, artifacts):
    map_page.open(sample_map)
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
    # an analyst's name and reason (geo.review) are text too
    bad.review, bad.reviewed_by, bad.review_note = "edited", f"ana {XSS_SCRIPT}", XSS_IMG
    bad.reviewed_at = dt.datetime(2019, 5, 9, 8, 30, tzinfo=dt.timezone.utc)
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
    assert f"Reviewed: edited by ana {XSS_SCRIPT} on 2019-05-09" in text
    note = map_page.js("document.querySelector('.leaflet-popup-content .fl-pop-review-note')"
                       ".textContent")
    assert note == XSS_IMG
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


def test_reader_territory_front_is_continuous_across_sirte_and_jufra(map_page, tmp_path):
    """geo.territory's timeline on the map: on 2020-07-13 one GNA|LNA line, coast to desert.

    (The build still draws ``geo.control``'s territory; this map is made from the
    baseline's facts with ``reader_timeline``.)
    """
    from shapely.geometry import LineString

    from geo.control import control_timeline, load_baseline, load_land
    from geo.gazetteer import load_gazetteer
    from geo.territory import reader_timeline

    land = load_land(countries=["LY"])
    facts = load_baseline(gazetteer=load_gazetteer())
    base = control_timeline(facts, start=dt.date(2020, 1, 1), end=dt.date(2020, 7, 31), land=land)
    timeline = reader_timeline(base, land)
    day = dt.date(2020, 7, 13)
    fmap = map_from_events(
        [event(1, day, place=4), event(2, dt.date(2020, 1, 5), place=3)],
        territory=timeline.territory_geojson(),
        front_lines=timeline.front_lines_geojson(),
        tiles=False,
    )
    path = tmp_path / "territory.html"
    save_map(fmap, path)
    map_page.open(path)
    set_slider(map_page, day)
    paths = map_page.js(
        "[...document.querySelectorAll('path.fl-front')].map(p => p.getAttribute('d'))"
    )
    assert len(paths) == 1 and paths[0].count("M") == 1  # one piece
    [(south, west, north, east)] = map_page.js(
        """() => { const out = [];
            frontline.map.eachLayer(l => {
              if (l.options && l.options.className === 'fl-front' && l.getBounds) {
                const b = l.getBounds();
                out.push([b.getSouth(), b.getWest(), b.getNorth(), b.getEast()]);
              }
            });
            return out; }"""
    )
    # from the coast between Abu Grein (GNA) and Sirte (LNA) south across the corridor
    # to Jufra (LNA), separating Abu Grein from the Jufra air base
    assert north > 31.0 and south < 30.3
    assert 15.25 < east < 16.59
    line = timeline.lines_on(day).geometry.iloc[0]
    assert line.crosses(LineString([(15.25, 31.45), (16.0, 29.2)]))
    # the sides' areas are drawn, no disc in sight: GNA and LNA on that day
    assert map_page.js("document.querySelectorAll('path.fl-area').length") >= 2
    assert map_page.errors == []
