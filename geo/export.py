"""Exports beside the map: GeoJSON, an ACLED-like CSV and a GeoPackage for QGIS.

Every file is written to a temporary file in the destination folder and moved
into place with :func:`os.replace`, so a reader (or a run killed half-way)
only ever sees the previous complete file or the new complete one.

``events.csv`` has one row per merged event, with ACLED-like columns:

============== ==============================================================
event_date     first day (YYYY-MM-DD)
event_type     one of :data:`geo.model.EVENT_TYPES`
actor1         who acted (canonical actor), empty when unknown
actor2         the target, empty when unknown
location       the place name
latitude       WGS 84 degrees
longitude      WGS 84 degrees
geo_precision  1 the place itself, 2 near it, 3 only a region (ACLED's scale)
time_precision 1 a day, 2 a range or week, 3 a month, a year or only the
               publication date
source         the outlets (or article files) reporting it, joined by "; "
notes          the first source's sentence
status         reported, claimed, unconfirmed or denied
claimed_by     the party whose claim it is, when claimed or denied
corroboration  the number of distinct outlets reporting it
fatalities     deaths reported, empty when none are stated
event_id       the merged event's id
date_end       last day of a range, empty for one day
review         what a person made of it (``geo.review``): confirmed, edited,
               added, or empty when nobody reviewed it (rejected events are
               left out)
reviewed_at    when (UTC, ISO) it was last reviewed
reviewed_by    who reviewed it
============== ==============================================================

``frontline.gpkg`` holds the layers ``events`` (the same columns, plus
``sources`` as a JSON string) and ``places`` (as ``places.geojson``), and, once
control is computed, ``control``, ``territory`` and ``frontline``; CRS EPSG:4326.
List- and dict-valued properties become JSON strings so QGIS can read them.
"""

from __future__ import annotations

import csv
import io
import os
import re
import secrets
import shutil
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from . import _json, gpkg
from .gpkg import LayerRows
from .model import Event, PlaceMention

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = [
    "CRS",
    "EVENT_COLUMNS",
    "GEOPACKAGE_NAME",
    "ControlLayers",
    "events_table",
    "events_csv",
    "events_frame",
    "places_frame",
    "frame_from_features",
    "write_exports",
    "replacing",
    "write_text_atomic",
    "remove_stale_temporaries",
]

#: Coordinate reference system of every export.
CRS = "EPSG:4326"
#: File name of the GeoPackage beside the map.
GEOPACKAGE_NAME = "frontline.gpkg"
#: The CSV columns, in order.
EVENT_COLUMNS: tuple[str, ...] = (
    "event_date",
    "event_type",
    "actor1",
    "actor2",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "time_precision",
    "source",
    "notes",
    "status",
    "claimed_by",
    "corroboration",
    "fatalities",
    "event_id",
    "date_end",
    "review",
    "reviewed_at",
    "reviewed_by",
)
_GEO_PRECISION = {"exact": 1, "near": 2, "region": 3}
_TIME_PRECISION = {
    "day": 1, "range": 2, "week": 2, "month": 3, "year": 3, "published": 3, "unknown": 3,
}  # fmt: skip
_EMPTY_DTYPES = {
    **{c: "object" for c in EVENT_COLUMNS},
    "latitude": "float64",
    "longitude": "float64",
    "geo_precision": "int64",
    "time_precision": "int64",
    "corroboration": "int64",
}
_TEMP = re.compile(r"^\..+\.(?P<pid>\d+)\.[0-9a-f]{8}\.tmp")


class ControlLayers(Protocol):
    """What :func:`write_exports` needs of a control timeline (``geo.control``)."""

    def control_geojson(self) -> dict[str, Any]:
        """Points: who holds each place."""
        ...

    def territory_geojson(self) -> dict[str, Any]:
        """Polygons: the area each side holds."""
        ...

    def front_lines_geojson(self) -> dict[str, Any]:
        """Lines: where the sides meet."""
        ...


# -- atomic writing ---------------------------------------------------------------------


@contextmanager
def replacing(path: str | Path) -> Iterator[Path]:
    r"""Yield a temporary path beside ``path``; on success move it over ``path``.

    The temporary file keeps ``path``'s suffix (drivers pick formats by it) and
    is removed when the block fails. A reader sees the old file or the new one,
    never a half-written one.

    Examples
    --------
    >>> with replacing("maps/events.csv") as tmp:  # doctest: +SKIP
    ...     tmp.write_text("event_date\\n")
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp{path.suffix}")
    try:
        yield tmp
        _fsync(tmp)
        os.replace(tmp, path)
    finally:
        for leftover in (tmp, *tmp.parent.glob(tmp.name + "-*")):
            try:
                leftover.unlink()
            except FileNotFoundError:
                pass


def write_text_atomic(path: str | Path, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` through a temporary file; return ``path``."""
    with replacing(path) as tmp:
        tmp.write_text(text, encoding="utf-8", newline="")
    return Path(path)


def remove_stale_temporaries(folder: str | Path) -> list[Path]:
    """Delete temporary files a killed run left in ``folder``; return them.

    Only files named by :func:`replacing` whose process is gone are removed.
    """
    removed: list[Path] = []
    folder = Path(folder)
    if not folder.is_dir():
        return removed
    for path in folder.iterdir():
        m = _TEMP.match(path.name)
        if m is None or _alive(int(m["pid"])):
            continue
        try:
            path.unlink()
            removed.append(path)
        except OSError:
            pass
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# -- tables -----------------------------------------------------------------------------


def events_table(events: Sequence[Event]) -> list[dict[str, Any]]:
    """One ACLED-like row per event (see the module docstring for the columns).

    Examples
    --------
    >>> rows = events_table(events)  # doctest: +SKIP
    >>> rows[0]["event_type"], rows[0]["time_precision"]  # doctest: +SKIP
    ('airstrike', 1)
    """
    rows = []
    for e in events:
        sources = list(dict.fromkeys(s.outlet or s.file for s in e.sources))
        rows.append(
            {
                "event_date": e.date.isoformat() if e.date else "",
                "event_type": e.type,
                "actor1": e.actor or "",
                "actor2": e.target or "",
                "location": e.place,
                "latitude": round(e.lat, 6),
                "longitude": round(e.lon, 6),
                "geo_precision": _GEO_PRECISION.get(e.geo_precision, 3),
                "time_precision": _TIME_PRECISION.get(e.date_precision, 3),
                "source": "; ".join(sources),
                "notes": e.sources[0].sentence if e.sources else "",
                "status": e.status,
                "claimed_by": e.claimed_by or "",
                "corroboration": e.corroboration,
                "fatalities": e.fatalities,
                "event_id": e.id,
                "date_end": e.date_end.isoformat() if e.date_end else "",
                "review": e.review or "",
                "reviewed_at": (
                    e.reviewed_at.isoformat(timespec="seconds") if e.reviewed_at else ""
                ),
                "reviewed_by": e.reviewed_by or "",
            }
        )
    return rows


def events_csv(events: Sequence[Event]) -> str:
    """Return the text of ``events.csv``: a header and :func:`events_table`'s rows."""
    return _csv_text(events_table(events))


#: What makes a spreadsheet read a cell as a formula (OWASP, "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: Any) -> Any:
    """A CSV cell that a spreadsheet shows as text: a leading ``'`` before a formula start.

    Text cells beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
    get a ``'`` in front (OWASP's rule); numbers are left alone, so negative
    coordinates stay numbers. GeoJSON and the GeoPackage keep the text as it is.

    Examples
    --------
    >>> spreadsheet_safe("=SUM(A1:A9)"), spreadsheet_safe(-12.5)
    ("'=SUM(A1:A9)", -12.5)
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _csv_text(rows: Sequence[dict[str, Any]]) -> str:
    """:func:`events_csv` from rows :func:`events_table` already made."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    columns = list(EVENT_COLUMNS)
    writer.writerow(columns)
    writer.writerows([spreadsheet_safe(row[c]) for c in columns] for row in rows)
    return buffer.getvalue()


def events_frame(events: Sequence[Event]) -> gpd.GeoDataFrame:
    """Return the events as a GeoDataFrame (EPSG:4326): CSV columns, ``sources``, points.

    ``sources`` is a JSON list of ``{file, outlet, url, published, sentence}``.
    """
    return _events_frame(events, events_table(events))


def _events_frame(events: Sequence[Event], table: Sequence[dict[str, Any]]) -> gpd.GeoDataFrame:
    """:func:`events_frame` from the rows :func:`events_table` made of ``events``."""
    import geopandas as gpd
    import pandas as pd

    rows = [dict(row) for row in table]
    for row, e in zip(rows, events, strict=True):
        row["sources"] = _json.dumps([s.to_dict() for s in e.sources])
    columns = [*EVENT_COLUMNS, "sources"]
    frame = pd.DataFrame(rows, columns=columns)
    if not rows:
        # give an empty layer the column types a full one has
        frame = frame.astype(_EMPTY_DTYPES)
    frame["fatalities"] = pd.array(frame["fatalities"], dtype="Int64")
    geometry = gpd.points_from_xy([e.lon for e in events], [e.lat for e in events], crs=CRS)
    return gpd.GeoDataFrame(frame, geometry=geometry, crs=CRS)


def places_frame(mentions: Sequence[PlaceMention]) -> gpd.GeoDataFrame:
    """Return the resolved places as a GeoDataFrame (CRS EPSG:4326), one row per place.

    The columns are the properties of ``places.geojson``
    (:func:`geo.places.places_geojson`), lists as JSON strings.
    """
    from .places import places_geojson

    return frame_from_features(places_geojson(mentions))


def frame_from_features(collection: dict[str, Any]) -> gpd.GeoDataFrame:
    """Convert a GeoJSON FeatureCollection to a GeoDataFrame in EPSG:4326.

    List- and dict-valued properties become JSON strings (GeoPackage and
    QGIS have no list type).
    """
    import geopandas as gpd
    from shapely.geometry import shape

    features = collection.get("features", [])
    columns: dict[str, None] = {}
    records = []
    for feature in features:
        props = _flat_properties(feature)
        columns.update(dict.fromkeys(props))
        records.append(props)
    geometry = [shape(f["geometry"]) if f.get("geometry") else None for f in features]
    data = {c: [r.get(c) for r in records] for c in columns if c != "geometry"}
    return gpd.GeoDataFrame(data, geometry=gpd.GeoSeries(geometry, crs=CRS), crs=CRS)


# -- writing ----------------------------------------------------------------------------


def write_exports(
    out_dir: str | Path,
    *,
    events: Sequence[Event],
    mentions: Sequence[PlaceMention],
    control: ControlLayers | Callable[[], ControlLayers] | None = None,
    control_key: str | None = None,
) -> list[Path]:
    """Write the exports beside the map and return their paths.

    Writes ``events.geojson``, ``places.geojson``, ``events.csv`` and
    ``frontline.gpkg`` (layers ``events`` and ``places``); with ``control``
    also ``control.geojson`` and ``frontline.geojson`` and the GeoPackage
    layers ``control``, ``territory`` and ``frontline``. Each file is replaced
    atomically.

    Parameters
    ----------
    out_dir
        The folder (created when missing).
    events
        Merged events.
    mentions
        Every place mention (resolved or not).
    control
        A control timeline (:func:`geo.control.control_timeline`), or None; or
        what returns it, called once the files without control are written
        (so that it can be computed elsewhere meanwhile).
    control_key
        A digest naming ``control``'s content. It is recorded with the
        GeoPackage's control layers; when the existing GeoPackage already holds
        layers of the same digest they are copied rather than encoded again
        (the territory of a long timeline is large).

    Examples
    --------
    >>> write_exports("maps", events=events, mentions=mentions)  # doctest: +SKIP
    [PosixPath('maps/events.geojson'), ...]
    """
    from .events import events_geojson
    from .places import places_geojson

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(out)
    table = events_table(events)
    places = places_geojson(mentions)
    layers: list[_Layer] = [
        _Layer("events", lambda: _event_rows(events, table), lambda: _events_frame(events, table)),
        _Layer("places", lambda: feature_rows(places), lambda: frame_from_features(places)),
    ]
    written = [
        write_text_atomic(out / "events.geojson", _dumps(events_geojson(list(events)))),
        write_text_atomic(out / "places.geojson", _dumps(places)),
        write_text_atomic(out / "events.csv", _csv_text(table)),
    ]
    control_files: list[Path] = []

    def control_layers() -> list[_Layer]:
        # asked for once the layers without control are in the GeoPackage: a control
        # computed elsewhere has had that long to come
        timeline = control() if callable(control) else control
        if timeline is None:
            return []
        control_points = timeline.control_geojson()
        territory = timeline.territory_geojson()
        front_lines = timeline.front_lines_geojson()
        control_files.append(write_text_atomic(out / "control.geojson", _dumps(control_points)))
        control_files.append(write_text_atomic(out / "frontline.geojson", _dumps(front_lines)))
        return [
            _features_layer(name, collection)
            for name, collection in (
                ("control", control_points), ("territory", territory), ("frontline", front_lines)
            )
        ]  # fmt: skip

    package = _write_geopackage(
        out / GEOPACKAGE_NAME, layers, keyed=control_layers,
        key=control_key if control is not None else None,
    )  # fmt: skip
    return [*written, *control_files, package]


@dataclass
class _Layer:
    """A GeoPackage layer to write: its rows for an update in place, its frame for GDAL."""

    name: str
    rows: Callable[[], LayerRows]
    frame: Callable[[], gpd.GeoDataFrame]


def _features_layer(name: str, collection: dict[str, Any]) -> _Layer:
    return _Layer(name, lambda: feature_rows(collection), lambda: frame_from_features(collection))


def _event_rows(events: Sequence[Event], table: Sequence[dict[str, Any]]) -> LayerRows:
    """The events layer's rows as :func:`_events_frame` gives them to GDAL."""
    columns = [*EVENT_COLUMNS, "sources"]
    values = []
    digests = []
    for row, e in zip(table, events, strict=True):
        sources = _json.dumps([s.to_dict() for s in e.sources])
        v = (*(row[c] for c in EVENT_COLUMNS), sources)
        values.append(v)
        digests.append(gpkg.digest(v, e.lon, e.lat))

    def geometry(i: int) -> dict[str, Any]:
        return {"type": "Point", "coordinates": [events[i].lon, events[i].lat]}

    return LayerRows(columns, values, digests, geometry)


def feature_rows(collection: dict[str, Any]) -> LayerRows:
    """A FeatureCollection's rows as :func:`frame_from_features` gives them to GDAL."""
    features = collection.get("features", [])
    props = [_flat_properties(f) for f in features]
    columns: dict[str, None] = {}
    for p in props:
        columns.update(dict.fromkeys(p))
    names = [c for c in columns if c != "geometry"]
    values = [tuple(p.get(c) for c in names) for p in props]
    digests = [gpkg.digest(v, f.get("geometry")) for v, f in zip(values, features, strict=True)]
    return LayerRows(names, values, digests, lambda i: features[i].get("geometry"))


def _flat_properties(feature: dict[str, Any]) -> dict[str, Any]:
    """A feature's properties with lists and dicts as JSON text (GeoPackage has no lists)."""
    return {
        key: (_json.dumps(value, default=str) if isinstance(value, (list, dict)) else value)
        for key, value in (feature.get("properties") or {}).items()
    }


def _dumps(collection: dict[str, Any]) -> str:
    """GeoJSON text, compact, UTF-8 characters as they are, one final newline."""
    return _json.dumps(collection, default=str, newline=True)


_KEYED_NAMES = ("control", "territory", "frontline")


def _write_geopackage(
    path: Path,
    layers: Sequence[_Layer],
    *,
    keyed: Callable[[], Sequence[_Layer]] | None = None,
    key: str | None = None,
) -> Path:
    """Bring the GeoPackage at ``path`` up to date; a reader sees the old file or the new.

    The old file is copied and each layer changed in place, only the rows that differ
    (:mod:`geo.gpkg`); a layer that cannot be (a file of an older version, other
    columns) is written again through GDAL. ``keyed()`` gives the control layers
    (``control``, ``territory``, ``frontline``), asked for after ``layers`` are
    written; recorded with ``key``, they are left as they are when the copy holds all
    of them under that key (``keyed`` is still called, for what it writes beside).
    """
    ledger_path = path.with_name(path.name + ".rows")
    ledger = gpkg.Ledger.load(ledger_path) if path.is_file() else gpkg.Ledger()
    with replacing(path) as tmp:
        conn = _copy_of(path, tmp)
        try:
            for layer in layers:
                conn = _put_layer(conn, ledger, tmp, layer, None)
            later = list(keyed()) if keyed is not None else []
            if not later and conn is not None and any(
                _has_table(conn, name) for name in _KEYED_NAMES
            ):
                # control layers no longer made: a new file without them
                conn.close()
                tmp.unlink()
                conn = None
                for layer in layers:
                    conn = _put_layer(conn, ledger, tmp, layer, None)
            current = (
                conn is not None and key is not None
                and all(ledger.key(conn, name) == key for name in _KEYED_NAMES)
            )  # fmt: skip
            if not current:
                for layer in later:
                    conn = _put_layer(conn, ledger, tmp, layer, key)
        finally:
            if conn is not None:
                conn.close()
    # after the GeoPackage: a ledger older than it describes other stamps, and is not used
    write_text_atomic(ledger_path, ledger.text())
    return path


def _has_table(conn: sqlite3.Connection, name: str) -> bool:
    return conn.execute("SELECT 1 FROM gpkg_contents WHERE table_name = ?", (name,)).fetchone() \
        is not None


def _copy_of(path: Path, tmp: Path) -> sqlite3.Connection | None:
    """``path`` copied to ``tmp`` and opened for changes in place; None without a usable file."""
    if not path.is_file():
        return None
    try:
        shutil.copyfile(path, tmp)
        conn = gpkg.open_package(tmp)
        conn.execute("SELECT count(*) FROM gpkg_contents").fetchone()
        return conn
    except (OSError, sqlite3.Error):
        tmp.unlink(missing_ok=True)  # not a GeoPackage this version can change: write anew
        return None


def _put_layer(
    conn: sqlite3.Connection | None, ledger: gpkg.Ledger, tmp: Path, layer: _Layer,
    key: str | None,
) -> sqlite3.Connection:
    """One layer into the GeoPackage being written: in place if it can, else through GDAL."""
    rows = layer.rows()
    if conn is not None and gpkg.sync_layer(conn, ledger, layer.name, rows, key):
        return conn
    import pyogrio

    if conn is not None:
        conn.close()
    _write_layer(pyogrio, tmp, layer.name, layer.frame())
    conn = gpkg.open_package(tmp)
    gpkg.record_layer(conn, ledger, layer.name, rows, key)
    return conn


def _write_layer(pyogrio: Any, tmp: Path, name: str, frame: Any) -> None:
    """One layer into the GeoPackage being written."""
    pyogrio.write_dataframe(
        frame,
        tmp,
        layer=name,
        driver="GPKG",
        geometry_type=_geometry_type(frame),
        promote_to_multi=_has_multi(frame),
        use_arrow=True,  # through Arrow: about twice as fast for the events layer
    )


def _geometry_type(frame: gpd.GeoDataFrame) -> str:
    kinds = {t for t in frame.geometry.geom_type.dropna().unique()}
    base = {t.removeprefix("Multi") for t in kinds}
    if len(base) == 1:
        (kind,) = base
        return f"Multi{kind}" if any(t.startswith("Multi") for t in kinds) else kind
    if not kinds:
        return "Point"
    return "Unknown"


def _has_multi(frame: gpd.GeoDataFrame) -> bool:
    kinds = set(frame.geometry.geom_type.dropna().unique())
    return any(t.startswith("Multi") for t in kinds) and len(
        {t.removeprefix("Multi") for t in kinds}
    ) == 1
