"""Listens: a user's play count (``weight``) for one of their top artists."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from server.schemas.fields import INT64_MAX
from server.schemas.pagination import Page

Weight = Annotated[
    int,
    Field(
        ge=0,
        le=INT64_MAX,
        strict=True,
        description="Play count (a BIGINT: 0 … 9,223,372,036,854,775,807).",
        examples=[1000],
    ),
]


class ListenSort(StrEnum):
    """Orders of a user's artists; ties always fall back to the artist id."""

    WEIGHT_DESC = "-weight"
    WEIGHT = "weight"
    NAME = "name"
    NAME_DESC = "-name"
    ARTIST_ID = "artist_id"
    ARTIST_ID_DESC = "-artist_id"


class ListenBase(BaseModel):
    """The body of ``PUT /users/{id}/artists/{artist_id}``."""

    model_config = ConfigDict(extra="forbid")

    weight: Weight


class ListenPublic(BaseModel):
    """One listen row, as written."""

    user_id: int
    artist_id: int
    weight: int


class UserArtistPublic(BaseModel):
    """One of a user's artists with the user's play count."""

    artist_id: int
    name: str
    url: str | None
    picture_url: str | None
    weight: int


class ArtistListenerPublic(BaseModel):
    """One listener of an artist with their play count."""

    user_id: int
    weight: int


UserArtistsPublic = Page[UserArtistPublic]
ArtistListenersPublic = Page[ArtistListenerPublic]
