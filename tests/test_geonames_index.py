"""The GeoNames name index on disk: read a name at a time, equal to the index it was built from."""

from __future__ import annotations

import pickle
import random

import pytest

from geo import gazetteer as gz
from geo.model import Place


def _small_index() -> gz._GeonamesIndex:
    libya = Place(place_id="gn:2215636", name="Libya", lat=26.3, lon=17.2, kind="country",
                  country="LY", geonames_id=2215636, population=6_000_000, source="geonames")
    return gz._GeonamesIndex(
        by_name={"tripoli": (2210247, 266826), "misratah": (2214846,), "طرابلس": (2210247,)},
        records={2210247: ("Tripoli", 32.88743, 13.18733, "LY", 1302947, "77"),
                 266826: ("Tripoli", 34.43667, 35.84972, "LB", 229398, "09"),
                 2214846: ("Misratah", 32.37535, 15.09254, "LY", 386120, "")},
        countries={"LY": libya},
        country_by_name={"libya": ("LY",)},
    )


def test_written_index_answers_as_the_one_it_was_built_from(tmp_path):
    built = _small_index()
    path = tmp_path / "index.sqlite"
    gz._write_index(built, path)
    read = gz._read_index(path)
    for key, ids in built.by_name.items():
        assert read.by_name.get(key) == ids
    for gid, record in built.records.items():
        assert read.records[gid] == record
        assert gid in read.records
    assert read.by_name.get("benghazi") is None
    assert read.by_name.get("benghazi", ()) == ()
    assert 12345 not in read.records
    with pytest.raises(KeyError):
        read.records[12345]
    assert read.countries == built.countries
    assert read.country_by_name == built.country_by_name
    assert read.place(2214846).name == "Misratah"


def test_index_table_survives_pickling_and_a_new_process(tmp_path, monkeypatch):
    path = tmp_path / "index.sqlite"
    gz._write_index(_small_index(), path)
    table = gz._read_index(path).by_name
    assert table.get("tripoli") == (2210247, 266826)
    copy = pickle.loads(pickle.dumps(table))  # what a worker process receives
    assert copy.get("misratah") == (2214846,)
    # a forked child opens its own connection rather than sharing the parent's
    first = table._connection()
    monkeypatch.setattr(gz.os, "getpid", lambda: -7)
    assert table._connection() is not first


def test_unreadable_cache_is_rebuilt(tmp_path, monkeypatch):
    path = tmp_path / "index.sqlite"
    path.write_bytes(b"not a database at all" * 100)
    monkeypatch.setattr(gz, "_index_cache_path", lambda: path)
    monkeypatch.setattr(gz, "_build_geonames_index", _small_index)
    gz._geonames_index.cache_clear()
    try:
        index = gz._geonames_index()
        assert index.by_name.get("tripoli") == (2210247, 266826)
        # and the file was written again: a second read needs no rebuild
        assert gz._read_index(path).records[2214846][0] == "Misratah"
    finally:
        gz._geonames_index.cache_clear()


def test_shipped_index_equals_a_fresh_build():
    fresh = gz._build_geonames_index()
    gz._geonames_index.cache_clear()
    on_disk = gz._geonames_index()
    rng = random.Random(3)
    keys = rng.sample(sorted(fresh.by_name), 2000) + ["tripoli", "misrata", "sirte"]
    for key in keys:
        assert on_disk.by_name.get(key) == fresh.by_name.get(key), key
    for gid in rng.sample(sorted(fresh.records), 2000):
        assert on_disk.records[gid] == fresh.records[gid]
    assert on_disk.countries == fresh.countries
    assert on_disk.country_by_name == fresh.country_by_name
