"""Fuzz test with a fixed budget (CI); ``python tests/fuzz/run.py`` runs longer and counts."""

from __future__ import annotations

from fuzz.pipeline import article_bytes, check
from hypothesis import HealthCheck, given, settings


@settings(
    max_examples=120,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=article_bytes())
def test_any_article_file_reads_and_extracts_without_raising(tmp_path, data):
    check(tmp_path, data)
