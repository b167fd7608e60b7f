"""What the pages and the API share: settings, the grading service, the rate limiter, the
templates (Jinja2, every value HTML-escaped) and the lecture page once it is verified."""

from __future__ import annotations

import asyncio
import csv
import inspect
import io
import re
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import anyio.to_thread
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request

from ..homework.grading import VERDICTS, GradeResult
from ..homework.sandbox import Crashed, TimedOut
from .config import Settings
from .guard import RateLimiter
from .i18n import LANGS, words
from .workers import Service, current_catalog, graded

__all__ = ["StepsRefused", "Web", "rate_limiter"]

TEMPLATES = Path(__file__).parent / "templates"
_SAFE_PATH = re.compile(r"/(?:[A-Za-z0-9_-]+(?:/[A-Za-z0-9_.-]+)*)?")


class StepsRefused(Exception):
    """A step file that is refused before or instead of a report (the message says why)."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


def rate_limiter(rate: int) -> RateLimiter:
    """Per client and minute: ``rate`` gradings (bursts of ``max(5, rate/4)``), four times as
    many previews, a quarter as many step files, 6 class CSVs; ``rate == 0``: no limit."""
    r = float(rate)
    return RateLimiter(
        {
            "grade": (r, max(5.0, r / 4)),
            "read": (4 * r, max(20.0, r)),
            "steps": (r / 4, max(3.0, r / 12)),
            "batch": (6.0 if r else 0.0, 3.0),
        }
    )


class Web:
    """One server's shared state (``request.app.state.web``)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.service = Service(
            settings.workers, queue=settings.queue, queue_wait=settings.queue_wait
        )
        self.limiter = rate_limiter(settings.rate)
        self.env = Environment(
            loader=FileSystemLoader(TEMPLATES),
            autoescape=select_autoescape(default=True, default_for_string=True),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.globals["batch_outputs"] = self.batch_outputs()
        self.lecture: dict[str, Any] | None = None
        self.lecture_error = ""
        self._lecture_task: asyncio.Task | None = None
        self._batch_lock = asyncio.Lock()

    # ---------------------------------------------------------------- requests

    def lang(self, request: Request, given: object = None) -> str:
        """The page language: a form field or ``?lang=``, else the server's default."""
        lang = self.settings.lang
        for candidate in (given, request.query_params.get("lang")):
            if candidate in LANGS:
                lang = str(candidate)
                break
        request.state.lang = lang  # error pages (413, 429, 503) answer in it too
        return lang

    @staticmethod
    def client(request: Request) -> str:
        return request.client.host if request.client else "unknown"

    def admit(self, request: Request, kind: str) -> None:
        """The rate limit (raises :class:`derive.web.guard.RateLimited`)."""
        self.limiter.admit(self.client(request), kind)

    def render(self, name: str, lang: str, request: Request, **context: Any) -> str:
        path = request.url.path
        if not _SAFE_PATH.fullmatch(path):
            path = "/"  # the language links repeat the path: only a plain local one
        return self.env.get_template(name).render(w=words(lang), lang=lang, path=path, **context)

    # ---------------------------------------------------------------- work

    async def grade(self, exercise_id: str, answer: str, lang: str) -> GradeResult:
        """Grade as ``python -m derive.check EXERCISE ANSWER --json`` does."""
        timeout = self.settings.timeout
        outcome = await self.service.run(("grade", exercise_id, answer, lang), timeout)
        return graded(outcome, exercise_id, answer, lang, timeout)

    async def read(self, exercise_id: str, answer: str, lang: str) -> dict[str, str]:
        """How an answer is read (the preview); a time-out or crash is an error message."""
        outcome = await self.service.run(
            ("read", exercise_id, answer, lang), self.settings.read_timeout
        )
        if isinstance(outcome, dict):
            return outcome
        ui = words(lang)
        why = ui["preview_timeout"] if isinstance(outcome, TimedOut) else ui["preview_failed"]
        return {"read_as": "", "error": why}

    async def steps(self, text: str, exercise_id: str | None, lang: str) -> dict[str, Any]:
        """``--steps --json`` for ``text`` (raises :class:`StepsRefused`)."""
        from ..homework.stepcheck import MAX_LINES

        ui = words(lang)
        text = text.removeprefix("\ufeff")  # as the CLI reads a file (utf-8-sig)
        if exercise_id is not None and exercise_id not in current_catalog():
            raise StepsRefused(ui["unknown_exercise"], 400)
        lines = text.splitlines()  # U+2028 and U+2029 are line breaks too, as in the CLI
        if len(lines) > MAX_LINES:
            raise StepsRefused(ui["too_many_lines"].format(n=MAX_LINES), 413)
        if not any(s.strip() and not s.lstrip().startswith("%") for s in lines):
            raise StepsRefused(ui["nothing_to_check"], 400)
        limit = self.settings.steps_timeout
        outcome = await self.service.run(("steps", text, exercise_id, lang), limit)
        if isinstance(outcome, TimedOut):
            raise StepsRefused(ui["steps_timeout"].format(s=limit), 422)
        if isinstance(outcome, Crashed) or not isinstance(outcome, dict):
            raise StepsRefused(ui["steps_crash"], 422)
        return outcome

    def lecture_started(self) -> bool:
        """Start verifying the lecture (once); True when it is done (or failed)."""
        if self.lecture is not None or self.lecture_error:
            return True
        if self._lecture_task is None:
            self._lecture_task = asyncio.get_running_loop().create_task(self._verify_lecture())
        return False

    async def _verify_lecture(self) -> None:
        try:
            outcome = await self.service.lecture(self.settings.lecture_timeout)
        except Exception as exc:  # e.g. the server stopping meanwhile
            outcome = exc
        if isinstance(outcome, dict):
            self.lecture = outcome
        elif isinstance(outcome, TimedOut):
            self.lecture_error = f"time limit ({outcome.seconds:g} s)"
        else:
            self.lecture_error = "the verification stopped"

    @property
    def batch_busy(self) -> bool:
        return self._batch_lock.locked()

    async def grade_class(self, data: bytes, lang: str) -> tuple[dict[str, bytes], dict[str, Any]]:
        """Grade a class CSV as ``python -m derive.check --batch`` does, in a temporary
        directory removed before returning. Returns the files (``graded``: the graded CSV;
        ``summary`` and ``report``: the gradebook and the class report, where the batch mode
        writes them) and the verdict counts, overall and per exercise. Raises ``ValueError``
        with a message for a file that cannot be graded."""
        if data.count(b"\n") > self.settings.max_csv_rows + 1:
            raise ValueError(words(lang)["too_many_rows"].format(n=self.settings.max_csv_rows))
        async with self._batch_lock:
            files = await anyio.to_thread.run_sync(self._grade_file, data, lang)
        return files, _summary(files["graded"])

    def _grade_file(self, data: bytes, lang: str) -> dict[str, bytes]:
        from ..homework.check import grade_csv

        extras = [k for k in BATCH_EXTRAS if k in inspect.signature(grade_csv).parameters]
        with tempfile.TemporaryDirectory(prefix="derive-serve-") as tmp:
            source, target = Path(tmp) / "class.csv", Path(tmp) / "graded.csv"
            paths = {k: Path(tmp) / name for k, (name, _type) in BATCH_EXTRAS.items()}
            source.write_bytes(data)
            try:
                grade_csv(
                    source,
                    target,
                    lang=lang,
                    timeout=self.settings.timeout,
                    jobs=self.settings.workers,
                    progress=False,
                    **{k: paths[k] for k in extras},
                )
            except (ValueError, csv.Error) as exc:  # the message names the file: not ours
                raise ValueError(str(exc).replace(f"{source}: ", "").replace(tmp, "…")) from None
            return {"graded": target.read_bytes(), **{k: paths[k].read_bytes() for k in extras}}

    @staticmethod
    def batch_outputs() -> list[str]:
        """What the batch mode can give besides the graded CSV (``summary``, ``report``)."""
        from ..homework.check import grade_csv

        return [k for k in BATCH_EXTRAS if k in inspect.signature(grade_csv).parameters]


#: the batch mode's optional outputs: file name and media type
BATCH_EXTRAS = {
    "summary": ("summary.csv", "text/csv; charset=utf-8"),
    "report": ("report.html", "text/html; charset=utf-8"),
}


def _summary(graded_csv: bytes) -> dict[str, Any]:
    """Verdict counts of a graded CSV, overall and per exercise (in first-seen order)."""
    reader = csv.DictReader(io.StringIO(graded_csv.decode("utf-8-sig", "replace")))
    overall: Counter[str] = Counter()
    per: dict[str, Counter[str]] = {}
    for row in reader:
        verdict = row.get("verdict", "")
        overall[verdict] += 1
        per.setdefault(row.get("exercise", ""), Counter())[verdict] += 1
    return {
        "verdicts": list(VERDICTS),
        "overall": {v: overall.get(v, 0) for v in VERDICTS},
        "rows": sum(overall.values()),
        "exercises": [(e, {v: c.get(v, 0) for v in VERDICTS}) for e, c in per.items()],
    }
