"""The one way a write starts and finishes.

`write_session` opens the session a write runs in; `commit_write` bumps the data version in
the same transaction and commits, so caches keyed on the version can never serve data older
than a write.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from weakref import WeakKeyDictionary

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from server.db.engine import is_sqlite
from server.db.meta import bump_data_version
from server.db.session import Database

_SQLITE_WRITE_LOCKS: WeakKeyDictionary[Engine, threading.Lock] = WeakKeyDictionary()
_LOCKS_GUARD = threading.Lock()


@contextmanager
def write_session(database: Database) -> Iterator[Session]:
    """A writer session for one write (REST route or GraphQL mutation); the service commits.

    On SQLite, writes from this process take turns on a process lock before SQLite's own.
    SQLite has one write lock and its waiters poll for it (``busy_timeout`` sleeps up to
    100 ms between tries), so among many concurrent writers an unlucky one can keep missing
    the lock until the timeout and fail with "database is locked": 20 writers did, under
    load, in tests/hardening/test_concurrent_writes.py. A thread waiting on the process lock
    is woken as soon as it is free; the busy timeout is left to arbitrate between processes
    (a CLI ingest, several server workers).
    """
    if not is_sqlite(database.engine):
        with database.writer() as session:
            yield session
        return
    with _LOCKS_GUARD:
        lock = _SQLITE_WRITE_LOCKS.setdefault(database.engine, threading.Lock())
    with lock, database.writer() as session:
        yield session


def commit_write(session: Session) -> int:
    """Flush, bump the data version, commit; return the new version."""
    session.flush()
    version = bump_data_version(session)
    session.commit()
    return version
