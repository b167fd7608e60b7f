"""Every command of the README's table, driven through one shared list of bad inputs.

For each command and each bad input that applies to it: the exit status is the documented one
(2 for bad input, 130 for Ctrl-C, the command's own status or 141 when stdout is closed early),
stderr carries at most a short message and never a traceback, and the run stays within a time
and a memory bound (measured here with ``wait4``). A command in the README's table without an
entry here fails :func:`test_every_readme_command_is_driven_through_the_bad_inputs`, so a new
command cannot forget one.
"""

from __future__ import annotations

import os
import re
import shlex
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: the worst a bad input may cost one command (JAX's import and one compile included)
MAX_SECONDS = 90
MAX_RSS_MB = 1500


@dataclass(frozen=True)
class Command:
    """How to drive one command: a cheap normal run, a bad flag value, where output goes, and
    the inputs it reads (text arguments or files)."""

    module: str
    smoke: tuple[str, ...]
    bad_value: tuple[str, ...]
    output_flag: str | None = None
    #: how a text input is given: the argv with ``{}`` where the text goes
    text_input: tuple[str, ...] | None = None
    #: how a file input is given: the argv with ``{}`` where the path goes
    file_input: tuple[str, ...] | None = None


COMMANDS = {
    "derive.crossentropy": Command(
        "derive.crossentropy", ("--format", "text"), ("--lang", "xx"), output_flag="-o"
    ),
    "derive.quadratic": Command(
        "derive.quadratic", ("--format", "text"), ("--format", "pdf"), output_flag="-o"
    ),
    "derive.backprop": Command(
        "derive.backprop", ("--format", "text"), ("--lang", ""), output_flag="-o"
    ),
    "derive.errata": Command(
        "derive.errata", ("--format", "text"), ("--lang", "de"), output_flag="-o"
    ),
    "derive.check": Command(
        "derive.check",
        ("ce-db", "a - y"),
        ("--timeout", "nan"),
        text_input=("ce-db", "{}"),
        file_input=("--batch", "{}", "-o", "OUT"),
    ),
    "derive.check --steps": Command(
        "derive.check",
        ("--steps", str(ROOT / "derive/data/examples/mse-gradient.steps")),
        ("--steps", str(ROOT / "derive/data/examples/mse-gradient.steps"), "--timeout", "inf"),
        file_input=("--steps", "{}"),
    ),
    "derive.check --reference": Command(
        "derive.check",
        ("--reference", "a - y", "y - a"),
        ("--reference", "a", "a", "--domain", "a:(1,0)"),
        text_input=("--reference", "a - y", "{}"),
    ),
    "derive.stepcheck": Command(
        "derive.stepcheck",
        (str(ROOT / "derive/data/examples/mse-gradient.steps"),),
        (str(ROOT / "derive/data/examples/mse-gradient.steps"), "--timeout", "-1"),
        file_input=("{}",),
    ),
    "derive.rebuild": Command(
        "derive.rebuild",
        ("--activation", "identity", "--format", "text"),
        ("--activation", "relu"),
        output_flag="-o",
        text_input=("--activation", "{}"),
    ),
    "derive.serve": Command("derive.serve", ("--check", "--port", "0"), ("--port", "70000")),
    "numeric.gradcheck": Command(
        "numeric.gradcheck",
        ("--cost", "quadratic", "--nets", "2", "--sizes", "2,2"),
        ("--sizes", "100000,100000"),
        text_input=("--cost", "quadratic", "--nets", "2", "--sizes", "2,2", "--delta", "{}"),
    ),
    "numeric.slowdown": Command(
        "numeric.slowdown",
        ("--epochs", "3", "--starts", "-1,3"),
        ("--epochs", "0"),
        output_flag="--out",
    ),
}


@dataclass(frozen=True)
class Outcome:
    code: int
    stdout: str
    stderr: str
    seconds: float
    max_rss_mb: float


def run(
    argv: list[str],
    *,
    close_stdout: bool = False,
    sigint_after: float | None = None,
    cwd: Path = ROOT,
) -> Outcome:
    """Run ``python -m argv`` and measure its wall time and peak memory (``wait4``)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "100"}
    start = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-m", *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        cwd=cwd,
        env=env,
    )
    assert proc.stdout is not None and proc.stderr is not None
    if close_stdout:
        proc.stdout.close()  # the reader went away, like `cmd | head -c0`
    if sigint_after is not None:
        time.sleep(sigint_after)
        os.kill(proc.pid, signal.SIGINT)  # not proc.send_signal: it may reap the child first
    deadline = start + MAX_SECONDS
    stdout = b""
    if not close_stdout:
        stdout = proc.stdout.read()
    stderr = proc.stderr.read()
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"{argv} ran longer than {MAX_SECONDS} s")
        time.sleep(0.02)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return Outcome(
        proc.returncode,
        stdout.decode("utf-8", "replace"),
        stderr.decode("utf-8", "replace"),
        time.monotonic() - start,
        usage.ru_maxrss / 1024,
    )


def assert_clean(outcome: Outcome, codes: set[int]) -> None:
    """The documented status, a short message at most, no traceback, bounded resources."""
    assert "Traceback" not in outcome.stderr, outcome.stderr
    assert "Traceback" not in outcome.stdout, outcome.stdout
    assert outcome.code in codes, (outcome.code, outcome.stderr[-500:])
    lines = [line for line in outcome.stderr.splitlines() if line.strip()]
    messages = [line for line in lines if not line.startswith((" ", "usage:"))]
    assert len(messages) <= 2, outcome.stderr  # one message (plus a summary line at most)
    assert outcome.seconds < MAX_SECONDS
    assert outcome.max_rss_mb < MAX_RSS_MB, outcome.max_rss_mb


def _cases() -> list[tuple[str, str]]:
    cases = []
    for name, cmd in COMMANDS.items():
        cases += [(name, "unknown-flag"), (name, "bad-value"), (name, "closed-stdout")]
        if cmd.output_flag is not None:
            cases.append((name, "unwritable-output"))
        if cmd.text_input is not None:
            cases += [(name, "empty-text"), (name, "huge-text"), (name, "binary-text")]
        if cmd.file_input is not None:
            cases += [
                (name, "empty-file"),
                (name, "huge-file"),
                (name, "binary-file"),
                (name, "missing-file"),
            ]
    return cases


def _fill(template: tuple[str, ...], value: str, tmp_path: Path) -> list[str]:
    return [
        value if t == "{}" else str(tmp_path / "out.csv") if t == "OUT" else t for t in template
    ]


#: what each kind of bad input may end with: 2 is "bad input"; a text input is graded, so an
#: answer may also be "incorrect" (1); a closed stdout keeps the command's status or gives 141
EXPECTED = {
    "unknown-flag": {2},
    "bad-value": {2},
    "unwritable-output": {2},
    "empty-text": {2},
    "huge-text": {1, 2},
    "binary-text": {1, 2},
    "empty-file": {2},
    "huge-file": {2},
    "binary-file": {2},
    "missing-file": {2},
    "closed-stdout": {0, 1, 141},
}


@pytest.mark.parametrize(("name", "case"), _cases(), ids=lambda v: v)
def test_a_bad_input_gets_a_message_and_a_status_never_a_traceback(
    name: str, case: str, tmp_path: Path
) -> None:
    cmd = COMMANDS[name]
    argv = [cmd.module]
    close_stdout = False
    if case == "unknown-flag":
        argv += [*cmd.smoke, "--no-such-flag"]
    elif case == "bad-value":
        argv += list(cmd.bad_value)
    elif case == "closed-stdout":
        argv += list(cmd.smoke)
        close_stdout = True
    elif case == "unwritable-output":
        assert cmd.output_flag is not None
        argv += [*cmd.smoke, cmd.output_flag, "/proc/no-such-dir/out"]
    elif case.endswith("-text"):
        assert cmd.text_input is not None
        text = {
            "empty-text": "",
            "huge-text": "a+" * 50_000 + "a",
            "binary-text": "\x00\x01\udcff\x7f",
        }[case]
        text = text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        argv += _fill(cmd.text_input, text.replace("\x00", ""), tmp_path)
    else:
        assert cmd.file_input is not None
        path = tmp_path / "input.txt"
        if case == "empty-file":
            path.write_bytes(b"")
        elif case == "huge-file":
            path.write_bytes(b"a + y\n" * 3_000_000)  # 18 MB
        elif case == "binary-file":
            path.write_bytes(bytes(range(256)) * 64)
        argv += _fill(cmd.file_input, str(path), tmp_path)
    outcome = run(argv, close_stdout=close_stdout)
    assert_clean(outcome, EXPECTED[case])


@pytest.mark.parametrize("name", ["derive.check", "derive.crossentropy", "numeric.gradcheck"])
def test_ctrl_c_ends_with_one_line_and_status_130(name: str) -> None:
    """Interrupted while importing or working: one line, status 130."""
    cmd = COMMANDS[name]
    argv = [cmd.module, *cmd.smoke]
    if name == "numeric.gradcheck":
        argv = [cmd.module, "--nets", "100000", "--cost", "all"]
    outcome = run(argv, sigint_after=2.5)  # past start-up even on a loaded machine
    if outcome.code != 130:  # finished before the signal: nothing to interrupt
        assert outcome.code in {0, 1}
    else:
        assert outcome.stderr.strip().endswith("interrupted"), outcome.stderr
    assert_clean(outcome, {0, 1, 130})


def test_every_readme_command_is_driven_through_the_bad_inputs() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = [line for line in readme.splitlines() if line.startswith("| `python -m ")]
    named = {m for line in table for m in re.findall(r"python -m ([\w.]+)", line)}
    assert named, "the README has a command table"
    assert named <= {c.module for c in COMMANDS.values()}, named


def test_a_closed_pipe_after_the_first_line_is_quiet() -> None:
    """``python -m derive.check --list | head -1``: the reader leaves after one line."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for argv in (["derive.check", "--list"], ["derive.check", "ce-db", "a - y"]):
        proc = subprocess.run(
            f"{shlex.join([sys.executable, '-m', *argv])} | head -1",
            shell=True,
            capture_output=True,
            text=True,
            cwd=ROOT,
            env=env,
            timeout=60,
        )
        assert proc.stdout.count("\n") == 1
        assert "Traceback" not in proc.stderr and "Error" not in proc.stderr, proc.stderr
