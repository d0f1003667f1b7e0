"""A stand-in for ``geo.review.Reviewer`` over ``events.geojson``, until that branch is merged.

It keeps corrections in memory only and its ``refresh`` rewrites nothing; the
browser tests use it to drive the page. To be replaced by the real Reviewer.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from geo.errors import FrontlineError


class StandinError(FrontlineError, ValueError):
    pass


@dataclass
class Change:
    summary: str
    event: dict


class Reviewer:
    def __init__(self, out_dir, *, articles=None, data=None, who=None):
        self.out = Path(out_dir)
        self.changes: dict[str, dict] = {}
        self.added: dict[str, dict] = {}

    def _all(self) -> dict[str, dict]:
        found = {}
        for feature in json.loads((self.out / "events.geojson").read_text())["features"]:
            props = dict(feature["properties"])
            props["lon"], props["lat"] = feature["geometry"]["coordinates"]
            props.setdefault("review", None)
            found[props["id"]] = props
        found.update(self.added)
        for key, value in self.changes.items():
            if key in found:
                found[key].update(value)
        return found

    def events(self, *, unreviewed=False, type=None, since=None):
        return list(self._all().values())

    def _one(self, event_id):
        events = self._all()
        if event_id not in events:
            raise StandinError(f"no event {event_id!r}")
        return events[event_id]

    def _change(self, event_id, **values):
        self._one(event_id)
        self.changes.setdefault(event_id, {}).update(values)
        return Change(event_id, self._one(event_id))

    def confirm(self, event_id):
        return self._change(event_id, review="confirmed", reviewed_at="2026-12-06T00:00:00")

    def reject(self, event_id, *, reason):
        return self._change(event_id, review="rejected")

    def edit(self, event_id, **changes):
        return self._change(event_id, **changes, review="edited")

    def add(self, *, type, place=None, lat=None, lon=None, date, source, **more):
        event_id = f"ev-added-{len(self.added)}"
        self.added[event_id] = {
            "id": event_id, "type": type, "place": place, "lat": lat, "lon": lon, "date": date,
            "review": "added", "corroboration": 1, "status": "reported",
            "sources": [{"outlet": None, "url": source, "sentence": source}], **more,
        }
        return Change(event_id, self.added[event_id])

    def refresh(self):
        pass
