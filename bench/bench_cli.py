"""Cold start of ``python -m derive.crossentropy --check`` against ``import sympy``.

Both are timed as fresh processes in the same run, alternating, several times; the script
prints the medians and their ratio (target: ≤ 2). Usage: ``python bench/bench_cli.py [-n N]``.
:func:`alternating` is also used by ``bench/run.py``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence

OURS = [sys.executable, "-m", "derive.crossentropy", "--check"]
PEER = [sys.executable, "-c", "import sympy"]


def wall(cmd: Sequence[str], *, check: bool = True) -> float:
    """Wall time of one fresh process (output discarded); ``check``: it must exit 0."""
    start = time.perf_counter()
    subprocess.run(list(cmd), check=check, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def alternating(
    cmds: Mapping[str, Sequence[str]], n: int, *, check: Sequence[str] = ()
) -> dict[str, float]:
    """Median wall time of each command over ``n`` rounds; a round runs every command once, in
    turn, so that load on the machine falls on all of them alike. After one untimed round (file
    cache). Commands named in ``check`` must exit 0."""
    times: dict[str, list[float]] = {name: [] for name in cmds}
    for timed in (False, *([True] * n)):
        for name, cmd in cmds.items():
            t = wall(cmd, check=name in check)
            if timed:
                times[name].append(t)
    return {name: statistics.median(ts) for name, ts in times.items()}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("-n", type=int, default=7, help="runs of each (default 7)")
    n = p.parse_args().n
    before = os.getloadavg()
    med = alternating({"ours": OURS, "peer": PEER}, n, check=("ours", "peer"))
    after = os.getloadavg()
    mo, mp = med["ours"], med["peer"]
    print(f"python -m derive.crossentropy --check : median {mo:.3f} s over {n} runs")
    print(f"python -c 'import sympy'               : median {mp:.3f} s over {n} runs")
    print(f"ratio (ours / import sympy)            : {mo / mp:.2f}  (target <= 2)")
    print(
        f"load average (1, 5, 15 min): {before[0]:.2f} {before[1]:.2f} {before[2]:.2f} before, "
        f"{after[0]:.2f} {after[1]:.2f} {after[2]:.2f} after"
    )


if __name__ == "__main__":
    main()
