"""The HTML pages. Each works without JavaScript (plain form POSTs, answered with the whole
page); ``static/app.js`` adds the live preview and renders the math with the bundled KaTeX."""

from __future__ import annotations

import json
from importlib import resources

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from .guard import RateLimited, same_token
from .i18n import words
from .openapi import ENDPOINTS
from .state import BATCH_EXTRAS, StepsRefused, Web
from .workers import Busy, current_catalog

__all__ = ["ROUTES"]

#: the step files offered as examples on the derivation page (derive/data/examples)
EXAMPLES = ("mse-gradient", "cross-entropy-integral")


def _web(request: Request) -> Web:
    return request.app.state.web


def _page(
    web: Web,
    request: Request,
    name: str,
    lang: str,
    status: int = 200,
    headers: dict[str, str] | None = None,
    **ctx,
) -> Response:
    html = web.render(name, lang, request, **ctx)
    return HTMLResponse(
        html, status_code=status, headers={"Cache-Control": "no-store", **(headers or {})}
    )


async def index(request: Request) -> Response:
    web = _web(request)
    lang = web.lang(request)
    items = [
        (ex.id, ex.asks, ex.statement.get(lang, ex.statement["en"]))
        for ex in current_catalog().values()
    ]
    return _page(web, request, "index.html", lang, exercises=items)


async def exercise_page(request: Request) -> Response:
    web = _web(request)
    ex = current_catalog().get(request.path_params["id"])
    if request.method == "POST":
        form = await request.form(max_files=0, max_fields=4)
        lang = web.lang(request, form.get("lang"))
        answer = form.get("answer")
        answer = answer if isinstance(answer, str) else ""
    else:
        lang, answer = web.lang(request), ""
    if ex is None:
        return _page(web, request, "error.html", lang, 404, message=words(lang)["not_found"])
    result, refused = None, None
    if request.method == "POST":
        try:
            web.admit(request, "grade")
            result = await web.grade(ex.id, answer, lang)
        except (RateLimited, Busy) as exc:  # the page again, with the answer kept
            refused = _refusal(exc, lang)
    statement = ex.statement.get(lang, ex.statement["en"])
    status, headers = (refused[1], refused[2]) if refused else (200, None)
    return _page(
        web,
        request,
        "exercise.html",
        lang,
        status,
        headers,
        ex=ex,
        statement=statement,
        answer=answer,
        result=result,
        error=refused[0] if refused else "",
    )


def _refusal(exc: RateLimited | Busy, lang: str) -> tuple[str, int, dict[str, str]]:
    """The message, status and headers of a 429 or 503 shown on the form's own page."""
    ui = words(lang)
    key, status = ("rate", 429) if isinstance(exc, RateLimited) else ("busy", 503)
    return ui[key].format(s=exc.retry_after), status, {"Retry-After": str(exc.retry_after)}


def _example(name: str) -> str:
    if name not in EXAMPLES:
        return ""
    path = resources.files("derive").joinpath(f"data/examples/{name}.steps")
    return path.read_text(encoding="utf-8")


async def steps_page(request: Request) -> Response:
    web = _web(request)
    report, error, exercise_id = None, "", ""
    if request.method == "POST":
        form = await request.form(max_files=0, max_fields=4)
        lang = web.lang(request, form.get("lang"))
        text = form.get("text")
        text = text if isinstance(text, str) else ""
        chosen = form.get("exercise")
        exercise_id = chosen if isinstance(chosen, str) else ""
        status, headers = 200, None
        try:
            web.admit(request, "steps")
            report = await web.steps(text, exercise_id or None, lang)
        except StepsRefused as exc:
            error, status = str(exc), exc.status
        except (RateLimited, Busy) as exc:
            error, status, headers = _refusal(exc, lang)
    else:
        lang = web.lang(request)
        text = _example(request.query_params.get("example", ""))
        status, headers = 200, None
    return _page(
        web,
        request,
        "steps.html",
        lang,
        status,
        headers,
        text=text,
        report=report,
        error=error,
        exercise_id=exercise_id,
        exercise_ids=list(current_catalog()),
        examples=EXAMPLES,
    )


async def lecture_page(request: Request) -> Response:
    web = _web(request)
    lang = web.lang(request)
    done = web.lecture_started()
    chapters = web.lecture[lang] if done and web.lecture is not None else None
    return _page(
        web, request, "lecture.html", lang, chapters=chapters, error=web.lecture_error, done=done
    )


async def instructor_page(request: Request) -> Response:
    web = _web(request)
    if request.method == "GET":
        lang = web.lang(request)
        return _page(web, request, "instructor.html", lang, summary=None, error="")
    form = await request.form(
        max_files=1, max_fields=4, max_part_size=web.settings.body_limits["csv"]
    )
    lang = web.lang(request, form.get("lang"))
    ui = words(lang)
    token = form.get("token")
    if not same_token(token if isinstance(token, str) else None, web.settings.instructor_token):
        return _page(
            web, request, "instructor.html", lang, 403, summary=None, error=ui["bad_token"]
        )
    web.admit(request, "batch")
    if web.batch_busy:
        page = _page(
            web, request, "instructor.html", lang, 503, summary=None, error=ui["batch_busy"]
        )
        page.headers["Retry-After"] = "60"
        return page
    upload = form.get("file")
    data = await upload.read() if isinstance(upload, UploadFile) else b""
    try:
        files, summary = await web.grade_class(data, lang)
    except (ValueError, OSError) as exc:
        error = ui["bad_csv"].format(why=exc)
        return _page(web, request, "instructor.html", lang, 400, summary=None, error=error)
    output = form.get("output")
    if output == "csv" or output in files:
        name = "graded" if output == "csv" else str(output)
        filename, media = ("graded.csv", "text/csv; charset=utf-8")
        if name in BATCH_EXTRAS:
            filename, media = BATCH_EXTRAS[name]
        return Response(
            files[name],
            media_type=media,
            headers={
                "Content-Disposition": f'attachment; filename="{filename}"',
                "Cache-Control": "no-store",
            },
        )
    return _page(web, request, "instructor.html", lang, summary=summary, error="")


async def api_page(request: Request) -> Response:
    web = _web(request)
    lang = web.lang(request)
    endpoints = [
        (
            method,
            path,
            summary,
            None if req is None else (req if isinstance(req, str) else _pretty(req)),
            res if isinstance(res, str) else _pretty(res),
        )
        for method, path, summary, req, res in ENDPOINTS
    ]
    return _page(web, request, "api.html", lang, endpoints=endpoints)


def _pretty(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)


async def favicon(request: Request) -> Response:
    return RedirectResponse("/static/favicon.svg", status_code=301)


ROUTES = [
    Route("/", index, methods=["GET"]),
    Route("/exercise/{id}", exercise_page, methods=["GET", "POST"]),
    Route("/steps", steps_page, methods=["GET", "POST"]),
    Route("/lecture", lecture_page, methods=["GET"]),
    Route("/instructor", instructor_page, methods=["GET", "POST"]),
    Route("/api", api_page, methods=["GET"]),
    Route("/favicon.ico", favicon, methods=["GET"]),
]
