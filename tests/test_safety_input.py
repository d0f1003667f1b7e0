"""Mistakes and hostile input: one line each, the run goes on, nothing stored is lost."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from geo import settings
from geo.articles import articles_from_paths, read_manifest
from geo.build import build
from geo.cli import app
from geo.errors import BuildRefusedError
from geo.export import events_csv, spreadsheet_safe
from geo.store import open_store


@pytest.fixture(scope="module")
def seeds_built(seeds_dir, tmp_path_factory):
    """The seeds copied and built once; each test gets its own copy of both."""
    root = tmp_path_factory.mktemp("seeds-built")
    articles = root / "articles"
    shutil.copytree(seeds_dir, articles)
    build([articles], root / "maps")
    return root


@pytest.fixture()
def built(seeds_built, tmp_path):
    shutil.copytree(seeds_built / "articles", tmp_path / "articles")
    shutil.copytree(seeds_built / "maps", tmp_path / "maps")
    # the store keys articles by resolved path: re-home the copied store's rows
    with open_store(tmp_path / "maps" / "frontline.sqlite") as store:
        store.remove_articles(list(store.articles()))
    build([tmp_path / "articles"], tmp_path / "maps")
    return tmp_path


def stored(out: Path) -> tuple[int, int]:
    with open_store(out / "frontline.sqlite") as store:
        counts = store.counts()
    return counts["articles"], counts["events"]


def events_geojson(out: Path) -> list:
    return json.loads((out / "events.geojson").read_text(encoding="utf-8"))["features"]


def errors(summary) -> list[str]:
    return [str(p) for p in summary.problems if p.severity == "error"]


# -- nothing stored is lost ---------------------------------------------------------------


def test_empty_folder_after_a_seeds_build_keeps_everything(built):
    before, features = stored(built / "maps"), events_geojson(built / "maps")
    empty = built / "empty"
    empty.mkdir()
    summary = build([empty], built / "maps")
    assert stored(built / "maps") == before and before[0] == 5
    assert summary.outside == 5 and summary.removed == 0
    assert summary.outputs_current  # nothing it shows changed: nothing written
    assert events_geojson(built / "maps") == features
    assert "5 stored from other paths, kept" in summary.lines()[1]


def test_a_file_that_is_no_article_keeps_everything(built, tmp_path):
    before = stored(built / "maps")
    hostname = tmp_path / "hostname"
    hostname.write_text("machine\n", encoding="utf-8")
    summary = build([hostname], built / "maps")
    assert stored(built / "maps") == before
    [line] = errors(summary)
    assert line.startswith(f"{hostname}: not an article: a file without an ending ")


def test_one_new_article_adds_to_the_store(built, tmp_path):
    before = stored(built / "maps")
    one = tmp_path / "one-2020-01-20.md"
    one.write_text("Warplanes struck Misrata on Sunday, residents said.\n", encoding="utf-8")
    summary = build([one], built / "maps")
    assert summary.new == 1 and summary.outside == 5
    assert stored(built / "maps")[0] == before[0] + 1


def test_deleted_file_inside_a_given_folder_is_removed(built):
    (built / "articles" / "003_5eff2ec82090edfe.txt").unlink()
    summary = build([built / "articles"], built / "maps")
    assert summary.removed == 1 and stored(built / "maps")[0] == 4


def test_removing_more_than_half_is_refused_without_prune(built):
    before, features = stored(built / "maps"), events_geojson(built / "maps")
    for name in sorted(p.name for p in (built / "articles").glob("00[0-2]_*.txt")):
        (built / "articles" / name).unlink()
    with pytest.raises(BuildRefusedError, match="would remove 3 of the 5 stored articles"):
        build([built / "articles"], built / "maps")
    assert stored(built / "maps") == before
    assert events_geojson(built / "maps") == features
    summary = build([built / "articles"], built / "maps", prune=True)
    assert summary.removed == 3 and stored(built / "maps")[0] == 2


def test_prune_makes_the_store_mirror_the_paths(built, tmp_path):
    other = tmp_path / "other"
    other.mkdir()
    (other / "x-2020-01-20.md").write_text("Warplanes struck Misrata on Sunday.\n", "utf-8")
    summary = build([other], built / "maps", prune=True)
    assert summary.removed == 5 and stored(built / "maps")[0] == 1


def test_unreadable_subfolder_keeps_its_articles(built, monkeypatch):
    sub = built / "articles" / "later"
    sub.mkdir()
    (sub / "late-2020-01-21.md").write_text("Warplanes struck Sirte on Monday.\n", "utf-8")
    build([built / "articles"], built / "maps")
    before = stored(built / "maps")
    real = os.scandir

    def scandir(path):  # root reads any folder: make this one fail as it would for a user
        if Path(path).name == "later":
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr("geo.articles.os.scandir", scandir)
    summary = build([built / "articles"], built / "maps")
    assert stored(built / "maps") == before and summary.removed == 0
    [warning] = [p for p in summary.problems if p.severity == "warning"]
    assert warning.file.endswith("later") and "cannot read folder" in warning.message
    assert "keeping what was stored" in warning.message


@pytest.mark.parametrize(
    "manifest",
    [
        b"",  # empty
        b"\xff\xfe\x00garbage\x00" * 3,  # not text
        b"name;date\nfoo;bar\n",  # no 'file' column
        b"file,published\n" + b'"unterminated\n',  # not CSV
    ],
    ids=["empty", "binary", "no-file-column", "unterminated"],
)
def test_broken_manifest_keeps_the_stored_events(built, manifest):
    before, features = stored(built / "maps"), events_geojson(built / "maps")
    (built / "articles" / "articles.csv").write_bytes(manifest)
    summary = build([built / "articles"], built / "maps")
    assert stored(built / "maps") == before
    assert events_geojson(built / "maps") == features
    assert summary.changed == 0 and summary.new == 0
    lines = [str(p) for p in summary.problems if "articles.csv" in p.file]
    assert lines, "the manifest's problem has a line"


def test_a_broken_manifest_row_keeps_that_article(built):
    path = built / "articles" / "articles.csv"
    rows = path.read_text(encoding="utf-8").splitlines()
    rows[1] = rows[1] + ",an extra field"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    before = events_geojson(built / "maps")
    summary = build([built / "articles"], built / "maps")
    assert summary.changed == 0
    assert events_geojson(built / "maps") == before
    assert any("expected 5 fields, found 6" in str(p) for p in summary.problems)


# -- one line per bad input ---------------------------------------------------------------


def read_problems(folder: Path) -> list[str]:
    return [str(p) for p in articles_from_paths([folder]).problems]


def test_deep_front_matter_is_one_line(tmp_path):
    deep = "---\ntitle: " + "[" * 500 + "]" * 500 + "\n---\nText.\n"
    (tmp_path / "deep.md").write_text(deep, encoding="utf-8")
    assert read_problems(tmp_path) == [
        f"{tmp_path / 'deep.md'}: malformed front matter: nested deeper than 20 levels"
    ]


def test_yaml_alias_bomb_is_one_line(tmp_path):
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 9):
        lines.append(f"{chr(97 + i)}: &{chr(97 + i)} [" + ",".join([f"*{chr(96 + i)}"] * 9) + "]")
    lines.append("title: *i")
    (tmp_path / "bomb.md").write_text("---\n" + "\n".join(lines) + "\n---\nText.\n", "utf-8")
    [line] = read_problems(tmp_path)
    assert "bomb.md: malformed front matter: YAML anchors and aliases" in line


def test_front_matter_size_limit(tmp_path):
    (tmp_path / "big.md").write_text("---\ntitle: " + "x" * 70_000 + "\n---\nText.\n", "utf-8")
    [line] = read_problems(tmp_path)
    assert "big.md: malformed front matter: longer than 65,536 characters" in line


def test_article_size_limit_is_checked_before_reading(tmp_path, monkeypatch):
    monkeypatch.setattr(settings, "max_article_bytes", 1000)
    (tmp_path / "huge.md").write_text("Warplanes struck Sirte. " * 100, encoding="utf-8")
    [line] = read_problems(tmp_path)
    assert "huge.md: too large for an article (0.0 MB; the limit is 0.001 MB" in line


def test_file_name_that_is_not_utf8(tmp_path):
    name = os.fsdecode(b"bad-\xff-name.md")
    (tmp_path / name).write_text("Warplanes struck Sirte on Monday.\n", encoding="utf-8")
    [line] = read_problems(tmp_path)
    assert line.endswith("bad-\\xff-name.md: file name is not valid UTF-8; rename it")
    line.encode("utf-8")  # printable


def test_manifest_field_over_the_csv_limit_is_one_line(tmp_path):
    (tmp_path / "a.txt").write_text("Warplanes struck Sirte on Monday.\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("Warplanes struck Misrata on Monday.\n", encoding="utf-8")
    with (tmp_path / "articles.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["file", "published", "title"])
        writer.writerow(["a.txt", "2020-01-01", "x" * 200_000])
        writer.writerow(["b.txt", "2020-01-02", "fine"])
    problems = []
    manifest = read_manifest(tmp_path / "articles.csv", problems)
    assert [p.line for p in problems if p.severity == "error"] == [2]
    assert "longer than" in problems[0].message or "field larger" in problems[0].message
    assert manifest.get("b.txt") is not None and not manifest.vouches_for("a.txt")
    assert "field" in str(problems[0])


def test_utf32_article_is_decoded(tmp_path):
    text = "Warplanes struck Sirte on Monday, residents said.\n"
    (tmp_path / "u32.txt").write_bytes(text.encode("utf-32"))
    batch = articles_from_paths([tmp_path])
    assert [a.text for a in batch.articles] == [text]


def test_non_article_files_are_listed(tmp_path):
    for name in ("notes.docx", "sheet.xlsx", "photo.jpg"):
        (tmp_path / name).write_bytes(b"PK not really")
    (tmp_path / "a.md").write_text("Warplanes struck Sirte on Monday.\n", encoding="utf-8")
    batch = articles_from_paths([tmp_path])
    skipped = sorted(Path(p.file).name for p in batch.problems if p.severity == "skipped")
    assert skipped == ["notes.docx", "photo.jpg", "sheet.xlsx"]


def test_cli_lists_skipped_files_or_counts_them_when_quiet(tmp_path):
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "a-2020-01-20.md").write_text("Warplanes struck Sirte on Monday.\n", "utf-8")
    (articles / "report.docx").write_bytes(b"PK")
    runner = CliRunner()
    result = runner.invoke(app, ["build", str(articles), "--out", str(tmp_path / "m")])
    assert result.exit_code == 0, result.output
    assert "skipped:" in result.output
    assert "report.docx: not an article: a .docx file" in result.output
    quiet = runner.invoke(app, ["build", str(articles), "--out", str(tmp_path / "m"), "-q"])
    assert "skipped: 1 files that are not articles" in quiet.output


def test_cli_exit_status_says_an_input_failed(tmp_path):
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "a-2020-01-20.md").write_text("Warplanes struck Sirte on Monday.\n", "utf-8")
    (articles / "junk.md").write_bytes(b"\x00" * 64)
    result = CliRunner().invoke(app, ["build", str(articles), "--out", str(tmp_path / "m")])
    assert result.exit_code == 1
    assert "junk.md: binary file" in result.output
    assert "1 articles" in result.output  # the rest was built
    assert "Traceback" not in result.output


def test_problem_text_is_not_console_markup(tmp_path):
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "[bold red]x.md").write_bytes(b"")
    (articles / "a-2020-01-20.md").write_text("Warplanes struck Sirte on Monday.\n", "utf-8")
    result = CliRunner().invoke(app, ["build", str(articles), "--out", str(tmp_path / "m")])
    assert "[bold red]x.md: empty file" in result.output


def test_gazetteer_row_out_of_range_in_a_data_folder(tmp_path, monkeypatch, seeds_dir):
    data = tmp_path / "data"
    shutil.copytree(settings.data_dir or Path(__file__).parents[1] / "data", data)
    text = (data / "gazetteer.csv").read_text(encoding="utf-8")
    control = (data / "control.csv").read_text(encoding="utf-8")
    row = next(
        line
        for line in text.splitlines()[1:]
        if line.startswith("ly-") and line.split(",")[0] + "," not in control
    )
    fields = next(csv.reader([row]))
    fields[3] = "999"
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow(fields)
    (data / "gazetteer.csv").write_text(text.replace(row, buffer.getvalue()), "utf-8")
    monkeypatch.setattr(settings, "data_dir", data)
    summary = build([seeds_dir], tmp_path / "maps")
    [line] = [str(p) for p in summary.problems if "gazetteer.csv" in p.file]
    assert "row skipped: lat '999' is out of range" in line
    assert summary.articles == 5


def test_full_disk_is_one_line_and_the_store_survives(built, monkeypatch):
    import geo.build

    before = stored(built / "maps")
    (built / "articles" / "new-2020-01-20.md").write_text("Warplanes struck Sirte.\n", "utf-8")

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device", str(built / "maps" / "events.csv"))

    monkeypatch.setattr(geo.build, "_write_outputs", full)
    result = CliRunner().invoke(
        app, ["build", str(built / "articles"), "--out", str(built / "maps")]
    )
    assert result.exit_code == 1
    assert "events.csv: No space left on device; what was stored before is intact" in (
        result.output
    )
    assert "Traceback" not in result.output
    assert stored(built / "maps")[0] >= before[0]


def test_online_without_network_is_one_warning(tmp_path, monkeypatch, seeds_dir):
    from geopy.exc import GeocoderUnavailable

    import geo.build
    from geo.geocoder import Geocoder

    class Down:
        calls = 0

        def geocode(self, *args, **kwargs):
            Down.calls += 1
            raise GeocoderUnavailable("no route to host")

    def geocoder(online):
        return Geocoder(geolocator=Down(), cache_dir=tmp_path / "cache", min_delay_seconds=1)

    monkeypatch.setattr(geo.build, "_geocoder", geocoder)
    monkeypatch.setattr("geopy.extra.rate_limiter.RateLimiter._sleep", lambda self, s: None)
    articles = tmp_path / "articles"
    shutil.copytree(seeds_dir, articles)
    (articles / "new-2020-01-20.md").write_text(
        "Clashes erupted near Qasr Zorbalek and Bir Tilmoudi on Monday, residents said.\n",
        encoding="utf-8",
    )
    summary = build([articles], tmp_path / "maps", online=True)
    lines = [str(p) for p in summary.problems if p.file == "--online"]
    assert len(lines) == 1 and "going on offline" in lines[0]
    assert summary.articles == 6 and summary.failed == 0
    assert Down.calls <= 3  # one name tried (with geopy's retries), then offline


# -- spreadsheets -------------------------------------------------------------------------


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"])
def test_formula_cells_are_escaped(cell):
    assert spreadsheet_safe(cell) == "'" + cell


def test_numbers_and_plain_text_are_left_alone():
    assert spreadsheet_safe(-12.5) == -12.5
    assert spreadsheet_safe("Sirte") == "Sirte"


def test_events_csv_escapes_outlet_and_sentence():
    import datetime as dt

    from geo.model import Event, Source

    source = Source("a.md", "=HYPERLINK(\"http://x\")", None, dt.date(2020, 1, 2),
                    "@cmd|' /C calc'!A0 struck Sirte")
    event = Event("e", "airstrike", dt.date(2020, 1, 1), None, "day", "Sirte", None,
                  31.2, 16.6, "exact", "LNA", None, "reported", None, None, [source])
    rows = list(csv.DictReader(io.StringIO(events_csv([event]))))
    assert rows[0]["source"] == "'=HYPERLINK(\"http://x\")"
    assert rows[0]["notes"].startswith("'@cmd")
