"""Prose with inline math: the justifications, intros and notes of the derivations.

The data write prose in Unicode, with formulas inline as a reader would type them:
``"chain rule, a = σ(z), z = wx + b"``, ``"∫ dt/t = ln t, since t > 0"``. :func:`segments`
splits such a string into text and math runs; the math runs are translated to LaTeX by a
small tokenizer (σ → ``\\sigma``, ``Σ_k`` → ``\\sum_k``, ``w^{l+1}_ki`` → ``w^{l+1}_{ki}``,
``−`` → ``-``, ``²`` → ``^{2}``, ``ln`` → ``\\ln``), never by evaluating anything.

A math run is a maximal stretch of formula tokens (operators, Greek letters, scripted names,
single letters, numbers, brackets) that contains at least one operator or scripted name; a
lone single letter is a variable unless it is a one-letter word of the language followed by
a word (English *a*; Czech *a, i, k, o, s, u, v, z*).

Everything else is text, and text reaches LaTeX only through :func:`escape_text`, which turns
every character TeX treats specially into a printable one (``\\input`` prints as
``\\input``, never reads a file).
"""

from __future__ import annotations

import re

__all__ = [
    "escape_text",
    "in_markdown",
    "in_math",
    "in_text",
    "math_latex",
    "segments",
]

# characters that make a run math on their own
_OPERATORS = "=<>≤≥≠+−/²³ᵀ⊙·∈→⇒⇔∂∫∇±½Σσδρηξ≈×∞‖|'"
_PREFIX_OPERATORS = "".join(c for c in _OPERATORS if c not in "²³ᵀ'")
_GREEK = {
    "σ": r"\sigma",
    "δ": r"\delta",
    "ρ": r"\rho",
    "η": r"\eta",
    "ξ": r"\xi",
    "Σ": r"\sum",
}
_SYMBOLS = {
    "−": "-",
    "≤": r"\le ",
    "≥": r"\ge ",
    "≠": r"\ne ",
    "⊙": r"\odot ",
    "·": r"\cdot ",
    "∈": r"\in ",
    "→": r"\to ",
    "⇒": r"\Rightarrow ",
    "⇔": r"\Leftrightarrow ",
    "∂": r"\partial ",
    "∇": r"\nabla ",
    "±": r"\pm ",
    "½": r"\tfrac{1}{2}",
    "∫": r"\int ",
    "≈": r"\approx ",
    "×": r"\times ",
    "∞": r"\infty ",
    "‖": r"\| ",
    "…": r"\ldots ",
    "²": "^{2}",
    "³": "^{3}",
    "ᵀ": r"^{\mathsf{T}}",
}
_SCRIPT = r"[_^](?:\{(?:[^{}]|\{[^{}]*\})*\}|[^\W_]+)"
_TOKEN = re.compile(
    r"(?P<abbr>\b(?:e\.g\.|i\.e\.|tj\.|např\.|resp\.)|(?<=[^\W\d_]{2})'s\b)"
    r"|(?P<word>[^\W\d_²³ᵀ][^\W_²³ᵀ]*(?:" + _SCRIPT + r")*)"
    r"|(?P<num>\d+(?:[.,]\d+)?)"
    r"|(?P<bars>\|\|)"
    r"|(?P<space>\s+)"
    r"|(?P<other>.)",
    re.S,
)
#: identifiers written as words inside formulas
_MATH_WORDS = {"ln", "wx", "ay", "da", "dt", "dz", "e", "exp", "lim", "max", "min"}
#: one-letter words of the languages (when followed by a word)
_LETTER_WORDS = {
    "en": {"a", "A", "I"},
    "cs": {"a", "i", "k", "o", "s", "u", "v", "z", "A", "I", "O", "S", "U", "V", "Z"},
}


def _kind(toks: list[tuple[str, str]], i: int, depth: int, lang: str) -> str:
    """'S' (strong: makes a run math), 'W' (weak: may be part of one), 'T' (text)."""
    tok, group = toks[i]
    prev = toks[i - 1][0] if i else ""
    if group == "word":
        if "_" in tok or "^" in tok or any(c in _GREEK for c in tok) or tok == "ln":
            return "S"
        if tok in _LETTER_WORDS[lang] and _is_word(toks, i, lang):
            return "T"
        if len(tok) == 1 and i + 1 < len(toks) and toks[i + 1][0] == "(":
            return "S"
        if len(tok) == 1 or tok in _MATH_WORDS:
            return "W"
        return "T"
    if group in ("num", "space"):
        return "W"
    if group == "bars":
        return "S"
    if tok == "'":
        mathy = prev in (")", "'") or (len(prev) == 1 and prev.isalpha()) or "_" in prev
        return "S" if mathy or any(c in _GREEK for c in prev) else "T"
    if tok == "/" and (_is_text_word(toks, i - 1) or _is_text_word(toks, i + 1)):
        return "T"  # a path or "and/or", not a fraction
    if tok in _OPERATORS:
        return "S"
    if tok in "()[]…":
        return "W"
    if tok == "," and depth > 0:
        return "W"
    if tok == "-" and (prev == "(" or (i + 1 < len(toks) and toks[i + 1][1] == "num")):
        return "S" if prev != "(" else "W"
    return "T"


def _is_text_word(toks: list[tuple[str, str]], k: int) -> bool:
    """Whether ``toks[k]`` is a word of two letters or more that is no formula."""
    if not 0 <= k < len(toks) or toks[k][1] != "word":
        return False
    tok = toks[k][0]
    plain = "_" not in tok and "^" not in tok and not any(c in _GREEK for c in tok)
    return plain and len(tok) > 1 and tok not in _MATH_WORDS


def _is_word(toks: list[tuple[str, str]], i: int, lang: str) -> bool:
    """Whether the one-letter token ``toks[i]`` is a word of the language (not a variable).

    A variable when an operator or ``ln`` comes before it, or a bracket right after it.
    Otherwise English *a* is the article before a word; a Czech preposition or conjunction
    is one unless a relation, an operator or the end of the phrase follows it.
    """
    k = i - 1
    while k >= 0 and toks[k][1] == "space":
        k -= 1
    if k >= 0 and (toks[k][0] in _PREFIX_OPERATORS or toks[k][0] == "ln"):
        return False
    k = i + 1
    if k < len(toks) and toks[k][0] in "(_^'":
        return False
    while k < len(toks) and toks[k][1] == "space":
        k += 1
    if k >= len(toks):
        return False
    tok, group = toks[k]
    if lang == "en":
        return group in ("word", "abbr") and len(tok) > 1 and "_" not in tok and "^" not in tok
    return group in ("word", "abbr", "num") or tok in "∂∫(|"


def segments(prose: str, lang: str = "en") -> list[tuple[bool, str]]:
    """``prose`` as (is_math, source) runs, in order; the runs concatenate to ``prose``
    (less its control characters, which are dropped)."""
    prose = "".join(ch for ch in prose if ch.isprintable() or ch in "\n\t")
    toks: list[tuple[str, str]] = [
        (m.group(0), m.lastgroup or "other") for m in _TOKEN.finditer(prose)
    ]
    kinds: list[str] = []
    depth = 0
    for i, (tok, _group) in enumerate(toks):
        kinds.append(_kind(toks, i, depth, lang))
        depth += {"(": 1, ")": -1, "[": 1, "]": -1}.get(tok, 0)
        depth = max(depth, 0)
    out: list[tuple[bool, str]] = []
    i = 0
    while i < len(toks):
        if kinds[i] == "T":
            out.append((False, toks[i][0]))
            i += 1
            continue
        j = i
        while j < len(toks) and kinds[j] != "T":
            j += 1
        out.extend(_classify_run(toks, kinds, i, j, lang))
        i = j
    return _merge(out)


def _classify_run(
    toks: list[tuple[str, str]], kinds: list[str], i: int, j: int, lang: str
) -> list[tuple[bool, str]]:
    """A stretch of formula-capable tokens: trimmed math if it has a strong token."""
    lo, hi = i, j
    while lo < hi and (toks[lo][1] == "space" or toks[lo][0] in ",)"):
        lo += 1
    while hi > lo and (toks[hi - 1][1] == "space" or toks[hi - 1][0] in ",("):
        hi -= 1
    lo, hi = _balance(toks, lo, hi)
    core = toks[lo:hi]
    strong = "S" in kinds[lo:hi]
    before = [(False, t) for t, _ in toks[i:lo]]
    after = [(False, t) for t, _ in toks[hi:j]]
    if strong:
        return [*before, (True, "".join(t for t, _ in core)), *after]
    mid: list[tuple[bool, str]] = []
    for t, g in core:
        mid.append((g == "word" and len(t) == 1, t))
    return [*before, *mid, *after]


def _balance(toks: list[tuple[str, str]], lo: int, hi: int) -> tuple[int, int]:
    """Drop unmatched brackets (and spaces) from the ends of ``toks[lo:hi]``."""
    changed = True
    while changed and lo < hi:
        changed = False
        depth, low = 0, 0
        for t, _ in toks[lo:hi]:
            depth += {"(": 1, ")": -1, "[": 1, "]": -1}.get(t, 0)
            low = min(low, depth)
        if low < 0 and toks[hi - 1][0] in ")]":
            hi -= 1
            changed = True
        elif depth > 0 and toks[lo][0] in "([":
            lo += 1
            changed = True
        elif low < 0 and toks[lo][0] in ")]":
            lo += 1
            changed = True
        elif depth > 0 and toks[hi - 1][0] in "([":
            hi -= 1
            changed = True
        while lo < hi and toks[lo][1] == "space":
            lo += 1
        while hi > lo and toks[hi - 1][1] == "space":
            hi -= 1
    return lo, hi


def _merge(runs: list[tuple[bool, str]]) -> list[tuple[bool, str]]:
    out: list[tuple[bool, str]] = []
    for is_math, s in runs:
        if not s:
            continue
        if out and out[-1][0] == is_math:
            out[-1] = (is_math, out[-1][1] + s)
        else:
            out.append((is_math, s))
    return out


def _script_body(body: str) -> str:
    """The LaTeX of a sub/superscript body (``ki`` → ``ki``, ``CE`` → ``\\mathrm{CE}``)."""
    if body.startswith("{") and body.endswith("}"):
        return math_latex(body[1:-1])
    if len(body) > 1 and body.isupper() and body.isalpha():
        return rf"\mathrm{{{body}}}"
    return math_latex(body)


_WORD_PARTS = re.compile(r"([^\W\d_²³ᵀ][^\W_²³ᵀ]*)|(" + _SCRIPT + ")")


#: characters with a meaning to TeX, as printable math (never ``^^``: TeX reads ``^^5c``
#: as a backslash before any macro is expanded)
_MATH_ESCAPES = {
    "\\": r"\backslash ",
    "{": r"\{",
    "}": r"\}",
    "$": r"\$",
    "%": r"\%",
    "#": r"\#",
    "&": r"\&",
    "~": r"\sim ",
    "^": r"\text{\textasciicircum}",
    "_": r"\_",
    "√": r"\surd ",
}


def _word_latex(word: str) -> str:
    out = []
    for m in _WORD_PARTS.finditer(word):
        if m.group(1):
            name = m.group(1)
            if name in _GREEK:
                out.append(_GREEK[name] + " ")
            elif name == "ln":
                out.append(r"\ln ")
            elif name in ("exp", "lim", "max", "min"):
                out.append(f"\\{name} ")
            elif len(name) > 1 and name.isupper():
                out.append(rf"\mathrm{{{name}}}")
            elif not name.isascii():
                out.append(rf"\text{{{escape_text(name)}}}")
            else:
                out.append("".join(_GREEK.get(c, c) for c in name))
        else:
            s = m.group(2)
            out.append(s[0] + "{" + _script_body(s[1:]) + "}")
    return "".join(out)


def math_latex(source: str) -> str:
    """LaTeX (math mode) of a Unicode formula such as ``σ'(z) = a(1 − a)``."""
    out = []
    for m in _TOKEN.finditer(source):
        tok, group = m.group(0), m.lastgroup
        if group == "word":
            out.append(_word_latex(tok))
        elif group == "num":
            out.append(tok.replace(",", "{,}"))
        elif group == "bars":
            out.append(r"\| ")
        elif group == "space":
            out.append(" ")
        elif tok in _GREEK:
            out.append(_GREEK[tok] + " ")
        elif tok in _SYMBOLS:
            out.append(_SYMBOLS[tok])
        elif tok in _MATH_ESCAPES:
            out.append(_MATH_ESCAPES[tok])
        elif tok.isascii() and tok.isprintable():
            out.append(tok)
        elif not tok.isprintable():
            continue
        else:
            out.append(rf"\text{{{escape_text(tok)}}}")
    out_s = re.sub(r" +", " ", "".join(out)).strip()
    out_s = re.sub(r"(\\[a-zA-Z]+) (?=[(')])", r"\1", out_s)
    return out_s.replace(" ^", "^").replace(" _", "_").replace(" '", "'")


_ESCAPES = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "$": r"\$",
    "&": r"\&",
    "%": r"\%",
    "#": r"\#",
    "_": r"\_",
    "^": r"\textasciicircum{}",
    "~": r"\textasciitilde{}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
    "|": r"\textbar{}",
    "…": r"\ldots{}",
    "\u2212": "\u2212",
}


#: characters outside Latin (U+0000–U+024F) that LaTeX's utf8 input prints in text
_TEXT_EXTRA = "–—‘’‚“”„•€°§"


def escape_text(s: str, *, quotes: bool = True) -> str:
    """``s`` as LaTeX text: every character special to TeX prints as itself.

    Control characters are dropped; quotes become typographic (English ``'…'`` stays as the
    data writes it; a straight ``"`` prints as a closing quote glyph, never as a ligature).
    """
    out = []
    for ch in s:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ch == '"' and quotes:
            out.append(r"\textquotedbl{}")
        elif ord(ch) < 32 and ch not in "\n\t":
            continue
        elif ord(ch) < 0x250 or ch in _TEXT_EXTRA:
            out.append(ch)
        else:  # a character the T1 fonts have no glyph for: never a compile error
            out.append("?")
    return "".join(out).replace("\u2212", "--")


def _inline(source: str) -> str:
    r"""``$…$``, in text style even inside a displayed formula's ``\text`` (∫, Σ stay small)."""
    tex = math_latex(source)
    return f"$\\textstyle {tex}$" if re.search(r"\\(int|sum|frac)\b", tex) else f"${tex}$"


def in_text(prose: str, lang: str = "en") -> str:
    """LaTeX for a paragraph (text mode): text escaped, formulas in ``$…$``."""
    return "".join(
        _inline(s) if is_math else escape_text(s) for is_math, s in segments(prose, lang)
    )


def in_math(prose: str, lang: str = "en") -> str:
    """LaTeX for math mode: text in ``\\text{…}``, formulas as they are (no nested ``$``)."""
    out = []
    for is_math, s in segments(prose, lang):
        out.append(math_latex(s) if is_math else rf"\text{{{escape_text(s)}}}")
    return "".join(out)


def in_markdown(prose: str, lang: str = "en") -> str:
    """Markdown prose: formulas in ``$…$`` (GitHub, Jupyter, KaTeX auto-render with ``$``)."""
    out = []
    for is_math, s in segments(prose, lang):
        if is_math:
            out.append(f"${math_latex(s)}$")
        else:
            out.append(re.sub(r"([\\`*_\[\]<>$|])", r"\\\1", s))
    return "".join(out)
