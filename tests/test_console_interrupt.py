"""Ctrl-C that lands inside a callback Python cannot propagate from (JAX registers a ``gc``
callback) still ends a command with one line and status 130, not "Exception ignored in …"."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROGRAM = textwrap.dedent(
    """
    import gc, time
    from derive.engine.console import entry

    def main(argv):
        def interrupted_in_gc(phase, info):
            gc.callbacks.remove(interrupted_in_gc)
            raise KeyboardInterrupt  # as a Ctrl-C arriving while JAX's gc callback runs
        gc.callbacks.append(interrupted_in_gc)
        gc.collect()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:  # work that the interrupt must stop
            pass
        print("finished")
        return 0

    entry(main, [], prog="demo")
    """
)


def test_a_ctrl_c_swallowed_by_a_gc_callback_still_interrupts_the_command() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-c", PROGRAM], capture_output=True, text=True, env=env, timeout=120
    )
    assert proc.returncode == 130, (proc.returncode, proc.stderr)
    assert proc.stderr.strip() == "demo: interrupted"
    assert "finished" not in proc.stdout
