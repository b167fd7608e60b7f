"""The Markdown output renders in a browser: every formula through KaTeX, default settings.

KaTeX (the npm package, run by node) is installed at test time into a cache directory
(``$DERIVE_KATEX_DIR``, default ``~/.cache/derive-katex``). Without node or npm the test is
skipped locally; with ``CI`` set it fails instead, like the pdflatex tests.

Every ``$$…$$`` and ``$…$`` of the Markdown of every derivation command (en and cs) and of
the errata is rendered with ``throwOnError: true``: an unknown macro or a parse error fails.
No size command (``\\small``…) may appear inside math: MathJax 3's default configuration shows
it literally.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from derive.engine.render import document
from derive.lecture import backprop, crossentropy, errata, quadratic

pytestmark = pytest.mark.katex

KATEX_VERSION = "0.16"
_RENDER = r"""
const katex = require(process.argv[1]);
const items = JSON.parse(require("fs").readFileSync(0, "utf8"));
const errors = [];
for (const [tex, display] of items) {
  try {
    const html = katex.renderToString(tex, {displayMode: display, throwOnError: true});
    const text = html.replace(/<annotation[\s\S]*?<\/annotation>/g, "").replace(/<[^>]+>/g, "");
    if (/\\[A-Za-z]/.test(text)) errors.push(["literal macro", tex]);
  } catch (e) {
    errors.push([String(e.message || e), tex]);
  }
}
process.stdout.write(JSON.stringify(errors));
"""


@pytest.fixture(scope="module")
def katex_module() -> Path:
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        if os.environ.get("CI"):
            pytest.fail("CI is set but node/npm is missing: the KaTeX test must run")
        pytest.skip("node/npm not installed")
    prefix = Path(os.environ.get("DERIVE_KATEX_DIR", Path.home() / ".cache" / "derive-katex"))
    module = prefix / "node_modules" / "katex"
    prefix.mkdir(parents=True, exist_ok=True)
    # one install at a time: the tests run in several processes (pytest-xdist)
    with open(prefix / ".install-lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        _install_katex(npm, prefix, module)
    return module


def _install_katex(npm: str, prefix: Path, module: Path) -> None:
    if not (module / "package.json").exists():
        proc = subprocess.run(
            [
                npm,
                "install",
                "--no-audit",
                "--no-fund",
                "--prefix",
                str(prefix),
                f"katex@{KATEX_VERSION}",
            ],
            capture_output=True,
            text=True,
            timeout=300,
        )
        if proc.returncode != 0:
            pytest.fail(f"npm install katex failed: {proc.stderr[-2000:]}")


def _formulas(markdown: str) -> list[tuple[str, bool]]:
    """The ``$$…$$`` (display) and ``$…$`` (inline) formulas of a Markdown text."""
    out: list[tuple[str, bool]] = []
    rest = re.sub(r"`[^`]*`", "", markdown)  # code spans are not math
    for m in re.finditer(r"\$\$(.+?)\$\$", rest, re.S):
        out.append((m.group(1), True))
    rest = re.sub(r"\$\$(.+?)\$\$", "", rest, flags=re.S)
    for m in re.finditer(r"(?<![\\$])\$([^$\n]+?)(?<!\\)\$", rest):
        out.append((m.group(1), False))
    return out


def _markdown_outputs() -> dict[str, str]:
    outs = {}
    for name, mod in (
        ("crossentropy", crossentropy),
        ("quadratic", quadratic),
        ("backprop", backprop),
    ):
        for lang in ("en", "cs"):
            outs[f"{name}-{lang}"] = document(mod.DERIVATIONS, mod.TITLE, lang=lang, fmt="markdown")
    outs["jupyter"] = "\n".join(d._repr_latex_() for d in crossentropy.DERIVATIONS)
    return outs


def _render(katex_module: Path, formulas: list[tuple[str, bool]]) -> list[list[str]]:
    node = shutil.which("node")
    assert node is not None
    proc = subprocess.run(
        [node, "-e", _RENDER, str(katex_module)],
        input=json.dumps(formulas),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout)


def test_every_markdown_formula_renders_with_katex_defaults(katex_module: Path) -> None:
    outputs = _markdown_outputs()
    formulas = [f for md in outputs.values() for f in _formulas(md)]
    assert len(formulas) > 300  # every derivation's block and the inline math of the prose
    errors = _render(katex_module, formulas)
    assert errors == [], errors[:5]


def test_the_checker_would_catch_a_bad_formula(katex_module: Path) -> None:
    errors = _render(katex_module, [(r"\text{\nosuchmacro x}", False), (r"\frac{1}{", True)])
    assert len(errors) == 2


def test_markdown_math_has_no_size_commands_or_nested_dollars() -> None:
    for name, md in _markdown_outputs().items():
        for tex, _display in _formulas(md):
            assert not re.search(r"\\(small|scriptsize|footnotesize|tiny|large)\b", tex), name
            assert "$" not in tex.replace(r"\$", ""), name


def test_errata_markdown_renders_with_katex_defaults(katex_module: Path) -> None:
    statuses = errata.errata(errata.SOURCES)
    md = "\n".join(errata.render(statuses, lang=lang, fmt="markdown") for lang in ("en", "cs"))
    formulas = _formulas(md)
    assert len(formulas) > 50  # the claims, corrections and notes carry inline math
    errors = _render(katex_module, formulas)
    assert errors == [], errors[:5]
