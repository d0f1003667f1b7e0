"""The command line: every command, its formats, and one-line errors."""

from __future__ import annotations

import csv
import io
import json
import shutil

import pytest
from typer.testing import CliRunner

from geo.cli import app

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args))


@pytest.fixture(scope="module")
def places_geojson(seeds_dir):
    result = run("places", str(seeds_dir), "--format", "geojson")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def events_geojson(seeds_dir):
    result = run("events", str(seeds_dir), "--format", "geojson")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_places_geojson_has_the_documented_properties(places_geojson):
    assert places_geojson["type"] == "FeatureCollection"
    features = places_geojson["features"]
    assert features
    ids = [f["properties"]["place_id"] for f in features]
    assert len(ids) == len(set(ids)), "one Point per distinct place"
    for feature in features:
        assert feature["geometry"]["type"] == "Point"
        lon, lat = feature["geometry"]["coordinates"]
        assert -90 <= lat <= 90 and -180 <= lon <= 180
        props = feature["properties"]
        assert set(props) >= {"place_id", "name", "kind", "country", "articles", "mentions"}
        assert props["mentions"] >= len(props["articles"]) >= 1
    tripoli = next(f for f in features if f["properties"]["place_id"] == "ly-tripoli")
    assert len(tripoli["properties"]["articles"]) == 5


def test_places_table_and_json(seeds_dir):
    table = run("places", str(seeds_dir))
    assert table.exit_code == 0 and "Tarhuna" in table.stdout
    rows = json.loads(run("places", str(seeds_dir), "-f", "json").stdout)
    assert {"name", "lat", "lon", "place_id"} <= set(rows[0])


def test_places_unresolved_lists_names_with_their_articles(tmp_path):
    (tmp_path / "a-2020-02-01.txt").write_text(
        "Fighting was reported in the town of Qarzabellona, residents said.\n", encoding="utf-8"
    )
    result = run("places", str(tmp_path), "--unresolved", "-f", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert {"name": "Qarzabellona", "articles": ["a-2020-02-01.txt"]} in rows


def test_events_geojson_has_the_documented_properties(events_geojson):
    expected = {
        "id", "type", "date", "date_end", "date_precision", "place", "place_id",
        "geo_precision", "actor", "target", "status", "claimed_by", "fatalities",
        "corroboration", "sources", "review", "reviewed_at", "reviewed_by",
    }  # fmt: skip
    features = events_geojson["features"]
    assert features
    for feature in features:
        props = feature["properties"]
        assert set(props) == expected
        assert props["sources"] and set(props["sources"][0]) == {
            "file", "outlet", "url", "published", "sentence", "status", "claimed_by",
        }  # fmt: skip
        assert props["corroboration"] == len(
            {s["outlet"] or s["file"] for s in props["sources"]}
        )


def test_event_ids_are_stable_across_runs(seeds_dir, events_geojson):
    again = json.loads(run("events", str(seeds_dir), "--format", "geojson").stdout)
    assert [f["properties"]["id"] for f in again["features"]] == [
        f["properties"]["id"] for f in events_geojson["features"]
    ]


def test_events_csv_has_acled_like_columns(seeds_dir, events_geojson):
    result = run("events", str(seeds_dir), "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == len(events_geojson["features"])
    assert {"event_date", "event_type", "actor1", "actor2", "location", "latitude",
            "longitude", "status", "claimed_by", "corroboration"} <= set(rows[0])  # fmt: skip


def test_evaluate_prints_scores(seeds_dir, gold_path):
    result = run("evaluate", "--gold", str(gold_path), str(seeds_dir))
    assert result.exit_code == 0, result.output
    assert "000_89ab954d01c91b7e.txt" in result.stdout
    assert "total" in result.stdout.lower()


def test_evaluate_refuses_a_malformed_gold_file(seeds_dir, tmp_path):
    bad = tmp_path / "gold.json"
    bad.write_text("{not json", encoding="utf-8")
    result = run("evaluate", "--gold", str(bad), str(seeds_dir))
    assert result.exit_code == 1
    assert str(bad) in result.output and "Traceback" not in result.output


@pytest.mark.parametrize(
    ("day", "place", "controller"),
    [("2020-07-13", "Tarhuna", "GNA"), ("2019-12-20", "Tarhuna", "LNA"),
     ("2020-07-13", "Sirte", "LNA"), ("2020-07-13", "Misrata", "GNA")],  # fmt: skip
)
def test_control_on_a_date(seeds_dir, day, place, controller):
    result = run("control", "--date", day, str(seeds_dir), "--format", "json")
    assert result.exit_code == 0, result.output
    rows = {r["place"]: r for r in json.loads(result.stdout)}
    assert rows[place]["controller"] == controller
    assert set(rows[place]) == {"place", "place_id", "controller", "since", "source"}
    assert rows[place]["since"] <= day


def test_control_rejects_a_bad_date(seeds_dir):
    result = run("control", "--date", "2020-02-30", str(seeds_dir))
    assert result.exit_code == 1
    assert "'2020-02-30' is not a YYYY-MM-DD date" in result.output


def test_gazetteer_check_passes_on_the_shipped_file():
    result = run("gazetteer", "check")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().endswith(": ok")


def test_gazetteer_check_fails_on_a_broken_copy(tmp_path):
    from geo._data import data_path

    broken = tmp_path / "gazetteer.csv"
    lines = data_path("gazetteer.csv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    lat, lon = header.index("lat"), header.index("lon")
    row = next(csv.reader([lines[5]]))
    row[lat] = "123.5"  # out of range, on line 6
    lines[5] = ",".join(f'"{c}"' if "," in c else c for c in row)
    lines.append(lines[9])  # a duplicate id on the last line
    broken.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run("gazetteer", "check", str(broken))
    assert result.exit_code == 1
    assert f"{broken}:6:" in result.stdout
    assert f"{broken}:{len(lines)}:" in result.stdout
    assert lon != lat


def test_no_readable_article_is_one_line_and_exit_1(tmp_path):
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    result = run("events", str(tmp_path))
    assert result.exit_code == 1
    assert "empty.txt: empty file" in result.output
    assert "no readable articles" in result.output
    assert "Traceback" not in result.output


def test_bad_file_among_good_ones_is_reported_and_the_rest_processed(seeds_dir, tmp_path):
    folder = tmp_path / "articles"
    shutil.copytree(seeds_dir, folder)
    (folder / "broken.txt").write_bytes(b"\x00\x01\x02binary")
    result = run("places", str(folder), "-f", "json")
    assert result.exit_code == 0
    assert "broken.txt: binary file" in result.stderr
    assert any(r["place_id"] == "ly-tarhuna" for r in json.loads(result.stdout))


def test_version():
    result = run("--version")
    assert result.exit_code == 0 and result.stdout.startswith("frontline ")
