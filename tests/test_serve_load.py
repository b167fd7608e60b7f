"""Load on a real ``python -m derive.serve`` (uvicorn on 127.0.0.1, 2 workers): 50 concurrent
clients for a bounded time (15 s; $DERIVE_LOAD_SECONDS) post right, wrong and hostile answers.

Required: no 5xx except 503 (a full queue), every graded answer exactly what
``derive.check.grade`` (the CLI's function) gives, the server still answering afterwards.
The latencies (p50, p95) are written to tests/artifacts/serve/load.json and printed; the
numbers in docs/serve.md come from this test.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import threading
import time

import httpx
import pytest
from serve_helpers import ARTIFACTS, running_server

from derive.homework.check import grade

pytestmark = pytest.mark.load

CLIENTS = 50
SECONDS = float(os.environ.get("DERIVE_LOAD_SECONDS", "15"))

MIX = [
    # right
    ("ce-dw", "x_j(\\sigma(z)-y)"),
    ("ce-db", "\\sigma(z) - y"),
    ("mse-dw", "(a-y)\\sigma'(z) x"),
    ("sigmoid-derivative", "\\sigma(z)(1-\\sigma(z))"),
    ("ce-dc-da", "\\frac{a-y}{a(1-a)}"),
    ("bp1", "\\frac{\\partial C}{\\partial a^L_j} \\sigma'(z^L_j)"),
    # wrong
    ("ce-dw", "x_j(y - a)"),
    ("mse-dw", "(a-y) x"),
    ("ce-db", "2(a-y)"),
    ("sigmoid-derivative", "\\sigma(z)^2"),
    ("ce-dc-da", "\\frac{a-y}{a}"),
    # hostile or unreadable
    ("ce-dw", "__import__('os').system('touch /tmp/pwned')"),
    ("ce-dw", "9^{9^{9^9}}"),
    ("ce-dw", "(" * 40 + "a" + ")" * 40),
    ("ce-dw", "a" * 5000),
    ("ce-dw", "<script>alert(1)</script>"),
    ("ce-dw", '"><img src=x onerror=alert(1)>'),
    ("ce-dw", "x\x00y"),
    ("no-such-exercise", "a"),
]


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _hammer(url: str, seconds: float) -> list[tuple[int, float, tuple[str, str], dict | None, str]]:
    """``CLIENTS`` threads posting answers of ``MIX`` for ``seconds``: (status, latency, pair,
    JSON body, Retry-After) per request."""
    results: list[tuple[int, float, tuple[str, str], dict | None, str]] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(seed: int) -> None:
        rng = random.Random(seed)
        with httpx.Client(base_url=url, timeout=60) as http:
            while time.monotonic() < stop:
                pair = rng.choice(MIX)
                started = time.perf_counter()
                r = http.post("/api/grade", json={"exercise": pair[0], "answer": pair[1]})
                elapsed = time.perf_counter() - started
                is_json = r.headers.get("content-type", "").startswith("application/json")
                row = (
                    r.status_code,
                    elapsed,
                    pair,
                    r.json() if is_json else None,
                    r.headers.get("retry-after", ""),
                )
                with lock:
                    results.append(row)

    threads = [threading.Thread(target=client, args=(k,)) for k in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=seconds + 120)
    assert not any(t.is_alive() for t in threads), "a client hung"
    assert httpx.get(url + "/", timeout=30).status_code == 200  # still serving
    return results


def _check(results, expected) -> list[tuple[tuple[str, str], dict]]:
    """No 5xx but 503 (with Retry-After); every graded answer as the CLI grades it."""
    statuses = [status for status, *_ in results]
    assert all(s < 500 or s == 503 for s in statuses), sorted(set(statuses))
    assert all(retry for s, _, _, _, retry in results if s == 503)
    graded = [(pair, body) for s, _, pair, body, _ in results if s == 200]
    assert [(pair, body) for pair, body in graded if body != expected[pair]] == []
    return graded


@pytest.fixture(scope="module")
def expected():
    graded = {(e, a): grade(e, a).to_json() for e, a in MIX}
    verdicts = [g["verdict"] for g in graded.values()]
    assert verdicts == ["correct"] * 6 + ["incorrect"] * 5 + ["invalid"] * 8  # the mix
    return graded


def test_fifty_clients_get_the_cli_verdicts_and_no_server_error(expected):
    with running_server("--workers", "2", "--rate", "0", "--queue", "64") as url:
        alone = []  # one client first: the latency without a queue
        with httpx.Client(base_url=url, timeout=60) as http:
            for e, a in MIX * 2:
                started = time.perf_counter()
                r = http.post("/api/grade", json={"exercise": e, "answer": a})
                alone.append(time.perf_counter() - started)
                assert r.status_code == 200 and r.json() == expected[(e, a)]
        results = _hammer(url, SECONDS)
    graded = _check(results, expected)
    assert len(graded) >= CLIENTS  # every client got answers graded
    statuses = [status for status, *_ in results]
    latencies = [elapsed for s, elapsed, *_ in results if s == 200]
    report = {
        "clients": CLIENTS,
        "seconds": SECONDS,
        "workers": 2,
        "requests": len(results),
        "graded": len(graded),
        "status_counts": {str(s): statuses.count(s) for s in sorted(set(statuses))},
        "throughput_per_s": round(len(graded) / SECONDS, 1),
        "p50_ms": round(1000 * statistics.median(latencies), 1),
        "p95_ms": round(1000 * _percentile(latencies, 0.95), 1),
        "max_ms": round(1000 * max(latencies), 1),
        "one_client_p50_ms": round(1000 * statistics.median(alone), 1),
        "one_client_p95_ms": round(1000 * _percentile(alone, 0.95), 1),
        "load_average_1min": round(os.getloadavg()[0], 2),
    }
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "load.json").write_text(json.dumps(report, indent=1), encoding="utf-8")
    print(json.dumps(report))


def test_a_full_queue_answers_503_with_retry_after_and_never_hangs(expected):
    with running_server("--workers", "1", "--rate", "0", "--queue", "2") as url:
        results = _hammer(url, 6.0)
    graded = _check(results, expected)
    statuses = [status for status, *_ in results]
    assert statuses.count(503) > 0 and graded  # refused beyond the queue, graded within it
    assert max(elapsed for _, elapsed, *_ in results) < 30
