"""Benchmark ``frontline build`` side by side: one core, two cores, and the code before.

One run generates N articles (``benchmarks/generate.py``) and times, each as a
new ``python -m geo build`` process with its own output folder and store:

- the full build with ``--workers 1`` and ``--workers 2`` (target: a speed-up
  of at least 1.7x) and, with ``--before DIR``, the same build by another
  checkout (``git archive COMMIT | tar -x -C DIR``) with ``--workers 2``,
  run with ``PYTHONPATH=DIR``; ``--rounds R`` runs the full builds R times, in turn
  (before, one, two, before, one, two...), and prints the minimum and the
  median of each and of the pairwise speed-ups;
- then adding one article, as a new process each time (what a cron job or a
  one-off ``frontline build`` pays), as a share of that code's full build
  (target: under 3%), the median of ``--repeat`` additions;
- the peak memory of each: the largest resident memory of the building
  process itself, and the largest total of its other processes (the
  forkserver and the workers, sampled every 0.1 s; pages that forked workers
  share are counted once per process, so this overstates).

The machine's speed drifts with the load other users put on it, so the
builds are interleaved and repeated and the load average is printed with the
figures. The data folder is copied into the work folder first and every
build reads it through ``FRONTLINE_DATA``, so edits to the repository during
a run do not trigger reprocessing.

Usage::

    python benchmarks/bench_build.py --articles 10000 --rounds 2 --before /tmp/scale-before
    python benchmarks/bench_build.py --articles 2000    # a quick check (a few minutes)
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate_articles  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
TARGET_SPEEDUP = 1.7
TARGET_RATIO = 0.03


@dataclass
class Run:
    seconds: float
    #: the building process's largest resident memory
    peak_parent_mb: float
    #: the largest total of its other processes (forkserver, workers)
    peak_workers_mb: float
    load: float = 0.0


def _sample(pid: int, peaks: list[float], stop: threading.Event) -> None:
    try:
        import psutil
    except ImportError:
        return
    try:
        root = psutil.Process(pid)
    except psutil.Error:
        return
    while not stop.is_set():
        try:
            parent = root.memory_info().rss
            others = 0
            for proc in root.children(recursive=True):
                try:
                    others += proc.memory_info().rss
                except psutil.Error:
                    continue
            peaks[0] = max(peaks[0], parent / 2**20)
            peaks[1] = max(peaks[1], others / 2**20)
        except psutil.Error:
            return
        stop.wait(0.1)


def run_build(code: Path, articles: Path, out: Path, data: Path, *args: str) -> Run:
    """Run ``python -m geo build`` from the checkout ``code``; time it and sample its memory."""
    env = {**os.environ, "PYTHONPATH": str(code), "FRONTLINE_DATA": str(data)}
    command = [sys.executable, "-m", "geo", "build", str(articles), "--out", str(out), "--quiet",
               *args]
    started = time.perf_counter()
    proc = subprocess.Popen(command, env=env, cwd=code)
    peaks = [0.0, 0.0]
    stop = threading.Event()
    sampler = threading.Thread(target=_sample, args=(proc.pid, peaks, stop), daemon=True)
    sampler.start()
    code_ = proc.wait()
    seconds = time.perf_counter() - started
    stop.set()
    sampler.join()
    if code_ != 0:
        raise SystemExit(f"build failed ({code_}): {' '.join(command)}")
    return Run(seconds, peaks[0], peaks[1], os.getloadavg()[0])


def _figures(values: list[float], unit: str = " s") -> str:
    if len(values) == 1:
        return f"{values[0]:.2f}{unit}"
    return (f"min {min(values):.2f}{unit}, median {statistics.median(values):.2f}{unit} "
            f"[{', '.join(f'{v:.2f}' for v in values)}]")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", "--n", dest="n", type=int, default=10_000,
                        help="articles in the full build")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--rounds", type=int, default=1, help="full builds of each, in turn")
    parser.add_argument("--repeat", type=int, default=3, help="one-article additions to time")
    parser.add_argument("--before", type=Path,
                        help="a checkout of the code to compare with (run with PYTHONPATH)")
    parser.add_argument("--workdir", type=Path, help="keep the articles and outputs here")
    args = parser.parse_args()

    work = args.workdir or Path(tempfile.mkdtemp(prefix="frontline-bench-"))
    articles, data = work / "articles", work / "data"
    shutil.rmtree(work / "articles", ignore_errors=True)
    shutil.rmtree(data, ignore_errors=True)
    shutil.copytree(REPO / "data", data)
    configs: list[tuple[str, Path, list[str]]] = []
    if args.before is not None:
        configs.append(("before, --workers 2", args.before.resolve(), ["--workers", "2"]))
    configs += [("--workers 1", REPO, ["--workers", "1"]),
                ("--workers 2", REPO, ["--workers", "2"])]
    print(f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f} at the start")
    try:
        started = time.perf_counter()
        generate_articles(articles, args.n, seed=args.seed)
        print(f"generated {args.n} articles in {time.perf_counter() - started:.1f} s")

        full: dict[str, list[Run]] = {label: [] for label, _, _ in configs}
        for r in range(args.rounds):
            for i, (label, code, extra) in enumerate(configs):
                out = work / f"maps-{i}"
                shutil.rmtree(out, ignore_errors=True)
                run = run_build(code, articles, out, data, *extra)
                full[label].append(run)
                print(f"  round {r + 1}, {label:<20}{run.seconds:8.2f} s  (load {run.load:.1f})",
                      flush=True)
        print(f"full build of {args.n} articles, {args.rounds} round(s):")
        for label, runs in full.items():
            seconds = [r.seconds for r in runs]
            print(f"  {label:<20}{_figures(seconds)}  "
                  f"({min(seconds) / args.n * 1000:.2f} ms/article at best)  peak memory: "
                  f"building process {max(r.peak_parent_mb for r in runs):,.0f} MB, "
                  f"workers and forkserver {max(r.peak_workers_mb for r in runs):,.0f} MB")
        pairs = [a.seconds / b.seconds
                 for a, b in zip(full["--workers 1"], full["--workers 2"], strict=True)]
        verdict = "ok" if statistics.median(pairs) >= TARGET_SPEEDUP else "under target"
        print(f"speed-up of --workers 2 over --workers 1, round by round: "
              f"{_figures(pairs, 'x')} (target >= {TARGET_SPEEDUP}x: {verdict})")
        if args.before is not None:
            for label in ("--workers 1", "--workers 2"):
                ratios = [a.seconds / b.seconds
                          for a, b in zip(full["before, --workers 2"], full[label], strict=True)]
                print(f"speed-up of {label} over the code before: {_figures(ratios, 'x')}")

        added: dict[str, list[Run]] = {label: [] for label, _, _ in configs}
        for r in range(args.repeat):
            generate_articles(articles, 1, seed=args.seed, start=args.n + r,
                              kinds=["airstrike", "shelling"])
            for i, (label, code, _) in enumerate(configs):
                # a one-off `frontline build` as a user would run it (default workers)
                added[label].append(run_build(code, articles, work / f"maps-{i}", data))
        print("adding one article, as a new `frontline build` process each time:")
        for label, runs in added.items():
            seconds = [r.seconds for r in runs]
            median = statistics.median(seconds)
            base = statistics.median(r.seconds for r in full[label])
            verdict = "ok" if median / base < TARGET_RATIO else "over target"
            print(f"  {label:<20}{_figures(seconds)}: {median / base:6.2%} of its median full "
                  f"build (target < {TARGET_RATIO:.0%}: {verdict})  peak memory "
                  f"{max(r.peak_parent_mb for r in runs):,.0f} MB")
        print(f"load average {os.getloadavg()[0]:.1f} at the end")
        return 0
    finally:
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
