"""Locate the data files shipped with frontline (gazetteer, actors, control, outlines)."""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

from . import settings


def data_path(name: str) -> Path:
    """Return the path of a shipped data file.

    ``settings.data_dir`` (or the ``FRONTLINE_DATA`` environment variable) wins;
    then the copy packaged inside ``geo/data``; then the repository's ``data/``
    folder (an editable install).
    """
    if settings.data_dir is not None:
        return Path(settings.data_dir) / name
    return shipped_path(name)


def shipped_path(name: str) -> Path:
    """Return the path of the data file shipped with frontline, whatever ``data_dir`` says.

    The copy packaged inside ``geo/data``, else the repository's ``data/`` folder.
    """
    packaged = _package_dir() / "data" / name
    if packaged.exists():
        return packaged
    return Path(__file__).resolve().parent.parent / "data" / name


@cache
def _package_dir() -> Path:
    """Where the ``geo`` package is: looked up once (it costs more than the file checks)."""
    return Path(str(resources.files("geo")))


def file_stamp(path: Path) -> tuple[int, int, int] | None:
    """A file's modification time (ns), size and inode, which change when it is rewritten.

    None when it cannot be read. Caches of what is read from a data file key on it,
    so that a long-running process (``frontline watch``) sees an edit.
    """
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size, st.st_ino
