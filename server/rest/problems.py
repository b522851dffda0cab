"""OpenAPI documentation of the error responses routes can give.

Every error is RFC 9457 ``application/problem+json`` (rendered by `server.errors`); listing
them per route in ``responses=`` lets client generators and schema-driven fuzzers know each
status is intended. The schema is inlined rather than a component so it needs no model.
"""

from __future__ import annotations

from typing import Any

from server.errors import PROBLEM_JSON

PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "type": "object",
    "description": "RFC 9457 problem details; some problems add members (e.g. `errors`).",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "description": "A URI naming the kind of problem."},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string", "description": "What went wrong, for a human."},
        "instance": {"type": "string", "description": "The request path."},
        "errors": {
            "type": "array",
            "description": "Validation problems only: one entry per invalid field.",
            "items": {"type": "object", "additionalProperties": True},
        },
    },
    "additionalProperties": True,
}

DESCRIPTIONS: dict[int, str] = {
    400: "The body could not be read: not UTF-8, or not parseable at all.",
    401: "No API key: send one in the `X-API-Key` header.",
    403: "The API key is not valid, or this server accepts no writes (no keys configured).",
    404: "A resource named in the path or body does not exist; `detail` says which.",
    409: "The write conflicts with existing data (a taken id or name, a duplicate).",
    422: "A parameter or body field is missing, of the wrong type or out of range.",
    429: "Too many requests from this client; retry after `Retry-After` seconds.",
}


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """``responses=`` entries for ``statuses``; 422 and 429 (validation and the rate limiter
    can answer any route) are always included."""
    documented = sorted({*statuses, 422, 429})
    return {
        status: {
            "description": DESCRIPTIONS[status],
            "content": {PROBLEM_JSON: {"schema": PROBLEM_SCHEMA}},
        }
        for status in documented
    }


def write_responses(*statuses: int, body: bool = False) -> dict[int | str, dict[str, Any]]:
    """`problem_responses` plus the 401 and 403 every write can give; with ``body``, the 400
    of a body that cannot be decoded (malformed JSON that decodes is a 422)."""
    return problem_responses(401, 403, *statuses, *((400,) if body else ()))


NOT_MODIFIED: dict[int | str, dict[str, Any]] = {
    304: {"description": "Not modified: the `If-None-Match` tag is still current."}
}
