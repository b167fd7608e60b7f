"""The web checker (``python -m derive.serve``): the API gives what the CLI gives, the pages
work without JavaScript, and hostile input gets the documented errors (never a crash).

Fast: Starlette's TestClient against the real application with real worker processes. The
browser and load tests are in test_serve_browser.py and test_serve_load.py.
"""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import sys
import tempfile
import time
import warnings
from dataclasses import replace
from pathlib import Path

import pytest

with warnings.catch_warnings():  # Starlette 1.x prefers httpx2; httpx works the same here
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from starlette.testclient import TestClient

from derive.homework.check import grade, grade_csv
from derive.homework.check import main as check_main
from derive.homework.exercises import catalog
from derive.homework.sandbox import Crashed, TimedOut
from derive.web import guard, openapi
from derive.web.app import create_app
from derive.web.config import Settings
from derive.web.lecture import build_lecture
from derive.web.state import rate_limiter
from derive.web.workers import Busy, Service, graded

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "a-test-token-123"

#: right, wrong, unreadable and hostile answers (ID, answer)
ANSWERS = [
    ("ce-dw", "x_j(\\sigma(z)-y)"),
    ("ce-dw", "x_j(y - a)"),
    ("mse-dw", "(a-y) x"),
    ("sigmoid-derivative", "\\sigma(z)(1-\\sigma(z))"),
    ("ce-db", "\\frac{1}{n}\\sum_x (a - y)"),
    ("ce-dw", "x_j(a-y"),
    ("ce-dw", "__import__('os').system('touch /tmp/pwned')"),
    ("ce-dw", "9^{9^{9^9}}"),
    ("ce-dw", "<script>alert(1)</script>"),
    ("no-such-exercise", "a"),
    ("ce-dw", "(" * 40 + "a" + ")" * 40),
    ("ce-dw", "a" * 5000),
]
HOSTILE = [
    "<script>alert('x')</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(document.cookie)",
    "</textarea><script>alert(2)</script>",
    "{{ 7*7 }}{% print 1 %}",
]


@pytest.fixture(scope="module")
def client():
    app = create_app(Settings(workers=1, rate=0, instructor_token=TOKEN))
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def _cli_json(capsys, *args: str) -> tuple[dict, int]:
    """What ``python -m derive.check ARGS --json`` prints, and its exit code (in process)."""
    capsys.readouterr()
    code = check_main([*args, "--json"])
    return json.loads(capsys.readouterr().out), code


# ------------------------------------------------------------------------- the API


def test_grade_api_gives_the_object_the_cli_prints(client, capsys):
    body, _ = _cli_json(capsys, "ce-dw", "x_j(y - a)")
    got = client.post("/api/grade", json={"exercise": "ce-dw", "answer": "x_j(y - a)"})
    assert got.status_code == 200
    assert got.json() == body
    assert got.json()["read_as"] == grade("ce-dw", "x_j(y - a)").read_as


@pytest.mark.parametrize("lang", ["en", "cs"])
def test_grade_api_agrees_with_grade_for_right_wrong_and_hostile_answers(client, lang):
    for exercise_id, answer in ANSWERS:
        got = client.post(
            "/api/grade", json={"exercise": exercise_id, "answer": answer, "lang": lang}
        )
        assert got.status_code == 200, (exercise_id, answer, got.text)
        assert got.json() == grade(exercise_id, answer, lang=lang).to_json(), answer


def test_read_api_shows_how_the_answer_is_read_or_where_it_fails(client):
    ok = client.post("/api/read", json={"exercise": "ce-dw", "answer": "x_j(\\sigma(z)-y)"})
    assert ok.json() == {"read_as": grade("ce-dw", "x_j(\\sigma(z)-y)").read_as, "error": ""}
    bad = client.post("/api/read", json={"exercise": "ce-dw", "answer": "x_j(a-y"})
    assert bad.json()["read_as"] == ""
    assert bad.json()["error"] == grade("ce-dw", "x_j(a-y").feedback
    empty = client.post("/api/read", json={"exercise": "ce-dw", "answer": "  "})
    assert empty.json() == {"read_as": "", "error": ""}


WRONG_STEPS = (
    "C = \\frac{1}{2}(y - a)^2\n\n"
    "\\frac{\\partial C}{\\partial w} = (a - y) \\frac{\\partial a}{\\partial w}\n"
    "= (a - y) a x\n"
)


def test_steps_api_gives_the_object_of_steps_json(client, tmp_path, capsys):
    path = tmp_path / "wrong.steps"
    path.write_text(WRONG_STEPS, encoding="utf-8")
    body, code = _cli_json(capsys, "--steps", str(path), "--exercise", "mse-dw")
    got = client.post("/api/steps", json={"text": WRONG_STEPS, "exercise": "mse-dw"})
    assert got.status_code == 200
    data = got.json()
    assert data.pop("exit_code") == code == 1
    assert data.pop("file") == ""
    body.pop("file")
    assert data == body
    assert data["first_wrong"] == 4
    assert got.json() == openapi.STEPS_RESPONSE  # the documented example is this very run
    assert WRONG_STEPS == openapi.STEPS_REQUEST["text"]


@pytest.mark.parametrize("outcome", [TimedOut(2.0), Crashed("MemoryError")])
def test_a_preview_that_fails_in_its_worker_says_so_in_the_page_language(
    client, monkeypatch, outcome
):
    web = client.app.state.web

    async def failing(args, timeout):
        return outcome

    monkeypatch.setattr(web.service, "run", failing)
    got = client.post("/api/read", json={"exercise": "ce-dw", "answer": "a", "lang": "cs"})
    assert got.status_code == 200
    assert got.json()["read_as"] == "" and "náhled" in got.json()["error"]


def test_exercises_api_lists_the_catalog_without_the_answers(client):
    data = client.get("/api/exercises?lang=cs").json()
    assert [e["id"] for e in data] == list(catalog())
    assert all(set(e) == {"id", "asks", "statement"} for e in data)
    assert data[0]["statement"] == catalog()[data[0]["id"]].statement["cs"]


@pytest.mark.parametrize(
    ("path", "body", "message"),
    [
        ("/api/grade", b"not json", "JSON object"),
        ("/api/grade", b"[1, 2]", "JSON object"),
        ("/api/grade", b'{"exercise": "ce-dw"}', "'answer' must be a string"),
        ("/api/grade", b'{"exercise": 3, "answer": "a"}', "'exercise' must be a string"),
        ("/api/grade", b'{"exercise": "ce-dw", "answer": "a", "lang": "de"}', "'lang'"),
        ("/api/read", b"\xff\xfe", "UTF-8"),
        ("/api/steps", b'{"text": 5}', "'text' must be a string"),
        ("/api/steps", b'{"text": "a = b", "exercise": "nope"}', "Unknown exercise"),
    ],
)
def test_malformed_requests_get_400_with_a_message(client, path, body, message):
    got = client.post(path, content=body, headers={"content-type": "application/json"})
    assert got.status_code == 400
    assert message in got.json()["error"]


def test_openapi_describes_every_endpoint_with_examples(client):
    spec = client.get("/api/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    assert set(spec["paths"]) == {
        "/api/exercises",
        "/api/grade",
        "/api/read",
        "/api/steps",
        "/api/batch",
    }
    grade_op = spec["paths"]["/api/grade"]["post"]
    example = grade_op["requestBody"]["content"]["application/json"]["example"]
    documented = grade_op["responses"]["200"]["content"]["application/json"]["example"]
    assert documented == grade(example["exercise"], example["answer"]).to_json()
    read = client.post("/api/read", json=openapi.READ_REQUEST).json()
    assert read == openapi.READ_RESPONSE
    assert 'href="/api/openapi.json"' in client.get("/api").text
    listed = spec["paths"]["/api/exercises"]["get"]["responses"]["200"]["content"]
    example = listed["application/json"]["example"][0]
    assert example in client.get("/api/exercises").json()


# ------------------------------------------------------------------------- limits


@pytest.mark.parametrize(
    ("path", "size", "kind"),
    [
        ("/api/grade", 17 * 1024, "an answer"),
        ("/api/read", 17 * 1024, "an answer"),
        ("/exercise/ce-dw", 17 * 1024, "an answer"),
        ("/api/steps", 65 * 1024, "a step file"),
        ("/steps", 65 * 1024, "a step file"),
        ("/api/batch", 2 * 1024 * 1024 + 10, "a class CSV"),
    ],
)
def test_each_kind_of_request_has_its_own_size_limit(client, path, size, kind):
    payload = json.dumps({"exercise": "ce-dw", "answer": "a" * size, "text": "a"}).encode()
    got = client.post(path, content=payload, headers={"content-type": "application/json"})
    assert got.status_code == 413
    assert f"The request is too large: {kind} at most" in got.text


def test_a_streamed_body_without_length_is_cut_at_the_limit(client):
    def chunks():
        for _ in range(40):
            yield b"x" * 1024

    got = client.post("/api/grade", content=chunks())
    assert got.status_code == 413
    assert "an answer at most 16 KiB" in got.json()["error"]


def test_a_long_answer_under_the_body_limit_is_graded_like_the_cli(client):
    answer = "a+" * 2000 + "a"
    got = client.post("/api/grade", json={"exercise": "ce-dw", "answer": answer})
    assert got.json() == grade("ce-dw", answer).to_json()
    assert got.json()["verdict"] == "invalid"


def test_a_step_file_over_300_lines_is_refused(client):
    got = client.post("/api/steps", json={"text": "= a\n" * 301})
    assert got.status_code == 413
    assert "at most 300 lines" in got.json()["error"]


def test_rate_limit_per_client_gives_429_with_retry_after(client, monkeypatch):
    web = client.app.state.web
    monkeypatch.setattr(web, "limiter", rate_limiter(6))  # as --rate 6 sets it up
    codes = [
        client.post("/api/grade", json={"exercise": "ce-dw", "answer": "a"}).status_code
        for _ in range(5)
    ]
    assert codes == [200] * 5  # a burst of 5
    last = client.post("/api/grade", json={"exercise": "ce-dw", "answer": "a"})
    assert last.status_code == 429
    assert int(last.headers["retry-after"]) >= 1
    assert "Too many requests" in last.json()["error"]
    page = client.post("/exercise/ce-dw", data={"answer": "a", "lang": "cs"})
    assert page.status_code == 429 and "Příliš mnoho požadavků" in page.text
    assert int(page.headers["retry-after"]) >= 1
    assert client.post("/api/read", json={"exercise": "ce-dw", "answer": "a"}).status_code == 200


def test_rate_limiter_refills_with_time():
    limiter = guard.RateLimiter({"grade": (60.0, 2.0)})
    limiter.admit("1.2.3.4", "grade", now=0.0)
    limiter.admit("1.2.3.4", "grade", now=0.0)
    with pytest.raises(guard.RateLimited) as info:
        limiter.admit("1.2.3.4", "grade", now=0.0)
    assert info.value.retry_after == 1
    limiter.admit("5.6.7.8", "grade", now=0.0)  # another client has its own bucket
    limiter.admit("1.2.3.4", "grade", now=1.01)  # one token a second


class _SlowPool:
    def __init__(self) -> None:
        self.calls = 0

    def run(self, args, timeout):
        self.calls += 1
        time.sleep(0.3)
        return "done"

    def close(self) -> None:
        pass


def test_the_queue_is_bounded_and_refuses_at_once_when_full():
    slow = _SlowPool()
    service = Service(1, queue=2, queue_wait=10.0, pools=[slow])  # a worker that sleeps

    async def scenario():
        return await asyncio.gather(
            *(service.run(("x",), 1.0) for _ in range(5)), return_exceptions=True
        )

    started = time.monotonic()
    outcomes = asyncio.run(scenario())
    assert outcomes[:3] == ["done"] * 3  # one running, two waiting
    assert all(isinstance(o, Busy) and o.retry_after >= 1 for o in outcomes[3:])
    assert slow.calls == 3
    assert time.monotonic() - started < 3  # refused at once, not after a wait


def test_a_wait_longer_than_queue_wait_is_refused():
    service = Service(1, queue=5, queue_wait=0.1, pools=[_SlowPool()])

    async def scenario():
        return await asyncio.gather(
            *(service.run(("x",), 1.0) for _ in range(2)), return_exceptions=True
        )

    first, second = asyncio.run(scenario())
    assert first == "done" and isinstance(second, Busy)


def test_busy_is_503_with_retry_after_on_pages_and_api(client, monkeypatch):
    web = client.app.state.web

    async def busy(*args, **kwargs):
        raise Busy(7)

    monkeypatch.setattr(web.service, "run", busy)
    api = client.post("/api/grade", json={"exercise": "ce-dw", "answer": "a"})
    assert api.status_code == 503 and api.headers["retry-after"] == "7"
    assert "busy" in api.json()["error"]
    page = client.post("/exercise/ce-dw", data={"answer": "x_j(a - y)", "lang": "cs"})
    assert page.status_code == 503 and page.headers["retry-after"] == "7"
    assert "přetížená" in page.text
    assert ">x_j(a - y)</textarea>" in page.text  # the typed answer is not lost
    steps = client.post("/steps", data={"text": "= a"})
    assert steps.status_code == 503 and "busy" in steps.text


def test_no_stack_trace_ever_reaches_the_client(client, monkeypatch):
    web = client.app.state.web

    async def broken(*args, **kwargs):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(web, "grade", broken)
    for got in (
        client.post("/api/grade", json={"exercise": "ce-dw", "answer": "a"}),
        client.post("/exercise/ce-dw", data={"answer": "a"}),
    ):
        assert got.status_code == 500
        assert "secret internal detail" not in got.text
        assert "Traceback" not in got.text and "RuntimeError" not in got.text
    assert client.get("/no/such/page").status_code == 404


# ------------------------------------------------------------------------- pages


def test_index_lists_every_exercise_with_its_math(client):
    html = client.get("/").text
    for ex in catalog().values():
        assert f'href="/exercise/{ex.id}?lang=en"' in html
    assert 'class="tex" data-tex="\\displaystyle \\frac{\\partial C}{\\partial w}"' in html


@pytest.mark.parametrize("lang", ["en", "cs"])
def test_the_plain_form_grades_without_javascript(client, lang):
    answer = "x_j(y - a)"
    html = client.post("/exercise/ce-dw", data={"answer": answer, "lang": lang}).text
    result = grade("ce-dw", answer, lang=lang)
    assert f'data-verdict="{result.verdict}"' in html
    feedback = re.search(r'<p class="feedback" id="feedback">(.*?)</p>', html, re.S)
    assert feedback is not None and feedback.group(1) == result.feedback
    assert "x_j(y - a)</textarea>" in html  # the answer stays in the box
    assert ("Přečteno jako" in html) == (lang == "cs")


def test_language_switch_and_default(client, monkeypatch):
    assert '<html lang="cs">' in client.get("/?lang=cs").text
    assert "Úlohy" in client.get("/?lang=cs").text
    assert '<html lang="en">' in client.get("/?lang=xx").text
    web = client.app.state.web
    monkeypatch.setattr(web, "settings", replace(web.settings, lang="cs"))  # --lang cs
    assert '<html lang="cs">' in client.get("/").text
    assert '<html lang="en">' in client.get("/?lang=en").text


def test_the_derivation_page_marks_the_first_wrong_line(client):
    html = client.post("/steps", data={"text": WRONG_STEPS, "exercise": "mse-dw"}).text
    row = re.search(r'<tr class="([^"]*)" id="line-4" data-verdict="wrong">', html)
    assert row is not None and "first-wrong" in row.group(1)
    assert "The first wrong line is line 4." in html
    assert html.count("first-wrong") == 1
    example = client.get("/steps?example=mse-gradient").text
    assert "\\frac{\\partial C}{\\partial w} = (a - y)" in example
    assert client.get("/steps?example=../../etc/passwd").status_code == 200


def test_the_lecture_page_waits_then_shows_each_derivation_checked_now(client, monkeypatch):
    web = client.app.state.web
    data = build_lecture(("crossentropy",), only=2)  # the real thing, two derivations
    release = asyncio.Event()

    async def verified(timeout):
        await release.wait()
        return data

    monkeypatch.setattr(web.service, "lecture", verified)
    monkeypatch.setattr(web, "lecture", None)
    monkeypatch.setattr(web, "_lecture_task", None)
    waiting = client.get("/lecture?lang=cs").text
    assert 'http-equiv="refresh"' in waiting and 'id="lecture-wait"' in waiting
    client.portal.call(release.set)
    for _ in range(50):
        if web.lecture is not None:
            break
        time.sleep(0.05)
    html = client.get("/lecture?lang=cs").text
    assert 'http-equiv="refresh"' not in html
    assert html.count('class="checked good">Právě ověřeno: ') == 2
    first = data["cs"][0]["derivations"][0]
    assert f'id="d-{first["id"]}"' in html
    assert first["parts"][0][0] == "math" and first["parts"][0][1].startswith("\\begin{aligned}")


def test_unknown_exercise_page_is_404(client):
    got = client.get("/exercise/nope?lang=cs")
    assert got.status_code == 404 and "Nenalezeno" in got.text


# ------------------------------------------------------------------------- escaping, CSP

INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)


def _assert_safe(html: str, payload: str) -> None:
    """Markup in ``payload`` is shown as text; text without markup may appear as it is."""
    if any(c in payload for c in "<>\"'&"):
        assert payload not in html
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert 'href="javascript:' not in html.lower()
    assert not INLINE_HANDLER.search(html)
    for tag in re.findall(r"<script[^>]*>", html):
        assert re.fullmatch(r'<script defer src="/static/[a-z./]+">', tag), tag


@pytest.mark.parametrize("payload", HOSTILE)
def test_user_text_is_escaped_everywhere(client, payload):
    pages = [
        client.post("/exercise/ce-dw", data={"answer": payload}).text,
        client.post("/steps", data={"text": payload + "\n= " + payload}).text,
        client.get(f"/exercise/{payload}").text,
        client.get("/", params={"lang": payload}).text,
        client.post("/instructor", data={"token": payload}).text,
    ]
    for html in pages:
        _assert_safe(html, payload)
    if payload.startswith("{{"):  # shown as typed, not evaluated as a template
        assert f">{payload}</textarea>" in pages[0]
    api = client.post("/api/grade", json={"exercise": payload, "answer": payload})
    assert api.headers["content-type"].startswith("application/json")


def test_every_page_has_a_strict_csp_and_no_inline_script(client):
    for path in ("/", "/exercise/ce-dw", "/steps", "/instructor", "/api", "/nope"):
        got = client.get(path)
        csp = got.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert got.headers["x-content-type-options"] == "nosniff"
        assert "server" not in got.headers
        for tag in re.findall(r"<script[^>]*>", got.text):
            assert ' src="/static/' in tag
        assert not INLINE_HANDLER.search(got.text)
        assert "style=" not in got.text


def test_a_double_slash_path_does_not_become_an_off_site_link(client):
    got = client.get("http://testserver//evil.example/x")
    assert got.status_code == 404
    assert "evil.example" not in got.text


def test_pages_load_nothing_from_another_site(client):
    """Offline: every script, stylesheet, font and link is local (no CDN)."""
    for path in ("/", "/exercise/ce-dw", "/steps", "/instructor", "/api"):
        html = client.get(path).text
        assert not re.search(r"""(?:src|href)=["']?(?:https?:)?//""", html), path
    css = client.get("/static/katex/katex.min.css").text
    assert "url(fonts/KaTeX_Main-Regular.woff2)" in css and "http" not in css


def test_katex_and_the_script_are_served_from_the_package(client):
    assert client.get("/static/katex/katex.min.js").status_code == 200
    assert client.get("/static/katex/fonts/KaTeX_Main-Regular.woff2").status_code == 200
    assert "MIT" in (ROOT / "derive/web/static/katex/LICENSE").read_text()
    js = client.get("/static/app.js").text
    assert "/api/read" in js and "innerHTML" not in js


# ------------------------------------------------------------------------- instructor

CLASS_CSV = (
    "student,exercise,answer,extra\n"
    "ana,ce-dw,x_j(\\sigma(z)-y),1\n"
    "bo,ce-dw,x_j(y - a),2\n"
    'cy,mse-dw,"<script>alert(1)</script>",3\n'
    "dan,nope,a,4\n"
)


def test_the_instructor_gets_the_graded_csv_of_the_batch_mode(client, tmp_path):
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_text(CLASS_CSV, encoding="utf-8")
    grade_csv(source, target, progress=False)
    before = set(Path(tempfile.gettempdir()).glob("derive-serve-*"))
    got = client.post(
        "/instructor",
        data={"token": TOKEN, "output": "csv"},
        files={"file": ("class.csv", CLASS_CSV.encode(), "text/csv")},
    )
    assert got.status_code == 200
    assert got.headers["content-disposition"] == 'attachment; filename="graded.csv"'
    assert got.content == target.read_bytes()
    assert set(Path(tempfile.gettempdir()).glob("derive-serve-*")) == before  # nothing kept
    api = client.post(
        "/api/batch", content=CLASS_CSV.encode(), headers={"authorization": f"Bearer {TOKEN}"}
    )
    assert api.content == target.read_bytes()


def test_the_instructor_summary_counts_verdicts_per_exercise(client):
    html = client.post(
        "/instructor",
        data={"token": TOKEN, "output": "page", "lang": "en"},
        files={"file": ("class.csv", CLASS_CSV.encode(), "text/csv")},
    ).text
    assert "Summary: 4 rows" in html
    rows = re.findall(r"<tr><td><code>([^<]*)</code></td>((?:<td class=\"num\">\d+</td>)+)", html)
    counts = {ex: [int(n) for n in re.findall(r"\d+", cells)] for ex, cells in rows}
    # correct, incorrect, invalid, undecided
    assert counts == {"ce-dw": [1, 1, 0, 0], "mse-dw": [0, 0, 1, 0], "nope": [0, 0, 1, 0]}


@pytest.mark.parametrize("token", ["", "wrong", TOKEN[:-1], TOKEN + "x", TOKEN.upper()])
def test_a_wrong_token_is_refused(client, token):
    got = client.post(
        "/instructor",
        data={"token": token},
        files={"file": ("class.csv", CLASS_CSV.encode(), "text/csv")},
    )
    assert got.status_code == 403 and "Wrong instructor token" in got.text
    api = client.post("/api/batch", content=b"x", headers={"authorization": f"Bearer {token}"})
    assert api.status_code == 403


def test_the_token_is_compared_in_constant_time(monkeypatch):
    calls = []
    real = guard.secrets.compare_digest

    def spy(a, b):
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(guard.secrets, "compare_digest", spy)
    assert guard.same_token(TOKEN, TOKEN) and not guard.same_token("x", TOKEN)
    assert not guard.same_token(None, TOKEN)
    assert len(calls) == 2


def test_a_bad_csv_gets_a_message_not_a_crash(client):
    for data in (b"name,answer\nana,a\n", b"\xff\xfe\x00bad"):
        got = client.post(
            "/instructor",
            data={"token": TOKEN},
            files={"file": ("class.csv", data, "text/csv")},
        )
        assert got.status_code == 400
        assert "The CSV could not be graded" in got.text
        assert "derive-serve-" not in got.text  # no server paths


# ------------------------------------------------------------------------- the command


def test_serve_flags_are_read_before_heavy_imports():
    code = (
        "import sys, derive.serve as s\n"
        "try:\n    s.main(['--port', '70000'])\nexcept SystemExit as e:\n    print(e.code)\n"
        "print(sorted(m for m in ('uvicorn', 'starlette', 'derive.web') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert out.stdout.split() == ["2", "[]"]
    assert "--port must be 0–65535" in out.stderr and "Traceback" not in out.stderr


def test_grading_runs_in_time_limited_workers(client):
    """A request thread never runs SymPy itself: the answer goes to a worker process."""
    web = client.app.state.web
    seen = []
    real = web.service.run

    async def spy(args, timeout):
        seen.append((args[0], timeout))
        return await real(args, timeout)

    web.service.run = spy
    try:
        client.post("/api/grade", json={"exercise": "ce-dw", "answer": "a"})
        client.post("/api/read", json={"exercise": "ce-dw", "answer": "a"})
    finally:
        web.service.run = real
    assert seen == [("grade", 5.0), ("read", 2.0)]


@pytest.mark.parametrize("outcome", [TimedOut(5.0), Crashed("RecursionError: deep")])
@pytest.mark.parametrize("lang", ["en", "cs"])
def test_a_time_out_or_crash_reads_as_the_cli_reports_it(outcome, lang):
    from derive.homework import check

    ours = graded(outcome, "ce-dw", "x", lang, 5.0)
    assert ours == check._outcome(outcome, "ce-dw", "x", lang, 5.0)
    assert ours.verdict == "undecided"


@pytest.mark.parametrize(
    "body",
    [
        b"[" * 8000 + b"]" * 8000,  # nested deeper than the JSON parser recurses
        b'{"exercise": "ce-dw", "answer": "a", "answer": ' + b"[" * 5000 + b"]" * 5000 + b"}",
        b'{"exercise": "ce-dw", "answer": "\\ud800"}',  # a lone surrogate
        b"\x00" * 100,
    ],
)
def test_hostile_json_is_a_400_or_a_verdict_never_a_500(client, body):
    got = client.post("/api/grade", content=body, headers={"content-type": "application/json"})
    assert got.status_code in (200, 400), got.text
    assert "Traceback" not in got.text


def test_a_garbage_content_length_is_refused(client):
    got = client.post("/api/grade", content=b"{}", headers={"content-length": "12abc"})
    assert got.status_code in (400, 413)


# ------------------------------------------------------------------------- with the batch mode
# of issue 14 (instructors' catalogs, gradebook summary, class report): skipped without it

SOFTPLUS = r"""
[[exercise]]
id = "softplus-derivative"
solution = '\sigma(z)'
asks = '\frac{d}{dz}\ln(1 + e^z)'
variable = "z"
vocabulary = ["z"]
statement.en = "Differentiate the softplus function ln(1 + e^z)."
statement.cs = "Zderivujte funkci softplus ln(1 + e^z)."
"""


def test_an_instructors_catalog_is_served_and_graded(tmp_path):
    catalogs = pytest.importorskip("derive.homework.catalog")
    path = tmp_path / "week5.toml"
    path.write_text(SOFTPLUS, encoding="utf-8")
    catalogs.use_catalogs([path])  # what --catalog does before the workers start
    try:
        app = create_app(Settings(workers=1, rate=0, instructor_token=TOKEN))
        with TestClient(app) as c:
            ids = [e["id"] for e in c.get("/api/exercises").json()]
            assert ids[-1] == "softplus-derivative" and "ce-dw" in ids
            assert 'href="/exercise/softplus-derivative?lang=en"' in c.get("/").text
            for answer in ("\\frac{e^z}{1+e^z}", "\\frac{1}{1+e^z}"):
                got = c.post(
                    "/api/grade", json={"exercise": "softplus-derivative", "answer": answer}
                )
                assert got.json() == grade("softplus-derivative", answer).to_json()
    finally:
        catalogs.use_catalogs([])


def test_check_starts_the_workers_grades_a_known_answer_and_stops():
    proc = subprocess.run(
        [sys.executable, "-m", "derive.serve", "--check", "--port", "0", "--workers", "1"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert re.fullmatch(
        r"derive\.serve --check: http://127\.0\.0\.1:\d+/ is free; 1 worker\(s\) graded "
        r"ce-db '\\sigma\(z\) - y': correct \(\d+ ms\)\n",
        proc.stdout,
    ), proc.stdout


def test_a_bad_catalog_stops_the_server_before_it_starts(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[[exercise]]\nid = 3\n", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "derive.serve", "--port", "0", "--catalog", str(bad)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert proc.returncode == 2
    assert proc.stderr.startswith("python -m derive.serve: ") and "Traceback" not in proc.stderr
    assert "http://" not in proc.stdout


@pytest.mark.parametrize(("output", "marker"), [("summary", b"student"), ("report", b"<html")])
def test_the_instructor_gets_the_gradebook_and_the_class_report(client, tmp_path, output, marker):
    if output not in client.app.state.web.batch_outputs():
        pytest.skip(f"grade_csv has no {output} here (issue 14)")
    source = tmp_path / "in.csv"
    source.write_text(CLASS_CSV, encoding="utf-8")
    expected = tmp_path / f"expected.{output}"
    grade_csv(source, tmp_path / "out.csv", progress=False, **{output: expected})
    got = client.post(
        "/instructor",
        data={"token": TOKEN, "output": output},
        files={"file": ("class.csv", CLASS_CSV.encode(), "text/csv")},
    )
    assert got.status_code == 200 and "attachment" in got.headers["content-disposition"]
    assert marker in got.content.lower()
    if output == "summary":
        assert got.content == expected.read_bytes()
    api = client.post(
        f"/api/batch?output={output}",
        content=CLASS_CSV.encode(),
        headers={"authorization": f"Bearer {TOKEN}"},
    )
    assert api.status_code == 200 and marker in api.content.lower()


@pytest.mark.parametrize("text", ["", "   \n\n", "% only a comment\n%! title: x\n", "\ufeff% c"])
def test_a_step_file_with_nothing_to_check_is_refused_as_the_cli_refuses_it(client, text):
    got = client.post("/api/steps", json={"text": text})
    assert got.status_code == 400
    assert "nothing to check" in got.json()["error"]
    page = client.post("/steps", data={"text": text})
    assert page.status_code == 400 and "nothing to check" in page.text


def test_line_separators_count_as_lines_as_in_the_cli(client):
    got = client.post("/api/steps", json={"text": "= a\u2028" * 301})
    assert got.status_code == 413


def test_a_byte_order_mark_is_not_part_of_the_first_line(client):
    got = client.post("/api/steps", json={"text": "\ufeffC = a - y\n= -(y - a)\n"})
    assert got.status_code == 200
    assert [s["verdict"] for s in got.json()["steps"]] == ["ok", "ok"]
