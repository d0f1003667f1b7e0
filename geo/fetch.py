"""Fetch feeds and article links into a folder of Markdown articles.

:func:`fetch` takes sources (RSS or Atom feed URLs, article URLs, or files
listing them one a line with ``#`` comments), downloads what is new, extracts
each page as :mod:`geo.pages` does and writes one ``.md`` article with YAML
front matter (``title``, ``published``, ``outlet``, ``url``, ``author``) per
item, so :func:`geo.build.build` and :func:`geo.watch.watch` pick them up.

What it has seen is kept in a small state file in the folder
(:data:`STATE_NAME`, hidden, so never read as an article): the ETag and
Last-Modified of every URL for conditional requests, each item's canonical URL,
file and text digest. A second fetch adds nothing; an item whose text changed
upstream rewrites its own file; the same text under another URL is skipped.

It is polite by default (see :mod:`geo.settings`): a clear User-Agent,
robots.txt obeyed (its Crawl-delay too), a delay between requests to one host,
a timeout and a size cap per answer, and retries with back-off on timeouts, lost
connections and 5xx/429 answers. Every failure is one
:class:`~geo.model.Problem` naming the URL, and the other sources go on.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import http.client
import json
import os
import re
import threading
import time
import unicodedata
import urllib.error
import urllib.request
import urllib.robotparser
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

import yaml

from . import settings
from .errors import FrontlineError
from .model import Problem
from .pages import Page, PageError, page_from_html, page_from_pdf

__all__ = [
    "STATE_NAME",
    "FetchError",
    "FetchSummary",
    "fetch",
    "read_sources",
]

#: The state file kept in the target folder.
STATE_NAME = ".frontline-fetch.json"
#: The lock file that keeps two fetches out of one folder.
LOCK_NAME = ".frontline-fetch.lock"
_STATE_VERSION = 1
_SCHEMES = ("http", "https")
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_PDF_TYPES = ("application/pdf",)
_FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml",
               "application/xml", "text/xml", "application/feed+json")
_TAGS = re.compile(r"<[^>]*>")
_SLUG_JUNK = re.compile(r"[^a-z0-9]+")
_SLUG_LENGTH = 60
_MAX_RETRY_AFTER = 60.0


class FetchError(FrontlineError, ConnectionError):
    """A fetch cannot start: a bad option, an unusable folder or state file."""


class _Failure(Exception):
    """One URL failed; the message is the line to report."""


@dataclass
class FetchSummary:
    """What one fetch did: files written and problems met, one per URL."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    #: items seen before and unchanged (including answers of 304 Not Modified)
    unchanged: int = 0
    #: items whose text was already stored under another URL
    duplicates: int = 0
    #: feed items left out by ``match``
    unmatched: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        """Whether anything failed (an error, not a warning)."""
        return any(p.severity == "error" for p in self.problems)

    def lines(self) -> list[str]:
        """One line per file written, then a total."""
        out = [f"added {name}" for name in self.added]
        out += [f"updated {name}" for name in self.updated]
        errors = sum(p.severity == "error" for p in self.problems)
        total = (
            f"fetched: {len(self.added)} new, {len(self.updated)} updated, "
            f"{self.unchanged} unchanged"
        )
        if self.duplicates:
            total += f", {self.duplicates} duplicate"
        if self.unmatched:
            total += f", {self.unmatched} not matching"
        if errors:
            total += f", {errors} failed"
        return [*out, total]


def read_sources(sources: Iterable[str | Path], problems: list[Problem]) -> list[str]:
    """Expand sources into URLs: a URL stands for itself, a file for its lines.

    A file lists one URL a line; blank lines and lines starting with ``#`` are
    skipped. Anything else is reported and left out.
    """
    urls: list[str] = []
    for source in sources:
        text = str(source).strip()
        if _is_web_url(text):
            urls.append(text)
            continue
        path = Path(text)
        if not path.is_file():
            problems.append(Problem(text, "not a URL (http:// or https://) nor a file of them"))
            continue
        try:
            lines = path.read_text(encoding="utf-8-sig").splitlines()
        except (OSError, UnicodeDecodeError) as err:
            problems.append(Problem(text, f"cannot read the list of sources: {err}"))
            continue
        for number, line in enumerate(lines, start=1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if _is_web_url(line):
                urls.append(line)
            else:
                problems.append(Problem(text, f"not an http(s) URL: {line[:200]!r}", number))
    return list(dict.fromkeys(urls))


def fetch(
    sources: Sequence[str | Path],
    into: str | Path,
    *,
    match: str | None = None,
    stop: threading.Event | None = None,
) -> FetchSummary:
    """Download new and changed items of feeds and links into ``into`` as Markdown articles.

    Parameters
    ----------
    sources
        Feed URLs, article URLs, and files listing them (see :func:`read_sources`).
    into
        The folder to write into (created when missing).
    match
        A regular expression (case-insensitive): only feed items whose title,
        summary or text it matches are kept. Article URLs given directly are
        always kept.
    stop
        When set (from another thread), the fetch ends after the current request.

    Returns
    -------
    FetchSummary
        The files written and one problem per failed URL.

    Raises
    ------
    FetchError
        For an invalid ``match``, an unusable folder or a corrupt state file.

    Examples
    --------
    >>> summary = fetch(["feeds.txt"], "articles/", match="Libya|Tripoli")  # doctest: +SKIP
    >>> summary.lines()[-1]  # doctest: +SKIP
    'fetched: 3 new, 0 updated, 12 unchanged'
    """
    pattern = None
    if match:
        try:
            pattern = re.compile(match, re.IGNORECASE)
        except re.error as err:
            raise FetchError(f"--match {match!r} is not a regular expression: {err}") from err
    folder = Path(into)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise FetchError(f"cannot create {str(folder)!r}: {err.strerror or err}") from err
    if not folder.is_dir():
        raise FetchError(f"not a folder: {str(folder)!r}")
    summary = FetchSummary()
    urls = read_sources(sources, summary.problems)
    with _folder_lock(folder):
        run = _Run(folder, summary, pattern=pattern, stop=stop or threading.Event())
        try:
            for url in urls:
                if run.stop.is_set():
                    break
                run.source(url)
        finally:
            run.save()
    return summary


@contextlib.contextmanager
def _folder_lock(folder: Path) -> Iterator[None]:
    """Hold the folder's fetch lock: two fetches into one folder would lose each other's state."""
    path = folder / LOCK_NAME
    try:
        handle = open(path, "a+b")  # held for the whole fetch
    except OSError as err:
        raise FetchError(f"cannot open {str(path)!r}: {err.strerror or err}") from err
    try:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - not POSIX: no lock, as before
            yield
            return
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as err:
            raise FetchError(f"another fetch is writing into {str(folder)!r}") from err
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
    finally:
        handle.close()


# -- one run ------------------------------------------------------------------------------


class _Run:
    """The state of one fetch: the client, what is known, what was done."""

    def __init__(
        self,
        folder: Path,
        summary: FetchSummary,
        *,
        pattern: re.Pattern[str] | None,
        stop: threading.Event,
    ) -> None:
        self.folder = folder
        self.summary = summary
        self.pattern = pattern
        self.stop = stop
        self.client = _Client(stop)
        self.state_path = folder / STATE_NAME
        self.state = _load_state(self.state_path)
        self.done: set[str] = set()

    # sources

    def source(self, url: str) -> None:
        """A feed or an article URL: tell them apart by the answer."""
        if url in self.done:
            return
        self.done.add(url)
        try:
            answer = self.client.get(url, **self._validators(url))
        except _Failure as err:
            self._fail(url, str(err))
            return
        if answer is None:
            return  # disallowed by robots.txt, reported
        if answer.not_modified:
            if url in self.state["urls"]:
                self.summary.unchanged += 1
            return  # a feed unchanged since the last fetch: nothing new in it
        if _looks_like_feed(answer):
            self._feed(url, answer)
        else:
            self._item(url, answer, hint=None)

    def _feed(self, url: str, answer: _Answer) -> None:
        import feedparser

        parsed: Any = feedparser.parse(answer.body)  # bytes: feedparser never fetches them
        if not parsed.get("version") and not parsed.entries:
            self._fail(url, "not a feed nor an HTML page (the XML is no RSS or Atom)")
            return
        channel = _one_line(parsed.feed.get("title"))
        failed_before = len(self.summary.problems)
        for entry in parsed.entries:
            if self.stop.is_set():
                return
            link = entry.get("link")
            if not isinstance(link, str) or not link.strip():
                continue
            link = urljoin(answer.url, link.strip())
            if not _is_web_url(link):
                self._fail(url, f"feed item link is not an http(s) URL: {link[:200]!r}")
                continue
            if link in self.done:
                continue
            self.done.add(link)
            hint = _Hint(
                title=_one_line(entry.get("title")),
                summary=_TAGS.sub(" ", str(entry.get("summary") or "")),
                published=_entry_date(entry),
                outlet=channel,
                stamp=_one_line(dict.get(entry, "updated")),  # no fallback to published
            )
            known = self.state["entries"].get(link)
            if hint.stamp and known == hint.stamp and self._file_of_url(link) is not None:
                self.summary.unchanged += 1
                continue  # the feed says the item has not changed: no request
            self._take(link, hint)
        if len(self.summary.problems) == failed_before:
            self._remember(url, answer)

    def _take(self, link: str, hint: _Hint) -> None:
        """Download one feed item and keep it if it matches."""
        try:
            answer = self.client.get(link, **self._validators(link))
        except _Failure as err:
            self._fail(link, str(err))
            return
        if answer is None:
            return
        if answer.not_modified:
            self.summary.unchanged += 1
            self._remember_entry(link, hint)
            return
        self._item(link, answer, hint=hint)

    def _item(self, url: str, answer: _Answer, *, hint: _Hint | None) -> None:
        """Extract one downloaded article and write, rewrite or skip its file."""
        try:
            page = _page_of(answer)
        except _Failure as err:
            self._fail(url, str(err))
            return
        if hint is not None and self.pattern is not None:
            haystack = " ".join(filter(None, (hint.title, hint.summary, page.title, page.text)))
            if not self.pattern.search(haystack):
                self.summary.unmatched += 1
                self._remember(url, answer)
                self._remember_entry(url, hint)
                return
        canonical = _canonical(page.url, answer.url)
        digest = hashlib.sha256(page.text.encode("utf-8")).hexdigest()
        items: dict[str, dict[str, str]] = self.state["items"]
        known = items.get(canonical)
        if known is None:
            twin = next((c for c, item in items.items() if item["sha256"] == digest), None)
            if twin is not None:
                self.summary.duplicates += 1
                self.state["urls"][url] = twin
                self._remember(url, answer)
                if hint is not None:
                    self._remember_entry(url, hint)
                return
        elif known["sha256"] == digest and (self.folder / known["file"]).is_file():
            self.summary.unchanged += 1
            self.state["urls"][url] = canonical
            self._remember(url, answer)
            if hint is not None:
                self._remember_entry(url, hint)
            return
        front = _front_matter(page, hint, canonical)
        name = known["file"] if known else self._new_name(front)
        try:
            _write_article(self.folder / name, front, page.text)
        except OSError as err:
            self._fail(url, f"cannot write {name}: {err.strerror or err}")
            return
        (self.summary.updated if known else self.summary.added).append(name)
        items[canonical] = {"file": name, "sha256": digest}
        self.state["urls"][url] = canonical
        self._remember(url, answer)
        if hint is not None:
            self._remember_entry(url, hint)

    # state

    def _validators(self, url: str) -> dict[str, str | None]:
        seen = self.state["http"].get(url) or {}
        return {"etag": seen.get("etag"), "last_modified": seen.get("last_modified")}

    def _remember(self, url: str, answer: _Answer) -> None:
        validators = {k: v for k, v in (("etag", answer.etag),
                                        ("last_modified", answer.last_modified)) if v}
        if validators:
            self.state["http"][url] = validators
        else:
            self.state["http"].pop(url, None)

    def _remember_entry(self, link: str, hint: _Hint) -> None:
        if hint.stamp:
            self.state["entries"][link] = hint.stamp

    def _file_of_url(self, url: str) -> str | None:
        canonical = self.state["urls"].get(url)
        item = self.state["items"].get(canonical) if canonical else None
        if item is None or not (self.folder / item["file"]).is_file():
            return None
        return str(item["file"])

    def _new_name(self, front: dict[str, Any]) -> str:
        day = front.get("published")
        stem = f"{day.isoformat() if day else 'undated'}-{_slug(front.get('title'))}"
        taken = {item["file"] for item in self.state["items"].values()}
        name, n = f"{stem}.md", 1
        while name in taken or (self.folder / name).exists():
            n += 1
            name = f"{stem}-{n}.md"
        return name

    def _fail(self, url: str, message: str) -> None:
        self.summary.problems.append(Problem(url, message))

    def save(self) -> None:
        """Write the state file (atomically: a half-written one never replaces the last)."""
        self.summary.problems.extend(self.client.notes)
        self.client.notes.clear()
        tmp = self.state_path.with_name(self.state_path.name + ".tmp")
        try:
            tmp.write_text(json.dumps(self.state, indent=1, sort_keys=True), encoding="utf-8")
            os.replace(tmp, self.state_path)
        except OSError as err:
            self.summary.problems.append(
                Problem(str(self.state_path), f"cannot save the fetch state: {err.strerror or err}")
            )


def _load_state(path: Path) -> dict[str, Any]:
    empty: dict[str, Any] = {"version": _STATE_VERSION, "http": {}, "entries": {},
                             "items": {}, "urls": {}}
    if not path.exists():
        return empty
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise FetchError(
            f"{str(path)!r} is unreadable ({err}); move it away to start afresh "
            "(every item would be fetched again)"
        ) from err
    if not isinstance(data, dict) or data.get("version") != _STATE_VERSION:
        raise FetchError(f"{str(path)!r} is not a frontline fetch state (version 1)")
    for key in ("http", "entries", "items", "urls"):
        if not isinstance(data.get(key), dict):
            data[key] = {}
    return data


# -- pages and files ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Hint:
    """What a feed says about an item, used where the page says nothing."""

    title: str | None = None
    summary: str = ""
    published: dt.date | None = None
    outlet: str | None = None
    #: the entry's ``updated`` stamp, as written (Atom has one; RSS items seldom do,
    #: so they are asked for again each time, conditionally)
    stamp: str | None = None


def _page_of(answer: _Answer) -> Page:
    kind = answer.content_type
    head = answer.body[:512].lstrip().lower()
    unlabelled = kind in ("", "application/octet-stream")  # sniffed, as browsers do
    try:
        if kind in _HTML_TYPES or (unlabelled and head.startswith((b"<!doctype html", b"<html"))):
            return page_from_html(answer.body, url=answer.url, charset=answer.charset)
        if kind in _PDF_TYPES or (unlabelled and head.startswith(b"%pdf-")):
            return page_from_pdf(answer.body)
    except PageError as err:
        raise _Failure(str(err)) from err
    raise _Failure(f"not an HTML page nor a feed (content type {kind or 'missing'!r})")


def _looks_like_feed(answer: _Answer) -> bool:
    if answer.content_type in _FEED_TYPES:
        return True
    if answer.content_type in _HTML_TYPES:
        return False
    head = answer.body[:2048].lstrip().lower()
    return head.startswith(b"<?xml") and any(t in head for t in (b"<rss", b"<feed", b"<rdf"))


def _canonical(stated: str | None, fetched: str) -> str:
    """The URL an item is known by: the page's own (when it is http(s)), else the fetched one."""
    url = stated if stated and _is_web_url(stated) else fetched
    parts = urlsplit(url)
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/",
                       parts.query, ""))


def _front_matter(page: Page, hint: _Hint | None, canonical: str) -> dict[str, Any]:
    hint = hint or _Hint()
    front = {
        "title": page.title or hint.title or "untitled",
        "published": page.published or hint.published,
        "outlet": page.outlet or hint.outlet or page.site or urlsplit(canonical).hostname,
        "url": canonical,
        "author": page.author,
    }
    return {k: v for k, v in front.items() if v}


def _write_article(path: Path, front: dict[str, Any], text: str) -> None:
    """Write front matter and text; a hidden temporary file is renamed into place."""
    head = yaml.safe_dump(front, sort_keys=False, allow_unicode=True, width=1000)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(f"---\n{head}---\n{text.rstrip()}\n", encoding="utf-8")
    os.replace(tmp, path)


def _slug(title: object) -> str:
    """A file-name-safe slug: ASCII letters, digits and hyphens only, never empty."""
    text = unicodedata.normalize("NFKD", str(title or "")).encode("ascii", "ignore").decode()
    slug = _SLUG_JUNK.sub("-", text.lower()).strip("-")
    return slug[:_SLUG_LENGTH].rstrip("-") or "article"


def _entry_date(entry: Any) -> dt.date | None:
    for key in ("published_parsed", "updated_parsed"):
        value = dict.get(entry, key)  # feedparser's own get warns on its fallbacks
        if value:
            try:
                return dt.date(value.tm_year, value.tm_mon, value.tm_mday)
            except (AttributeError, ValueError):
                continue
    return None


def _one_line(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    return " ".join(value.split())[:500] or None


def _is_web_url(text: str) -> bool:
    try:
        parts = urlsplit(text)
    except ValueError:
        return False
    return parts.scheme.lower() in _SCHEMES and bool(parts.hostname)


# -- the polite HTTP client ---------------------------------------------------------------


@dataclass
class _Answer:
    url: str
    body: bytes = b""
    content_type: str = ""
    charset: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False


class _WebOnlyRedirects(urllib.request.HTTPRedirectHandler):
    """Follow redirects to http(s) URLs only (never to file:, ftp: or data:)."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: Any,
        code: int,
        msg: str,
        headers: http.client.HTTPMessage,
        newurl: str,
    ) -> urllib.request.Request | None:
        if not _is_web_url(newurl):
            raise urllib.error.HTTPError(
                newurl, code, f"redirect to a non-web URL {newurl[:200]!r} refused", headers, fp
            )
        return super().redirect_request(req, fp, code, msg, headers, newurl)


class _Client:
    """HTTP GET with robots.txt, per-host pacing, a size cap and retries with back-off."""

    def __init__(self, stop: threading.Event) -> None:
        self.stop = stop
        self.opener = urllib.request.build_opener(_WebOnlyRedirects())
        self.last: dict[str, float] = {}
        self.delays: dict[str, float] = {}
        self.robots: dict[str, urllib.robotparser.RobotFileParser | str] = {}
        #: warnings met on the way (URLs skipped by robots.txt)
        self.notes: list[Problem] = []

    def get(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> _Answer | None:
        """Fetch ``url``; None when robots.txt disallows it (a warning is noted).

        Raises
        ------
        _Failure
            When it cannot be had: the message says why.
        """
        if not _is_web_url(url):
            raise _Failure("not an http(s) URL")
        rules = self._robots(url)
        if isinstance(rules, str):
            raise _Failure(rules)
        if not rules.can_fetch(settings.fetch_user_agent, url):
            self.notes.append(Problem(url, "skipped: robots.txt disallows it", None, "warning"))
            return None
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        return self._request(url, headers)

    def _robots(self, url: str) -> urllib.robotparser.RobotFileParser | str:
        """The origin's robots.txt rules, or a message when they cannot be had."""
        parts = urlsplit(url)
        origin = f"{parts.scheme.lower()}://{parts.netloc.lower()}"
        if origin in self.robots:
            return self.robots[origin]
        rules = urllib.robotparser.RobotFileParser(origin + "/robots.txt")
        result: urllib.robotparser.RobotFileParser | str = rules
        try:
            answer = self._request(origin + "/robots.txt", {}, robots=True)
        except _Failure as err:
            status = getattr(err, "status", None)
            if status in (401, 403):
                rules.parse(["User-agent: *", "Disallow: /"])
            elif status is not None and 400 <= status < 500:
                rules.parse([])  # no robots.txt: everything allowed
            else:  # unreachable or a server error: assume everything is disallowed (RFC 9309)
                result = f"robots.txt unreachable ({err}); not fetching from {origin}"
        else:
            rules.parse(answer.body.decode("utf-8", "replace").splitlines())
            delay = rules.crawl_delay(settings.fetch_user_agent)
            if delay:
                self.delays[origin] = min(float(delay), 60.0)
        self.robots[origin] = result
        return result

    def _pace(self, url: str) -> None:
        parts = urlsplit(url)
        origin = f"{parts.scheme.lower()}://{parts.netloc.lower()}"
        delay = max(settings.fetch_delay, self.delays.get(origin, 0.0))
        last = self.last.get(origin)
        if last is not None:
            wait = last + delay - time.monotonic()
            if wait > 0:
                self.stop.wait(wait)
        self.last[origin] = time.monotonic()

    def _request(self, url: str, headers: dict[str, str], *, robots: bool = False) -> _Answer:
        tries = 1 + max(0, settings.fetch_retries)
        reason, asked = "no answer", 0.0
        for attempt in range(tries):
            if attempt:
                wait = max(settings.fetch_backoff * 2 ** (attempt - 1), asked)
                if self.stop.wait(wait):
                    raise _Failure(f"stopped ({reason})")
            self._pace(url)
            try:
                return self._once(url, headers)
            except _Retry as err:
                reason, asked = str(err), err.after
        after = f" after {tries} tries" if tries > 1 else ""
        raise _Failure(f"{reason}{after}")

    def _once(self, url: str, headers: dict[str, str]) -> _Answer:
        request = urllib.request.Request(
            url,
            headers={
                "User-Agent": settings.fetch_user_agent,
                "Accept": "text/html,application/xhtml+xml,application/rss+xml,"
                "application/atom+xml,application/xml;q=0.9,application/pdf;q=0.8,*/*;q=0.1",
                **headers,
            },
        )
        limit = settings.fetch_max_bytes
        try:
            with self.opener.open(request, timeout=settings.fetch_timeout) as response:
                length = response.headers.get("Content-Length")
                if length and length.isdigit() and int(length) > limit:
                    raise _Failure(f"too big ({int(length):,} bytes; the limit is {limit:,})")
                body = response.read(limit + 1)
                if len(body) > limit:
                    raise _Failure(f"too big (over {limit:,} bytes, the limit)")
                info = response.headers
                return _Answer(
                    url=response.geturl(),
                    body=body,
                    content_type=info.get_content_type() if info.get("Content-Type") else "",
                    charset=info.get_content_charset(),
                    etag=info.get("ETag"),
                    last_modified=info.get("Last-Modified"),
                )
        except urllib.error.HTTPError as err:
            err.close()  # it holds the answer's socket
            if err.code == 304:
                return _Answer(url=url, not_modified=True, etag=err.headers.get("ETag"),
                               last_modified=err.headers.get("Last-Modified"))
            message = f"HTTP {err.code} {err.reason}"
            if err.code >= 500 or err.code == 429:
                raise _Retry(message, after=_retry_after(err.headers.get("Retry-After"))) from err
            failure = _Failure(message)
            failure.status = err.code  # type: ignore[attr-defined]
            raise failure from err
        except urllib.error.URLError as err:
            if isinstance(err.reason, TimeoutError):
                raise _Retry(f"timed out after {settings.fetch_timeout:g} s") from err
            raise _Retry(f"cannot connect: {err.reason}") from err
        except TimeoutError as err:
            raise _Retry(f"timed out after {settings.fetch_timeout:g} s") from err
        except (ConnectionError, http.client.HTTPException) as err:
            raise _Retry(f"connection lost: {type(err).__name__}: {err}") from err
        except (OSError, ValueError) as err:
            raise _Failure(f"cannot fetch: {type(err).__name__}: {err}") from err


class _Retry(Exception):
    """A failure worth another try (timeouts, lost connections, 5xx and 429 answers)."""

    def __init__(self, message: str, *, after: float = 0.0) -> None:
        super().__init__(message)
        #: seconds the server asked to wait (Retry-After), 0 when it did not say
        self.after = after


def _retry_after(value: str | None) -> float:
    """Seconds a Retry-After header asks for (delta seconds only), at most a minute."""
    if value and value.strip().isdigit():
        return min(float(value.strip()), _MAX_RETRY_AFTER)
    return 0.0
