"""The disk cache of stored rows (geo.rowcache): used by a new process, never trusted blindly."""

from __future__ import annotations

import hashlib
import json
import pickle
import shutil
import sqlite3
from pathlib import Path

import pytest
from generator import load_generator

import geo.build
from geo import settings
from geo.build import build
from geo.store import Store

OUTPUTS = ("events.csv", "events.geojson", "places.geojson", "control.geojson")


@pytest.fixture
def articles(tmp_path, seeds_dir) -> Path:
    folder = tmp_path / "articles"
    shutil.copytree(seeds_dir, folder)
    load_generator().generate_articles(folder / "generated", 30, seed=3)
    return folder


@pytest.fixture
def reads(monkeypatch):
    """The article names each build reads events of from the store ("*": all at once)."""
    read: list[list[str]] = []
    original = Store.events_by_article

    def recording(self, paths=None):
        read.append(sorted(Path(p).name for p in paths) if paths is not None else ["*"])
        return original(self, paths)

    monkeypatch.setattr(Store, "events_by_article", recording)
    return read


def new_process() -> None:
    """Forget what this process read, as a new ``frontline build`` process starts."""
    geo.build._LOADED.clear()


def outputs(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in OUTPUTS}


def fresh_build(articles: Path, tmp_path: Path) -> dict[str, bytes]:
    """The outputs of a build into a new store: what every cached build must write."""
    new_process()
    out = tmp_path / f"fresh-{len(list(tmp_path.iterdir()))}"
    build([articles], out)
    return outputs(out)


def add_article(articles: Path, name: str, place: str = "Ghadames") -> None:
    (articles / name).write_text(
        f"---\ntitle: Strike\npublished: 2019-06-02\n---\n"
        f"Warplanes struck targets in {place} on Saturday, residents said.\n",
        encoding="utf-8",
    )


def test_a_new_process_reads_the_stored_rows_from_the_cache(articles, tmp_path, reads):
    out = tmp_path / "maps"
    build([articles], out)
    assert (out / "frontline.sqlite.rows").is_file()
    new_process()
    reads.clear()
    add_article(articles, "extra.md")
    summary = build([articles], out)
    assert summary.new == 1 and not summary.problems
    assert reads == [["extra.md"]]  # the other 35 articles came from the cache
    assert outputs(out) == fresh_build(articles, tmp_path)


def test_adding_one_article_does_not_rewrite_the_cache(articles, tmp_path):
    out = tmp_path / "maps"
    build([articles], out)
    before = (out / "frontline.sqlite.rows").stat().st_mtime_ns
    new_process()
    add_article(articles, "extra.md")
    build([articles], out)
    assert (out / "frontline.sqlite.rows").stat().st_mtime_ns == before


def test_an_entry_is_used_only_while_the_article_is_stored_as_it_was(articles, tmp_path, reads):
    out = tmp_path / "maps"
    build([articles], out)
    # a changed article is processed again; its old cached rows must not come back
    first = sorted(p for p in articles.iterdir() if p.suffix in (".md", ".txt"))[0]
    first.write_text(first.read_text(encoding="utf-8") + "\nFighting was reported in Sirte.\n",
                     encoding="utf-8")
    new_process()
    reads.clear()
    summary = build([articles], out)
    assert summary.changed == 1
    assert reads == [[first.name]]
    assert outputs(out) == fresh_build(articles, tmp_path)

    # the store's records of other articles changed behind the cache (another writer, or a
    # run with other data): their entries no longer match, so they are read from the store
    db = sqlite3.connect(out / "frontline.sqlite")
    db.execute("UPDATE articles SET processed_at = 'elsewhere' WHERE path LIKE '%/generated/%'")
    db.commit()
    db.close()
    new_process()
    reads.clear()
    add_article(articles, "extra.md")
    build([articles], out)
    (read,) = reads
    # (and the changed article: the cache, not rewritten for one article, has its old entry)
    assert sorted(read) == sorted([*(p.name for p in (articles / "generated").iterdir()),
                                   "extra.md", first.name])
    assert outputs(out) == fresh_build(articles, tmp_path)


def test_data_or_code_changes_make_the_cache_unused(articles, tmp_path, reads, monkeypatch):
    out = tmp_path / "maps"
    build([articles], out)
    new_process()
    reads.clear()
    monkeypatch.setattr(geo.build, "_package_hash", lambda: "other code")
    add_article(articles, "extra.md")
    summary = build([articles], out)
    assert not summary.problems
    assert reads == [["*"]]  # written by other code: not read, no warning

    # other data: every article is processed again with new fingerprints; nothing cached
    # is used, and the outputs are those of a fresh build with that data
    new_process()
    reads.clear()
    monkeypatch.setattr(settings, "fuzzy_threshold", settings.fuzzy_threshold - 1)
    summary = build([articles], out)
    assert summary.reprocessed == summary.articles
    assert reads in ([["*"]], [])
    assert outputs(out) == fresh_build(articles, tmp_path)


def test_a_damaged_cache_file_is_ignored_with_one_line(articles, tmp_path):
    out = tmp_path / "maps"
    build([articles], out)
    expected = fresh_build(articles, tmp_path)
    cache = out / "frontline.sqlite.rows"

    def warnings() -> list[str]:
        new_process()
        summary = build([articles], out)
        assert outputs(out) == expected
        return [str(p) for p in summary.problems]

    # changed after the store recorded it: never unpickled
    data = bytearray(cache.read_bytes())
    data[len(data) // 2] ^= 0xFF
    cache.write_bytes(bytes(data))
    (line,) = warnings()
    assert str(cache) in line and "not the file the store recorded" in line

    # cut short
    cache.write_bytes(cache.read_bytes()[:100])
    (line,) = warnings()
    assert "not the file the store recorded" in line

    # the file the store records, but not a table of rows (a stale or foreign file)
    for payload in (b"not a pickle at all", pickle.dumps(["a", "list"])):
        cache.write_bytes(payload)
        record = {"format": 1, "code": geo.build._package_hash(),
                  "sha256": hashlib.sha256(payload).hexdigest()}
        db = sqlite3.connect(out / "frontline.sqlite")
        db.execute("UPDATE meta SET value = ? WHERE key = 'rows_cache'", (json.dumps(record),))
        db.commit()
        db.close()
        (line,) = warnings()
        assert str(cache) in line and "cannot be loaded" in line

    # a broken record in the store: the cache is simply not used
    db = sqlite3.connect(out / "frontline.sqlite")
    db.execute("UPDATE meta SET value = '{broken' WHERE key = 'rows_cache'")
    db.commit()
    db.close()
    assert warnings() == []
