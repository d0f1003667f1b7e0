"""Locate the data files shipped with frontline (gazetteer, actors, control, outlines)."""

from __future__ import annotations

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
    packaged = Path(str(resources.files("geo"))) / "data" / name
    if packaged.exists():
        return packaged
    return Path(__file__).resolve().parent.parent / "data" / name
