"""Shared fixtures: where the seed articles and the gold annotations live."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"
#: CI clones the repository with ../shared beside it; so does the development checkout.
GOLD = REPO.parent / "shared" / "eval" / "seeds.gold.json"


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return SEEDS


@pytest.fixture(scope="session")
def gold_path() -> Path:
    if not GOLD.is_file():
        pytest.skip(f"gold annotations not found at {GOLD} (shared/ is not beside the checkout)")
    return GOLD
