"""What makes the server safe to expose to a class: a size limit per kind of request (413),
a per-client rate limit (429), security headers on every response (a Content-Security-Policy
that allows no inline script), and error responses that never carry a stack trace."""

from __future__ import annotations

import json
import logging
import math
import secrets
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

__all__ = [
    "CSP",
    "RateLimited",
    "RateLimiter",
    "Secured",
    "TooLarge",
    "body_kind",
    "same_token",
]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

#: scripts, styles, fonts and images from this server only; no inline script, no framing
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; font-src 'self'; "
    "img-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'"
)
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


class TooLarge(Exception):
    """The request body is larger than its kind allows."""

    def __init__(self, kind: str, limit: int) -> None:
        super().__init__(f"{kind} body over {limit} bytes")
        self.kind = kind
        self.limit = limit


class RateLimited(Exception):
    """This client asked for too much too fast."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"rate limited; retry after {retry_after} s")
        self.retry_after = retry_after


def body_kind(method: str, path: str) -> str:
    """Which limit a request's body falls under: answer, steps, csv or other."""
    if method in ("GET", "HEAD"):
        return "other"
    if path in ("/api/grade", "/api/read") or path.startswith("/exercise/"):
        return "answer"
    if path in ("/api/steps", "/steps"):
        return "steps"
    if path in ("/instructor", "/api/batch"):
        return "csv"
    return "other"


def same_token(given: str | bytes | None, expected: str) -> bool:
    """The instructor token, compared in constant time (``secrets.compare_digest``)."""
    if given is None:
        return False
    raw = given.encode("utf-8", "replace") if isinstance(given, str) else given
    return secrets.compare_digest(raw, expected.encode("utf-8"))


class RateLimiter:
    """A token bucket per (client, kind): ``per_minute`` requests a minute on average, in
    bursts of at most ``burst``. ``per_minute == 0`` means no limit."""

    MAX_CLIENTS = 10_000

    def __init__(self, rates: dict[str, tuple[float, float]]) -> None:
        self._rates = rates  # kind -> (per_minute, burst)
        self._buckets: dict[tuple[str, str], tuple[float, float]] = {}

    def admit(self, client: str, kind: str, now: float | None = None) -> None:
        """Take one token, or raise :class:`RateLimited` with the seconds to wait."""
        per_minute, burst = self._rates.get(kind, (0.0, 0.0))
        if per_minute <= 0:
            return
        now = time.monotonic() if now is None else now
        if len(self._buckets) > self.MAX_CLIENTS:
            self._buckets.clear()  # bounded memory; a reset only forgives
        tokens, last = self._buckets.get((client, kind), (burst, now))
        tokens = min(burst, tokens + (now - last) * per_minute / 60.0)
        if tokens < 1.0:
            self._buckets[(client, kind)] = (tokens, now)
            raise RateLimited(max(1, math.ceil((1.0 - tokens) * 60.0 / per_minute)))
        self._buckets[(client, kind)] = (tokens - 1.0, now)


def _is_api(scope: Scope) -> bool:
    return str(scope.get("path", "")).startswith("/api/")


async def _plain(send: Send, status: int, body: bytes, ctype: bytes) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", ctype), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


class Secured:
    """ASGI wrapper around the whole application: security headers on every response, the
    body limits (413 before the body is read when Content-Length says so, or as soon as the
    streamed body passes the limit), and a bare 500 if anything escaped every handler."""

    def __init__(
        self, app: Any, limits: dict[str, int], too_large: Callable[..., tuple[bytes, bytes]]
    ) -> None:
        self.app = app
        self.limits = limits
        self._too_large = too_large

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_secured(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = [h for h in message.get("headers", []) if h[0].lower() != b"server"]
                message = {**message, "headers": [*headers, *HEADERS]}
            await send(message)

        kind = body_kind(scope.get("method", "GET"), str(scope.get("path", "")))
        limit = self.limits.get(kind, self.limits["other"])
        length = dict(scope.get("headers", [])).get(b"content-length")
        try:
            declared = int(length) if length is not None else 0
        except ValueError:
            declared = limit + 1
        api = _is_api(scope)
        if declared > limit:
            body, ctype = self._too_large(kind, limit, api, scope)
            await _plain(send_secured, 413, body, ctype)
            return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise TooLarge(kind, limit)
            return message

        try:
            await self.app(scope, limited, send_secured)
        except Exception:  # never a traceback to the client; the server's log has it
            logging.getLogger("derive.serve").exception("error in %s", scope.get("path"))
            if not started:
                body = json.dumps({"error": "internal error"}).encode()
                await _plain(send_secured, 500, body, b"application/json")
