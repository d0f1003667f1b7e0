import datetime as dt

import pytest

from geo.errors import DataFileError
from geo.theatre import load_theatre


def test_shipped_theatre_is_libya():
    theatre = load_theatre()
    assert theatre.countries == ("LY",)
    assert theatre.start == dt.date(2019, 4, 4)
    assert theatre.enemy("GNA") == "LNA"
    assert theatre.enemy("LNA") == "GNA"
    assert theatre.enemy("nobody") is None
    assert theatre.bounds is not None


def test_missing_file_is_an_empty_theatre(tmp_path):
    theatre = load_theatre(tmp_path / "theatre.yaml")
    assert theatre.countries == ()
    assert theatre.enemy("GNA") is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("countries: LY\n", "ISO codes"),
        ("countries: [Libya]\n", "ISO codes"),
        ("sides: {A: {fights: [B]}}\n", "not a side"),
        ("period: {start: soon}\n", "not an ISO date"),
        ("view: {bounds: [[40, 10], [30, 20]]}\n", "not a box"),
        ("- a list\n", "mapping"),
        ("countries: [\n", "cannot read"),
    ],
)
def test_bad_theatre_file_names_itself(tmp_path, text, message):
    path = tmp_path / "theatre.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataFileError, match=message) as info:
        load_theatre(path)
    assert str(path) in str(info.value)


def test_several_enemies_give_none(tmp_path):
    path = tmp_path / "theatre.yaml"
    path.write_text("sides: {A: {fights: [B, C]}, B: {fights: [A]}, C: {}}\n", encoding="utf-8")
    theatre = load_theatre(path)
    assert theatre.enemy("A") is None
    assert theatre.enemy("B") == "A"
