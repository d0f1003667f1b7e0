"""What the fuzz test and the longer fuzz run share: article files of every kind, and the check.

An input is the bytes of one article file: news-like sentences built from the theatre's
words (places, actors, triggers, dates) mixed with arbitrary text, markup, template marks,
odd encodings, long tokens and runs of dots, behind front matter that may be valid, broken
or hostile. The check reads it as the command line would and runs place finding, event
extraction and control statements on it: reading may report problems, but nothing may
raise, and every event must be well formed.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

from hypothesis import strategies as st

from geo.actors import load_actors
from geo.articles import articles_from_paths
from geo.control import control_facts_from_text
from geo.events import extract_events
from geo.gazetteer import load_gazetteer
from geo.model import DATE_PRECISIONS, EVENT_TYPES, STATUSES
from geo.places import find_places

WORDS = [
    "Tripoli", "Misrata", "Tarhuna", "Sirte", "Gharyan", "al-Jufra", "Ain Zara", "Benghazi",
    "Haftar", "LNA", "GNA", "Wagner", "Turkey", "forces", "militias", "warplanes", "drones",
    "shelled", "struck", "attacked", "seized", "captured", "withdrew", "clashes", "bombing",
    "killed", "wounded", "said", "claimed", "denied", "according to", "on Monday",
    "on Thursday evening", "yesterday", "last week", "since April 4", "early June",
    "Dec. 19", "2019-12-20", "two days after", "not", "could", "might", "threatened to",
    "south of", "90 km southeast of", "between", "and", ",", ".", ";", "\"", "(", ")",
    "...", "Mr.", "U.S.", "No.", "{{ 7*191 }}", "{% raw %}", "{#", "<script>", "&amp;",
    "=HYPERLINK(1)", "\u2028", "\u200f", "ترهونة", "🙂", "\t", "\n", "\n\n",
]

sentences = st.lists(
    st.one_of(
        st.sampled_from(WORDS),
        st.text(min_size=1, max_size=12),
        st.builds(lambda n: "." * n, st.integers(1, 40)),
        st.builds(lambda c, n: c * n, st.sampled_from("aZ9_-/."), st.integers(100, 3000)),
    ),
    min_size=1,
    max_size=60,
).map(" ".join)

front_values = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["2020-02-30", "2019-12-20", "[1, [2, [3]]]", "&a x", "*a", "{a: 1}", "|"]),
)
front_matter = st.one_of(
    st.just(""),
    st.builds(
        lambda keys, values: "---\n"
        + "".join(f"{k}: {v}\n" for k, v in zip(keys, values, strict=False))
        + "---\n",
        st.lists(st.sampled_from(["title", "published", "outlet", "url", "date", "x"]),
                 max_size=5),
        st.lists(front_values, max_size=5),
    ),
    st.just("---\ntitle: [unclosed\n---\n"),
    st.just("---\nno closing line\n"),
)
encodings = st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-32", "cp1252", "latin-1"])


@st.composite
def article_bytes(draw: st.DrawFn) -> bytes:
    """The bytes of one article file."""
    text = draw(front_matter) + draw(sentences)
    if draw(st.booleans()):
        text += "\n\n" + draw(sentences)
    encoding = draw(encodings)
    data = text.encode(encoding, errors="replace")
    if draw(st.integers(0, 9)) == 0:  # now and then, raw bytes
        data = draw(st.binary(max_size=200)) + data
    return data


_SHARED: dict[str, object] = {}


def check(folder: Path, data: bytes, *, name: str = "article-2020-01-15.md") -> None:
    """Write ``data`` as one article in ``folder`` and run every per-article stage on it."""
    if not _SHARED:
        _SHARED["gazetteer"] = load_gazetteer()
        _SHARED["actors"] = load_actors()
    gazetteer, actors = _SHARED["gazetteer"], _SHARED["actors"]
    path = folder / name
    path.write_bytes(data)
    batch = articles_from_paths([path])
    for problem in batch.problems:
        str(problem).encode("utf-8")  # every line can be printed
    for article in batch.articles:
        mentions = find_places(article, gazetteer)
        for m in mentions:
            assert 0 <= m.start <= m.end <= len(article.text)
        events = extract_events(article, mentions, actors)
        for e in events:
            assert e.type in EVENT_TYPES and e.status in STATUSES
            assert e.date_precision in DATE_PRECISIONS or e.date_precision == "unknown"
            assert e.date is None or isinstance(e.date, dt.date)
            assert math.isfinite(e.lat) and -90 <= e.lat <= 90
            assert math.isfinite(e.lon) and -180 <= e.lon <= 180
        control_facts_from_text(article, mentions, actors)
