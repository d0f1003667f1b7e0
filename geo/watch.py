"""Rebuild the map whenever articles arrive in, change in or leave a folder.

:func:`watch` runs :func:`geo.build.build` once, then listens to the folder
with watchdog; after a burst of file events has been quiet for ``debounce``
seconds it builds again (incrementally, so only the touched articles are
processed). A bad file is reported by the build and the watch goes on; so does
any other error of one build. It stops when ``stop`` is set or on Ctrl-C.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from .articles import ARTICLE_SUFFIXES, MANIFEST_NAME
from .build import BuildSummary, ProgressCallback, build
from .errors import ArticleError

__all__ = ["DEFAULT_DEBOUNCE", "watch"]

#: Seconds of quiet after the last file event before rebuilding.
DEFAULT_DEBOUNCE = 1.0
_TICK = 0.05


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
        return path.suffix.lower() in ARTICLE_SUFFIXES or path.name == MANIFEST_NAME

    def take(self, quiet_for: float) -> bool:
        """Whether changes are waiting and have been quiet for ``quiet_for`` seconds."""
        with self.lock:
            if self.last is None or time.monotonic() - self.last < quiet_for:
                return False
            self.last = None
            return True


def watch(
    folder: str | Path,
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
) -> int:
    """Build now, then again after every change under ``folder``, until stopped.

    Parameters
    ----------
    folder
        The folder of articles (watched recursively).
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

    Returns
    -------
    int
        The number of builds run.

    Raises
    ------
    ArticleError
        When ``folder`` is not a folder.

    Examples
    --------
    >>> watch("articles/", "maps/", debounce=1.0)  # doctest: +SKIP
    """
    root = Path(folder)
    if not root.is_dir():
        raise ArticleError(f"not a folder: {str(root)!r}")
    root = root.resolve()
    out = Path(out_dir).resolve()
    ignore = (out,) if store_path is None else (out, Path(store_path).resolve())
    stop = stop or threading.Event()
    changes = _Changes(root, ignore)
    observer = Observer()
    observer.schedule(changes, str(root), recursive=True)
    observer.daemon = True
    observer.start()
    builds = 0

    def run() -> None:
        nonlocal builds
        builds += 1
        try:
            summary = build(
                [root], out, store_path=store_path, online=online, progress=progress,
                workers=workers,
            )
        except Exception as err:  # one failed build must not end the watch
            if on_error is not None:
                on_error(err)
            return
        if on_build is not None:
            on_build(summary)

    try:
        run()
        while not stop.wait(_TICK):
            if changes.take(debounce):
                run()
    finally:
        observer.stop()
        observer.join(timeout=5)
    return builds
