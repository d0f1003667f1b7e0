"""Text from articles and data folders never reaches a template engine.

folium and branca render what they are given as Jinja2 templates, twice; a sentence
holding ``{{ ... }}`` used to run Python on the machine building the map. Each field
that ends up in the page is tried with the payloads below, first through
``map_from_events`` (fast, one field at a time), then through a whole build from an
article file and a ``--data`` folder that carry them all.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import json
import re
import shutil
from pathlib import Path

import pytest

from geo import settings
from geo._data import data_path
from geo.actors import load_actors
from geo.build import build
from geo.maps import map_from_events
from geo.model import Event, Place, PlaceMention, Source

PAYLOADS = [
    "{{ 7*191 }}",
    "{% raw %}",
    "{#",
    "{% oops",
    "{{ 7*191 }",
    "x {{{ 7*191 }}} y",
    "{{ 'PWN' ~ 'ED' }}",
    "{%- set x = 'PWN' ~ 'ED' %}{{ x }}",
]


def evaluated(page: str) -> bool:
    """Whether the page shows a payload's result: 1337 as a number of its own, or PWNED.

    Not inside a word: folium's element ids are hexadecimal ("map_e3b0...d1337ab").
    """
    return "PWNED" in page or re.search(r"(?<![\w.])1337(?!\w)", page) is not None


def test_the_payload_check_sees_results_not_ids():
    assert evaluated("<p>1337</p>") and evaluated('"x": 1337,') and evaluated("PWNED")
    assert not evaluated("map_e3b05ad1856411ec31ba57d43d1337ab") and not evaluated("13370")


def rce(target: Path) -> str:
    return "{{lipsum.__globals__.os.makedirs(" + repr(str(target)) + ")}}"


def render(events, **kwargs) -> str:
    kwargs.setdefault("generated_at", dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc))
    kwargs.setdefault("tiles", False)
    return map_from_events(events, **kwargs).get_root().render()


def script_strings(page: str) -> set[str]:
    """Every string of every JSON value the page's scripts embed, decoded."""
    found: set[str] = set()

    def walk(value):
        if isinstance(value, str):
            found.add(value)
        elif isinstance(value, dict):
            for k, v in value.items():
                walk(k)
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    decoder = json.JSONDecoder()
    for match in re.finditer(r"[\[{]", page):
        try:
            value, _ = decoder.raw_decode(page, match.start())
        except ValueError:
            continue
        walk(value)
    return found


def html_text(page: str) -> str:
    """The page with character references decoded, as a browser reads its HTML text."""
    import html

    return html.unescape(page)


def event(**changes) -> Event:
    source = Source(
        "a.md", "Desert Wire", "https://news.example.org/a", dt.date(2019, 5, 5),
        "Warplanes struck Tripoli.",
    )
    base = Event(
        "ev-1", "airstrike", dt.date(2019, 5, 4), None, "day", "Tripoli", "ly-tripoli",
        32.8872, 13.1913, "exact", "LNA", "GNA", "claimed", "LNA", None, [source],
    )
    source_changes = {k[7:]: v for k, v in changes.items() if k.startswith("source_")}
    if source_changes:
        changes = {k: v for k, v in changes.items() if not k.startswith("source_")}
        changes["sources"] = [dataclasses.replace(source, **source_changes)]
    return dataclasses.replace(base, **changes)


REVIEWED = dt.datetime(2020, 1, 2, 3, 4, tzinfo=dt.timezone.utc)


def area(side: str, source: str) -> dict:
    ring = [[13.0, 32.0], [13.5, 32.0], [13.5, 32.5], [13.0, 32.0]]
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Polygon", "coordinates": [ring]},
                "properties": {"side": side, "start": "2019-05-01", "end": None,
                               "source": source, "places": [source]},
            }
        ],
    }


def line(label: str) -> dict:
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": [[13, 32], [14, 33]]},
                "properties": {"start": "2019-05-01", "end": None, "sides": [label]},
            }
        ],
    }


#: field -> how to build a map whose page carries ``text`` in that field
FIELDS = {
    "sentence": lambda t: render([event(source_sentence=t)]),
    "outlet": lambda t: render([event(source_outlet=t)]),
    # a URL with a space is no link at all, so the URL carries the payload without them
    "url": lambda t: render([event(source_url="https://example.org/" + t.replace(" ", ""))]),
    "file": lambda t: render([event(source_file=t)]),
    "place": lambda t: render([event(place=t)]),
    "actor": lambda t: render([event(actor=t)]),
    "target": lambda t: render([event(target=t)]),
    "claimed_by": lambda t: render([event(claimed_by=t)]),
    "type": lambda t: render([event(type=t)]),
    # an analyst's name and reason (geo.review) reach the popup's "Reviewed:" line
    "reviewed_by": lambda t: render([event(review="edited", reviewed_by=t, reviewed_at=REVIEWED)]),
    "review_note": lambda t: render(
        [event(review="confirmed", reviewed_by="ana", reviewed_at=REVIEWED, review_note=t)]
    ),
    "title": lambda t: render([event()], title=t),
    "place named": lambda t: render(
        [event()],
        mentions=[
            PlaceMention("a.md", t, 0, 5, Place("ly-x", t, 30.0, 15.0, "town", "LY"))
        ],
    ),
    # areas carry their side into the page (sources stay in control.geojson)
    "control side": lambda t: render([event()], territory=area(t, t), front_lines=line(t)),
}


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("field", FIELDS)
def test_payload_is_kept_as_text_in_every_field(field, payload):
    page = FIELDS[field](payload)
    assert not evaluated(page)
    strings = script_strings(page)
    if field == "url":  # as the URL carries it: no spaces, quotes percent-encoded
        payload = payload.replace(" ", "").replace("'", "%27")
    shown = any(payload in s for s in strings) or payload in html_text(page)
    assert shown, f"{payload!r} in {field} is not in the page as text"


@pytest.mark.parametrize("field", FIELDS)
def test_code_in_a_field_does_not_run(field, tmp_path):
    target = tmp_path / "pwned"
    page = FIELDS[field](rce(target))
    assert not target.exists()
    assert "lipsum" in page


def test_actor_names_from_a_data_folder_are_inert(tmp_path):
    actors_csv = tmp_path / "actors.csv"
    shutil.copy(data_path("actors.csv"), actors_csv)
    with actors_csv.open("a", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Evil Brigade", "{{ 7*191 }} brigade", "{% raw %}", "#123456"])
        writer.writerow(["Raw Side", "{% raw %}", "{% raw %}", "#654321"])
    actors = load_actors(actors_csv)
    page = render([event(actor="{{ 7*191 }} brigade")], actors=actors,
                  territory=area("{% raw %}", "x"))
    assert not evaluated(page)
    assert "{{ 7*191 }} brigade" in html_text(page)  # the legend lists the actor
    assert "Held by {% raw %}" in html_text(page)


# -- the whole build: article file and data folder ------------------------------------------

HOSTILE = """---
title: "Title {{{{ 7*191 }}}} {rce}"
published: 2019-05-06
outlet: "Outlet {{% raw %}} {{{{ 7*191 }}}}"
url: "https://example.org/{{{{7*191}}}}"
extra: "{{# comment"
---
Forces loyal to Haftar shelled Tarhuna on Sunday {{{{ 7*191 }}}}, residents said {rce}.
Clashes erupted in Gharyan on Saturday {{% oops and {{# nothing {{{{ 7*191 }}}} {rce}.
"""


@pytest.fixture()
def hostile_data(tmp_path):
    """A data folder whose gazetteer, actors and control sources carry payloads."""
    folder = tmp_path / "data"
    shutil.copytree(data_path("gazetteer.csv").parent, folder)
    target = tmp_path / "pwned-data"
    gazetteer = (folder / "gazetteer.csv").read_text(encoding="utf-8")
    gazetteer = gazetteer.replace(
        "ly-tarhuna,Tarhuna,Tarhunah|", "ly-tarhuna,Tarhuna {{ 7*191 }},Tarhuna|{% raw %}|Tarhunah|"
    )
    (folder / "gazetteer.csv").write_text(gazetteer, encoding="utf-8")
    actors = (folder / "actors.csv").read_text(encoding="utf-8")
    actors = actors.replace("\nHaftar,LNA,", "\nHaftar,LNA {{ 7*191 }},")
    (folder / "actors.csv").write_text(actors, encoding="utf-8")
    control = (folder / "control.csv").read_text(encoding="utf-8")
    control = control.replace('"Reuters via defenceWeb', f'"{rce(target)} Reuters via defenceWeb')
    (folder / "control.csv").write_text(control, encoding="utf-8")
    before = settings.data_dir
    settings.data_dir = folder
    yield folder, target
    settings.data_dir = before


def test_build_with_payloads_everywhere_succeeds_and_runs_nothing(tmp_path, hostile_data):
    _, data_target = hostile_data
    target = tmp_path / "pwned-article"
    articles = tmp_path / "articles"
    articles.mkdir()
    name = "{{ 7*191 }} {% raw %} 2019-05-06.md"
    (articles / name).write_text(HOSTILE.format(rce=rce(target)), encoding="utf-8")
    out = tmp_path / "maps"
    summary = build([articles], out)
    assert summary.events >= 1
    page = (out / "frontline.html").read_text(encoding="utf-8")
    assert not target.exists() and not data_target.exists()
    assert not evaluated(page)
    strings = script_strings(page)
    assert any("{% oops and {# nothing {{ 7*191 }}" in s for s in strings)  # sentence
    assert any(s.startswith("Outlet {% raw %}") for s in strings)  # outlet
    assert any(s == name for s in strings)  # file name
    assert any("Tarhuna {{ 7*191 }}" == s for s in strings)  # gazetteer name
    # the next build reads the same store and writes again: still fine
    (articles / "plain-2019-05-07.md").write_text(
        "---\npublished: 2019-05-07\n---\nWarplanes struck Misrata on Monday.\n", encoding="utf-8"
    )
    again = build([articles], out)
    assert again.new == 1
    assert not evaluated((out / "frontline.html").read_text(encoding="utf-8"))
    for export in ("events.geojson", "events.csv"):
        assert "{{ 7*191 }}" in (out / export).read_text(encoding="utf-8")  # kept as it is
