"""Keeping PostgreSQL's id sequences ahead of ids that clients chose themselves.

Rows created without an id take the sequence's next value (SQLite: the largest rowid + 1).
A row inserted with an explicit id does not move the sequence, so without this a later
insert without an id could draw that same id and fail. SQLite needs nothing.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session


def advance_id_sequence(session: Session, table: str, column: str) -> None:
    """Move the sequence of ``table.column`` to at least the column's largest value.

    Never moves it backwards (a sequence past the largest id, after deletes or rollbacks,
    stays where it is). ``table`` and ``column`` are the schema's names, not user input.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    # pg_get_serial_sequence parses its first argument as an SQL name (hence the quotes) and
    # takes the second verbatim. last_value is NULL while the sequence is fresh ("not called").
    session.execute(
        text(
            "SELECT setval(s.seq, GREATEST(m.top, COALESCE(pg_sequence_last_value(s.seq), 0), 1)) "
            "FROM (SELECT CAST(pg_get_serial_sequence(:table, :column) AS regclass) AS seq) AS s, "
            f'(SELECT COALESCE(MAX("{column}"), 0) AS top FROM "{table}") AS m'
        ),
        {"table": f'"{table}"', "column": column},
    )
