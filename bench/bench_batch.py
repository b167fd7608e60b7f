"""Batch throughput and peak memory of ``python -m derive.check --batch`` (issue 14).

    python bench/bench_batch.py [--rows 10000 100000] [--jobs 1 2] [--kinds repeated distinct]

Each run grades a generated class file in a fresh process; rows/s is over the whole command
(start-up, reading, grading, writing); peak memory is the largest resident set of the command
and its worker processes (``getrusage(RUSAGE_CHILDREN).ru_maxrss``, measured per run in a
fresh wrapper process). ``repeated``: 20 answers over 4 exercises, each seen many times
(a class of students giving the same few answers); ``distinct``: every answer different
(``x_j(a-y) + 17x_j - 17x_j`` …), so every row is graded. Seeded, reproducible.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPEATED = [
    ("ce-db", "a-y"),
    ("ce-db", "y-a"),
    ("ce-db", r"\sigma(z)-y"),
    ("ce-db", "a"),
    ("ce-db", "(a-y)a(1-a)"),
    ("ce-dw", "x_j(a-y)"),
    ("ce-dw", "x_j(y-a)"),
    ("ce-dw", r"x_j(\sigma(z)-y)"),
    ("ce-dw", "2x_j(a-y)"),
    ("ce-dw", "x_j(a-"),
    ("mse-db", r"(a-y)\sigma'(z)"),
    ("mse-db", "a-y"),
    ("mse-db", "(a-y)a(1-a)"),
    ("mse-db", "(y-a)a(1-a)"),
    ("mse-db", r"(a-y)\sigma(z)"),
    ("sigmoid-derivative", "a(1-a)"),
    ("sigmoid-derivative", r"\sigma(z)(1-\sigma(z))"),
    ("sigmoid-derivative", "a(1+a)"),
    ("sigmoid-derivative", r"\sigma(z)^2"),
    ("sigmoid-derivative", "1-a"),
]


def _distinct(i: int, rng: random.Random) -> tuple[str, str]:
    k = rng.randint(2, 10**6)
    kind = i % 4
    if kind == 0:
        return "ce-db", f"a - y + {k} a - {k} a"
    if kind == 1:
        return "ce-dw", f"x_j(a-y) + {k}x_j - {k} x_j"
    if kind == 2:
        return "mse-db", f"{k}(a-y)a(1-a)"  # wrong by a factor k
    return "sigmoid-derivative", f"a(1-a) + {k}a^2 - {k}a^2"


def make(path: Path, rows: int, kind: str, seed: int = 0) -> None:
    rng = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as handle:
        w = csv.writer(handle)
        w.writerow(["student", "exercise", "answer", "group"])
        for i in range(rows):
            ex, ans = (
                REPEATED[rng.randrange(len(REPEATED))] if kind == "repeated" else _distinct(i, rng)
            )
            w.writerow([f"s{i // 4:06d}", ex, ans, "AB"[i % 2]])


def _measure(argv: list[str]) -> None:
    """Run as the wrapper: the command, then its time and its descendants' peak memory."""
    start = time.perf_counter()
    proc = subprocess.run(argv, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak_kib = usage.ru_maxrss
    print(
        json.dumps(
            {
                "seconds": seconds,
                "peak_mib": peak_kib / 1024,
                "cpu_seconds": usage.ru_utime + usage.ru_stime,
                "rc": proc.returncode,
                "stderr": proc.stderr[-300:],
            }
        )
    )


def main() -> None:
    if sys.argv[1:2] == ["--measure"]:
        _measure(sys.argv[2:])
        return
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--jobs", type=int, nargs="+", default=[2])
    ap.add_argument("--kinds", nargs="+", default=["repeated", "distinct"])
    ap.add_argument("--timeout", type=float, default=5.0)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for kind in args.kinds:
            for rows in args.rows:
                source = Path(tmp) / f"{kind}-{rows}.csv"
                make(source, rows, kind)
                for jobs in args.jobs:
                    cmd = [
                        sys.executable,
                        "-m",
                        "derive.check",
                        "--batch",
                        str(source),
                        "-o",
                        str(Path(tmp) / "out.csv"),
                        "--no-progress",
                        "--jobs",
                        str(jobs),
                        "--timeout",
                        str(args.timeout),
                        "--summary",
                        str(Path(tmp) / "sum.csv"),
                        "--report",
                        str(Path(tmp) / "r.html"),
                    ]
                    load = os.getloadavg()[0]
                    out = subprocess.run(
                        [sys.executable, __file__, "--measure", *cmd],
                        capture_output=True,
                        text=True,
                        check=True,
                    ).stdout
                    m = json.loads(out)
                    print(
                        json.dumps(
                            {
                                "kind": kind,
                                "rows": rows,
                                "jobs": jobs,
                                "rows_per_s": round(rows / m["seconds"], 1),
                                "seconds": round(m["seconds"], 1),
                                "cpu_seconds": round(m["cpu_seconds"], 1),
                                "peak_mib": round(m["peak_mib"], 1),
                                "load_before": round(load, 1),
                                "load_after": round(os.getloadavg()[0], 1),
                                "rc": m["rc"],
                                "tail": m["stderr"].strip().splitlines()[-1:],
                            }
                        ),
                        flush=True,
                    )


if __name__ == "__main__":
    main()
