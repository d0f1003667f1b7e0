"""The processing store: what has been extracted from which article, in one SQLite file.

``frontline build`` keeps, for every article it has read, the content hash and
metadata it saw, when it processed it, with which extractor version, and the
article's place mentions, unmerged events (with their sources) and the control
facts its text states. An incremental build re-extracts only new and changed
articles; merged events, control and the map are recomputed from the store.

The store is an embedded SQLite database (no server) in WAL mode. Each article
is written in its own transaction, so a run killed at any moment leaves a
consistent store. A lock file ``<store>.lock`` (``fcntl.flock``, non-blocking)
keeps two runs off one store: the second gets :class:`~geo.errors.StoreLockedError`.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import sqlite3
from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import StoreError, StoreLockedError
from .model import Article, ControlFact, Event, Place, PlaceMention, Source

__all__ = [
    "SCHEMA_VERSION",
    "STORE_NAME",
    "Store",
    "StoredArticle",
    "article_key",
    "default_store_path",
    "lock_path",
    "open_store",
]

#: Bumped whenever the tables change; an older store is emptied and rebuilt.
SCHEMA_VERSION = 2
#: The store's file name beside the outputs when no ``--store`` is given.
STORE_NAME = "frontline.sqlite"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles (
    path TEXT PRIMARY KEY,
    file TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    title TEXT,
    published TEXT,
    published_from TEXT,
    outlet TEXT,
    url TEXT,
    processed_at TEXT NOT NULL,
    extractor_version TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    input_key TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS mentions (
    article TEXT NOT NULL REFERENCES articles(path) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    file TEXT NOT NULL,
    text TEXT NOT NULL,
    start INTEGER NOT NULL,
    end_ INTEGER NOT NULL,
    relation TEXT,
    distance_km REAL,
    bearing TEXT,
    score REAL NOT NULL,
    place_id TEXT,
    name TEXT,
    lat REAL,
    lon REAL,
    kind TEXT,
    country TEXT,
    admin1 TEXT,
    geonames_id INTEGER,
    population INTEGER,
    alt_names TEXT,
    place_source TEXT,
    PRIMARY KEY (article, seq)
);
CREATE TABLE IF NOT EXISTS events (
    article TEXT NOT NULL REFERENCES articles(path) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    event_id TEXT NOT NULL,
    type TEXT NOT NULL,
    date TEXT NOT NULL,
    date_end TEXT,
    date_precision TEXT NOT NULL,
    place TEXT NOT NULL,
    place_id TEXT,
    lat REAL NOT NULL,
    lon REAL NOT NULL,
    geo_precision TEXT NOT NULL,
    actor TEXT,
    target TEXT,
    status TEXT NOT NULL,
    claimed_by TEXT,
    fatalities INTEGER,
    PRIMARY KEY (article, seq)
);
CREATE TABLE IF NOT EXISTS sources (
    article TEXT NOT NULL,
    event_seq INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    file TEXT NOT NULL,
    outlet TEXT,
    url TEXT,
    published TEXT,
    sentence TEXT NOT NULL,
    PRIMARY KEY (article, event_seq, seq),
    FOREIGN KEY (article, event_seq) REFERENCES events(article, seq) ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS corrections (
    seq INTEGER PRIMARY KEY,
    line TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS control_facts (
    article TEXT NOT NULL REFERENCES articles(path) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    place TEXT NOT NULL,
    place_id TEXT NOT NULL,
    lat REAL NOT NULL,
    lon REAL NOT NULL,
    controller TEXT NOT NULL,
    date TEXT NOT NULL,
    date_end TEXT,
    source TEXT NOT NULL,
    origin TEXT NOT NULL,
    PRIMARY KEY (article, seq)
);
"""
#: The analysts' corrections (geo.review), mirrored from their file: kept in a store of this
#: schema version made before the table was (it is created when missing).
_CORRECTIONS_TABLE = (
    "CREATE TABLE IF NOT EXISTS corrections (seq INTEGER PRIMARY KEY, line TEXT NOT NULL)"
)
_TABLES = (
    "corrections", "control_facts", "sources", "events", "mentions", "articles", "meta",
    "schema_version",
)


def default_store_path(out_dir: str | Path) -> Path:
    """Where the store lives when none is named: ``<out_dir>/frontline.sqlite``."""
    return Path(out_dir) / STORE_NAME


def lock_path(store_path: str | Path) -> Path:
    """Return the lock file guarding a store: ``<store>.lock``."""
    return Path(f"{store_path}.lock")


@dataclass(frozen=True)
class StoredArticle:
    """What the store remembers of one processed article."""

    path: str
    file: str
    sha256: str
    title: str | None
    published: dt.date | None
    published_from: str | None
    outlet: str | None
    url: str | None
    processed_at: str
    extractor_version: str
    fingerprint: str
    #: a digest of the raw file, its name and its manifest row (see :func:`geo.build.build`)
    input_key: str = ""

    def same_input(self, article: Article) -> bool:
        """Whether ``article`` has the content and metadata this one was processed from.

        The publication date, outlet, URL and title may come from a folder's
        manifest, so a change there counts as a change of the article.
        """
        return (
            self.sha256 == article.sha256
            and self.file == article.file
            and self.title == article.title
            and self.published == article.published
            and self.published_from == article.published_from
            and self.outlet == article.outlet
            and self.url == article.url
        )


def article_key(article: Article) -> str:
    """Return the store's key for an article: its resolved path."""
    return Path(article.path).resolve().as_posix()


class _Lock:
    """An exclusive, non-blocking ``flock`` on ``<store>.lock`` holding the owner's pid."""

    def __init__(self, store_path: Path) -> None:
        self.path = lock_path(store_path)
        self.store_path = store_path
        self._fd: int | None = None

    def acquire(self) -> None:
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as err:
            raise StoreError(f"cannot create lock file {str(self.path)!r}: {err}") from err
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as err:
            pid = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "unknown"
            os.close(fd)
            raise StoreLockedError(
                f"another frontline run is using {str(self.store_path)!r} (pid {pid})"
            ) from err
        except OSError as err:
            os.close(fd)
            raise StoreError(f"cannot lock {str(self.path)!r}: {err}") from err
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        self._fd = fd

    def release(self) -> None:
        if self._fd is None:
            return
        # The file stays: unlinking it would let a third run lock a fresh inode
        # while a second still holds the old one.
        try:
            os.ftruncate(self._fd, 0)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            os.close(self._fd)
            self._fd = None


class Store:
    """An open processing store.

    Use :func:`open_store` (or the class itself) as a context manager; the lock
    is held from opening to closing.

    Parameters
    ----------
    path
        The SQLite file; created, with its folder, when missing.
    lock
        Take the ``<store>.lock`` lock (default). Without it the store is only
        safe to read.

    Raises
    ------
    StoreLockedError
        When another run holds the lock.
    StoreError
        When the file is not a frontline store, was written by a newer
        frontline, or cannot be opened.

    Examples
    --------
    >>> with open_store("maps/frontline.sqlite") as store:  # doctest: +SKIP
    ...     len(store.articles())
    6
    """

    def __init__(self, path: str | Path, *, lock: bool = True) -> None:
        self.path = Path(path)
        self._lock: _Lock | None = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise StoreError(
                f"cannot create the folder of store {str(self.path)!r}: {err}"
            ) from err
        if lock:
            self._lock = _Lock(self.path)
            self._lock.acquire()
        try:
            self._db = sqlite3.connect(self.path, isolation_level=None, timeout=30.0)
            self._db.row_factory = sqlite3.Row
            self._db.execute("PRAGMA foreign_keys = ON")
            self._db.execute("PRAGMA journal_mode = WAL")
            # In WAL mode NORMAL never corrupts the database; a power cut may only
            # lose the last transactions, which the next build redoes.
            self._db.execute("PRAGMA synchronous = NORMAL")
            self._init_schema()
        except sqlite3.DatabaseError as err:
            self._release()
            raise StoreError(f"{str(self.path)!r} is not a usable frontline store: {err}") from err
        except BaseException:
            self._release()
            raise

    # -- lifecycle ---------------------------------------------------------------

    def close(self) -> None:
        """Close the database and release the lock."""
        db = getattr(self, "_db", None)
        if db is not None:
            db.close()
            self._db = None  # type: ignore[assignment]
        self._release()

    def _release(self) -> None:
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Run the block in one write transaction: all of it is stored, or none."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def _init_schema(self) -> None:
        tables = {
            row[0]
            for row in self._db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        version = None
        if "schema_version" in tables:
            row = self._db.execute("SELECT max(version) FROM schema_version").fetchone()
            version = row[0]
        elif tables - {"sqlite_sequence"}:
            raise StoreError(
                f"{str(self.path)!r} is an SQLite database but not a frontline store"
            )
        if version is not None and version > SCHEMA_VERSION:
            raise StoreError(
                f"store {str(self.path)!r} has schema version {version}, newer than this "
                f"frontline understands ({SCHEMA_VERSION}); upgrade frontline or use --store"
            )
        if version == SCHEMA_VERSION:
            if "corrections" not in tables:
                self._db.execute(_CORRECTIONS_TABLE)
            return
        with self.transaction() as db:
            if version is not None:
                # An older layout: the store only caches what the articles yield,
                # so it is emptied and every article is processed again.
                for table in _TABLES:
                    db.execute(f"DROP TABLE IF EXISTS {table}")
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    db.execute(statement)
            db.execute("INSERT INTO schema_version (version) VALUES (?)", (SCHEMA_VERSION,))

    # -- metadata ----------------------------------------------------------------

    def get_meta(self, key: str) -> str | None:
        """Return a value saved with :meth:`set_meta`, or None."""
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        """Save a small text value (e.g. the fingerprint of the last run's inputs)."""
        with self.transaction() as db:
            db.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    @property
    def revision(self) -> int:
        """A count that grows whenever an article is stored or removed (0 for a new store).

        Outputs made from the store at one revision are made from the same
        content as long as the revision holds.
        """
        value = self.get_meta(_REVISION)
        try:
            return int(value) if value is not None else 0
        except ValueError:
            return 0

    @property
    def schema_version(self) -> int:
        """The schema version of the open store."""
        return int(self._db.execute("SELECT max(version) FROM schema_version").fetchone()[0])

    # -- articles ----------------------------------------------------------------

    def articles(self) -> dict[str, StoredArticle]:
        """Every stored article, keyed by resolved path."""
        rows = self._db.execute("SELECT * FROM articles ORDER BY file, path")
        return {
            row["path"]: StoredArticle(
                path=row["path"],
                file=row["file"],
                sha256=row["sha256"],
                title=row["title"],
                published=_date(row["published"]),
                published_from=row["published_from"],
                outlet=row["outlet"],
                url=row["url"],
                processed_at=row["processed_at"],
                extractor_version=row["extractor_version"],
                fingerprint=row["fingerprint"],
                input_key=row["input_key"],
            )
            for row in rows
        }

    def put_article(
        self,
        article: Article,
        *,
        mentions: Sequence[PlaceMention] = (),
        events: Sequence[Event] = (),
        control_facts: Sequence[ControlFact] = (),
        extractor_version: str,
        fingerprint: str,
        input_key: str = "",
    ) -> None:
        """Store one article and what was extracted from it, replacing earlier results.

        ``fingerprint`` identifies what it was processed with (gazetteer, actors,
        extractor version...); ``input_key`` identifies the input itself, so a
        later run can tell an unchanged file without parsing it. Everything is
        written in one transaction.
        """
        self.put_articles(
            [(article, mentions, events, control_facts, input_key)],
            extractor_version=extractor_version,
            fingerprint=fingerprint,
        )

    def put_articles(
        self,
        entries: Sequence[
            tuple[Article, Sequence[PlaceMention], Sequence[Event], Sequence[ControlFact], str]
        ],
        *,
        extractor_version: str,
        fingerprint: str,
    ) -> None:
        """Store several articles as :meth:`put_article` does, all in one transaction.

        ``entries`` holds ``(article, mentions, events, control_facts, input_key)``
        per article. A build writes its results in batches this way: one commit
        per batch rather than per article, and a run killed in between leaves
        whole batches stored.
        """
        if not entries:
            return
        now = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
        with self.transaction() as db:
            _bump_revision(db)
            for article, mentions, events, control_facts, input_key in entries:
                self._insert(db, article, mentions, events, control_facts, now=now,
                             extractor_version=extractor_version, fingerprint=fingerprint,
                             input_key=input_key)

    @staticmethod
    def _insert(
        db: sqlite3.Connection,
        article: Article,
        mentions: Sequence[PlaceMention],
        events: Sequence[Event],
        control_facts: Sequence[ControlFact],
        *,
        now: str,
        extractor_version: str,
        fingerprint: str,
        input_key: str,
    ) -> None:
        key = article_key(article)
        db.execute("DELETE FROM articles WHERE path = ?", (key,))
        db.execute(
            "INSERT INTO articles VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                key, article.file, article.sha256, article.title, _iso(article.published),
                article.published_from, article.outlet, article.url, now,
                extractor_version, fingerprint, input_key,
            ),
        )
        db.executemany(
            "INSERT INTO mentions VALUES "
            "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [_mention_row(key, seq, m) for seq, m in enumerate(mentions)],
        )
        db.executemany(
            "INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [_event_row(key, seq, e) for seq, e in enumerate(events)],
        )
        db.executemany(
            "INSERT INTO sources VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (key, event_seq, seq, s.file, s.outlet, s.url, _iso(s.published), s.sentence)
                for event_seq, e in enumerate(events)
                for seq, s in enumerate(e.sources)
            ],
        )
        db.executemany(
            "INSERT INTO control_facts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    key, seq, f.place, f.place_id, f.lat, f.lon, f.controller,
                    f.date.isoformat(), _iso(f.date_end), f.source, f.origin,
                )
                for seq, f in enumerate(control_facts)
            ],
        )

    def remove_articles(self, paths: Iterable[str]) -> int:
        """Drop articles (by stored path) and everything extracted from them.

        Returns the number removed. One transaction.
        """
        removed = 0
        with self.transaction() as db:
            for path in paths:
                removed += db.execute("DELETE FROM articles WHERE path = ?", (path,)).rowcount
            if removed:
                _bump_revision(db)
        return removed

    # -- extracted values ---------------------------------------------------------

    def mentions(self) -> list[PlaceMention]:
        """Every stored place mention, by article file, then in text order."""
        by_article = self.mentions_by_article()
        return [m for path in self.paths() for m in by_article.get(path, ())]

    def events(self) -> list[Event]:
        """Every stored (unmerged) event with its sources, by article file, then as extracted."""
        by_article = self.events_by_article()
        return [e for path in self.paths() for e in by_article.get(path, ())]

    def mentions_by_article(
        self, paths: Collection[str] | None = None
    ) -> dict[str, list[PlaceMention]]:
        """The stored place mentions of each article (all, or those named), in text order.

        Keyed by the article's stored path; an article without mentions is absent.
        """
        out: dict[str, list[PlaceMention]] = {}
        places: dict[tuple[Any, ...], Place] = {}  # a place recurs: decode it once
        for row in self._rows_of("mentions", _MENTION_COLUMNS, paths):
            out.setdefault(row[0], []).append(_mention(row, places))
        return out

    def events_by_article(self, paths: Collection[str] | None = None) -> dict[str, list[Event]]:
        """The stored (unmerged) events of each article (all, or those named), as extracted.

        Keyed by the article's stored path; an article without events is absent.
        """
        sources: dict[tuple[str, int], list[Source]] = {}
        for article, event_seq, file, outlet, url, published, sentence in self._rows_of(
            "sources", "article, event_seq, file, outlet, url, published, sentence", paths,
            order="event_seq, seq",
        ):
            sources.setdefault((article, event_seq), []).append(
                Source(file, outlet, url, _date(published), sentence)
            )
        out: dict[str, list[Event]] = {}
        for row in self._rows_of("events", _EVENT_COLUMNS, paths):
            out.setdefault(row[0], []).append(
                Event(
                    id=row[2],
                    type=row[3],
                    date=_date(row[4]),
                    date_end=_date(row[5]),
                    date_precision=row[6],
                    place=row[7],
                    place_id=row[8],
                    lat=row[9],
                    lon=row[10],
                    geo_precision=row[11],
                    actor=row[12],
                    target=row[13],
                    status=row[14],
                    claimed_by=row[15],
                    fatalities=row[16],
                    sources=sources.get((row[0], row[1]), []),
                )
            )
        return out

    def paths(self) -> list[str]:
        """Stored paths in the order of :meth:`articles` (by file, then path)."""
        return [row[0] for row in self._tuples("SELECT path FROM articles ORDER BY file, path")]

    def _rows_of(
        self, table: str, columns: str, paths: Collection[str] | None, *, order: str = "seq"
    ) -> Iterator[tuple[Any, ...]]:
        """Rows of a per-article table (all, or of the named articles), by article, then ``order``.

        The first column must be the article's path.
        """
        sql = f"SELECT {columns} FROM {table}"
        if paths is None:
            yield from self._tuples(f"{sql} ORDER BY article, {order}")
            return
        wanted = sorted(set(paths))
        for i in range(0, len(wanted), _CHUNK):
            chunk = wanted[i : i + _CHUNK]
            marks = ", ".join("?" * len(chunk))
            yield from self._tuples(
                f"{sql} WHERE article IN ({marks}) ORDER BY article, {order}", chunk
            )

    def _tuples(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        """Run a query whose rows come as plain tuples (faster than :class:`sqlite3.Row`)."""
        cursor = self._db.cursor()
        cursor.row_factory = None
        return cursor.execute(sql, params)

    def control_facts(self) -> list[ControlFact]:
        """Every stored control fact stated by an article's text."""
        rows = self._db.execute(
            "SELECT c.* FROM control_facts c JOIN articles a ON a.path = c.article "
            "ORDER BY a.file, a.path, c.seq"
        )
        return [
            ControlFact(
                place=row["place"],
                place_id=row["place_id"],
                lat=row["lat"],
                lon=row["lon"],
                controller=row["controller"],
                date=dt.date.fromisoformat(row["date"]),
                date_end=_date(row["date_end"]),
                source=row["source"],
                origin=row["origin"],
            )
            for row in rows
        ]

    def corrections(self) -> list[str]:
        """The mirrored corrections (:mod:`geo.review`): one JSON line each, in order."""
        return [row[0] for row in self._tuples("SELECT line FROM corrections ORDER BY seq")]

    def set_corrections(self, lines: Sequence[str]) -> bool:
        """Make the mirror hold these JSON lines; return whether it changed.

        The corrections file is the record and this only its copy: a build
        mirrors the file here, and brings the file back from here when it is gone.
        """
        lines = list(lines)
        if lines == self.corrections():
            return False
        with self.transaction() as db:
            db.execute("DELETE FROM corrections")
            db.executemany("INSERT INTO corrections (seq, line) VALUES (?, ?)",
                           list(enumerate(lines, start=1)))
        return True

    def counts(self) -> dict[str, int]:
        """Row counts per table (articles, mentions, events, sources, control_facts)."""
        return {
            table: int(self._db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
            for table in ("articles", "mentions", "events", "sources", "control_facts")
        }

    def integrity_check(self) -> str:
        """SQLite's ``PRAGMA integrity_check``: ``"ok"`` for a sound file."""
        return str(self._db.execute("PRAGMA integrity_check").fetchone()[0])


def open_store(path: str | Path, *, lock: bool = True) -> Store:
    """Open (creating if needed) the store at ``path``; see :class:`Store`."""
    return Store(path, lock=lock)


# -- row conversion -------------------------------------------------------------------

#: The meta key of :attr:`Store.revision`.
_REVISION = "revision"


def _bump_revision(db: sqlite3.Connection) -> None:
    db.execute(
        "INSERT INTO meta (key, value) VALUES (?, '1') "
        "ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1",
        (_REVISION,),
    )



def _iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _mention_row(key: str, seq: int, m: PlaceMention) -> tuple[Any, ...]:
    p = m.place
    place: tuple[Any, ...] = (None,) * 11
    if p is not None:
        place = (
            p.place_id, p.name, p.lat, p.lon, p.kind, p.country, p.admin1, p.geonames_id,
            p.population, json.dumps(list(p.alt_names), ensure_ascii=False), p.source,
        )
    return (
        key, seq, m.article, m.text, m.start, m.end, m.relation, m.distance_km, m.bearing,
        m.score, *place,
    )


#: The columns :func:`_mention` reads, in its order.
_MENTION_COLUMNS = (
    "article, file, text, start, end_, relation, distance_km, bearing, score, "
    "place_id, name, lat, lon, kind, country, admin1, geonames_id, "
    "population, alt_names, place_source"
)
#: The columns :meth:`Store.events_by_article` reads, in its order.
_EVENT_COLUMNS = (
    "article, seq, event_id, type, date, date_end, date_precision, place, "
    "place_id, lat, lon, geo_precision, actor, target, status, claimed_by, "
    "fatalities"
)
#: Article paths per query when rows of some articles are read (SQLite's limit on
#: bound parameters is 999 in old builds).
_CHUNK = 500


def _mention(row: tuple[Any, ...], places: dict[tuple[Any, ...], Place]) -> PlaceMention:
    """The mention in ``row`` (columns :data:`_MENTION_COLUMNS`).

    ``places`` memoises the places decoded so far, by their columns: mentions of
    one place share one (frozen) :class:`Place`.
    """
    place = None
    if row[9] is not None:
        key = row[9:]
        place = places.get(key)
        if place is None:
            place = places[key] = Place(
                place_id=row[9],
                name=row[10],
                lat=row[11],
                lon=row[12],
                kind=row[13],
                country=row[14],
                admin1=row[15],
                geonames_id=row[16],
                population=row[17],
                alt_names=tuple(json.loads(row[18] or "[]")),
                source=row[19],
            )
    return PlaceMention(
        article=row[1],
        text=row[2],
        start=row[3],
        end=row[4],
        place=place,
        relation=row[5],
        distance_km=row[6],
        bearing=row[7],
        score=row[8],
    )


def _event_row(key: str, seq: int, e: Event) -> tuple[Any, ...]:
    return (
        # an undated event is stored with an empty date (the column is NOT NULL)
        key, seq, e.id, e.type, _iso(e.date) or "", _iso(e.date_end), e.date_precision,
        e.place, e.place_id, e.lat, e.lon, e.geo_precision, e.actor, e.target, e.status,
        e.claimed_by, e.fatalities,
    )
