"""A list of ids as one statement parameter, the same SQL text whatever its length.

On PostgreSQL the list is one array parameter (``id = ANY(:ids)``): the text of the statement
does not change with the number of ids, so SQLAlchemy compiles it once and psycopg prepares it
on the server, whose plan is then reused. An ``IN`` list of ~110 constants instead cost ~1.6
ms of planning on every call at 100x the real data (the search's window of artists). SQLite
has no arrays: there it is an expanding ``IN`` (placeholders rendered per call, planning
cheap). Statements using it are built once per dialect (`by_dialect`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import ColumnElement, Integer, any_, bindparam
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import QueryableAttribute, Session


def matches(
    column: ColumnElement[int] | QueryableAttribute[int], name: str, *, array: bool
) -> ColumnElement[bool]:
    """``column`` is one of the ids bound to ``name``: ``= ANY`` of an array parameter when
    ``array`` (PostgreSQL), else an expanding ``IN``."""
    if array:
        return column == any_(bindparam(name, type_=postgresql.ARRAY(Integer)))
    return column.in_(bindparam(name, expanding=True))


def uses_arrays(session: Session) -> bool:
    """Whether the session's database takes an id list as one array parameter."""
    return session.get_bind().dialect.name == "postgresql"


def by_dialect(build: Callable[[bool], Any]) -> dict[bool, Any]:
    """``build(array)`` for both kinds of database, keyed by `uses_arrays`: a statement
    built once per process instead of per call."""
    return {array: build(array) for array in (True, False)}
