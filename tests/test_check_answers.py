"""The labelled answer set (tests/data/answers.csv): correct answers in many notations, typical
wrong answers and garbage, labelled by hand; the checker must agree on ≥ 99 % (issue 6)."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

from derive.homework.grading import VERDICTS, grade_now

ANSWERS = Path(__file__).parent / "data" / "answers.csv"


def load() -> list[dict[str, str]]:
    with ANSWERS.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_labelled_set_is_several_hundred_rows_of_every_kind() -> None:
    rows = load()
    labels = Counter(r["expected"] for r in rows)
    assert len(rows) >= 300
    assert set(labels) == {"correct", "incorrect", "invalid"}
    assert min(labels.values()) >= 50
    assert len({r["exercise"] for r in rows}) >= 21


def test_labelled_set_is_graded_with_at_least_99_percent_accuracy() -> None:
    rows = load()
    wrong = []
    for row in rows:
        result = grade_now(row["exercise"], row["answer"])
        assert result.verdict in VERDICTS
        if result.verdict != row["expected"]:
            wrong.append((row["student"], row["answer"], row["expected"], result.verdict))
    accuracy = 1 - len(wrong) / len(rows)
    assert accuracy >= 0.99, wrong
