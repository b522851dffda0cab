"""Constrained field types for what the database columns can hold.

The course schema stores ids as ``INTEGER`` (32-bit on PostgreSQL), weights and timestamps as
``BIGINT`` and names as ``TEXT``. Checking those limits at the edge turns a value a column
cannot take into a 422 instead of a driver error (a 500 on PostgreSQL, which also refuses NUL
characters in text), and keeps the two backends answering alike.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

INT32_MAX = 2**31 - 1
INT64_MAX = 2**63 - 1

RowId = Annotated[
    int,
    Field(ge=1, le=INT32_MAX, strict=True, description="A positive 32-bit id (Last.fm's own ids)."),
]
"""Any artist, user or tag id: 1 … 2,147,483,647."""

NO_NUL = r"^[^\x00]*$"
"""A pattern for text: anything but NUL, which PostgreSQL's ``TEXT`` refuses."""


def is_text(value: str) -> bool:
    """True unless ``value`` holds a lone surrogate: JSON can spell one (``"\\ud800"``) and
    GraphQL variables carry it through, but it has no UTF-8 encoding, so no database driver
    can send it (a string field with constraints is refused by Pydantic; a bare ``str``
    reaching a query must be checked)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def not_blank(value: str) -> str:
    """Refuse names made only of spaces; others are kept verbatim (never stripped), so a
    name round-trips byte for byte."""
    if not value.strip():
        raise ValueError("must contain a non-space character")
    return value
