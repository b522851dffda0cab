"""The one way a write starts and finishes.

`write_turn` makes a write wait for its turn, `write_session` opens the session it runs in,
and `commit_write` bumps the data version in the same transaction and commits, so caches keyed
on the version can never serve data older than a write.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import AbstractAsyncContextManager, contextmanager, nullcontext
from weakref import WeakKeyDictionary

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from server.db.engine import is_sqlite
from server.db.meta import bump_data_version
from server.db.session import Database

_TURNS: WeakKeyDictionary[asyncio.AbstractEventLoop, WeakKeyDictionary[Engine, asyncio.Lock]] = (
    WeakKeyDictionary()
)


def write_turn(database: Database) -> AbstractAsyncContextManager[object]:
    """Await this before a write (a REST write route, a GraphQL mutation) runs.

    On SQLite, writes from this process take turns before SQLite's own lock. SQLite has one
    write lock and its waiters poll for it (``busy_timeout`` sleeps up to 100 ms between
    tries), so among many concurrent writers an unlucky one can keep missing the lock until
    the timeout and fail with "database is locked": 20 writers did, under load
    (tests/hardening/test_concurrent_writes.py). The busy timeout is left to arbitrate
    between processes (a CLI ingest, several server workers).

    The turn is an asyncio lock, awaited on the event loop, never a thread lock: a writer
    holding its turn may still be waiting for a worker thread to run its route, and threads
    blocked on a lock would starve it of one (with more concurrent writers than worker
    threads, tests/hardening/test_burst.py deadlocked that way).
    """
    if not is_sqlite(database.engine):
        return nullcontext()
    per_loop = _TURNS.setdefault(asyncio.get_running_loop(), WeakKeyDictionary())
    return per_loop.setdefault(database.engine, asyncio.Lock())


@contextmanager
def write_session(database: Database) -> Iterator[Session]:
    """A writer session (on SQLite its transaction begins with the write lock); it takes a
    connection at its first statement, in the thread that runs the write."""
    with database.writer() as session:
        yield session


def commit_write(session: Session) -> int:
    """Flush, bump the data version, commit; return the new version."""
    session.flush()
    version = bump_data_version(session)
    session.commit()
    return version
