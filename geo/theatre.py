"""The theatre: which war a data folder maps (``theatre.yaml``).

Countries, the period, the sides and who fights whom, and the map's initial view
live in ``theatre.yaml`` beside the gazetteer, so that no theatre fact is left in
code. A data folder without the file maps any country and knows no enemies.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ._data import data_path, file_stamp
from .errors import DataFileError

__all__ = ["Side", "Theatre", "load_theatre"]


@dataclass(frozen=True)
class Side:
    """A camp of the war: its name, its enemies and (optionally) its map colour."""

    name: str
    fights: tuple[str, ...] = ()
    colour: str | None = None


@dataclass(frozen=True)
class Theatre:
    """What one data folder maps.

    Examples
    --------
    >>> theatre = load_theatre()
    >>> theatre.countries
    ('LY',)
    >>> theatre.enemy("LNA")
    'GNA'
    """

    name: str = ""
    countries: tuple[str, ...] = ()
    start: dt.date | None = None
    end: dt.date | None = None
    sides: Mapping[str, Side] = field(default_factory=dict)
    bounds: tuple[tuple[float, float], tuple[float, float]] | None = None

    def enemy(self, side: str | None) -> str | None:
        """The one enemy of ``side``, or None when it has none or several."""
        known = self.sides.get(side or "")
        if known is None or len(known.fights) != 1:
            return None
        return known.fights[0]


def _date(value: Any, what: str, path: Path) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as err:
        raise DataFileError(f"{path}: {what} {value!r} is not an ISO date") from err


def _bounds(value: Any, path: Path) -> tuple[tuple[float, float], tuple[float, float]] | None:
    if value is None:
        return None
    try:
        (south, west), (north, east) = value
        box = ((float(south), float(west)), (float(north), float(east)))
    except (TypeError, ValueError) as err:
        raise DataFileError(
            f"{path}: view.bounds {value!r} is not [[south, west], [north, east]]"
        ) from err
    if not (-90 <= box[0][0] < box[1][0] <= 90 and -180 <= box[0][1] < box[1][1] <= 180):
        raise DataFileError(f"{path}: view.bounds {value!r} is not a box on the globe")
    return box


def _parse(path: Path) -> Theatre:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as err:
        raise DataFileError(f"{path}: cannot read the theatre file: {err}") from err
    if not isinstance(data, dict):
        raise DataFileError(f"{path}: the theatre file must be a mapping of settings")
    countries = data.get("countries") or []
    if not isinstance(countries, list) or not all(
        isinstance(c, str) and len(c) == 2 and c.isalpha() for c in countries
    ):
        raise DataFileError(f"{path}: countries {countries!r} must be a list of ISO codes")
    sides: dict[str, Side] = {}
    raw_sides = data.get("sides") or {}
    if not isinstance(raw_sides, dict):
        raise DataFileError(f"{path}: sides must map each side to its settings")
    for name, settings in raw_sides.items():
        settings = settings or {}
        if not isinstance(settings, dict):
            raise DataFileError(f"{path}: side {name!r}: settings must be a mapping")
        fights = settings.get("fights") or []
        if not isinstance(fights, list):
            raise DataFileError(f"{path}: side {name!r}: fights must be a list of sides")
        colour = settings.get("colour")
        sides[str(name)] = Side(
            str(name), tuple(str(f) for f in fights), str(colour) if colour else None
        )
    for side in sides.values():
        for enemy in side.fights:
            if enemy not in sides:
                raise DataFileError(f"{path}: side {side.name!r} fights {enemy!r}, not a side")
    period = data.get("period") or {}
    view = data.get("view") or {}
    return Theatre(
        name=str(data.get("name") or ""),
        countries=tuple(c.upper() for c in countries),
        start=_date(period.get("start"), "period.start", path),
        end=_date(period.get("end"), "period.end", path),
        sides=sides,
        bounds=_bounds(view.get("bounds"), path),
    )


_cache: dict[Path, tuple[Any, Theatre]] = {}


def load_theatre(path: Path | None = None) -> Theatre:
    """Read ``theatre.yaml`` (the data folder's by default).

    A missing file gives an empty theatre: any country, no sides.

    Raises
    ------
    DataFileError
        When the file exists but is not a valid theatre file; the message names it.
    """
    path = Path(path) if path is not None else data_path("theatre.yaml")
    stamp = file_stamp(path)
    if stamp is None:
        return Theatre()
    cached = _cache.get(path)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    theatre = _parse(path)
    _cache[path] = (stamp, theatre)
    return theatre
