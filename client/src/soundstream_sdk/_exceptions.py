"""The SDK's exception tree.

::

    SoundStreamError
    ├── APIConnectionError          the server could not be reached (DNS, refused, reset)
    │   └── APITimeoutError         no answer within the timeout
    ├── APIStatusError              the server answered 4xx/5xx (an RFC 9457 problem)
    │   ├── BadRequestError             400
    │   ├── AuthenticationError         401  (no X-API-Key)
    │   ├── PermissionDeniedError       403  (a wrong key, or a read-only server)
    │   ├── NotFoundError               404
    │   ├── ConflictError               409
    │   ├── UnprocessableEntityError    422  (validation; ``.errors`` lists the fields)
    │   ├── RateLimitError              429  (``.retry_after`` seconds)
    │   └── InternalServerError         5xx
    └── GraphQLError                a GraphQL answer carried ``errors`` (``.codes``)

Every class is importable from ``soundstream_sdk``.
"""

from __future__ import annotations

import email.utils
import time
from typing import Any

import httpx

__all__ = [
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "GraphQLError",
    "InternalServerError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "SoundStreamError",
    "UnprocessableEntityError",
    "parse_retry_after",
]


class SoundStreamError(Exception):
    """Base of every error the SDK raises on purpose."""


class APIConnectionError(SoundStreamError):
    """The request never got an HTTP answer (connection refused, reset, DNS failure).

    Attributes:
        request: The `httpx.Request` that failed.
    """

    def __init__(self, message: str = "connection error", *, request: httpx.Request) -> None:
        super().__init__(message)
        self.request = request


class APITimeoutError(APIConnectionError):
    """No answer within the client's timeout."""

    def __init__(self, *, request: httpx.Request) -> None:
        super().__init__(f"request timed out: {request.method} {request.url}", request=request)


class APIStatusError(SoundStreamError):
    """The server answered with a 4xx or 5xx status.

    SoundStream renders errors as RFC 9457 ``application/problem+json``; its members are kept
    in `problem` and the common ones are attributes.

    Attributes:
        status_code: The HTTP status, e.g. ``404``.
        problem: The problem document (``type``, ``title``, ``status``, ``detail``, ...), or
            ``{"detail": <body text>}`` when the body is not JSON.
        detail: What went wrong, for a human (the problem's ``detail``).
        title: The problem's ``title``.
        type: The problem's ``type`` URI (e.g. ``https://soundstream.dev/problems/not-found``).
        request_id: The server's request id (``X-Request-ID``): quote it in a bug report.
        response: The `httpx.Response`.
    """

    def __init__(self, message: str, *, response: httpx.Response, problem: dict[str, Any]) -> None:
        super().__init__(message)
        self.response = response
        self.request = response.request
        self.status_code = response.status_code
        self.problem = problem
        self.detail: str = str(problem.get("detail") or message)
        self.title: str | None = _optional_str(problem.get("title"))
        self.type: str | None = _optional_str(problem.get("type"))
        self.request_id: str | None = response.headers.get("X-Request-ID") or _optional_str(
            problem.get("request_id")
        )

    @property
    def errors(self) -> list[dict[str, Any]]:
        """Per-field problems of a validation error (``[]`` for other problems)."""
        errors = self.problem.get("errors")
        return [e for e in errors if isinstance(e, dict)] if isinstance(errors, list) else []

    def __repr__(self) -> str:
        return f"{type(self).__name__}(status_code={self.status_code}, detail={self.detail!r})"


class BadRequestError(APIStatusError):
    """400: the request is malformed."""


class AuthenticationError(APIStatusError):
    """401: the operation needs an API key (``SoundStream(api_key=...)``)."""


class PermissionDeniedError(APIStatusError):
    """403: the API key is not valid, or the server accepts no writes."""


class NotFoundError(APIStatusError):
    """404: a resource named in the path or body does not exist."""


class ConflictError(APIStatusError):
    """409: the write clashes with existing data (a taken id or name, a duplicate)."""


class UnprocessableEntityError(APIStatusError):
    """422: a parameter or body field is missing, of the wrong type or out of range."""


class RateLimitError(APIStatusError):
    """429: too many requests.

    Attributes:
        retry_after: Seconds the server asked to wait (``Retry-After``), if it said.
    """

    def __init__(self, message: str, *, response: httpx.Response, problem: dict[str, Any]) -> None:
        super().__init__(message, response=response, problem=problem)
        self.retry_after = parse_retry_after(response.headers.get("Retry-After"))


class InternalServerError(APIStatusError):
    """5xx: the server failed (500) or is unavailable (502, 503, 504)."""


class GraphQLError(SoundStreamError):
    """A GraphQL response carried ``errors``.

    Attributes:
        errors: The ``errors`` entries as sent (``message``, ``path``, ``extensions``...).
        codes: Each error's ``extensions.code`` (``NOT_FOUND``, ``UNAUTHENTICATED``,
            ``QUERY_TOO_COMPLEX``...), or ``None`` for errors without one (e.g. validation).
        code: The first error's code.
        data: The partial ``data``, if any.
        extensions: The response's ``extensions`` (e.g. the query ``cost``).
    """

    def __init__(
        self,
        errors: list[dict[str, Any]],
        *,
        data: dict[str, Any] | None = None,
        extensions: dict[str, Any] | None = None,
    ) -> None:
        messages = [str(error.get("message", "")) for error in errors]
        super().__init__("; ".join(messages) or "GraphQL error")
        self.errors = errors
        self.data = data
        self.extensions = extensions or {}
        self.codes: list[str | None] = [_error_code(error) for error in errors]
        self.messages = messages

    @property
    def code(self) -> str | None:
        """The first error's ``extensions.code``."""
        return self.codes[0] if self.codes else None

    def __repr__(self) -> str:
        return f"GraphQLError(codes={self.codes!r}, message={str(self)!r})"


STATUS_ERRORS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def status_error(response: httpx.Response) -> APIStatusError:
    """The exception for an error ``response`` (whose body must already be read)."""
    problem = _problem(response)
    kind = STATUS_ERRORS.get(response.status_code)
    if kind is None:
        kind = InternalServerError if response.status_code >= 500 else APIStatusError
    detail = problem.get("detail") or response.reason_phrase
    message = f"{response.status_code} {response.reason_phrase}: {detail}"
    return kind(message, response=response, problem=problem)


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: delta-seconds or an HTTP date.

    Example:
        >>> parse_retry_after("3")
        3.0
        >>> parse_retry_after(None) is None
        True
    """
    if not value:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(moment.timestamp() - time.time(), 0.0)


def _problem(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        text = response.text.strip()
        return {"status": response.status_code, "detail": text or response.reason_phrase}
    if isinstance(body, dict):
        return body
    return {"status": response.status_code, "detail": str(body)}


def _error_code(error: dict[str, Any]) -> str | None:
    extensions = error.get("extensions")
    if isinstance(extensions, dict):
        return _optional_str(extensions.get("code"))
    return None


def _optional_str(value: object) -> str | None:
    return None if value is None else str(value)
