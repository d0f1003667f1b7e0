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
        ("outlets: [SANA]\n", "outlets must map"),
        ("outlets: {Army: {name: ANA}}\n", "list of outlet names"),
        ("outlets: {Army: [ANA, '']}\n", "list of outlet names"),
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


def test_outlets_speak_for_their_party(tmp_path):
    path = tmp_path / "theatre.yaml"
    path.write_text("outlets:\n  Army: [ANA, Army Daily]\n  Rebels: Free Voice Radio\n",
                    encoding="utf-8")
    theatre = load_theatre(path)
    assert theatre.party_of_outlet("ANA") == "Army"
    assert theatre.party_of_outlet("Wire (citing ANA)") == "Army"
    assert theatre.party_of_outlet("army daily online") == "Army"  # a name in any case
    assert theatre.party_of_outlet("Free Voice Radio") == "Rebels"
    assert theatre.party_of_outlet("Ana's Kitchen") is None  # an acronym only in capitals
    assert theatre.party_of_outlet("BANANA News") is None  # and only as a word
    assert theatre.party_of_outlet("Reuters") is None
    assert theatre.party_of_outlet(None) is None


def test_check_names_an_outlet_party_that_is_no_actor(tmp_path):
    import shutil

    from geo._data import data_path
    from geo.theatre import check_theatre

    copy = tmp_path / "data"
    shutil.copytree(data_path("gazetteer.csv").parent, copy)
    assert check_theatre(copy) == []
    with (copy / "theatre.yaml").open("a", encoding="utf-8") as f:
        f.write("outlets:\n  GNA: [Western Command Radio]\n  Martians: [Red Planet TV]\n")
    problems = [str(p) for p in check_theatre(copy)]
    assert len(problems) == 1
    assert "theatre.yaml" in problems[0] and "'Martians' is no actor or side" in problems[0]
