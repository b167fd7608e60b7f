"""KaTeX inlined into one HTML file: a document that renders its formulas offline.

The web page serves KaTeX from ``static/katex`` (0.19.1, shipped in the package, no CDN). A file
handed out on its own (the class report of ``derive.check --batch … --report FILE.html``) has
no server next to it, so :func:`inline_head` puts the same KaTeX inside the file: the script,
and the style sheet with its WOFF2 fonts as ``data:`` URLs (the other font formats the style
sheet names are dropped: every browser that runs KaTeX reads WOFF2). About 0.65 MB per file.
"""

from __future__ import annotations

import base64
import re
from functools import cache
from importlib import resources

__all__ = ["inline_head"]

#: a font's sources: the WOFF2 file first, then the formats dropped here
_FONT = re.compile(
    r'url\(fonts/([A-Za-z0-9_-]+)\.woff2\) format\("woff2"\)(?:,url\([^)]*\) format\("[a-z]+"\))*'
)


def _asset(name: str) -> bytes:
    return resources.files("derive.web").joinpath("static", "katex", name).read_bytes()


@cache
def inline_head() -> str:
    """``<style>`` and ``<script>`` elements holding the shipped KaTeX, for a document's head;
    the script defines ``window.katex``. Raises ``ValueError`` if the shipped files are not
    what this function expects (a font it cannot inline, ``</`` inside the script)."""
    css = _asset("katex.min.css").decode("utf-8")

    def font(m: re.Match[str]) -> str:
        data = base64.b64encode(_asset(f"fonts/{m.group(1)}.woff2")).decode("ascii")
        return f'url(data:font/woff2;base64,{data}) format("woff2")'

    css = _FONT.sub(font, css)
    if "url(fonts/" in css:
        raise ValueError("katex.min.css names a font that is not inlined")
    script = _asset("katex.min.js").decode("utf-8")
    # "</script" would end the element early: every "</" in KaTeX opens a string literal
    # ("</span>" …), where "<\/" is the same string; anything else is refused
    if re.search(r"(?<![\"'])</", script) or "</" in css or "<!--" in script:
        raise ValueError("KaTeX's files cannot be inlined in HTML as they are")
    script = script.replace("</", "<\\/")
    return f"<style>{css}</style>\n<script>{script}</script>"
