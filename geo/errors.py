"""Exceptions raised by frontline.

Every error derives from :class:`FrontlineError`; each subclass also derives
from the builtin exception it most resembles, so callers may catch either.
The command line turns them into one line and a non-zero exit.
"""

from __future__ import annotations

__all__ = [
    "FrontlineError",
    "ArticleError",
    "GazetteerError",
    "DataFileError",
    "StoreError",
    "StoreLockedError",
    "GeocoderError",
    "BuildRefusedError",
    "ReviewError",
]


class FrontlineError(Exception):
    """Base class of every error frontline raises."""


class ArticleError(FrontlineError, ValueError):
    """An article file cannot be read or understood."""


class DataFileError(FrontlineError, ValueError):
    """A data file (gazetteer, actor list, control baseline, gold file) is malformed."""


class GazetteerError(DataFileError):
    """The gazetteer cannot be loaded."""


class BuildRefusedError(FrontlineError, RuntimeError):
    """A build that would lose stored work without being told to (see ``prune``)."""


class StoreError(FrontlineError, RuntimeError):
    """The processing store cannot be opened or written."""


class StoreLockedError(StoreError):
    """Another frontline run holds the store."""


class GeocoderError(FrontlineError, ConnectionError):
    """The online geocoder failed."""


class ReviewError(FrontlineError, ValueError):
    """A review action names an unknown event, type, place or date, or a bad value."""
