"""The span cache: control areas an earlier build computed are read, not computed again.

An article that changes who holds what from some day on costs only the spans from
that day; the outputs are those of a build from scratch.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import geo.territory
from geo.build import build

# written for this test (not a real event): a capture that changes who holds a town
# from a day inside the seeds' timeline
LATE_CAPTURE = """---
title: "Test: the LNA takes Zuwara"
published: 2019-12-21
outlet: "Test Wire"
---
LNA forces captured Zuwara on Saturday after government troops withdrew from the town.
"""


@pytest.fixture
def counted(monkeypatch):
    """How many spans' areas were computed, by every call of span_territories."""
    calls: list[int] = []
    real = geo.territory.span_territories

    def counting(holdings, land, **kwargs):
        calls.append(len(holdings))
        return real(holdings, land, **kwargs)

    monkeypatch.setattr(geo.territory, "span_territories", counting)
    return calls


def _control_files(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in ("control.geojson", "frontline.geojson")}


def test_a_new_capture_recomputes_only_later_spans(seeds_dir, tmp_path, counted):
    articles = tmp_path / "articles"
    shutil.copytree(seeds_dir, articles)
    out = tmp_path / "maps"
    build([articles], out, workers=1)
    first = sum(counted)
    assert first > 1 and (out / "frontline.sqlite.spans").is_file()

    (articles / "late.md").write_text(LATE_CAPTURE, encoding="utf-8")
    counted.clear()
    build([articles], out, workers=1)
    again = sum(counted)

    counted.clear()
    fresh = tmp_path / "fresh"
    build([articles], fresh, workers=1)
    total = sum(counted)
    # the late capture changes the spans from its day on, not the ones before
    assert 0 < again < total
    assert _control_files(out) == _control_files(fresh)


def test_the_same_spans_are_read_and_a_bad_cache_is_computed_again(
    seeds_dir, tmp_path, counted
):
    articles = tmp_path / "articles"
    shutil.copytree(seeds_dir, articles)
    out = tmp_path / "maps"
    build([articles], out, workers=1)
    before = _control_files(out)
    cache = out / "frontline.sqlite.spans"
    # a new store (no control layers kept in it) beside the same span cache
    other = tmp_path / "other"
    other.mkdir()
    shutil.copyfile(cache, other / cache.name)
    counted.clear()
    build([articles], other, workers=1)
    assert sum(counted) == 0  # the same spans: every one read from the cache
    assert _control_files(other) == before
    cache.write_bytes(b"not a pickle")
    (articles / "late.md").write_text(LATE_CAPTURE, encoding="utf-8")
    counted.clear()
    build([articles], out, workers=1)
    assert sum(counted) > 0  # nothing read from the broken file: computed again
    fresh = tmp_path / "fresh"
    build([articles], fresh, workers=1)
    assert _control_files(out) == _control_files(fresh)
