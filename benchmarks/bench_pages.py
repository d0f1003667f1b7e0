"""Compare main-text extractors on the saved-page fixtures (tests/data/web).

For each page, ``tests/data/web/expected.json`` lists sentences of the main
text, phrases of its boilerplate (menus, ads, related links, comments,
footers) and the metadata the page states. Each extractor is scored on

- main: the share of main-text sentences it kept,
- leaked: the share of boilerplate phrases it let through,
- meta: the share of the stated metadata fields (title, date, outlet, URL,
  author) it returned correctly (an extractor without metadata scores 0),
- ms: the median time per page over ``--repeat`` runs.

The extractors: trafilatura as :func:`geo.pages.page_from_html` calls it
(markup-only dates, JSON-LD fallbacks, host names not taken for outlets),
trafilatura with its defaults and metadata, readability-lxml
(``Document.summary``, title from ``short_title``) and jusText with its
English stop list and default thresholds. The last two are not dependencies
of frontline; they are skipped when not installed (``pip install
readability-lxml lxml_html_clean justext``).

Usage::

    python benchmarks/bench_pages.py
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

WEB = Path(__file__).resolve().parents[1] / "tests" / "data" / "web"
FIELDS = ("title", "published", "outlet", "url", "author")

Extracted = tuple[str, dict[str, Any]]


def with_trafilatura(html: bytes) -> Extracted:
    from geo.pages import page_from_html

    page = page_from_html(html)
    published = page.published.isoformat() if isinstance(page.published, dt.date) else None
    return page.text, {"title": page.title, "published": published, "outlet": page.outlet,
                       "url": page.url, "author": page.author}


def with_bare_trafilatura(html: bytes) -> Extracted:
    import trafilatura

    doc: Any = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False)
    return doc.text or "", {"title": doc.title, "published": doc.date, "outlet": doc.sitename,
                            "url": doc.url, "author": doc.author}


def with_readability(html: bytes) -> Extracted:
    import lxml.html
    from readability import Document

    doc = Document(html.decode("utf-8"))
    text = lxml.html.fromstring(doc.summary()).text_content()
    return text, {"title": doc.short_title()}


def with_justext(html: bytes) -> Extracted:
    import justext

    paragraphs = justext.justext(html, justext.get_stoplist("English"))
    return "\n".join(p.text for p in paragraphs if not p.is_boilerplate), {}


def extractors() -> dict[str, Callable[[bytes], Extracted]]:
    found: dict[str, Callable[[bytes], Extracted]] = {
        "geo.pages": with_trafilatura,
        "trafilatura bare": with_bare_trafilatura,
    }
    for name, module, func in (("readability-lxml", "readability", with_readability),
                               ("justext", "justext", with_justext)):
        try:
            __import__(module)
        except ImportError:
            print(f"({name} not installed: skipped)")
            continue
        found[name] = func
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    expected = json.loads((WEB / "expected.json").read_text(encoding="utf-8"))
    pages = {name: (WEB / name).read_bytes() for name in sorted(expected)}
    rows = []
    for label, extract in extractors().items():
        main_kept = main_total = leaked = leak_total = meta_ok = meta_total = 0
        times = []
        per_page = []
        for name, html in pages.items():
            want = expected[name]
            try:
                text, meta = extract(html)
            except Exception as err:  # an extractor failing on a page scores zero there
                text, meta = "", {}
                print(f"{label}: {name}: {type(err).__name__}: {err}")
            kept = sum(s in text for s in want["main"])
            leak = sum(p in text for p in want["boilerplate"])
            stated = [f for f in FIELDS if want["meta"].get(f)]
            right = sum(meta.get(f) == want["meta"][f] for f in stated)
            main_kept += kept
            main_total += len(want["main"])
            leaked += leak
            leak_total += len(want["boilerplate"])
            meta_ok += right
            meta_total += len(stated)
            per_page.append(f"{name}: main {kept}/{len(want['main'])}, "
                            f"leaked {leak}/{len(want['boilerplate'])}, meta {right}/{len(stated)}")
            for _ in range(args.repeat):
                start = time.perf_counter()
                try:
                    extract(html)
                except Exception:
                    pass  # already reported above
                times.append(time.perf_counter() - start)
        rows.append((label, main_kept / main_total, leaked / leak_total,
                     meta_ok / meta_total, 1000 * statistics.median(times), per_page))
    print(f"{len(pages)} pages: {', '.join(pages)}")
    print(f"{'extractor':<18}{'main':>7}{'leaked':>8}{'meta':>7}{'ms/page':>9}")
    for label, kept, leak, meta, ms, _ in rows:
        print(f"{label:<18}{kept:>7.0%}{leak:>8.0%}{meta:>7.0%}{ms:>9.1f}")
    for label, *_, per_page in rows:
        print(f"\n{label}")
        for line in per_page:
            print(f"  {line}")


if __name__ == "__main__":
    main()
