"""The multi-criteria artist search: its criteria and its hits.

Plays are sums of listen weights (play counts of users' top-50 artists); listeners are distinct
users. Both are 0 for an artist nobody listens to, which the search still finds.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator

from server.schemas.pagination import Page


class TagMatch(StrEnum):
    """``all``: an artist needs every requested tag; ``any``: at least one of them."""

    ALL = "all"
    ANY = "any"


class SearchSort(StrEnum):
    """Orders of the search; every order ends with the artist id, so pages are stable.

    - ``plays``: plays, highest first;
    - ``listeners``: distinct listeners, most first, then plays;
    - ``name``: case-insensitive name (code-point order on both databases);
    - ``relevance``: matched tags (most first), then their assignment count, then plays.
    """

    PLAYS = "plays"
    LISTENERS = "listeners"
    NAME = "name"
    RELEVANCE = "relevance"


MAX_NAME_PIECE = 200
"""Longest name piece a search takes (REST and GraphQL alike): no artist name is longer in
practice, and a longer piece only makes the name index work for nothing."""


class ArtistSearchCriteria(BaseModel):
    """What the search filters on; every field is optional and the filters combine with AND.

    Tag names compare case-insensitively. The year window (``tagged_from``/``tagged_to``,
    inclusive) restricts which tag assignments count — for ``tags``, ``exclude_tags`` and
    the matched-tag counts alike; on its own it filters nothing.
    """

    model_config = ConfigDict(frozen=True)

    tags: tuple[str, ...] = ()
    match: TagMatch = TagMatch.ALL
    exclude_tags: tuple[str, ...] = ()
    q: str | None = Field(default=None, min_length=1, max_length=MAX_NAME_PIECE)
    min_listeners: int | None = None
    max_listeners: int | None = None
    min_plays: int | None = None
    max_plays: int | None = None
    tagged_from: int | None = None
    tagged_to: int | None = None

    @field_validator("tags", "exclude_tags", "q")
    @classmethod
    def _no_nul(cls, value: object) -> object:
        # PostgreSQL text cannot hold NUL: refuse it here, for REST and GraphQL alike.
        texts = value if isinstance(value, tuple) else (value,)
        if any(isinstance(t, str) and "\x00" in t for t in texts):
            raise ValueError("must not contain NUL characters")
        return value


class MatchedTag(BaseModel):
    id: int
    name: str
    count: int = Field(description="Assignments of this tag on this artist in the year window.")


class ArtistSearchHit(BaseModel):
    id: int
    name: str
    url: str | None
    picture_url: str | None
    plays: int = Field(description="Sum of the listen weights (play counts) of this artist.")
    listeners: int = Field(description="Distinct users who listen to this artist.")
    matched_tags: list[MatchedTag] = Field(
        description="The requested tags this artist carries, most assigned first."
    )


class ArtistSearchPage(Page[ArtistSearchHit]):
    """The page envelope plus what the search made of the request."""

    sort: SearchSort = Field(description="The order applied (the default depends on `tags`).")
    unknown_tags: list[str] = Field(
        default_factory=list,
        description="Names in `tags` that name no tag: with match=all the result is empty, "
        "with match=any they are ignored.",
    )
    unknown_exclude_tags: list[str] = Field(
        default_factory=list, description="Names in `exclude_tags` that name no tag (ignored)."
    )
