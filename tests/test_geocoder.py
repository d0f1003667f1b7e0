"""Tests for geo.geocoder: pacing, the disk cache and errors, with Nominatim mocked."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from geopy.exc import GeocoderServiceError

from geo import settings
from geo.errors import GeocoderError
from geo.geocoder import CACHE_FILE, Geocoder


class FakeLocation:
    def __init__(self, raw: dict[str, Any]) -> None:
        self.raw = raw


class FakeNominatim:
    """Stands in for geopy's Nominatim: records calls, answers from a table."""

    def __init__(self, answers: dict[str, dict[str, Any] | None], fail: bool = False) -> None:
        self.answers = answers
        self.fail = fail
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def geocode(self, query: str, **options: Any) -> FakeLocation | None:
        self.calls.append((query, options))
        if self.fail:
            raise GeocoderServiceError("503 Service Unavailable")
        raw = self.answers.get(query)
        return FakeLocation(raw) if raw is not None else None


WADI = {
    "lat": "31.2",
    "lon": "14.6",
    "name": "Wadi Zamzam",
    "display_name": "Wadi Zamzam, Misrata, Libya",
    "osm_type": "node",
    "osm_id": 123,
    "addresstype": "village",
    "address": {"country_code": "ly"},
}


def test_answer_becomes_a_place_and_is_cached(tmp_path: Path) -> None:
    fake = FakeNominatim({"Wadi Zamzam": WADI})
    geocoder = Geocoder(cache_dir=tmp_path, geolocator=fake)
    place = geocoder.geocode("Wadi Zamzam", country_codes=["LY"])
    assert place is not None
    assert (place.place_id, place.name, place.kind, place.country, place.source) == (
        "osm:node/123", "Wadi Zamzam", "village", "LY", "online"
    )
    assert (place.lat, place.lon) == (31.2, 14.6)
    assert fake.calls[0][1]["country_codes"] == ["ly"]
    # second call: from the cache, no request
    assert geocoder.geocode("Wadi Zamzam", country_codes=["ly"]) == place
    assert len(fake.calls) == 1
    # a new geocoder on the same folder reads the cache from disk
    fresh = FakeNominatim({})
    again = Geocoder(cache_dir=tmp_path, geolocator=fresh)
    assert again.geocode("Wadi Zamzam", country_codes=["LY"]) == place
    assert fresh.calls == []
    stored = json.loads((tmp_path / CACHE_FILE).read_text(encoding="utf-8"))
    assert list(stored) == ["Wadi Zamzam|ly"]


def test_not_found_is_cached_too(tmp_path: Path) -> None:
    fake = FakeNominatim({})
    geocoder = Geocoder(cache_dir=tmp_path, geolocator=fake)
    assert geocoder.geocode("Nowhere Oasis") is None
    assert geocoder.geocode("Nowhere Oasis") is None
    assert len(fake.calls) == 1
    assert json.loads((tmp_path / CACHE_FILE).read_text()) == {"Nowhere Oasis|": None}


def test_rate_limiter_at_least_one_second(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(settings, "online_min_delay", 0.1)
    fake = FakeNominatim({})
    geocoder = Geocoder(cache_dir=tmp_path, geolocator=fake)
    assert geocoder.min_delay_seconds >= 1.0
    assert geocoder.rate_limited.min_delay_seconds >= 1.0
    assert Geocoder(cache_dir=tmp_path, geolocator=fake, min_delay_seconds=0).min_delay_seconds \
        == 1.0
    monkeypatch.setattr(settings, "online_min_delay", 2.5)
    assert Geocoder(cache_dir=tmp_path, geolocator=fake).rate_limited.min_delay_seconds == 2.5


def test_requests_go_through_the_rate_limiter(tmp_path: Path) -> None:
    fake = FakeNominatim({})
    geocoder = Geocoder(cache_dir=tmp_path, geolocator=fake)
    seen: list[str] = []
    limited = geocoder.rate_limited

    def spy(query: str, **options: Any) -> Any:
        seen.append(query)
        return limited(query, **options)

    geocoder.rate_limited = spy  # type: ignore[assignment]
    geocoder.geocode("Abu Qirba")
    assert seen == ["Abu Qirba"] and [c[0] for c in fake.calls] == ["Abu Qirba"]


def test_default_geolocator_is_nominatim(tmp_path: Path) -> None:
    from geopy.geocoders import Nominatim

    geocoder = Geocoder(cache_dir=tmp_path, user_agent="frontline-tests")
    assert isinstance(geocoder.geolocator, Nominatim)
    assert geocoder.geolocator.headers["User-Agent"] == "frontline-tests"


def test_service_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FakeNominatim({}, fail=True)
    geocoder = Geocoder(cache_dir=tmp_path, geolocator=fake)
    monkeypatch.setattr(geocoder.rate_limited, "max_retries", 0)
    with pytest.raises(GeocoderError, match=r"online geocoder failed for 'Abu Qirba'"):
        geocoder.geocode("Abu Qirba")
    assert not (tmp_path / CACHE_FILE).exists()


def test_damaged_cache_is_ignored(tmp_path: Path) -> None:
    (tmp_path / CACHE_FILE).write_text("{not json", encoding="utf-8")
    fake = FakeNominatim({"Wadi Zamzam": WADI})
    assert Geocoder(cache_dir=tmp_path, geolocator=fake).geocode("Wadi Zamzam") is not None
