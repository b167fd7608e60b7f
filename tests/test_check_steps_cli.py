"""`python -m derive.check --steps FILE` is the step-by-step checker (issue: steps + errata)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "derive" / "data"


def _check(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "derive.check", *args], capture_output=True, text=True, timeout=120
    )


def test_L8_as_written_first_wrong_line_is_the_substitution() -> None:
    proc = _check("--steps", str(DATA / "lecture" / "L8.steps"), "--json")
    assert proc.returncode == 1, proc.stderr
    out = json.loads(proc.stdout)
    first = out["first_wrong"]
    (row,) = [s for s in out["steps"] if s["line"] == first]
    assert row["verdict"] == "wrong" and "dt" in row["text"]


def test_a_correct_student_chain_exits_0() -> None:
    proc = _check("--steps", str(DATA / "examples" / "cross-entropy-integral.steps"))
    assert proc.returncode == 0, proc.stdout


def test_unreadable_step_file_exits_2(tmp_path: Path) -> None:
    f = tmp_path / "bad.steps"
    f.write_text("C = \\frac{a}{\n= )(\n", encoding="utf-8")
    proc = _check("--steps", str(f))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr


def test_grading_a_single_answer_still_works_beside_steps() -> None:
    proc = _check("ce-db", r"\sigma(z) - y")
    assert proc.returncode == 0 and proc.stdout.startswith("correct")


def test_an_answer_starting_with_a_minus_sign_is_an_answer_not_an_option() -> None:
    proc = _check("linear-delta-output", "-(y_j-a^L_j)", "--json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["verdict"] == "correct"
    proc = _check("--reference", "-a", "-a")
    assert proc.returncode == 0 and proc.stdout.startswith("correct")
