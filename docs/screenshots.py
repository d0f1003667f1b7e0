"""Take the README's pictures of the seeds map in headless chromium (Playwright).

Builds the maps of ``seeds/`` and of 10,000 generated articles into a temporary
folder with this checkout's code and saves, under ``docs/``:

- ``map-initial.png``: the first view at 1400x900;
- ``map-popup.png``: one event's popup opened from the list;
- ``map-filter.png``: the list and markers filtered to one actor;
- ``map-phone.png``: the phone layout at 390x844;
- ``map-10000-*.png``: the same four views of the map ``frontline build`` makes of
  10,000 generated articles (``benchmarks/generate.py``).

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
from map_assets import CHROMIUM, CHROMIUM_ARGS, AssetServer  # noqa: E402

READY = "() => window.frontline && window.frontline.drawn === true"


def shoot(browser, page_path: Path, prefix: str) -> list[Path]:
    """The four views of one built map: first view, a popup, a filter, the phone."""
    saved = []
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.goto(_url(page, page_path))
    page.wait_for_function(READY, timeout=120_000)
    page.wait_for_timeout(300)
    saved.append(DOCS / f"{prefix}-initial.png")
    page.screenshot(path=str(saved[-1]))

    first = page.evaluate("document.querySelector('.fl-list li').dataset.eventId")
    page.click(f'.fl-list li[data-event-id="{first}"]')
    page.wait_for_selector(".leaflet-popup-content .fl-pop")
    page.wait_for_timeout(300)
    saved.append(DOCS / f"{prefix}-popup.png")
    page.screenshot(path=str(saved[-1]))

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
    saved.append(DOCS / f"{prefix}-filter.png")
    page.screenshot(path=str(saved[-1]))
    context.close()

    phone = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = phone.new_page()
    page.goto(_url(page, page_path))
    page.wait_for_function(READY, timeout=120_000)
    page.wait_for_timeout(300)
    saved.append(DOCS / f"{prefix}-phone.png")
    page.screenshot(path=str(saved[-1]))
    phone.close()
    return saved


def _url(page, page_path: Path) -> str:
    """Serve the map's assets to ``page`` locally; the address to open ``page_path`` at."""
    server = AssetServer()
    server.install(page)
    return server.page_url(page_path)


def main() -> None:
    """Build the seeds map and one of 10,000 generated articles, and save the pictures."""
    from generate import generate_articles
    from playwright.sync_api import sync_playwright

    saved: list[Path] = []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "maps"
        build([REPO / "seeds"], out, progress=None)
        generated = Path(tmp) / "generated"
        generate_articles(generated, 10_000)
        build([generated], Path(tmp) / "large", progress=None)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            saved += shoot(browser, out / "frontline.html", "map")
            saved += shoot(browser, Path(tmp) / "large" / "frontline.html", "map-10000")
            browser.close()
    for path in saved:
        print(path)


if __name__ == "__main__":
    main()
