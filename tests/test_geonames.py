"""GeoNames dumps: parsing, kinds, alternate names, gazetteer rows."""

import zipfile

import pytest

from geo.geonames import (
    GeoName,
    gazetteer_rows_from_geonames,
    geonames_from_package,
    kind_for,
    merge_rows,
    pick_alt_names,
    read_geonames,
)


def _line(gid, name, alts="", lat="12.1", lon="15.0", fclass="P", code="PPL", cc="TD",
          admin1="21", population="1000"):
    values = [str(gid), name, name, alts, lat, lon, fclass, code, cc, "", admin1, "", "", "",
              population, "", "", "Africa/Ndjamena", "2024-01-01"]
    return "\t".join(values)


@pytest.mark.parametrize(
    ("fclass", "code", "population", "kind"),
    [
        ("P", "PPLC", 5000, "city"),
        ("P", "PPL", 150_000, "city"),
        ("P", "PPLA", 25_000, "town"),
        ("P", "PPL", 900, "village"),
        ("P", "PPLX", 40_000, "district"),
        ("P", "PPLQ", 5000, None),
        ("S", "AIRP", 0, "airport"),
        ("S", "AIRB", 0, "air_base"),
        ("S", "MILB", 0, "military_site"),
        ("S", "PRT", 0, "port"),
        ("L", "OILF", 0, "oil_site"),
        ("S", "OILR", 0, "oil_site"),
        ("A", "ADM1", 0, "region"),
        ("A", "ADM3", 0, None),
        ("T", "MT", 0, None),
        ("H", "LK", 0, None),
    ],
)
def test_kind_from_feature_code(fclass, code, population, kind):
    assert kind_for(fclass, code, population) == kind


def test_dump_rows_read_with_alternates_and_codes(tmp_path):
    path = tmp_path / "TD.txt"
    path.write_text(
        _line(1, "N'Djamena", "Ndjamena,Fort-Lamy,انجمينا", code="PPLC", population="1359526")
        + "\n" + _line(2, "Abeche Airport", "FTTC", fclass="S", code="AIRP", population="")
        + "\n" + _line(3, "Tripoli", cc="LY") + "\n",
        encoding="utf-8",
    )
    records, problems = read_geonames([path], countries=["TD"])
    assert problems == []
    assert [r.name for r in records] == ["N'Djamena", "Abeche Airport"]
    capital = records[0]
    assert capital.feature_code == "PPLC"
    assert capital.population == 1359526
    assert capital.alternatenames == ("Ndjamena", "Fort-Lamy", "انجمينا")
    assert records[1].population == 0


def test_bad_rows_reported_with_line_and_the_rest_read(tmp_path):
    path = tmp_path / "TD.txt"
    lines = [
        _line(1, "Mao"),
        "only\tthree\tcolumns",
        _line("x7", "Bol"),
        _line(4, "Ati", lat="95.0"),
        _line(5, "Mongo", population="many"),
        _line(6, "Moussoro"),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    records, problems = read_geonames([path])
    assert [r.name for r in records] == ["Mao", "Moussoro"]
    assert [(p.line, p.file) for p in problems] == [(n, str(path)) for n in (2, 3, 4, 5)]
    assert "3 columns, expected 19" in problems[0].message
    assert "geonameid 'x7'" in problems[1].message
    assert "out of range" in problems[2].message
    assert "population 'many'" in problems[3].message


def test_zip_dump_and_unreadable_file(tmp_path):
    archive = tmp_path / "TD.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("TD.txt", _line(1, "Mao") + "\n")
        zf.writestr("readme.txt", "not data\n")
    records, problems = read_geonames([archive, tmp_path / "missing.zip"])
    assert [r.name for r in records] == ["Mao"]
    assert len(problems) == 1 and "cannot read" in problems[0].message
    assert str(tmp_path / "missing.zip") == problems[0].file


def test_alternates_filtered():
    record = GeoName(
        1, "Al Khums", 32.65, 14.26, "P", "PPL", "LY", population=201_943,
        alternatenames=("Khoms", "Homs", "Al-Khums", "Chums", "Hums", "khums", "LAQ",
                        "الخمس", "Хомс", "Sultan"),
    )
    alts = pick_alt_names(
        record, main="Khoms", english_words={"sultan"}, elsewhere={"homs": 775_404},
        scripts={"ARABIC"},
    )
    assert "Homs" not in alts  # usually means Syria's city
    assert "Sultan" not in alts  # an ordinary English word
    assert "khums" not in alts and "LAQ" not in alts  # lower-case, a code
    assert "Хомс" not in alts  # a script the theatre does not use
    assert "الخمس" in alts  # Arabic kept
    assert "Al Khums" in alts and "Chums" in alts


def test_rows_from_package_keep_population_and_kind():
    rows = gazetteer_rows_from_geonames(geonames_from_package(["LY"]))
    tripoli = next(r for r in rows if r["name"] == "Tripoli")
    assert tripoli["id"] == "ly-tripoli"
    assert tripoli["kind"] == "city"
    assert int(tripoli["population"]) > 1_000_000
    assert all(r["country"] == "LY" for r in rows)
    assert len({r["id"] for r in rows}) == len(rows)


def test_package_keeps_seats_with_no_population_figure():
    # cities500 lists Yemen's district seats, Lawdar among them, with population 0
    records = {r.geonameid: r for r in geonames_from_package(["YE"])}
    assert records[73504].name == "Lawdar" and records[73504].population == 0
    known_only = geonames_from_package(["YE"], unknown_population=False)
    assert 73504 not in {r.geonameid for r in known_only}
    row = next(r for r in gazetteer_rows_from_geonames(records.values())
               if r["geonames_id"] == "73504")
    assert row["kind"] == "village" and row["population"] == ""


def test_shared_names_get_a_note():
    records = [
        GeoName(1, "Goz Beida", 12.2, 21.4, "P", "PPL", "TD", population=58_000),
        GeoName(2, "Goz Béïda", 13.9, 20.5, "P", "PPL", "TD", population=1500),
    ]
    rows = gazetteer_rows_from_geonames(records)
    assert [r["id"] for r in rows] == ["td-goz-beida", "td-goz-beida-2"]
    assert all("see also" in r["note"] for r in rows)


def test_shared_alternate_names_stay_with_the_more_populous_place():
    records = [
        GeoName(1, "Sanaa", 15.35, 44.21, "P", "PPLC", "YE", population=1_937_451,
                alternatenames=("Sana", "San'a")),
        GeoName(2, "Sana", 15.4, 47.77, "P", "PPL", "YE", population=0),
        GeoName(3, "Dhamar", 14.54, 44.41, "P", "PPLA", "YE", population=160_000,
                alternatenames=("Dhamer",)),
        GeoName(4, "Qarya", 13.0, 45.0, "P", "PPL", "YE", population=900,
                alternatenames=("Dhamer", "Qaria")),
        GeoName(5, "Al Qarya", 13.05, 45.02, "P", "PPLX", "YE", population=0),
    ]
    rows = {r["geonames_id"]: r for r in gazetteer_rows_from_geonames(records)}
    # an alternate that names a more populous place far away is dropped
    assert "Dhamer" in rows["3"]["alt_names"] and "Dhamer" not in rows["4"]["alt_names"]
    assert rows["3"]["note"] == "" and rows["4"]["note"] == ""
    # a name that is one place's own: kept on both, each with a note
    assert "Sana" in rows["1"]["alt_names"].split("|")
    assert "see also ye-sana" in rows["1"]["note"] and "see also ye-sanaa" in rows["2"]["note"]
    # two places 6 km apart may share a name without a note
    assert rows["5"]["note"] == ""


def test_merge_keeps_curated_rows():
    curated = [{"id": "td-mao", "name": "Mao (curated)", "geonames_id": "10"}]
    new = [
        {"id": "td-mao", "name": "Mao", "geonames_id": "10"},
        {"id": "td-bol", "name": "Bol", "geonames_id": "11"},
        {"id": "td-mao-2", "name": "Mao", "geonames_id": "10"},
    ]
    rows, added = merge_rows(curated, new)
    assert added == 1
    assert rows[0] is curated[0]
    assert [r["id"] for r in rows] == ["td-mao", "td-bol"]


def test_scripts_follow_the_theatres_languages():
    from geo.geonames import scripts_for

    assert scripts_for(["LY"]) == {"ARABIC"}
    assert "CYRILLIC" in scripts_for(["UA"])
    assert scripts_for(["FR"]) == frozenset()
    record = GeoName(1, "Kharkiv", 50.0, 36.2, "P", "PPL", "UA", population=1_400_000,
                     alternatenames=("Kharkov", "Харків", "Харьков", "خاركيف"))
    alts = pick_alt_names(record, scripts=scripts_for(["UA"]))
    assert "Харків" in alts and "خاركيف" not in alts
    assert sum(1 for a in alts if not a.isascii()) == 1  # one name per script
