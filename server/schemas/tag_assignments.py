"""Tag assignments: a user applying a tag to an artist on a day.

``timestamp`` is Unix milliseconds (UTC) and ``day``/``month``/``year`` are the UTC calendar
date of that instant, as the ingest stores them. A user applies a given tag to a given artist
at most once (true of every row in the dataset), so ``(artist_id, tag_id)`` names an assignment
within a user.
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from server.ingest.readers import MAX_YEAR, MIN_YEAR
from server.schemas.fields import RowId
from server.schemas.pagination import Page
from server.schemas.tags import TagName

MIN_TIMESTAMP_MS = calendar.timegm((MIN_YEAR, 1, 1, 0, 0, 0)) * 1000
MAX_TIMESTAMP_MS = calendar.timegm((MAX_YEAR + 1, 1, 1, 0, 0, 0)) * 1000 - 1

TimestampMs = Annotated[
    int,
    Field(
        ge=MIN_TIMESTAMP_MS,
        le=MAX_TIMESTAMP_MS,
        strict=True,
        description=f"Unix time in milliseconds (UTC), years {MIN_YEAR}–{MAX_YEAR}.",
        examples=[1235865600000],
    ),
]


class TagAssignmentCreate(BaseModel):
    """Name the tag by ``tag_id`` or by ``tag_name`` (exactly one); date it by ``timestamp``
    or ``date`` (at most one; default: now)."""

    model_config = ConfigDict(extra="forbid")

    artist_id: RowId
    tag_id: RowId | None = None
    tag_name: TagName | None = Field(
        default=None,
        description="A tag name, matched ignoring case; a new tag is created if none matches.",
    )
    timestamp: TimestampMs | None = None
    date: dt.date | None = Field(
        default=None, description="A UTC calendar day; stored as that day's midnight."
    )

    @model_validator(mode="after")
    def _one_tag_one_time(self) -> TagAssignmentCreate:
        if (self.tag_id is None) == (self.tag_name is None):
            raise ValueError("give exactly one of tag_id and tag_name")
        if self.timestamp is not None and self.date is not None:
            raise ValueError("give at most one of timestamp and date")
        if self.date is not None and not MIN_YEAR <= self.date.year <= MAX_YEAR:
            raise ValueError(f"date must fall in the years {MIN_YEAR}–{MAX_YEAR}")
        return self


class TagAssignmentPublic(BaseModel):
    user_id: int
    artist_id: int
    artist_name: str
    tag_id: int
    tag_name: str
    timestamp: int = Field(description="Unix time in milliseconds (UTC).")
    day: int | None
    month: int | None
    year: int | None


class ArtistTagPublic(BaseModel):
    """A tag on an artist; ``count`` is how many assignments apply it there."""

    tag_id: int
    name: str
    count: int


class TagArtistPublic(BaseModel):
    """An artist carrying a tag; ``count`` is how many assignments apply it there."""

    artist_id: int
    name: str
    count: int


TagAssignmentsPublic = Page[TagAssignmentPublic]
ArtistTagsPublic = Page[ArtistTagPublic]
TagArtistsPublic = Page[TagArtistPublic]
