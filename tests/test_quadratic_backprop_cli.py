"""`python -m derive.quadratic` and `python -m derive.backprop`: the same flags and behaviour as
`python -m derive.crossentropy` (the compiled documents: tests/test_typesetting.py)."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import pytest

from derive.engine.cli import run
from derive.lecture import backprop, quadratic
from derive.lecture.closedforms import MSE_DB

MODULES = {"quadratic": quadratic, "backprop": backprop}


def _run(module: str, *args: str) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", f"derive.{module}", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("module", MODULES)
def test_check_verifies_every_step_and_exits_0(module: str) -> None:
    proc = _run(module, "--check")
    assert proc.returncode == 0, proc.stdout[-2000:]
    assert proc.stderr == ""
    total = sum(len(d.steps) for d in MODULES[module].DERIVATIONS)
    assert f"{total} steps checked just now, 0 failed." in proc.stdout


def test_check_exits_1_and_names_a_broken_step(capsys: pytest.CaptureFixture[str]) -> None:
    d = quadratic.QUADRATIC_GRADIENTS
    steps = list(d.steps)
    steps[3] = dataclasses.replace(steps[3], expr=2 * MSE_DB)  # the slides' factor 2, wrongly
    broken = dataclasses.replace(d, steps=tuple(steps))
    assert run([broken], quadratic.TITLE, ["--check"], prog="x") == 1
    out = capsys.readouterr().out
    assert "FAILED: quadratic-gradients #4" in out and "differs at" in out


@pytest.mark.parametrize("module", MODULES)
@pytest.mark.parametrize(
    "bad",
    [["--lang", "de"], ["--format", "pdf"], ["--bogus"], ["--standalone", "--format", "text"]],
)
def test_bad_flags_give_usage_and_exit_2(
    module: str, bad: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exc:
        MODULES[module].main(bad)
    assert exc.value.code == 2
    assert f"usage: python -m derive.{module}" in capsys.readouterr().err


def test_unwritable_output_exits_2(
    tmp_path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Refused as the arguments are read, before anything is derived; a write that fails
    later (the directory gone in between) is still status 2 with a message."""
    with pytest.raises(SystemExit) as exit_:
        quadratic.main(["-o", str(tmp_path / "no" / "such" / "file.tex")])
    assert exit_.value.code == 2
    assert "cannot write" in capsys.readouterr().err

    def full_disk(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "write_text", full_disk)
    assert quadratic.main(["-o", str(tmp_path / "file.tex")]) == 2
    assert "cannot write" in capsys.readouterr().err


def test_text_and_markdown_formats_read_in_written_order(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert backprop.main(["--format", "text"]) == 0
    text = capsys.readouterr().out
    assert "Backpropagation and the output error" in text
    assert "= a^L_j − y_j" in text  # δ^L = a^L − y, in the order a person writes it
    assert quadratic.main(["--format", "markdown", "--lang", "cs"]) == 0
    md = capsys.readouterr().out
    assert md.startswith("## Proč se s kvadratickou účelovou funkcí")
    assert "$$\\begin{aligned}" in md


def test_readme_section_lists_the_commands_and_the_step_counts() -> None:
    readme = (Path(__file__).parents[1] / "docs" / "quadratic-backprop.md").read_text("utf-8")
    start = readme.index("<!-- section: quadratic-backprop -->")
    section = readme[start : readme.index("<!-- /section: quadratic-backprop -->")]
    assert "python -m derive.quadratic" in section and "python -m derive.backprop" in section
    counts = [sum(len(d.steps) for d in m.DERIVATIONS) for m in (quadratic, backprop)]
    assert f"({counts[0]} and {counts[1]} steps;" in section
    ratio = quadratic.RATIOS[(2, 2)]
    assert f"= {ratio:.2f} at" in section
