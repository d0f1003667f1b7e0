"""Shared fixtures: where the seed articles and the gold annotations live."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"
#: the seeds' hand annotations, copied from ../shared/eval/ so the repository stands alone
GOLD = REPO / "tests" / "data" / "seeds.gold.json"


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return SEEDS


@pytest.fixture(scope="session")
def gold_path() -> Path:
    if not GOLD.is_file():
        pytest.fail(f"gold annotations not found at {GOLD}")
    return GOLD
