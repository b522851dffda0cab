"""The domain error tree and the one place that renders errors as RFC 9457 problem+json.

Services raise `DomainError` subclasses; only the edge (this module for REST, the GraphQL
layer for GraphQL) turns them into a wire format. Unexpected exceptions become a 500 problem
that carries the request id and no internals.
"""

from __future__ import annotations

import logging
import re
from http import HTTPStatus
from typing import Any
from weakref import WeakKeyDictionary

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import iter_route_contexts
from sqlalchemy.exc import DBAPIError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import compile_path

log = logging.getLogger("soundstream.errors")

PROBLEM_JSON = "application/problem+json"
PROBLEM_BASE = "https://soundstream.dev/problems/"


class DomainError(Exception):
    """Base of every error a service may raise on purpose."""

    status: int = 400
    code: str = "bad-request"
    title: str = "Bad request"

    def __init__(self, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra


class NotFoundError(DomainError):
    status, code, title = 404, "not-found", "Not found"


class ConflictError(DomainError):
    status, code, title = 409, "conflict", "Conflict"


class InvalidInputError(DomainError):
    """Input that passes type validation but breaks a rule (befriending oneself, bad range)."""

    status, code, title = 422, "invalid-input", "Invalid input"


class UnauthenticatedError(DomainError):
    status, code, title = 401, "unauthenticated", "Authentication required"


class ForbiddenError(DomainError):
    status, code, title = 403, "forbidden", "Forbidden"


class RateLimitedError(DomainError):
    status, code, title = 429, "rate-limited", "Too many requests"


class UnavailableError(DomainError):
    status, code, title = 503, "unavailable", "Service unavailable"


def lost_connection(exc: DBAPIError) -> UnavailableError | None:
    """The 503 for a statement whose database connection was found dead (None otherwise).

    Why: a pooled connection returned less than a second ago is handed out without a ping
    (`server.db.engine`), so after a database restart or failover the first statement on
    each such connection fails; SQLAlchemy then invalidates the pool and the next request
    reconnects. That one request is told to retry, not reported as a server bug.
    """
    if not exc.connection_invalidated:
        return None
    return UnavailableError(
        "the database connection was lost; retry the request",
        headers={"Retry-After": "1"},
    )


def problem(
    status: int,
    title: str,
    detail: str,
    *,
    code: str | None = None,
    instance: str | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": PROBLEM_BASE + (code or HTTPStatus(status).phrase.lower().replace(" ", "-")),
        "title": title,
        "status": status,
        "detail": detail,
    }
    if instance:
        body["instance"] = instance
    body.update(extra)
    return JSONResponse(
        jsonable_encoder(body), status_code=status, media_type=PROBLEM_JSON, headers=headers
    )


_ROUTE_METHODS: WeakKeyDictionary[FastAPI, list[tuple[re.Pattern[str], frozenset[str]]]] = (
    WeakKeyDictionary()
)


def allowed_methods(app: FastAPI, path: str) -> list[str]:
    """Every method some route of ``app`` accepts at ``path``, for a 405's ``Allow`` header.

    Each method of a resource is its own route, and the router names only the first route
    whose path matched; RFC 9110 wants every method the resource supports.
    """
    index = _ROUTE_METHODS.get(app)
    if index is None:
        index = [
            (compile_path(str(context.path))[0], frozenset(context.methods or ()))
            for context in iter_route_contexts(app.routes)
            if context.path is not None
        ]
        _ROUTE_METHODS[app] = index
    return sorted({method for regex, methods in index if regex.match(path) for method in methods})


def request_id(request: Request) -> str:
    return str(getattr(request.state, "request_id", "") or "")


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain(request: Request, exc: DomainError) -> JSONResponse:
        headers = {str(k): str(v) for k, v in exc.extra.pop("headers", {}).items()}
        return problem(
            exc.status,
            exc.title,
            exc.detail,
            code=exc.code,
            instance=request.url.path,
            headers=headers or None,
            **exc.extra,
        )

    from fastapi.responses import Response

    from server.rest.etag import NotModifiedError

    @app.exception_handler(NotModifiedError)
    async def _not_modified(_request: Request, exc: NotModifiedError) -> Response:
        return Response(status_code=304, headers={"ETag": exc.etag})

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {
                "loc": list(err.get("loc", ())),
                "field": ".".join(str(p) for p in err.get("loc", ())[1:]) or None,
                "msg": err.get("msg", ""),
                "type": err.get("type", ""),
            }
            for err in exc.errors()
        ]
        fields = ", ".join(e["field"] or e["loc"][0] for e in errors if e["loc"])
        return problem(
            422,
            "Validation failed",
            f"invalid value for: {fields}" if fields else "the request is not valid",
            code="validation-error",
            instance=request.url.path,
            errors=errors,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        title = HTTPStatus(exc.status_code).phrase
        detail = exc.detail if isinstance(exc.detail, str) else title
        headers = dict(exc.headers) if exc.headers else {}
        if exc.status_code == 405:
            headers["Allow"] = ", ".join(allowed_methods(request.app, request.url.path))
        return problem(
            exc.status_code,
            title,
            detail,
            instance=request.url.path,
            headers=headers or None,
        )

    @app.exception_handler(DBAPIError)
    async def _database(request: Request, exc: DBAPIError) -> JSONResponse:
        lost = lost_connection(exc)
        if lost is not None:
            return await _domain(request, lost)
        return await _unexpected(request, exc)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        rid = request_id(request)
        log.exception(
            "unhandled error on %s %s (request %s)", request.method, request.url.path, rid
        )
        return problem(
            500,
            "Internal server error",
            f"an unexpected error occurred; quote request id {rid} when reporting it",
            instance=request.url.path,
            request_id=rid,
            headers={"X-Request-ID": rid},
        )
