"""Relay-style cursors: opaque strings that encode a position in a stable order."""

from __future__ import annotations

import base64
import binascii

from server.graphql.errors import bad_input
from server.schemas.pagination import MAX_LIMIT

_PREFIX = "pos:"


def encode_cursor(position: int) -> str:
    return base64.urlsafe_b64encode(f"{_PREFIX}{position}".encode()).decode()


def decode_cursor(cursor: str | None) -> int:
    """The offset that follows ``cursor`` (0 without one); a bad cursor is a user error."""
    if cursor is None:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
        if not text.startswith(_PREFIX):
            raise ValueError(text)
        position = int(text[len(_PREFIX) :])
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise bad_input(f"invalid cursor {cursor[:64]!r}", argument="after") from None
    if position < 0:
        raise bad_input("invalid cursor", argument="after")
    return position + 1


def check_first(first: int, *, argument: str = "first") -> int:
    """``first`` is required and 1-100: more is an error, never a silent truncation."""
    if not 1 <= first <= MAX_LIMIT:
        raise bad_input(
            f"`{argument}` must be between 1 and {MAX_LIMIT}, got {first}",
            argument=argument,
            min=1,
            max=MAX_LIMIT,
        )
    return first
