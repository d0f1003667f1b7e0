"""Serve the map from localhost with a review mode, and rebuild it as articles change.

:func:`serve` runs a small HTTP server (Starlette on uvicorn) over the output
folder of a build. It answers

- ``GET /`` and ``GET /<file>``: the files of the output folder, and nothing
  outside it (no ``..``, no absolute path, no symlink leading out, no hidden
  file, not the store);
- ``GET /api/events``: the events with their review state
  (:meth:`geo.review.Reviewer.events`; ``?unreviewed=1``, ``?reviewed=1``,
  ``?type=T``, ``?since=YYYY-MM-DD``);
- ``POST /api/events/{id}/confirm``, ``/reject`` (``{"reason": ...}``),
  ``/edit`` (the fields to change) and ``POST /api/events`` (a new event):
  each calls the :class:`~geo.review.Reviewer` and answers with the change's
  summary and the event as it now is, so the page updates it in place; the
  outputs are then refreshed in the background (one refresh for a burst of
  actions);
- ``GET /api/events/stream``: Server-Sent Events; a ``reload`` message goes
  out when a rebuild (an article changed) or another page's review has
  rewritten the map.

Every write must carry the run's token (``X-Frontline-Token``, compared with
:func:`hmac.compare_digest`) and come from the page itself: a request whose
``Origin`` is another origin, or whose ``Sec-Fetch-Site`` says ``cross-site`` or
``same-site``, is refused with 403. Bodies are JSON objects of at most
:data:`geo.settings.serve_max_body` bytes. A request whose ``Host`` is not the
address served is refused (a page on another site cannot reach the server by
re-pointing its own name at 127.0.0.1).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime as dt
import hashlib
import hmac
import ipaddress
import json
import mimetypes
import os
import secrets
import socket
import threading
from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import quote

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from . import settings
from .errors import FrontlineError

if TYPE_CHECKING:
    from .build import BuildSummary

__all__ = ["ServeError", "ReviewApp", "review_app", "serve", "TOKEN_HEADER", "CLIENT_HEADER"]

#: The header every write carries the run's token in.
TOKEN_HEADER = "X-Frontline-Token"
#: The header a page names itself in (so its own changes do not reload it).
CLIENT_HEADER = "X-Frontline-Client"
MAP_FILE = "frontline.html"

#: Fields ``/edit`` may change, and the JSON types each accepts (None: null allowed).
_EDIT_FIELDS: dict[str, tuple[type, ...]] = {
    "type": (str,),
    "place": (str, type(None)),
    "lat": (int, float),
    "lon": (int, float),
    "date": (str,),
    "date_end": (str, type(None)),
    "actor": (str, type(None)),
    "target": (str, type(None)),
    "status": (str,),
    "claimed_by": (str, type(None)),
    "fatalities": (int, type(None)),
}
#: Fields of a new event beyond those ``/edit`` knows.
_ADD_FIELDS: dict[str, tuple[type, ...]] = {**_EDIT_FIELDS, "source": (str,)}
_ADD_REQUIRED = ("type", "date", "source")
_TEXT_LIMIT = 2000
#: Content types of the outputs that :mod:`mimetypes` may not know.
_TYPES = {
    ".html": "text/html",
    ".geojson": "application/geo+json",
    ".csv": "text/csv",
    ".gpkg": "application/geopackage+sqlite3",
    ".png": "image/png",
}
#: Files of the output folder that are never served.
_PRIVATE_SUFFIXES = (
    ".sqlite", ".sqlite-journal", ".sqlite-wal", ".sqlite-shm", ".lock",
    # the build's caches beside the store (pickles of the stored rows, the span areas)
    ".rows", ".spans",
)


class ServeError(FrontlineError, ValueError):
    """The server cannot start, or a request cannot be used."""


class _BadRequest(Exception):
    """A request refused with ``status`` and one line saying why."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class ReviewerLike(Protocol):
    """What the server needs of :class:`geo.review.Reviewer`."""

    def events(
        self, *, unreviewed: bool = ..., type: str | None = ..., since: dt.date | None = ...
    ) -> Sequence[Any]:
        """The events with their review state."""

    def confirm(self, event_id: str) -> Any:
        """Confirm an event."""

    def reject(self, event_id: str, *, reason: str) -> Any:
        """Reject an event."""

    def edit(self, event_id: str, **changes: Any) -> Any:
        """Change an event's fields."""

    def add(self, *, type: str, date: Any, source: str, **more: Any) -> Any:
        """Add an event."""

    def refresh(self) -> Any:
        """Rewrite the outputs from the store and the corrections."""


class _Hub:
    """Fan messages out to every open event stream; :meth:`publish` works from any thread."""

    def __init__(self) -> None:
        self.loop: asyncio.AbstractEventLoop | None = None
        self.queues: set[asyncio.Queue[str | None]] = set()
        self.closed = False

    def publish(self, message: Mapping[str, Any]) -> None:
        text = json.dumps(dict(message))
        loop = self.loop
        if loop is None or loop.is_closed():
            return
        with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
            loop.call_soon_threadsafe(self._put, text)

    def _put(self, text: str | None) -> None:
        for queue in list(self.queues):
            queue.put_nowait(text)

    def close(self) -> None:
        """End every stream (the server is stopping)."""
        self.closed = True
        loop = self.loop
        if loop is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(self._put, None)


def _plain(value: Any) -> Any:
    """A reviewer's answer (dicts, dataclasses, dates) as JSON-ready values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _plain(dataclasses.asdict(value))
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, float) and value != value:  # NaN
        return None
    return value


def _event_json(event: Any) -> Any:
    """An event as the page takes it: its GeoJSON properties, with ``lat`` and ``lon``."""
    from .model import Event

    if isinstance(event, Event):
        from .events import event_properties

        return _plain({**event_properties(event), "lat": event.lat, "lon": event.lon})
    return _plain(event)


def _review_of(event: Any) -> Any:
    return event.get("review") if isinstance(event, Mapping) else getattr(event, "review", None)


def _change_json(change: Any) -> dict[str, Any]:
    """What the page needs of a :class:`geo.review.Change`.

    ``{"action", "summary", "event", "removed"}``: ``event`` is the event as it
    now is (its properties, with ``lat`` and ``lon`` from the feature), None when
    it left the map; ``removed`` the ids of the events that left it.
    """
    summary = getattr(change, "summary", None)
    event = _plain(getattr(change, "event", None))
    feature = getattr(change, "feature", None)
    if isinstance(event, dict) and isinstance(feature, Mapping):
        point = (feature.get("geometry") or {}).get("coordinates") or []
        if len(point) == 2:
            event.setdefault("lon", point[0])
            event.setdefault("lat", point[1])
    removed = [str(r) for r in getattr(change, "removed", None) or []]
    action = getattr(change, "action", None)
    return {
        "action": None if action is None else str(action),
        "summary": None if summary is None else str(summary),
        "event": event,
        "removed": removed,
    }


class ReviewApp:
    """The state behind the HTTP API: token, reviewer, the lock builds share, the streams.

    Parameters
    ----------
    out_dir
        The output folder served.
    reviewer
        The :class:`geo.review.Reviewer` (or anything with its methods).
    token
        The run's write token (a new random one when not given).
    lock
        Held around every reviewer call, refresh and build, so only one touches
        the store at a time (:func:`geo.watch.watch` takes the same lock).
    """

    def __init__(
        self,
        out_dir: str | Path,
        reviewer: ReviewerLike,
        *,
        token: str | None = None,
        lock: threading.Lock | None = None,
        on_error: Callable[[Exception], None] | None = None,
    ) -> None:
        self.out = Path(out_dir).resolve()
        self.reviewer = reviewer
        self.token = token or secrets.token_urlsafe(32)
        self.lock = lock or threading.Lock()
        self.hub = _Hub()
        self.on_error = on_error
        #: one thread runs every reviewer call, in order (a store connection stays in it)
        self.worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="frontline-review")
        self._refresh_lock = threading.Lock()
        self._refresh_wanted = False
        self._refresh_running = False
        self._clients: set[str] = set()
        #: digest of the corrections file after this server's last write to it
        self._own_digest: str | None = None
        self.refreshes = 0
        self.idle = threading.Event()
        self.idle.set()

    # -- calls into the reviewer, one at a time --------------------------------------------

    def call(self, func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run a reviewer method in the review thread, under the lock."""

        def locked() -> Any:
            with self.lock:
                return func(*args, **kwargs)

        return self.worker.submit(locked).result()

    def act(self, func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run a reviewer action; remember the corrections file it left."""

        def locked() -> Any:
            with self.lock:
                result = func(*args, **kwargs)
                self._own_digest = self._corrections_digest()
                return result

        return self.worker.submit(locked).result()

    def _corrections_digest(self) -> str | None:
        path = getattr(self.reviewer, "corrections_path", None)
        if path is None:
            return None
        try:
            return hashlib.sha256(Path(path).read_bytes()).hexdigest()
        except OSError:
            return None


    def schedule_refresh(self, client: str | None) -> None:
        """Refresh the outputs after this change (one refresh for a burst of changes).

        When it is done, the open pages are told to reload, except those whose
        own changes are all it took in (they show them already). ``client`` names
        the page that made the change (a script that names none counts as
        another page).
        """
        with self._refresh_lock:
            self._clients.add(client[:100] if client else "(script)")
            self._refresh_wanted = True
            self.idle.clear()
            if self._refresh_running:
                return
            self._refresh_running = True
        threading.Thread(target=self._refresh_loop, name="frontline-refresh", daemon=True).start()

    def _refresh_loop(self) -> None:
        while True:
            with self._refresh_lock:
                if not self._refresh_wanted:
                    self._refresh_running = False
                    self.idle.set()
                    return
                self._refresh_wanted = False
                # the changes made before this point are in what the refresh writes
                clients = sorted(self._clients)
                self._clients.clear()
            try:
                self.call(self.reviewer.refresh)
            except Exception as err:  # a failed refresh must not end the server
                if self.on_error is not None:
                    self.on_error(err)
                continue
            self.refreshes += 1
            # even when a watch build wrote the outputs first (the refresh then finds them
            # current), it is this message that tells the other pages
            self.hub.publish({"kind": "reload", "reason": "review", "clients": clients})

    def rebuilt(self, summary: Any = None) -> None:
        """Tell the open pages that a build rewrote the map.

        A build that wrote nothing tells nobody; nor does one that only took in
        this server's own corrections (no article new, changed or removed, and
        the corrections file as this server left it): the refresh after those
        changes tells the pages that need it. Any other build tells every page.
        """
        if summary is not None and getattr(summary, "outputs_current", False):
            return
        articles = sum(getattr(summary, k, 0) or 0 for k in ("new", "changed", "removed"))
        own = self._own_digest is not None and self._own_digest == self._corrections_digest()
        if summary is not None and not articles and own:
            return
        self.hub.publish({"kind": "reload", "reason": "build", "clients": []})

    def close(self) -> None:
        """End the streams and the review thread."""
        self.hub.close()
        self.worker.shutdown(wait=False, cancel_futures=True)

    # -- request checks --------------------------------------------------------------------

    def check_write(self, request: Request) -> None:
        """Refuse a write from another origin or without the token (403)."""
        site = request.headers.get("sec-fetch-site")
        if site is not None and site.lower() not in ("same-origin", "none"):
            raise _BadRequest(403, f"refused: a write from another site (Sec-Fetch-Site: {site})")
        origin = request.headers.get("origin")
        if origin is not None:
            host = request.headers.get("host", "")
            if origin.lower() != f"{request.url.scheme}://{host}".lower():
                raise _BadRequest(403, f"refused: a write from another origin ({origin[:200]})")
        given = request.headers.get(TOKEN_HEADER.lower())
        if given is None:
            raise _BadRequest(403, f"refused: no {TOKEN_HEADER} header (the token is in the URL "
                              "frontline serve printed)")
        if not hmac.compare_digest(given.encode("utf-8", "replace"), self.token.encode("utf-8")):
            raise _BadRequest(403, f"refused: wrong {TOKEN_HEADER}")

    async def body(self, request: Request) -> dict[str, Any]:
        """The JSON object a write carries (an empty body counts as ``{}``)."""
        kind = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
        limit = settings.serve_max_body
        length = request.headers.get("content-length")
        if length is not None and length.isdigit() and int(length) > limit:
            raise _BadRequest(413, f"the body is over {limit} bytes")
        data = bytearray()
        async for chunk in request.stream():
            data += chunk
            if len(data) > limit:
                raise _BadRequest(413, f"the body is over {limit} bytes")
        if not data.strip():
            if kind not in ("", "application/json"):
                raise _BadRequest(415, f"the body must be JSON (application/json), not {kind!r}")
            return {}
        if kind != "application/json":
            raise _BadRequest(415, f"the body must be JSON (application/json), not {kind!r}")
        try:
            value = json.loads(bytes(data).decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as err:
            raise _BadRequest(400, f"the body is not valid JSON: {err}") from None
        if not isinstance(value, dict):
            raise _BadRequest(400, "the body must be a JSON object")
        return value


def _fields(
    body: Mapping[str, Any], allowed: Mapping[str, tuple[type, ...]], *, what: str
) -> dict[str, Any]:
    """The fields of a body, each checked for name, JSON type and length."""
    found: dict[str, Any] = {}
    for key, value in body.items():
        if key not in allowed:
            names = ", ".join(allowed)
            raise _BadRequest(400, f"{what}: unknown field {key[:60]!r} (known: {names})")
        kinds = allowed[key]
        if isinstance(value, bool) or not isinstance(value, kinds):
            wanted = " or ".join(
                "null" if k is type(None) else {str: "text", int: "a whole number",
                                                 float: "a number"}[k]
                for k in kinds
            )
            raise _BadRequest(400, f"{what}: {key} must be {wanted}, not {value!r:.60}")
        if isinstance(value, str):
            if len(value) > _TEXT_LIMIT:
                raise _BadRequest(400, f"{what}: {key} is over {_TEXT_LIMIT} characters")
            if "\x00" in value:
                raise _BadRequest(400, f"{what}: {key} holds a NUL character")
        if isinstance(value, float) and not (value == value and abs(value) != float("inf")):
            raise _BadRequest(400, f"{what}: {key} must be a finite number")
        found[key] = value
    return found


def _event_id(request: Request) -> str:
    event_id = str(request.path_params["event_id"])
    if not event_id or len(event_id) > 200:
        raise _BadRequest(400, "no such event id")
    return event_id


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse(
        {"error": message}, status_code=status, headers={"Cache-Control": "no-store"}
    )


def _reviewer_error(err: FrontlineError) -> JSONResponse:
    status = 404 if isinstance(err, LookupError) else 400
    return _error(status, str(err))


class _OutputFiles(StaticFiles):
    """The output folder's files, never a hidden file or the store.

    A build replaces its outputs by renaming new files over them, so a file is
    read whole from one open descriptor: its length and bytes always agree, even
    when a refresh renames a new map over it meanwhile.
    """

    async def get_response(self, path: str, scope: Scope) -> Response:
        name = Path(path).name
        if any(part.startswith(".") for part in Path(path).parts) or name.endswith(
            _PRIVATE_SUFFIXES
        ):
            return _error(404, "not found")
        return await super().get_response(path, scope)

    def file_response(
        self, full_path: Any, stat_result: os.stat_result, scope: Scope, status_code: int = 200
    ) -> Response:
        try:
            with open(full_path, "rb") as handle:
                body = handle.read()
        except OSError:
            return _error(404, "not found")
        suffix = Path(str(full_path)).suffix.lower()
        kind = _TYPES.get(suffix) or mimetypes.guess_type(str(full_path))[0] or (
            "application/octet-stream"
        )
        if kind.startswith("text/") or kind in ("application/json", "application/geo+json"):
            kind += "; charset=utf-8"
        return Response(body, status_code=status_code, media_type=kind,
                        headers={"Cache-Control": "no-cache"})


class _Headers:
    """Add the headers every answer carries (no sniffing, no referrer, no framing)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"x-frame-options", b"DENY"),
                    (b"content-security-policy", b"frame-ancestors 'none'"),
                ]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def review_app(
    state: ReviewApp, *, allowed_hosts: Sequence[str] = ("127.0.0.1", "localhost")
) -> Starlette:
    """The Starlette application serving ``state``'s folder and its review API.

    Parameters
    ----------
    state
        The token, reviewer and streams.
    allowed_hosts
        ``Host`` header values accepted (``"*"``: any).

    Examples
    --------
    >>> from starlette.testclient import TestClient  # doctest: +SKIP
    >>> client = TestClient(review_app(ReviewApp("maps/", reviewer)))  # doctest: +SKIP
    """

    async def guarded(request: Request, action: Callable[[Request], Any]) -> Response:
        try:
            return await action(request)
        except _BadRequest as bad:
            return _error(bad.status, bad.message)
        except FrontlineError as err:
            return _reviewer_error(err)

    async def run(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(
            None, lambda: state.call(func, *args, **kwargs)
        )

    async def act(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(
            None, lambda: state.act(func, *args, **kwargs)
        )

    async def answer(request: Request, change: Any, *, status: int = 200) -> Response:
        state.schedule_refresh(request.headers.get(CLIENT_HEADER.lower()))
        return JSONResponse(_change_json(change), status_code=status,
                            headers={"Cache-Control": "no-store"})

    async def list_events(request: Request) -> Response:
        async def action(request: Request) -> Response:
            query = request.query_params
            unknown = sorted(set(query) - {"unreviewed", "reviewed", "type", "since"})
            if unknown:
                raise _BadRequest(400, f"unknown query parameter {unknown[0][:60]!r}")
            since = None
            if query.get("since"):
                try:
                    since = dt.date.fromisoformat(query["since"])
                except ValueError:
                    raise _BadRequest(400, f"since must be YYYY-MM-DD, not "
                                      f"{query['since'][:40]!r}") from None
            unreviewed = query.get("unreviewed", "") in ("1", "true", "yes")
            reviewed = query.get("reviewed", "") in ("1", "true", "yes")
            events = await run(
                state.reviewer.events, unreviewed=unreviewed, type=query.get("type") or None,
                since=since,
            )
            if reviewed:  # what a page opening needs: the events a person has looked at
                events = [e for e in events if _review_of(e)]
            return JSONResponse({"events": [_event_json(e) for e in events]},
                                headers={"Cache-Control": "no-store"})

        return await guarded(request, action)

    async def confirm(request: Request) -> Response:
        async def action(request: Request) -> Response:
            state.check_write(request)
            body = await state.body(request)
            _fields(body, {}, what="confirm")
            return await answer(request, await act(state.reviewer.confirm, _event_id(request)))

        return await guarded(request, action)

    async def reject(request: Request) -> Response:
        async def action(request: Request) -> Response:
            state.check_write(request)
            body = _fields(await state.body(request), {"reason": (str,)}, what="reject")
            reason = str(body.get("reason") or "").strip()
            if not reason:
                raise _BadRequest(400, "reject: give a reason")
            change = await act(state.reviewer.reject, _event_id(request), reason=reason)
            return await answer(request, change)

        return await guarded(request, action)

    async def edit(request: Request) -> Response:
        async def action(request: Request) -> Response:
            state.check_write(request)
            changes = _fields(await state.body(request), _EDIT_FIELDS, what="edit")
            if not changes:
                raise _BadRequest(400, "edit: name at least one field to change")
            change = await act(state.reviewer.edit, _event_id(request), **changes)
            return await answer(request, change)

        return await guarded(request, action)

    async def add(request: Request) -> Response:
        async def action(request: Request) -> Response:
            state.check_write(request)
            fields = _fields(await state.body(request), _ADD_FIELDS, what="add")
            missing = [k for k in _ADD_REQUIRED if not fields.get(k)]
            if missing:
                raise _BadRequest(400, f"add: {', '.join(missing)} missing")
            if fields.get("place") is None and ("lat" not in fields or "lon" not in fields):
                raise _BadRequest(400, "add: give a place or lat and lon")
            change = await act(state.reviewer.add, **fields)
            return await answer(request, change, status=201)

        return await guarded(request, action)

    async def stream(request: Request) -> Response:
        queue: asyncio.Queue[str | None] = asyncio.Queue()
        state.hub.queues.add(queue)

        async def messages() -> AsyncIterator[str]:
            try:
                yield "retry: 1000\n\n"
                while not state.hub.closed:
                    try:
                        text = await asyncio.wait_for(queue.get(), timeout=15)
                    except asyncio.TimeoutError:
                        yield ": keep-alive\n\n"
                        continue
                    if text is None:
                        return
                    yield f"data: {text}\n\n"
            finally:
                state.hub.queues.discard(queue)

        return StreamingResponse(messages(), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-store"})

    async def root(request: Request) -> Response:
        return RedirectResponse(f"/{MAP_FILE}", status_code=307)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        state.hub.loop = asyncio.get_running_loop()
        yield
        state.hub.close()

    routes = [
        Route("/", root, methods=["GET", "HEAD"]),
        Route("/api/events", list_events, methods=["GET"]),
        Route("/api/events", add, methods=["POST"]),
        Route("/api/events/stream", stream, methods=["GET"]),
        Route("/api/events/{event_id}/confirm", confirm, methods=["POST"]),
        Route("/api/events/{event_id}/reject", reject, methods=["POST"]),
        Route("/api/events/{event_id}/edit", edit, methods=["POST"]),
        Mount("/", _OutputFiles(directory=state.out, check_dir=False)),
    ]
    middleware = [
        Middleware(_Headers),
        Middleware(TrustedHostMiddleware, allowed_hosts=list(allowed_hosts)),
    ]
    return Starlette(routes=routes, middleware=middleware, lifespan=lifespan)


def _allowed_hosts(host: str) -> list[str]:
    """``Host`` values to accept for a server bound to ``host``."""
    if host in ("0.0.0.0", "::", ""):
        return ["*"]
    hosts = {host, "127.0.0.1", "localhost", "[::1]"}
    try:
        if ipaddress.ip_address(host).version == 6:
            hosts.add(f"[{host}]")
    except ValueError:
        pass
    return sorted(hosts)


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
    except OSError as err:
        sock.close()
        raise ServeError(f"cannot listen on {host}:{port}: {err.strerror or err}") from err
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def page_url(host: str, port: int, token: str) -> str:
    """The review page's address, with the token in its fragment."""
    shown = "127.0.0.1" if host in ("0.0.0.0", "") else "[::1]" if host == "::" else host
    if ":" in shown and not shown.startswith("["):
        shown = f"[{shown}]"
    return f"http://{shown}:{port}/{MAP_FILE}#token={quote(token, safe='')}"


@contextlib.contextmanager
def _watching(
    folders: Sequence[Path],
    out: Path,
    state: ReviewApp,
    *,
    store_path: Path | None,
    debounce: float,
    workers: int | None,
    on_build: Callable[[BuildSummary], None] | None,
    on_error: Callable[[Exception], None] | None,
) -> Iterator[threading.Event]:
    """Watch the article folders in a thread, rebuilding; wait for the first build."""
    from .watch import watch

    stop = threading.Event()
    first = threading.Event()

    def built(summary: BuildSummary) -> None:
        if first.is_set():
            state.rebuilt(summary)
        first.set()
        if on_build is not None:
            on_build(summary)

    def failed(err: Exception) -> None:
        first.set()
        if on_error is not None:
            on_error(err)

    thread = threading.Thread(
        target=watch,
        args=(list(folders), out),
        kwargs={"store_path": store_path, "debounce": debounce, "workers": workers,
                "on_build": built, "on_error": failed, "stop": stop, "lock": state.lock},
        name="frontline-watch",
        daemon=True,
    )
    thread.start()
    try:
        while not first.wait(0.1):
            if not thread.is_alive():
                break
        yield stop
    finally:
        stop.set()
        thread.join(timeout=30)


def serve(
    out_dir: str | Path,
    *,
    articles: Sequence[str | Path] = (),
    host: str | None = None,
    port: int | None = None,
    data: str | Path | None = None,
    store_path: str | Path | None = None,
    who: str | None = None,
    token: str | None = None,
    reviewer: ReviewerLike | None = None,
    debounce: float = 1.0,
    workers: int | None = None,
    on_ready: Callable[[str], None] | None = None,
    on_build: Callable[[BuildSummary], None] | None = None,
    on_error: Callable[[Exception], None] | None = None,
    stop: threading.Event | None = None,
) -> None:
    """Serve the map in ``out_dir`` for review, rebuilding it as ``articles`` change.

    With ``articles`` it builds them first (incrementally), then watches their
    folders and rebuilds on every change, pushing a reload to the open pages;
    without, it serves the map already built in ``out_dir``. Returns when
    ``stop`` is set or on Ctrl-C.

    Parameters
    ----------
    out_dir
        The output folder (the map, the exports and, by default, the store).
    articles
        Article folders (or files: their folders are watched) to build and watch.
    host, port
        Where to listen (default :data:`geo.settings.serve_host`, ``serve_port``;
        port 0 picks a free one).
    data
        A data folder (as ``--data``).
    store_path
        The processing store, as for :func:`geo.build.build`.
    who
        The reviewer's name recorded with each correction.
    token
        The write token (default: a new random one, :func:`secrets.token_urlsafe`).
    reviewer
        The reviewer to use (default :class:`geo.review.Reviewer` over ``out_dir``).
    debounce, workers
        Passed to :func:`geo.watch.watch`.
    on_ready
        Called with the page's URL (token included) once the server listens.
    on_build, on_error
        Called with each build's summary, and with any error of a build or refresh.
    stop
        Set it to stop the server.

    Raises
    ------
    ServeError
        When the address cannot be bound, or there is no map to serve.

    Examples
    --------
    >>> serve("maps/", articles=["articles/"], on_ready=print)  # doctest: +SKIP
    http://127.0.0.1:8765/frontline.html#token=...
    """
    import uvicorn

    host = settings.serve_host if host is None else host
    port = settings.serve_port if port is None else port
    if data is not None:
        settings.data_dir = Path(data)
    out = Path(out_dir)
    folders: list[Path] = []
    for given in articles:
        path = Path(given)
        folder = path if path.is_dir() else path.parent
        if not folder.is_dir():
            raise ServeError(f"not a folder of articles: {str(given)!r}")
        if folder.resolve() not in [f.resolve() for f in folders]:
            folders.append(folder)
    if not folders and not (out / MAP_FILE).is_file():
        raise ServeError(f"no map in {str(out)!r}: give the articles to build, or build first")
    out.mkdir(parents=True, exist_ok=True)
    if reviewer is None:
        from .review import Reviewer

        reviewer = Reviewer(out, articles=[Path(a) for a in articles] or None, data=data,
                            who=who, store_path=store_path)
    sock = _bind(host, port)
    state = ReviewApp(out, reviewer, token=token or secrets.token_urlsafe(32), on_error=on_error)
    app = review_app(state, allowed_hosts=_allowed_hosts(host))
    config = uvicorn.Config(app, log_level="warning", lifespan="on", access_log=False,
                            timeout_graceful_shutdown=1)
    server = uvicorn.Server(config)
    stop = stop or threading.Event()
    try:
        with contextlib.ExitStack() as stack:
            if folders:
                stack.enter_context(_watching(
                    folders, out, state, store_path=Path(store_path) if store_path else None,
                    debounce=debounce, workers=workers, on_build=on_build, on_error=on_error,
                ))
            if not (out / MAP_FILE).is_file():
                raise ServeError(f"no map in {str(out)!r}: the first build wrote none")
            stopper = threading.Thread(target=_stop_when, args=(stop, server, state), daemon=True)
            stopper.start()
            if on_ready is not None:
                on_ready(page_url(host, sock.getsockname()[1], state.token))
            server.run(sockets=[sock])
    finally:
        stop.set()
        state.close()
        sock.close()


def _stop_when(stop: threading.Event, server: Any, state: ReviewApp) -> None:
    while not stop.wait(0.1):
        if getattr(server, "should_exit", False):
            return
    state.hub.close()
    server.should_exit = True
