"""Conditional GETs keyed on the data version.

Every write bumps the data version (see ARCHITECTURE.md), so ``(data version, URL)``
identifies a GET response's content without computing it: a client that sends
``If-None-Match`` with the current tag gets a 304 before any query runs.
"""

from __future__ import annotations

import hashlib
from typing import Annotated

from fastapi import Depends, Request, Response

from server.db.meta import get_data_version
from server.rest.deps import SessionDep, get_database


class NotModifiedError(Exception):
    """Raised by `conditional_get`; rendered as an empty 304 by the app."""

    def __init__(self, etag: str) -> None:
        super().__init__(etag)
        self.etag = etag


def make_etag(version: int, request: Request) -> str:
    key = f"{request.url.path}?{request.url.query}".encode()
    return f'W/"{version}-{hashlib.blake2s(key, digest_size=8).hexdigest()}"'


def etag_matches(header: str | None, etag: str) -> bool:
    """RFC 9110 weak comparison of ``If-None-Match`` against ``etag`` (``*`` matches all)."""
    if not header:
        return False
    if header.strip() == "*":
        return True
    weak = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == weak for tag in header.split(","))


def conditional_get(request: Request, response: Response, session: SessionDep) -> int:
    """Dependency: set ``ETag``/``X-Data-Version``, or short-circuit with 304.

    The version is read on a connection of its own (`Database.data_version`), not the
    request's session: the session would otherwise hold a pooled connection from here until
    the route's thread runs (see `get_session`).
    """
    version = get_database(request).data_version()
    if version is None:  # no schema or no database: let the session report why
        version = get_data_version(session)
    etag = make_etag(version, request)
    if etag_matches(request.headers.get("If-None-Match"), etag):
        raise NotModifiedError(etag)
    response.headers["ETag"] = etag
    response.headers["X-Data-Version"] = str(version)
    return version


ETagDep = Annotated[int, Depends(conditional_get)]
