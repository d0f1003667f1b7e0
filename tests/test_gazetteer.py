"""Tests for geo.gazetteer: name normalization, loading, lookups and the checker."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from geo import settings
from geo._data import data_path
from geo.errors import GazetteerError
from geo.gazetteer import (
    GAZETTEER_COLUMNS,
    Gazetteer,
    check_gazetteer,
    haversine_km,
    load_gazetteer,
    normalize_name,
)
from geo.model import PLACE_KINDS, Place, Problem

DATA = Path(__file__).parent / "data"
SMALL = DATA / "gazetteer_small.csv"
BROKEN = DATA / "gazetteer_broken.csv"
HEADER = ",".join(GAZETTEER_COLUMNS)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Misrata", "misrata"),
        ("MISRATA", "misrata"),
        ("Miṣrātah", "misratah"),
        ("Az-Zāwiyah", "zawiyah"),
        ("Az Zawiyah", "zawiyah"),
        ("az-zawiyah", "zawiyah"),
        ("Al Jufra", "jufra"),
        ("al-Jufra", "jufra"),
        ("El-Alamein", "alamein"),
        ("Ash Shwayrif", "shwayrif"),
        ("Es Sider", "sider"),
        ("Sidi al-Said", "sidi said"),
        ("Salah ad-Din", "salah din"),
        ("Ra's Lanuf", "ras lanuf"),
        ("Ra’s Lanuf", "ras lanuf"),
        ("Ayn ʿZara", "ayn zara"),
        ("Bani-Walid", "bani walid"),
        ("St. Petersburg", "st petersburg"),
        ("U.S.", "us"),
        ("  Tripoli \t ", "tripoli"),
        ("Çavuşoğlu", "cavusoglu"),
        ("Al", "al"),  # an article alone is a name, not a prefix
        ("الزاوية", "زاوية"),  # Arabic article dropped
        ("مِصْرَاتَة", "مصراتة"),  # tashkeel dropped
        ("", ""),
        ("-", ""),
    ],
)
def test_normalize_name(name: str, expected: str) -> None:
    assert normalize_name(name) == expected


def test_normalize_name_variants_agree() -> None:
    variants = ["Az Zawiyah", "az-Zawiyah", "AZ-ZĀWIYAH", "Zawiyah", "al-Zawiyah"]
    assert {normalize_name(v) for v in variants} == {"zawiyah"}


def test_haversine_km_tripoli_misrata() -> None:
    # GeoNames points of Tripoli and Misrata: about 187 km apart
    assert haversine_km(32.88743, 13.18733, 32.37535, 15.09254) == pytest.approx(187, abs=2)
    assert haversine_km(10, 20, 10, 20) == 0


# --------------------------------------------------------------------------- loading


def test_load_small_fixture() -> None:
    gaz = load_gazetteer(SMALL)
    assert len(gaz.places) == 17
    misrata = gaz.get("misrata")
    assert misrata is not None
    assert misrata.alt_names[:2] == ("Misurata", "Misratah")
    assert misrata.source == "gazetteer"
    assert misrata.population == 355657
    assert misrata.geonames_id == 2214846
    assert {p.kind for p in gaz.places} <= set(PLACE_KINDS)


def test_load_missing_file(tmp_path: Path) -> None:
    with pytest.raises(GazetteerError, match=r"nope\.csv: cannot read the gazetteer"):
        load_gazetteer(tmp_path / "nope.csv")


def test_load_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes((HEADER + "\nx,Caf\xe9,,1,1,town,LY,,,,\n").encode("latin-1"))
    with pytest.raises(GazetteerError, match="cannot read the gazetteer"):
        load_gazetteer(path)


def test_load_missing_column(tmp_path: Path) -> None:
    path = tmp_path / "short.csv"
    path.write_text("id,name,lat\nx,X,1\n", encoding="utf-8")
    with pytest.raises(GazetteerError, match=r"short\.csv:1: missing column\(s\) lon, kind"):
        load_gazetteer(path)


def skipped_rows(gazetteer) -> list[str]:
    return [f"{Path(p.file).name}:{p.line}: {p.message}" for p in gazetteer.problems]


def test_load_skips_unparseable_rows_and_names_them() -> None:
    gazetteer = load_gazetteer(BROKEN)
    assert any(
        r.startswith("gazetteer_broken.csv:5: row skipped: lat '32.4x' is not")
        for r in skipped_rows(gazetteer)
    )
    assert gazetteer.places  # the good rows are there


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ("\nx,X,,32,13,,LY,,,,\n", "g.csv:2: row skipped: missing kind"),
        (
            "\n\nx,X,,32,13,town,LY,,,12.5,\n",
            "g.csv:3: row skipped: population '12.5' is not a whole",
        ),
        ("\nx,X,,999,13,town,LY,,,,\n", "g.csv:2: row skipped: lat '999' is out of range"),
        ("\nx,X,,32,-181,town,LY,,,,\n", "g.csv:2: row skipped: lon '-181' is out of range"),
    ],
)
def test_load_skips_a_bad_row(tmp_path: Path, rows: str, expected: str) -> None:
    path = tmp_path / "g.csv"
    path.write_text(HEADER + rows + "y,Y,,30,15,town,LY,,,,\n", encoding="utf-8")
    gazetteer = load_gazetteer(path)
    [line] = skipped_rows(gazetteer)
    assert line.startswith(expected)
    assert [p.place_id for p in gazetteer.places] == ["y"]


def test_load_error_is_a_value_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="cannot read"):
        load_gazetteer(tmp_path / "missing.csv")


# --------------------------------------------------------------------------- lookups


@pytest.fixture(scope="module")
def small() -> Gazetteer:
    return load_gazetteer(SMALL)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Misurata", "misrata"),
        ("misratah", "misrata"),
        ("مصراتة", "misrata"),
        ("Az-Zawiyah", "zawiya"),
        ("Al-Jafra", "jufra"),
        ("Ra’s Lanuf", "ras_lanuf"),
        ("Salah ad-Din", "salah_al_din"),
        ("SIRT", "sirte"),
    ],
)
def test_lookup_variants(small: Gazetteer, name: str, expected: str) -> None:
    assert [p.place_id for p in small.lookup(name)] == [expected]


def test_lookup_unknown_and_country_filter(small: Gazetteer) -> None:
    assert small.lookup("Atlantis") == []
    assert small.lookup("Tunis", countries=["tn"])[0].place_id == "tunis"
    assert small.lookup("Tunis", countries=["LY"]) == []


def test_names_index(small: Gazetteer) -> None:
    names = small.names()
    assert [p.place_id for p in names["misurata"]] == ["misrata"]
    assert [p.place_id for p in names["jufra air base"]] == ["jufra_air_base"]
    assert all(key == normalize_name(key) for key in names)


def test_get(small: Gazetteer) -> None:
    assert small.get("tobruk") is not None
    assert small.get("nowhere") is None
    beirut = small.get("gn:276781")
    assert beirut is not None and beirut.name == "Beirut" and beirut.source == "geonames"


def test_geonames_lookup(small: Gazetteer) -> None:
    found = small.geonames_lookup("Tripoli")
    assert {"LY", "LB"} <= {p.country for p in found}
    assert found[0].population == max(p.population or 0 for p in found)
    beirut = small.geonames_lookup("beirut")[0]
    assert beirut.country == "LB"
    assert beirut.place_id.startswith("gn:")
    assert beirut.source == "geonames"
    assert 33.8 < beirut.lat < 34.0 and 35.4 < beirut.lon < 35.6
    # alternate names and diacritics: "Misurata" is an alternate name of GeoNames' Misratah
    assert small.geonames_lookup("MISURATA")[0].country == "LY"
    assert small.geonames_lookup("Atlantisville") == []
    assert small.geonames_lookup("") == []


def test_geonames_lookup_countries(small: Gazetteer) -> None:
    libya = small.geonames_lookup("Libya")[0]
    assert libya.kind == "country" and libya.country == "LY"
    # a region-level point inside the country, not one of its cities
    assert 19.5 < libya.lat < 33.2 and 9.3 < libya.lon < 25.2
    assert all(haversine_km(libya.lat, libya.lon, p.lat, p.lon) > 50 for p in small.places
               if p.kind != "country")


def test_capital(small: Gazetteer) -> None:
    assert small.capital("LY") == small.get("tripoli")  # curated row first
    beirut = small.capital("lb")
    assert beirut is not None and beirut.name == "Beirut"  # GeoNames fallback
    assert small.capital("QQ") is None


# --------------------------------------------------------------------------- checking


def test_check_small_fixture_is_clean() -> None:
    assert check_gazetteer(SMALL) == []


def test_check_shipped_gazetteer_is_clean() -> None:
    path = data_path("gazetteer.csv")
    if not path.is_file():
        pytest.skip(f"no shipped gazetteer yet at {path}")
    problems = check_gazetteer(path)
    assert problems == [], "\n".join(map(str, problems))
    assert len(load_gazetteer(path).places) > 0


# The broken copy has one problem a row; each expected line with a fragment of its message.
BROKEN_PROBLEMS = {
    4: "duplicate id 'tripoli' (first on line 2)",
    5: "lat '32.4x' is not a number",
    6: "lat '95.0' is out of range",
    7: "kind 'capital' is not one of",
    8: "country 'LYB' is not an ISO 3166-1 alpha-2 code",
    9: "look swapped",
    10: "is outside country 'LY'",
    11: "missing name",
    12: "name 'misurata' also names 'misrata' (line 3)",
    13: "population 'many' is not a number",
    15: "missing lat",
}


@pytest.fixture(scope="module")
def broken_problems() -> list[Problem]:
    return check_gazetteer(BROKEN)


@pytest.mark.parametrize(("line", "fragment"), sorted(BROKEN_PROBLEMS.items()))
def test_check_broken_row(broken_problems: list[Problem], line: int, fragment: str) -> None:
    on_line = [p for p in broken_problems if p.line == line]
    assert len(on_line) == 1, on_line
    assert fragment in on_line[0].message
    assert on_line[0].file == str(BROKEN)


def test_check_broken_nothing_else(broken_problems: list[Problem]) -> None:
    # lines 2 and 3 are good rows; line 14 shares a name but has a note
    assert sorted(p.line for p in broken_problems) == sorted(BROKEN_PROBLEMS)


def test_check_missing_file(tmp_path: Path) -> None:
    problems = check_gazetteer(tmp_path / "gone.csv")
    assert len(problems) == 1 and problems[0].line is None
    assert "cannot read the gazetteer" in problems[0].message


def test_check_missing_column(tmp_path: Path) -> None:
    path = tmp_path / "g.csv"
    path.write_text("id,name,lat,lon\n", encoding="utf-8")
    assert check_gazetteer(path) == [
        Problem(str(path), "missing column(s) alt_names, kind, country, admin1, geonames_id, "
                "population, note", 1)
    ]


def test_check_multiline_row_reports_its_first_line(tmp_path: Path) -> None:
    path = tmp_path / "g.csv"
    path.write_text(
        HEADER + '\na,A,,32,13,town,LY,,,,"two\nlines"\nb,B,,32,13,hamlet,LY,,,,\n',
        encoding="utf-8",
    )
    [problem] = check_gazetteer(path)
    assert problem.line == 4 and "hamlet" in problem.message


def test_check_too_many_values(tmp_path: Path) -> None:
    path = tmp_path / "g.csv"
    path.write_text(HEADER + "\na,A,,32,13,town,LY,,,,,extra\n", encoding="utf-8")
    [problem] = check_gazetteer(path)
    assert problem.line == 2 and "'extra'" in problem.message


def test_check_uses_outlines_when_present(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A made-up outline for LY far from the real one: the checker must trust it over the box.
    outline = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"ISO_A2": "LY"},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [[[0, 0], [2, 0], [2, 2], [0, 2], [0, 0]]],
                },
            }
        ],
    }
    (tmp_path / "outlines").mkdir()
    (tmp_path / "outlines" / "countries.geojson").write_text(json.dumps(outline))
    monkeypatch.setattr(settings, "data_dir", tmp_path)
    path = tmp_path / "g.csv"
    path.write_text(
        HEADER + "\nin,In,,1,1,town,LY,,,,\nout,Out,,32.9,13.2,town,LY,,,,\n", encoding="utf-8"
    )
    problems = check_gazetteer(path)
    assert [(p.line, "outside" in p.message) for p in problems] == [(3, True)]


def test_gazetteer_dataclass_roundtrip() -> None:
    place = Place("x", "Wadi X", 30.0, 15.0, "village", "LY", alt_names=("Wadi Ex",))
    gaz = Gazetteer([place])
    assert gaz.lookup("wadi ex") == [place]
    assert gaz.get("x") is place


# (two spellings of one name, as outlets write them) -- written for these tests
SAME_NAME = [
    ("Sbeea", "Sbiaa"),  # vowels written ee / i
    ("Esbiaa", "Sbiaa"),  # a vowel before the initial s
    ("Espiaa", "Esbiaa"),  # p for b
    ("Al-Kraimia", "Krimiya"),  # y left out, ai for i
    ("Gasr Ben Gashir", "Qasr bin Ghashir"),  # qaf as g, ben/bin, gh as g
    ("Kasr Ibn Ghashir", "Qasr bin Ghashir"),  # qaf as k, ibn
    ("Alkhums", "Al-Khums"),  # the article joined to the word
    ("Tarhouna", "Tarhuna"),  # ou for u
    ("Zawiyah", "Zawia"),  # final h, y between vowels
    ("Beida", "Al-Bayda"),  # ei / ay
    ("Ouaddan", "Waddan"),  # French ou for w
    ("Souk al-Jomaa", "Souq al-Jumaa"),  # k for q, o for u
    ("Bu Salim", "Abu Salim"),  # bu / abu
    ("Sabratha", "Sabrata"),  # th / t
    ("Hadhba", "Hadba"),  # dh / d
    ("Sebhah", "Sabha"),  # e for a, final h
    ("Wadi Etba", "Wadi Utbah"),  # a word's opening vowel (an ayn) written e or u
]
# names that share consonants but are other names (or a name and its adjective)
OTHER_NAME = [
    ("Surman", "Sarmin"),  # u against a
    ("Misrati", "Misrata"),  # the adjective
    ("Sisi", "Susa"),
    ("Jouili", "Jalu"),
    ("Zintan", "Zliten"),
    ("Tajoura", "Tarhuna"),
]


@pytest.mark.parametrize(("a", "b"), SAME_NAME)
def test_transliterations_of_one_name_share_a_key(a: str, b: str) -> None:
    from geo.gazetteer import same_transliteration, transliteration_key

    key_a, key_b = normalize_name(a), normalize_name(b)
    assert transliteration_key(key_a) == transliteration_key(key_b)
    assert same_transliteration(key_a, key_b) and same_transliteration(key_b, key_a)


@pytest.mark.parametrize(("a", "b"), OTHER_NAME)
def test_other_names_are_not_one_transliteration(a: str, b: str) -> None:
    from geo.gazetteer import same_transliteration

    assert not same_transliteration(normalize_name(a), normalize_name(b))
