"""Playwright fixtures: Debian's chromium, headless, with every request served locally.

The browser tests skip when chromium, Playwright or ``node_modules`` (``npm ci
--prefix tests/browser``) is missing, unless the ``CI`` environment variable is
set: then they fail, so CI can never pass by skipping them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from map_assets import CHROMIUM, CHROMIUM_ARGS, NODE_MODULES, AssetServer

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
VIEWPORT = {"width": 1280, "height": 800}


def _missing() -> list[str]:
    missing = []
    if not CHROMIUM.exists():
        missing.append(f"{CHROMIUM} not found (apt-get install chromium)")
    for package in ("leaflet", "leaflet.markercluster", "leaflet.timeline"):
        if not (NODE_MODULES / package / "package.json").is_file():
            missing.append(f"{NODE_MODULES} lacks {package} (npm ci --prefix tests/browser)")
            break
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("the playwright Python package is not installed")
    return missing


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    missing = _missing()
    if missing:
        reason = "; ".join(missing)
        if os.environ.get("CI"):
            pytest.fail(f"browser tests cannot run and CI is set: {reason}")
        pytest.skip(f"browser tests skipped (CI not set): {reason}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@dataclass
class MapPage:
    """A browser page with its asset server and what its console said."""

    page: object
    server: AssetServer
    errors: list[str] = field(default_factory=list)

    def open(self, html_path: Path) -> None:
        """Load a saved map and wait until all its markers are in."""
        self.page.goto(self.server.page_url(html_path))
        self.page.wait_for_function(
            "() => window.frontline === undefined ? document.readyState === 'complete'"
            " : window.frontline.drawn === true",
            timeout=15_000,
        )

    def js(self, expression: str, arg: object = None) -> object:
        """Evaluate a JavaScript expression or function in the page."""
        return self.page.evaluate(expression, arg)


@pytest.fixture
def map_page(browser) -> Iterator[MapPage]:
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.set_default_timeout(15_000)
    server = AssetServer()
    server.install(page)
    result = MapPage(page=page, server=server)
    page.on(
        "console",
        lambda message: (
            result.errors.append(f"console: {message.text}") if message.type == "error" else None
        ),
    )
    page.on("pageerror", lambda error: result.errors.append(f"pageerror: {error}"))
    yield result
    context.close()
    assert server.unknown == [], f"the page asked for assets with no local copy: {server.unknown}"


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
