"""A checked step file as a document: ``--format latex|markdown|beamer [--standalone]``.

``python -m derive.check --steps FILE --format latex`` (and ``python -m derive.stepcheck FILE
--format …``) checks the file as the text report does, then prints it the way the lecture's
derivations are printed: one chain per section, each line typeset from what the reader parsed
(never from the file's own LaTeX), with its verdict and method on the right; the first wrong
line is boxed and says so.

Everything that comes from the file reaches LaTeX through :mod:`derive.engine.prose`, which
escapes every character TeX treats specially: ``\\input``, ``\\write18``, ``\\include`` or a
``\\catcode``/``^^5c`` trick print as their literal text. The formulas are SymPy expressions
printed by the project's printer. The check and the typesetting both run in the worker
process, under the same time and memory limits as the text report.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import sympy as sp

from ..engine.console import output_path, timeout_seconds
from ..engine.phrases import table_word
from ..engine.render import document, text
from ..engine.steps import Derivation, Relation, Step, Text

__all__ = ["FORMATS", "main", "render_report"]

FORMATS = ("latex", "markdown", "beamer")

_WORDS = {
    "ok": {"en": "follows", "cs": "plyne"},
    "wrong": {"en": "WRONG", "cs": "CHYBNĚ"},
    "first_wrong": {"en": "FIRST WRONG LINE", "cs": "PRVNÍ CHYBNÝ ŘÁDEK"},
    "unverified": {"en": "UNVERIFIED", "cs": "NEOVĚŘENO"},
    "unreadable": {"en": "UNREADABLE", "cs": "NEČITELNÉ"},
    "line": {"en": "line", "cs": "řádek"},
    "lines": {"en": "Lines {first}–{last}", "cs": "Řádky {first}–{last}"},
    "substitution": {"en": "substitution", "cs": "substituce"},
    "title": {"en": "A derivation, checked line by line", "cs": "Odvození ověřené řádek po řádku"},
    "proved": {"en": "proved", "cs": "dokázáno"},
    "numeric": {"en": "numeric evidence only", "cs": "jen numericky"},
    "given": {"en": "given", "cs": "dáno"},
}

_RELATIONS = {
    "start": Relation.GIVEN,
    "=": Relation.EQUAL,
    "<=>": Relation.EQUIVALENT,
    "=>": Relation.IMPLIES,
}
#: stands for the line before in a ``> 0`` line (a fixed LaTeX name, never user text)
_PREVIOUS = sp.Symbol(r"\cdots")


class Boxed(sp.Function):
    """The first wrong line's term, boxed in print (``\\boxed``, also in KaTeX/MathJax)."""

    nargs = 1

    def _latex(self, printer: sp.printing.latex.LatexPrinter) -> str:
        return rf"\boxed{{{printer._print(self.args[0])}}}"


def _w(key: str, lang: str) -> str:
    return _WORDS[key][lang]


def _verdict_words(result: object, first_wrong: int | None, lang: str) -> str:
    """``follows (proved; cancel)`` or ``FIRST WRONG LINE: the two sides differ at …``."""
    verdict = getattr(result, "verdict", "unreadable")
    detail = getattr(result, "detail", "")
    if verdict == "ok":
        strength = getattr(result, "strength", "")
        how = _WORDS[strength][lang] if strength in _WORDS else strength
        method = table_word(getattr(result, "method", ""), lang)
        inner = "; ".join(q for q in (how, method) if q)
        return f"{_w('ok', lang)} ({inner})" if inner else _w("ok", lang)
    key = "first_wrong" if getattr(result, "line", None) == first_wrong else verdict
    key = key if key in _WORDS else "unverified"
    return f"{_w(key, lang)}: {detail}"


def _line_step(line: object, result: object, first_wrong: int | None, lang: str) -> Step:
    """One line of the file as a printable step (its verdict in the justification)."""
    why = _verdict_words(result, first_wrong, lang)
    number = getattr(line, "number", 0)
    words = f"{_w('line', lang)} {number}: {why}"
    expr = getattr(line, "expr", None)
    relation = getattr(line, "relation", "start")
    lhs = getattr(line, "lhs", None)
    if expr is None or getattr(line, "error", None):
        raw = " ".join(str(getattr(line, "text", "")).split())[:120]
        return Step(sp.Symbol("?"), Relation.FACT, Text(f"{words} ({raw})", f"{words} ({raw})"))
    if hasattr(expr, "variable") and hasattr(expr, "differential"):  # a substitution
        d = f"d{text(expr.variable)} = {text(expr.differential)} d{text(expr.wrt)}"
        words = f"{words}; {_w('substitution', lang)}, {d}"
        eq = sp.Eq(expr.variable, expr.expr, evaluate=False)
        return Step(eq, Relation.FACT, Text(words, words))
    if relation in (">", "<"):
        rel = sp.StrictGreaterThan if relation == ">" else sp.StrictLessThan
        return Step(rel(_PREVIOUS, expr, evaluate=False), Relation.FACT, Text(words, words))
    if number == first_wrong:
        expr = Boxed(expr) if isinstance(expr, sp.Expr) else expr
    return Step(
        expr,
        _RELATIONS.get(relation, Relation.FACT),
        Text(words, words),
        lhs=lhs if relation == "start" else None,
    )


def render_report(report: object, stepfile: object, fmt: str, lang: str, standalone: bool) -> str:
    """The checked file as LaTeX, Markdown or a Beamer deck (see the module)."""
    results = {getattr(r, "line", None): r for r in getattr(report, "results", ())}
    first_wrong = getattr(report, "first_wrong", None)
    conclusions = {(c.first, c.last): c for c in getattr(report, "conclusions", ())}
    derivations = []
    for k, chain in enumerate(getattr(stepfile, "chains", ()), 1):
        lines = list(chain.lines)
        if not lines:
            continue
        steps = tuple(_line_step(ln, results.get(ln.number), first_wrong, lang) for ln in lines)
        first, last = lines[0].number, lines[-1].number
        heading = _w("lines", lang).format(first=first, last=last)
        conclusion = conclusions.get((first, last))
        intro = None
        if conclusion is not None:
            detail = conclusion.details(lang) if conclusion.details else conclusion.detail
            intro = Text(detail, detail)
        derivations.append(
            Derivation(
                id=f"chain-{k}",
                title=Text(heading, heading),
                steps=steps,
                claims=tuple(chain.claims) or ("—",),
                intro=intro,
            )
        )
    errors = [ln for ln in getattr(stepfile, "errors", ())]
    if errors:
        steps = tuple(_line_step(ln, results.get(ln.number), first_wrong, lang) for ln in errors)
        derivations.append(Derivation("unreadable", Text("?", "?"), steps, ("?",)))
    title_text = getattr(stepfile, "title", "") or _w("title", lang)
    title = Text(title_text, title_text)
    return document(derivations, title, lang=lang, fmt=fmt, standalone=standalone)


def _task(
    text_: str,
    exercise: str | None,
    domain: list[str],
    lang: str,
    source: str,
    fmt: str,
    full: bool,
) -> tuple[int, str]:
    """Run in the worker: check the file, then typeset it; (exit code, document)."""
    from .stepcheck import check_text

    report = check_text(text_, exercise=exercise, domain=domain, lang=lang, source=source)
    return report.exit_code, render_report(report, report.stepfile, fmt, lang, full)


def main(argv: Sequence[str], *, prog: str) -> int:
    """``--steps FILE --format latex|markdown|beamer [--standalone] [-o OUT]``: exit codes as
    the text report (0 every line follows, 1 a line is wrong, 2 unreadable or bad input)."""
    from .stepcheck import DEFAULT_TIMEOUT
    from .stepcheck.cli import load_step_file, worker_pool

    ap = argparse.ArgumentParser(prog=prog, description="A checked step file as a document.")
    ap.add_argument("file", nargs="?", help="the step file (or use --steps)")
    ap.add_argument("--steps", dest="steps", help="the step file")
    ap.add_argument("--format", choices=FORMATS, required=True, help="document format")
    ap.add_argument("--standalone", action="store_true", help="a complete LaTeX document")
    ap.add_argument("--exercise", help="a catalog exercise: its vocabulary, definitions, domain")
    ap.add_argument("--domain", action="append", default=[], metavar="SPEC")
    ap.add_argument("--lang", choices=("en", "cs"), default="en")
    ap.add_argument("--timeout", type=timeout_seconds, default=DEFAULT_TIMEOUT, help="seconds")
    ap.add_argument(
        "-o", "--output", type=output_path, metavar="FILE", help="write to FILE instead of stdout"
    )
    args = ap.parse_args(argv)
    path = args.steps or args.file
    if path is None or (args.steps and args.file):
        ap.error("give exactly one step file (FILE or --steps FILE)")
    if args.standalone and args.format == "markdown":
        ap.error("--standalone makes a LaTeX document: it does not go with --format markdown")
    try:  # refused as the text report refuses it, before any work
        source = load_step_file(path, exercise=args.exercise, domains=args.domain, lang=args.lang)
    except ValueError as exc:
        print(f"{prog}: {exc}", file=sys.stderr)
        return 2
    from .sandbox import Crashed, TimedOut

    job = (source, args.exercise, args.domain, args.lang, path, args.format, args.standalone)
    with worker_pool(_task) as pool:
        out = pool.run(job, args.timeout)
    if isinstance(out, TimedOut):
        print(f"{prog}: checking {path} took longer than {out.seconds:g} s", file=sys.stderr)
        return 2
    if isinstance(out, Crashed):
        print(f"{prog}: could not check {path}: {out.reason}", file=sys.stderr)
        return 2
    code, doc = out
    doc = doc if doc.endswith("\n") else doc + "\n"
    if args.output is not None:
        try:
            Path(args.output).write_text(doc, encoding="utf-8")
        except OSError as exc:
            print(f"{prog}: cannot write {args.output}: {exc.strerror}", file=sys.stderr)
            return 2
    else:
        sys.stdout.write(doc)
    return code
