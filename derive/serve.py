"""``python -m derive.serve``: the homework checker in the browser, for a class.

Usage::

    python -m derive.serve [--host 127.0.0.1] [--port 8000] [--catalog FILE ...]
                           [--lang en|cs] [--workers N] [--instructor-token T]

Prints the URL (and the instructor token, generated when not given); Ctrl-C stops it. The
flags are read before anything heavy is imported, so ``--help`` and bad flags are instant.
See docs/serve.md.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from derive.engine.console import MAX_TIMEOUT, timeout_seconds

if TYPE_CHECKING:
    from derive.web.config import Settings

#: the most grading worker processes (as ``--jobs`` of the batch mode)
MAX_WORKERS = 64

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m derive.serve",
        description="Serve the homework checker to a class: exercises, derivations, the "
        "lecture's derivations, an instructor page and a JSON API.",
    )
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000; 0 picks a free one)")
    p.add_argument(
        "--catalog", nargs="+", default=[], metavar="FILE", help="instructor's catalog file(s)"
    )
    p.add_argument("--lang", choices=("en", "cs"), default="en", help="default page language")
    p.add_argument("--workers", type=int, default=2, help="grading worker processes (default 2)")
    p.add_argument(
        "--instructor-token",
        metavar="T",
        default=os.environ.get("DERIVE_INSTRUCTOR_TOKEN"),
        help="the instructor page's token (default: $DERIVE_INSTRUCTOR_TOKEN, or generated)",
    )
    p.add_argument(
        "--rate",
        type=int,
        default=60,
        help="gradings per client address per minute (previews 4x, step files 1/4; 0: no limit)",
    )
    p.add_argument(
        "--queue", type=int, default=32, help="requests that may wait for a worker (then 503)"
    )
    p.add_argument(
        "--timeout",
        type=timeout_seconds,
        default=5.0,
        help=f"seconds per answer (default 5, at most {MAX_TIMEOUT:g})",
    )
    p.add_argument(
        "--check",
        action="store_true",
        help="check the setup and stop: the port is free, the catalog loads, the workers "
        "grade a known answer (exit 0 when they grade it correct)",
    )
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    parser = build_parser()
    if not 0 <= args.port <= 65535:
        parser.error("--port must be 0–65535")
    if not 1 <= args.workers <= MAX_WORKERS or args.queue < 1 or args.rate < 0:
        parser.error(f"--workers must be 1–{MAX_WORKERS}, --queue ≥ 1, --rate ≥ 0")
    token = args.instructor_token or secrets.token_urlsafe(18)
    if len(token) < 8:
        parser.error("--instructor-token needs at least 8 characters")

    import socket

    import uvicorn  # heavy imports only now

    if args.catalog:
        try:
            from derive.homework.catalog import use_catalogs
        except ImportError:
            print(
                "python -m derive.serve: --catalog needs derive.homework.catalog", file=sys.stderr
            )
            return 2
        try:
            use_catalogs(args.catalog)
        except (OSError, ValueError) as exc:
            print(f"python -m derive.serve: {exc}", file=sys.stderr)
            return 2

    from derive.web.app import create_app
    from derive.web.config import Settings

    settings = Settings(
        lang=args.lang,
        workers=args.workers,
        instructor_token=token,
        rate=args.rate,
        queue=args.queue,
        timeout=args.timeout,
    )
    family = socket.AF_INET6 if ":" in args.host else socket.AF_INET
    try:  # bound before the workers start, so that a taken port fails fast and clean
        sock = socket.create_server((args.host, args.port), family=family)
    except OSError as exc:
        print(
            f"python -m derive.serve: cannot listen on {args.host}:{args.port}: {exc}",
            file=sys.stderr,
        )
        return 2
    port = sock.getsockname()[1]
    shown = f"[{args.host}]" if ":" in args.host else args.host
    if args.check:
        sock.close()
        return _check(settings, f"http://{shown}:{port}/")
    app = create_app(settings)
    print(f"derive.serve: http://{shown}:{port}/  (Ctrl-C stops)", flush=True)
    if not args.instructor_token:
        print(f"derive.serve: instructor token: {token}", flush=True)
    config = uvicorn.Config(
        app, log_level="warning", access_log=False, server_header=False, date_header=False
    )
    server = uvicorn.Server(config)
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    finally:
        sock.close()
    print("derive.serve: stopped", flush=True)
    return 0


#: what ``--check`` grades: an answer the catalog must call correct
PROBE = ("ce-db", "\\sigma(z) - y")


def _check(settings: Settings, url: str) -> int:
    """Start the workers, grade :data:`PROBE` through them, stop; 0 when it is correct."""
    import asyncio
    import time

    from derive.web.state import Web

    web = Web(settings)
    try:
        started = time.perf_counter()
        result = asyncio.run(web.grade(*PROBE, settings.lang))
        ms = 1000 * (time.perf_counter() - started)
    finally:
        web.service.close()
    print(
        f"derive.serve --check: {url} is free; {settings.workers} worker(s) graded "
        f"{PROBE[0]} '{PROBE[1]}': {result.verdict} ({ms:.0f} ms)",
        flush=True,
    )
    return 0 if result.verdict == "correct" else 1


if __name__ == "__main__":
    from derive.engine.console import entry

    entry(main, prog="python -m derive.serve")
