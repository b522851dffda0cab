"""Domain errors rendered as GraphQL errors with a machine-readable ``extensions.code``."""

from __future__ import annotations

from typing import Any

from graphql import GraphQLError

from server.errors import (
    ConflictError,
    DomainError,
    ForbiddenError,
    InvalidInputError,
    NotFoundError,
    RateLimitedError,
    UnauthenticatedError,
    UnavailableError,
)

BAD_USER_INPUT = "BAD_USER_INPUT"
CODES: dict[type[DomainError], str] = {
    NotFoundError: "NOT_FOUND",
    ConflictError: "CONFLICT",
    InvalidInputError: BAD_USER_INPUT,
    UnauthenticatedError: "UNAUTHENTICATED",
    ForbiddenError: "FORBIDDEN",
    RateLimitedError: "RATE_LIMITED",
    UnavailableError: "UNAVAILABLE",
}


def code_for(error: DomainError) -> str:
    for kind in type(error).__mro__:
        if kind in CODES:
            return CODES[kind]
    return BAD_USER_INPUT


def as_graphql_error(error: DomainError) -> GraphQLError:
    extensions: dict[str, Any] = {"code": code_for(error)}
    extensions.update({k: v for k, v in error.extra.items() if k != "headers"})
    return GraphQLError(error.detail, extensions=extensions)


def bad_input(message: str, **extensions: Any) -> GraphQLError:
    return GraphQLError(message, extensions={"code": BAD_USER_INPUT, **extensions})


def should_mask(error: GraphQLError) -> bool:
    """Mask unexpected exceptions (a stack trace never reaches a client); keep our own."""
    original = error.original_error
    return original is not None and not isinstance(original, GraphQLError | DomainError)
