"""Optional online geocoding through OpenStreetMap's Nominatim, paced and cached.

Used only when the caller asks for it (the command line's ``--online``): names
that neither the curated gazetteer nor the offline GeoNames index resolve are
sent to Nominatim through geopy, one request a second at most
(:data:`geo.settings.online_min_delay`, never below 1 s, as Nominatim's usage
policy asks). Every answer, "not found" included, is kept in a JSON file under
:data:`geo.settings.cache_dir`, so a name is asked once per machine.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from geopy.exc import GeocoderTimedOut, GeocoderUnavailable

from . import settings
from .errors import GeocoderError
from .model import Place

__all__ = ["Geocoder", "CACHE_FILE", "MIN_DELAY_SECONDS"]

#: Name of the answer cache inside ``settings.cache_dir``.
CACHE_FILE = "nominatim-cache.json"
#: The fewest seconds between two requests, whatever the settings say.
MIN_DELAY_SECONDS = 1.0

# Nominatim's place types (addresstype / type) -> gazetteer kinds.
_KINDS: dict[str, str] = {
    "city": "city",
    "town": "town",
    "village": "village",
    "hamlet": "village",
    "isolated_dwelling": "village",
    "locality": "village",
    "suburb": "district",
    "city_district": "district",
    "borough": "district",
    "quarter": "neighbourhood",
    "neighbourhood": "neighbourhood",
    "aerodrome": "airport",
    "airport": "airport",
    "military": "military_site",
    "harbour": "port",
    "port": "port",
    "state": "region",
    "region": "region",
    "province": "region",
    "county": "region",
    "country": "country",
}


class Geocoder:
    """Nominatim behind geopy's RateLimiter, with every answer cached on disk.

    Parameters
    ----------
    user_agent
        Sent with each request; default :data:`geo.settings.online_user_agent`.
    min_delay_seconds
        Pause between requests; default :data:`geo.settings.online_min_delay`;
        raised to 1 s when lower.
    cache_dir
        Folder of the answer cache; default :data:`geo.settings.cache_dir`.
    timeout
        Seconds to wait for one answer.
    geolocator
        Anything with geopy's ``geocode(query, **options)``; default a geopy
        ``Nominatim`` (tests pass a stand-in).

    Examples
    --------
    >>> geocoder = Geocoder()  # doctest: +SKIP
    >>> geocoder.geocode("Wadi Zamzam", country_codes=["LY"]).source  # doctest: +SKIP
    'online'
    """

    def __init__(
        self,
        *,
        user_agent: str | None = None,
        min_delay_seconds: float | None = None,
        cache_dir: Path | None = None,
        timeout: float = 10.0,
        geolocator: Any = None,
    ) -> None:
        from geopy.extra.rate_limiter import RateLimiter

        if geolocator is None:
            from geopy.geocoders import Nominatim

            geolocator = Nominatim(
                user_agent=user_agent or settings.online_user_agent, timeout=timeout
            )
        delay = settings.online_min_delay if min_delay_seconds is None else min_delay_seconds
        self.min_delay_seconds = max(MIN_DELAY_SECONDS, float(delay))
        self.geolocator = geolocator
        self.rate_limited = RateLimiter(
            geolocator.geocode,
            min_delay_seconds=self.min_delay_seconds,
            max_retries=2,
            error_wait_seconds=max(5.0, self.min_delay_seconds),
            swallow_exceptions=False,
        )
        self.cache_path = Path(cache_dir if cache_dir is not None else settings.cache_dir)
        self.cache_path = self.cache_path / CACHE_FILE
        self._answers: dict[str, dict[str, Any] | None] = self._read_cache()
        #: set when the service could not be reached: the run goes on offline
        self.offline_reason: str | None = None
        # geopy logs every retry with a traceback; the one line below says it all
        logging.getLogger("geopy").setLevel(logging.CRITICAL)

    def geocode(self, name: str, *, country_codes: Sequence[str] = ()) -> Place | None:
        """Return the place Nominatim finds for ``name``, or None; ask at most once.

        Parameters
        ----------
        name
            The place name as written.
        country_codes
            ISO alpha-2 codes to search in (the countries the article is about).

        Returns
        -------
        Place or None
            ``source="online"``, ``place_id="osm:<type>/<id>"``.

        Raises
        ------
        GeocoderError
            When the service fails (after geopy's retries); nothing is cached then.
        """
        codes = sorted({c.lower() for c in country_codes if c})
        key = f"{name.strip()}|{','.join(codes)}"
        if key not in self._answers:
            if self.offline_reason is not None:
                return None
            try:
                location = self.rate_limited(
                    name.strip(),
                    exactly_one=True,
                    addressdetails=True,
                    language="en",
                    country_codes=codes or None,
                )
            except (GeocoderUnavailable, GeocoderTimedOut, OSError) as err:
                # no network, or the service is down: say so once and go on offline
                self.offline_reason = (
                    f"online geocoder unreachable ({type(err).__name__}); going on offline: "
                    "names the offline data lacks stay unresolved (build again with "
                    "--online --rebuild to look them up)"
                )
                return None
            except Exception as err:  # geopy raises GeopyError subclasses and socket errors
                message = f"online geocoder failed for {name!r}: {err}"
                raise GeocoderError(message) from err
            self._answers[key] = _compact(location.raw) if location is not None else None
            self._write_cache()
        return _place_from_answer(self._answers[key])

    def _read_cache(self) -> dict[str, dict[str, Any] | None]:
        try:
            with self.cache_path.open(encoding="utf-8") as handle:
                data = json.load(handle)
        except FileNotFoundError:
            return {}
        except (OSError, ValueError):
            return {}  # a damaged cache is only a cache: start again
        return data if isinstance(data, dict) else {}

    def _write_cache(self) -> None:
        try:
            self.cache_path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.cache_path.with_suffix(f".{os.getpid()}.tmp")
            with tmp.open("w", encoding="utf-8") as handle:
                json.dump(self._answers, handle, ensure_ascii=False, indent=1, sort_keys=True)
            tmp.replace(self.cache_path)
        except OSError as err:
            message = f"cannot write the geocoder cache {str(self.cache_path)!r}: {err}"
            raise GeocoderError(message) from err


def _compact(raw: dict[str, Any]) -> dict[str, Any]:
    """The parts of a Nominatim answer that a Place needs."""
    address = raw.get("address") or {}
    return {
        "lat": raw.get("lat"),
        "lon": raw.get("lon"),
        "name": raw.get("name") or str(raw.get("display_name", "")).split(",")[0],
        "display_name": raw.get("display_name"),
        "osm_type": raw.get("osm_type"),
        "osm_id": raw.get("osm_id"),
        "type": raw.get("addresstype") or raw.get("type"),
        "country_code": address.get("country_code"),
    }


def _place_from_answer(answer: dict[str, Any] | None) -> Place | None:
    if not answer:
        return None
    try:
        lat, lon = float(answer["lat"]), float(answer["lon"])
    except (KeyError, TypeError, ValueError):
        return None
    osm = f"{answer.get('osm_type') or 'place'}/{answer.get('osm_id') or ''}"
    return Place(
        place_id=f"osm:{osm}",
        name=str(answer.get("name") or answer.get("display_name") or ""),
        lat=lat,
        lon=lon,
        kind=_KINDS.get(str(answer.get("type") or ""), "town"),
        country=str(answer.get("country_code") or "").upper(),
        source="online",
    )
