"""Every ratio the docs quote, in one run: ``python bench/run.py [--quick] [--write FILE]``.

* ``python -m derive.crossentropy --check`` and ``python -m derive.stepcheck`` on each lecture
  chain (``derive/data/lecture/*.steps``) against ``python -c "import sympy"``: fresh processes,
  one round runs each once in turn, medians over the rounds (:func:`bench_cli.alternating`);
* grading every labelled answer (``tests/data/answers.csv``, all batches) against math-verify,
  the judges alternating row by row (:func:`bench_check.compare`);
* ``numeric.gradcheck``'s check against ``jax.test_util.check_grads``: warm (medians of
  alternating runs, ``--nets`` per cost) and cold (``--cold-nets`` per cost, default 250), each
  check in a fresh process of its own, a first run (empty compilation cache) and a run with the
  cache warm, alternating which goes first (:mod:`bench_gradcheck`);
* ``python -m numeric.gradcheck --cost all --nets 250``: the second run's wall time over the
  first's, with a fresh cache directory for each pair.

Prints a Markdown table and the machine it ran on; ``--write FILE`` also puts them between the
``<!-- bench/run.py -->`` and ``<!-- /bench/run.py -->`` lines of FILE (docs/benchmarks.md).
Nothing is written to the user's compilation cache (temporary directories only).
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import re
import sys
import time
from pathlib import Path

import bench_check
import bench_cli
import bench_gradcheck

ROOT = Path(__file__).resolve().parent.parent
LECTURE = sorted((ROOT / "derive" / "data" / "lecture").glob("*.steps"))
PY = sys.executable


def machine() -> str:
    """CPU model, cores, load, Python and library versions."""
    import jax
    import sympy

    model = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        found = re.search(r"^model name\s*:\s*(.+)$", cpuinfo.read_text(), re.MULTILINE)
        model = found.group(1).strip() if found else model
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"{model}, {os.cpu_count()} cores, {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}, SymPy {sympy.__version__}, JAX {jax.__version__}; "
        f"load average {load} (1, 5, 15 min) when the run ended"
    )


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("-n", type=int, default=5, help="rounds of the process timings (default 5)")
    p.add_argument("--repeats", type=int, default=3, help="gradcheck alternations (default 3)")
    p.add_argument("--nets", type=int, default=250, help="gradcheck networks per cost (250)")
    p.add_argument("--cold-nets", type=int, default=250,
                   help="networks per cost of the cold gradcheck runs (250)")  # fmt: skip
    p.add_argument("--cli-nets", type=int, default=250, help="the CLI's --nets (250)")
    p.add_argument("--passes", type=int, default=1, help="grading passes over the set (1)")
    p.add_argument("--quick", action="store_true", help="fewer runs (a smoke test, not numbers)")
    p.add_argument("--write", type=Path, help="also write the table into this Markdown file")
    args = p.parse_args()
    if args.quick:
        args.n, args.repeats, args.nets, args.cold_nets, args.cli_nets = 1, 1, 20, 20, 20
    start = time.perf_counter()
    rows: list[tuple[str, str, str, str, str]] = []

    sympy_cmd = [PY, "-c", "import sympy"]
    cmds = {"sympy": sympy_cmd, "crossentropy": [PY, "-m", "derive.crossentropy", "--check"]}
    cmds |= {f.stem: [PY, "-m", "derive.stepcheck", str(f)] for f in LECTURE}
    print(f"processes: {len(cmds)} commands x {args.n} rounds ...", file=sys.stderr)
    med = bench_cli.alternating(cmds, args.n, check=("sympy", "crossentropy"))
    peer = med.pop("sympy")
    ce = med.pop("crossentropy")
    rows.append(("`python -m derive.crossentropy --check` vs `import sympy`",
                 f"{ce:.3f} s", f"{peer:.3f} s", f"{ce / peer:.2f}", "≤ 2"))  # fmt: skip
    for name, t in med.items():
        rows.append((f"`python -m derive.stepcheck lecture/{name}.steps` vs `import sympy`",
                     f"{t:.3f} s", f"{peer:.3f} s", f"{t / peer:.2f}", ""))  # fmt: skip

    print("grading vs math-verify ...", file=sys.stderr)
    grades = bench_check.compare(args.passes)
    n_rows = grades.pop("rows")
    ours, worker, mv = grades.values()
    for label, st in (("in process", ours), ("with the worker", worker)):
        rows.append((f"grading {n_rows} labelled answers ({label}) vs math-verify",
                     f"{st['per_second']:.0f}/s, {100 * st['binary']:.1f} %",
                     f"{mv['per_second']:.0f}/s, {100 * mv['binary']:.1f} %",
                     f"{st['per_second'] / mv['per_second']:.1f}×", "≥ 5×"))  # fmt: skip

    st = bench_check.alone()["alone"]
    rows.append((f"grading {n_rows} labelled answers in process, alone: answers/s, median, p95",
                 f"{st['per_second']:.0f}/s, {st['median_ms']:.2f} ms, {st['p95_ms']:.1f} ms",
                 "", "", "≥ 150/s, median ≤ 10 ms"))  # fmt: skip

    print("gradcheck vs check_grads, warm ...", file=sys.stderr)
    w = bench_gradcheck.warm(args.nets, 16, 0, args.repeats)
    us = 1e6 / w["networks"]
    label = f"{int(w['networks'])} networks, {args.nets} per cost"
    rows.append((f"gradcheck vs check_grads, per network, warm ({label})",
                 f"{w['ours'] * us:.1f} µs", f"{w['peer'] * us:.0f} µs",
                 f"{w['peer'] / w['ours']:.0f}×", "≥ 10×"))  # fmt: skip
    print("gradcheck vs check_grads, cold ...", file=sys.stderr)
    c = bench_gradcheck.cold(args.cold_nets, 16, 0, args.repeats)
    cold_total = len(bench_gradcheck.COSTS) * args.cold_nets
    us = 1e6 / cold_total
    label = f"{cold_total} networks, {args.cold_nets} per cost"
    for key, text, target in (("first", "first run", ""), ("warm_cache", "warm cache", "≥ 5×")):
        rows.append((f"gradcheck vs check_grads, per network, cold, {text} ({label})",
                     f"{c[key + '_ours'] * us:.0f} µs", f"{c[key + '_peer'] * us:.0f} µs",
                     f"{c[key + '_ratio']:.1f}×", target))  # fmt: skip
    rows.append((f"gradcheck vs check_grads, whole process (start, imports, check), cold, warm "
                 f"cache ({label})", f"{c['warm_cache_ours_process']:.2f} s",
                 f"{c['warm_cache_peer_process']:.2f} s",
                 f"{c['warm_cache_ratio_process']:.1f}×", ""))  # fmt: skip
    print("numeric.gradcheck first and second run ...", file=sys.stderr)
    cli = bench_gradcheck.cli_runs(args.cli_nets, args.repeats)
    rows.append((f"`python -m numeric.gradcheck --cost all --nets {args.cli_nets}`: second run vs "
                 "first (fresh cache)", f"{cli['second']:.2f} s", f"{cli['first']:.2f} s",
                 f"{100 * cli['ratio']:.0f} %", "≤ 40 %"))  # fmt: skip

    elapsed = time.perf_counter() - start
    header = ("measurement", "ours", "peer / baseline", "ratio", "target")
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    when = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    text = (
        "\n".join(lines)
        + f"\n\nMeasured {when} by `python bench/run.py` in {elapsed:.0f} s (process timings: "
        f"medians of {args.n} alternating rounds; gradcheck: medians of {args.repeats} "
        f"alternating runs) on: {machine()}.\n"
    )
    print(text)
    if args.write:
        page = args.write.read_text(encoding="utf-8")
        begin, end = "<!-- bench/run.py -->\n", "<!-- /bench/run.py -->"
        if begin not in page or end not in page:
            raise SystemExit(f"{args.write}: no {begin.strip()} … {end} block to replace")
        head, rest = page.split(begin, 1)
        args.write.write_text(head + begin + text + end + rest.split(end, 1)[1], encoding="utf-8")


if __name__ == "__main__":
    main()
