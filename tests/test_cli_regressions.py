"""Each input that once crashed, hung or used gigabytes now gets a message and a status."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import pytest

from derive.engine.console import MAX_TIMEOUT, output_path, timeout_seconds
from derive.homework import stepcheck
from derive.homework.check import main as check_main
from derive.homework.exercises import nearest_ids
from derive.homework.grading import grade_now
from derive.homework.parse import MAX_DEGREE, ParseError, degree_bound, parse_answer, terms_bound
from tests.test_cli_bad_inputs import ROOT, run

TOWER = "((((a+1)^{64})^{64})^{64})"


@pytest.mark.parametrize("text", ["inf", "-inf", "nan", "0", "-1", "1e9", "x"])
def test_a_timeout_is_finite_positive_and_bounded(text: str) -> None:
    import argparse

    with pytest.raises(argparse.ArgumentTypeError):
        timeout_seconds(text)
    assert timeout_seconds("0.5") == 0.5 and timeout_seconds(str(MAX_TIMEOUT)) == MAX_TIMEOUT


@pytest.mark.parametrize(
    "argv",
    [
        ["ce-db", "a-y", "--timeout", "inf"],
        ["--reference", "a", "a", "--timeout", "nan"],
        ["--steps", str(ROOT / "derive/data/examples/mse-gradient.steps"), "--timeout", "inf"],
    ],
)
def test_the_checker_refuses_an_infinite_or_nan_timeout(argv: list[str], capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        check_main(argv)
    assert exit_.value.code == 2
    assert "--timeout" in capsys.readouterr().err


def test_a_power_tower_is_too_large_to_check_before_sympy_expands_it() -> None:
    with pytest.raises(ParseError, match="too large to check"):
        parse_answer(TOWER)
    assert degree_bound(parse_answer("(a+1)^{64} y^3")) == 67
    assert terms_bound(parse_answer("(a+y+1)^{2}")) == 6  # a², y², 1, 2ay, 2a, 2y
    result = grade_now("ce-db", TOWER)
    assert result.verdict == "invalid" and "too large" in result.feedback
    assert MAX_DEGREE >= 64  # the course's own answers stay far below


def test_a_power_tower_costs_a_worker_little_memory_and_time(tmp_path: Path) -> None:
    graded = run(["derive.check", "ce-db", TOWER])
    assert graded.code == 2 and "too large" in graded.stdout
    steps = tmp_path / "tower.steps"
    steps.write_text(f"{TOWER}\n= a\n", encoding="utf-8")
    checked = run(["derive.check", "--steps", str(steps)])
    assert checked.code == 2 and "too large" in checked.stdout
    for outcome in (graded, checked):  # it took 1.7 GB and 3.6 GB before the bounds
        assert outcome.max_rss_mb < 300 and outcome.seconds < 60


def test_many_variables_to_a_high_power_are_refused_by_their_number_of_terms() -> None:
    with pytest.raises(ParseError, match="terms"):
        parse_answer("(a+y+x+w+b+z)^{64}")


def test_a_long_step_line_is_cut_with_a_visible_mark() -> None:
    text = "2a + " + " + ".join(f"{k}a" for k in range(3, 40)) + " - a\n= a"
    report = stepcheck.check_text(text)
    first = stepcheck.format_report(report).splitlines()[0]
    assert first.endswith(" …") and len(first) < 100


def test_a_circular_definition_is_refused() -> None:
    report = stepcheck.check_text("%! define: x = x + 1\nx\n= x")
    assert report.exit_code == 2
    assert all(r.verdict == "unreadable" and "circular" in r.detail for r in report.results)


def test_an_unbounded_domain_is_sampled_on_both_sides() -> None:
    report = stepcheck.check_text("%! domain: y in (-inf, inf)\n\\sqrt{y^2}\n= y")
    assert report.first_wrong == 3  # √(y²) = |y| ≠ y for y < 0: a point is found
    report = stepcheck.check_text("%! domain: y in (0, inf)\n\\sqrt{y^2}\n= y")
    assert report.exit_code == 0


@pytest.mark.parametrize("content", ["", "% only a comment\n%! define: a = \\sigma(z)\n\n"])
def test_an_empty_step_file_is_nothing_to_check(content: str, tmp_path: Path, capsys) -> None:
    path = tmp_path / "empty.steps"
    path.write_text(content, encoding="utf-8")
    assert stepcheck.main([str(path)]) == 2
    assert "nothing to check" in capsys.readouterr().err


def test_a_mistyped_exercise_id_suggests_the_nearest() -> None:
    assert nearest_ids("ce_db", ["ce-db", "ce-dw"]) == ["ce-db"]
    result = grade_now("ce_db", "a - y")
    assert result.verdict == "invalid" and "Did you mean ce-db?" in result.feedback


def test_negative_numbers_are_values_of_slowdown_starts() -> None:
    from numeric.slowdown import main

    assert main(["--epochs", "3", "--starts", "-1,3", "0.5,-2"]) == 0


def test_a_mistyped_numeric_flag_is_reported_before_jax_is_imported() -> None:
    for module in ("numeric.gradcheck", "numeric.slowdown"):
        proc = subprocess.run(
            [
                sys.executable,
                "-X",
                "importtime",
                "-m",
                module,
                "--nets" if "grad" in module else "--epochs",
                "x",
            ],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=60,
        )
        assert proc.returncode == 2
        imported = {
            line.split("|")[-1].strip()
            for line in proc.stderr.splitlines()
            if line.startswith("import time:")
        }
        assert not {m for m in imported if m.split(".")[0] in ("jax", "jaxlib")}


@pytest.mark.parametrize(
    "argv",
    [
        ["derive.crossentropy", "--lang", "de"],
        ["derive.quadratic", "--check", "--format", "text"],
        ["derive.backprop", "-o", "/proc/no-such-dir/out.tex"],
        ["derive.crossentropy", "--help"],
        ["derive.errata", "--only", "L99"],
        ["derive.errata", "--json", "--format", "latex"],
        ["derive.errata", "--help"],
    ],
)
def test_a_lecture_command_reads_its_flags_before_sympy_is_imported(argv: list[str]) -> None:
    """A bad flag, flags that do not go together, an output that cannot be written, and
    ``--help`` are answered before SymPy is imported (the derivations are not built)."""
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", *argv],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert proc.returncode == (0 if argv[-1] == "--help" else 2), proc.stderr[-500:]
    imported = {
        line.split("|")[-1].strip()
        for line in proc.stderr.splitlines()
        if line.startswith("import time:")
    }
    assert imported and not {m for m in imported if m.split(".")[0] in ("sympy", "mpmath")}
    if argv[-1] == "--help":
        title = {"derive.crossentropy": "Why the cross-entropy", "derive.errata": "errata: every"}
        assert title[argv[0]] in proc.stdout  # the title, as before


@pytest.mark.parametrize("delta", ["C'(a)", "\\int a\\,da", "\\frac{\\partial C}{\\partial a}"])
def test_a_delta_without_a_numeric_value_is_refused(delta: str, capsys) -> None:
    from numeric.gradcheck import main

    with pytest.raises(SystemExit) as exit_:
        main(["--nets", "1", "--delta", delta])
    assert exit_.value.code == 2
    assert "--delta" in capsys.readouterr().err


def test_gradcheck_refuses_networks_that_do_not_fit_in_memory(capsys) -> None:
    from numeric.gradcheck import main

    with pytest.raises(SystemExit) as exit_:
        main(["--sizes", "100000,100000"])
    assert exit_.value.code == 2
    assert "GiB" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv",
    [
        ["derive.check", "--steps", "/dev/zero"],
        ["derive.check", "--steps", "/dev/zero", "--format", "latex"],
        ["derive.stepcheck", "/dev/zero"],
        ["derive.check", "--batch", "/dev/zero", "-o", "/tmp/never-written.csv"],
    ],
)
def test_a_device_that_never_ends_is_read_only_up_to_the_limit(argv: list[str]) -> None:
    """A device or a pipe reports no size: the reader stops at its byte limit (6.9 GB before)."""
    outcome = run(argv)
    assert outcome.code == 2 and "larger than" in outcome.stderr
    assert outcome.max_rss_mb < 400


def test_a_log_rule_that_fails_where_a_is_below_y_is_wrong_and_says_why() -> None:
    """ln((a − y)²) = 2 ln(a − y) looks right but is not real for a < y (0 < a < 1, y ∈ [0, 1])."""
    report = stepcheck.check_text("\\ln((a-y)^2)\n= 2\\ln(a-y)")
    assert report.first_wrong == 2
    detail = report.results[1].detail
    assert "one side is not real there" in detail and "= there" not in detail


@pytest.mark.parametrize("answer", ["\\frac{1}{1+\\exp(-z)} - y", "\\frac{e^{z}}{e^{z}+1} - y"])
def test_ce_db_written_as_the_logistic_formula_is_correct(answer: str) -> None:
    assert grade_now("ce-db", answer).verdict == "correct"


def test_ctrl_c_inside_a_callback_python_cannot_raise_from_still_ends_the_command() -> None:
    """Ctrl-C landing in a garbage-collection callback (JAX has one) is not printed as
    'Exception ignored … Traceback' and dropped: the command still stops with one line, 130."""
    code = (
        "from derive.engine.console import entry\n"
        "import gc, time\n"
        "class X:\n"
        "    def __del__(self):\n"
        "        raise KeyboardInterrupt\n"
        "def main(argv):\n"
        "    X()\n"
        "    gc.collect()\n"
        "    for _ in range(500):\n"
        "        time.sleep(0.01)\n"
        "    print('finished')\n"
        "entry(main, prog='demo')\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 130
    assert proc.stderr == "demo: interrupted\n" and proc.stdout == ""


def test_a_command_leaves_its_imports_to_the_os_but_loses_nothing_at_exit(
    tmp_path: Path,
) -> None:
    """What the imports built is frozen (no collection walks it, none frees it at exit: the OS
    does), yet what a program relies on at exit still happens: atexit handlers and
    ``weakref.finalize`` callbacks (temporary files and directories) run."""
    code = (
        "import atexit, gc, sys, weakref\n"
        "from derive.engine.console import entry\n"
        "class Holder:\n"
        "    pass\n"
        "def main(argv):\n"
        f"    d = {str(tmp_path)!r}\n"
        "    h = Holder()\n"
        "    h.me = h\n"
        "    weakref.finalize(h, lambda: open(d + '/finalized', 'w').close())\n"
        "    frozen = str(gc.get_freeze_count() > 1000)\n"
        "    atexit.register(lambda: open(d + '/atexit', 'w').write(frozen))\n"
        "    print('done')\n"
        "    return 0\n"
        "entry(main, prog='demo')\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "done\n", "")
    assert (tmp_path / "atexit").read_text() == "True"  # the imports' objects were frozen
    assert (tmp_path / "finalized").exists()


def test_an_output_that_cannot_be_written_is_refused_as_the_arguments_are_read(
    tmp_path: Path,
) -> None:
    """``-o`` of every command: a name that is empty, a directory, or in a directory that does
    not exist is refused before any work; a new file in an existing directory is accepted."""
    for bad, why in [
        ("", "empty"),
        (str(tmp_path), "is a directory"),
        (str(tmp_path / "missing" / "out.tex"), "is not a directory"),
        (str(tmp_path / "file.txt" / "out.tex"), "is not a directory"),
    ]:
        (tmp_path / "file.txt").write_text("x")
        with pytest.raises(argparse.ArgumentTypeError, match=why):
            output_path(bad)
    assert output_path(str(tmp_path / "new.tex")) == str(tmp_path / "new.tex")
    link = tmp_path / "dangling.tex"
    link.symlink_to(tmp_path / "target.tex")  # written through: accepted
    assert output_path(str(link)) == str(link)


def test_an_output_named_in_a_removed_working_directory_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gone = tmp_path / "gone"
    gone.mkdir()
    monkeypatch.chdir(gone)
    gone.rmdir()
    with pytest.raises(argparse.ArgumentTypeError, match=r"cannot write out\.tex"):
        output_path("out.tex")
