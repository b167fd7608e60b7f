"""Shared by the web checker's tests: start a real ``python -m derive.serve`` on a free port."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = Path(os.environ.get("DERIVE_TEST_ARTIFACTS", ROOT / "tests" / "artifacts" / "serve"))
TOKEN = "test-instructor-token"


@contextmanager
def running_server(*flags: str, startup: float = 90.0) -> Iterator[str]:
    """A real server (uvicorn, port 0 = a free port) in a subprocess; yields its base URL
    and stops it with Ctrl-C (SIGINT) afterwards, checking that it stopped cleanly."""
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "derive.serve", "--port", "0", "--instructor-token", TOKEN, *flags],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        url = None
        deadline = time.monotonic() + startup
        assert proc.stdout is not None
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            m = re.search(r"(http://\S+/)", line)
            if m:
                url = m.group(1)
                break
        assert url, f"the server did not print its URL (exit {proc.poll()})"
        yield url.rstrip("/")
    finally:
        proc.send_signal(2)  # Ctrl-C
        try:
            out, _ = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, _ = proc.communicate()
            raise AssertionError("the server did not stop on Ctrl-C") from None
    assert "Traceback" not in out, out
    assert proc.returncode == 0, out
