"""A longer fuzz run over reading, place finding and event extraction, with counts.

    python tests/fuzz/run.py --examples 2000 [--seed N]

Prints how many inputs ran and how many failed; each failure is printed with its input
(hypothesis shrinks it first). Exit status 1 when any failed.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hypothesis import HealthCheck, given, seed, settings  # noqa: E402

from fuzz.pipeline import article_bytes, check  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    counts = {"ran": 0, "failed": 0}
    folder = Path(tempfile.mkdtemp(prefix="frontline-fuzz-"))

    @seed(args.seed)
    @settings(
        max_examples=args.examples,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    @given(data=article_bytes())
    def run(data: bytes) -> None:
        counts["ran"] += 1
        try:
            check(folder, data)
        except Exception:
            counts["failed"] += 1
            raise

    started = time.perf_counter()
    status = 0
    try:
        run()
    except Exception:
        traceback.print_exc()
        status = 1
    seconds = time.perf_counter() - started
    print(
        f"fuzz: {counts['ran']} inputs ran, {counts['failed']} failed "
        f"(distinct failures are shrunk and shown above), {seconds:.0f} s"
    )
    return status


if __name__ == "__main__":
    sys.exit(main())
