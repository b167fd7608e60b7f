"""The OpenAPI 3.1 description of the JSON API, with examples taken from real runs of the CLI
(``python -m derive.check ce-dw 'x_j(y - a)' --json`` and ``--steps FILE --json``)."""

from __future__ import annotations

from typing import Any

__all__ = ["ENDPOINTS", "spec"]

_ERROR = {
    "type": "object",
    "properties": {"error": {"type": "string"}},
    "required": ["error"],
}
_LANG = {"type": "string", "enum": ["en", "cs"], "description": "feedback language"}

GRADE_REQUEST = {"exercise": "ce-dw", "answer": "x_j(y - a)", "lang": "en"}
GRADE_RESPONSE = {
    "exercise": "ce-dw",
    "answer": "x_j(y - a)",
    "verdict": "incorrect",
    "feedback": "Sign error: your answer is the negative of the expected one (e.g. y − a for "
    "a − y).",
    "method": "numeric (counterexample)",
    "read_as": "x_{j} \\left(y - a\\right)",
    "read_as_text": "x_j·(-a + y)",
    "reference_read_as": "",
    "reference_read_as_text": "",
}
READ_REQUEST = {"exercise": "ce-dw", "answer": "x_j(\\sigma(z)-y)", "lang": "en"}
READ_RESPONSE = {"read_as": "x_{j} \\left(\\sigma(z) - y\\right)", "error": ""}
STEPS_REQUEST = {
    "text": "C = \\frac{1}{2}(y - a)^2\n\n"
    "\\frac{\\partial C}{\\partial w} = (a - y) \\frac{\\partial a}{\\partial w}\n"
    "= (a - y) a x\n",
    "exercise": "mse-dw",
    "lang": "en",
}
STEPS_RESPONSE = {
    "file": "",
    "steps": [
        {
            "line": 1,
            "text": "C = \\frac{1}{2}(y - a)^2",
            "verdict": "ok",
            "detail": "given: defines C",
            "method": "definition",
            "against": None,
            "counterexample": None,
            "claims": [],
            "strength": "given",
        },
        {
            "line": 3,
            "text": "\\frac{\\partial C}{\\partial w} = (a - y) \\frac{\\partial a}{\\partial w}",
            "verdict": "ok",
            "detail": "proved symbolically (cancel)",
            "method": "cancel",
            "against": None,
            "counterexample": None,
            "claims": [],
            "strength": "proved",
        },
        {
            "line": 4,
            "text": "= (a - y) a x",
            "verdict": "wrong",
            "detail": "the two sides differ at b = -2.77865, w = -1.43033, x = -1.18612, "
            "y = 0.837865 (difference -0.044434452); line 3 actually equals "
            "x a(a − 1) (y − a)",
            "method": "random points",
            "against": 3,
            "counterexample": {
                "b": "-2.77865",
                "w": "-1.43033",
                "x": "-1.18612",
                "y": "0.837865",
                "value": "-0.044434452",
            },
            "claims": [],
            "strength": "refuted",
        },
    ],
    "first_wrong": 4,
    "chains": [],
    "answer": {
        "line": 4,
        "matches": False,
        "detail": "line 4 is not the answer of exercise mse-dw",
    },
    "exit_code": 1,
}
EXERCISES_RESPONSE = [
    {
        "id": "ce-dw",
        "asks": "\\frac{\\partial C}{\\partial w_j}",
        "statement": "Cross-entropy, one sigmoid neuron, z = Σ_j w_j x_j + b, a = σ(z). "
        "Compute ∂C/∂w_j for one sample.",
    }
]

#: (method, path, summary, request example, response example) for the docs page
ENDPOINTS: list[tuple[str, str, str, Any, Any]] = [
    (
        "GET",
        "/api/exercises?lang=en",
        "The catalog: id, what is asked (LaTeX), statement (without the reference answers).",
        None,
        EXERCISES_RESPONSE,
    ),
    (
        "POST",
        "/api/grade",
        "Grade an answer: the object of python -m derive.check EXERCISE ANSWER --json.",
        GRADE_REQUEST,
        GRADE_RESPONSE,
    ),
    (
        "POST",
        "/api/read",
        "How an answer is read (the preview): read_as in LaTeX, or the parser's error.",
        READ_REQUEST,
        READ_RESPONSE,
    ),
    (
        "POST",
        "/api/steps",
        "Check a derivation line by line: the object of --steps FILE --json, plus exit_code.",
        STEPS_REQUEST,
        STEPS_RESPONSE,
    ),
    (
        "POST",
        "/api/batch",
        "Instructor: the class CSV as the body (Authorization: Bearer TOKEN); returns the "
        "graded CSV (columns verdict and feedback added).",
        "student,exercise,answer\\nana,ce-dw,x_j(a-y)\\n",
        "student,exercise,answer,verdict,feedback\\nana,ce-dw,x_j(a-y),correct,Correct.\\n",
    ),
]


def _json_op(summary: str, request: Any, response: Any, schema: dict[str, Any]) -> dict:
    errors = {
        "400": {"description": "malformed request", "content": _content(_ERROR, None)},
        "413": {"description": "the body is over its limit", "content": _content(_ERROR, None)},
        "429": {"description": "rate limit (Retry-After header)"},
        "503": {"description": "the queue is full (Retry-After header)"},
    }
    op: dict[str, Any] = {
        "summary": summary,
        "responses": {
            "200": {"description": "the result", "content": _content({}, response)},
            **errors,
        },
    }
    if request is not None:
        op["requestBody"] = {"required": True, "content": _content(schema, request)}
    return op


def _content(schema: dict[str, Any], example: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"schema": schema}
    if example is not None:
        body["example"] = example
    return {"application/json": body}


def _object(**props: dict[str, Any]) -> dict[str, Any]:
    required = [k for k in props if k != "lang"]
    return {"type": "object", "properties": props, "required": required}


def spec() -> dict[str, Any]:
    """The OpenAPI document served at ``/api/openapi.json``."""
    text = {"type": "string"}
    answer_schema = _object(exercise=text, answer=text, lang=_LANG)
    steps_schema = {
        "type": "object",
        "properties": {"text": text, "exercise": text, "lang": _LANG},
        "required": ["text"],
    }
    summaries = {path.split("?")[0]: summary for _, path, summary, _, _ in ENDPOINTS}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "derive homework checker",
            "version": "1",
            "description": "The checker of python -m derive.check over HTTP: same verdicts, "
            "same feedback. Limits: an answer body 16 KiB, a step file 64 KiB (300 lines), "
            "a class CSV 2 MiB; per-client rate limits (429) and a bounded queue (503).",
        },
        "paths": {
            "/api/exercises": {
                "get": {
                    "summary": summaries["/api/exercises"],
                    "parameters": [
                        {"name": "lang", "in": "query", "schema": _LANG, "required": False}
                    ],
                    "responses": {
                        "200": {
                            "description": "the catalog",
                            "content": _content({"type": "array"}, EXERCISES_RESPONSE),
                        }
                    },
                }
            },
            "/api/grade": {
                "post": _json_op(
                    summaries["/api/grade"], GRADE_REQUEST, GRADE_RESPONSE, answer_schema
                )
            },
            "/api/read": {
                "post": _json_op(summaries["/api/read"], READ_REQUEST, READ_RESPONSE, answer_schema)
            },
            "/api/steps": {
                "post": _json_op(
                    summaries["/api/steps"], STEPS_REQUEST, STEPS_RESPONSE, steps_schema
                )
            },
            "/api/batch": {
                "post": {
                    "summary": summaries["/api/batch"],
                    "security": [{"token": []}],
                    "requestBody": {"content": {"text/csv": {"schema": {"type": "string"}}}},
                    "responses": {
                        "200": {"description": "graded CSV", "content": {"text/csv": {}}},
                        "403": {"description": "wrong or missing token"},
                        "413": {"description": "over 2 MiB"},
                    },
                }
            },
        },
        "components": {"securitySchemes": {"token": {"type": "http", "scheme": "bearer"}}},
    }
