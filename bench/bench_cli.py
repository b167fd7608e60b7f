"""Cold start of ``python -m derive.crossentropy --check`` against ``import sympy``.

Both are timed as fresh processes in the same run, alternating, several times; the script
prints the medians and their ratio (target: ≤ 3). Usage: ``python bench/bench_cli.py [-n N]``.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

OURS = [sys.executable, "-m", "derive.crossentropy", "--check"]
PEER = [sys.executable, "-c", "import sympy"]


def wall(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("-n", type=int, default=7, help="runs of each (default 7)")
    n = p.parse_args().n
    wall(OURS), wall(PEER)  # warm the file cache
    ours, peer = [], []
    for _ in range(n):
        ours.append(wall(OURS))
        peer.append(wall(PEER))
    mo, mp = statistics.median(ours), statistics.median(peer)
    print(f"python -m derive.crossentropy --check : median {mo:.3f} s over {n} runs")
    print(f"python -c 'import sympy'               : median {mp:.3f} s over {n} runs")
    print(f"ratio (ours / import sympy)            : {mo / mp:.2f}  (target <= 3)")


if __name__ == "__main__":
    main()
