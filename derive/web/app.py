"""The Starlette application: routes, error responses (JSON under ``/api/``, a page elsewhere;
never a stack trace), static files (KaTeX, the stylesheet, the script) and the guards."""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import AsyncIterator
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from . import api, pages
from .config import Settings
from .guard import RateLimited, Secured, TooLarge
from .i18n import LANGS, words
from .state import Web
from .workers import Busy

__all__ = ["create_app"]

STATIC = Path(__file__).parent / "static"
log = logging.getLogger("derive.serve")


def _size(n: int) -> str:
    return f"{n // 1024 // 1024} MiB" if n >= 1024 * 1024 else f"{n // 1024} KiB"


def _lang_of(request: Request, web: Web) -> str:
    chosen = getattr(request.state, "lang", None)  # set once the page read its form
    given = chosen or request.query_params.get("lang")
    return given if given in LANGS else web.settings.lang


def _error(request: Request, status: int, message: str, headers: dict | None = None) -> Response:
    web: Web = request.app.state.web
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": message}, status_code=status, headers=headers)
    html = web.render("error.html", _lang_of(request, web), request, message=message)
    return HTMLResponse(html, status_code=status, headers=headers)


async def _too_large(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, TooLarge)
    ui = words(_lang_of(request, request.app.state.web))
    message = ui["too_large"].format(kind=ui[f"kind_{exc.kind}"], limit=_size(exc.limit))
    return _error(request, 413, message)


async def _rate_limited(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RateLimited)
    ui = words(_lang_of(request, request.app.state.web))
    message = ui["rate"].format(s=exc.retry_after)
    return _error(request, 429, message, {"Retry-After": str(exc.retry_after)})


async def _busy(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Busy)
    ui = words(_lang_of(request, request.app.state.web))
    message = ui["busy"].format(s=exc.retry_after)
    return _error(request, 503, message, {"Retry-After": str(exc.retry_after)})


async def _http(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    ui = words(_lang_of(request, request.app.state.web))
    message = ui["not_found"] if exc.status_code == 404 else str(exc.detail)
    return _error(request, exc.status_code, message)


async def _internal(request: Request, exc: Exception) -> Response:
    log.error("internal error on %s", request.url.path, exc_info=exc)
    ui = words(_lang_of(request, request.app.state.web))
    return _error(request, 500, ui["internal"])


async def _bad_request(request: Request, exc: Exception) -> Response:
    return _error(request, 400, str(exc))


def create_app(settings: Settings | None = None) -> Secured:
    """The whole server as an ASGI application. Starts the worker processes now (call it
    from the main thread, before serving); they stop when the application shuts down."""
    settings = settings or Settings()
    web = Web(settings)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            web.service.close()

    def too_large_body(kind: str, limit: int, is_api: bool, scope: dict) -> tuple[bytes, bytes]:
        ui = words(settings.lang)
        message = ui["too_large"].format(kind=ui[f"kind_{kind}"], limit=_size(limit))
        if is_api:
            return json.dumps({"error": message}).encode(), b"application/json"
        html = web.env.get_template("error.html").render(
            w=ui, lang=settings.lang, path="/", message=message
        )
        return html.encode(), b"text/html; charset=utf-8"

    app = Starlette(
        routes=[
            *pages.ROUTES,
            *api.ROUTES,
            Mount("/static", StaticFiles(directory=STATIC), name="static"),
        ],
        exception_handlers={
            TooLarge: _too_large,
            RateLimited: _rate_limited,
            Busy: _busy,
            api.BadRequest: _bad_request,
            HTTPException: _http,
            Exception: _internal,
        },
        lifespan=lifespan,
    )
    app.state.web = web
    secured = Secured(app, settings.body_limits, too_large_body)
    secured.state = app.state  # type: ignore[attr-defined]
    return secured
