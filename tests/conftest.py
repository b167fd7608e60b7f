"""Shared test configuration.

Tests that compile LaTeX use the ``pdflatex`` fixture; a compiled document fails its test if
the log reports an overfull box wider than 1 pt (a line running into the margin). Without the
binary they are skipped locally; when ``CI`` is set, a missing ``pdflatex`` fails the test
instead: CI must really compile the documents.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

# ``python -m numeric.gradcheck`` stores compiled programs in the user's cache by default; the
# tests (and the programs they start) must not write there. Tests of the cache set their own
# NUMERIC_CACHE_DIR (a tmp dir) and remove this variable for the program they run.
os.environ["NUMERIC_NO_CACHE"] = "1"

# Tests that send Ctrl-C to a command expect what a terminal gives it. A pytest started in the
# background (``pytest &``) ignores SIGINT, and the commands it starts would inherit that (and
# finish instead of being interrupted): handled here, a child starts with the default again.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


@pytest.fixture(scope="session")
def pdflatex() -> str:
    path = shutil.which("pdflatex")
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("CI is set but pdflatex is missing: the LaTeX compile tests must run")
        pytest.skip("pdflatex not installed")
    return path


@pytest.fixture
def compile_latex(pdflatex: str, tmp_path: Path) -> Callable[[str, str], Path]:
    """Compile a standalone LaTeX document with a real pdflatex; return the PDF's path."""

    def run(source: str, name: str = "doc") -> Path:
        tex = tmp_path / f"{name}.tex"
        tex.write_text(source, encoding="utf-8")
        proc = subprocess.run(
            [pdflatex, "-interaction=nonstopmode", "-halt-on-error", tex.name],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            errors="replace",
            timeout=120,
        )
        pdf = tmp_path / f"{name}.pdf"
        assert proc.returncode == 0 and pdf.exists(), proc.stdout[-3000:]
        assert pdf.read_bytes().startswith(b"%PDF")
        log = (tmp_path / f"{name}.log").read_text(encoding="latin-1")
        overfull = [
            m.group(0)
            for m in re.finditer(r"Overfull \\hbox \(([0-9.]+)pt too wide\)[^\n]*", log)
            if float(m.group(1)) > 1.0
        ]
        assert not overfull, f"{name}: {overfull}"
        return pdf

    return run
