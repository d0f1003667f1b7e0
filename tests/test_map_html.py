"""The map page as text: render it and look for what must (and must not) be there."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from geo import maps
from geo._data import data_path
from geo.maps import STATUS_LABELS, TYPE_LABELS, map_from_events, save_map
from geo.model import EVENT_TYPES, STATUSES, Event, Place, PlaceMention, Source

GENERATED = dt.datetime(2020, 7, 1, 9, 30, tzinfo=dt.timezone.utc)
SCRIPT_XSS = "<script>alert(1)</script>"
IMG_XSS = "<img src=x onerror=alert(1)>"

PLACES = {
    "Tripoli": (32.8872, 13.1913),
    "Tarhuna": (32.4350, 13.6332),
    "Gharyan": (32.1722, 13.0203),
    "Sirte": (31.2089, 16.5887),
    "Misrata": (32.3754, 15.0925),
    "Benghazi": (32.1167, 20.0667),
}


def make_event(
    n: int,
    *,
    kind: str = "airstrike",
    status: str = "reported",
    place: str = "Tripoli",
    day: dt.date = dt.date(2019, 5, 4),
    date_end: dt.date | None = None,
    actor: str | None = "LNA",
    sources: list[Source] | None = None,
    lat: float | None = None,
    lon: float | None = None,
) -> Event:
    default_lat, default_lon = PLACES.get(place, (31.0, 15.0))
    if sources is None:
        sources = [
            Source(
                file=f"article-{n}.txt",
                outlet="Desert Wire",
                url=f"https://news.example.org/story/{n}",
                published=day + dt.timedelta(days=1),
                sentence=f"Warplanes struck positions near {place} on the morning of day {n}.",
            )
        ]
    return Event(
        id=f"ev-{n}",
        type=kind,
        date=day,
        date_end=date_end,
        date_precision="range" if date_end else "day",
        place=place,
        place_id=place.lower(),
        lat=default_lat if lat is None else lat,
        lon=default_lon if lon is None else lon,
        geo_precision="exact",
        actor=actor,
        target="GNA",
        status=status,
        claimed_by="LNA" if status in ("claimed", "unconfirmed") else None,
        fatalities=n % 4 or None,
        sources=sources,
    )


def every_kind() -> list[Event]:
    """One event of every type, the statuses cycling, spread over places and days."""
    names = list(PLACES)
    return [
        make_event(
            i,
            kind=kind,
            status=STATUSES[i % len(STATUSES)],
            place=names[i % len(names)],
            day=dt.date(2019, 4, 4) + dt.timedelta(days=20 * i),
        )
        for i, kind in enumerate(EVENT_TYPES)
    ]


def render(events, **kwargs) -> str:
    kwargs.setdefault("generated_at", GENERATED)
    return map_from_events(events, **kwargs).get_root().render()


def layer_data(page: str) -> dict:
    """The data the page's event layer is given (rows, tables, labels)."""
    match = re.search(r"frontlineKit\.eventLayer\(\{.*?data: (\{.*?\}),\n\s*ids: ", page, re.S)
    assert match, "no event data in the page"
    return json.loads(match.group(1))


def event_data(page: str) -> dict:
    """The events as maps.js reads them back, one GeoJSON-like feature each."""
    data = layer_data(page)
    strings = data["strings"]

    def text(i):
        return None if i is None else strings[i]

    def day(n):
        return None if n is None else (dt.date(1970, 1, 1) + dt.timedelta(days=n)).isoformat()

    features = []
    for row in data["events"]:
        r = dict(zip(data["fields"], row, strict=True))
        name, lat, lon = data["places"][r["loc"]]
        sources = [dict(zip(data["source_fields"], s, strict=True)) for s in r["sources"]]
        for s in sources:
            s["outlet"] = text(s["outlet"])
            s["published"] = day(s["published"])
        props = {
            "id": r["id"],
            "type": text(r["type"]),
            "status": text(r["status"]),
            "icon": r["icon"],
            "start": None if r["first"] is None else r["first"] * 86_400_000,
            "end": None if r["last"] is None else r["last"] * 86_400_000,
            "date": day(r["first"]),
            "date_end": day(r["last"]) if r["has_end"] else None,
            "date_precision": text(r["date_precision"]),
            "place": name,
            "geo_precision": text(r["geo_precision"]),
            "actor": text(r["actor"]),
            "target": text(r["target"]),
            "claimed_by": text(r["claimed_by"]),
            "fatalities": r["fatalities"],
            "outlets": r["outlets"],
            "sources": sources,
        }
        geometry = {"type": "Point", "coordinates": [lon, lat]}
        features.append({"type": "Feature", "geometry": geometry, "properties": props})
    return {"type": "FeatureCollection", "features": features}


def layer_control(page: str) -> tuple[dict[str, str], dict[str, str]]:
    """(base layers, overlays) of the LayerControl: name -> JS variable."""
    match = re.search(r"base_layers : \{(.*?)\},\s*overlays :\s*\{(.*?)\},", page, re.S)
    assert match, "no layer control"

    def pairs(text: str) -> dict[str, str]:
        return {json.loads(k): v for k, v in re.findall(r'("(?:[^"\\]|\\.)*") : (\w+)', text)}

    return pairs(match.group(1)), pairs(match.group(2))


class TagCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def tags(page: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = TagCollector()
    parser.feed(page)
    return parser.tags


@pytest.fixture(scope="module")
def page() -> str:
    return render(every_kind(), title="Libya war map", tiles=True)


# -- layers, legend, time control -----------------------------------------------------------


def test_the_panel_has_a_filter_per_field(page):
    for key in ("type", "actor", "status", "outlet"):
        assert f'<select data-filter="{key}">' in page
    assert 'class="fl-list"' in page
    for name in layer_control(page)[1].values():
        assert f"var {name} = " in page


def test_the_page_carries_the_type_order_and_shapes():
    data = layer_data(render([make_event(1, kind="shelling"), make_event(2, kind="siege")]))
    assert data["type_order"] == list(EVENT_TYPES) + ["siege"]
    assert data["shapes"]["shelling"] == maps._SHAPES["shelling"]
    assert data["shapes"]["siege"] == maps._OTHER_SHAPE


@pytest.mark.parametrize("kind", EVENT_TYPES)
def test_legend_lists_every_type(page, kind):
    assert f'<li data-type="{kind}">' in page
    assert f'{TYPE_LABELS[kind]} <span class="fl-count">(1)</span>' in page


@pytest.mark.parametrize(
    "status, look",
    [
        ("reported", "solid"),
        ("claimed", "hollow"),
        ("unconfirmed", "hollow, dashed"),
        ("denied", "grey, dotted, struck through"),
    ],
)
def test_legend_explains_every_status_style(page, status, look):
    assert f'<li data-status="{status}">' in page
    assert f"{STATUS_LABELS[status]}: {look}" in page


def test_legend_explains_the_outlet_badge_and_actor_colours(page):
    assert 'data-badge="outlets"' in page
    assert "number of independent outlets" in page
    assert "#c0392b" in page  # LNA's colour from data/actors.csv


def test_status_styles_differ():
    looks = {s: maps._icon_svg("capture", s, "#c0392b") for s in STATUSES}
    assert len(set(looks.values())) == len(STATUSES)
    assert 'fill="#c0392b"' in looks["reported"]
    assert 'fill="#ffffff"' in looks["claimed"] and "dasharray" not in looks["claimed"]
    assert "stroke-dasharray" in looks["unconfirmed"]
    assert "M6 24L24 6" in looks["denied"]  # struck through


def test_type_shapes_differ():
    assert len({maps._icon_svg(k, "reported", "#c0392b") for k in EVENT_TYPES}) == len(EVENT_TYPES)


@pytest.mark.parametrize("outlets, badge", [(1, None), (2, ">2<"), (5, ">5<"), (14, ">9+<")])
def test_marker_badge_counts_outlets(outlets, badge):
    svg = maps._icon_svg("clash", "reported", "#2471a3", outlets)
    if badge is None:
        assert "<text" not in svg
    else:
        assert badge in svg


def test_corroboration_reaches_the_marker_data():
    sources = [
        Source(f"a{i}.txt", outlet, None, dt.date(2019, 5, 5), "Shells fell on the port.")
        for i, outlet in enumerate(["Wire A", "Wire B", "Wire B", None])
    ]
    page = render([make_event(1, sources=sources)])
    props = event_data(page)["features"][0]["properties"]
    assert props["outlets"] == 3  # Wire A, Wire B and one article without an outlet
    assert ">3</text>" in page  # the badge among the marker icons


def test_timeline_and_slider_scripts(page):
    assert "leaflet.timeline" in page
    assert "L.timeline(" in page
    assert "L.timelineSliderControl(" in page
    assert re.search(r"timeline_slider_\w+\.addTimelines\(event_timeline_\w+\)", page)
    assert "markercluster" not in page  # events are grouped by place in maps.js
    assert "moment" not in page  # dates are formatted without moment.js


def test_slider_spans_the_events(page):
    events = every_kind()
    first = min(e.date for e in events)
    last = max(e.last for e in events)
    assert f'"start": {maps._ms(first)}' in page
    assert f'"end": {maps._ms(last)}' in page


def test_event_intervals_cover_first_to_last_day():
    event = make_event(1, day=dt.date(2019, 6, 1), date_end=dt.date(2019, 6, 3))
    props = event_data(render([event]))["features"][0]["properties"]
    assert props["start"] == maps._ms(dt.date(2019, 6, 1))
    assert props["end"] == maps._ms(dt.date(2019, 6, 3))
    assert (props["date"], props["date_end"], props["date_precision"]) == (
        "2019-06-01",
        "2019-06-03",
        "range",
    )


def test_ms_is_utc_midnight():
    assert maps._ms(dt.date(1970, 1, 2)) == 86_400_000
    assert maps._ms(dt.date(2019, 4, 4)) == 1_554_336_000_000


# -- popups ---------------------------------------------------------------------------------


def test_popup_data_holds_every_fact_and_source():
    sources = [
        Source("a.txt", "Desert Wire", "https://a.example.org/1", dt.date(2019, 5, 5), "First."),
        Source("b.txt", "Coast Post", "https://b.example.org/2", dt.date(2019, 5, 6), "Second."),
    ]
    event = make_event(7, status="claimed", sources=sources)
    props = event_data(render([event]))["features"][0]["properties"]
    assert props["type"] == "airstrike"
    assert props["place"] == "Tripoli"
    assert props["actor"] == "LNA" and props["target"] == "GNA"
    assert props["status"] == "claimed" and props["claimed_by"] == "LNA"
    assert props["fatalities"] == 3
    assert props["date_precision"] == "day"
    assert props["sources"] == [
        {
            "outlet": "Desert Wire",
            "published": "2019-05-05",
            "url": "https://a.example.org/1",
            "sentence": "First.",
            "file": "a.txt",
        },
        {
            "outlet": "Coast Post",
            "published": "2019-05-06",
            "url": "https://b.example.org/2",
            "sentence": "Second.",
            "file": "b.txt",
        },
    ]


def test_popup_is_built_from_text_nodes_only():
    kit = maps._KIT_JS.read_text(encoding="utf-8")
    assert "frontlineKit.eventLayer(" in render([make_event(1)])
    assert "m.bindPopup(function () {\n        var root = eventPopup(p, data.text);" in kit
    # the only innerHTML-like sink is the divIcon's html, fed with Python-made SVG
    assert "innerHTML" not in kit.split("*/", 1)[1]
    assert "textContent" in kit


@pytest.mark.parametrize(
    "url, kept",
    [
        ("https://example.org/a?b=1&c=2", "https://example.org/a?b=1&c=2"),
        ("http://example.org/", "http://example.org/"),
        ("HTTPS://EXAMPLE.ORG/X", "HTTPS://EXAMPLE.ORG/X"),
        ('https://example.org/"onmouseover="x', "https://example.org/%22onmouseover=%22x"),
        ("https://example.org/<b>", "https://example.org/%3Cb%3E"),
        ("javascript:alert(1)", None),
        ("JaVaScRiPt:alert(1)", None),
        ("data:text/html,<script>alert(1)</script>", None),
        ("vbscript:msgbox", None),
        ("//example.org/no-scheme", None),
        ("https:///no-host", None),
        ("https://exa mple.org/", None),
        ("https://example.org/\nx", None),
        ("", None),
        (None, None),
    ],
)
def test_only_http_urls_are_linked(url, kept):
    assert maps._http_url(url) == kept


# -- escaping -------------------------------------------------------------------------------


def hostile_event() -> Event:
    source = Source(
        file=f"{SCRIPT_XSS}.txt",
        outlet=f"{SCRIPT_XSS} News",
        url=f"https://evil.example.org/{IMG_XSS}",
        published=dt.date(2019, 5, 5),
        sentence=f"Fighting {SCRIPT_XSS} near {IMG_XSS} and </script><script>alert(2)</script>",
    )
    event = make_event(1, place=f"Tripoli {IMG_XSS}", sources=[source])
    event.actor = f"LNA {SCRIPT_XSS}"
    event.target = IMG_XSS
    event.claimed_by = SCRIPT_XSS
    return event


@pytest.fixture(scope="module")
def hostile_page() -> str:
    place = Place("p<x>", f"Zawiya {IMG_XSS}", 32.75, 12.72, "town", "LY")
    mentions = [PlaceMention(f"{SCRIPT_XSS}.txt", "Zawiya", 0, 6, place)]
    territory = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [[[12, 32], [13, 32], [13, 33], [12, 32]]],
                },
                "properties": {"side": SCRIPT_XSS, "colour": IMG_XSS, "start": "2019-05-01"},
            }
        ],
    }
    return render(
        [hostile_event()],
        mentions=mentions,
        territory=territory,
        title=f"Map {SCRIPT_XSS} {IMG_XSS}",
    )


@pytest.mark.parametrize(
    "raw",
    [SCRIPT_XSS, IMG_XSS, "<script>alert(2)</script>", "</script><script>", "onerror=alert(1)>"],
)
def test_article_text_never_appears_unescaped(hostile_page, raw):
    assert raw not in hostile_page


def test_no_injected_tags_or_handlers(hostile_page):
    found = tags(hostile_page)
    assert not [t for t, _ in found if t in ("img", "iframe", "object", "embed")]
    handlers = [(t, a) for t, attrs in found for a in attrs if a.startswith("on")]
    assert handlers == []
    # the same number of <script> elements as a page with harmless text
    benign = render([make_event(1)], mentions=[], title="Map", territory=None)
    count = sum(1 for t, _ in found if t == "script")
    assert count == sum(1 for t, _ in tags(benign) if t == "script")


def test_hostile_text_is_escaped_where_it_is_html(hostile_page):
    # the title in the header panel and <title>, as HTML entities
    assert "<h1>Map &lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x" in hostile_page
    assert "<title>Map &lt;script&gt;" in hostile_page


def test_hostile_text_survives_as_data(hostile_page):
    props = event_data(hostile_page)["features"][0]["properties"]
    source = props["sources"][0]
    assert source["outlet"] == f"{SCRIPT_XSS} News"
    assert source["sentence"].startswith(f"Fighting {SCRIPT_XSS} near {IMG_XSS}")
    assert source["url"] == "https://evil.example.org/%3Cimg src=x onerror=alert(1)%3E" or (
        source["url"] is None
    )
    assert props["place"] == f"Tripoli {IMG_XSS}"


def test_hostile_colour_is_not_used(hostile_page):
    match = re.search(r"L\.timeline\((\{.*?\}), \{\n", hostile_page)
    assert match
    props = json.loads(match.group(1))["features"][0]["properties"]
    assert props["colour"] == "#7f8c8d"  # the side is unknown: grey, not the hostile text
    assert props["side"] == SCRIPT_XSS


@pytest.mark.parametrize(
    "value, expected",
    [
        ("</script>", '"\\u003c/script\\u003e"'),
        ("a & b", '"a \\u0026 b"'),
        ("<!--", '"\\u003c!--"'),
        ("line\u2028sep\u2029", '"line\\u2028sep\\u2029"'),
        ("Misrātah", '"Misrātah"'),
    ],
)
def test_script_json_cannot_close_the_script(value, expected):
    assert maps._script_json(value) == expected
    assert json.loads(maps._script_json(value)) == value


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -float("inf")])
def test_script_json_writes_non_finite_numbers_as_null(value):
    # JavaScript's JSON.parse has no NaN or Infinity: they must not reach the page as such
    assert json.loads(maps._script_json([1.5, value])) == [1.5, None]


# -- header panel, places, outlines, tiles ---------------------------------------------------


def test_header_panel_has_title_span_counts_and_time(page):
    header = re.search(r'<div class="fl-panel fl-header".*?</div>', page, re.S)
    assert header
    text = header.group(0)
    assert "<h1>Libya war map</h1>" in text
    assert "Events from 2019-04-04 to 2019-08-22" in text
    assert "8 events at 6 places, from 8 articles" in text
    assert "Generated 2020-07-01 09:30 UTC" in text
    assert "In view:" in text


def test_header_panel_is_fixed(page):
    assert re.search(r"\.fl-panel \{ position: fixed;", page)


def test_generated_time_converts_to_utc():
    tz = dt.timezone(dt.timedelta(hours=2))
    page = render([make_event(1)], generated_at=dt.datetime(2020, 7, 1, 11, 30, tzinfo=tz))
    assert "Generated 2020-07-01 09:30 UTC" in page


def places_fixture() -> tuple[list[Event], list[PlaceMention]]:
    tripoli = Place("tripoli", "Tripoli", 32.8872, 13.1913, "city", "LY")
    zawiya = Place("zawiya", "Zawiya", 32.7571, 12.7276, "city", "LY")
    libya = Place("ly", "Libya", 27.0, 17.0, "country", "LY")
    mentions = [
        PlaceMention("one.txt", "Tripoli", 0, 7, tripoli),
        PlaceMention("one.txt", "Zawiya", 10, 16, zawiya),
        PlaceMention("two.txt", "Zawiya", 3, 9, zawiya),
        PlaceMention("two.txt", "Zawiya", 30, 36, zawiya),
        PlaceMention("two.txt", "Libya", 40, 45, libya),
        PlaceMention("two.txt", "Nowhere", 50, 57, None),
    ]
    return [make_event(1, place="Tripoli")], mentions


def test_places_without_events_are_listed_once_with_their_articles():
    events, mentions = places_fixture()
    places = maps._unplaced(mentions, events)
    assert places == [
        {
            "name": "Zawiya",
            "kind": "city",
            "lat": 32.7571,
            "lon": 12.7276,
            "articles": ["one.txt", "two.txt"],
        }
    ]


def test_places_layer_is_hidden_at_first():
    events, mentions = places_fixture()
    page = render(events, mentions=mentions)
    _, overlays = layer_control(page)
    variable = overlays["Places named without events (1)"]
    assert f"var {variable} = L.featureGroup(" in page
    assert f"{variable}.addTo(" not in page
    assert f"frontlineKit.placeLayer({variable}, " in page
    assert "1 more places named without events" in page


def test_outline_layer_from_shipped_data(page):
    _, overlays = layer_control(page)
    variable = overlays["Country outlines"]
    assert f"{variable}.addTo(" in page
    assert '"iso_a2": "LY"' in page or '"iso_a2":"LY"' in page


def test_outline_file_covers_the_theatre():
    path = data_path("outlines/countries.geojson")
    assert path.stat().st_size < 1_000_000
    data = json.loads(path.read_text(encoding="utf-8"))
    codes = {f["properties"]["iso_a2"] for f in data["features"]}
    assert codes == {"LY", "TN", "DZ", "NE", "TD", "SD", "EG"}
    for feature in data["features"]:
        assert set(feature["properties"]) == {"iso_a2", "name"}
        assert feature["geometry"]["type"] in ("Polygon", "MultiPolygon")
    libya = next(f for f in data["features"] if f["properties"]["iso_a2"] == "LY")
    lons = [p[0] for ring in libya["geometry"]["coordinates"] for p in ring]
    assert 9.0 < min(lons) < 10.0 and 25.0 < max(lons) < 25.5


def test_tiles_are_a_base_layer_with_attribution(page):
    base, _ = layer_control(page)
    assert set(base) == {"OpenStreetMap", "No tiles (offline)"}
    assert "tile.openstreetmap.org" in page
    assert "openstreetmap.org/copyright" in page  # the attribution


def test_no_tiles_leaves_a_readable_page():
    page = render([make_event(1)], tiles=False)
    assert "tile.openstreetmap.org" not in page
    assert f"background: {maps._SEA}" in page  # the sea; the outlines are filled as land
    assert f'"fillColor": "{maps._LAND}"' in page
    assert '{"bounds":[[' in page
    base, _ = layer_control(page)
    assert base == {}


def test_view_fits_the_events():
    page = render([make_event(1, place="Tripoli"), make_event(2, place="Benghazi")])
    match = re.search(r"frontlineKit\.finish\(.*?(\{\"bounds\".*?\})", page, re.S)
    assert match
    view = json.loads(match.group(1))
    (south, west), (north, east) = view["bounds"]
    assert view["maxZoom"] == 11
    assert (south, west, north, east) == (32.1167, 13.1913, 32.8872, 20.0667)


def test_only_assets_the_page_uses_are_loaded(page):
    urls = set(re.findall(r'(?:src|href)="(https://[^"]+)"', page))
    assert urls == {
        "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js",
        "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css",
        "https://cdn.jsdelivr.net/npm/leaflet.timeline@1.6.0/dist/leaflet.timeline.min.js",
    }


# -- territory and front lines --------------------------------------------------------------


def square(lon: float, lat: float, size: float = 1.0) -> dict:
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


TERRITORY = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "geometry": square(12.5, 32.0),
            "properties": {
                "side": "GNA",
                "colour": "#2471a3",
                "start": "2019-04-01",
                "end": "2019-12-31",
            },
        },
        {
            "type": "Feature",
            "geometry": square(19.0, 31.0, 2.0),
            "properties": {"side": "LNA", "start": "2019-04-01", "end": None},
        },
    ],
}
FRONT = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "geometry": {"type": "LineString", "coordinates": [[13.0, 32.3], [13.4, 32.6]]},
            "properties": {"start": "2019-04-04", "end": "2019-06-30"},
        }
    ],
}


def area_data(page: str) -> list[dict]:
    return [json.loads(m) for m in re.findall(r"= L\.timeline\((\{.*?\}), \{\n", page)]


def test_territory_and_front_lines_are_time_layers():
    page = render(every_kind(), territory=TERRITORY, front_lines=FRONT)
    _, overlays = layer_control(page)
    assert "Control areas" in overlays and "Front lines" in overlays
    areas, lines = area_data(page)
    gna, lna = (f["properties"] for f in areas["features"])
    assert gna["start"] == maps._ms(dt.date(2019, 4, 1))
    assert gna["end"] == maps._ms(dt.date(2020, 1, 1))  # the day after the inclusive end
    assert gna["endExclusive"] is True
    assert gna["colour"] == "#2471a3"
    assert lna["colour"] == "#c0392b"  # no colour given: the side's colour
    # an open end runs to the timeline's last day (here the GNA area's end)
    assert lna["end"] == maps._ms(dt.date(2019, 12, 31)) + 86_400_000
    assert lines["features"][0]["properties"]["to"] == "2019-06-30"
    assert len(re.findall(r"\.addTimelines\((?:area|event)_timeline_\w+\)", page)) == 3
    assert "Held by GNA" in page and "Front line</span>" in page


def test_no_territory_layers_when_none_given(page):
    _, overlays = layer_control(page)
    assert "Control areas" not in overlays and "Front lines" not in overlays


def test_territory_alone_still_gets_a_slider():
    page = render([], territory=TERRITORY)
    assert "L.timelineSliderControl(" in page
    assert "no events" in page


@pytest.mark.parametrize(
    "collection, message",
    [
        ({"type": "Feature"}, "must be a GeoJSON FeatureCollection"),
        (
            {"type": "FeatureCollection", "features": [{"geometry": {"type": "Point"}}]},
            "geometry type 'Point'",
        ),
        (
            {
                "type": "FeatureCollection",
                "features": [{"geometry": square(1, 1), "properties": {"start": "last spring"}}],
            },
            "date 'last spring' is not an ISO date",
        ),
        (
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "geometry": square(1, 1),
                        "properties": {"start": "2020-01-02", "end": "2020-01-01"},
                    }
                ],
            },
            "is before start",
        ),
    ],
)
def test_bad_territory_is_refused(collection, message):
    with pytest.raises(ValueError, match=message):
        map_from_events([make_event(1)], territory=collection)


# -- odd input --------------------------------------------------------------------------------


def test_events_without_coordinates_are_counted_not_drawn():
    page = render([make_event(1), make_event(2, lat=float("nan")), make_event(3, lon=500.0)])
    assert len(event_data(page)["features"]) == 1
    assert "2 events without usable coordinates are not drawn" in page


def test_no_events_gives_an_empty_but_valid_page():
    page = render([])
    assert "no events" in page
    assert layer_data(page)["events"] == []  # the layer is there for the place labels
    assert layer_data(page)["labels"]
    assert '{"bounds":[[' in page
    assert 'class="fl-panel fl-side"' not in page  # no panel without events


def test_a_type_outside_the_vocabulary_gets_its_own_legend_row():
    page = render([make_event(1, kind="siege <b>")])
    assert 'data-type="siege &lt;b&gt;"' in page
    assert layer_data(page)["type_order"][-1] == "siege <b>"
    assert maps._OTHER_SHAPE in maps._icon_svg("siege", "reported", "#000000")


def test_events_at_one_place_are_all_kept():
    events = [make_event(i, place="Tripoli", kind=EVENT_TYPES[i % 8]) for i in range(12)]
    assert len(event_data(render(events))["features"]) == 12


# -- saving -----------------------------------------------------------------------------------


def test_save_map_writes_atomically(tmp_path):
    target = tmp_path / "map.html"
    target.write_text("old page", encoding="utf-8")
    os.chmod(target, 0o644)
    save_map(map_from_events([make_event(1)], generated_at=GENERATED), target)
    text = target.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    assert oct(target.stat().st_mode & 0o777) == "0o644"
    assert [p.name for p in tmp_path.iterdir()] == ["map.html"]


def test_save_map_keeps_the_old_page_on_failure(tmp_path, monkeypatch):
    target = tmp_path / "map.html"
    target.write_text("old page", encoding="utf-8")
    fmap = map_from_events([make_event(1)], generated_at=GENERATED)

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        save_map(fmap, target)
    assert target.read_text(encoding="utf-8") == "old page"
    assert [p.name for p in tmp_path.iterdir()] == ["map.html"]


def test_save_map_into_a_missing_folder_fails(tmp_path):
    with pytest.raises(FileNotFoundError):
        save_map(map_from_events([]), tmp_path / "nope" / "map.html")


def test_new_file_gets_ordinary_permissions(tmp_path):
    target = tmp_path / "fresh.html"
    save_map(map_from_events([]), Path(target))
    assert target.stat().st_mode & 0o044  # readable by others, unlike mkstemp's 0600


# -- undated events ---------------------------------------------------------------------------


def undated_event(n: int, **fields) -> Event:
    event = make_event(n, **fields)
    return Event(**{**event.__dict__, "date": None, "date_end": None, "date_precision": "unknown"})


def test_undated_events_are_a_layer_off_at_first_and_not_in_the_timeline():
    dated = make_event(1, day=dt.date(2019, 5, 4))
    page = render([dated, undated_event(2), undated_event(3, place="Sirte")])
    assert "2 undated events, not in the timeline" in page
    _, overlays = layer_control(page)
    variable = overlays["Undated events (2)"]
    assert not re.search(rf"{variable}\.addTo\(map_\w+\)", page)  # off at first
    props = [f["properties"] for f in event_data(page)["features"]]
    assert [p["id"] for p in props] == ["ev-1", "ev-2", "ev-3"]
    assert [p["date"] for p in props] == ["2019-05-04", None, None]
    assert props[1]["start"] is None and props[1]["date_precision"] == "unknown"
    # the slider and the header span only the dated event
    assert f'"start": {maps._ms(dated.date)}' in page and f'"end": {maps._ms(dated.date)}' in page
    assert "Events from 2019-05-04 to 2019-05-04" in page
    assert "In view: <span" in page


def test_a_map_of_undated_events_only_has_no_timeline():
    page = render([undated_event(1), undated_event(2)])
    assert "L.timelineSliderControl(" not in page
    assert "no dated events" in page
    assert "2 undated events" in page
    assert len(event_data(page)["features"]) == 2


def test_undated_events_say_so_in_the_popup_and_the_list():
    kit = maps._KIT_JS.read_text(encoding="utf-8")
    assert "if (!p.date) {" in kit and "(p.date || 'undated')" in kit
    assert maps._PRECISION_LABELS["unknown"].startswith("unknown")


# -- the base map -----------------------------------------------------------------------------


def test_labels_come_from_the_gazetteer_by_kind_and_size():
    rows = layer_data(render([make_event(1)]))["labels"]
    by_name = {r[0]: r for r in rows}
    assert by_name["Tripoli"][3:] == [0, 20, 1]  # a city: every zoom
    assert by_name["Tarhuna"][3] == 8  # a town: from zoom 8
    assert by_name["Ain Zara"][3] == 11  # a district: from zoom 11
    assert by_name["Libya"][3:5] == [0, 6]  # countries at small scales only
    classes = [r[5] for r in rows]
    assert classes == sorted(classes)  # placed in order of importance
    cities = [r[0] for r in rows if r[5] == 1]
    assert cities.index("Tripoli") < cities.index("Sirte")  # the larger first
    assert all(r[0] != "Jufra" for r in rows if r[5] > 4)  # regions are not labelled


def test_labels_can_be_given_or_left_out():
    place = Place("x", "Qasr Testing </script> {{ 7*191 }}", 31.0, 15.0, "town", "LY")
    page = render([make_event(1)], labels=[place])
    assert layer_data(page)["labels"] == [[place.name, 31.0, 15.0, 8, 20, 2]]
    assert "Testing </script>" not in page and "Testing \\u003c/script\\u003e \\u007b{" in page
    assert not re.search(r"(?<![\d.])1337(?!\d)", page)
    assert layer_data(render([make_event(1)], labels=()))["labels"] == []


def test_the_map_never_zooms_to_street_scale():
    page = render([make_event(1)])
    assert f'"maxZoom": {maps._MAX_ZOOM}' in page
    assert maps._MAX_ZOOM <= 15
    data = layer_data(page)
    assert (data["spread_zoom"], data["big_place"]) == (9, 50)


def test_land_around_the_theatre_is_drawn_as_land():
    path = data_path("outlines/context.geojson")
    assert path.stat().st_size < 300_000
    names = {f["properties"]["name"] for f in json.loads(path.read_text("utf-8"))["features"]}
    assert {"Italy", "Malta", "Greece", "Turkey"} <= names
    assert "Libya" not in names  # the theatre's countries come from countries.geojson
    page = render([make_event(1)], tiles=False)
    assert page.count(f'"fillColor": "{maps._LAND}"') == 1  # one land layer, filled
    assert '"pane": "fl-land"' in page and '"pane": "fl-borders"' in page
