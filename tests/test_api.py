"""The public API: every exported name resolves, and importing the package stays cheap."""

from __future__ import annotations

import subprocess
import sys

import pytest

import geo


@pytest.mark.parametrize("name", geo.__all__)
def test_every_public_name_resolves(name):
    assert getattr(geo, name) is not None


def test_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        geo.nope  # noqa: B018


def test_import_does_not_load_the_heavy_stages():
    code = (
        "import sys, geo\n"
        "print(sorted(m for m in ('geopandas', 'folium', 'spacy') if m in sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert loaded.stdout.strip() == "[]"
