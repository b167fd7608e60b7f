"""Settings of the web checker: limits on size, time, queue and rate, all in one place."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

__all__ = ["BODY_LIMITS", "Settings"]

#: largest request body accepted, in bytes, per kind of request (beyond it: 413)
BODY_LIMITS: dict[str, int] = {
    "answer": 16 * 1024,  # /api/grade, /api/read, the exercise form
    "steps": 64 * 1024,  # /api/steps, the derivation form (≤ 300 lines anyway)
    "csv": 2 * 1024 * 1024,  # the instructor's class CSV (multipart)
    "other": 4 * 1024,  # anything else (GET pages, the language switch)
}


@dataclass(frozen=True)
class Settings:
    """How one server runs; built from the command line by :mod:`derive.serve`.

    ``rate`` is the number of gradings a client (one IP address) may ask for per minute
    (previews get four times as many, step files a quarter, batches a fixed 6); 0 turns the
    limit off. ``queue`` is how many requests may wait for a worker; beyond it, or after
    ``queue_wait`` seconds of waiting, the answer is 503 with ``Retry-After``.
    """

    lang: str = "en"
    workers: int = 2
    instructor_token: str = field(default_factory=lambda: secrets.token_urlsafe(18))
    timeout: float = 5.0  # per answer, seconds (the CLI's default)
    read_timeout: float = 2.0  # per preview
    steps_timeout: float = 30.0  # per step file
    lecture_timeout: float = 600.0  # verifying every lecture derivation once
    queue: int = 32
    queue_wait: float = 20.0
    rate: int = 60
    max_csv_rows: int = 5000
    body_limits: dict[str, int] = field(default_factory=lambda: dict(BODY_LIMITS))

    def __post_init__(self) -> None:
        if self.lang not in ("en", "cs"):
            raise ValueError("lang must be en or cs")
        if self.workers < 1 or self.queue < 1 or self.rate < 0:
            raise ValueError("workers and queue must be ≥ 1, rate ≥ 0")
        if len(self.instructor_token) < 8:
            raise ValueError("the instructor token needs at least 8 characters")
