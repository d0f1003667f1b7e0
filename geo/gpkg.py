"""A GeoPackage's layers changed in place: only the rows that differ are written.

A build that adds one article to a large store changes a few of the GeoPackage's
rows; writing every layer again through GDAL costs most of the output step (and the
import of geopandas and pyogrio). :func:`sync_layer` instead opens the GeoPackage
with :mod:`sqlite3`, deletes the rows that are gone, and inserts the new ones as
GeoPackage geometry blobs (header and envelope, then WKB), with the functions
GDAL's R-tree triggers call (``ST_IsEmpty``, ``ST_MinX`` ...) registered on the
connection, so the spatial index stays right.

Which rows are gone or new is known from a digest of each row's content, kept
beside the GeoPackage in a small ledger (``frontline.gpkg.rows``, JSON): for each
layer its columns, each row's digest by fid, the digest of the timeline the control
layers were made from, and the layer's ``last_change`` in ``gpkg_contents`` when the
ledger was written. A layer changed by anything else since (QGIS, a crash between
the two files) has another ``last_change`` and is not trusted: it is written again
by GDAL, as is a layer of a GeoPackage that has no ledger, one whose columns are not
those of the new rows, or one whose new values do not fit a column's declared type
(:func:`sync_layer` returns False; the caller writes it and calls
:func:`record_layer`). Rows changed in place keep their fids and new rows get new
ones, so the layer's rows are in another order than a fresh write would give; their
content is the same.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
import struct
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import _json

__all__ = ["LayerRows", "Ledger", "open_package", "record_layer", "sync_layer"]

_SRS = 4326
_FLAG_LITTLE_ENDIAN = 0x01
_FLAG_ENVELOPE_XY = 0x02
_FLAG_EMPTY = 0x10
_ENVELOPE_SIZES = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}
_TYPES = {"INTEGER": (int,), "REAL": (int, float), "TEXT": (str,)}


@dataclass
class LayerRows:
    """The rows one layer should hold.

    ``values[i]`` are row i's attribute values in ``columns`` order (SQLite-ready:
    str, int, float or None; lists already JSON text); ``geometry(i)`` gives its
    geometry as GeoJSON (a dict) or a shapely geometry, asked for only for rows
    that are written; ``digests[i]`` names the row's whole content.
    """

    columns: list[str]
    values: list[tuple[Any, ...]]
    digests: list[bytes]
    geometry: Callable[[int], Any]


def digest(*parts: Any) -> bytes:
    """A short digest of JSON-encodable parts (a row's values and geometry)."""
    return hashlib.blake2b(_json.dumps(parts, default=str).encode(), digest_size=16).digest()


def open_package(path: Path) -> sqlite3.Connection:
    """A connection to a GeoPackage with the SQL functions GDAL's triggers call."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=MEMORY")
    conn.execute("PRAGMA synchronous=OFF")
    conn.create_function("ST_IsEmpty", 1, _is_empty, deterministic=True)
    for name, k in (("ST_MinX", 0), ("ST_MaxX", 1), ("ST_MinY", 2), ("ST_MaxY", 3)):
        conn.create_function(name, 1, _bound(k), deterministic=True)
    return conn


@dataclass
class Ledger:
    """What the GeoPackage's layers hold, row by row (see the module docstring)."""

    layers: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> Ledger:
        """The ledger at ``path``; an empty one when it is missing or unreadable."""
        try:
            data = _json.loads(path.read_bytes())
            layers = data["layers"] if data.get("version") == _LEDGER_VERSION else {}
            return cls({str(k): dict(v) for k, v in layers.items()})
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return cls()

    def text(self) -> str:
        """The ledger as the JSON text of its file."""
        return _json.dumps({"version": _LEDGER_VERSION, "layers": self.layers}, newline=True)

    def entry(self, conn: sqlite3.Connection, layer: str) -> dict[str, Any] | None:
        """The layer's entry if the GeoPackage's layer is still the one it describes."""
        entry = self.layers.get(layer)
        if entry is None or entry.get("stamp") != _stamp(conn, layer):
            return None
        return entry

    def key(self, conn: sqlite3.Connection, layer: str) -> str | None:
        """The timeline digest a layer was written with, or None."""
        entry = self.entry(conn, layer)
        return entry.get("key") if entry is not None else None


_LEDGER_VERSION = 1


def _stamp(conn: sqlite3.Connection, layer: str) -> str | None:
    row = conn.execute(
        "SELECT last_change FROM gpkg_contents WHERE table_name = ?", (layer,)
    ).fetchone()
    return str(row[0]) if row else None


def record_layer(
    conn: sqlite3.Connection, ledger: Ledger, layer: str, rows: LayerRows, key: str | None = None
) -> None:
    """Record a layer GDAL has just written: its columns and each row's digest.

    GDAL numbers a new layer's rows 1, 2, ... in the order they were given.
    """
    fids = [r[0] for r in conn.execute(f'SELECT fid FROM "{layer}" ORDER BY fid')]
    if len(fids) != len(rows.digests):
        raise ValueError(f"layer {layer}: {len(fids)} rows written, {len(rows.digests)} given")
    ledger.layers[layer] = {
        "columns": rows.columns,
        "key": key,
        "stamp": _stamp(conn, layer),
        "rows": {str(fid): d.hex() for fid, d in zip(fids, rows.digests, strict=True)},
    }


def sync_layer(
    conn: sqlite3.Connection, ledger: Ledger, layer: str, rows: LayerRows, key: str | None = None
) -> bool:
    """Make a recorded layer hold ``rows``, writing only what differs; False if it cannot.

    False (and nothing changed) when the ledger does not describe the layer as it is,
    its columns are not ``rows.columns``, or a value to insert does not fit its
    column's declared type.
    """
    entry = ledger.entry(conn, layer)
    if entry is None or entry.get("columns") != rows.columns:
        return False
    declared = [(r[1], str(r[2]).upper()) for r in conn.execute(f'PRAGMA table_info("{layer}")')]
    geom_row = conn.execute(
        "SELECT column_name, geometry_type_name FROM gpkg_geometry_columns WHERE table_name = ?",
        (layer,),
    ).fetchone()
    if geom_row is None or [n for n, _ in declared] != ["fid", geom_row[0], *rows.columns]:
        return False
    types = [t for _, t in declared[2:]]

    recorded: dict[str, str] = entry["rows"]
    old: dict[bytes, list[int]] = defaultdict(list)
    for number, text in recorded.items():
        old[bytes.fromhex(text)].append(int(number))
    new_rows: list[int] = []
    for i, row_digest in enumerate(rows.digests):
        if old.get(row_digest):
            old[row_digest].pop()
        else:
            new_rows.append(i)
    gone = [fid for fids in old.values() for fid in fids]
    for i in new_rows:
        if not _fits(rows.values[i], types):
            return False

    geometry_type = str(geom_row[1]).upper()
    inserts = [(*rows.values[i], _blob(rows.geometry(i), geometry_type)) for i in new_rows]
    names = ", ".join(f'"{c}"' for c in (*rows.columns, geom_row[0]))
    marks = ", ".join("?" * (len(rows.columns) + 1))
    kept = dict(recorded)
    conn.execute("BEGIN")
    for start in range(0, len(gone), 500):
        chunk = gone[start : start + 500]
        conn.execute(f'DELETE FROM "{layer}" WHERE fid IN ({", ".join("?" * len(chunk))})', chunk)
    for gone_fid in gone:
        del kept[str(gone_fid)]
    insert = f'INSERT INTO "{layer}" ({names}) VALUES ({marks})'
    for i, values in zip(new_rows, inserts, strict=True):
        new_fid = conn.execute(insert, values).lastrowid
        kept[str(new_fid)] = rows.digests[i].hex()
    if gone or inserts:
        _update_contents(conn, layer, geom_row[0])
    conn.execute("COMMIT")
    ledger.layers[layer] = {**entry, "key": key, "stamp": _stamp(conn, layer), "rows": kept}
    return True


def _fits(values: Sequence[Any], types: Sequence[str]) -> bool:
    for value, kind in zip(values, types, strict=True):
        if value is None:
            continue
        allowed = _TYPES.get(kind)
        if allowed is None or isinstance(value, bool) or not isinstance(value, allowed):
            return False
    return True


def _update_contents(conn: sqlite3.Connection, layer: str, column: str) -> None:
    """The layer's extent and last change in ``gpkg_contents``, as GDAL keeps them."""
    rtree = f"rtree_{layer}_{column}"
    has_rtree = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE name = ?", (rtree,)
    ).fetchone()
    extent = (
        conn.execute(f'SELECT min(minx), min(miny), max(maxx), max(maxy) FROM "{rtree}"').fetchone()
        if has_rtree
        else (None, None, None, None)
    )
    now = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    conn.execute(
        "UPDATE gpkg_contents SET min_x = ?, min_y = ?, max_x = ?, max_y = ?, last_change = ? "
        "WHERE table_name = ?",
        (*extent, now, layer),
    )


# -- geometry blobs ---------------------------------------------------------------------


def _blob(geometry: Any, geometry_type: str) -> bytes | None:
    """A GeoPackage geometry blob (standard, little-endian, envelope unless a point)."""
    import shapely
    from shapely.geometry import MultiLineString, MultiPoint, MultiPolygon, shape

    if geometry is None:
        return None
    geom = shape(geometry) if isinstance(geometry, dict) else geometry
    multi = {"MULTIPOLYGON": (MultiPolygon, "Polygon"), "MULTIPOINT": (MultiPoint, "Point"),
             "MULTILINESTRING": (MultiLineString, "LineString")}.get(geometry_type)  # fmt: skip
    if multi is not None and geom.geom_type == multi[1]:
        geom = multi[0]([geom])  # GDAL promotes single parts in a multi layer
    wkb = shapely.to_wkb(geom, byte_order=1, flavor="iso")
    if geom.is_empty:
        return struct.pack("<2sBBi", b"GP", 0, _FLAG_LITTLE_ENDIAN | _FLAG_EMPTY, _SRS) + wkb
    if geom.geom_type == "Point":
        return struct.pack("<2sBBi", b"GP", 0, _FLAG_LITTLE_ENDIAN, _SRS) + wkb
    minx, miny, maxx, maxy = geom.bounds
    header = struct.pack(
        "<2sBBi4d", b"GP", 0, _FLAG_LITTLE_ENDIAN | _FLAG_ENVELOPE_XY, _SRS, minx, maxx, miny, maxy
    )
    return header + wkb


def _envelope(blob: bytes) -> tuple[float, float, float, float] | None:
    """(minx, maxx, miny, maxy) of a GeoPackage geometry blob; None when empty."""
    flags = blob[3]
    if flags & _FLAG_EMPTY:
        return None
    kind = (flags >> 1) & 0x07
    order = "<" if flags & _FLAG_LITTLE_ENDIAN else ">"
    if kind:
        minx, maxx, miny, maxy = struct.unpack_from(order + "4d", blob, 8)
        return minx, maxx, miny, maxy
    if len(blob) == 29 and blob[8] == 1 and struct.unpack_from("<I", blob, 9)[0] == 1:
        x, y = struct.unpack_from("<2d", blob, 13)  # a little-endian 2D point
        return (x, x, y, y)
    import shapely

    geom = shapely.from_wkb(bytes(blob[8 + _ENVELOPE_SIZES.get(kind, 0) :]))
    if geom.is_empty:
        return None
    minx, miny, maxx, maxy = geom.bounds
    return minx, maxx, miny, maxy


def _is_empty(blob: bytes | None) -> int | None:
    if blob is None:
        return None
    return int(_envelope(bytes(blob)) is None)


def _bound(k: int) -> Callable[[bytes | None], float | None]:
    def bound(blob: bytes | None) -> float | None:
        if blob is None:
            return None
        env = _envelope(bytes(blob))
        return None if env is None else env[k]

    return bound
