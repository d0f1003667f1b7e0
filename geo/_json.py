"""JSON text for the outputs, through orjson (several times faster than :mod:`json`).

One place for the options, so that every output encodes alike: NumPy numbers stay
numbers (with the standard library a ``numpy.float64`` is a number but a
``numpy.int64`` is an error, and orjson alone refuses both), non-string keys are
written as strings, dates as ISO dates, and anything else unknown is refused
unless a ``default`` is given.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson

__all__ = ["dumps", "loads"]

_OPTIONS = orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS

loads = orjson.loads


def dumps(
    value: Any,
    *,
    default: Callable[[Any], Any] | None = None,
    sort_keys: bool = False,
    newline: bool = False,
) -> str:
    """Compact JSON text (UTF-8 characters as they are; NaN and infinities as null).

    Examples
    --------
    >>> import numpy as np
    >>> dumps({"n": np.int64(3), "x": np.float64(1.5), 2: "two"})
    '{"n":3,"x":1.5,"2":"two"}'
    """
    options = _OPTIONS
    if sort_keys:
        options |= orjson.OPT_SORT_KEYS
    if newline:
        options |= orjson.OPT_APPEND_NEWLINE
    return orjson.dumps(value, default=default, option=options).decode()
