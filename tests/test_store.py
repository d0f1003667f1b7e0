"""The processing store: round trips, replacement, removal, locking and schema versions."""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
from pathlib import Path

import pytest

from geo.errors import StoreError, StoreLockedError
from geo.model import Article, ControlFact, Event, Place, PlaceMention, Source
from geo.store import SCHEMA_VERSION, Store, article_key, default_store_path, lock_path, open_store

TEXT = "Warplanes struck positions south of Gharyan on Monday, a military source said.\n"


def make_article(folder: Path, name: str = "a.txt", text: str = TEXT, **meta) -> Article:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return Article(
        path=path,
        file=name,
        text=text,
        sha256=hashlib.sha256(text.encode()).hexdigest(),
        title=meta.get("title", "Strikes near Gharyan"),
        published=meta.get("published", dt.date(2020, 4, 7)),
        published_from="front matter",
        outlet=meta.get("outlet", "Example Wire"),
        url=meta.get("url"),
    )


GHARYAN = Place(
    place_id="gaz:gharyan",
    name="Gharyan",
    lat=32.1722,
    lon=13.0203,
    kind="city",
    country="LY",
    admin1="Jabal al Gharbi",
    geonames_id=2217362,
    population=85219,
    alt_names=("Gharian", "Garian"),
    source="gazetteer",
)


def make_mentions(file: str) -> list[PlaceMention]:
    return [
        PlaceMention(file, "Gharyan", 39, 46, GHARYAN, relation="south of", bearing="S",
                     distance_km=None, score=97.5),
        PlaceMention(file, "Wadi Nowhere", 60, 72, None),
    ]


def make_event(file: str, n: int = 0, **kw) -> Event:
    values = dict(
        id=f"{file}-{n}",
        type="airstrike",
        date=dt.date(2020, 4, 6),
        date_end=None,
        date_precision="day",
        place="Gharyan",
        place_id="gaz:gharyan",
        lat=32.1,
        lon=13.02,
        geo_precision="near",
        actor="LNA",
        target="GNA",
        status="reported",
        claimed_by=None,
        fatalities=3,
        sources=[Source(file, "Example Wire", None, dt.date(2020, 4, 7), TEXT.strip())],
    )
    values.update(kw)
    return Event(**values)


FACT = ControlFact(
    place="Gharyan", place_id="gaz:gharyan", lat=32.1722, lon=13.0203, controller="GNA",
    date=dt.date(2019, 6, 26), date_end=None, source="a.txt", origin="statement",
)


def test_round_trip_keeps_every_field(tmp_path):
    article = make_article(tmp_path)
    mentions = make_mentions(article.file)
    events = [
        make_event(article.file),
        make_event(article.file, 1, type="shelling", date_end=dt.date(2020, 4, 9),
                   date_precision="range", actor=None, target=None, status="claimed",
                   claimed_by="GNA", fatalities=None, place_id=None, sources=[]),
    ]
    with open_store(tmp_path / "s.sqlite") as store:
        store.put_article(article, mentions=mentions, events=events, control_facts=[FACT],
                          extractor_version="7", fingerprint="f1")
    with open_store(tmp_path / "s.sqlite") as store:
        assert store.mentions() == mentions
        assert store.events() == events
        assert store.control_facts() == [FACT]
        [stored] = store.articles().values()
        assert stored.path == article_key(article)
        assert stored.same_input(article)
        assert (stored.extractor_version, stored.fingerprint) == ("7", "f1")
        assert dt.datetime.fromisoformat(stored.processed_at).tzinfo is not None


def test_metadata_change_is_a_change(tmp_path):
    article = make_article(tmp_path)
    with open_store(tmp_path / "s.sqlite") as store:
        store.put_article(article, extractor_version="1", fingerprint="f")
        [stored] = store.articles().values()
    assert stored.same_input(article)
    assert not stored.same_input(make_article(tmp_path, published=dt.date(2020, 4, 8)))
    assert not stored.same_input(make_article(tmp_path, outlet="Other Wire"))
    assert not stored.same_input(make_article(tmp_path, text=TEXT + "More.\n"))


def test_put_replaces_and_remove_cascades(tmp_path):
    a = make_article(tmp_path, "a.txt")
    b = make_article(tmp_path, "b.txt")
    with open_store(tmp_path / "s.sqlite") as store:
        store.put_article(a, mentions=make_mentions("a.txt"),
                          events=[make_event("a.txt"), make_event("a.txt", 1)],
                          extractor_version="1", fingerprint="f")
        store.put_article(b, mentions=make_mentions("b.txt"), events=[make_event("b.txt")],
                          control_facts=[FACT], extractor_version="1", fingerprint="f")
        assert store.counts() == {"articles": 2, "mentions": 4, "events": 3, "sources": 3,
                                  "control_facts": 1}
        store.put_article(a, events=[make_event("a.txt", type="clash")],
                          extractor_version="1", fingerprint="f")
        assert [e.type for e in store.events()] == ["clash", "airstrike"]
        assert store.remove_articles([article_key(b)]) == 1
        assert store.counts() == {"articles": 1, "mentions": 0, "events": 1, "sources": 1,
                                  "control_facts": 0}
        assert [e.sources[0].file for e in store.events()] == ["a.txt"]
        assert store.integrity_check() == "ok"


def test_events_come_back_in_file_order(tmp_path):
    with open_store(tmp_path / "s.sqlite") as store:
        for name in ("c.txt", "a.txt", "b.txt"):
            store.put_article(make_article(tmp_path, name), events=[make_event(name)],
                              extractor_version="1", fingerprint="f")
        assert [e.id for e in store.events()] == ["a.txt-0", "b.txt-0", "c.txt-0"]


def test_failed_transaction_leaves_nothing(tmp_path):
    article = make_article(tmp_path)
    bad = make_event(article.file, type=None)  # NOT NULL violation mid-way
    with open_store(tmp_path / "s.sqlite") as store:
        store.put_article(article, events=[make_event(article.file)],
                          extractor_version="1", fingerprint="f")
        with pytest.raises(sqlite3.IntegrityError):
            store.put_article(article, events=[make_event(article.file, 1), bad],
                              extractor_version="2", fingerprint="g")
        [stored] = store.articles().values()
        assert stored.fingerprint == "f"
        assert [e.id for e in store.events()] == ["a.txt-0"]


def test_wal_and_schema_version(tmp_path):
    path = tmp_path / "s.sqlite"
    with open_store(path) as store:
        assert store.schema_version == SCHEMA_VERSION
        store.set_meta("k", "v")
        store.set_meta("k", "w")
        assert store.get_meta("k") == "w"
        assert store.get_meta("missing") is None
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("SELECT version FROM schema_version").fetchall() == [(SCHEMA_VERSION,)]
    db.close()


def test_second_opener_is_refused_with_pid(tmp_path):
    path = tmp_path / "s.sqlite"
    with open_store(path):
        assert lock_path(path).read_text().strip() == str(__import__("os").getpid())
        with pytest.raises(StoreLockedError, match=r"another frontline run is using .*s\.sqlite"
                                                   r".* \(pid \d+\)"):
            open_store(path)
    # released on close: the next run gets it
    with open_store(path) as store:
        assert store.integrity_check() == "ok"


def test_unlocked_reader_may_open_beside_a_writer(tmp_path):
    path = tmp_path / "s.sqlite"
    with open_store(path) as writer:
        writer.put_article(make_article(tmp_path), extractor_version="1", fingerprint="f")
        with Store(path, lock=False) as reader:
            assert len(reader.articles()) == 1


def test_not_a_store(tmp_path):
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(StoreError, match="junk.sqlite"):
        open_store(junk)
    other = tmp_path / "other.sqlite"
    db = sqlite3.connect(other)
    db.execute("CREATE TABLE people (name TEXT)")
    db.commit()
    db.close()
    with pytest.raises(StoreError, match="not a frontline store"):
        open_store(other)
    # the lock is released after a failed open
    with pytest.raises(StoreError):
        open_store(other)


def test_newer_schema_is_refused_and_older_is_reset(tmp_path):
    path = tmp_path / "s.sqlite"
    with open_store(path) as store:
        store.put_article(make_article(tmp_path), extractor_version="1", fingerprint="f")
    db = sqlite3.connect(path)
    db.execute("UPDATE schema_version SET version = ?", (SCHEMA_VERSION + 1,))
    db.commit()
    with pytest.raises(StoreError, match="newer"):
        open_store(path)
    db.execute("UPDATE schema_version SET version = 0")
    db.commit()
    db.close()
    with open_store(path) as store:
        assert store.schema_version == SCHEMA_VERSION
        assert store.articles() == {}


def test_default_store_path(tmp_path):
    assert default_store_path(tmp_path / "maps") == tmp_path / "maps" / "frontline.sqlite"
