"""FastAPI dependencies as ``Annotated`` aliases (`SessionDep`, `WriteSessionDep`,
`ApiKeyDep`, `SettingsDep`), in the style of the full-stack FastAPI template."""

from __future__ import annotations

import hmac
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader
from sqlalchemy.orm import Session

from server.config import Settings
from server.db.session import Database
from server.errors import ForbiddenError, UnauthenticatedError
from server.services.writes import write_session

api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="Write access key")


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_database(request: Request) -> Database:
    database: Database = request.app.state.database
    return database


def get_session(request: Request) -> Iterator[Session]:
    with get_database(request).reader() as session:
        yield session


def get_write_session(request: Request) -> Iterator[Session]:
    """A session whose transaction takes SQLite's write lock at BEGIN; services commit it."""
    with write_session(get_database(request)) as session:
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
