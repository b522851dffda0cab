"""Engines and sessions for SQLite (the embedded default) and PostgreSQL (psycopg 3).

SQLite pragmas are per connection, so they are set in a ``connect`` event on every new
connection: foreign keys (the schema's ON DELETE CASCADE depends on them), WAL so readers do
not block the writer, and a busy timeout so concurrent writers wait instead of failing with
"database is locked".
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError

from server.config import resolve_sqlite_path


def normalise_url(database_url: str) -> str:
    """Accept plain ``postgresql://`` URLs and route them to psycopg 3."""
    if database_url.startswith("postgres://"):
        database_url = "postgresql://" + database_url[len("postgres://") :]
    if database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgresql://") :]
    return database_url


PING_AFTER_IDLE_S = 1.0
"""A pooled PostgreSQL connection idle longer than this is pinged before it is handed out."""


def create_db_engine(
    database_url: str,
    *,
    busy_timeout_ms: int = 5000,
    ping_after_idle_s: float = PING_AFTER_IDLE_S,
    **kwargs: Any,
) -> Engine:
    """An engine with the pragmas and pool this project relies on."""
    url = normalise_url(database_url)
    if url.startswith("sqlite"):
        path = resolve_sqlite_path(url)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            # Never make a checkout wait: a request keeps its pooled connection while it waits
            # for a worker thread (FastAPI runs dependencies, route and serialisation as separate
            # threadpool hops), so with a capped pool (5 + 10) the threads blocked in checkout and
            # the requests holding connections wait on each other until the 30 s pool timeout
            # (benchmarks/load.py, 100 clients). A SQLite connection is only a file handle.
            kwargs.setdefault("max_overflow", -1)
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": busy_timeout_ms / 1000},
            **kwargs,
        )
        _install_sqlite_pragmas(engine, busy_timeout_ms)
        return engine
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    engine = create_engine(url, **kwargs)
    if not kwargs.get("pool_pre_ping"):
        _install_liveness_check(engine, ping_after_idle_s)
    return engine


def _install_liveness_check(engine: Engine, idle_s: float) -> None:
    """Ping a pooled connection at checkout only when it has been idle for ``idle_s``.

    Why not ``pool_pre_ping``: it pings on every checkout, and a request checks out once per
    statement batch (the data version, then each GraphQL loader): at 100x the data the
    nested GraphQL query paid five extra round trips, and PostgreSQL five extra wake-ups on
    the same two cores. A connection returned a moment ago was alive a moment ago; one that
    sat idle may have been cut by a restart, a failover or an idle timeout in between, and
    is checked as before (HikariCP's ``aliveBypassWindowMs``, 500 ms, is the same idea). A
    connection that dies inside the window fails its statement, which is answered as a 503
    to retry (`server.errors.lost_connection`); SQLAlchemy then invalidates the pool, so what
    follows reconnects.
    """

    @event.listens_for(engine, "connect")
    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        since = record.info.pop("idle_since", None)
        if since is not None and time.monotonic() - since < idle_s:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as error:  # the pool retries with a fresh connection
            raise DisconnectionError(str(error)) from error


def reader_engine(engine: Engine) -> Engine:
    """The same pool, with read sessions in autocommit on PostgreSQL.

    Why: a read-only transaction under PostgreSQL's READ COMMITTED buys nothing (each
    statement takes its own snapshot either way) but costs a BEGIN and a ROLLBACK round trip
    around every checkout; psycopg also drops its prepared statements at each ROLLBACK. Reader
    sessions never write (writes go through `writer_engine`'s sessions, which commit).
    SQLite keeps its deferred read transactions: they are in-process calls, and a WAL reader
    needs its transaction to see one consistent snapshot.
    """
    if engine.dialect.name == "sqlite":
        return engine
    return engine.execution_options(isolation_level="AUTOCOMMIT")


def request_session_limit(engine: Engine) -> int | None:
    """How many request sessions may be open at once (None: no limit).

    A request session holds its pooled connection across threadpool hops (route, then the
    response's serialisation), so a capped pool must never be handed out entirely to them:
    two thirds at most, and the rest stays free for what checks out and returns a connection
    in one thread (GraphQL's loaders, the data version read), which therefore always
    progresses. SQLite's pool is uncapped.
    """
    max_overflow = getattr(engine.pool, "_max_overflow", -1)
    size = getattr(engine.pool, "size", lambda: 0)()
    if is_sqlite(engine) or max_overflow < 0:
        return None
    return max(1, (size + max_overflow) * 2 // 3)


def _install_sqlite_pragmas(engine: Engine, busy_timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # pysqlite's implicit BEGIN is turned off so the "begin" event below owns transactions.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    # A writer takes the write lock at BEGIN (IMMEDIATE): two deferred writers that both read
    # first would otherwise deadlock on the lock upgrade and one would fail at once with
    # "database is locked"; with IMMEDIATE the busy timeout serialises them. Readers stay
    # deferred, so under WAL they never wait for a writer.
    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        mode = conn.get_execution_options().get(SQLITE_BEGIN_OPTION, "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")


SQLITE_BEGIN_OPTION = "sqlite_begin"


def writer_engine(engine: Engine) -> Engine:
    """The same pool, but transactions that start with the write lock on SQLite."""
    if engine.dialect.name != "sqlite":
        return engine
    return engine.execution_options(**{SQLITE_BEGIN_OPTION: "IMMEDIATE"})


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def database_label(database_url: str) -> str:
    """A printable form of the URL without the password."""
    return make_url(normalise_url(database_url)).render_as_string(hide_password=True)


def sqlite_file(engine: Engine) -> Path | None:
    return resolve_sqlite_path(str(engine.url)) if is_sqlite(engine) else None
