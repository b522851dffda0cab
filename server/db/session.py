"""The database handle the app and the services share: an engine, a reader and a writer
session factory. Built once per app by `create_app`, never at import time."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from server.config import Settings
from server.db.engine import create_db_engine, writer_engine


@dataclass(slots=True)
class Database:
    engine: Engine
    reader: sessionmaker[Session]
    writer: sessionmaker[Session]

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
        self.engine.dispose()
