"""Take the README's pictures of the seeds map in headless chromium (Playwright).

Builds the map of ``seeds/`` into a temporary folder with this checkout's code and
saves, under ``docs/``:

- ``map-initial.png``: the first view at 1400x900;
- ``map-popup.png``: one event's popup opened from the list;
- ``map-filter.png``: the list and markers filtered to one actor;
- ``map-phone.png``: the phone layout at 390x844;
- ``map-large.png``: 20,000 synthetic events (``benchmarks/bench_map.py``), the
  last 7 days in view.

Every request is answered locally (``tests/browser/map_assets.py``; run
``npm ci --prefix tests/browser`` once); tiles are blank, so the pictures show the
offline base.

    PYTHONPATH=$PWD python docs/screenshots.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from geo.build import build

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / "docs"
sys.path.insert(0, str(REPO / "tests" / "browser"))
sys.path.insert(0, str(REPO / "benchmarks"))
from bench_map import synthetic_events  # noqa: E402
from map_assets import CHROMIUM, CHROMIUM_ARGS, AssetServer  # noqa: E402

from geo.maps import map_from_events, save_map  # noqa: E402

READY = "() => window.frontline && window.frontline.drawn === true"


def main() -> None:
    """Build the seeds map and a large synthetic one, and save the pictures."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "maps"
        build([REPO / "seeds"], out, progress=None)
        page_path = out / "frontline.html"
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            context = browser.new_context(viewport={"width": 1400, "height": 900})
            page = context.new_page()
            server = AssetServer()
            server.install(page)
            page.goto(server.page_url(page_path))
            page.wait_for_function(READY)
            page.wait_for_timeout(300)
            page.screenshot(path=str(DOCS / "map-initial.png"))

            first = page.evaluate("document.querySelector('.fl-list li').dataset.eventId")
            page.click(f'.fl-list li[data-event-id="{first}"]')
            page.wait_for_selector(".leaflet-popup-content .fl-pop")
            page.wait_for_timeout(300)
            page.screenshot(path=str(DOCS / "map-popup.png"))

            page.keyboard.press("Escape")
            page.evaluate("frontline.map.closePopup()")
            actor = page.evaluate(
                "[...document.querySelectorAll('select[data-filter=actor] option')]"
                ".map(o => o.value).filter(v => v && v !== '?')[0]"
            )
            page.select_option("select[data-filter=actor]", actor)
            page.evaluate(
                "frontline.map.fitBounds(L.latLngBounds(frontline.active.map(p => [p.lat, p.lon]))"
                ", {paddingTopLeft: [280, 190], paddingBottomRight: [330, 150], maxZoom: 9})"
            )
            page.wait_for_timeout(600)
            page.screenshot(path=str(DOCS / "map-filter.png"))
            context.close()

            phone = browser.new_context(
                viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
            )
            page = phone.new_page()
            server = AssetServer()
            server.install(page)
            page.goto(server.page_url(page_path))
            page.wait_for_function(READY)
            page.wait_for_timeout(300)
            page.screenshot(path=str(DOCS / "map-phone.png"))
            phone.close()

            large = Path(tmp) / "large.html"
            fmap = map_from_events(synthetic_events(20_000), title="20,000 synthetic events")
            save_map(fmap, large)
            context = browser.new_context(viewport={"width": 1400, "height": 900})
            page = context.new_page()
            server = AssetServer()
            server.install(page, pattern="https://**/*")
            page.goto(large.resolve().as_uri())
            page.wait_for_function(READY)
            page.select_option("select[id^=fl-window]", "7")
            page.wait_for_timeout(300)
            page.screenshot(path=str(DOCS / "map-large.png"))
            context.close()
            browser.close()
    for name in ("map-initial", "map-popup", "map-filter", "map-phone", "map-large"):
        print(DOCS / f"{name}.png")


if __name__ == "__main__":
    main()
