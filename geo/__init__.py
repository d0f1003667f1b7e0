"""frontline: turn news articles about an armed conflict into a dated, geolocated map.

The pipeline, stage by stage (each takes plain values and returns new ones):

>>> import geo
>>> batch = geo.articles_from_paths(["seeds"])                      # doctest: +SKIP
>>> gazetteer, actors = geo.load_gazetteer(), geo.load_actors()     # doctest: +SKIP
>>> mentions = geo.places_from_articles(batch.articles, gazetteer)  # doctest: +SKIP
>>> events = geo.events_from_articles(
...     batch.articles, gazetteer, actors, mentions=mentions)        # doctest: +SKIP
>>> geo.save_map(geo.map_from_events(events, mentions=mentions), Path("map.html"))  # doctest: +SKIP

or all of it at once, incrementally, as ``frontline build`` does:

>>> geo.build(["seeds"], Path("maps"))                              # doctest: +SKIP

Names are imported on first use, so ``import geo`` stays cheap.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from ._version import __version__
from .errors import (
    ArticleError,
    DataFileError,
    FrontlineError,
    GazetteerError,
    GeocoderError,
    ReviewError,
    StoreError,
    StoreLockedError,
)
from .model import (
    Article,
    ControlFact,
    DateSpan,
    Event,
    Place,
    PlaceMention,
    Problem,
    Source,
)

#: public name -> module that defines it
_LAZY: dict[str, str] = {
    "articles_from_paths": "articles",
    "ArticleBatch": "articles",
    "load_gazetteer": "gazetteer",
    "check_gazetteer": "gazetteer",
    "Gazetteer": "gazetteer",
    "find_places": "places",
    "places_from_articles": "places",
    "places_geojson": "places",
    "unresolved_names": "places",
    "Geocoder": "geocoder",
    "load_actors": "actors",
    "ActorTable": "actors",
    "resolve_date": "dates",
    "find_dates": "dates",
    "extract_events": "events",
    "merge_events": "events",
    "events_from_articles": "events",
    "events_geojson": "events",
    "load_gold": "evaluate",
    "evaluate": "evaluate",
    "load_baseline": "control",
    "control_facts": "control",
    "control_at": "control",
    "control_timeline": "control",
    "territory": "control",
    "front_lines": "control",
    "map_from_events": "maps",
    "save_map": "maps",
    "events_table": "export",
    "write_exports": "export",
    "build": "build",
    "BuildSummary": "build",
    "refresh_outputs": "build",
    "Reviewer": "review",
    "Correction": "review",
    "CorrectionLog": "review",
    "apply_corrections": "review",
    "event_key": "review",
    "evaluate_review": "evaluate",
    "watch": "watch",
    "fetch": "fetch",
    "FetchSummary": "fetch",
    "page_from_bytes": "pages",
    "Page": "pages",
}

__all__ = [
    "__version__",
    "FrontlineError",
    "ArticleError",
    "DataFileError",
    "GazetteerError",
    "GeocoderError",
    "ReviewError",
    "StoreError",
    "StoreLockedError",
    "Article",
    "ControlFact",
    "DateSpan",
    "Event",
    "Place",
    "PlaceMention",
    "Problem",
    "Source",
    *_LAZY,
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'geo' has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from .actors import ActorTable, load_actors
    from .articles import ArticleBatch, articles_from_paths
    from .build import BuildSummary, build, refresh_outputs
    from .control import (
        control_at,
        control_facts,
        control_timeline,
        front_lines,
        load_baseline,
        territory,
    )
    from .dates import find_dates, resolve_date
    from .evaluate import evaluate, evaluate_review, load_gold
    from .events import events_from_articles, events_geojson, extract_events, merge_events
    from .export import events_table, write_exports
    from .fetch import FetchSummary, fetch
    from .gazetteer import Gazetteer, check_gazetteer, load_gazetteer
    from .geocoder import Geocoder
    from .maps import map_from_events, save_map
    from .pages import Page, page_from_bytes
    from .places import find_places, places_from_articles, places_geojson, unresolved_names
    from .review import Correction, CorrectionLog, Reviewer, apply_corrections, event_key
    from .watch import watch
