"""Liveness and readiness."""

from __future__ import annotations

from pydantic import Field

from soundstream_sdk._models import SoundStreamModel


class Health(SoundStreamModel):
    """The server process answers (no database involved)."""

    status: str


class Readiness(SoundStreamModel):
    """The database answers and holds data.

    ``data_version`` changes with every write (and every ingest): key a cache on it and
    nothing stale is ever served.
    """

    status: str
    data_version: int
    tables: dict[str, int] = Field(default_factory=dict)
