"""A file beside the store with every stored article's rows, ready to use.

A new ``frontline build`` process needs every stored event and place mention
to merge and map them; building them from the store's tables costs about
0.6 s at 10,000 articles. This cache holds them as the last build had them
(pickled, about 1 MB per 1,000 articles) and is read in about a quarter of
that time.

What makes it safe to use:

- each article's entry is used only while the store still holds that
  article as it was when the entry was written (same input key, processing
  fingerprint, that is the data and extractor it was processed with, and
  processing time); any other article is read from the store as before;
- the whole file is used only with the code that wrote it (the digest of
  this package's files) and only when its SHA-256 is the one the store
  recorded when the file was written: a file changed, cut short or replaced
  since is ignored with one warning line (it is never unpickled), and so is
  one that cannot be read;
- it is written to a temporary file and renamed, and only when more than
  ``settings.row_cache_stale`` of the articles (or 200 articles) are missing
  from it, so adding one article does not rewrite it.

The file is ``<store>.rows``.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
from collections.abc import Callable, Mapping
from pathlib import Path

from . import settings
from .model import Event, PlaceMention, Problem
from .store import Store, StoredArticle

__all__ = ["cache_path", "load_rows", "save_rows"]

_META = "rows_cache"
_FORMAT = 1

#: What an entry must match in the store: the article as it was stored.
Stamp = tuple[str, str, str]
#: The rows of one article: its events and its place mentions.
Rows = tuple[list[Event], list[PlaceMention]]


def cache_path(store: Store) -> Path:
    """Where the cache of ``store`` is kept: ``<store>.rows`` beside it."""
    return store.path.with_name(store.path.name + ".rows")


def _stamp(article: StoredArticle) -> Stamp:
    return (article.input_key, article.fingerprint, article.processed_at)


def load_rows(
    store: Store,
    stored: Mapping[str, StoredArticle],
    problems: list[Problem],
    *,
    code: str,
) -> dict[str, Rows]:
    """The cached rows of the articles the store still holds as they were cached.

    ``code`` is the digest of the code that runs (see :mod:`geo.build`); a
    cache written by other code is not read. A cache that cannot be trusted
    adds one warning to ``problems`` and gives nothing.
    """
    path = cache_path(store)
    try:
        record = json.loads(store.get_meta(_META) or "null")
        expected = str(record["sha256"])
        if record.get("format") != _FORMAT or record.get("code") != code:
            return {}
    except (ValueError, TypeError, KeyError, AttributeError):
        return {}
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as err:
        problems.append(_warning(path, f"cannot be read ({err.strerror or err})"))
        return {}
    if hashlib.sha256(data).hexdigest() != expected:
        problems.append(_warning(path, "is not the file the store recorded (changed or cut "
                                       "short)"))
        return {}
    try:
        entries = pickle.loads(data)  # noqa: S301 - the file the store vouches for, checked
        if not isinstance(entries, dict):
            raise TypeError(f"a {type(entries).__name__}, not a table of articles")
    except Exception as err:  # a file the store vouches for but that does not load
        problems.append(_warning(path, f"cannot be loaded ({type(err).__name__}: {err})"))
        return {}
    found: dict[str, Rows] = {}
    for key, article in stored.items():
        entry = entries.get(key)
        if entry is not None and entry[0] == _stamp(article):
            found[key] = (entry[1], entry[2])
    return found


def save_rows(
    store: Store,
    rows: Callable[[], Mapping[str, Rows]],
    *,
    total: int,
    cached: int,
    code: str,
) -> bool:
    """Write the cache of ``store`` when too many of its articles are missing from it.

    ``rows()`` gives every stored article's rows (read only when the cache is
    written); of the ``total`` stored articles, the current cache holds
    ``cached``. Returns whether it wrote. A file that cannot be written is
    left as it was (the next process reads the store instead).
    """
    missing = total - cached
    if not total or (cached and missing <= max(200, settings.row_cache_stale * total)):
        return False
    table = rows()
    stored = store.articles()
    entries = {
        key: (_stamp(article), *table[key]) for key, article in stored.items() if key in table
    }
    data = pickle.dumps(entries, protocol=pickle.HIGHEST_PROTOCOL)
    path = cache_path(store)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)
        return False
    record = {"format": _FORMAT, "code": code, "sha256": hashlib.sha256(data).hexdigest()}
    store.set_meta(_META, json.dumps(record))
    return True


def _warning(path: Path, message: str) -> Problem:
    return Problem(str(path), f"row cache {message}; reading the store instead",
                   severity="warning")
