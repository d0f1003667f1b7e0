"""The ``frontline`` command line.

Every command calls the public API; errors become one line on stderr and a
non-zero exit, never a traceback.
"""

from __future__ import annotations

import atexit
import contextlib
import csv
import datetime as dt
import io
import json
import os
import sqlite3
import sys
import threading
from collections.abc import Callable, Sequence
from enum import Enum
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from . import settings
from ._version import __version__
from .errors import FrontlineError
from .model import Problem

__all__ = ["app", "main"]

app = typer.Typer(
    name="frontline",
    help="Turn news articles about an armed conflict into a dated, geolocated map.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
gazetteer_app = typer.Typer(help="Work with the gazetteer.", no_args_is_help=True)
app.add_typer(gazetteer_app, name="gazetteer")

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

F = TypeVar("F", bound=Callable[..., Any])


class PlacesFormat(str, Enum):
    table = "table"
    json = "json"
    geojson = "geojson"


class EventsFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"
    geojson = "geojson"


class ControlFormat(str, Enum):
    table = "table"
    json = "json"


PathsArg = Annotated[
    list[Path], typer.Argument(help="Article files and folders (searched recursively).")
]
OnlineOpt = Annotated[
    bool,
    typer.Option(
        "--online",
        help="Ask Nominatim (one request a second, cached) for names the offline data lacks.",
    ),
]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="Print only errors.")]
#: ``fetch`` and ``watch --fetch``: keep only the feed items that match
MatchOpt = Annotated[
    str | None,
    typer.Option("--match", help="Keep only feed items whose title, summary or text match "
                 "this regular expression (case-insensitive), e.g. 'ceasefire|shelling'."),
]


def _clean_errors(func: F) -> F:
    """Turn frontline errors (and interrupted runs) into one line and an exit code."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except FrontlineError as exc:
            err.print(f"[bold red]error:[/] {escape(str(exc))}", markup=True, highlight=False)
            raise typer.Exit(1) from None
        except KeyboardInterrupt:
            err.print("interrupted")
            raise typer.Exit(130) from None
        except OSError as exc:  # a full disk, a folder that cannot be written ...
            where = f"{exc.filename}: " if exc.filename else ""
            what = exc.strerror or str(exc)
            err.print(
                f"[bold red]error:[/] {escape(where + what)}; what was stored before is intact",
                markup=True,
                highlight=False,
            )
            raise typer.Exit(1) from None
        except sqlite3.Error as exc:  # "database or disk is full", a damaged store
            err.print(
                f"[bold red]error:[/] the store: {escape(str(exc))}; its last complete state "
                "is kept",
                markup=True,
                highlight=False,
            )
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]


def report_problems(problems: Sequence[Problem], *, quiet: bool = False) -> None:
    """Print one line per problem: errors always; warnings and skipped files unless quiet.

    With ``quiet``, skipped files (not articles) get one line that counts them.
    Problem text names files and quotes their content: it is printed as text,
    never read as console markup.
    """
    skipped = 0
    for problem in problems:
        text = escape(str(problem))
        if problem.severity == "warning":
            if not quiet:
                err.print(f"[yellow]warning:[/] {text}", markup=True, highlight=False)
        elif problem.severity == "skipped":
            skipped += 1
            if not quiet:
                err.print(f"[dim]skipped:[/] {text}", markup=True, highlight=False)
        else:
            err.print(f"[red]error:[/] {text}", markup=True, highlight=False)
    if quiet and skipped:
        err.print(f"skipped: {skipped} files that are not articles", highlight=False)


def _read(paths: Sequence[Path], quiet: bool = False) -> Any:
    from .articles import articles_from_paths

    batch = articles_from_paths(paths)
    report_problems(batch.problems, quiet=quiet)
    if not batch.articles:
        raise FrontlineError(f"no readable articles in {', '.join(map(str, paths))}")
    return batch.articles


def _geocoder(online: bool) -> Any:
    if not online:
        return None
    from .geocoder import Geocoder

    return Geocoder()


def _report_offline(geocoder: Any) -> None:
    """One warning line when ``--online`` could not reach the service."""
    if geocoder is not None and geocoder.offline_reason is not None:
        report_problems([Problem("--online", geocoder.offline_reason, None, "warning")])


def _emit_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def _add_row(table: Table, *cells: str) -> None:
    """Add a row whose text (names from articles and data) is shown as text, not markup."""
    table.add_row(*(escape(cell) for cell in cells))


def _version_callback(value: bool) -> None:
    if value:
        out.print(f"frontline {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version_callback, is_eager=True, help="Show the version."
        ),
    ] = False,
    data_dir: Annotated[
        Path | None,
        typer.Option(
            "--data",
            help="Folder with gazetteer.csv, actors.csv, control.csv (default: shipped data).",
            envvar="FRONTLINE_DATA",
        ),
    ] = None,
) -> None:
    if data_dir is not None:
        settings.data_dir = data_dir


@app.command()
@_clean_errors
def places(
    paths: PathsArg,
    format: Annotated[PlacesFormat, typer.Option("--format", "-f")] = PlacesFormat.table,
    unresolved: Annotated[
        bool, typer.Option("--unresolved", help="List place-like names that found no coordinates.")
    ] = False,
    online: OnlineOpt = False,
) -> None:
    """Find and resolve every place the articles name."""
    from .gazetteer import load_gazetteer
    from .places import places_from_articles, places_geojson, unresolved_names

    articles = _read(paths)
    gazetteer = load_gazetteer()
    geocoder = _geocoder(online)
    mentions = places_from_articles(articles, gazetteer, geocoder=geocoder)
    _report_offline(geocoder)
    if unresolved:
        names = unresolved_names(mentions)
        if format is PlacesFormat.table:
            _print_unresolved(mentions, gazetteer)
        else:
            _emit_json([{"name": n, "articles": f} for n, f in sorted(names.items())])
        return
    collection = places_geojson(mentions)
    if format is PlacesFormat.geojson:
        _emit_json(collection)
    elif format is PlacesFormat.json:
        _emit_json([f["properties"] | _lat_lon(f) for f in collection["features"]])
    else:
        table = Table("place", "kind", "country", "lat", "lon", "mentions", "articles")
        for feature in collection["features"]:
            p = feature["properties"]
            lat_lon = _lat_lon(feature)
            _add_row(table,
                p["name"],
                p["kind"],
                p["country"],
                f"{lat_lon['lat']:.4f}",
                f"{lat_lon['lon']:.4f}",
                str(p["mentions"]),
                ", ".join(p["articles"]),
            )
        out.print(table)


def _print_unresolved(mentions: Any, gazetteer: Any) -> None:
    """The unresolved names, most frequent first, and GeoNames rows to paste for them."""
    from .gazetteer import GAZETTEER_COLUMNS
    from .places import unresolved_with_suggestions
    from .theatre import load_theatre

    found = unresolved_with_suggestions(
        mentions, gazetteer, countries=load_theatre().countries
    )
    table = Table(
        "name", "mentions", "articles", "closest GeoNames place",
        title=f"{len(found)} unresolved place names",
    )
    for item in found:
        best = item.suggestions[0] if item.suggestions else None
        hint = f"{best[1]['name']} ({best[1]['id']}, {best[0]:g})" if best else ""
        _add_row(table, item.name, str(item.mentions), ", ".join(item.articles), hint)
    out.print(table)
    rows = [row for item in found for _, row in item.suggestions]
    if rows:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=GAZETTEER_COLUMNS, lineterminator="\n")
        writer.writerows(rows)
        out.print("gazetteer rows to check and paste (an existing id replaces its row):")
        out.print(buffer.getvalue(), highlight=False, markup=False, end="")


def _lat_lon(feature: dict[str, Any]) -> dict[str, float]:
    lon, lat = feature["geometry"]["coordinates"][:2]
    return {"lat": lat, "lon": lon}


@app.command()
@_clean_errors
def events(
    paths: PathsArg,
    format: Annotated[EventsFormat, typer.Option("--format", "-f")] = EventsFormat.table,
    online: OnlineOpt = False,
    explain: Annotated[
        bool, typer.Option("--explain", help="Print each event's rule path and each drop.")
    ] = False,
) -> None:
    """Extract dated, typed and attributed events, merged across articles."""
    from .actors import load_actors
    from .events import events_from_articles, events_geojson, explain_events
    from .gazetteer import load_gazetteer
    from .places import find_places

    articles = _read(paths)
    if explain:
        gazetteer, actors = load_gazetteer(), load_actors()
        for article in articles:
            out.print(article.file, markup=False, highlight=False)
            for line in explain_events(article, find_places(article, gazetteer), actors):
                out.print("  " + line, markup=False, highlight=False)
        return
    geocoder = _geocoder(online)
    found = events_from_articles(articles, load_gazetteer(), load_actors(), geocoder=geocoder)
    _report_offline(geocoder)
    collection = events_geojson(found)
    if format is EventsFormat.geojson:
        _emit_json(collection)
    elif format is EventsFormat.json:
        _emit_json([f["properties"] | _lat_lon(f) for f in collection["features"]])
    elif format is EventsFormat.csv:
        from .export import events_csv

        sys.stdout.write(events_csv(found))
    else:
        table = Table("date", "type", "place", "actor", "target", "status", "by", "dead", "src")
        for e in found:
            when = (e.date.isoformat() if e.date else "undated") + (
                f"..{e.date_end.isoformat()}" if e.date_end else ""
            )
            _add_row(table,
                when,
                e.type,
                e.place,
                e.actor or "",
                e.target or "",
                e.status,
                e.claimed_by or "",
                "" if e.fatalities is None else str(e.fatalities),
                str(e.corroboration),
            )
        out.print(table)


@app.command()
@_clean_errors
def evaluate(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Article files and folders (searched recursively), with --gold."),
    ] = None,
    gold: Annotated[
        Path | None, typer.Option("--gold", help="Gold annotations (JSON).")
    ] = None,
    against_review: Annotated[
        bool,
        typer.Option("--against-review", help="Score the build in --out against the events "
                     "analysts confirmed, corrected and added (frontline review)."),
    ] = False,
    out_dir: Annotated[
        Path, typer.Option("--out", "-o", help="With --against-review: the build's folder.")
    ] = Path("maps"),
    corrections: Annotated[
        Path | None, typer.Option("--corrections", metavar="FILE",
                                  help="With --against-review: the corrections file.")
    ] = None,
) -> None:
    """Score places and events against a gold file, or against the review: P, R and F1."""
    from .actors import load_actors
    from .evaluate import evaluate as score
    from .evaluate import load_gold
    from .events import extract_events
    from .gazetteer import load_gazetteer
    from .places import find_places

    if against_review:
        from .review import Reviewer

        reviewer = Reviewer(out_dir, corrections=corrections)
        result = reviewer.evaluate()
        out.print(result.format_table(), markup=False, highlight=False)
        reviewed = reviewer.result()
        states = [e.review for e in reviewed.events]
        out.print(
            f"gold: {states.count('confirmed')} confirmed, {states.count('edited')} edited, "
            f"{states.count('added')} added; {len(reviewed.rejected)} rejected; "
            f"{states.count(None)} not reviewed",
            markup=False, highlight=False,
        )
        return
    if gold is None or not paths:
        raise FrontlineError("give --gold FILE and article paths, or --against-review --out DIR")
    gold_data = load_gold(gold)
    articles = _read(paths)
    gazetteer, actors = load_gazetteer(), load_actors()
    mentions, found = [], []
    for article in articles:
        article_mentions = find_places(article, gazetteer)
        mentions.extend(article_mentions)
        found.extend(extract_events(article, article_mentions, actors))
    result = score(gold_data, articles, mentions, found)
    out.print(result.format_table())


@app.command()
@_clean_errors
def control(
    paths: PathsArg,
    date: Annotated[str, typer.Option("--date", help="The day to report, YYYY-MM-DD.")],
    format: Annotated[ControlFormat, typer.Option("--format", "-f")] = ControlFormat.table,
    online: OnlineOpt = False,
) -> None:
    """Who holds each place on a date: the latest fact on or before it."""
    from .actors import load_actors
    from .control import control_at, control_facts, control_table
    from .events import events_from_articles
    from .gazetteer import load_gazetteer
    from .places import places_from_articles

    day = _parse_day(date)
    articles = _read(paths)
    gazetteer, actors = load_gazetteer(), load_actors()
    geocoder = _geocoder(online)
    mentions = places_from_articles(articles, gazetteer, geocoder=geocoder)
    _report_offline(geocoder)
    found = events_from_articles(articles, gazetteer, actors, mentions=mentions)
    facts = control_facts(
        articles=articles, mentions=mentions, events=found, gazetteer=gazetteer, actors=actors
    )
    rows = control_table(control_at(facts, day))
    if format is ControlFormat.json:
        _emit_json(rows)
        return
    table = Table("place", "controller", "since", "source", title=f"control on {day.isoformat()}")
    for row in rows:
        _add_row(table, row["place"], row["controller"], str(row["since"]), row["source"])
    out.print(table)


@gazetteer_app.command("check")
@_clean_errors
def gazetteer_check(
    file: Annotated[
        Path | None, typer.Argument(help="Gazetteer CSV (default: the shipped one).")
    ] = None,
) -> None:
    """Validate a gazetteer: one line per problem with its row number."""
    from ._data import data_path
    from .gazetteer import check_gazetteer

    path = file or data_path("gazetteer.csv")
    problems = check_gazetteer(path)
    for problem in problems:
        out.print(str(problem), highlight=False)
    if problems:
        err.print(f"{len(problems)} problem(s) in {path}")
        raise typer.Exit(1)
    out.print(f"{path}: ok", highlight=False)


def _parse_day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise FrontlineError(f"--date {value!r} is not a YYYY-MM-DD date") from exc


class _BuildProgress:
    """A progress bar on stderr that appears only once a run has lasted a few seconds."""

    def __init__(self, *, enabled: bool, delay: float = 2.0) -> None:
        import time

        self._clock = time.monotonic
        self._start = self._clock()
        self._enabled = enabled
        self._delay = delay
        self._bar: Any = None
        self._tasks: dict[str, Any] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self._enabled:
            return
        if self._bar is None:
            if self._clock() - self._start < self._delay:
                return
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeRemainingColumn,
            )

            self._bar = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                console=err,
                transient=True,
            )
            self._bar.start()
        if stage not in self._tasks:
            self._tasks[stage] = self._bar.add_task(stage, total=total)
        self._bar.update(self._tasks[stage], completed=done, total=total)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None


OutOpt = Annotated[
    Path, typer.Option("--out", "-o", help="Folder for the map, the exports and the store.")
]
StoreOpt = Annotated[
    Path | None,
    typer.Option("--store", help="The processing store (default: OUT/frontline.sqlite)."),
]


WorkersOpt = Annotated[
    int | None,
    typer.Option(
        "--workers", min=1,
        help="Worker processes to extract with (default: the machine's cores; 1: none).",
    ),
]


@app.command("build")
@_clean_errors
def build_command(
    paths: PathsArg,
    out_dir: OutOpt = Path("maps"),
    store: StoreOpt = None,
    rebuild: Annotated[
        bool, typer.Option("--rebuild", help="Process every article again, changed or not.")
    ] = False,
    prune: Annotated[
        bool,
        typer.Option(
            "--prune",
            help="Make the store mirror PATHS: remove every stored article not found under "
            "them, however many.",
        ),
    ] = False,
    max_article_size: Annotated[
        float | None,
        typer.Option(
            "--max-article-size", min=0.001, help="Largest article file read, in MB (default 2)."
        ),
    ] = None,
    online: OnlineOpt = False,
    quiet: QuietOpt = False,
    workers: WorkersOpt = None,
    dask: Annotated[
        str | None,
        typer.Option(
            "--dask", metavar="ADDRESS",
            help="Extract on the workers of this dask.distributed scheduler (tcp://host:8786).",
        ),
    ] = None,
    corrections: Annotated[
        Path | None,
        typer.Option("--corrections", metavar="FILE",
                     help="The analysts' corrections (default: corrections.jsonl in the "
                     "first article folder)."),
    ] = None,
) -> None:
    """Build the map and exports, processing only new and changed articles.

    Exits with status 1 when any input could not be used (each has its line).
    """
    from .build import build

    if max_article_size is not None:
        settings.max_article_bytes = int(max_article_size * 1_000_000)
    progress = _BuildProgress(enabled=err.is_terminal and not quiet)
    try:
        summary = build(
            paths,
            out_dir,
            store_path=store,
            rebuild=rebuild,
            prune=prune,
            online=online,
            progress=progress,
            workers=workers,
            dask=dask,
            corrections=corrections,
        )
    finally:
        progress.close()
    report_problems(summary.problems, quiet=quiet)
    if not quiet:
        for line in summary.lines():
            out.print(line, highlight=False, markup=False)
    if not summary.ok:
        raise typer.Exit(1)


@app.command("watch")
@_clean_errors
def watch_command(
    folder: Annotated[Path, typer.Argument(help="Folder of articles to watch (recursively).")],
    out_dir: OutOpt = Path("maps"),
    store: StoreOpt = None,
    online: OnlineOpt = False,
    debounce: Annotated[
        float, typer.Option("--debounce", min=0.0, help="Seconds of quiet before rebuilding.")
    ] = 1.0,
    quiet: QuietOpt = False,
    fetch_sources: Annotated[
        list[str] | None,
        typer.Option("--fetch", help="Also fetch these feeds, links or lists of them into "
                     "FOLDER, at the start and every --every (repeatable)."),
    ] = None,
    every: Annotated[
        str, typer.Option("--every", help="Time between fetches: 90s, 15m, 2h.")
    ] = "15m",
    match: MatchOpt = None,
    workers: WorkersOpt = None,
) -> None:
    """Rebuild the map whenever articles arrive or change, until Ctrl-C."""
    import datetime as _dt

    from .build import BuildSummary
    from .fetch import FetchSummary
    from .watch import parse_every, watch

    interval = parse_every(every)

    def on_fetch(summary: FetchSummary) -> None:
        report_problems(summary.problems, quiet=quiet)
        if not quiet:
            stamp = _dt.datetime.now().strftime("%H:%M:%S")
            out.print(f"[{stamp}] {summary.lines()[-1]}", highlight=False, markup=False)

    def on_build(summary: BuildSummary) -> None:
        report_problems(summary.problems, quiet=quiet)
        if not quiet:
            stamp = _dt.datetime.now().strftime("%H:%M:%S")
            for line in summary.lines():
                out.print(f"[{stamp}] {line}", highlight=False, markup=False)

    def on_error(exc: Exception) -> None:
        kind = "" if isinstance(exc, FrontlineError) else f"{type(exc).__name__}: "
        err.print(f"[bold red]error:[/] {escape(kind + str(exc))}", markup=True, highlight=False)

    if not quiet:
        err.print(f"watching {folder} -> {out_dir} (Ctrl-C to stop)", highlight=False)
    try:
        watch(
            folder,
            out_dir,
            store_path=store,
            online=online,
            workers=workers,
            debounce=debounce,
            on_build=on_build,
            on_error=on_error,
            fetch_sources=fetch_sources or None,
            every=interval,
            match=match,
            on_fetch=on_fetch,
        )
    except KeyboardInterrupt:
        if not quiet:
            err.print("stopped", highlight=False)


# -- fetch: feeds and links into a folder of articles (geo.fetch) -------------------------

SourcesArg = Annotated[
    list[str],
    typer.Argument(help="RSS/Atom feed URLs, article URLs, or files listing them (# comments)."),
]


@app.command("fetch")
@_clean_errors
def fetch_command(
    sources: SourcesArg,
    into: Annotated[
        Path, typer.Option("--into", help="Folder to write the .md articles into.")
    ] = Path("articles"),
    match: MatchOpt = None,
    delay: Annotated[
        float | None,
        typer.Option("--delay", min=0.0, help="Seconds between requests to one host (default 1)."),
    ] = None,
    timeout: Annotated[
        float | None,
        typer.Option("--timeout", min=0.01, help="Seconds to wait for a server (default 20)."),
    ] = None,
    quiet: QuietOpt = False,
) -> None:
    """Download new items of feeds and links as Markdown articles, politely."""
    from .fetch import fetch

    if delay is not None:
        settings.fetch_delay = delay
    if timeout is not None:
        settings.fetch_timeout = timeout
    summary = fetch(sources, into, match=match)
    report_problems(summary.problems, quiet=quiet)
    if not quiet:
        for line in summary.lines():
            out.print(line, highlight=False, markup=False)
    if summary.failed:
        raise typer.Exit(1)


# -- serve: the map from localhost, with a review mode (geo.serve) ----------------------


@app.command("serve")
@_clean_errors
def serve_command(
    articles: Annotated[
        list[Path] | None,
        typer.Argument(help="Article folders to build and watch (none: serve OUT as it is)."),
    ] = None,
    out_dir: OutOpt = Path("maps"),
    store: StoreOpt = None,
    port: Annotated[
        int, typer.Option("--port", "-p", min=0, max=65535, help="Port (0: any free one).")
    ] = 8765,
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on (default: this machine only).")
    ] = "127.0.0.1",
    data_dir: Annotated[
        Path | None,
        typer.Option("--data", help="Data folder (gazetteer.csv, actors.csv, control.csv)."),
    ] = None,
    who: Annotated[
        str | None, typer.Option("--who", help="Your name, recorded with each correction.")
    ] = None,
    debounce: Annotated[
        float, typer.Option("--debounce", min=0.0, help="Seconds of quiet before rebuilding.")
    ] = 1.0,
    quiet: QuietOpt = False,
    workers: WorkersOpt = None,
) -> None:
    """Serve the map for review in the browser; rebuild it as articles change (Ctrl-C stops)."""
    import datetime as _dt

    from .build import BuildSummary
    from .serve import serve

    def on_ready(url: str) -> None:
        if host not in ("127.0.0.1", "localhost", "::1"):
            err.print(f"warning: listening on {host}: other machines can reach the map "
                      "(writes still need the token)", highlight=False)
        out.print(f"review the map at {url}", highlight=False, markup=False)
        out.print("(the token in the address lets this page write; Ctrl-C stops)",
                  highlight=False, markup=False)
        out.file.flush()

    def on_build(summary: BuildSummary) -> None:
        report_problems(summary.problems, quiet=quiet)
        if not quiet:
            stamp = _dt.datetime.now().strftime("%H:%M:%S")
            out.print(f"[{stamp}] {summary.lines()[-1]}", highlight=False, markup=False)

    def on_error(exc: Exception) -> None:
        kind = "" if isinstance(exc, FrontlineError) else f"{type(exc).__name__}: "
        err.print(f"[bold red]error:[/] {escape(kind + str(exc))}", markup=True, highlight=False)

    try:
        serve(
            out_dir, articles=articles or (), host=host, port=port, data=data_dir,
            store_path=store, who=who, debounce=debounce, workers=workers,
            on_ready=on_ready, on_build=on_build, on_error=on_error,
        )
    except KeyboardInterrupt:
        pass
    if not quiet:
        err.print("stopped", highlight=False)


# --------------------------------------------------------------------------- theatre

theatre_app = typer.Typer(help="Start and check a theatre (a data folder).", no_args_is_help=True)
app.add_typer(theatre_app, name="theatre")


@theatre_app.command("init")
@_clean_errors
def theatre_init(
    folder: Annotated[Path, typer.Argument(help="The data folder to create or complete.")],
    country: Annotated[
        list[str], typer.Option("--country", "-c", help="ISO 3166-1 alpha-2 code (repeatable).")
    ],
    geonames: Annotated[
        list[Path] | None,
        typer.Option(
            "--geonames", help="GeoNames dump: CC.zip, CC.txt or allCountries.zip (repeatable)."
        ),
    ] = None,
    update: Annotated[
        bool, typer.Option("--update", help="Add new GeoNames rows to an existing gazetteer.")
    ] = False,
    name: Annotated[str | None, typer.Option("--name", help="The theatre's name.")] = None,
) -> None:
    """Create a complete data folder for a war in the given countries."""
    from .theatre import init_theatre

    result = init_theatre(folder, country, geonames=geonames or (), update=update, name=name)
    report_problems(result.problems)
    out.print(
        f"{result.folder}: gazetteer {result.rows} rows ({result.added} added, from "
        f"{result.source}); written: {', '.join(result.written) or 'nothing'}; "
        f"kept: {', '.join(result.kept) or 'nothing'}",
        highlight=False,
        markup=False,
    )


@theatre_app.command("check")
@_clean_errors
def theatre_check(
    folder: Annotated[Path, typer.Argument(help="The data folder to check.")],
) -> None:
    """Check a data folder: gazetteer, actors and control against theatre.yaml."""
    from .theatre import check_theatre

    problems = check_theatre(folder)
    for problem in problems:
        out.print(str(problem), highlight=False, markup=False)
    if problems:
        err.print(f"{len(problems)} problem(s) in {folder}")
        raise typer.Exit(1)
    out.print(f"{folder}: ok", highlight=False)

# -- review: confirm, correct, reject and add events (geo.review) -------------------------

review_app = typer.Typer(
    help="Confirm, correct, reject and add events; the corrections outlast every rebuild.",
    no_args_is_help=True,
)
app.add_typer(review_app, name="review")

CorrectionsOpt = Annotated[
    Path | None,
    typer.Option(
        "--corrections", metavar="FILE",
        help="The corrections file (default: the one the last build used, "
        "corrections.jsonl in its first article folder).",
    ),
]
ArticlesOpt = Annotated[
    list[Path] | None,
    typer.Option("--articles", help="The article paths the build is given (they locate the "
                 "corrections file when the store does not know it)."),
]
WhoOpt = Annotated[
    str | None,
    typer.Option("--who", envvar="FRONTLINE_REVIEWER",
                 help="Who is reviewing (default: the user name)."),
]
ReasonOpt = Annotated[str | None, typer.Option("--reason", help="Why (kept in the history).")]
NoRefreshOpt = Annotated[
    bool,
    typer.Option("--no-refresh", help="Do not rewrite the map and exports now (the next "
                 "build applies the correction)."),
]
EventIdArg = Annotated[str, typer.Argument(help="The event's id, as the map and "
                                           "`frontline review list` show it.")]


def _reviewer(
    out_dir: Path,
    store: Path | None,
    corrections: Path | None,
    articles: list[Path] | None,
    who: str | None,
) -> Any:
    from .review import Reviewer

    return Reviewer(out_dir, articles=articles or None, who=who, corrections=corrections,
                    store_path=store)


def _print_change(reviewer: Any, change: Any, *, refresh: bool) -> None:
    """The change's line, then the map's: written again, or why not."""
    from .errors import StoreLockedError

    report_problems(reviewer.problems)
    out.print(change.summary, markup=False, highlight=False)
    if not refresh:
        return
    try:
        summary = reviewer.refresh()
    except StoreLockedError as exc:
        err.print(f"map not rewritten now ({escape(str(exc))}); the next build applies it",
                  highlight=False)
        return
    report_problems([p for p in summary.problems if p.severity != "skipped"])
    out.print(f"-> {summary.map_path}", markup=False, highlight=False)


class ReviewFormat(str, Enum):
    table = "table"
    json = "json"


@review_app.command("list")
@_clean_errors
def review_list(
    out_dir: OutOpt = Path("maps"),
    store: StoreOpt = None,
    corrections: CorrectionsOpt = None,
    articles: ArticlesOpt = None,
    unreviewed: Annotated[
        bool, typer.Option("--unreviewed", help="Only events nobody has reviewed.")
    ] = False,
    type: Annotated[str | None, typer.Option("--type", help="Only events of this type.")] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="Only events on or after YYYY-MM-DD.")
    ] = None,
    rejected: Annotated[
        bool, typer.Option("--rejected", help="The rejected events instead.")
    ] = False,
    orphaned: Annotated[
        bool, typer.Option("--orphaned", help="The corrections whose event no longer appears.")
    ] = False,
    format: Annotated[ReviewFormat, typer.Option("--format", "-f")] = ReviewFormat.table,
) -> None:
    """List the events as the map shows them, with what a person made of each."""
    from .events import event_properties

    reviewer = _reviewer(out_dir, store, corrections, articles, None)
    report_problems(reviewer.log.problems)
    if orphaned:
        rows = reviewer.orphaned()
        if format is ReviewFormat.json:
            _emit_json([c.to_dict() for c in rows])
            return
        if not rows:
            out.print("no orphaned corrections", highlight=False)
            return
        from rich.table import Column

        table = Table("seq", "action", Column("event id then", no_wrap=True, min_width=15),
                      "who", Column("on", no_wrap=True), Column("key", overflow="fold"))
        for c in rows:
            _add_row(table, str(c.seq), c.action, c.event_id or "", c.who,
                     c.at.date().isoformat(), c.key)
        out.print(table)
        return
    found = reviewer.events(unreviewed=unreviewed, type=type, since=since, rejected=rejected)
    if format is ReviewFormat.json:
        _emit_json([event_properties(e) | {"lat": e.lat, "lon": e.lon,
                                           "review_note": e.review_note} for e in found])
        return
    if not found:
        out.print("no events", highlight=False)
        return
    from rich.table import Column

    table = Table(Column("id", no_wrap=True, min_width=15),
                  Column("date", no_wrap=True, min_width=10),
                  "type", "place", "actor", "status", "review", "by", "note")
    for e in found:
        when = (e.date.isoformat() if e.date else "undated") + (
            f"..{e.date_end.isoformat()}" if e.date_end else ""
        )
        _add_row(table, e.id, when, e.type, e.place, e.actor or "", e.status, e.review or "",
                 e.reviewed_by or "", e.review_note or "")
    out.print(table)


@review_app.command("history")
@_clean_errors
def review_history(
    event_id: EventIdArg,
    out_dir: OutOpt = Path("maps"),
    store: StoreOpt = None,
    corrections: CorrectionsOpt = None,
    articles: ArticlesOpt = None,
) -> None:
    """Every correction of one event, oldest first (the later wins)."""
    reviewer = _reviewer(out_dir, store, corrections, articles, None)
    rows = reviewer.history(event_id)
    if not rows:
        out.print(f"{event_id}: not reviewed", markup=False, highlight=False)
    for c in rows:
        what = json.dumps(c.changes, ensure_ascii=False) if c.changes else ""
        why = f" ({c.reason})" if c.reason else ""
        out.print(f"{c.seq}  {c.at.isoformat(timespec='seconds')}  {c.who}  {c.action} {what}"
                  f"{why}".rstrip(), markup=False, highlight=False)


@review_app.command("confirm")
@_clean_errors
def review_confirm(
    event_id: EventIdArg,
    out_dir: OutOpt = Path("maps"),
    store: StoreOpt = None,
    corrections: CorrectionsOpt = None,
    articles: ArticlesOpt = None,
    who: WhoOpt = None,
    reason: ReasonOpt = None,
    no_refresh: NoRefreshOpt = False,
) -> None:
    """Mark an event as checked by a person (a rejected one comes back)."""
    reviewer = _reviewer(out_dir, store, corrections, articles, who)
    _print_change(reviewer, reviewer.confirm(event_id, reason=reason), refresh=not no_refresh)


@review_app.command("reject")
@_clean_errors
def review_reject(
    event_id: EventIdArg,
    reason: Annotated[str, typer.Option("--reason", help="Why it is wrong.")],
    out_dir: OutOpt = Path("maps"),
    store: StoreOpt = None,
    corrections: CorrectionsOpt = None,
    articles: ArticlesOpt = None,
    who: WhoOpt = None,
    no_refresh: NoRefreshOpt = False,
) -> None:
    """Take an event off the map and the exports (it stays in the store)."""
    reviewer = _reviewer(out_dir, store, corrections, articles, who)
    _print_change(reviewer, reviewer.reject(event_id, reason=reason), refresh=not no_refresh)


TypeOpt = Annotated[str | None, typer.Option("--type", help="Event type (airstrike, ...).")]
PlaceOpt = Annotated[
    str | None, typer.Option("--place", help="A gazetteer place name or id.")
]
LatOpt = Annotated[float | None, typer.Option("--lat", help="Latitude (with --lon).")]
LonOpt = Annotated[float | None, typer.Option("--lon", help="Longitude (with --lat).")]
DateOpt = Annotated[str | None, typer.Option("--date", help="First day, YYYY-MM-DD.")]
DateEndOpt = Annotated[
    str | None, typer.Option("--date-end", help="Last day of a range, YYYY-MM-DD.")
]
ActorOpt = Annotated[str | None, typer.Option("--actor", help="Who acted.")]
TargetOpt = Annotated[str | None, typer.Option("--target", help="Whom it was aimed at.")]
StatusOpt = Annotated[
    str | None, typer.Option("--status", help="reported, claimed, unconfirmed or denied.")
]
ClaimedByOpt = Annotated[str | None, typer.Option("--claimed-by", help="Whose claim it is.")]
FatalitiesOpt = Annotated[
    int | None, typer.Option("--fatalities", min=0, help="Deaths reported.")
]


@review_app.command("edit")
@_clean_errors
def review_edit(
    event_id: EventIdArg,
    type: TypeOpt = None,
    place: PlaceOpt = None,
    lat: LatOpt = None,
    lon: LonOpt = None,
    date: DateOpt = None,
    date_end: DateEndOpt = None,
    actor: ActorOpt = None,
    target: TargetOpt = None,
    status: StatusOpt = None,
    claimed_by: ClaimedByOpt = None,
    fatalities: FatalitiesOpt = None,
    reason: ReasonOpt = None,
    out_dir: OutOpt = Path("maps"),
    store: StoreOpt = None,
    corrections: CorrectionsOpt = None,
    articles: ArticlesOpt = None,
    who: WhoOpt = None,
    no_refresh: NoRefreshOpt = False,
) -> None:
    """Correct an event's type, place, date, actor, target, status, claimant or toll."""
    reviewer = _reviewer(out_dir, store, corrections, articles, who)
    given = {
        "type": type, "place": place, "lat": lat, "lon": lon, "date": date,
        "date_end": date_end, "actor": actor, "target": target, "status": status,
        "claimed_by": claimed_by, "fatalities": fatalities,
    }  # fmt: skip
    change = reviewer.edit(
        event_id, reason=reason, **{k: v for k, v in given.items() if v is not None}
    )
    _print_change(reviewer, change, refresh=not no_refresh)


@review_app.command("add")
@_clean_errors
def review_add(
    type: Annotated[str, typer.Option("--type", help="Event type (airstrike, ...).")],
    date: Annotated[str, typer.Option("--date", help="First day, YYYY-MM-DD.")],
    source: Annotated[
        str, typer.Option("--source", help="Where it is reported: a URL or an article file.")
    ],
    place: PlaceOpt = None,
    lat: LatOpt = None,
    lon: LonOpt = None,
    date_end: DateEndOpt = None,
    sentence: Annotated[
        str | None, typer.Option("--sentence", help="The source's words.")
    ] = None,
    outlet: Annotated[str | None, typer.Option("--outlet", help="The source's outlet.")] = None,
    actor: ActorOpt = None,
    target: TargetOpt = None,
    status: StatusOpt = None,
    claimed_by: ClaimedByOpt = None,
    fatalities: FatalitiesOpt = None,
    reason: ReasonOpt = None,
    out_dir: OutOpt = Path("maps"),
    store: StoreOpt = None,
    corrections: CorrectionsOpt = None,
    articles: ArticlesOpt = None,
    who: WhoOpt = None,
    no_refresh: NoRefreshOpt = False,
) -> None:
    """Add an event extraction missed, with its source."""
    reviewer = _reviewer(out_dir, store, corrections, articles, who)
    change = reviewer.add(
        type=type, date=date, source=source, place=place, lat=lat, lon=lon, reason=reason,
        date_end=date_end, sentence=sentence, outlet=outlet, actor=actor, target=target,
        status=status, claimed_by=claimed_by, fatalities=fatalities,
    )
    _print_change(reviewer, change, refresh=not no_refresh)


@review_app.command("merge")
@_clean_errors
def review_merge(
    event_id: EventIdArg,
    other_id: Annotated[str, typer.Argument(help="The event folded into the first.")],
    out_dir: OutOpt = Path("maps"),
    store: StoreOpt = None,
    corrections: CorrectionsOpt = None,
    articles: ArticlesOpt = None,
    who: WhoOpt = None,
    reason: ReasonOpt = None,
    no_refresh: NoRefreshOpt = False,
) -> None:
    """Fold the second event into the first: one happening reported twice."""
    reviewer = _reviewer(out_dir, store, corrections, articles, who)
    change = reviewer.merge(event_id, other_id, reason=reason)
    _print_change(reviewer, change, refresh=not no_refresh)


@review_app.command("split")
@_clean_errors
def review_split(
    event_id: EventIdArg,
    source: Annotated[
        list[int],
        typer.Option("--source", help="A source to split off, by its number in the popup "
                     "(from 1; repeatable)."),
    ],
    out_dir: OutOpt = Path("maps"),
    store: StoreOpt = None,
    corrections: CorrectionsOpt = None,
    articles: ArticlesOpt = None,
    who: WhoOpt = None,
    reason: ReasonOpt = None,
    no_refresh: NoRefreshOpt = False,
) -> None:
    """Split sources off a merged event: they report another happening."""
    reviewer = _reviewer(out_dir, store, corrections, articles, who)
    change = reviewer.split(event_id, sources=source, reason=reason)
    _print_change(reviewer, change, refresh=not no_refresh)


@review_app.command("export")
@_clean_errors
def review_export(
    file: Annotated[Path, typer.Argument(help="The JSON-lines file to write.")],
    out_dir: OutOpt = Path("maps"),
    store: StoreOpt = None,
    corrections: CorrectionsOpt = None,
    articles: ArticlesOpt = None,
) -> None:
    """Write every correction to FILE (JSON lines)."""
    reviewer = _reviewer(out_dir, store, corrections, articles, None)
    count = reviewer.export(file)
    out.print(f"{count} corrections from {reviewer.corrections_path} -> {file}",
              markup=False, highlight=False)


@review_app.command("import")
@_clean_errors
def review_import(
    file: Annotated[Path, typer.Argument(help="A JSON-lines file written by review export.")],
    out_dir: OutOpt = Path("maps"),
    store: StoreOpt = None,
    corrections: CorrectionsOpt = None,
    articles: ArticlesOpt = None,
) -> None:
    """Add the corrections of FILE that the corrections file lacks (the next build applies them)."""
    reviewer = _reviewer(out_dir, store, corrections, articles, None)
    count = reviewer.import_(file)
    report_problems(reviewer.problems)
    out.print(f"{count} corrections imported from {file} -> {reviewer.corrections_path}",
              markup=False, highlight=False)
    if reviewer.problems:
        raise typer.Exit(1)



def main() -> None:
    """Run the command line, then leave without tearing the interpreter down.

    A build leaves millions of objects (every stored event and mention); freeing
    them one by one at interpreter exit costs about 0.7 s at 10,000 articles and
    does nothing useful. Once the command has finished (its store closed, its
    worker pool shut down), the exit handlers run, the standard streams are
    flushed and the process ends with the command's exit code. While another
    thread is still running, the ordinary exit (which waits for it) is kept.
    """
    try:
        app()
        code: str | int | None = 0
    except SystemExit as done:
        code = done.code
    if threading.active_count() > 1:
        sys.exit(code)
    if code is None:
        code = 0
    elif not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(code)
