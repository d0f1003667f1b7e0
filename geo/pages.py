"""Saved web pages and PDF reports as article text and metadata.

A saved page (``.html``, ``.htm``, ``.mhtml``/``.mht``) gives its main text,
without navigation, advertisements, related links and comments, through
trafilatura, and the metadata it carries in its meta tags and JSON-LD: title,
publication date, outlet (site name), canonical URL and author. A PDF report
(``.pdf``) gives the text of its text layer through pypdf, and the title, author
and creation date its document information holds.

Page text is untrusted: it is parsed (never run, never fetched from), and only
plain text and plain metadata strings come out. Every way a page can be unusable
(empty, binary, undecodable, too big, no main text, a scanned PDF) raises a
:class:`PageError` whose message says which, in one line.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import io
import json
import logging
import re
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any
from urllib.parse import urlsplit

from . import settings
from .errors import ArticleError

__all__ = [
    "HTML_SUFFIXES",
    "PAGE_SUFFIXES",
    "PDF_SUFFIXES",
    "Page",
    "PageError",
    "page_from_bytes",
    "page_from_html",
    "page_from_mhtml",
    "page_from_pdf",
]

#: File endings read as saved web pages.
HTML_SUFFIXES: tuple[str, ...] = (".html", ".htm")
#: File endings read as web archives (MIME HTML, as browsers "save as single file").
MHTML_SUFFIXES: tuple[str, ...] = (".mhtml", ".mht")
#: File endings read as PDF reports.
PDF_SUFFIXES: tuple[str, ...] = (".pdf",)
#: Every file ending this module reads.
PAGE_SUFFIXES: tuple[str, ...] = HTML_SUFFIXES + MHTML_SUFFIXES + PDF_SUFFIXES

_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_SPACES = re.compile(r"[ \t\u00a0]+")
_BLANK_LINES = re.compile(r"\n{3,}")


class PageError(ArticleError):
    """A saved page or PDF gives no usable article."""


@dataclass(frozen=True)
class Page:
    """The article a page holds: its main text and the metadata it states."""

    text: str
    title: str | None = None
    published: dt.date | None = None
    outlet: str | None = None
    url: str | None = None
    author: str | None = None
    #: the host of the page's URL (``www.`` dropped): an outlet of last resort
    site: str | None = None


def page_from_bytes(
    raw: bytes, suffix: str, *, url: str | None = None, charset: str | None = None
) -> Page:
    """Read a page of the kind its file ending names.

    Parameters
    ----------
    raw
        The file's bytes.
    suffix
        Its ending, one of :data:`PAGE_SUFFIXES` (any case).
    url
        Where it came from, when known (used when the page names no URL of its own).
    charset
        The encoding a web server declared for it, if any.

    Returns
    -------
    Page

    Raises
    ------
    PageError
        When the page gives no usable article; the message says why.

    Examples
    --------
    >>> html = b"<html><head><title>T</title></head><body><article><p>" + b"Words. " * 60
    >>> page_from_bytes(html + b"</p></article></body></html>", ".html").title
    'T'
    """
    suffix = suffix.lower()
    if suffix in PDF_SUFFIXES:
        return page_from_pdf(raw)
    if suffix in MHTML_SUFFIXES:
        return page_from_mhtml(raw)
    if suffix in HTML_SUFFIXES:
        return page_from_html(raw, url=url, charset=charset)
    raise PageError(f"not a page: {suffix!r} is none of {', '.join(PAGE_SUFFIXES)}")


def _check_size(raw: bytes | str) -> None:
    if not raw.strip():
        raise PageError("empty file")
    limit = settings.page_max_bytes
    if len(raw) > limit:
        raise PageError(f"page too big ({len(raw):,} bytes; the limit is {limit:,})")


def decode_html(raw: bytes, *, charset: str | None = None) -> str:
    """Decode a page's bytes: byte-order mark, then the declared charset, then UTF-8.

    The charset is the one a server sent, else one a ``<meta>`` tag names;
    without either, UTF-8 is tried and then Windows-1252 (the commonest legacy
    encoding of news pages).

    Raises
    ------
    PageError
        For a binary file or bytes that no candidate encoding reads.
    """
    _check_size(raw)
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError as err:
            raise PageError("invalid UTF-16 despite its byte-order mark") from err
    if b"\x00" in raw[:8192]:
        raise PageError("binary file (contains NUL bytes), not a web page")
    if raw.startswith(b"\xef\xbb\xbf"):
        candidates = ["utf-8-sig"]
    else:
        declared = charset
        if declared is None:
            found = _CHARSET.search(raw[:4096])
            declared = found.group(1).decode("ascii") if found else None
        candidates = [declared] if declared else []
        candidates += ["utf-8", "cp1252"]
    for encoding in candidates:
        try:
            return raw.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    raise PageError("cannot decode the page: neither its declared charset nor UTF-8 fits")


def page_from_html(
    html: bytes | str, *, url: str | None = None, charset: str | None = None
) -> Page:
    """Main text and metadata of an HTML page, through trafilatura.

    Comments, navigation, advertisements and link lists are left out; tables
    are kept. The publication date is taken only from the page's markup (meta
    tags, JSON-LD, ``<time>`` elements, the URL), not guessed from its text.

    Raises
    ------
    PageError
        For an empty, binary, undecodable or oversized page, or one with no main text.
    """
    text = decode_html(html, charset=charset) if isinstance(html, bytes) else html
    _check_size(text)
    import trafilatura

    try:
        with _quiet("trafilatura", "htmldate", "courlan"):
            doc: Any = trafilatura.bare_extraction(
                text,
                url=url,
                with_metadata=True,
                include_comments=False,
                include_tables=True,
                include_images=False,
                include_links=False,
                date_extraction_params={"extensive_search": False, "original_date": True},
            )
    except Exception as err:  # trafilatura/lxml on hostile markup: report, never crash
        raise PageError(f"cannot parse the page: {type(err).__name__}: {err}") from err
    found = _tidy(getattr(doc, "text", None) or "") if doc is not None else ""
    # one paragraph a line in trafilatura's text: blank lines between them, as in Markdown
    body = "\n\n".join(line for line in found.split("\n") if line)
    if len(body) < settings.page_min_chars:
        found = f" (only {len(body)} characters)" if body else ""
        raise PageError(f"no main text found in the page{found}")
    linked = _json_ld(text)
    address = _one_line(doc.url) or _one_line(linked.get("url")) or url
    hosts = _host_names(address or "") | _host_names(url or "")
    outlet = _one_line(doc.sitename)
    if outlet and outlet.lower() in hosts:
        outlet = None  # trafilatura's guess from the address, not a name the page states
    return Page(
        text=body,
        title=_one_line(doc.title) or _one_line(linked.get("headline")),
        published=_date(doc.date) or _date(linked.get("datePublished")),
        outlet=outlet or _one_line(_name(linked.get("publisher"))),
        url=address,
        author=_one_line(doc.author) or _one_line(_name(linked.get("author"))),
        site=_site(address),
    )


def page_from_mhtml(raw: bytes) -> Page:
    """A web archive (MIME HTML): its first HTML part, read as :func:`page_from_html`.

    The archive's ``Snapshot-Content-Location`` (or the part's
    ``Content-Location``) stands in for the URL when the page names none.
    """
    _check_size(raw)
    if b"\x00" in raw[:8192]:
        raise PageError("binary file (contains NUL bytes), not a web archive")
    message = email.message_from_bytes(raw, policy=email.policy.default)
    if not isinstance(message, EmailMessage):  # pragma: no cover - the policy gives these
        raise PageError("not a MIME web archive")
    location = message.get("Snapshot-Content-Location")
    for part in message.walk():
        if part.get_content_type() != "text/html":
            continue
        try:
            html = part.get_content()
        except (LookupError, UnicodeError, ValueError) as err:
            raise PageError(f"cannot decode the archived page: {err}") from err
        if isinstance(html, bytes):  # pragma: no cover - text parts come back as str
            html = decode_html(html)
        where = location or part.get("Content-Location")
        return page_from_html(str(html), url=str(where) if where else None)
    raise PageError("no HTML page inside the web archive")


def page_from_pdf(raw: bytes) -> Page:
    """Text and document information of a PDF report, through pypdf.

    Raises
    ------
    PageError
        For a file that is not a readable PDF, an encrypted one, or a scanned one
        (pages without a text layer).
    """
    _check_size(raw)
    if not raw.lstrip()[:5] == b"%PDF-":
        raise PageError("not a PDF file (no %PDF- header)")
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        with _quiet("pypdf"):
            reader = PdfReader(io.BytesIO(raw))
            if reader.is_encrypted and not reader.decrypt(""):
                raise PageError("encrypted PDF: cannot read its text")
            texts = [page.extract_text() or "" for page in reader.pages]
            info = reader.metadata
    except PageError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, RecursionError) as err:
        raise PageError(f"cannot read the PDF: {type(err).__name__}: {err}") from err
    body = _tidy("\n\n".join(texts))
    if not body:
        raise PageError(
            f"scanned PDF: its {len(texts)} page(s) have no text layer (run OCR on it first)"
        )
    title = author = None
    published = None
    if info is not None:
        title, author = _one_line(info.title), _one_line(info.author)
        try:
            created = info.creation_date
        except (ValueError, TypeError):
            created = None
        published = created.date() if created is not None else None
    return Page(text=body, title=title, published=published, author=author)


# -- helpers ------------------------------------------------------------------------------


class _quiet:
    """Silence the named libraries' loggers (they log every odd page as an error)."""

    def __init__(self, *names: str) -> None:
        self._loggers = [logging.getLogger(name) for name in names]
        self._levels: list[int] = []

    def __enter__(self) -> None:
        self._levels = [logger.level for logger in self._loggers]
        for logger in self._loggers:
            logger.setLevel(logging.CRITICAL)

    def __exit__(self, *exc: object) -> None:
        for logger, level in zip(self._loggers, self._levels, strict=True):
            logger.setLevel(level)


def _host_names(url: str) -> set[str]:
    """The ways trafilatura may write a URL's host as a site name."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return set()
    host = (parts.hostname or "").lower()
    names = {parts.netloc.lower(), host}
    return names | {name.removeprefix("www.") for name in names}


def _site(url: str | None) -> str | None:
    if not url:
        return None
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    return host.removeprefix("www.") if host else None


def _tidy(text: str) -> str:
    lines = [_SPACES.sub(" ", line).strip() for line in text.replace("\r", "\n").split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def _one_line(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    text = " ".join(value.split())
    return text[:500] or None


def _date(value: object) -> dt.date | None:
    if not isinstance(value, str) or not value.strip():
        return None
    value = value.strip()
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _name(value: object) -> str | None:
    """A JSON-LD person or organisation's name (or the first of a list)."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("name")
    return value if isinstance(value, str) else None


_LD_JSON = re.compile(
    r"""<script[^>]+type\s*=\s*["']?application/ld\+json["']?[^>]*>(.*?)</script>""",
    re.IGNORECASE | re.DOTALL,
)
_ARTICLE_TYPES = {"NewsArticle", "Article", "ReportageNewsArticle", "AnalysisNewsArticle",
                  "BlogPosting", "Report", "WebPage"}


def _json_ld(html: str) -> dict[str, Any]:
    """The first article-like JSON-LD object of a page, for what trafilatura leaves out.

    Only the plain fields ``headline``, ``datePublished``, ``publisher``,
    ``author`` and ``url`` (or ``mainEntityOfPage``) are used, as strings.
    """
    for block in _LD_JSON.findall(html[: settings.page_max_bytes]):
        try:
            data = json.loads(block)
        except ValueError:
            continue
        items = data if isinstance(data, list) else [data]
        if isinstance(data, dict) and isinstance(data.get("@graph"), list):
            items = data["@graph"]
        for item in items:
            if not isinstance(item, dict):
                continue
            kind = item.get("@type")
            kinds = {k for k in (kind if isinstance(kind, list) else [kind]) if isinstance(k, str)}
            if not kinds & _ARTICLE_TYPES:
                continue
            found = dict(item)
            if not isinstance(found.get("url"), str):
                entity = found.get("mainEntityOfPage")
                found["url"] = entity.get("@id") if isinstance(entity, dict) else entity
            return found
    return {}
