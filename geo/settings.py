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

#: Largest article file read (bytes); a larger file is reported and skipped.
max_article_bytes: int = int(os.environ.get("FRONTLINE_MAX_ARTICLE_BYTES", 2_000_000))
#: Longest front matter block (characters) and manifest field accepted.
max_front_matter_chars: int = 65_536
max_manifest_field: int = 10_000

#: Smallest rapidfuzz ratio (0-100) at which a near-miss counts as a place name.
fuzzy_threshold: float = 90.0
#: Shortest name (in characters) that fuzzy matching will consider.
fuzzy_min_length: int = 6
#: Smallest ratio at which a near-miss with the same consonants counts ("Lawder" for
#: "Lawdar": transliterations of one Arabic name differ in their vowels).
fuzzy_vowel_threshold: float = 80.0
#: Shortest name (in characters) that may match a gazetteer name through the
#: transliteration key ("Sbeea" for "Sbiaa", "Gasr Ben Gashir" for "Qasr bin Ghashir";
#: :func:`geo.gazetteer.transliteration_key`).
transliteration_min_length: int = 4

#: Online geocoding (only with ``--online``): Nominatim user agent, pacing, cache.
online_user_agent: str = "frontline-conflict-mapper"
online_min_delay: float = 1.0
cache_dir: Path = Path(os.environ.get("FRONTLINE_CACHE", Path.home() / ".cache" / "frontline"))

#: Events of one type within this distance and with overlapping dates are merged.
merge_distance_km: float = 15.0
#: Dates within this many days count as overlapping when merging.
merge_date_slack_days: int = 1
#: ``frontline evaluate --against-review``: how far (km) an extracted event may lie from
#: the point an analyst confirmed or corrected and still match it.
review_radius_km: float = 10.0
#: Control facts from disagreeing sources this close in time make a place contested.
contested_window_days: int = 3

# -- web pages, PDF reports and fetching (geo.pages, geo.fetch) ---------------------------

#: Largest saved page or PDF (bytes) read as an article.
page_max_bytes: int = 20 * 1024 * 1024
#: A page whose main text is shorter than this (characters) holds no article.
page_min_chars: int = 100
#: ``frontline fetch``: the User-Agent it sends (naming the tool, so sites can tell).
fetch_user_agent: str = "frontline-fetch/0.1 (conflict-mapping research; polite, robots.txt-aware)"
#: Seconds between two requests to the same host (a robots.txt Crawl-delay may lengthen it).
fetch_delay: float = 1.0
#: Seconds to wait for a server before giving up on a request.
fetch_timeout: float = 20.0
#: Largest page or feed (bytes) downloaded; a bigger answer is refused.
fetch_max_bytes: int = 5 * 1024 * 1024
#: Tries after the first on a timeout, a lost connection or a 5xx/429 answer.
fetch_retries: int = 2
#: Seconds before the first retry; doubled before each later one.
fetch_backoff: float = 2.0

#: Worker processes a build extracts with (None: the cores this process may use).
workers: int | None = None
#: Articles sent to a worker at once, and written to the store in one transaction.
worker_batch: int = 32
#: Fewer new or changed articles than this are extracted in the building process
#: itself, unless a number of workers is asked for: starting workers and building
#: their matchers costs about as much as extracting this many articles.
parallel_min_articles: int = 200
#: A control timeline with fewer spans than this has its areas computed in the
#: building process even when worker processes are running.
parallel_min_spans: int = 24
#: The row cache beside the store (``<store>.rows``) is written again when more than
#: this share of the stored articles (and more than 200) are missing from it.
row_cache_stale: float = 0.05
#: Seconds a build waits for a Dask scheduler (``--dask``) and for its first worker.
dask_timeout: float = 30.0

# -- frontline serve (geo.serve) --------------------------------------------------------

#: Address ``frontline serve`` listens on (loopback: only this machine can reach it).
serve_host: str = "127.0.0.1"
#: Port ``frontline serve`` listens on (0: any free port).
serve_port: int = 8765
#: Largest JSON body (bytes) a review request may carry.
serve_max_body: int = 64 * 1024
