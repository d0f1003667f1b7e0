"""Rebuild the map whenever articles arrive in, change in or leave a folder.

:func:`watch` runs :func:`geo.build.build` once, then listens to the folder
with watchdog; after a burst of file events has been quiet for ``debounce``
seconds it builds again (incrementally, so only the touched articles are
processed). A bad file is reported by the build and the watch goes on; so does
any other error of one build. It stops when ``stop`` is set or on Ctrl-C.

With ``fetch_sources`` it also fetches feeds and links into the folder
(:func:`geo.fetch.fetch`) at the start and then every ``every`` seconds; the
articles it writes are file events like any other, so the map follows.
"""

from __future__ import annotations

import contextlib
import re
import threading
import time
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from .articles import ARTICLE_SUFFIXES, MANIFEST_NAME
from .build import BuildSummary, ProgressCallback, build
from .errors import ArticleError, FrontlineError
from .review import CORRECTIONS_NAME

if TYPE_CHECKING:
    from .fetch import FetchSummary

__all__ = ["DEFAULT_DEBOUNCE", "DEFAULT_EVERY", "WatchError", "parse_every", "watch"]

#: Seconds of quiet after the last file event before rebuilding.
DEFAULT_DEBOUNCE = 1.0
#: Seconds between two fetches of the watch's sources (15 minutes).
DEFAULT_EVERY = 900.0
_TICK = 0.05
_EVERY = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h)?\s*$", re.IGNORECASE)
_UNIT = {"s": 1.0, "m": 60.0, "h": 3600.0}


class WatchError(FrontlineError, ValueError):
    """A watch option is not usable."""


def parse_every(text: str) -> float:
    """Seconds in an interval written ``90s``, ``15m``, ``2h`` or a bare number of seconds.

    Raises
    ------
    WatchError
        For anything else, or an interval of zero.

    Examples
    --------
    >>> parse_every("15m")
    900.0
    """
    found = _EVERY.match(text)
    if found is None or float(found.group(1)) <= 0:
        raise WatchError(f"--every {text!r} is not an interval such as 90s, 15m or 2h")
    return float(found.group(1)) * _UNIT[(found.group(2) or "s").lower()]


class _Changes(FileSystemEventHandler):
    """Remember when the last relevant file event happened."""

    def __init__(self, folder: Path, ignore: tuple[Path, ...]) -> None:
        self.folder = folder
        self.ignore = ignore
        self.lock = threading.Lock()
        self.last: float | None = None

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return
        if event.is_directory and event.event_type in ("modified", "attrib"):
            return  # a folder "modified" only echoes changes to its files, reported apart
        paths = [event.src_path, getattr(event, "dest_path", "") or ""]
        if any(self._relevant(Path(str(p)), event.is_directory) for p in paths if p):
            with self.lock:
                self.last = time.monotonic()

    def _relevant(self, path: Path, is_directory: bool) -> bool:
        try:
            rel = path.resolve().relative_to(self.folder)
        except ValueError:
            return False
        if any(part.startswith(".") for part in rel.parts):
            return False
        if any(path.resolve().is_relative_to(p) for p in self.ignore):
            return False
        if is_directory:
            return True  # a folder moved in or out, or deleted
        # the analysts' corrections (geo.review) change the map too: the build applies them
        return path.suffix.lower() in ARTICLE_SUFFIXES or path.name in (
            MANIFEST_NAME, CORRECTIONS_NAME
        )

    def take(self, quiet_for: float) -> bool:
        """Whether changes are waiting and have been quiet for ``quiet_for`` seconds."""
        with self.lock:
            if self.last is None or time.monotonic() - self.last < quiet_for:
                return False
            self.last = None
            return True


def watch(
    folder: str | Path | Sequence[str | Path],
    out_dir: str | Path,
    *,
    store_path: str | Path | None = None,
    online: bool = False,
    workers: int | None = None,
    debounce: float = DEFAULT_DEBOUNCE,
    on_build: Callable[[BuildSummary], None] | None = None,
    on_error: Callable[[Exception], None] | None = None,
    progress: ProgressCallback | None = None,
    stop: threading.Event | None = None,
    fetch_sources: Sequence[str | Path] | None = None,
    every: float = DEFAULT_EVERY,
    match: str | None = None,
    on_fetch: Callable[[FetchSummary], None] | None = None,
    lock: AbstractContextManager[object] | None = None,
) -> int:
    """Build now, then again after every change under ``folder``, until stopped.

    Parameters
    ----------
    folder
        The folder of articles (watched recursively), or several: one build takes
        them all.
    out_dir
        Output folder, as for :func:`geo.build.build`.
    store_path, online, workers, progress
        Passed to :func:`geo.build.build`.
    debounce
        Seconds of quiet after the last file event before rebuilding.
    on_build
        Called with each build's summary (its ``problems`` name the bad files).
    on_error
        Called with any exception a build raises; the watch goes on.
    stop
        Set it (from another thread) to end the watch; Ctrl-C ends it too.
    fetch_sources
        Feeds, links and lists of them to fetch into ``folder``
        (:func:`geo.fetch.fetch`) at the start and every ``every`` seconds.
    every
        Seconds between two fetches.
    match
        Passed to :func:`geo.fetch.fetch`.
    on_fetch
        Called with each fetch's summary (its ``problems`` name the failed URLs);
        a fetch that cannot start goes to ``on_error``.
    lock
        Held around every build (``frontline serve`` shares one with the reviews
        it writes to the store).

    Returns
    -------
    int
        The number of builds run.

    Raises
    ------
    ArticleError
        When ``folder`` is not a folder.
    WatchError
        When ``every`` is not a positive number.

    Examples
    --------
    >>> watch("articles/", "maps/", debounce=1.0)  # doctest: +SKIP
    >>> watch("articles/", "maps/", fetch_sources=["feeds.txt"], every=900)  # doctest: +SKIP
    """
    given = [folder] if isinstance(folder, (str, Path)) else list(folder)
    for path in map(Path, given):
        if not path.is_dir():
            raise ArticleError(f"not a folder: {str(path)!r}")
    if not given:
        raise ArticleError("no folder to watch")
    if every <= 0:
        raise WatchError(f"every must be a positive number of seconds, not {every!r}")
    roots = [Path(path).resolve() for path in given]
    root = roots[0]  # where fetched articles go
    out = Path(out_dir).resolve()
    ignore = (out,) if store_path is None else (out, Path(store_path).resolve())
    stop = stop or threading.Event()
    guard: AbstractContextManager[object] = lock if lock is not None else contextlib.nullcontext()
    handlers = [_Changes(path, ignore) for path in roots]
    observer = Observer()
    for path, handler in zip(roots, handlers, strict=True):
        observer.schedule(handler, str(path), recursive=True)
    observer.daemon = True
    observer.start()
    builds = 0

    def run() -> None:
        nonlocal builds
        builds += 1
        try:
            with guard:
                summary = build(
                    roots, out, store_path=store_path, online=online, progress=progress,
                    workers=workers,
                )
        except Exception as err:  # one failed build must not end the watch
            if on_error is not None:
                on_error(err)
            return
        if on_build is not None:
            on_build(summary)

    def fetch_now() -> None:
        from .fetch import fetch

        try:
            summary = fetch(list(fetch_sources or ()), root, match=match, stop=stop)
        except Exception as err:  # nor must one failed fetch
            if on_error is not None:
                on_error(err)
            return
        if on_fetch is not None:
            on_fetch(summary)

    next_fetch = time.monotonic()
    try:
        if fetch_sources:
            fetch_now()
            next_fetch = time.monotonic() + every
        run()
        while not stop.wait(_TICK):
            if fetch_sources and time.monotonic() >= next_fetch:
                fetch_now()
                next_fetch = time.monotonic() + every
            if any([handler.take(debounce) for handler in handlers]):
                run()
    finally:
        observer.stop()
        observer.join(timeout=5)
    return builds
