"""Grading a batch file, and what it becomes: the graded CSV, a gradebook summary and a class
report (:func:`grade_csv` does all; :func:`grade_table` grades a table read by
:mod:`derive.homework.batch`).

* :func:`graded_rows`: every input row and cell (cells beyond the header under ``extra_N``)
  plus ``verdict, feedback, read_as, method, points``.
* :func:`write_summary`: one row per student (first appearance order), one column per
  exercise (catalog order) with the best points of the student's rows, ``total``, and
  ``needs_review`` (exercises whose only answers were undecided). An exercise the student did
  not answer, or whose answers are all undecided, is left empty (a gradebook skips it).
* :func:`write_report`: per exercise, how many answered and how many were right, the most
  common wrong answers as math (in HTML by KaTeX inside the file: it renders offline; ``$…$``
  in Markdown) with their feedback, and the invalid and undecided rows. Every piece of user
  text is escaped.
"""

from __future__ import annotations

import html
import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path

from ..web.katex import inline_head
from .batch import ADDED_COLUMNS, BatchError, Table, read_table, write_atomically, write_csv
from .exercises import Exercise, active_catalog
from .grading import VERDICTS, GradeResult

__all__ = [
    "grade_csv",
    "grade_table",
    "graded_rows",
    "points_of",
    "write_graded",
    "write_report",
    "write_summary",
]

#: wrong answers shown per exercise, and problem rows listed, in the report
TOP_WRONG = 5
MAX_LISTED = 200


@lru_cache(maxsize=1024)
def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def points_of(result: GradeResult, exercises: Mapping[str, Exercise]) -> float | None:
    """The exercise's points when correct, 0 when incorrect or invalid, None when undecided."""
    if result.verdict == "undecided":
        return None
    if result.verdict != "correct" or result.exercise not in exercises:
        return 0.0
    return exercises[result.exercise].points


def graded_rows(
    table: Table, results: Sequence[GradeResult], exercises: Mapping[str, Exercise]
) -> tuple[list[str], list[list[str]]]:
    """The output header and rows: input cells (padded to the header), cells beyond it, the
    added columns (an input column of the same name is overwritten in place)."""
    extra = [f"extra_{k + 1}" for k in range(table.extra_width)]
    header = list(table.header) + extra
    names = [h.strip().lower() for h in header]
    where = {}
    for col in ADDED_COLUMNS:
        if col in names:
            where[col] = names.index(col)
        else:
            where[col] = len(header)
            header.append(col)
            names.append(col)
    out = []
    for row, result in zip(table.rows, results, strict=True):
        cells = row.cells + [""] * (len(header) - len(row.cells))
        points = points_of(result, exercises)
        values = {
            "verdict": result.verdict,
            "feedback": result.feedback,
            "read_as": result.read_as,
            "method": result.method,
            "points": "" if points is None else _number(points),
        }
        for col, k in where.items():
            cells[k] = values[col]
        out.append(cells)
    return header, out


def write_graded(
    path: str | Path,
    table: Table,
    results: Sequence[GradeResult],
    exercises: Mapping[str, Exercise],
) -> None:
    header, rows = graded_rows(table, results, exercises)
    # a BOM when the input had one or came in a legacy encoding: a spreadsheet then opens the
    # UTF-8 output as UTF-8 (without it, Excel reads it in the system's code page)
    bom = table.bom or table.encoding != "utf-8"
    write_csv(path, header, rows, delimiter=table.delimiter, bom=bom)


def write_summary(
    path: str | Path,
    table: Table,
    results: Sequence[GradeResult],
    exercises: Mapping[str, Exercise],
) -> int:
    """One row per student (see the module's docstring); returns the number of students."""
    best: dict[str, dict[str, float | None]] = defaultdict(dict)
    for row, result in zip(table.rows, results, strict=True):
        student = table.cell(row, "student").strip()
        cell = best[student]
        if result.exercise not in exercises:
            continue
        points = points_of(result, exercises)
        old = cell.get(result.exercise, "absent")
        if old == "absent" or old is None:
            cell[result.exercise] = points
        elif points is not None:
            cell[result.exercise] = max(old, points)  # type: ignore[type-var]
    answered = {e for cells in best.values() for e in cells}
    columns = [e for e in exercises if e in answered]
    rows = []
    for student, cells in best.items():
        values = [cells.get(e, "absent") for e in columns]
        total = sum(v for v in values if isinstance(v, float))
        review = sum(1 for v in values if v is None)
        shown = ["" if not isinstance(v, float) else _number(v) for v in values]
        rows.append([student, *shown, _number(total), str(review)])
    write_csv(path, ["student", *columns, "total", "needs_review"], rows)
    return len(rows)


# ----------------------------------------------------------------------------- grading


def grade_table(
    table: Table,
    *,
    lang: str = "en",
    timeout: float | None = None,
    jobs: int = 2,
    progress: bool = False,
    notation: str = "course",
    domain: Sequence[str] = (),
) -> list[GradeResult]:
    """One result per row of ``table``: rows that could not be read are ``invalid`` with the
    reason (method ``read``); the others are graded against the active catalog, or, in a
    sheet of pairs, compared with their own ``reference`` (in ``notation``, on the row's
    ``domain`` or else ``domain``)."""
    from .check import DEFAULT_TIMEOUT, _grade_pairs, grade_many  # check imports this module

    timeout = DEFAULT_TIMEOUT if timeout is None else timeout
    todo = [row for row in table.rows if not row.problem]
    if table.pairs:
        pairs = [{c: table.cell(row, c) for c in ("reference", "answer", "domain")} for row in todo]
        done = _grade_pairs(pairs, domain, lang, notation, timeout, jobs, progress)
    else:
        items = [(table.cell(row, "exercise").strip(), table.cell(row, "answer")) for row in todo]
        done = grade_many(items, lang=lang, timeout=timeout, jobs=jobs, progress=progress)
    graded = {id(row): result for row, result in zip(todo, done, strict=True)}
    return [
        graded.get(id(row))
        or GradeResult(
            "--reference" if table.pairs else table.cell(row, "exercise").strip(),
            table.cell(row, "answer"),
            "invalid",
            row.problem,
            "read",
        )
        for row in table.rows
    ]


def grade_csv(
    source: Path,
    target: Path,
    *,
    lang: str = "en",
    timeout: float | None = None,
    jobs: int = 2,
    progress: bool = True,
    summary: Path | None = None,
    report: Path | None = None,
    encoding: str | None = None,
    notes: list[str] | None = None,
    notation: str = "course",
    domain: Sequence[str] = (),
) -> Counter[str]:
    """Grade every row of ``source`` (see :mod:`derive.homework.batch`) into ``target`` (every
    row and cell kept, plus verdict, feedback, read_as, method, points), and optionally the
    gradebook ``summary`` and the class ``report`` (:mod:`derive.homework.gradebook`).

    Raises :class:`~derive.homework.batch.BatchError` (a ``ValueError``) before anything is
    graded or written when the file cannot be graded at all. ``notes`` receives what the
    reader noticed (e.g. the encoding it detected).
    """
    for path in (target, summary, report):
        if path is not None and not Path(path).resolve().parent.is_dir():
            raise BatchError(f"{path}: its directory does not exist")
    for path in (target, summary, report):
        if path is not None and Path(path).resolve() == Path(source).resolve():
            raise BatchError(f"{path}: would overwrite the input; write the output elsewhere")
    table = read_table(source, encoding=encoding)
    if notes is not None:
        notes.extend(table.notes)
    results = grade_table(
        table,
        lang=lang,
        timeout=timeout,
        jobs=jobs,
        progress=progress,
        notation=notation,
        domain=domain,
    )
    exercises = active_catalog()
    write_graded(target, table, results, exercises)
    if summary is not None:
        write_summary(summary, table, results, exercises)
    if report is not None:
        write_report(report, table, results, exercises, source=Path(source).name)
    return Counter(r.verdict for r in results)


# ----------------------------------------------------------------------------- report


def _group_key(result: GradeResult) -> str:
    return result.read_as or " ".join(result.answer.split())


def _stats(table: Table, results: Sequence[GradeResult], exercises: Mapping[str, Exercise]):
    per: dict[str, Counter[str]] = defaultdict(Counter)
    wrong: dict[str, Counter[str]] = defaultdict(Counter)
    example: dict[tuple[str, str], GradeResult] = {}
    feedback: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    problems = []
    for row, result in zip(table.rows, results, strict=True):
        per[result.exercise][result.verdict] += 1
        if result.verdict == "incorrect":
            key = _group_key(result)
            wrong[result.exercise][key] += 1
            example.setdefault((result.exercise, key), result)
            feedback[(result.exercise, key)][result.feedback] += 1
        elif result.verdict in ("invalid", "undecided"):
            problems.append((row, result))
    order = [e for e in exercises if e in per] + sorted(e for e in per if e not in exercises)
    return order, per, wrong, example, feedback, problems


_HTML_HEAD = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{title}</title>
{katex}
<script>
document.addEventListener("DOMContentLoaded", function () {{
  if (!window.katex) return;  /* scripts off: the LaTeX stays readable as text */
  document.querySelectorAll(".tex").forEach(function (el) {{
    katex.render(el.dataset.tex, el, {{throwOnError: false, trust: false, maxExpand: 100}});
  }});
}});
</script>
<style>body{{font-family:sans-serif;max-width:60em;margin:auto}}
table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:.2em .5em;
text-align:left;vertical-align:top}}code{{white-space:pre-wrap;word-break:break-all}}</style>
</head><body>
"""


def _h(text: str) -> str:
    return html.escape(text, quote=True)


def _tex_html(tex: str) -> str:
    return f'<span class="tex" data-tex="{_h(tex)}">{_h(tex)}</span>'


_MD_SPECIAL = re.compile(r"([\\`*_\[\]#|~<>$&])")


def _md(text: str) -> str:
    """User text in Markdown: one line, HTML escaped, Markdown's specials backslashed."""
    flat = " ".join(text.split())
    return _MD_SPECIAL.sub(r"\\\1", flat)


def _md_tex(tex: str) -> str:
    flat = " ".join(tex.split()).replace("$", r"\$").replace("|", r"\vert ")
    flat = flat.replace("<", r"\lt ").replace(">", r"\gt ").replace("&", r"\&")
    return f"${flat}$" if flat else ""


def write_report(
    path: str | Path,
    table: Table,
    results: Sequence[GradeResult],
    exercises: Mapping[str, Exercise],
    *,
    source: str = "",
) -> None:
    """The class report, HTML unless ``path`` ends in ``.md``."""
    order, per, wrong, example, feedback, problems = _stats(table, results, exercises)
    markdown = str(path).lower().endswith(".md")
    totals = Counter(r.verdict for r in results)
    summary = ", ".join(f"{totals.get(v, 0)} {v}" for v in VERDICTS)
    out: list[str] = []
    if markdown:
        out += [f"# Class report: {_md(source)}", "", f"{len(results)} rows: {summary}.", ""]
        out += [f"> {_md(n)}" for n in table.notes]
    else:
        out.append(_HTML_HEAD.format(title=_h(f"Class report: {source}"), katex=inline_head()))
        out.append(f"<h1>Class report: {_h(source)}</h1><p>{len(results)} rows: {summary}.</p>")
        out += [f"<p><em>{_h(n)}</em></p>" for n in table.notes]
    for ex_id in order:
        counts = per[ex_id]
        answered = sum(counts.values())
        right = counts.get("correct", 0)
        ex = exercises.get(ex_id)
        statement = ex.statement.get("en", "") if ex is not None else "(not in the catalog)"
        top = wrong[ex_id].most_common(TOP_WRONG)
        line = f"{answered} answered, {right} right ({100 * right / answered:.0f} %)"
        detail = ", ".join(f"{counts.get(v, 0)} {v}" for v in VERDICTS[1:])
        if markdown:
            out += ["", f"## {_md(ex_id)}", "", _md(statement), "", f"{line}; {detail}.", ""]
            if top:
                out += ["| count | read as | typed, e.g. | feedback |", "|---|---|---|---|"]
            for key, n in top:
                r = example[(ex_id, key)]
                fb = feedback[(ex_id, key)].most_common(1)[0][0]
                out.append(f"| {n} | {_md_tex(r.read_as)} | {_md(r.answer)} | {_md(fb)} |")
        else:
            out.append(f'<h2 id="{_h(ex_id)}">{_h(ex_id)}</h2><p>{_h(statement)}</p>')
            out.append(f"<p>{line}; {detail}.</p>")
            if top:
                out.append(
                    "<table><tr><th>count</th><th>read as</th><th>typed, e.g.</th>"
                    "<th>feedback</th></tr>"
                )
                for key, n in top:
                    r = example[(ex_id, key)]
                    fb = feedback[(ex_id, key)].most_common(1)[0][0]
                    out.append(
                        f"<tr><td>{n}</td><td>{_tex_html(r.read_as)}</td>"
                        f"<td><code>{_h(r.answer[:300])}</code></td><td>{_h(fb)}</td></tr>"
                    )
                out.append("</table>")
    title = f"Invalid and undecided rows ({len(problems)})"
    shown = problems[:MAX_LISTED]
    if markdown:
        out += ["", f"## {title}", ""]
        if shown:
            out += ["| row | student | exercise | answer | verdict | reason |", "|---|" * 6]
            out[-1] = "|---|---|---|---|---|---|"
        for row, r in shown:
            student = table.cell(row, "student")
            out.append(
                f"| {row.number} | {_md(student)} | {_md(r.exercise)} | {_md(r.answer[:300])} "
                f"| {r.verdict} | {_md(r.feedback)} |"
            )
    else:
        out.append(f"<h2>{_h(title)}</h2>")
        if shown:
            out.append(
                "<table><tr><th>row</th><th>student</th><th>exercise</th><th>answer</th>"
                "<th>verdict</th><th>reason</th></tr>"
            )
            for row, r in shown:
                out.append(
                    f"<tr><td>{row.number}</td><td>{_h(table.cell(row, 'student'))}</td>"
                    f"<td>{_h(r.exercise)}</td><td><code>{_h(r.answer[:300])}</code></td>"
                    f"<td>{r.verdict}</td><td>{_h(r.feedback)}</td></tr>"
                )
            out.append("</table>")
    if len(problems) > MAX_LISTED:
        more = f"… and {len(problems) - MAX_LISTED} more (see the graded CSV)."
        out.append(more if markdown else f"<p>{_h(more)}</p>")
    if not markdown:
        out.append("</body></html>")
    text = "\n".join(out) + "\n"
    write_atomically(path, lambda handle: handle.write(text), newline="\n")
