"""Read news articles from files and folders.

An article is a ``.txt`` or ``.md`` file, optionally opening with YAML front
matter (``title``, ``published``, ``outlet``, ``url``). A folder may hold an
``articles.csv`` manifest (``file,published,outlet,url,title``) giving the same
for its plain files. Bad input never stops a run: each problem becomes one
:class:`~geo.model.Problem` naming the file, and the other articles are read.

The publication date comes from the front matter, then the manifest, then a
``YYYY-MM-DD`` in the file name, then the latest full date written in the text.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from . import settings
from .dates import date_from_filename, latest_full_date
from .model import Article, Problem
from .pages import PAGE_SUFFIXES

__all__ = [
    "ARTICLE_SUFFIXES",
    "MANIFEST_NAME",
    "ArticleBatch",
    "Manifest",
    "articles_from_paths",
    "article_from_file",
    "find_article_files",
    "read_manifest",
]

#: File endings read as articles: text, and saved web pages and PDFs (read by geo.pages).
ARTICLE_SUFFIXES: tuple[str, ...] = (".txt", ".md") + PAGE_SUFFIXES
#: Name of the per-folder metadata manifest.
MANIFEST_NAME = "articles.csv"
MANIFEST_COLUMNS: tuple[str, ...] = ("file", "published", "outlet", "url", "title")
FRONT_MATTER_KEYS: frozenset[str] = frozenset({"title", "published", "outlet", "url", "date"})

# Legacy encoding tried when a file is not UTF-8 (Windows Western, the commonest legacy
# encoding of news text); its output is kept only when it reads as text.
_FALLBACK_ENCODINGS: tuple[str, ...] = ("cp1252",)
_MIN_TEXT_SHARE = 0.95
_NO_DATE = "no publication date found; events it does not date in full are kept undated"
_UTF32_BOMS = (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
#: Files in an article folder that are not articles and are not worth a line: the
#: manifest and the analysts' corrections (``geo.review.CORRECTIONS_NAME``).
_NOT_LISTED = frozenset({MANIFEST_NAME, "corrections.jsonl"})


@dataclass
class ArticleBatch:
    """Articles read from some paths, and the problems met on the way."""

    articles: list[Article] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


@dataclass(frozen=True)
class _Meta:
    title: str | None = None
    published: dt.date | None = None
    outlet: str | None = None
    url: str | None = None


@dataclass
class Manifest:
    """A folder's ``articles.csv``: its rows, and how far it can be trusted.

    ``usable`` is False when the file is there but cannot be used at all
    (unreadable, empty, undecodable, no ``file`` column); ``broken`` names the
    files whose own rows are malformed. Articles a manifest cannot vouch for keep
    what the store has from them (see :func:`geo.build.build`), so a damaged
    manifest never costs their dates.
    """

    rows: dict[str, _Meta] = field(default_factory=dict)
    usable: bool = True
    broken: frozenset[str] = frozenset()

    def get(self, name: str) -> _Meta | None:
        """The row for the file ``name``, or None."""
        return self.rows.get(name)

    def vouches_for(self, name: str) -> bool:
        """Whether this manifest's word on ``name`` can be trusted (its row, or no row)."""
        return self.usable and name not in self.broken

    def __iter__(self) -> Iterator[str]:
        return iter(self.rows)


def articles_from_paths(paths: Iterable[str | Path]) -> ArticleBatch:
    """Read every article under ``paths`` (files, or folders searched recursively).

    Parameters
    ----------
    paths
        Article files and folders.

    Returns
    -------
    ArticleBatch
        The articles, sorted by ``file``, and one problem per bad input.

    Examples
    --------
    >>> batch = articles_from_paths(["seeds"])  # doctest: +SKIP
    >>> [a.published for a in batch.articles][:1]  # doctest: +SKIP
    [datetime.date(2019, 12, 20)]
    """
    batch = ArticleBatch()
    seen: set[Path] = set()
    manifests: dict[Path, Manifest] = {}
    for root in map(Path, paths):
        if not root.exists():
            batch.problems.append(Problem(str(root), "no such file or folder"))
            continue
        base = root if root.is_dir() else root.parent
        for path in find_article_files(root, batch.problems):
            resolved = path.resolve()
            if resolved in seen:
                continue
            seen.add(resolved)
            folder = path.parent
            if folder not in manifests:
                manifests[folder] = read_manifest(folder / MANIFEST_NAME, batch.problems)
            name = path.relative_to(base).as_posix()
            article = article_from_file(
                path,
                name=name,
                manifest=manifests[folder].get(path.name),
                problems=batch.problems,
            )
            if article is not None:
                batch.articles.append(article)
    batch.articles.sort(key=lambda a: a.file)
    return batch


def find_article_files(
    root: Path,
    problems: list[Problem] | None = None,
    *,
    unreadable: set[str] | None = None,
    skip: Iterable[Path] = (),
) -> Iterator[Path]:
    """Yield the article files under ``root`` in a stable order.

    Hidden files and folders and ``README`` files are skipped in folders; a file
    named directly is always read. With ``problems``, every other file that is
    passed over gets a line (severity ``"skipped"``), and so does a folder that
    cannot be listed (``"warning"``; its resolved path also goes into
    ``unreadable``, so that a build keeps what it stored from there). Folders in
    ``skip`` (the output folder) are not entered.
    """
    if root.is_file():
        if root.suffix.lower() in ARTICLE_SUFFIXES:
            yield root
        elif problems is not None:
            problems.append(Problem(_shown(root), _not_an_article(root.suffix)))
        return
    skipped = {p.resolve() for p in skip}
    yield from _walk(root, problems, unreadable, skipped)


def _not_an_article(suffix: str) -> str:
    kind = f"a {suffix.lower()} file" if suffix else "a file without an ending"
    return f"not an article: {kind} (frontline reads {', '.join(ARTICLE_SUFFIXES)} files)"


def _shown(path: Path | str) -> str:
    """A path as it can be printed: bytes that are not UTF-8 shown as escapes."""
    text = str(path)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(text).decode("utf-8", "backslashreplace")
    return text


def _walk(
    folder: Path,
    problems: list[Problem] | None = None,
    unreadable: set[str] | None = None,
    skip: set[Path] | None = None,
) -> Iterator[Path]:
    """Depth-first, entries by name: the order of ``sorted(folder.rglob("*"))``.

    Links to folders are not followed (as :meth:`pathlib.Path.rglob` does not);
    links to files are.
    """
    if skip and folder.resolve() in skip:
        return
    try:
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError as err:
        if unreadable is not None:
            unreadable.add(folder.resolve().as_posix())
        if problems is not None:
            problems.append(
                Problem(
                    _shown(folder),
                    f"cannot read folder ({err.strerror or err}); keeping what was stored "
                    "from it",
                    severity="warning",
                )
            )
        return
    for entry in entries:
        name = entry.name
        if name.startswith("."):
            continue
        try:
            if entry.is_dir(follow_symlinks=False):
                yield from _walk(folder / name, problems, unreadable, skip)
                continue
            is_file = entry.is_file()
        except OSError:
            continue
        stem, suffix = os.path.splitext(name)
        if not is_file or stem.upper() == "README":
            continue  # a folder's documentation is not an article
        if suffix.lower() not in ARTICLE_SUFFIXES:
            if problems is not None and name not in _NOT_LISTED:
                problems.append(
                    Problem(_shown(folder / name), _not_an_article(suffix), severity="skipped")
                )
            continue
        try:
            name.encode("utf-8")
        except UnicodeEncodeError:
            if problems is not None:
                problems.append(
                    Problem(_shown(folder / name), "file name is not valid UTF-8; rename it")
                )
            continue
        yield folder / name


def read_manifest(path: Path, problems: list[Problem]) -> Manifest:
    """Read a folder's ``articles.csv``; malformed rows are reported and skipped.

    A missing manifest is an empty, usable one. Fields longer than
    ``settings.max_manifest_field`` characters make their row malformed.
    """
    if not path.is_file():
        return Manifest()
    label = _shown(path)
    unusable = Manifest(usable=False)
    keep = "; articles of this folder keep what was stored from them"
    try:
        text = _decode(path.read_bytes(), label, problems)
    except OSError as err:
        problems.append(Problem(label, f"cannot read manifest ({err.strerror or err}){keep}"))
        return unusable
    if text is None:
        return unusable
    limit = settings.max_manifest_field
    rows = csv.reader(text.splitlines())
    try:
        header = next(rows, None)
    except csv.Error as err:
        problems.append(Problem(label, f"manifest header is not CSV ({err}){keep}", line=1))
        return unusable
    if header is None:
        problems.append(Problem(label, f"empty manifest{keep}"))
        return unusable
    header = [h.strip().lower()[:100] for h in header]
    if "file" not in header:
        problems.append(Problem(label, f"manifest has no 'file' column{keep}", line=1))
        return unusable
    unknown = [h for h in header if h not in MANIFEST_COLUMNS]
    if unknown:
        problems.append(
            Problem(label, f"unknown manifest columns {unknown!r} ignored", 1, "warning")
        )
    out: dict[str, _Meta] = {}
    broken: set[str] = set()
    line_no = 1
    while True:
        line_no += 1
        try:
            row = next(rows)
        except StopIteration:
            break
        except csv.Error as err:
            problems.append(Problem(label, f"malformed row ({err})", line_no))
            broken.add("")  # a row that names no file: it could be any file's
            continue
        if not any(cell.strip() for cell in row):
            continue
        first = row[0].strip() if row and len(row[0]) <= limit else ""
        if len(row) != len(header):
            problems.append(
                Problem(label, f"expected {len(header)} fields, found {len(row)}", line_no)
            )
            broken.add(first)
            continue
        too_long = [h for h, cell in zip(header, row, strict=True) if len(cell) > limit]
        if too_long:
            problems.append(
                Problem(
                    label,
                    f"field {too_long[0]!r} is longer than {limit:,} characters",
                    line_no,
                )
            )
            broken.add(first)
            continue
        values = {h: cell.strip() or None for h, cell in zip(header, row, strict=True)}
        file = values.get("file")
        if not file:
            problems.append(Problem(label, "row has no file name", line_no))
            continue
        published = None
        written = values.get("published")
        if written:
            try:
                published = _parse_date(written)
            except ValueError:
                problems.append(Problem(label, f"published {written!r} is not a date", line_no))
                broken.add(file)
                continue
        out[file] = _Meta(
            title=values.get("title"),
            published=published,
            outlet=values.get("outlet"),
            url=values.get("url"),
        )
    for file in out:
        if not (path.parent / file).is_file():
            problems.append(
                Problem(label, f"manifest names {file!r}, which is not there", None, "warning")
            )
    folder = path.parent
    unknown = [f for f in broken if not f or not (folder / f).is_file()]
    if unknown:  # a malformed row that names no file of the folder may be any file's row
        problems.append(
            Problem(label, f"some rows name no file of the folder{keep}", None, "warning")
        )
        return Manifest(out, usable=False)
    return Manifest(out, broken=frozenset(broken))


def article_from_file(
    path: Path,
    *,
    name: str | None = None,
    manifest: _Meta | None = None,
    problems: list[Problem] | None = None,
) -> Article | None:
    """Read one article file; return None (and record why) when it cannot be used."""
    problems = problems if problems is not None else []
    label = _shown(path)
    is_page = path.suffix.lower() in PAGE_SUFFIXES
    limit = settings.page_max_bytes if is_page else settings.max_article_bytes
    try:
        size = path.stat().st_size
        if size > limit:
            problems.append(Problem(label, _too_large(size, limit)))
            return None
        raw = path.read_bytes()
    except OSError as err:
        problems.append(Problem(label, f"cannot read file: {err.strerror or err}"))
        return None
    if len(raw) > limit:  # it grew since
        problems.append(Problem(label, _too_large(len(raw), limit)))
        return None
    if is_page:  # saved web pages and PDFs: see geo.pages
        return _article_from_page(path, raw, name=name, manifest=manifest, problems=problems)
    if not raw.strip():
        problems.append(Problem(label, "empty file"))
        return None
    if b"\x00" in raw[:8192] and not raw.startswith(_UTF16_BOMS):
        problems.append(Problem(label, "binary file (contains NUL bytes), not an article"))
        return None
    text = _decode(raw, label, problems)
    if text is None:
        return None
    try:
        front, body = _split_front_matter(text)
    except ValueError as err:
        problems.append(Problem(label, f"malformed front matter: {err}"))
        return None
    if not body.strip():
        problems.append(Problem(label, "no article text after the front matter"))
        return None
    meta = front or _Meta()
    listed = manifest or _Meta()
    published, published_from = _publication_date(
        [(meta.published, "front matter"), (listed.published, "manifest")],
        path, body, label, problems,
    )  # fmt: skip
    return Article(
        path=path,
        file=name or path.name,
        text=body,
        sha256=hashlib.sha256(raw).hexdigest(),
        title=meta.title or listed.title,
        published=published,
        published_from=published_from,
        outlet=meta.outlet or listed.outlet,
        url=meta.url or listed.url,
    )


def _publication_date(
    stated: list[tuple[dt.date | None, str]],
    path: Path,
    text: str,
    label: str,
    problems: list[Problem],
) -> tuple[dt.date | None, str | None]:
    """The first date ``stated`` gives, then the file name's, then the text's latest.

    Returns the date and where it came from; with none, a warning line.
    """
    found = [*stated, (date_from_filename(path.name), "file name")]
    for day, origin in found:
        if day is not None:
            return day, origin
    day = latest_full_date(text)
    if day is not None:
        return day, "text"
    problems.append(Problem(label, _NO_DATE, None, "warning"))
    return None, None


def _too_large(size: int, limit: int) -> str:
    return f"too large for an article ({size / 1e6:.1f} MB; the limit is {limit / 1e6:g} MB)"


def _decode(raw: bytes, label: str, problems: list[Problem]) -> str | None:
    """Decode UTF-8 (with or without BOM), UTF-32 or UTF-16 with a BOM, or a legacy code page."""
    if raw.startswith(_UTF32_BOMS):
        try:
            return _clean(raw.decode("utf-32"))
        except UnicodeDecodeError:
            problems.append(Problem(label, "invalid UTF-32 despite its byte-order mark"))
            return None
    if raw.startswith(_UTF16_BOMS):
        try:
            return _clean(raw.decode("utf-16"))
        except UnicodeDecodeError:
            problems.append(Problem(label, "invalid UTF-16 despite its byte-order mark"))
            return None
    try:
        return _clean(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as err:
        utf8_error = err
    for encoding in _FALLBACK_ENCODINGS:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if not _looks_like_text(text):
            continue
        problems.append(
            Problem(
                label,
                f"not valid UTF-8 (byte {utf8_error.start}); read as {encoding}",
                None,
                "warning",
            )
        )
        return _clean(text)
    problems.append(
        Problem(label, f"not valid UTF-8 (byte {utf8_error.start}) nor a known encoding")
    )
    return None


def _looks_like_text(text: str) -> bool:
    """Whether nearly all characters are letters, digits, spaces or punctuation."""
    ok = sum(ch.isalnum() or ch.isspace() or ch in ".,;:!?'\"()-–—%/&$€£" for ch in text)
    return ok >= _MIN_TEXT_SHARE * len(text)


def _clean(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")


def _split_front_matter(text: str) -> tuple[_Meta | None, str]:
    """Split YAML front matter from the body; raise ValueError when it is malformed."""
    if not text.startswith("---"):
        return None, text
    first_break = text.find("\n")
    if first_break < 0 or text[:first_break].strip() != "---":
        return None, text
    end = -1
    pos = first_break + 1
    while pos <= len(text):
        nl = text.find("\n", pos)
        line = text[pos : nl if nl >= 0 else len(text)]
        if line.strip() in ("---", "..."):
            end = pos
            break
        if nl < 0:
            break
        pos = nl + 1
    if end < 0:
        raise ValueError("opening '---' has no closing '---'")
    block = text[first_break + 1 : end]
    nl = text.find("\n", end)
    body = text[nl + 1 :] if nl >= 0 else ""
    if len(block) > settings.max_front_matter_chars:
        raise ValueError(
            f"longer than {settings.max_front_matter_chars:,} characters "
            "(settings.max_front_matter_chars)"
        )
    try:
        _check_yaml_shape(block)
    except yaml.YAMLError:
        pass  # malformed: safe_load below says where
    try:
        data: Any = _load_yaml(block) if block.strip() else {}
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" at line {mark.line + 2}" if mark is not None else ""
        problem = getattr(err, "problem", None) or "invalid YAML"
        raise ValueError(f"{problem}{where}") from err
    except ValueError as err:  # YAML's own date type rejects impossible dates
        raise ValueError(f"a date is not a valid date ({err})") from err
    except RecursionError as err:  # _check_yaml_shape makes this unlikely
        raise ValueError("nested too deeply") from err
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ValueError(f"expected 'key: value' lines, found {type(data).__name__}")
    published = data.get("published", data.get("date"))
    if published is not None and not isinstance(published, dt.date):
        try:
            published = _parse_date(str(published))
        except ValueError as err:
            raise ValueError(f"published {published!r} is not a date") from err
    if isinstance(published, dt.datetime):
        published = published.date()
    return (
        _Meta(
            title=_text_or_none(data.get("title")),
            published=published,
            outlet=_text_or_none(data.get("outlet")),
            url=_text_or_none(data.get("url")),
        ),
        body,
    )


#: Deepest nesting of lists and mappings accepted in front matter.
_MAX_YAML_DEPTH = 20


def _check_yaml_shape(block: str) -> None:
    """Refuse front matter that is deeply nested or uses aliases, before building it.

    PyYAML builds nested values recursively (hundreds of levels overflow the
    stack), and aliases can make a small text expand to gigabytes once a value
    is turned into a string. Front matter needs neither. Reading the events is
    iterative and cheap (libyaml's parser where there is one).
    """
    depth = 0
    for event in yaml.parse(block, Loader=_FAST_LOADER or yaml.SafeLoader):
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > _MAX_YAML_DEPTH:
                raise ValueError(f"nested deeper than {_MAX_YAML_DEPTH} levels")
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1
        elif isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise ValueError("YAML anchors and aliases (&name, *name) are not allowed")


#: libyaml's parser where PyYAML was built with it: about ten times faster than the
#: pure-Python one, which a build over thousands of articles spends seconds in.
_FAST_LOADER: Any = getattr(yaml, "CSafeLoader", None)


def _load_yaml(block: str) -> Any:
    """``yaml.safe_load``, parsed by libyaml when available.

    Whatever libyaml rejects is parsed again by the pure-Python loader, so a
    malformed block is reported with the same message either way.
    """
    if _FAST_LOADER is not None:
        try:
            return yaml.load(block, Loader=_FAST_LOADER)  # noqa: S506 - a safe loader
        except (yaml.YAMLError, ValueError):
            pass
    return yaml.safe_load(block)


def _text_or_none(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, (str, int, float, dt.date)):
        return None  # a list or mapping is no title, outlet or URL
    text = str(value).strip()
    return text or None


def _parse_date(value: str) -> dt.date:
    """Parse an ISO date (``YYYY-MM-DD``, optionally with a time)."""
    value = value.strip()
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return dt.datetime.fromisoformat(value).date()


# -- saved web pages and PDF reports (geo.pages) ------------------------------------------


def _article_from_page(
    path: Path,
    raw: bytes,
    *,
    name: str | None,
    manifest: _Meta | None,
    problems: list[Problem],
) -> Article | None:
    """An article from a saved page or PDF: its text and metadata, the manifest row winning.

    The date comes from the manifest, then the page's own metadata, then the
    file name, then the text.
    """
    from .pages import PageError, page_from_bytes

    label = str(path)
    try:
        page = page_from_bytes(raw, path.suffix)
    except PageError as err:
        problems.append(Problem(label, str(err)))
        return None
    listed = manifest or _Meta()
    published, published_from = _publication_date(
        [(listed.published, "manifest"), (page.published, "page")],
        path, page.text, label, problems,
    )  # fmt: skip
    return Article(
        path=path,
        file=name or path.name,
        text=page.text,
        sha256=hashlib.sha256(raw).hexdigest(),
        title=listed.title or page.title,
        published=published,
        published_from=published_from,
        outlet=listed.outlet or page.outlet or page.site,
        url=listed.url or page.url,
    )
