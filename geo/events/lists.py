"""Stage 4a: which word governs a place name, and which list of places it belongs to.

Walking back from a name to its preposition or verb ("in", "from", the trigger), past
the other items of a list: "A, B and C", "the villages of A and B", "A district in X,
B and C districts", "Tripoli, capital of Libya, and Gharyan", names the gazetteer lacks.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ._rules import (
    _APPOSITION_WORDS,
    _AUXILIARIES,
    _KIND_RANK,
    _LOCATIVE,
    _NP_WORDS,
    _ORIGIN,
    _PLURAL_SETTLEMENTS,
)
from .sentences import _Doc, _Sentence
from .state import _Candidate

if TYPE_CHECKING:
    from .extractor import _Extractor


#: Parts of a town taken: "captured some streets in X", "seized parts of X".
_TOWN_PARTS = frozenset(
    "streets neighbourhoods neighborhoods districts quarters areas sections blocks ground "
    "territory terrain".split()
)

#: Nouns a list of places follows: "the villages of A, B and C".
_LIST_HEADS = _PLURAL_SETTLEMENTS | _TOWN_PARTS | frozenset({"suburbs", "regions"})


#: Words that open a list naming the places a plural noun covers ("several districts,
#: including A and B", "areas such as A").
_LIST_WORDS = frozenset(
    "including notably namely particularly especially mainly such as multiple many various "
    "numerous different".split()
)


#: Words that open a list of the places a plural object names.
_LIST_OPENERS = frozenset({"including", "notably", "namely", "among"})


def _role(
    ex: _Extractor, sent: _Sentence, t0: int, earlier: list[_Candidate], t1: int | None = None
) -> tuple[str, bool, tuple[int, bool] | None]:
    """Walk back from a place name to the word that governs it.

    Returns the role ("loc", "origin" or "other"), whether a relative word
    ("south of", "near") stands before it, and, for a coordinated name, the
    index of the earlier candidate and whether it is a phrase of its own.
    """
    role, near, coord = _role_back(ex, sent, t0, earlier)
    if role == "other" and t1 is not None:
        # "Misrata was bombed", "Misrata would be targeted": the place suffers the event
        ahead = [j for j in range(t1, min(sent.t1, t1 + 4))]
        if (
            ahead
            and ex.doc.lower[ahead[0]] in _AUXILIARIES
            and any(t.t0 in ahead[1:] for t in ex.triggers)
        ):
            role = "loc"
    return role, near, coord


#: Words of "the other (one)", "another", "a second": a further item of a count told before.
_OTHER_ONE = frozenset("other another second third fourth".split())


def _past_other_one(doc: _Doc, sent: _Sentence, k: int) -> int:
    """Step back over "the other (one)", "another", "a second (one)" before a preposition.

    "two strikes, one on Sirte and the other on Misrata": the token before those words
    ("and", ",") joins the phrase to the one before; else ``k`` itself.
    """
    m = k
    if m >= sent.t0 and doc.lower[m] not in _OTHER_ONE and doc.lower[m] != "one":
        # "another on a house in Y": past the target's words and their preposition
        n = m
        while n >= sent.t0 and m - n < 3 and doc.lower[n].isalpha() and doc.lower[n] not in (
            _LOCATIVE
        ):
            n -= 1
        if n < m and n >= sent.t0 and doc.lower[n] in _LOCATIVE:
            m = n - 1
    if m >= sent.t0 and doc.lower[m] == "one":
        m -= 1
    if m < sent.t0 or doc.lower[m] not in _OTHER_ONE:
        return k
    m -= 1
    if m >= sent.t0 and doc.lower[m] in ("the", "a"):
        m -= 1
    return m if m >= sent.t0 and doc.lower[m] in ("and", ",") else k


#: Nouns a description set off by commas after a place is built on ("capital of X").
_DESCRIPTION_NOUNS = frozenset(
    "capital town city village district area stronghold hub gateway seat home base port "
    "oasis suburb".split()
)
_DESCRIPTION_WORDS = _APPOSITION_WORDS | _DESCRIPTION_NOUNS | frozenset(
    "provincial regional largest biggest second third rebel-held government-held".split()
)


def _past_apposition(
    ex: _Extractor, sent: _Sentence, j: int, earlier: list[_Candidate]
) -> int | None:
    """The candidate before a description set off by commas that ends at ``j``, or None.

    At the comma ``j`` closing ", capital of Libya," or ", a key town,", the candidate
    just before the opening comma; the description holds a noun of it and names no
    place of its own that is a candidate.
    """
    doc = ex.doc
    if doc.lower[j] != ",":
        return None
    for q in range(j - 2, max(sent.t0 - 1, j - 9), -1):
        if doc.lower[q] != ",":
            continue
        words = range(q + 1, j)
        if any(c.t0 in words for c in earlier):
            return None
        text = [doc.lower[w] for w in words]
        if not any(w in _DESCRIPTION_NOUNS for w in text):
            return None
        if not all(
            w in _DESCRIPTION_WORDS or ex.text[doc.starts[k]].isupper()
            for k, w in zip(words, text, strict=True)
        ):
            return None
        return next((i for i in range(len(earlier) - 1, -1, -1) if earlier[i].t1 == q), None)
    return None


#: Words naming the kind of place after a name ("Lawder district", "Abyan governorate").
_KIND_NOUNS = frozenset(
    "district districts governorate governorates province provinces region regions area "
    "areas village villages town towns municipality oblast raion county airbase base camp "
    "airport road".split()
)


def _kind_gap(doc: _Doc, t1: int, j: int) -> bool:
    """Whether only one or two kind words ("district", "districts") lie between ``t1`` and ``j``."""
    return 0 < j - t1 <= 2 and all(w in _KIND_NOUNS for w in doc.lower[t1:j])


def _contained(ex: _Extractor, earlier: list[_Candidate], k: int) -> int:
    """The place that candidate ``k`` only locates, when it is such a container; else ``k``.

    "in Lawder district in Abyan governorate, Majzar ...": the list goes on from Lawder;
    Abyan, a larger place written after "in" right behind it, says where Lawder lies.
    """
    doc = ex.doc
    c = earlier[k]
    before = c.t0 - 1
    if before > 0 and doc.lower[before] == "the":
        before -= 1  # "in the Zawiya region"
    if k == 0 or before < 0 or doc.lower[before] != "in":
        return k
    host = earlier[k - 1]
    if host.t1 != before and not _kind_gap(doc, host.t1, before):
        return k
    if _KIND_RANK.get(c.place.kind, 0) <= _KIND_RANK.get(host.place.kind, 0):
        return k
    return k - 1


def _bracket_start(doc: _Doc, sent: _Sentence, j: int) -> int | None:
    """Where a bracket of at most five tokens closing just before token ``j`` opens."""
    if j - 1 < sent.t0 or doc.lower[j - 1] != ")":
        return None
    for k in range(j - 2, max(sent.t0 - 1, j - 8), -1):
        if doc.lower[k] == "(":
            return k
    return None


def _role_back(
    ex: _Extractor, sent: _Sentence, t0: int, earlier: list[_Candidate]
) -> tuple[str, bool, tuple[int, bool] | None]:
    doc = ex.doc
    near = False
    steps = 0
    j = t0 - 1
    passed_words = False
    while j >= sent.t0 and steps < 8:
        tok = doc.lower[j]
        if tok == "of" and j - 1 >= sent.t0 and doc.lower[j - 1] == "out":
            return "origin", near, None  # "pulled out of Sirte", "driven out of X"
        if ex.lex.near_cues.fullmatch(tok):
            near = True
        if tok in ("and", "or") and j - 1 >= sent.t0 and doc.lower[j - 1] == ",":
            j -= 1  # "A, B, and C": the serial comma is the list's separator
            continue
        # "Abu Sleem (Busleem) and Salah al-Din": the list goes on past a name's bracket
        gap_end = _bracket_start(doc, sent, j) if tok in ("and", ",") else None
        for k in range(len(earlier) - 1, -1, -1):
            cand = earlier[k]
            # "in A district, B and C districts": past the kind of place after a name
            if tok in ("and", ",") and (cand.t1 in (j, gap_end) or _kind_gap(doc, cand.t1, j)):
                k = _contained(ex, earlier, k)
                cand = earlier[k]
                return cand.role, near or (cand.near and not passed_words), (k, passed_words)
        if tok in ("and", ",") and (host := _past_apposition(ex, sent, j, earlier)) is not None:
            # "Tripoli, capital of Libya, and Gharyan": the list goes on past the description
            return earlier[host].role, near, (host, False)
        if tok in ("and", ","):
            item = _unknown_list_item(ex, sent, j, earlier)
            if item is not None:
                # "liberated A, B, C and D" where the gazetteer lacks B: the list goes on
                j = item
                steps += 1
                continue
        if tok in _LOCATIVE or tok in _ORIGIN:
            role = "loc" if tok in _LOCATIVE else "origin"
            # "in Sirte and near X": a phrase of its own coordinated with the last one
            k = _past_other_one(doc, sent, j - 1)
            if k >= sent.t0 and doc.lower[k] in ("and", ","):
                for i in range(len(earlier) - 1, -1, -1):
                    end = k - 1 if k - 1 >= sent.t0 and doc.lower[k - 1] == "," else k
                    if earlier[i].t1 in (k, k - 1) or _kind_gap(doc, earlier[i].t1, end):
                        i = _contained(ex, earlier, i)
                        return earlier[i].role, near, (i, True)
            return role, near, None
        inside = [t for t in ex.triggers if t.t0 <= j < t.t1]
        if inside and tok in _NP_WORDS and all(t.t0 < j for t in inside):
            # words of a trigger's gap: "heading from the city of X towards Y"
            j -= 1
            steps += 1
            continue
        if inside or _in_threat_span(ex, j):
            return "loc", near, None
        if tok in _NP_WORDS or tok in ('"', "“", "”", "'", "’s", "'s") or tok.isdigit():
            passed_words = True
            j -= 1
            steps += 1
            continue
        if (owner := _possessor_start(ex, j)) is not None:
            # "targeting Haftar's al-Watiya air base": past the owner's name
            passed_words = True
            j = owner - 1
            steps += 1
            continue
        if tok in _LIST_WORDS or (
            tok == "," and j + 1 < sent.t1 and doc.lower[j + 1] in _LIST_WORDS
        ):
            # "across several areas, including A": the list's preposition governs it
            passed_words = True
            j -= 1
            continue
        return "other", near, None
    return "other", near, None


def _possessor_start(ex: _Extractor, j: int) -> int | None:
    """The first token of an actor's name that token ``j`` ends with "'s", or None.

    The tokens keep the "'s" ("haftar’s"); the actor list's match may hold it or not.
    """
    doc = ex.doc
    if not doc.lower[j].endswith(("’s", "'s")):
        return None
    lo, hi = doc.starts[j], doc.ends[j]
    for m in ex.actor_mentions:
        if m.start <= lo and hi - 2 <= m.end <= hi:
            return doc.token_at(m.start)
    return None


#: lower-case words a place name may hold ("Bir al-Ghanam", "Wadi el Hayat")
_NAME_PARTICLES = frozenset({"al", "el", "ad", "ar", "as", "az", "ash", "at", "-", "bin", "ibn",
                             "abu", "umm", "de", "la", "of"})


#: a name written with its article: "al-Shwaykh", "el-Hawari"
_PARTICLE_NAME = re.compile(r"(?:al|el|ad|ar|as|az|ash|at)-[A-Z]")


def _unknown_list_item(
    ex: _Extractor, sent: _Sentence, j: int, earlier: list[_Candidate]
) -> int | None:
    """The separator before a capitalised name that is itself an item of a list, or None.

    At the separator ``j`` ("," or "and"), the one to four tokens before it form a
    name the gazetteer does not know (capitalised, no trigger, no candidate), with a
    list separator or a list's first candidate before it: "A, B and C" with B
    unknown. Then A and C are still items of one list.
    """
    doc = ex.doc
    k = j - 1
    words = 0
    while k >= sent.t0 and words < 4:
        text = doc.text[doc.starts[k]:doc.ends[k]]
        if text[:1].isupper() or _PARTICLE_NAME.match(text):
            words += 1
        elif doc.lower[k] not in _NAME_PARTICLES:
            break
        if any(t.t0 <= k < t.t1 for t in ex.triggers) or any(c.t0 <= k < c.t1 for c in earlier):
            return None
        k -= 1
    if words == 0 or k < sent.t0 or k == j - 1:
        return None
    if doc.lower[k] not in (",", "and"):
        # the list's first item: "retook Harbat Gharyan, Surman and ...", "in Bir X, Y"
        opens = (
            doc.lower[k] in _LOCATIVE
            or any(t.t0 <= k < t.t1 for t in ex.triggers)
            # "the villages of A, B and C"
            or (doc.lower[k] in _LIST_HEADS and doc.lower[k + 1] == "of")
        )
        if opens and doc.lower[k] in _LIST_HEADS:
            # the list opens after "of": "the villages of A, B and C", "the two regions of
            # A and B"
            return k + 1 if doc.lower[j] in (",", "and") else None
        return k if opens and doc.lower[j] == "," else None
    if doc.lower[k] == "and" and not any(c.t1 == k for c in earlier):
        return None  # "X and Y" with nothing known before: no list to go on with
    return k


def _in_threat_span(ex: _Extractor, token: int) -> bool:
    start = ex.doc.starts[token]
    return any(s <= start < e for s, e in ex.threat["explicit"])
