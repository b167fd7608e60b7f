"""Batch files from real spreadsheets (issue 14): encodings, delimiters, broken rows, formula
injection, duplicated headers, permissions, the gradebook summary and the class report.
Every input row and cell must be accounted for in the output."""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from derive.homework.batch import unescape_cell
from derive.homework.check import main

HEADER = "student,exercise,answer"


def _run(tmp_path: Path, data: bytes, *extra: str) -> tuple[int, list[dict[str, str]], Path]:
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_bytes(data)
    code = main(["--batch", str(source), "-o", str(target), "--no-progress", *extra])
    rows: list[dict[str, str]] = []
    if target.exists():
        text = target.read_bytes().decode("utf-8-sig")
        delimiter = csv.Sniffer().sniff(text.splitlines()[0], delimiters=",;\t").delimiter
        rows = list(csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter))
    return code, rows, target


def test_utf8_with_bom(tmp_path: Path) -> None:
    code, rows, _ = _run(tmp_path, "\ufeffstudent,exercise,answer\nŠárka,ce-db,a-y\n".encode())
    assert code == 0 and rows[0]["student"] == "Šárka" and rows[0]["verdict"] == "correct"


def test_semicolons_and_cp1250_from_a_czech_spreadsheet(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = "student;exercise;answer;poznámka\nJiří Čížek;ce-db;a-y;dobře\nŽofie;ce-db;y-a;špatně\n"
    code, rows, _ = _run(tmp_path, text.encode("cp1250"))
    assert code == 0
    assert [r["student"] for r in rows] == ["Jiří Čížek", "Žofie"]
    assert [r["poznámka"] for r in rows] == ["dobře", "špatně"]
    assert [r["verdict"] for r in rows] == ["correct", "incorrect"]
    assert "cp1250" in capsys.readouterr().err.lower()


def test_tab_delimited_export(tmp_path: Path) -> None:
    code, rows, _ = _run(tmp_path, b"student\texercise\tanswer\nana\tce-db\ta - y\n")
    assert code == 0 and rows[0]["verdict"] == "correct"


def test_a_bad_byte_costs_only_its_row(tmp_path: Path) -> None:
    data = "student,exercise,answer\nŠárka,ce-db,a-y\n".encode()
    data += b"bo,ce-db,a\xff-y\ncy,ce-db,a-y\n"
    code, rows, _ = _run(tmp_path, data)
    assert code == 0
    assert [r["verdict"] for r in rows] == ["correct", "invalid", "correct"]
    assert "0xFF" in rows[1]["feedback"] and "row 3" in rows[1]["feedback"]


def test_nul_bytes_cost_only_their_row(tmp_path: Path) -> None:
    code, rows, _ = _run(tmp_path, b"student,exercise,answer\nana,ce-db,a\x00-y\nbo,ce-db,a-y\n")
    assert code == 0
    assert [r["verdict"] for r in rows] == ["invalid", "correct"]
    assert "NUL" in rows[0]["feedback"]


def test_ragged_rows_keep_every_cell(tmp_path: Path) -> None:
    data = b"student,exercise,answer,group\nana,ce-db,a-y\nbo,ce-db,a-y,B,late,again\ncy,ce-db\n"
    code, rows, target = _run(tmp_path, data)
    assert code == 0
    assert [r["verdict"] for r in rows] == ["correct", "correct", "invalid"]
    assert rows[1]["group"] == "B"
    header = next(csv.reader(target.open(encoding="utf-8")))
    extras = [h for h in header if h.startswith("extra")]
    assert len(extras) == 2 and [rows[1][h] for h in extras] == ["late", "again"]
    assert "answer" in rows[2]["feedback"]


def test_an_unbalanced_quote_does_not_swallow_the_file(tmp_path: Path) -> None:
    data = b'student,exercise,answer\nana,ce-db,"a-y\nbo,ce-db,a-y\ncy,ce-db,y-a\n'
    code, rows, _ = _run(tmp_path, data)
    assert code == 0
    assert [r["verdict"] for r in rows] == ["invalid", "correct", "incorrect"]
    assert "quote" in rows[0]["feedback"]


def test_duplicated_column_is_refused_and_nothing_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, target = _run(tmp_path, b"student,exercise,answer,answer\nana,ce-db,a-y,y-a\n")
    assert code == 2 and not target.exists()
    assert "answer" in capsys.readouterr().err


def test_formula_injection_is_neutralised_and_recoverable(tmp_path: Path) -> None:
    hostile = ['=HYPERLINK("http://x")', "+1+1", "-y + a", "@SUM(A1)", "\tx", "'quoted"]
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["student", "exercise", "answer"])
    for i, h in enumerate(hostile):
        w.writerow([f"=cmd|{i}", "ce-db", h])
    code, rows, _ = _run(tmp_path, buf.getvalue().encode())
    assert code == 0
    for row, answer in zip(rows, hostile, strict=True):
        for cell in row.values():
            assert not cell or cell[0] not in "=+-@\t\r"
        assert unescape_cell(row["answer"]) == answer
        assert unescape_cell(row["student"]).startswith("=cmd|")
    assert rows[2]["verdict"] == "correct"  # -y + a is graded as typed


def test_output_gets_umask_permissions(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        _, _, target = _run(tmp_path, b"student,exercise,answer\nana,ce-db,a-y\n")
    finally:
        os.umask(old)
    assert target.stat().st_mode & 0o777 == 0o644


def test_output_adds_the_grading_columns(tmp_path: Path) -> None:
    _, rows, _ = _run(tmp_path, b"student,exercise,answer\nana,ce-db,a-y\nbo,ce-db,y-a\n")
    assert {"verdict", "feedback", "read_as", "method", "points"} <= set(rows[0])
    assert [r["points"] for r in rows] == ["1", "0"]
    assert rows[0]["read_as"]


def test_summary_is_one_row_per_student(tmp_path: Path) -> None:
    summary = tmp_path / "summary.csv"
    data = (
        b"student,exercise,answer\nana,ce-db,a-y\nana,mse-db,(a-y)\\sigma'(z)\n"
        b"bo,ce-db,y-a\nbo,ce-db,a-y\ncy,mse-db,x\n"
    )
    code, _, _ = _run(tmp_path, data, "--summary", str(summary))
    assert code == 0
    with summary.open(encoding="utf-8", newline="") as handle:
        out = list(csv.DictReader(handle))
    by = {r["student"]: r for r in out}
    assert list(by) == ["ana", "bo", "cy"]
    assert by["ana"]["total"] == "2" and by["bo"]["total"] == "1" and by["cy"]["total"] == "0"
    assert by["bo"]["ce-db"] == "1" and by["cy"]["ce-db"] == ""


def test_report_html_escapes_user_text(tmp_path: Path) -> None:
    report = tmp_path / "report.html"
    data = (
        b"student,exercise,answer\n<script>alert(1)</script>,ce-db,y-a\n"
        b"bo,ce-db,y-a\ncy,ce-db,</span><script>x()</script>\ndi,ce-db,a-y\n"
    )
    code, _, _ = _run(tmp_path, data, "--report", str(report))
    assert code == 0
    html = report.read_text(encoding="utf-8")
    assert "<script>alert" not in html and "<script>x()" not in html
    assert "&lt;/span&gt;&lt;script&gt;" in html
    assert "ce-db" in html and "Sign error" in html
    assert 'data-tex="' in html  # the wrong answer as math, rendered by KaTeX


def test_report_markdown(tmp_path: Path) -> None:
    report = tmp_path / "report.md"
    data = b"student,exercise,answer\nana,ce-db,y-a\nbo,ce-db,a|b\n"
    code, _, _ = _run(tmp_path, data, "--report", str(report))
    assert code == 0
    md = report.read_text(encoding="utf-8")
    assert "ce-db" in md and "$" in md and "a\\|b" in md


@pytest.mark.slow
def test_hundred_thousand_repeated_rows_are_graded_once_each(tmp_path: Path) -> None:
    answers = ["a-y", "y-a", r"\sigma(z)-y", "a", "x"]
    lines = [HEADER] + [f"s{i},ce-db,{answers[i % 5]}" for i in range(100_000)]
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    # in a process of its own: the test process must not grow by the 100,000 rows (other
    # tests measure the memory of the commands they start, which a fork inherits)
    argv = ["-m", "derive.check", "--batch", str(source), "-o", str(target), "--no-progress"]
    proc = subprocess.run([sys.executable, *argv], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "graded 100000 rows" in proc.stderr and "40000 correct" in proc.stderr


# --- second round of hostile files (written before the fixes they needed) ---------------


def test_round2_excel_unicode_text_is_utf16_with_tabs(tmp_path: Path) -> None:
    data = "student\texercise\tanswer\r\nŘíha\tce-db\ta-y\r\n".encode("utf-16")
    code, rows, _ = _run(tmp_path, data)
    assert code == 0 and rows[0]["student"] == "Říha" and rows[0]["verdict"] == "correct"


def test_round2_crlf_trailing_delimiter_blank_lines_and_spaces(tmp_path: Path) -> None:
    data = b"Student;Exercise;Answer;\r\nana; ce-db ;a-y;\r\n\r\n;;;\r\nbo;ce-db;y-a;\r\n"
    code, rows, _ = _run(tmp_path, data)
    assert code == 0
    assert [r["verdict"] for r in rows] == ["correct", "incorrect"]


def test_round2_a_quoted_multiline_answer_is_graded(tmp_path: Path) -> None:
    data = b'student,exercise,answer\nana,ce-db,"a\n- y"\nbo,ce-db,a-y\n'
    code, rows, _ = _run(tmp_path, data)
    assert code == 0 and [r["verdict"] for r in rows] == ["correct", "correct"]


def test_round2_regrading_a_graded_file_keeps_one_set_of_columns(tmp_path: Path) -> None:
    first = tmp_path / "first.csv"
    first.write_text("student,exercise,answer\nana,ce-db,-y + a\n", encoding="utf-8")
    graded = tmp_path / "graded.csv"
    assert main(["--batch", str(first), "-o", str(graded), "--no-progress"]) == 0
    again = tmp_path / "again.csv"
    assert main(["--batch", str(graded), "-o", str(again), "--no-progress"]) == 0
    header = next(csv.reader(again.open(encoding="utf-8")))
    assert header.count("verdict") == 1
    assert again.read_text(encoding="utf-8") == graded.read_text(encoding="utf-8")


def test_round2_header_only_and_empty_files(tmp_path: Path) -> None:
    code, rows, target = _run(tmp_path, b"student,exercise,answer\n")
    assert code == 0 and rows == [] and target.exists()
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert main(["--batch", str(empty), "-o", str(tmp_path / "e.csv"), "--no-progress"]) == 2


def test_round2_output_may_not_overwrite_the_input(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text("student,exercise,answer\nana,ce-db,a-y\n", encoding="utf-8")
    assert main(["--batch", str(source), "-o", str(source), "--no-progress"]) == 2
    assert source.read_text(encoding="utf-8") == "student,exercise,answer\nana,ce-db,a-y\n"


def test_round2_summary_escapes_hostile_student_names(tmp_path: Path) -> None:
    summary = tmp_path / "s.csv"
    data = b"student,exercise,answer\n=1+1,ce-db,a-y\n@x,ce-db,y-a\n"
    code, _, _ = _run(tmp_path, data, "--summary", str(summary))
    assert code == 0
    cells = [row[0] for row in csv.reader(summary.open(encoding="utf-8"))]
    assert cells == ["student", "'=1+1", "'@x"]


def test_round2_report_attribute_quotes(tmp_path: Path) -> None:
    report = tmp_path / "r.html"
    data = b'student,exercise,answer\nana,ce-db,"\\frac{1}{2}(a-y)"\nbo,nope,"x"" onload=""y"\n'
    code, _, _ = _run(tmp_path, data, "--report", str(report))
    html = report.read_text(encoding="utf-8")
    assert code == 0 and 'onload="y' not in html and "&quot;" in html


def test_a_cp1250_class_comes_back_as_utf8_with_a_bom(tmp_path: Path) -> None:
    _, rows, target = _run(tmp_path, "student;exercise;answer\nJiří;ce-db;a-y\n".encode("cp1250"))
    assert target.read_bytes().startswith(b"\xef\xbb\xbf") and rows[0]["student"] == "Jiří"


def test_old_mac_line_ends(tmp_path: Path) -> None:
    code, rows, _ = _run(tmp_path, b"student,exercise,answer\rana,ce-db,a-y\rbo,ce-db,y-a\r")
    assert code == 0 and [r["verdict"] for r in rows] == ["correct", "incorrect"]


def test_a_forced_encoding_still_drops_the_bom(tmp_path: Path) -> None:
    data = "\ufeffstudent,exercise,answer\nana,ce-db,a-y\n".encode()
    code, rows, _ = _run(tmp_path, data, "--encoding", "utf-8")
    assert code == 0 and rows[0]["verdict"] == "correct"
    assert (
        main(
            [
                "--batch",
                str(tmp_path / "in.csv"),
                "-o",
                str(tmp_path / "x.csv"),
                "--encoding",
                "no-such-codec",
            ]
        )
        == 2
    )


def test_the_html_report_needs_no_network(tmp_path: Path) -> None:
    """The class report loads nothing from elsewhere: no ``src``/``href`` to another site, and
    KaTeX (script, style, fonts) inside the file."""
    _run(tmp_path, b"student,exercise,answer\nana,ce-db,a-y\nbo,ce-db,y-a\n", "--report",
         str(tmp_path / "r.html"))  # fmt: skip
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert re.findall(r"(?:src|href)\s*=\s*[\"']?(?:https?:)?//", page) == []
    assert "data:font/woff2;base64," in page and "katex.render(" in page
    assert page.count("<script>") == page.lower().count("</script") == 2  # none ends early


def test_a_file_without_the_required_columns_is_refused_by_its_header_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The header decides: what follows it (a quote that never closes, NUL bytes, a million
    rows) is not read as records before the missing columns are named."""
    from derive.homework import batch

    read: list[int] = []
    records = batch._records

    def counted(lines: list[str], delimiter: str):
        for record in records(lines, delimiter):
            read.append(record[0])
            yield record

    monkeypatch.setattr(batch, "_records", counted)
    body = b'x,"never closed\n' + b"\x00\x00\n" + b"a + y\n" * 1_000_000
    with pytest.raises(batch.BatchError, match=r"missing column\(s\) student, exercise, answer"):
        batch.parse_table(b"name,answer_text\n" + body, "class.csv")
    assert read == [1]  # the header, nothing after it
    with pytest.raises(batch.BatchError, match="appears twice"):
        batch.parse_table(b"student,exercise,answer,Answer\n" + body, "class.csv")
    assert read == [1, 1]
