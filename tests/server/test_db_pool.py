"""PostgreSQL connections: pinged only after sitting idle, replaced when dead, read sessions
that never hold a transaction open (no BEGIN/ROLLBACK round trips), and a connection found
dead mid-request answered as a 503 to retry (REST) or UNAVAILABLE (GraphQL), not a 500."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, text
from sqlalchemy.exc import DBAPIError

from server.db.engine import create_db_engine
from server.db.meta import get_data_version
from server.db.models import Artist
from server.db.session import Database
from server.ingest.service import run_ingest
from server.main import create_app
from server.repositories import windows
from server.services import artists as artists_service
from tests.conftest import SMALL_DATA, make_settings


@pytest.fixture(scope="module")
def pg_url(new_database_url: Callable[[str, str], str]) -> str:
    url = new_database_url("postgresql", "pool")
    engine = create_db_engine(url)
    run_ingest(engine, SMALL_DATA, replace=True)
    engine.dispose()
    return url


@pytest.fixture
def counted_pings(monkeypatch: pytest.MonkeyPatch) -> Callable[[Engine], list[int]]:
    """``watch(engine)``: a list that grows by one on every ping of the engine's dialect."""

    def watch(engine: Engine) -> list[int]:
        pings: list[int] = []
        real = engine.dialect.do_ping

        def counting(dbapi_connection: Any) -> bool:
            pings.append(1)
            return real(dbapi_connection)

        monkeypatch.setattr(engine.dialect, "do_ping", counting)
        return pings

    return watch


def backend_pid(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT pg_backend_pid()")).scalar_one())


def test_a_connection_returned_a_moment_ago_is_not_pinged(
    pg_url: str, counted_pings: Callable[[Engine], list[int]]
) -> None:
    engine = create_db_engine(pg_url, ping_after_idle_s=3600)
    pings = counted_pings(engine)
    try:
        first = backend_pid(engine)  # a new connection: just made, not pinged
        assert backend_pid(engine) == first  # the same pooled connection, reused
        assert pings == []
    finally:
        engine.dispose()


def test_an_idle_connection_is_pinged_and_a_dead_one_replaced(
    pg_url: str, postgres: Any, counted_pings: Callable[[Engine], list[int]]
) -> None:
    engine = create_db_engine(pg_url, ping_after_idle_s=0)  # every checkout counts as idle
    pings = counted_pings(engine)
    try:
        first = backend_pid(engine)
        assert backend_pid(engine) == first
        assert len(pings) == 2  # both checkouts were pinged
        with postgres.admin().connect() as admin:
            killed = admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
            assert killed.scalar_one() is True
        # The dead connection fails its ping at checkout; the pool hands out a fresh one and
        # the caller never sees the failure.
        second = backend_pid(engine)
        assert second != first
        with engine.connect() as conn:
            assert conn.execute(select(Artist.id).where(Artist.id == 1)).scalar_one() == 1
    finally:
        engine.dispose()


def test_read_sessions_hold_no_transaction_on_postgres(pg_url: str) -> None:
    database = Database.from_settings(make_settings(pg_url))
    try:
        with database.reader() as session:
            assert session.execute(select(Artist.name).where(Artist.id == 1)).scalar_one()
            raw = session.connection().connection.dbapi_connection
            assert isinstance(raw, psycopg.Connection)
            # autocommit: the SELECT ran without a BEGIN, so nothing is left to roll back
            assert raw.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
        with database.writer() as session:
            session.execute(select(Artist.name).where(Artist.id == 1))
            raw = session.connection().connection.dbapi_connection
            assert isinstance(raw, psycopg.Connection)
            # writers keep their transaction: their writes commit or roll back together
            assert raw.info.transaction_status == psycopg.pq.TransactionStatus.INTRANS
            version = get_data_version(session)
            session.rollback()
        # the version read (the response cache's key) goes through the autocommit engine too
        assert version > 0
        assert database.data_version() == version
    finally:
        database.dispose()


@pytest.fixture(scope="module")
def connection_lost(pg_url: str, postgres: Any) -> DBAPIError:
    """The real error of a statement on a pooled connection whose backend was killed while
    it sat in the pool, inside the no-ping window (what a database restart leaves)."""
    engine = create_db_engine(pg_url, ping_after_idle_s=3600)
    try:
        pid = backend_pid(engine)
        with postgres.admin().connect() as admin:
            admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        with pytest.raises(DBAPIError) as raised, engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        # SQLAlchemy recognised the disconnect; the pool reconnects for the next caller
        assert raised.value.connection_invalidated
        assert backend_pid(engine) != pid
        return raised.value
    finally:
        engine.dispose()


def raising(error: Exception) -> Callable[..., Any]:
    """A stand-in for a service or repository function that fails with ``error``."""

    def fail(*_args: Any, **_kwargs: Any) -> Any:
        raise error

    return fail


def test_a_lost_connection_is_a_503_to_retry_in_rest(
    pg_url: str, connection_lost: DBAPIError, monkeypatch: pytest.MonkeyPatch
) -> None:
    with TestClient(create_app(make_settings(pg_url))) as client:
        monkeypatch.setattr(artists_service, "get_artist", raising(connection_lost))
        response = client.get("/api/v1/artists/1")
        assert response.status_code == 503
        assert response.headers["content-type"] == "application/problem+json"
        assert response.headers["Retry-After"] == "1"
        problem = response.json()
        assert (problem["status"], problem["title"]) == (503, "Service unavailable")
        assert problem["type"].endswith("/unavailable")
        monkeypatch.undo()
        assert client.get("/api/v1/artists/1").json()["id"] == 1


def test_a_lost_connection_is_unavailable_in_graphql(
    pg_url: str, connection_lost: DBAPIError, monkeypatch: pytest.MonkeyPatch
) -> None:
    with TestClient(create_app(make_settings(pg_url))) as client:
        monkeypatch.setattr(windows, "artists_by_id", raising(connection_lost))
        body = client.post("/graphql", json={"query": "{ artist(id: 1) { name } }"}).json()
        assert body["data"] == {"artist": None}
        assert body["errors"][0]["extensions"]["code"] == "UNAVAILABLE"
        monkeypatch.undo()
        again = client.post("/graphql", json={"query": "{ artist(id: 1) { id } }"}).json()
        assert again["data"] == {"artist": {"id": 1}}
        assert "errors" not in again


def test_other_database_errors_stay_internal(pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    broken = DBAPIError("SELECT", {}, Exception("syntax"), connection_invalidated=False)
    with TestClient(create_app(make_settings(pg_url)), raise_server_exceptions=False) as client:
        monkeypatch.setattr(artists_service, "get_artist", raising(broken))
        response = client.get("/api/v1/artists/1")
        assert response.status_code == 500
        assert response.json()["title"] == "Internal server error"
