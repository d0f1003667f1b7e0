"""Stage 4: the event's place: usable mentions, candidates, roles, anaphors."""

from __future__ import annotations

import bisect
import dataclasses
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..gazetteer import haversine_km
from ..model import Place, PlaceMention
from . import attribution, syntax, triggers
from ._rules import (
    _ANAPHOR_KINDS,
    _APPOSITION_WORDS,
    _BROAD_REGION,
    _DESTINATION,
    _INSIDE_KM,
    _KIND_RANK,
    _LOCATIVE,
    _NP_WORDS,
    _NUMBER_WORDS,
    _OBJECT_BLOCK,
    _ORIGIN,
    _PLURAL_SETTLEMENTS,
    _POSITION_NOUNS,
    _RELATION_WORDS,
    _chain,
    _precision,
)
from .lists import _KIND_NOUNS, _LIST_OPENERS, _TOWN_PARTS, _role, _unknown_list_item
from .merging import _DWELLERS
from .sentences import _Sentence
from .state import _Candidate, _Context, _Trigger
from .tracing import said

if TYPE_CHECKING:
    from .extractor import _Extractor


def _usable_mentions(ex: _Extractor, mentions: Sequence[PlaceMention]) -> list[PlaceMention]:
    out: list[PlaceMention] = []
    countries = ex.countries
    if countries and not _about_theatre(mentions, countries):
        return out  # a report on another war; a lone look-alike name is no Libyan event
    for m in sorted(mentions, key=lambda m: (m.start, m.end)):
        if m.place is None or m.place.kind == "country":
            continue
        if countries and m.place.country not in countries:
            continue  # a place abroad is no event place on this map
        if m.place.kind == "region" and _BROAD_REGION.match(m.text):
            continue  # "western Libya", "the south": no point on a map
        if triggers._inside_actor(ex, m.start, m.end) and not _after_locative(ex, m.start):
            continue  # "Kyiv said" is the government; "strikes on Kyiv" hit the city
        after = ex.text[m.end : m.end + 40]
        if ex.lex.place_modifiers.match(after.lstrip(" ")) or after.startswith("-based"):
            continue
        out.append(m)
    # "the Sirte and Jafra operations room": the first name modifies too
    modified = {
        m.start for m in mentions
        if m.place is not None and ex.lex.place_modifiers.match(
            ex.text[m.end : m.end + 40].lstrip(" "))
    }  # fmt: skip
    starts = {m.start for m in out}
    out = [
        m for m in out
        if not ((poss := re.match(r"['’]s\s+", ex.text[m.end : m.end + 4]))
                and m.end + poss.end() in starts)
    ]  # fmt: skip
    kept = []
    for m in out:
        tail = ex.text[m.end : m.end + 60]
        link = re.match(r"\s*(?:,|and)\s+", tail)
        nxt = m.end + link.end() if link else -1
        if link and any(s == nxt for s in modified):
            continue
        kept.append(m)
    return kept


#: How far a place told "in" a town may lie from it before the gazetteer's place of that
#: name is taken for another one.
_IN_TOWN_KM = 50.0

#: What stands between a place and the town the writer puts it in: "camp in", "in the".
_IN_TOWN_GAP = re.compile(
    r"(?:\s+(?:" + "|".join(sorted(_KIND_NOUNS)) + r"))*\s+in\s+(?:the\s+)?\Z", re.IGNORECASE
)


def _placed_in(ex: _Extractor, mentions: list[PlaceMention]) -> list[PlaceMention]:
    """Put a name the writer places in a town, but that the gazetteer has far away, there.

    "the al-Thamenah camp in Gharyan", resolved to a village of a like name 150 km off:
    the camp is where the writer says, in Gharyan (the gazetteer lacks it). Done once
    per article, on the usable mentions, when the run starts.
    """
    out = list(mentions)
    for k, (m, n) in enumerate(zip(mentions, mentions[1:], strict=False)):
        inner, outer = m.place, n.place
        assert inner is not None and outer is not None
        if outer.kind not in ("town", "city") or inner.kind not in ("village", "town"):
            continue
        if _KIND_RANK.get(outer.kind, 0) <= _KIND_RANK.get(inner.kind, 0):
            continue
        if not _IN_TOWN_GAP.match(ex.text, m.end, n.start):
            continue
        far = haversine_km(inner.lat, inner.lon, outer.lat, outer.lon)
        if far > _IN_TOWN_KM:
            if ex.trace is not None:
                ex.trace.append(
                    f"place {inner.name} read as a place in {outer.name}: the writer puts it "
                    f"there, the gazetteer's lies {far:.0f} km away"
                )
            out[k] = dataclasses.replace(m, place=outer)
    return out


#: Prepositions before a name that make it a place even when it also names a party.
_PLACE_PREPOSITIONS = frozenset(
    "in on at near towards toward into around outside inside over across onto".split()
)


def _after_locative(ex: _Extractor, start: int) -> bool:
    """Whether a locative preposition stands just before the name at ``start``."""
    before = re.search(r"(\w+)\s+(?:the\s+)?$", ex.text[max(0, start - 20) : start])
    return before is not None and before.group(1).lower() in _PLACE_PREPOSITIONS


def _about_theatre(mentions: Sequence[PlaceMention], countries: frozenset[str]) -> bool:
    """Whether an article is about the mapped countries.

    It is when it names one of them, or when at least half of its places lie there.
    """
    inside = outside = 0
    for m in mentions:
        if m.place is None:
            continue
        if m.place.country in countries:
            if m.place.kind == "country":
                return True
            inside += 1
        elif m.place.kind != "country":  # foreign powers are named in any such report
            outside += 1
    return inside >= outside


def _candidates(ex: _Extractor, ctx: _Context, clause: int) -> list[_Candidate]:
    sent = ctx.sentence
    doc = ex.doc
    out: list[_Candidate] = []
    speaking = attribution._speaker_spans(ex, ctx)
    for m in ex.mentions:
        if not (sent.start <= m.start < sent.end):
            continue
        t0 = doc.token_at(m.start)
        if doc.clause_of(sent, t0) != clause:
            continue
        if any(a <= t0 < b for a, b in speaking):
            continue  # "medics in Misrata said", "told reporters in Benghazi that"
        t1 = doc.token_at(m.end - 1) + 1
        role, near, coord = _role(ex, sent, t0, out, t1)
        assert m.place is not None
        cand = _Candidate(_offset_place(m), t0, t1, role, near or m.is_relative, False)
        cand.relative = m.relation is not None and m.relation != "between"
        cand.bearing = m.bearing is not None or m.distance_km is not None
        cand.between = m.relation == "between"
        if coord is not None:
            cand.coord_prev, cand.separate = coord
            cand.separate = (
                cand.separate or (m.is_relative and m.relation != "between") or m.text[:1].islower()
            )
        out.append(cand)
    for s, e in ex.anaphors:
        if not (sent.start <= s < sent.end):
            continue
        t0 = doc.token_at(s)
        if doc.clause_of(sent, t0) != clause:
            continue
        if any(a <= t0 < b for a, b in speaking):
            continue  # "according to a paramedic in the area"
        t1 = doc.token_at(e - 1) + 1
        if any(
            c.t0 <= t0 < c.t1
            or c.t0 == t1
            or (c.t0 == t1 + 1 and doc.lower[t1] in ("of", ",", "(", "’s", "'s"))
            for c in out
            if not c.anaphor
        ):
            continue  # "the city of Sirte", "the town, Gharyan": the name is given
        place = _antecedent(
            ex,
            ctx,
            t0,
            _ANAPHOR_KINDS.get(doc.lower[t1 - 1]),
            possessive=doc.lower[t0] in ("its", "their", "his"),
        )
        if place is None:
            continue
        role, near, _ = _role(ex, sent, t0, [])
        cand = _Candidate(place, t0, t1, role, near or s in ex.anaphor_near, True)
        cand.relative = cand.near
        out.append(cand)
    return _drop_descriptive(ex, out)


#: Compass bearings in degrees, as :func:`geo.places.find_places` writes them.
_BEARING_DEGREES = {
    "north": 0.0, "northeast": 45.0, "east": 90.0, "southeast": 135.0,
    "south": 180.0, "southwest": 225.0, "west": 270.0, "northwest": 315.0,
}  # fmt: skip


def _offset_place(m: PlaceMention) -> Place:
    """The point a distance and a bearing name: "50 km south of Tripoli".

    The event lies there, not at the anchor: a ``Place`` is made at the given distance
    along the bearing (geopy's geodesic), named after the phrase ("50 km south of
    Tripoli") with the id ``<anchor id>~<km>km-<bearing>``, so two reports giving the
    same offset meet, and a report at the anchor itself stays another place. A bare
    distance ("30 km from X") or a bearing without one ("south of X") keeps the anchor.
    """
    anchor = m.place
    assert anchor is not None
    degrees = _BEARING_DEGREES.get(m.bearing or "")
    if (
        degrees is None
        or m.distance_km is None
        or m.distance_km < _OFFSET_MIN_KM
        or anchor.kind in ("region", "country")
    ):
        return anchor
    from geopy.distance import geodesic

    point = geodesic(kilometers=m.distance_km).destination((anchor.lat, anchor.lon), degrees)
    km = f"{m.distance_km:g}"
    return Place(
        place_id=f"{anchor.place_id}~{km}km-{m.bearing}",
        name=f"{km} km {m.bearing} of {anchor.name}",
        lat=round(point.latitude, 5),
        lon=round(point.longitude, 5),
        kind="village",  # a point in the country around the anchor
        country=anchor.country,
        admin1=anchor.admin1,
        source=anchor.source,
    )


#: Offsets shorter than this stay at the anchor: "2 km east of the city" is the city.
_OFFSET_MIN_KM = 5.0


def _residents_of(ex: _Extractor, t0: int) -> bool:
    """Whether the place at token ``t0`` is where speakers live ("residents of X")."""
    lower = ex.doc.lower
    return t0 >= 2 and lower[t0 - 1] in ("of", "in") and lower[t0 - 2] in _DWELLERS


#: Relation words that keep unnamed places at the anchor: "villages around X" are at X.
_CLOSE_WORDS = frozenset("near around outside surrounding the of".split())


def _drop_descriptive(ex: _Extractor, cands: list[_Candidate]) -> list[_Candidate]:
    """Drop anchors that only describe where another place lies.

    "in Aziziya, a town 40 km south of the capital", "the Ghardabiya air base south
    of the city", "Abu Salim (on the outskirts of Tripoli)": the event is at the first
    place; "the coastal towns west of the capital": at unnamed towns, not at the anchor.
    """
    doc = ex.doc
    out = []
    described_by: dict[int, int] = {}  # a dropped description -> the place it describes
    for c in cands:
        if c.relative:
            j = c.t0 - 1
            while (
                j > c.t0 - 12
                and j >= 0
                and (
                    doc.lower[j] in _RELATION_WORDS
                    or doc.lower[j].isdigit()
                    or doc.lower[j] in _NUMBER_WORDS
                )
            ):
                j -= 1
            if j >= 0 and doc.lower[j] in _PLURAL_SETTLEMENTS and any(
                w not in _CLOSE_WORDS for w in doc.lower[j + 1 : c.t0]
            ):
                continue  # "towns west of the capital", not "villages around X"
            described = False
            for k, p in enumerate(cands):
                if p is c or p.t1 > c.t0 or c.t0 - p.t1 > 14:
                    continue
                between = doc.lower[p.t1 : c.t0]
                if all(
                    t in _APPOSITION_WORDS or t.isdigit() or t in _NUMBER_WORDS for t in between
                ):
                    described = True
                    described_by[id(c)] = k
                    break
            if described:
                continue
        if _homonym_part(ex, c, cands):
            continue
        if _road_end(ex, c):
            continue  # "the road that connects Damascus with Aleppo": the road, unnamed
        if _container_apposition(ex, c, cands):
            continue  # "Al Fuqaha, Al Jufrah District", "Ain Zara, Tripoli": where A lies
        out.append(c)
    if len(out) == len(cands):
        return out
    # the indices of coordination point into the list before the drops
    new_index = {id(c): k for k, c in enumerate(out)}
    for c in out:
        prev = c.coord_prev
        while prev is not None and id(cands[prev]) not in new_index:
            # "A, about 30 km east of X, and B": B goes on the list of A, which X describes
            if id(cands[prev]) in described_by:
                c.near = c.relative  # "near" came from the description, not from B
                prev = described_by[id(cands[prev])]
            else:
                prev = cands[prev].coord_prev
        c.coord_prev = new_index[id(cands[prev])] if prev is not None else None
    return out


def _container_apposition(ex: _Extractor, c: _Candidate, cands: list[_Candidate]) -> bool:
    """Whether a name set off by a comma after another only says where that one lies.

    "the headquarters of Al Fuqaha, Al Jufrah District", "a checkpoint in Ain Zara,
    Tripoli": the second name is a larger place holding the first (a region of the same
    province, or a city within a few kilometres of a district or village), written as
    an address, and no list goes on after it. "Clashes in Ain Zara, Tripoli and Misrata"
    is a list; "in Gharyan, Tarhuna" names two towns of one rank: both stay.
    """
    if c.anaphor or c.coord_prev is None or c.separate:
        return False
    p = cands[c.coord_prev]
    if p.anaphor or ex.doc.lower[p.t1 : c.t0] != [","]:
        return False
    if any(o.coord_prev is not None and cands[o.coord_prev] is c for o in cands):
        return False  # the list goes on after it
    if c.t1 < len(ex.doc.lower) and ex.doc.lower[c.t1] in ("and", "or"):
        return False
    inner, outer = p.place, c.place
    if _KIND_RANK.get(outer.kind, 0) <= _KIND_RANK.get(inner.kind, 0):
        return False
    if outer.kind in ("region", "country"):
        if outer.kind == "country":
            return outer.country == inner.country
        if inner.admin1 and outer.admin1:
            return inner.admin1 == outer.admin1
        return haversine_km(inner.lat, inner.lon, outer.lat, outer.lon) <= _REGION_KM
    return haversine_km(inner.lat, inner.lon, outer.lat, outer.lon) <= _INSIDE_KM


#: How far a place may lie from a region's point and still be read as inside it, when
#: the gazetteer gives no province for either.
_REGION_KM = 250.0


#: Words naming a road, and the verbs that say which places it joins.
_ROAD_WORDS = frozenset("road roads highway highways route routes line lines artery".split())
_LINKING = frozenset("linking links linked connecting connects connected joining joins".split())


def _road_end(ex: _Extractor, c: _Candidate) -> bool:
    """Whether a place only names an end of a road ("supply lines linking A to B")."""
    lower = ex.doc.lower
    for j in range(c.t0 - 1, max(-1, c.t0 - 12), -1):
        tok = lower[j]
        if tok in _LINKING:
            return any(lower[k] in _ROAD_WORDS for k in range(max(0, j - 6), j))
        if tok in (".", ";", ":", ",") or any(t.t0 == j for t in ex.triggers):
            return False
        if tok in _LOCATIVE and tok not in ("to", "with", "and", "between"):
            return False  # "..., near X": a phrase of its own
    return False


#: Words naming a part of a town: "the X area of Y", "the X quarter of Y".
_PART_WORDS = frozenset(
    "area district quarter neighbourhood neighborhood suburb part section".split()
)


def _homonym_part(ex: _Extractor, c: _Candidate, cands: list[_Candidate]) -> bool:
    """Whether a name is a part of the town named after it, read as a place elsewhere.

    "the al-Qala residential area of Murzuq": a gazetteer's al-Qala far from Murzuq is
    another place of that name; the event is in Murzuq.
    """
    doc = ex.doc
    k = c.t1
    stop = min(len(doc.lower), c.t1 + 4)
    while k < stop and doc.lower[k] not in _PART_WORDS:
        k += 1
    if k >= stop or k + 1 >= len(doc.lower) or doc.lower[k + 1] != "of":
        return False
    if any(doc.lower[i] in (",", ";", ".") for i in range(c.t1, k)):
        return False
    town = next((p for p in cands if p is not c and p.t0 in (k + 2, k + 3)), None)
    if town is None:
        return False
    far = haversine_km(c.place.lat, c.place.lon, town.place.lat, town.place.lon)
    return far > 2 * _INSIDE_KM


def _dateline(ex: _Extractor, m: PlaceMention) -> bool:
    """Whether a mention is a dateline ("MISRATA, Libya --"): where the reporter files from."""
    if not (m.text.isupper() and len(m.text) > 2):
        return False
    line_start = ex.text.rfind("\n", 0, m.start) + 1
    return not ex.text[line_start : m.start].strip(" *_#")


#: A happening told as coinciding with another: the places after it are the other's.
_COINCIDED = re.compile(r"\bcoincid(?:ed|es|ing)\s+with\b", re.IGNORECASE)


def _describes_another(ex: _Extractor, m: PlaceMention) -> bool:
    """Whether a relative mention only says where the place named just before it lies.

    "Marib, some 120 km east of the capital Sanaa": Sanaa anchors Marib's description.
    """
    if m.relation is None:
        return False
    k = bisect.bisect_left(ex._mention_starts, m.start) - 1
    if k < 0:
        return False
    prev = ex.mentions[k]
    gap = ex.text[prev.end : m.start]
    return prev.relation is None and 0 < len(gap) <= 90 and "," in gap[:20]


def _antecedent(
    ex: _Extractor,
    ctx: _Context,
    t0: int,
    kinds: frozenset[str] | None = None,
    *,
    possessive: bool = False,
) -> Place | None:
    """The place an anaphor points back to.

    ``kinds``: the kinds of place it can be ("the city" is a city or a town); then the
    most recent such place in the article counts. ``possessive`` ("their city"): the
    place the subject comes from counts too.
    """
    sent = ctx.sentence
    doc = ex.doc

    def fits(place: Place | None) -> bool:
        return place is not None and (kinds is None or place.kind in kinds)

    # places of the attribution ("told a news conference in Benghazi that") do not
    # count, but for the place the speakers live in ("residents of Gharyan said ...
    # there")
    spans = [(f.phrase[0], max(f.content, f.verb_end)) for f in ctx.frames]
    before = [
        m for m in ex.mentions
        if sent.start <= m.start and doc.token_at(m.start) < t0 and not _dateline(ex, m)
        and (
            not any(a <= doc.token_at(m.start) < b for a, b in spans)
            or _residents_of(ex, doc.token_at(m.start))
        )
    ]  # fmt: skip
    for m in reversed(before):
        m0 = doc.token_at(m.start)
        role, _, _ = _role(ex, sent, m0, [])
        if role == "origin" and possessive:
            # "fighters from Zawiya ... their city", not "pull their forces out from X"
            if any(max(sent.t0, m0 - 7) <= t.t0 < m0 for t in ex.triggers):
                continue
        elif role == "origin":
            continue
        if fits(m.place):
            return m.place
    if kinds is not None:
        lo = bisect.bisect_left(ex._mention_starts, sent.start)
        earlier = [d.place for d in reversed(ctx.prev_drafts)] + [
            m.place for m in reversed(ex.mentions[max(0, lo - 40) : lo])
            if m.place is not None and not _dateline(ex, m)
            # "Marib, some 120 km east of the capital Sanaa ... the city": the anchor of a
            # description is not the place told of
            and not _describes_another(ex, m)
        ]  # fmt: skip
        for draft in reversed(ctx.prev_drafts):
            if fits(draft.place):
                return draft.place  # the place of the happening just told
        if "city" in kinds:
            # "the city": the last city named, else the last town
            for place in earlier:
                if place.kind == "city":
                    return place
        for place in earlier:
            if fits(place):
                return place
        return None
    if ctx.prev_drafts:
        return ctx.prev_drafts[-1].place
    if ctx.prev_sentence is not None:
        prev = ctx.prev_sentence
        in_prev = [m for m in ex.mentions if prev.start <= m.start < prev.end]
        for m in in_prev:
            if m.place is not None and m.place.kind != "region":
                return m.place
        if in_prev:
            return in_prev[0].place
    return None


def _places_for(
    ex: _Extractor, ctx: _Context, trig: _Trigger, kind: str
) -> list[tuple[_Candidate, str]]:
    sent = ctx.sentence
    clause = ex.doc.clause_of(sent, trig.t0)
    cands = _candidates(ex, ctx, clause)
    if trig.place == "after":
        cands = [
            c for c in cands if c.t0 >= trig.t1 and c.t0 - trig.t1 <= 10 and c.role != "origin"
        ]
    elif trig.place == "before":
        cands = [c for c in cands if c.t1 <= trig.t0 and trig.t0 - c.t1 <= 4]
    elif trig.place == "object" and kind == "ground_attack":
        # "overran a checkpoint near X", "tried to capture X": the place after the verb
        cands = [c for c in cands if c.t0 >= trig.t1 and c.t0 - trig.t1 <= 12]
    elif trig.place == "object":
        objects = [
            c for c in cands
            if c.t0 >= trig.t1 and (_object_gap(ex, trig.t1, c.t0) or _after_unknown_first(
                ex, sent, trig, c))
            # "regained the initiative and are counterattacking X": X is the other verb's
            and not any(t.form == "verb" and trig.t1 <= t.t0 < c.t0 for t in ex.triggers)
        ]
        # "took A, B and C", "captured the towns of A, B and C": the names listed with
        # the object are objects too
        cands = [
            c for i, c in enumerate(cands)
            if any(c is o for o in objects)
            or (c.coord_prev is not None and not c.separate and any(
                _chain(cands, i, k) for k, o in enumerate(cands) if any(o is x for x in objects)))
        ]  # fmt: skip
    # "the bombing coincided with a crowd of forces on the outskirts of X": X is the
    # other happening's
    cands = [c for c in cands if not (c.t0 > trig.t1 and _COINCIDED.search(
        ex.text, ex.doc.ends[trig.t1 - 1], ex.doc.starts[c.t0]))]
    drop = syntax.attached_elsewhere(ex, sent, trig, cands)
    if drop:  # "fighters who arrived from X attacked Y": Y is no place of the arriving
        if ex.trace is not None:
            ex.trace.extend(
                f"place {cands[k].place.name} not for {said(ex, trig)}: "
                "governed by another clause's verb (parse)"
                for k in sorted(drop)
            )
        cands = [c for k, c in enumerate(cands) if k not in drop]
    if kind == "withdrawal":
        # "withdrew towards X", "left for X": X is where they went, not the place left
        cands = [c for c in cands if _preposition(ex, sent, c.t0) not in _DESTINATION]
    if not cands and trig.place == "any" and kind != "threat":
        label = _label_place(ex, ctx, clause)
        if label is not None:  # "Tarhuna: shelling reported on Wednesday."
            cands = [label]
    if not cands:
        return []

    def rank(c: _Candidate) -> tuple[int, int]:
        after = c.t0 >= trig.t1
        locative = c.role == "loc" or (c.role == "origin" and kind == "withdrawal")
        if kind == "withdrawal" and c.role == "origin":
            tier = 0  # the place left, not the one fallen back to
        elif locative:
            tier = (0 if after else 1) + (kind == "withdrawal")
        elif c.role == "origin" and kind == "threat":
            tier = 2
        else:
            tier = 3
        distance = c.t0 - trig.t1 if after else trig.t0 - c.t1
        return tier, distance + 3 * int(c.anaphor)

    ordered = sorted(cands, key=rank)
    best = ordered[0]
    best = _more_specific(ex, best, cands, kind)
    chosen = [best]
    index = {id(c): i for i, c in enumerate(cands)}
    link = index[id(best)]
    for i, c in enumerate(cands):
        if best.t0 >= trig.t1:  # "shelled A, B and C": the places listed after
            if c.coord_prev is None or not _chain(cands, i, link):
                continue
        elif i == link or cands[link].coord_prev is None or not _chain(cands, link, i):
            continue  # "A and B were hit": the places listed before
        # one happening, one place: "clashes in A, B and C" are three clashes, "took
        # Asabaa and Mizdah" two captures; a threat naming several places stays one
        # ... but "the road between A and B" is one place
        if c.separate or (kind != "threat" and not c.anaphor and not (c.between or best.between)):
            chosen.append(c)
    chosen = _drop_far_homonyms(ex, chosen)
    return [(c, _precision(c)) for c in chosen]


def _drop_far_homonyms(ex: _Extractor, chosen: list[_Candidate]) -> list[_Candidate]:
    """Drop a village of a list that lies far from every other place of the list.

    "Troops freed A, B, C, D and E": villages freed in one push lie together. When the
    others lie within a day's march of one another and one village lies hundreds of
    kilometres from all of them, the gazetteer's village of that name is another one
    (the list's own is missing from it): no event is made there.
    """
    if len(chosen) < 3:
        return chosen
    def near(a: _Candidate, b: _Candidate) -> float:
        return haversine_km(a.place.lat, a.place.lon, b.place.lat, b.place.lon)

    lower = ex.doc.lower
    kept = []
    for c in chosen:
        others = [o for o in chosen if o is not c]
        # "in Lawder district in Abyan, Majzar in Sanaa": each item told with its own
        # district or province is where the writer says it is
        qualified = c.t1 < len(lower) and (lower[c.t1] in _KIND_NOUNS or lower[c.t1] == "in")
        far = min(near(c, o) for o in others) > _LIST_FAR_KM
        if c.place.kind == "village" and not qualified and far and any(
            near(a, b) <= _LIST_NEAR_KM for i, a in enumerate(others) for b in others[i + 1 :]
        ):
            if ex.trace is not None:
                ex.trace.append(
                    f"place {c.place.name} dropped from a list: over {_LIST_FAR_KM:g} km from "
                    "every other place of it (another village of that name)"
                )
            continue
        kept.append(c)
    return kept


#: A list's village farther than this from all its other places is taken for a homonym,
_LIST_FAR_KM = 150.0
#: ... when two of the others lie within this of each other.
_LIST_NEAR_KM = 50.0


#: Marks a digest line may open with before its place label ("• X:", "- X:").
_BULLETS = frozenset("• - – — * ·".split())


def _label_place(ex: _Extractor, ctx: _Context, clause: int) -> _Candidate | None:
    """The place a digest line opens with as its label, for a clause naming none.

    "Tarhuna: shelling reported on Wednesday", "• Gharyan – heavy clashes were
    reported", "Sirte (8 January): an airstrike killed 30 cadets": the label is
    where the line's happenings are.
    """
    sent = ctx.sentence
    doc = ex.doc
    k = sent.t0
    while k < sent.t1 and doc.lower[k] in _BULLETS:
        k += 1
    # "- 9 January: Tarhuna: ...": a day's label first
    day = next((m for m in ex.dates if doc.token_at(m.start) == k), None)
    if day is not None:
        j = doc.token_at(day.end - 1) + 1
        if j < sent.t1 and doc.lower[j] in (":", "–", "—", "-"):
            k = j + 1
    first = next((m for m in ex.mentions if doc.token_at(m.start) == k), None)
    if first is None or first.place is None or first.place.kind in ("region", "country"):
        return None
    if _dateline(ex, first):
        return None  # "TRIPOLI: ...": where the reporter files from
    t1 = doc.token_at(first.end - 1) + 1
    j = t1
    if j < sent.t1 and doc.lower[j] == "(":  # "Sirte (8 January):"
        while j < min(sent.t1, t1 + 8) and doc.lower[j] not in (")", "):"):
            j += 1
        j += 1
    if j >= sent.t1 or doc.lower[j] not in (":", "–", "—", "-", "):"):
        if not (j - 1 >= t1 and doc.lower[j - 1] == "):"):
            return None
    if doc.clause_of(sent, t1 - 1) == clause:
        return None  # the label's own clause: its words are read as they stand
    return _Candidate(first.place, k, t1, "loc", first.is_relative, False)




def _after_unknown_first(ex: _Extractor, sent: _Sentence, trig: _Trigger, c: _Candidate) -> bool:
    """Whether a name the gazetteer lacks, a list's first item, stands before the place.

    "retook Harbat Gharyan, Surman and Tarhuna": Surman is an object of "retook".
    """
    j = c.t0 - 1
    if j < trig.t1 or ex.doc.lower[j] != ",":
        return False
    k = _unknown_list_item(ex, sent, j, [])
    if k is None:
        return False
    # "retook Harbat Gharyan, ...", "liberated the villages of Joubas, ..."
    return trig.t0 <= k < trig.t1 or (k >= trig.t1 and _object_gap(ex, trig.t1, k + 1))


def _object_gap(ex: _Extractor, t1: int, t0: int) -> bool:
    """Whether only a noun phrase's words stand between a verb and a place (its object).

    "took the town of X", "abandoned their positions in X"; not "took part in X".
    """
    words = ex.doc.lower[t1:t0]
    # "captured several towns and villages, including A": the list names the object
    for k, tok in enumerate(words):
        if tok in _LIST_OPENERS and k >= 1 and k == len(words) - 1:
            words = words[: k - 1] if words[k - 1] == "," else words[:k]
            break
        if tok == "as" and k >= 2 and words[k - 1] == "such" and k == len(words) - 1:
            words = words[: k - 2] if words[k - 2] == "," else words[: k - 1]
            break
    if len(words) > 8:
        return False
    for k, tok in enumerate(words):
        if tok in _OBJECT_BLOCK:
            return False
        if tok in _LOCATIVE or tok in _ORIGIN:
            if not (
                k > 0
                and (words[k - 1] in _POSITION_NOUNS or words[k - 1] in _TOWN_PARTS)
                and tok != "to"
            ):
                return False
    return True


def _preposition(ex: _Extractor, sent: _Sentence, t0: int) -> str | None:
    """The preposition governing a place, past the words of its noun phrase."""
    doc = ex.doc
    j = t0 - 1
    while j >= sent.t0 and t0 - j <= 8:
        tok = doc.lower[j]
        if tok in _LOCATIVE or tok in _ORIGIN or tok == "for":
            return tok
        if tok not in _NP_WORDS and not tok.isdigit() and tok not in ("’s", "'s", ","):
            return None
        j -= 1
    return None


def _owned_by(ex: _Extractor, town: _Candidate, cands: list[_Candidate]) -> _Candidate | None:
    """The place a town's possessive names: "Tripoli's (southern) Souq al-Khamis district".

    The name after "X's" and at most two lower-case words is a place of X's, whatever
    its kind (a district, a village of its outskirts, its airport), when it lies within
    :data:`_OWNED_KM` of X.
    """
    doc = ex.doc
    for c in cands:
        if c is town or c.anaphor or not 0 <= c.t0 - town.t1 <= 3:
            continue
        end = doc.ends[town.t1 - 1]
        owner = ex.text[end - 2 : end] in ("'s", "’s")  # the possessive in the token
        gap = _POSSESSIVE_GAP.fullmatch(ex.text, end, doc.starts[c.t0])
        if gap is None or not (owner or gap.group("s")):
            continue
        if any(w in _NOT_OWNER_WORDS for w in gap.group("words").split()):
            continue
        if haversine_km(c.place.lat, c.place.lon, town.place.lat, town.place.lon) <= _OWNED_KM:
            return c
    return None


#: What stands between a town and its place: "'s" and up to two lower-case words.
_POSSESSIVE_GAP = re.compile(r"(?P<s>['’]s)?\s+(?P<words>(?:[a-z]+\s+){0,2})")
#: How far a place named after a town's possessive may lie from it.
_OWNED_KM = 60.0
#: Words after "X's" that open another phrase, not a modifier of X's place.
_NOT_OWNER_WORDS = frozenset("and or of to from in on at".split())


def _more_specific(
    ex: _Extractor, best: _Candidate, cands: list[_Candidate], kind: str
) -> _Candidate:
    """Prefer a named district to the city around it, a named place to a bearing's anchor.

    "clashes on the outskirts of the capital, in the Salah al-Din and Ain Zara areas":
    Salah al-Din; "gathered west of Sirte around Abu Grein": Abu Grein.
    """
    if best.place.kind in ("city", "town"):
        owned = _owned_by(ex, best, cands)
        if owned is not None:
            return owned  # "Tripoli's southern Souq al-Khamis district": that district
        b = next(k for k, c in enumerate(cands) if c is best)
        listed = {
            k for k in range(len(cands))
            if k != b and not cands[k].separate and (_chain(cands, k, b) or _chain(cands, b, k))
        }  # fmt: skip
        inside = [
            c for k, c in enumerate(cands)
            if c is not best and c.role != "origin"
            and k not in listed  # "in A, B and C": a list of places, each its own
            and c.place.kind in ("district", "neighbourhood")
            and haversine_km(c.place.lat, c.place.lon, best.place.lat, best.place.lon)
            <= _INSIDE_KM
            and not triggers._trigger_between(ex, best.t1, c.t0, kind)
            and not triggers._trigger_between(ex, c.t1, best.t0, kind)
        ]  # fmt: skip
        if inside:
            return min(inside, key=lambda c: abs(c.t0 - best.t0))
    if best.bearing:
        follow = [
            c for c in cands
            if c is not best and c.role != "origin" and 0 <= c.t0 - best.t1 <= 2
            and not (c.coord_prev is not None and c.separate)
        ]  # fmt: skip
        if follow:
            return follow[0]
    return best
