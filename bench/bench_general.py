"""General-notation pairs judged by ``derive`` (``--notation general``) and by HuggingFace
``math-verify``, side by side, on the same rows in the same run.

Rows: ``tests/data/general-pairs.csv`` (held out, labelled independently of the checker) and
the author's ``general-own.csv`` / ``general-own2.csv``; columns id, class, expected, given,
domain, label (``equal`` / ``different`` / ``invalid``). Printed per suite and per class:
agreement with the label, how many readable pairs each tool read, false accepts (a pair
labelled different or invalid judged equal), and the time per pair. math-verify has no notion
of a domain: it gets the two expressions only (as ours would without ``--domain``).
Usage: ``python bench/bench_general.py [--suite held-out|own|all]`` (needs the ``bench``
extra for math-verify: ``pip install -e '.[bench]'``).
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from derive.homework.check import parse_domain
from derive.homework.grading import compare_general

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
SUITES = {
    "held-out": ["general-pairs.csv"],
    "own": ["general-own.csv", "general-own2.csv", "general-own3.csv"],
}
LABEL = {"correct": "equal", "incorrect": "different", "invalid": "invalid"}


def load(names: list[str]) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for name in names:
        with (DATA / name).open(encoding="utf-8", newline="") as handle:
            rows += list(csv.DictReader(handle))
    return rows


def ours(row: dict[str, str]) -> str:
    domain = parse_domain([row["domain"]] if row["domain"] else [], notation="general")
    result = compare_general(row["expected"], row["given"], domain=domain)
    return LABEL.get(result.verdict, "undecided")


def math_verify_judge() -> Callable[[dict[str, str]], str]:
    from math_verify import parse, verify

    def read(text: str) -> list:
        found = parse(f"${text}$")
        return found if found else parse(text)

    def judge(row: dict[str, str]) -> str:
        try:
            gold, target = read(row["expected"]), read(row["given"])
            if not gold or not target:
                return "invalid"
            return "equal" if verify(gold, target) else "different"
        except Exception:
            return "invalid"

    return judge


def run(rows: list[dict[str, str]], judge: Callable[[dict[str, str]], str]) -> dict[str, object]:
    verdicts: list[str] = []
    times: list[float] = []
    for row in rows:
        start = time.perf_counter()
        verdicts.append(judge(row))
        times.append(time.perf_counter() - start)
    return {"verdicts": verdicts, "times": times}


def summarise(rows: list[dict[str, str]], verdicts: list[str]) -> dict[str, object]:
    readable = [(r, v) for r, v in zip(rows, verdicts, strict=True) if r["label"] != "invalid"]
    read = [(r, v) for r, v in readable if v != "invalid"]
    return {
        "agree": sum(v == r["label"] for r, v in zip(rows, verdicts, strict=True)),
        "read": len(read),
        "readable": len(readable),
        "agree_read": sum(v == r["label"] for r, v in read),
        "false_accepts": [
            r["id"]
            for r, v in zip(rows, verdicts, strict=True)
            if v == "equal" and r["label"] != "equal"
        ],
    }


def report(name: str, rows: list[dict[str, str]], ours_run: dict, peer_run: dict | None) -> None:
    print(f"\n== {name}: {len(rows)} pairs")
    tools = [("derive (general)", ours_run)] + ([("math-verify", peer_run)] if peer_run else [])
    for tool, result in tools:
        s = summarise(rows, result["verdicts"])
        times = result["times"]
        print(
            f"{tool:<18} agrees {s['agree']}/{len(rows)} ({100 * s['agree'] / len(rows):.1f} %), "
            f"reads {s['read']}/{s['readable']}, agrees on {s['agree_read']}/{s['read']} read, "
            f"false accepts {len(s['false_accepts'])} {s['false_accepts'][:8]}; "
            f"median {1e3 * statistics.median(times):.1f} ms, "
            f"mean {1e3 * statistics.fmean(times):.1f} ms, max {1e3 * max(times):.0f} ms"
        )
    by_class: dict[str, list[int]] = defaultdict(list)
    for i, row in enumerate(rows):
        by_class[row["class"]].append(i)
    print(f"{'class':<14}{'pairs':>6}{'derive':>10}" + (f"{'math-verify':>14}" if peer_run else ""))
    for cls, idx in sorted(by_class.items()):
        mine = sum(ours_run["verdicts"][i] == rows[i]["label"] for i in idx)
        line = f"{cls:<14}{len(idx):>6}{mine:>10}"
        if peer_run:
            line += f"{sum(peer_run['verdicts'][i] == rows[i]['label'] for i in idx):>14}"
        print(line)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--suite", choices=("held-out", "own", "all"), default="all")
    suite = p.parse_args().suite
    try:
        peer = math_verify_judge()
    except ImportError:
        print("math-verify is not installed: pip install -e '.[bench]'", file=sys.stderr)
        raise SystemExit(2) from None
    names = list(SUITES) if suite == "all" else [suite]
    for name in names:
        rows = load(SUITES[name])
        ours(rows[0])  # warm: the grammar is built once
        report(name, rows, run(rows, ours), run(rows, peer))


if __name__ == "__main__":
    main()
