"""Ours and math-verify timed row by row, alternately, so that both see the same machine load.

``bench_check.py`` times one grader over the whole set, then the other: on a shared machine
whose load changes during the run, their ratio then measures the load as much as the graders.
Here each row is graded by ours, then by math-verify, and the latencies are summed apart.
Usage: ``python bench/bench_check_interleaved.py [--every N]`` (every N-th labelled row).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_check import load, math_verify_judge, ours_in_process


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--every", type=int, default=3, help="grade every N-th row (default 3)")
    rows = load()[:: p.parse_args().every]
    peer = math_verify_judge()
    for r in rows[:20]:  # warm both
        ours_in_process(r["exercise"], r["answer"])
        peer(r["exercise"], r["answer"])
    ours: list[float] = []
    theirs: list[float] = []
    for r in rows:
        start = time.perf_counter()
        ours_in_process(r["exercise"], r["answer"])
        ours.append(time.perf_counter() - start)
        start = time.perf_counter()
        peer(r["exercise"], r["answer"])
        theirs.append(time.perf_counter() - start)
    for name, lat in (("derive.check (in process)", ours), ("math-verify", theirs)):
        print(
            f"{name:26} {len(lat)} rows {len(lat) / sum(lat):8.1f} answers/s  "
            f"median {1e3 * statistics.median(lat):7.2f} ms"
        )
    print(f"throughput ratio (ours / math-verify), same load: {sum(theirs) / sum(ours):.1f}x")


if __name__ == "__main__":
    main()
