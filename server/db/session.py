"""The database handle the app and the services share: an engine, a reader and a writer
session factory. Built once per app by `create_app`, never at import time."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from server.config import Settings
from server.db.engine import create_db_engine, sqlite_file, writer_engine
from server.db.meta import DATA_VERSION, get_data_version


@dataclass(slots=True)
class Database:
    engine: Engine
    reader: sessionmaker[Session]
    writer: sessionmaker[Session]
    _version_connection: sqlite3.Connection | None = field(default=None, repr=False)

    def data_version(self) -> int | None:
        """The current data version, as cheaply as possible (None: no schema yet).

        On SQLite this is one primary-key lookup on a connection of its own (~10 µs, no
        pool, no ORM): the response cache asks on every GET. Under WAL the read sees every
        committed write, from this process or any other.
        """
        path = sqlite_file(self.engine)
        try:
            if path is None:
                with self.engine.connect() as conn:
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
        return cls(
            engine=engine,
            reader=sessionmaker(bind=engine, expire_on_commit=False, autoflush=False),
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
