"""The JSON API (``/api/…``), described in :mod:`derive.web.openapi`.

``POST /api/grade`` returns the object of ``python -m derive.check EXERCISE ANSWER --json``
(``read_as`` included); ``POST /api/steps`` the object of ``--steps FILE --json`` (plus
``exit_code``); ``POST /api/read`` how an answer is read; ``GET /api/exercises`` the catalog
(without the reference answers). Errors are ``{"error": message}`` with a 4xx status, 503 when
the checker is busy; never a stack trace.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .guard import same_token
from .openapi import spec
from .state import BATCH_EXTRAS, StepsRefused, Web
from .workers import current_catalog

__all__ = ["ROUTES", "exercises_json"]


class BadRequest(Exception):
    """A malformed API request (status 400, the message says what is wrong)."""


def _web(request: Request) -> Web:
    return request.app.state.web


async def _json_body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise BadRequest("the body must be a JSON object (UTF-8)") from None
    except RecursionError:
        raise BadRequest("the JSON is nested too deeply") from None
    if not isinstance(data, dict):
        raise BadRequest("the body must be a JSON object")
    return data


def _text(data: dict[str, Any], key: str, *, required: bool = True) -> str | None:
    value = data.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str):
        raise BadRequest(f"{key!r} must be a string")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # "\ud800": a lone surrogate is not text
        raise BadRequest(f"{key!r} is not valid Unicode text") from None
    return value


def _lang(web: Web, request: Request, data: dict[str, Any]) -> str:
    given = data.get("lang")
    if given is not None and given not in ("en", "cs"):
        raise BadRequest("'lang' must be 'en' or 'cs'")
    return web.lang(request, given)


def exercises_json(lang: str) -> list[dict[str, str]]:
    """The catalog as ``--list --json`` gives it, without the reference answers."""
    return [
        {"id": ex.id, "asks": ex.asks, "statement": ex.statement.get(lang, ex.statement["en"])}
        for ex in current_catalog().values()
    ]


async def api_exercises(request: Request) -> Response:
    web = _web(request)
    return JSONResponse(exercises_json(web.lang(request)))


async def api_grade(request: Request) -> Response:
    web = _web(request)
    data = await _json_body(request)
    exercise_id, answer = _text(data, "exercise"), _text(data, "answer")
    lang = _lang(web, request, data)
    web.admit(request, "grade")
    result = await web.grade(str(exercise_id), str(answer), lang)
    return JSONResponse(result.to_json())


async def api_read(request: Request) -> Response:
    web = _web(request)
    data = await _json_body(request)
    exercise_id, answer = _text(data, "exercise"), _text(data, "answer")
    lang = _lang(web, request, data)
    web.admit(request, "read")
    return JSONResponse(await web.read(str(exercise_id), str(answer), lang))


async def api_steps(request: Request) -> Response:
    web = _web(request)
    data = await _json_body(request)
    text = str(_text(data, "text"))
    exercise_id = _text(data, "exercise", required=False) or None
    lang = _lang(web, request, data)
    web.admit(request, "steps")
    try:
        return JSONResponse(await web.steps(text, exercise_id, lang))
    except StepsRefused as exc:
        return JSONResponse({"error": str(exc)}, status_code=exc.status)


async def api_batch(request: Request) -> Response:
    """The instructor's batch: the class CSV as the body, ``Authorization: Bearer TOKEN``."""
    web = _web(request)
    auth = request.headers.get("authorization", "")
    token = auth[7:] if auth.lower().startswith("bearer ") else None
    if not same_token(token, web.settings.instructor_token):
        return JSONResponse({"error": "wrong or missing instructor token"}, status_code=403)
    web.admit(request, "batch")
    if web.batch_busy:
        return JSONResponse(
            {"error": "another class CSV is being graded"},
            status_code=503,
            headers={"Retry-After": "60"},
        )
    lang = web.lang(request)
    try:
        files, _summary = await web.grade_class(await request.body(), lang)
    except (ValueError, OSError) as exc:
        return JSONResponse({"error": f"the CSV could not be graded: {exc}"}, status_code=400)
    output = request.query_params.get("output", "graded")
    if output not in files:
        known = ", ".join(files)
        return JSONResponse({"error": f"output must be one of {known}"}, status_code=400)
    media = BATCH_EXTRAS[output][1] if output in BATCH_EXTRAS else "text/csv; charset=utf-8"
    return Response(
        files[output],
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="{output}.{_ext(output)}"'},
    )


def _ext(output: str) -> str:
    return BATCH_EXTRAS[output][0].rsplit(".", 1)[1] if output in BATCH_EXTRAS else "csv"


async def api_openapi(request: Request) -> Response:
    return JSONResponse(spec())


ROUTES = [
    Route("/api/exercises", api_exercises, methods=["GET"]),
    Route("/api/grade", api_grade, methods=["POST"]),
    Route("/api/read", api_read, methods=["POST"]),
    Route("/api/steps", api_steps, methods=["POST"]),
    Route("/api/batch", api_batch, methods=["POST"]),
    Route("/api/openapi.json", api_openapi, methods=["GET"]),
]
