"""Per-article extraction on every core, or on a Dask cluster.

A build's per-article work (places, events, the control facts a text states:
:func:`geo.build._extract`) depends only on the article and on the data and
settings it runs with, so it can run anywhere those are the same. This module
runs it

- in worker processes on this machine (:class:`ProcessRunner`): a
  ``forkserver`` context where the platform has one (else ``spawn``), each
  worker set up once (settings, gazetteer, actors, matchers) and sent articles
  in batches;
- on an existing ``dask.distributed`` cluster (:class:`DaskRunner`): the same
  batches as tasks; each Dask worker sets itself up on its first batch and
  keeps that state for later builds with the same settings and data.

Either way the results come back in the order of the work, and only the
building process writes the store. A worker checks first that its data and
code give the same :func:`geo.build.pipeline_inputs` as the building process
(the digest of the gazetteer, the actor list, the word lists, the extractor
version...), so a cluster worker with other data fails with one clear line
instead of storing different results under the same fingerprint.

An article whose extraction raises gives an :class:`Outcome` with the same
message a build in one process gives; a worker that dies (killed, out of
memory) makes the runner raise :class:`WorkerLostError` with the number of
articles whose results came back before it.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import types
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import settings
from .errors import FrontlineError
from .model import Article, ControlFact, Event, PlaceMention

__all__ = [
    "WorkerConfig",
    "Outcome",
    "WorkerError",
    "WorkerLostError",
    "ProcessRunner",
    "DaskRunner",
    "extract_batch",
    "default_workers",
    "prestart",
]

#: What one article gives: its place mentions, raw events and stated control facts.
Extracted = tuple[list[PlaceMention], list[Event], list[ControlFact]]


class WorkerError(FrontlineError, RuntimeError):
    """A worker cannot do the work: other data or code than the build's, or no cluster."""


class WorkerLostError(WorkerError):
    """A worker process died before sending back its results."""

    def __init__(self, message: str, *, done: int) -> None:
        super().__init__(message)
        #: how many articles' outcomes came back, in order, before the loss
        self.done = done


@dataclass(frozen=True)
class WorkerConfig:
    """Everything a worker needs besides the articles: settings, theatre, inputs."""

    #: the values of :mod:`geo.settings` in the building process
    settings: dict[str, Any]
    #: the countries whose control statements are read (None: any)
    theatre: list[str] | None
    online: bool
    #: :func:`geo.build.pipeline_inputs` in the building process
    inputs: dict[str, str]

    @property
    def key(self) -> str:
        """A digest of the whole configuration: a worker set up for it can reuse its state."""
        text = json.dumps(
            [{k: str(v) for k, v in self.settings.items()}, self.theatre, self.online,
             self.inputs],
            sort_keys=True,
        )
        return hashlib.sha256(text.encode()).hexdigest()

    @classmethod
    def current(
        cls, *, theatre: list[str] | None, online: bool, inputs: dict[str, str]
    ) -> WorkerConfig:
        """The configuration of this process."""
        values = {
            name: value
            for name, value in vars(settings).items()
            if not name.startswith("_")
            and not isinstance(value, types.ModuleType)
            and not callable(value)  # functions and classes imported into settings
            and type(value).__module__ != "__future__"
        }
        return cls(settings=values, theatre=theatre, online=online, inputs=dict(inputs))


@dataclass(frozen=True)
class Outcome:
    """What came of one article: its results, or the message of the error it raised."""

    result: Extracted | None = None
    error: str | None = None


def default_workers() -> int:
    """The number of worker processes a build uses unless told: the cores it may run on."""
    if settings.workers is not None:
        return max(1, int(settings.workers))
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


# -- the worker side ----------------------------------------------------------------------


class _Worker:
    """The state a worker keeps between batches: tables, matchers, geocoder."""

    def __init__(self, config: WorkerConfig) -> None:
        from .actors import load_actors
        from .build import _extract, _gazetteer, _geocoder, pipeline_inputs

        for name, value in config.settings.items():
            setattr(settings, name, value)
        inputs = pipeline_inputs(online=config.online)
        differ = sorted(k for k in config.inputs if inputs.get(k) != config.inputs[k])
        if differ:
            labels = ", ".join(differ)
            raise WorkerError(
                f"worker on {os.uname().nodename} (pid {os.getpid()}) has other data or code "
                f"than the build: {labels} differ (data folder {settings.data_dir or 'packaged'})"
            )
        self.key = config.key
        self.theatre = config.theatre
        self.gazetteer = _gazetteer()
        self.actors = load_actors()
        self.geocoder = _geocoder(config.online)
        self.extract = _extract

    def run(self, article: Article) -> Outcome:
        try:
            result = self.extract(article, self.gazetteer, self.actors, self.geocoder,
                                  self.theatre)
        except Exception as err:  # the same line a build in one process gives
            return Outcome(error=f"extraction failed: {type(err).__name__}: {err}")
        return Outcome(result=result)


_STATE: _Worker | None = None
#: Why this pool worker could not set itself up; raised by every batch sent to it.
_SETUP_ERROR: WorkerError | None = None


def _initialise(config: WorkerConfig) -> None:
    """Set up this process as a worker (the pool's initializer)."""
    global _STATE, _SETUP_ERROR
    try:
        _STATE = _Worker(config)
    except WorkerError as err:
        _SETUP_ERROR = err
        return
    _warm_up(_STATE)


def _warm_up(worker: _Worker) -> None:
    """Build the matchers now, so the first batch does not wait for them."""
    import datetime as dt

    probe = Article(Path("warm-up"), "warm-up", "Forces shelled Tripoli on Monday.", "",
                    published=dt.date(2020, 1, 1))
    worker.run(probe)


def extract_batch(articles: Sequence[Article], config: WorkerConfig) -> list[Outcome]:
    """Extract from ``articles`` with the worker state for ``config``, set up when needed.

    The function a Dask cluster runs; the process pool runs it too.

    Raises
    ------
    WorkerError
        When this worker's data or code differ from the building process's.
    """
    global _STATE
    if _STATE is None or _STATE.key != config.key:
        _STATE = _Worker(config)
    return [_STATE.run(article) for article in articles]


def _pool_batch(articles: Sequence[Article]) -> list[Outcome]:
    if _SETUP_ERROR is not None:
        raise _SETUP_ERROR
    assert _STATE is not None, "worker not initialised"
    return [_STATE.run(article) for article in articles]


# -- the building side --------------------------------------------------------------------


def _batches(articles: Sequence[Article], size: int) -> Iterator[list[Article]]:
    for start in range(0, len(articles), size):
        yield list(articles[start : start + size])


def _context(values: dict[str, Any]) -> Any:
    """The multiprocessing context of the pool: forkserver where there is one, else spawn.

    The forkserver imports :mod:`geo._preload` once, which builds the matchers
    with the settings ``values``; each worker is forked from it with them loaded.
    """
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    if context.get_start_method() == "forkserver":
        plain = {k: v for k, v in values.items() if isinstance(v, (bool, int, float, str, Path))
                 or v is None}
        os.environ["FRONTLINE_WORKER_SETTINGS"] = json.dumps(
            {k: (str(v) if isinstance(v, Path) else v) for k, v in plain.items()}
        )
        context.set_forkserver_preload(["geo._preload"])
    return context


def prestart() -> None:
    """Start the forkserver now, so it builds the matchers while the build plans its work.

    Called by a build that expects to use worker processes; the server's set-up
    (about two seconds) then overlaps reading the articles instead of
    following it. Does nothing where there is no forkserver.
    """
    values = WorkerConfig.current(theatre=None, online=False, inputs={}).settings
    if _context(values).get_start_method() == "forkserver":
        from multiprocessing import forkserver

        forkserver.ensure_running()


class ProcessRunner:
    """Worker processes on this machine.

    The pool starts with the first :meth:`outcomes` and stays until
    :meth:`close` (or the end of a ``with`` block), so the build can give
    the same processes other work afterwards (:meth:`map`).

    Parameters
    ----------
    workers
        How many processes.
    config
        What they run with (see :meth:`WorkerConfig.current`).
    batch_size
        Articles sent to a worker at once (default ``settings.worker_batch``).
    """

    def __init__(self, workers: int, config: WorkerConfig, *, batch_size: int | None = None):
        self.workers = max(1, workers)
        self.config = config
        self.batch_size = max(1, batch_size or settings.worker_batch)
        self._pool: ProcessPoolExecutor | None = None
        self._broken = False

    def __enter__(self) -> ProcessRunner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the worker processes."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def _start(self, workers: int) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=workers, mp_context=_context(self.config.settings),
                initializer=_initialise, initargs=(self.config,),
            )
        return self._pool

    def outcomes(self, articles: Sequence[Article]) -> Iterator[Outcome]:
        """One :class:`Outcome` per article, in order, as the batches come back.

        Raises
        ------
        WorkerLostError
            When a worker process dies; ``done`` outcomes were yielded before.
        WorkerError
            When a worker cannot set itself up (other data or code).
        """
        batches = list(_batches(articles, self.batch_size))
        workers = min(self.workers, len(batches)) or 1
        done = 0
        pool = self._start(workers)
        # in text order; the results are yielded in that order, but a slow batch at the
        # head must not leave the other workers idle: new batches go out as soon as any
        # batch is back (up to a bounded number held, done or not)
        pending: deque[Future[list[Outcome]]] = deque()
        queue = iter(batches)
        running = 2 * workers
        held = 8 * workers

        def refill() -> None:
            while (
                len(pending) < held
                and sum(not f.done() for f in pending) < running
                and (batch := next(queue, None)) is not None
            ):
                pending.append(pool.submit(_pool_batch, batch))

        try:
            refill()
            while pending:
                head = pending[0]
                while not head.done():
                    wait([f for f in pending if not f.done()], return_when=FIRST_COMPLETED)
                    refill()
                pending.popleft()
                outcomes = head.result()
                refill()  # keep the workers busy while this one is stored
                for outcome in outcomes:
                    done += 1
                    yield outcome
        except BrokenProcessPool as err:
            self._broken = True
            for future in pending:
                future.cancel()
            raise WorkerLostError(
                f"a worker process died ({err}); results of {done} of {len(articles)} "
                "articles came back", done=done,
            ) from err
        finally:
            for future in pending:
                future.cancel()

    def map(self, func: Callable[[Any], Any], items: Sequence[Any]) -> list[Any]:
        """``[func(item) for item in items]``, in the worker processes when they are up.

        For work after the extraction (the control areas of runs of spans).
        ``func`` must be a module-level function (or a partial of one). Computed
        in this process when no pool was started or a worker died; the results
        are the same.
        """
        return self.map_async(func, items)()

    def map_async(
        self, func: Callable[[Any], Any], items: Sequence[Any]
    ) -> Callable[[], list[Any]]:
        """Start :meth:`map` in the worker processes; return what waits for the results.

        The building process can do other work meanwhile. Without a pool (or
        when it breaks) the results are computed in this process when asked for.
        """
        items = list(items)

        def here() -> list[Any]:
            return [func(item) for item in items]

        if self._pool is None or self._broken or len(items) <= 1:
            return here
        try:
            futures = [self._pool.submit(func, item) for item in items]
        except (BrokenProcessPool, RuntimeError):
            self._broken = True
            return here

        def collect() -> list[Any]:
            try:
                return [future.result() for future in futures]
            except BrokenProcessPool:
                self._broken = True
                return here()

        return collect


class DaskRunner:
    """The workers of an existing ``dask.distributed`` cluster.

    Parameters
    ----------
    address
        The scheduler's address, e.g. ``tcp://10.0.0.5:8786``.
    config
        What the workers run with (see :meth:`WorkerConfig.current`).
    batch_size
        Articles per task (default ``settings.worker_batch``).
    timeout
        Seconds to wait for the scheduler (default ``settings.dask_timeout``).
    """

    def __init__(
        self, address: str, config: WorkerConfig, *, batch_size: int | None = None,
        timeout: float | None = None,
    ) -> None:
        self.address = address
        self.config = config
        self.batch_size = max(1, batch_size or settings.worker_batch)
        self.timeout = settings.dask_timeout if timeout is None else timeout

    def outcomes(self, articles: Sequence[Article]) -> Iterator[Outcome]:
        """One :class:`Outcome` per article, in order, as the tasks finish.

        Raises
        ------
        WorkerError
            When the scheduler cannot be reached, no worker is connected, or a
            worker cannot set itself up.
        WorkerLostError
            When a task is lost with its workers (Dask's ``KilledWorker``).
        """
        try:
            from distributed import Client
        except ImportError as err:
            raise WorkerError(
                "--dask needs dask.distributed: pip install 'frontline[dask]'"
            ) from err
        try:
            client = Client(self.address, timeout=self.timeout, set_as_default=False)
        except (OSError, TimeoutError) as err:
            raise WorkerError(f"cannot reach the Dask scheduler {self.address!r}: {err}") from err
        done = 0
        try:
            if not client.scheduler_info().get("workers"):
                client.wait_for_workers(1, timeout=self.timeout)
            config = client.scatter(self.config, broadcast=True)
            batches = list(_batches(articles, self.batch_size))
            window = max(2, 2 * len(client.scheduler_info().get("workers", {})))
            pending: deque[Any] = deque()
            queue = iter(batches)

            def submit(batch: list[Article]) -> None:
                pending.append(client.submit(extract_batch, batch, config, pure=False))

            for batch in queue:
                submit(batch)
                if len(pending) >= window:
                    break
            while pending:
                future = pending.popleft()
                try:
                    outcomes = future.result()
                except WorkerError:
                    raise
                except Exception as err:
                    if type(err).__name__ == "KilledWorker":
                        raise WorkerLostError(
                            f"Dask workers died running a batch ({err}); results of {done} of "
                            f"{len(articles)} articles came back", done=done,
                        ) from err
                    raise
                for batch in queue:
                    submit(batch)
                    break
                for outcome in outcomes:
                    done += 1
                    yield outcome
        finally:
            client.close()
