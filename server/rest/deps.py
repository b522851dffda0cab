"""FastAPI dependencies as ``Annotated`` aliases (`SessionDep`, `WriteSessionDep`,
`ApiKeyDep`, `SettingsDep`), in the style of the full-stack FastAPI template."""

from __future__ import annotations

import hmac
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader
from sqlalchemy.orm import Session

from server.config import Settings
from server.db.session import Database
from server.errors import ForbiddenError, UnauthenticatedError

api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="Write access key")


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_database(request: Request) -> Database:
    database: Database = request.app.state.database
    return database


async def get_session(request: Request) -> AsyncIterator[Session]:
    """A reader session for the request.

    Async on purpose: the session is opened and closed on the event loop, and takes its
    connection at its first statement, in the thread that runs the route. A synchronous
    dependency would close it in a thread of its own, so the request would hold its pooled
    connection while it waited for a free worker thread, and under a burst the threads
    waiting for connections and the requests holding them wait on each other (a deadlock
    until the pool timeout; tests/hardening/test_burst.py).
    """
    database = get_database(request)
    async with database.session_slot():
        with database.reader() as session:
            yield session


async def get_write_session(request: Request) -> AsyncIterator[Session]:
    """A writer session, once this write's turn has come (`Database.write_turn`); on SQLite
    its transaction takes the write lock at BEGIN. Services commit it."""
    database = get_database(request)
    async with database.write_turn(), database.session_slot():
        with database.writer() as session:
            yield session


def check_api_key(key: str | None, settings: Settings) -> None:
    """Raise unless ``key`` is one of the configured keys (compared in constant time).

    No keys configured means writes are disabled: never open by default.
    """
    if not settings.soundstream_api_keys:
        raise ForbiddenError(
            "writes are disabled: no API key is configured on this server "
            "(set SOUNDSTREAM_API_KEYS)"
        )
    if not key:
        raise UnauthenticatedError(
            "this operation needs an API key in the X-API-Key header",
            headers={"WWW-Authenticate": 'APIKey header="X-API-Key"'},
        )
    matched = False
    for candidate in settings.soundstream_api_keys:
        matched |= hmac.compare_digest(key.encode(), candidate.encode())
    if not matched:
        raise ForbiddenError("the API key is not valid")


def require_api_key(request: Request, key: Annotated[str | None, Security(api_key_header)]) -> str:
    settings = get_settings(request)
    check_api_key(key, settings)
    assert key is not None
    return key


SettingsDep = Annotated[Settings, Depends(get_settings)]
DatabaseDep = Annotated[Database, Depends(get_database)]
SessionDep = Annotated[Session, Depends(get_session)]
WriteSessionDep = Annotated[Session, Depends(get_write_session)]
ApiKeyDep = Annotated[str, Depends(require_api_key)]
