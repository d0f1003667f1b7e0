"""The ``frontline`` command line.

Every command calls the public API; errors become one line on stderr and a
non-zero exit, never a traceback.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sys
from collections.abc import Callable, Sequence
from enum import Enum
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
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


def _clean_errors(func: F) -> F:
    """Turn frontline errors (and interrupted runs) into one line and an exit code."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except FrontlineError as exc:
            err.print(f"[bold red]error:[/] {exc}", markup=True, highlight=False)
            raise typer.Exit(1) from None
        except KeyboardInterrupt:
            err.print("interrupted")
            raise typer.Exit(130) from None

    return wrapper  # type: ignore[return-value]


def report_problems(problems: Sequence[Problem], *, quiet: bool = False) -> None:
    """Print one line per problem: errors always, warnings unless quiet."""
    for problem in problems:
        if problem.severity == "warning":
            if not quiet:
                err.print(f"[yellow]warning:[/] {problem}", markup=True, highlight=False)
        else:
            err.print(f"[red]error:[/] {problem}", markup=True, highlight=False)


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


def _emit_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


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
    mentions = places_from_articles(articles, load_gazetteer(), geocoder=_geocoder(online))
    if unresolved:
        names = unresolved_names(mentions)
        if format is PlacesFormat.table:
            table = Table("name", "articles", title=f"{len(names)} unresolved place names")
            for name, files in sorted(names.items()):
                table.add_row(name, ", ".join(files))
            out.print(table)
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
            table.add_row(
                p["name"],
                p["kind"],
                p["country"],
                f"{lat_lon['lat']:.4f}",
                f"{lat_lon['lon']:.4f}",
                str(p["mentions"]),
                ", ".join(p["articles"]),
            )
        out.print(table)


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
    found = events_from_articles(
        articles, load_gazetteer(), load_actors(), geocoder=_geocoder(online)
    )
    collection = events_geojson(found)
    if format is EventsFormat.geojson:
        _emit_json(collection)
    elif format is EventsFormat.json:
        _emit_json([f["properties"] | _lat_lon(f) for f in collection["features"]])
    elif format is EventsFormat.csv:
        from .export import events_table

        buffer = io.StringIO()
        rows = events_table(found)
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]) if rows else ["event_date"])
        writer.writeheader()
        writer.writerows(rows)
        sys.stdout.write(buffer.getvalue())
    else:
        table = Table("date", "type", "place", "actor", "target", "status", "by", "dead", "src")
        for e in found:
            when = e.date.isoformat() + (f"..{e.date_end.isoformat()}" if e.date_end else "")
            table.add_row(
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
    paths: PathsArg,
    gold: Annotated[Path, typer.Option("--gold", help="Gold annotations (JSON).")],
) -> None:
    """Score places and events against a gold file: precision, recall and F1."""
    from .actors import load_actors
    from .evaluate import evaluate as score
    from .evaluate import load_gold
    from .events import extract_events
    from .gazetteer import load_gazetteer
    from .places import find_places

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
    mentions = places_from_articles(articles, gazetteer, geocoder=_geocoder(online))
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
        table.add_row(row["place"], row["controller"], str(row["since"]), row["source"])
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


@app.command("build")
@_clean_errors
def build_command(
    paths: PathsArg,
    out_dir: OutOpt = Path("maps"),
    store: StoreOpt = None,
    rebuild: Annotated[
        bool, typer.Option("--rebuild", help="Process every article again, changed or not.")
    ] = False,
    online: OnlineOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Build the map and exports, processing only new and changed articles."""
    from .build import build

    progress = _BuildProgress(enabled=err.is_terminal and not quiet)
    try:
        summary = build(
            paths, out_dir, store_path=store, rebuild=rebuild, online=online, progress=progress
        )
    finally:
        progress.close()
    report_problems(summary.problems, quiet=quiet)
    if not quiet:
        for line in summary.lines():
            out.print(line, highlight=False)


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
) -> None:
    """Rebuild the map whenever articles arrive or change, until Ctrl-C."""
    import datetime as _dt

    from .build import BuildSummary
    from .watch import watch

    def on_build(summary: BuildSummary) -> None:
        report_problems(summary.problems, quiet=quiet)
        if not quiet:
            stamp = _dt.datetime.now().strftime("%H:%M:%S")
            for line in summary.lines():
                out.print(f"[{stamp}] {line}", highlight=False, markup=False)

    def on_error(exc: Exception) -> None:
        kind = "" if isinstance(exc, FrontlineError) else f"{type(exc).__name__}: "
        err.print(f"[bold red]error:[/] {kind}{exc}", markup=True, highlight=False)

    if not quiet:
        err.print(f"watching {folder} -> {out_dir} (Ctrl-C to stop)", highlight=False)
    try:
        watch(
            folder,
            out_dir,
            store_path=store,
            online=online,
            debounce=debounce,
            on_build=on_build,
            on_error=on_error,
        )
    except KeyboardInterrupt:
        if not quiet:
            err.print("stopped", highlight=False)


def main() -> None:
    """Run the command line."""
    app()
