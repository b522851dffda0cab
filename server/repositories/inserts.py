"""Inserts that tolerate a concurrent writer: a row another transaction inserted first is
skipped, not an integrity error.

Idempotent writes (PUT a listen, PUT a friendship) check "absent" and then insert; on
PostgreSQL two transactions can both pass the check, and the second insert would fail on the
primary key although the client asked for exactly what now exists. ``ON CONFLICT DO NOTHING``
waits for the other transaction and skips its row; the caller learns how many rows it added.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def insert_absent(session: Session, table: Table, rows: Sequence[Mapping[str, Any]]) -> int:
    """Insert ``rows`` into ``table``, skipping any whose key already exists; rows added."""
    if not rows:
        return 0
    dialect = session.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    statement = (
        module.insert(table)
        .values(list(rows))
        .on_conflict_do_nothing()
        # Counted from RETURNING, not rowcount: through the session on PostgreSQL the rowcount
        # of this insert was not 1 for a new row (measured), so it looked like a skipped one.
        .returning(*table.primary_key.columns)
    )
    return len(session.execute(statement).all())
