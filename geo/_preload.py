"""Imported once by the forkserver that forks :mod:`geo.workers`' pool processes.

It imports the extraction modules and builds the place matcher and the rules
with the settings the building process put in ``FRONTLINE_WORKER_SETTINGS``,
so every worker forked from the server starts with them (shared, copy on
write) instead of building its own: about two seconds of CPU per worker.
A worker checks the state it inherits like any cache (the data files'
stamps), so a stale one is rebuilt, never used. Nothing here may raise: the
forkserver would die with it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path


def _warm() -> None:
    from . import settings
    from .workers import WorkerConfig, _warm_up, _Worker

    values = json.loads(os.environ.get("FRONTLINE_WORKER_SETTINGS") or "{}")
    for name, value in values.items():
        if name in ("data_dir", "cache_dir") and value is not None:
            value = Path(value)
        if hasattr(settings, name):
            setattr(settings, name, value)
    _warm_up(_Worker(WorkerConfig(settings={}, theatre=None, online=False, inputs={})))


try:
    _warm()
except Exception:  # noqa: S110 - a cold worker is slower, not wrong
    pass
