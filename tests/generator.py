"""The benchmarks' article generator (``benchmarks/generate.py``), for tests that need a corpus."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parents[1]


def load_generator() -> ModuleType:
    """Import ``benchmarks/generate.py`` (not a package) as a module."""
    spec = importlib.util.spec_from_file_location("generate", REPO / "benchmarks" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
