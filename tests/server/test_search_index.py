"""The substring search (``q``) is served by trigram indexes: ``pg_trgm`` on PostgreSQL, an FTS5
table on SQLite."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event, text
from sqlalchemy.orm import Session

from server.db import name_trigrams
from server.db.engine import create_db_engine
from server.db.migrate import upgrade
from server.ingest.service import run_ingest
from server.repositories.search import (
    ArtistFilter,
    count_artists,
    install_sqlite_functions,
    narrows_spaceless,
    search_artists,
)
from server.schemas.search import SearchSort
from tests.conftest import SMALL_DATA, full_data_dir

API = "/api/v1"


def recorded(engine: Engine) -> list[tuple[str, Any]]:
    """Every ``(statement, parameters)`` the engine runs from now on."""
    statements: list[tuple[str, Any]] = []
    event.listen(
        engine, "before_cursor_execute", lambda *args: statements.append((args[2], args[3]))
    )
    return statements


def plan(session: Session, statement: str, parameters: Any) -> str:
    """The database's plan of a recorded statement, one line per step."""
    explain = "EXPLAIN QUERY PLAN " if session.get_bind().dialect.name == "sqlite" else "EXPLAIN "
    rows = session.connection().exec_driver_sql(explain + statement, parameters)
    return "\n".join(str(row[-1]) for row in rows)


@pytest.mark.parametrize("query", ["radio", "RADIO", "bjö"])
def test_name_search_uses_the_trigram_index(
    new_database_url: Callable[[str, str], str], query: str
) -> None:
    engine = create_db_engine(new_database_url("postgresql", "trigram"))
    run_ingest(engine, SMALL_DATA, replace=True)
    statements = recorded(engine)
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
                shown = plan(session, statement, parameters)
                assert "ix_artist_search_name" in shown, shown
                # the figures sit beside the name: no probe of the tally per match
                assert "artist_stats" not in shown, shown
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
            statements = recorded(engine)
            session.execute(text("SET LOCAL enable_seqscan = off"))
            rows = search_artists(session, criteria, sort=SearchSort.PLAYS, limit=500, offset=0)
            assert len(rows) == expected
            statement, parameters = statements[-1]
            shown = plan(session, statement, parameters)
            assert "ix_artist_search_spaceless" in shown, shown
    finally:
        engine.dispose()


# --- SQLite: the FTS5 trigram table (server/db/name_trigrams.py) -----------------------------


@pytest.mark.parametrize(
    ("piece", "query"),
    [
        ("radio", '"radio"'),
        ("ck r", '"ck r"'),
        ('a "b', '"a ""b"'),  # FTS5 quoting: a double quote doubled inside the phrase
        ("taxi", '"taxi" OR "tax\u0130"'),  # Python lowers İ to i + a combining dot
        ("ab", None),  # shorter than a trigram
        ("bjö", '"bjö"'),
        ("東京 t", '"東京 t"'),
        # ʂ: the tokenizer does not fold its upper case (U+A7C5) to it, as Python does
        ("ʂabcd", '"abcd"'),  # the longest run the index can vouch for
        ("xʂy", None),
    ],
)
def test_which_pieces_the_name_index_answers(piece: str, query: str | None) -> None:
    assert name_trigrams.match_query(piece) == query


def test_sqlite_name_search_reads_the_trigram_table(
    new_database_url: Callable[[str, str], str],
) -> None:
    """The plan starts from the FTS5 table and looks artists up by id — no scan of the
    names — and the answer is what the exact condition alone gives; pieces the index
    cannot serve are scanned, with the same answers."""
    engine = create_db_engine(new_database_url("sqlite", "trigrams"))
    run_ingest(engine, full_data_dir(), replace=True)
    statements = recorded(engine)
    try:
        with Session(engine) as session:
            install_sqlite_functions(session)
            names = [str(n) for (n,) in session.execute(text("SELECT name FROM artists"))]
            for piece, indexed in [("mina", True), ("ck r", True), ("bjö", True), ("ab", False)]:
                criteria = ArtistFilter(name_contains=piece)
                statements.clear()
                expected = sum(piece in name.lower() for name in names)
                assert expected > 0
                assert count_artists(session, criteria) == expected
                found = search_artists(session, criteria, sort=SearchSort.NAME, limit=500, offset=0)
                assert len(found) == min(expected, 500)
                statement, parameters = statements[-1]
                assert ("MATCH" in statement) is indexed
                shown = plan(session, statement, parameters)
                if indexed:
                    assert f"SCAN {name_trigrams.TABLE} VIRTUAL TABLE" in shown, shown
                    assert "SEARCH artists USING INTEGER PRIMARY KEY" in shown, shown
    finally:
        engine.dispose()


def test_the_name_index_finds_every_name_holding_a_piece(
    new_database_url: Callable[[str, str], str],
) -> None:
    """The prefilter is exact: for 400 pieces cut from the real names at random (every
    script the data has, spaces and punctuation included), the rows the FTS query returns
    hold every name whose Python lower case contains the piece."""
    engine = create_db_engine(new_database_url("sqlite", "trigram_pieces"))
    run_ingest(engine, full_data_dir(), replace=True)
    rng = random.Random(7)
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT id, name FROM artists"))
            names = {int(artist_id): str(name) for artist_id, name in rows}
            pool = [name.lower() for name in names.values() if len(name) >= 5]
            odd = [n for n in pool if not n.isascii()]
            pieces = set()
            for source in (pool, odd):
                for _ in range(200):
                    name = rng.choice(source)
                    size = rng.randint(3, 5)
                    start = rng.randrange(len(name) - size + 1)
                    pieces.add(name[start : start + size])
            checked = 0
            for piece in sorted(pieces):
                query = name_trigrams.match_query(piece)
                if query is None:
                    continue
                table = name_trigrams.TABLE
                found = set(
                    conn.execute(
                        text(f"SELECT rowid FROM {table} WHERE {table} MATCH :q"), {"q": query}
                    ).scalars()
                )
                holding = {i for i, name in names.items() if piece in name.lower()}
                assert holding, piece
                assert holding <= found, (piece, query, holding - found)
                checked += 1
            assert checked >= 350
    finally:
        engine.dispose()


def test_the_name_index_follows_every_write(client: TestClient, auth: dict[str, str]) -> None:
    """Created, renamed and deleted artists are found, found under the new name only, and
    gone — on SQLite through the FTS table's triggers (PostgreSQL's indexes are plain). The
    names hold the two characters whose lower case is ASCII (the Kelvin sign, İ)."""

    def found(q: str) -> list[str]:
        response = client.get(f"{API}/artists/search", params={"q": q, "limit": 100})
        assert response.status_code == 200, response.text
        return [hit["name"] for hit in response.json()["items"]]

    created = client.post(
        f"{API}/artists", json={"name": "Zyx Kelvin DAR\u212a TAXİ"}, headers=auth
    )
    assert created.status_code == 201, created.text
    artist_id = created.json()["id"]
    name = created.json()["name"]
    assert found("dark") == [name]
    assert found("taxi") == [name]  # lower-cased by Python: 'taxi̇'
    assert found("zyx kel") == [name]
    renamed = client.patch(f"{API}/artists/{artist_id}", json={"name": "Qwv Renamed"}, headers=auth)
    assert renamed.status_code == 200, renamed.text
    assert found("zyx") == []
    assert found("qwv ren") == ["Qwv Renamed"]
    assert client.delete(f"{API}/artists/{artist_id}", headers=auth).status_code == 204
    assert found("qwv") == []


def test_migration_0005_indexes_the_names_already_there(
    new_database_url: Callable[[str, str], str],
) -> None:
    url = new_database_url("sqlite", "upgrade0005")
    upgrade(url, "0004")
    engine = create_db_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO artists (id, name) VALUES (1, 'Black Rider')"))
        upgrade(url)
        with engine.connect() as conn:
            hits = conn.execute(
                text(
                    f"SELECT rowid FROM {name_trigrams.TABLE} WHERE {name_trigrams.TABLE} MATCH :q"
                ),
                {"q": name_trigrams.match_query("ck r")},
            ).all()
        assert hits == [(1,)]
    finally:
        engine.dispose()
