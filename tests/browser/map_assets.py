"""Serve a map page and the CDN assets it loads from local files, for headless chromium.

Used by the Playwright tests (``conftest.py``) and by ``benchmarks/bench_map.py``.
Every request the page makes goes through :meth:`AssetServer.handle`:

- the page itself, at ``PAGE_ORIGIN + name``;
- ``cdn.jsdelivr.net/npm/<package>@<version>/<path>`` and the cdnjs addresses in
  ``CDNJS`` from ``node_modules`` (npm packages pinned in ``package.json``; the
  installed version must equal the one in the URL; a ``.min.js`` that the package
  does not ship falls back to the ``.js`` beside it, as jsDelivr minifies on the fly);
- files listed in ``STANDINS`` from ``assets/`` (assets no npm package carries);
- map tiles from a blank 256x256 PNG made here;
- anything else is refused and recorded in ``unknown``, so a test can fail loudly
  when the page starts loading something new.
"""

from __future__ import annotations

import json
import struct
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
NODE_MODULES = HERE / "node_modules"
ASSETS = HERE / "assets"
PAGE_ORIGIN = "http://frontline.test/"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]

JSDELIVR_NPM = "https://cdn.jsdelivr.net/npm/"
#: cdnjs library folder -> (npm package, folder inside it holding the files)
CDNJS = {"leaflet.markercluster": ("leaflet.markercluster", "dist")}
CDNJS_PREFIX = "https://cdnjs.cloudflare.com/ajax/libs/"
#: exact URL -> file under assets/ (assets that no npm package carries)
STANDINS: dict[str, str] = {}
TILE_HOSTS = ("tile.openstreetmap.org",)

CONTENT_TYPES = {
    ".js": "application/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".png": "image/png",
    ".svg": "image/svg+xml",
    ".html": "text/html; charset=utf-8",
    ".json": "application/json",
    ".woff2": "font/woff2",
}


def blank_png(size: int = 256, rgba: tuple[int, int, int, int] = (0, 0, 0, 0)) -> bytes:
    """A PNG of one flat colour (transparent by default), made without any library."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + bytes(rgba) * size
    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * size))
        + chunk(b"IEND", b"")
    )


def _installed_version(package: str) -> str | None:
    meta = NODE_MODULES / package / "package.json"
    if not meta.exists():
        return None
    return json.loads(meta.read_text(encoding="utf-8")).get("version")


def _npm_file(package: str, version: str, path: str) -> Path | None:
    if _installed_version(package) != version:
        return None
    root = (NODE_MODULES / package).resolve()
    candidate = (root / path).resolve()
    if root not in candidate.parents:
        return None
    if not candidate.exists() and candidate.name.endswith(".min.js"):
        candidate = candidate.with_name(candidate.name[: -len(".min.js")] + ".js")
    return candidate if candidate.is_file() else None


def local_file(url: str) -> Path | None:
    """The local file standing in for a CDN URL, or None when there is none."""
    bare = url.split("?", 1)[0].split("#", 1)[0]
    if bare in STANDINS:
        path = ASSETS / STANDINS[bare]
        return path if path.is_file() else None
    if bare.startswith(JSDELIVR_NPM):
        spec = bare[len(JSDELIVR_NPM) :]
        if spec.startswith("@"):
            scope, rest = spec.split("/", 1)
            name_version, _, path = rest.partition("/")
            name_version = f"{scope}/{name_version}"
        else:
            name_version, _, path = spec.partition("/")
        package, at, version = name_version.rpartition("@")
        if not at or not package:
            return None
        return _npm_file(package, version, path)
    if bare.startswith(CDNJS_PREFIX):
        library, version, path = (bare[len(CDNJS_PREFIX) :].split("/", 2) + ["", ""])[:3]
        if library not in CDNJS:
            return None
        package, folder = CDNJS[library]
        return _npm_file(package, version, f"{folder}/{path}")
    return None


@dataclass
class AssetServer:
    """A Playwright route handler serving pages, CDN assets and blank tiles."""

    pages: dict[str, Path] = field(default_factory=dict)
    served: list[str] = field(default_factory=list)
    tiles: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    _png: bytes = field(default_factory=blank_png)

    def page_url(self, path: Path) -> str:
        """Register a page file and return the URL to open it at."""
        name = f"{len(self.pages)}-{path.name}"
        self.pages[name] = path
        return PAGE_ORIGIN + name

    def handle(self, route) -> None:
        """Fulfil or refuse one request."""
        url = route.request.url
        if url.startswith(PAGE_ORIGIN):
            path = self.pages.get(url[len(PAGE_ORIGIN) :].split("?", 1)[0])
            if path is not None:
                body = path.read_bytes()
                route.fulfill(status=200, body=body, content_type=CONTENT_TYPES[".html"])
                return
        elif urlsplit(url).hostname in TILE_HOSTS:
            self.tiles.append(url)
            route.fulfill(status=200, body=self._png, content_type="image/png")
            return
        else:
            path = local_file(url)
            if path is not None:
                self.served.append(url)
                content_type = CONTENT_TYPES.get(path.suffix, "application/octet-stream")
                route.fulfill(status=200, body=path.read_bytes(), content_type=content_type)
                return
        self.unknown.append(url)
        route.abort("blockedbyclient")

    def install(self, page_or_context, pattern: str = "**/*") -> None:
        """Route every request of a page (or context) through :meth:`handle`.

        ``pattern="https://**/*"`` leaves ``file://`` pages alone, so a large page
        can be opened from disk while its CDN assets and tiles are still served
        here (``benchmarks/bench_map.py`` does so: a page handed over through
        Playwright's route costs about 0.17 s per MB on the test machine).
        """
        page_or_context.route(pattern, self.handle)
