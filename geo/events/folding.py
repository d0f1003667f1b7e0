"""Stage 8a: drafts folded within a sentence and an article, before they become events.

One happening told several times in one article keeps one draft: an assault and the
capture it ends in, a town's base taken with the town, a strike told again as "the base
was attacked", a heading over the body that tells it, "south of X" over the place told
exactly, "the clashes" told again at a more exact place.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from ..gazetteer import haversine_km
from ._rules import _ABSORBED_BY, _KIND_RANK
from .sentences import _Sentence
from .state import _Draft

if TYPE_CHECKING:
    from .extractor import _Extractor


def _dedupe(drafts: list[_Draft]) -> list[_Draft]:
    """One event per type and place in a sentence; the fighting of an assault is the assault.

    "stormed and took X", "took X after a brief battle", "tried to advance on X but were
    pushed back after clashes": a capture absorbs an attack and a clash at the same place,
    an attack a clash.
    """
    out: list[_Draft] = []
    for d in drafts:
        twin = next(
            (
                o for o in out
                if o.type == d.type and o.place.place_id == d.place.place_id
                # "on 3 and 4 August": one trigger, two days, two events
                and (o.t0 != d.t0 or o.span.date == d.span.date)
            ),
            None,
        )  # fmt: skip
        if twin is None:
            out.append(d)
        elif twin.actor is None and d.actor is not None:
            twin.actor = d.actor
    kept = []
    for d in out:
        stronger = _ABSORBED_BY.get(d.type, ())
        host = next(
            (
                o for o in out
                if o.type in stronger and o.place.place_id == d.place.place_id
            ),
            None,
        )  # fmt: skip
        if host is None:
            kept.append(d)
            continue
        if host.fatalities is None:
            host.fatalities = d.fatalities
        host.actor = host.actor or d.actor
    return kept


def _fold_sites(drafts: list[_Draft]) -> list[_Draft]:
    """Fold the taking of a town's air base or port into the taking of the town that day.

    "took Sirte ... and the air base south of the city": one happening, at the town.
    """
    towns = [d for d in drafts if d.type in _AREA_TYPES and d.place.kind in ("city", "town")]
    if not towns:
        return drafts
    out = []
    for d in drafts:
        if (
            d.type in _AREA_TYPES
            and d.place.kind in _SITE_KINDS
            and any(
                t.type == d.type
                and t.span.date == d.span.date
                and haversine_km(t.place.lat, t.place.lon, d.place.lat, d.place.lon) <= _SITE_KM
                for t in towns
            )
        ):
            continue
        out.append(d)
    return out


def _fold_retold(drafts: list[_Draft]) -> list[_Draft]:
    """Drop a bare attack on a place pointed back to when a strike there was told that day.

    "Aircraft struck the X air base on Friday. ... TV confirmed the base was attacked":
    the attack is the strike told again, not an assault.
    """
    out = []
    for k, d in enumerate(drafts):
        if d.retold and any(
            o.type in _STRIKE_TYPES
            and o.place.place_id == d.place.place_id
            and o.span.date <= d.span.last and d.span.date <= o.span.last
            for o in drafts[:k]
        ):
            continue
        out.append(d)
    return out


_STRIKE_TYPES = frozenset({"airstrike", "shelling"})


# Types whose reports within one article cover a town and its outlying sites.
_AREA_TYPES = frozenset({"capture", "withdrawal"})


_SITE_KINDS = frozenset({"air_base", "airport", "port", "military_site"})


_SITE_KM = 30.0


#: Words of a sentence that adds a place to a happening told before, not one that
#: places it: "the clashes also spread to X".
_SPREAD = frozenset("also spread spreading extended extending reached reaching too".split())


def _placed_again(
    ex: _Extractor, sent: _Sentence, these: list[_Draft], prev: list[_Draft],
    drafts: list[_Draft],
) -> list[_Draft]:
    """Drop the last sentence's event that this sentence places more exactly.

    "Fighting intensified in Hodeidah on Wednesday. The clashes took place in al-Shab, a
    village of Hays district": "the clashes" is the fighting told again, at its place.
    """
    doc = ex.doc
    if any(w in _SPREAD for w in doc.lower[sent.t0 : sent.t1]):
        return drafts
    again = [
        d for d in these
        if d.t0 > sent.t0 and doc.lower[d.t0 - 1] in ("the", "these", "this")
        and d.t0 - sent.t0 <= 2
    ]  # fmt: skip
    if not again:
        return drafts
    gone = []
    for d in again:
        same = [p for p in prev if p.type == d.type and p.span.date == d.span.date]
        if len(same) != 1 or same[0].place.place_id == d.place.place_id:
            continue
        old = same[0]
        if _KIND_RANK.get(d.place.kind, 0) > _KIND_RANK.get(old.place.kind, 0):
            continue  # the place told again is larger: no more exact
        gone.append(old)
        # the first telling's word, sides and toll stay with the happening
        if d.status == "reported" and old.status != "reported":
            d.status, d.claimed_by = old.status, old.claimed_by
        d.actor, d.target = d.actor or old.actor, d.target or old.target
        d.fatalities = d.fatalities if d.fatalities is not None else old.fatalities
        if ex.trace is not None:
            ex.trace.append(
                f"{old.type} at {old.place.name} (sentence {old.sentence.index + 1}) told "
                f"again at {d.place.name} (sentence {sent.index + 1}): one happening"
            )
    if not gone:
        return drafts
    return [d for d in drafts if not any(d is g for g in gone)]


#: How far from a roughly told place ("south of Tripoli") the exact place of the same
#: happening may lie.
_AROUND_KM = 30.0


def _fold_rough(ex: _Extractor, drafts: list[_Draft]) -> list[_Draft]:
    """Drop a happening told roughly at a larger place that the article tells exactly.

    "Clashes resumed south of Tripoli on Thursday" and "clashes hit Ain Zara" that day:
    one fighting, at the place named. The exact place is smaller than the rough one
    (a district of the city, a town near it) and lies within 30 km.
    """
    out = []
    for d in drafts:
        exact = d.geo_precision == "near" and next(
            (o for o in drafts
             if o is not d and o.type == d.type and o.geo_precision == "exact"
             and o.sentence.index != d.sentence.index
             # "near A and B": B listed beside A is a place of its own
             and not any(q.sentence.index == d.sentence.index
                         and q.place.place_id == o.place.place_id for q in drafts)
             and _KIND_RANK.get(o.place.kind, 0) < _KIND_RANK.get(d.place.kind, 0)
             and haversine_km(d.place.lat, d.place.lon, o.place.lat, o.place.lon) <= _AROUND_KM
             and (d.span.precision == "published" or o.span.precision == "published" or (
                 o.span.date <= d.span.last and d.span.date <= o.span.last))),
            None,
        )  # fmt: skip
        if exact:
            # the rough telling's word and sides stay with the happening
            if exact.status == "reported" and d.status != "reported":
                exact.status, exact.claimed_by = d.status, d.claimed_by
            exact.actor, exact.target = exact.actor or d.actor, exact.target or d.target
            if ex.trace is not None:
                ex.trace.append(
                    f"{d.type} told roughly at {d.place.name} (sentence {d.sentence.index + 1}) "
                    f"left to the one at {exact.place.name} (sentence "
                    f"{exact.sentence.index + 1})"
                )
            continue
        out.append(d)
    return out


#: A heading is at most this many tokens.
_HEADING_TOKENS = 20

#: How far from a heading's place the body may tell the happening it announces.
_HEADING_KM = 60.0


def _is_heading(ex: _Extractor, sent: _Sentence) -> bool:
    """Whether a sentence is a heading.

    The title, or a short paragraph of its own that ends in no full stop ("Tripoli:
    Renewed clashes").
    """
    text = ex.text[sent.start : sent.end].strip()
    title = (ex.article.title or "").strip()
    if title and text == title:
        return True
    doc = ex.doc
    around = doc.sentences[max(0, sent.index - 1) : sent.index + 2]
    alone = all(o.paragraph != sent.paragraph for o in around if o is not sent)
    return alone and sent.t1 - sent.t0 <= _HEADING_TOKENS and text[-1:] not in ".!?\"”’"


def _fold_headings(ex: _Extractor, drafts: list[_Draft]) -> list[_Draft]:
    """Drop a heading's event that the body tells at its own place.

    "Tripoli: Renewed clashes" over "clashes in Ain Zara and Salah al-Din": the heading
    announces the body's happenings, at the places the body names.
    """
    heads = {d.sentence.index for d in drafts if _is_heading(ex, d.sentence)}
    if not heads:
        return drafts
    body = [d for d in drafts if d.sentence.index not in heads]
    out = []
    for d in drafts:
        told = d.sentence.index in heads and next(
            (b for b in body
             if b.type == d.type
             # another place, no larger than the heading's (merging joins one place's)
             and _SAME_PLACE_KM
             < haversine_km(d.place.lat, d.place.lon, b.place.lat, b.place.lon) <= _HEADING_KM
             and _KIND_RANK.get(b.place.kind, 0) <= _KIND_RANK.get(d.place.kind, 0)
             and b.span.date <= d.span.last + _DAY and d.span.date <= b.span.last + _DAY),
            None,
        )  # fmt: skip
        if told:
            if ex.trace is not None:
                ex.trace.append(
                    f"heading's {d.type} at {d.place.name} (sentence {d.sentence.index + 1}) "
                    f"left to the body's at {told.place.name} (sentence "
                    f"{told.sentence.index + 1})"
                )
            continue
        out.append(d)
    return out


_DAY = dt.timedelta(days=1)
#: Points closer than this are one place told twice.
_SAME_PLACE_KM = 3.0
