"""The database handle the app and the services share: an engine, a reader and a writer
session factory. Built once per app by `create_app`, never at import time."""

from __future__ import annotations

import asyncio
import sqlite3
from contextlib import AbstractAsyncContextManager, nullcontext
from dataclasses import dataclass, field
from weakref import WeakKeyDictionary

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from server.config import Settings
from server.db.engine import (
    create_db_engine,
    is_sqlite,
    reader_engine,
    request_session_limit,
    sqlite_file,
    writer_engine,
)
from server.db.meta import DATA_VERSION, get_data_version


@dataclass(slots=True)
class Database:
    engine: Engine
    reader: sessionmaker[Session]
    writer: sessionmaker[Session]
    reads: Engine
    """The readers' engine (`reader_engine`: autocommit on PostgreSQL), the same pool."""
    _version_connection: sqlite3.Connection | None = field(default=None, repr=False)
    # asyncio primitives are bound to one event loop (TestClient starts one per client).
    _turns: WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = field(
        default_factory=WeakKeyDictionary, repr=False
    )
    _slots: WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = field(
        default_factory=WeakKeyDictionary, repr=False
    )

    def write_turn(self) -> AbstractAsyncContextManager[object]:
        """Awaited on the event loop before a write (a REST write route, a GraphQL mutation)
        opens its session.

        On SQLite, writes from this process take turns before SQLite's own lock. SQLite has
        one write lock and its waiters poll for it (``busy_timeout`` sleeps up to 100 ms
        between tries), so among many concurrent writers an unlucky one can keep missing the
        lock until the timeout and fail with "database is locked": 20 writers did, under load
        (tests/hardening/test_concurrent_writes.py). The busy timeout is left to arbitrate
        between processes (a CLI ingest, several server workers).

        An asyncio lock, never a thread lock: a writer holding its turn may still be waiting
        for a worker thread to run its route, and threads blocked on a lock would starve it
        of one (tests/hardening/test_burst.py deadlocked that way).
        """
        if not is_sqlite(self.engine):
            return nullcontext()
        return self._turns.setdefault(asyncio.get_running_loop(), asyncio.Lock())

    def session_slot(self) -> AbstractAsyncContextManager[object]:
        """Awaited on the event loop before a request session opens: with a capped pool, more
        sessions than it can serve would leave threads blocked in checkout while the sessions
        holding connections wait for a thread (`request_session_limit`)."""
        limit = request_session_limit(self.engine)
        if limit is None:
            return nullcontext()
        return self._slots.setdefault(asyncio.get_running_loop(), asyncio.Semaphore(limit))

    def data_version(self) -> int | None:
        """The current data version, as cheaply as possible (None: no schema yet).

        On SQLite this is one primary-key lookup on a connection of its own (~10 µs, no
        pool, no ORM): the response cache asks on every GET. Under WAL the read sees every
        committed write, from this process or any other.
        """
        path = sqlite_file(self.engine)
        try:
            if path is None:
                with self.reads.connect() as conn:
                    return get_data_version(conn)
            if self._version_connection is None:
                self._version_connection = sqlite3.connect(
                    path, check_same_thread=False, isolation_level=None
                )
            row = self._version_connection.execute(
                "SELECT value FROM meta WHERE key = ?", (DATA_VERSION,)
            ).fetchone()
        except Exception:  # no meta table yet, database unreachable: nothing to key on
            return None
        return int(row[0]) if row else 0

    @classmethod
    def from_settings(cls, settings: Settings) -> Database:
        engine = create_db_engine(
            settings.database_url, busy_timeout_ms=settings.sqlite_busy_timeout_ms
        )
        reads = reader_engine(engine)
        return cls(
            engine=engine,
            reads=reads,
            reader=sessionmaker(bind=reads, expire_on_commit=False, autoflush=False),
            # On SQLite the writer begins with the write lock (BEGIN IMMEDIATE): see engine.py.
            writer=sessionmaker(
                bind=writer_engine(engine), expire_on_commit=False, autoflush=False
            ),
        )

    def dispose(self) -> None:
        if self._version_connection is not None:
            self._version_connection.close()
            self._version_connection = None
        self.engine.dispose()
