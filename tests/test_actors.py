"""The actor list: aliases to canonical actors, sides, colours, and load errors."""

from __future__ import annotations

import pytest

from geo.actors import UNKNOWN, load_actors
from geo.errors import DataFileError


@pytest.fixture(scope="module")
def actors():
    return load_actors()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Haftar's forces shelled the town", ["LNA"]),
        ("forces loyal to Haftar advanced", ["LNA"]),
        ("the Libyan National Army said", ["LNA"]),
        ("the LNA said", ["LNA"]),
        ("Haftar militants fired rockets", ["LNA"]),
        ("Hifter's spokesman", ["LNA"]),
        ("Al-Wefaq government forces", ["GNA"]),
        ("al wefaq fighters", ["GNA"]),
        ("the Government of National Accord", ["GNA"]),
        ("the national reconciliation government", ["GNA"]),
        ("the unity government in Tripoli", ["GNA"]),
        ("the Volcano of Rage operation", ["GNA"]),
        ("Burkan al-Ghadab said", ["GNA"]),
        ("pro-government fighters repelled", ["GNA"]),
        ("a spokesman of the UN-backed government said", ["GNA"]),
        ("Libya's eastern-based army said", ["LNA"]),
        ("foreign aircraft bombed", [UNKNOWN]),
        ("Turkish drones and Russian mercenaries", ["Turkey", "Russia"]),
        ("the Wagner Group", ["Wagner"]),
        ("the United Arab Emirates and Egypt", ["UAE", "Egypt"]),
        # acronyms match only in capitals; ordinary words are no actors
        ("lna is not an acronym here", []),
        ("the gna-style uae", []),
        ("residents fled the fighting", []),
        ("Haftarville is no alias", []),
    ],
)
def test_aliases_give_canonical_actors(actors, text, expected):
    assert [m.actor for m in actors.find(text)] == expected


def test_adjacent_aliases_of_one_actor_are_one_mention(actors):
    text = "Al-Wefaq government forces attacked; Turkish Wagner is no one."
    mentions = actors.find(text)
    assert [(m.text, m.actor) for m in mentions] == [
        ("Al-Wefaq government forces", "GNA"),
        ("Turkish", "Turkey"),
        ("Wagner", "Wagner"),
    ]


def test_longest_alias_wins_and_offsets_point_into_the_text(actors):
    text = "Yesterday forces loyal to Haftar attacked."
    [mention] = actors.find(text)
    assert mention.actor == "LNA"
    assert text[mention.start : mention.end] == "forces loyal to Haftar"


def test_sides_and_colours(actors):
    assert actors.side("Turkey") == "GNA"
    assert actors.side("Wagner") == "LNA"
    assert actors.side(UNKNOWN) is None
    assert actors.colour("GNA").startswith("#") and len(actors.colour("GNA")) == 7
    assert actors.colour("nobody") == actors.colour(UNKNOWN)
    assert set(actors.sides) == {"GNA", "LNA"}
    assert actors.canonical("Haftar's forces") == "LNA"
    assert actors.canonical("the weather") is None


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("name,actor\nHaftar,LNA\n", "header must be alias,actor,side,colour"),
        ("alias,actor,side,colour\nHaftar,LNA,LNA\n", ":2: expected 4 fields, found 3"),
        ("alias,actor,side,colour\n,LNA,LNA,#112233\n", ":2: alias and actor must not be empty"),
        ("alias,actor,side,colour\nHaftar,LNA,LNA,red\n", ":2: colour 'red' is not #rrggbb"),
        ("alias,actor,side,colour\nHaftar,LNA,Eastern,#112233\n", "side 'Eastern' is not"),
    ],
)
def test_malformed_actor_lists_fail_with_one_line(tmp_path, content, message):
    path = tmp_path / "actors.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DataFileError, match=message.replace("(", r"\(")) as info:
        load_actors(path)
    assert str(path) in str(info.value) and "\n" not in str(info.value)


def test_comment_lines_keep_row_numbers(tmp_path):
    path = tmp_path / "actors.csv"
    path.write_text("# note\nalias,actor,side,colour\nA,X,X,#111111\nB,Y,Y,bad\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"actors.csv:4: colour 'bad'"):
        load_actors(path)
