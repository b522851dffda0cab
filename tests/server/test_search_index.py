"""The substring search (``q``) is served by the artist name's trigram index on PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.orm import Session

from server.db.engine import create_db_engine
from server.ingest.service import run_ingest
from server.repositories.search import (
    ArtistFilter,
    count_artists,
    narrows_spaceless,
    search_artists,
)
from server.schemas.search import SearchSort
from tests.conftest import SMALL_DATA, full_data_dir


@pytest.mark.parametrize("query", ["radio", "RADIO", "bjö"])
def test_name_search_uses_the_trigram_index(
    new_database_url: Callable[[str, str], str], query: str
) -> None:
    engine = create_db_engine(new_database_url("postgresql", "trigram"))
    run_ingest(engine, SMALL_DATA, replace=True)
    statements: list[tuple[str, Any]] = []
    event.listen(
        engine, "before_cursor_execute", lambda *args: statements.append((args[2], args[3]))
    )
    criteria = ArtistFilter(name_contains=query.lower())
    try:
        with Session(engine) as session:
            # The fixture is tiny: forbid reading the whole table (a sequential scan, or the
            # primary key's index walked with a filter) so the plan shows whether the trigram
            # index *can* serve the condition (it cannot for `lower(name) LIKE ...`).
            session.execute(text("SET LOCAL enable_seqscan = off"))
            session.execute(text("SET LOCAL enable_indexscan = off"))
            found = search_artists(session, criteria, sort=SearchSort.PLAYS, limit=10, offset=0)
            assert count_artists(session, criteria) == len(found) == 1
            searched = [(s, p) for s, p in statements if "ILIKE" in s]
            assert len(searched) == 2  # the page and its total
            for statement, parameters in searched:
                plan = session.connection().exec_driver_sql("EXPLAIN " + statement, parameters)
                shown = "\n".join(row[0] for row in plan)
                assert "ix_artists_name_search" in shown, shown
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    ("query", "narrows"),
    [("a ro", True), ("he t", True), ("& th", False), ("mina", False), ("ab c", True)],
)
def test_which_pieces_are_narrowed_without_spaces(query: str, narrows: bool) -> None:
    assert narrows_spaceless(query) is narrows


def test_a_piece_with_a_space_is_narrowed_by_the_spaceless_index(
    new_database_url: Callable[[str, str], str],
) -> None:
    """'ck r' (The Black Rider, Rock Roll...): the plan reads the index on the name without
    spaces, and the answer is what the exact condition alone gives."""
    engine = create_db_engine(new_database_url("postgresql", "spaceless"))
    run_ingest(engine, full_data_dir(), replace=True)
    criteria = ArtistFilter(name_contains="ck r")
    try:
        with Session(engine) as session:
            names = [
                str(name)
                for (name,) in session.execute(text("SELECT name FROM artists ORDER BY id"))
            ]
            expected = sum("ck r" in name.lower() for name in names)
            assert expected > 5
            assert count_artists(session, criteria) == expected
            statements: list[tuple[str, Any]] = []
            event.listen(
                engine, "before_cursor_execute", lambda *args: statements.append((args[2], args[3]))
            )
            session.execute(text("SET LOCAL enable_seqscan = off"))
            rows = search_artists(session, criteria, sort=SearchSort.PLAYS, limit=500, offset=0)
            assert len(rows) == expected
            statement, parameters = statements[-1]
            plan = session.connection().exec_driver_sql("EXPLAIN " + statement, parameters)
            shown = "\n".join(row[0] for row in plan)
            assert "ix_artists_name_spaceless" in shown, shown
    finally:
        engine.dispose()
