"""Settings, as typed module-level values.

Change them before calling the API (``geo.settings.online_min_delay = 2``);
the command line sets some of them from its options.
"""

from __future__ import annotations

import os
from pathlib import Path

#: Folder holding gazetteer.csv, actors.csv, control.csv and the outlines.
#: The packaged copy is used unless ``FRONTLINE_DATA`` names another folder.
data_dir: Path | None = (
    Path(os.environ["FRONTLINE_DATA"]) if "FRONTLINE_DATA" in os.environ else None
)

#: Smallest rapidfuzz ratio (0-100) at which a near-miss counts as a place name.
fuzzy_threshold: float = 90.0
#: Shortest name (in characters) that fuzzy matching will consider.
fuzzy_min_length: int = 6

#: Online geocoding (only with ``--online``): Nominatim user agent, pacing, cache.
online_user_agent: str = "frontline-conflict-mapper"
online_min_delay: float = 1.0
cache_dir: Path = Path(os.environ.get("FRONTLINE_CACHE", Path.home() / ".cache" / "frontline"))

#: Events of one type within this distance and with overlapping dates are merged.
merge_distance_km: float = 15.0
#: Dates within this many days count as overlapping when merging.
merge_date_slack_days: int = 1
#: Control facts from disagreeing sources this close in time make a place contested.
contested_window_days: int = 3

#: Worker processes a build extracts with (None: the cores this process may use).
workers: int | None = None
#: Articles sent to a worker at once, and written to the store in one transaction.
worker_batch: int = 32
#: Fewer new or changed articles than this are extracted in the building process
#: itself, unless a number of workers is asked for: starting workers and building
#: their matchers costs about as much as extracting this many articles.
parallel_min_articles: int = 200
#: Seconds a build waits for a Dask scheduler (``--dask``) and for its first worker.
dask_timeout: float = 30.0
