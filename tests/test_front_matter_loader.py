"""The libyaml front-matter loader gives what the pure-Python one gives, errors included."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from generator import load_generator

from geo.articles import _load_yaml

REPO = Path(__file__).resolve().parents[1]


def blocks(folder: Path) -> list[str]:
    found = []
    for path in sorted(folder.rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        if text.startswith("---\n"):
            found.append(text[4 : text.index("\n---", 4)])
    return found


def test_same_values_on_every_article_we_have(tmp_path):
    load_generator().generate_articles(tmp_path, 200, seed=2)
    found = blocks(tmp_path) + blocks(REPO / "tests" / "data") + blocks(REPO / "seeds")
    assert len(found) > 200
    for block in found:
        assert _load_yaml(block) == yaml.safe_load(block)


@pytest.mark.parametrize(
    "block",
    ["title: [unbalanced", "published: 2020-02-30", "a: b: c", "- a\n- b", "title: 'x\n",
     "published: 2020-04-13\ntitle: Ok\nurl: https://example.org/a?b=c#d", "\tbad: tab"],
)
def test_same_values_and_errors_on_odd_blocks(block):
    try:
        expected = yaml.safe_load(block)
    except (yaml.YAMLError, ValueError) as err:
        with pytest.raises(type(err)) as caught:
            _load_yaml(block)
        assert str(caught.value) == str(err)
    else:
        assert _load_yaml(block) == expected
