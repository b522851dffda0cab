"""Recommendations, similar artists and similar users as the APIs return them.

Scores are relative: comparable within one list, not across lists or strategies. Ids are
Last.fm's. ``model_version`` names the trained model that answered (null when none did);
``fallback`` says, in words, when an answer did not come from a trained model.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field

from server.recommend.strategy import Strategy

MAX_LIMIT = 100


class ArtistRef(BaseModel):
    artist_id: int
    name: str


class UserRef(BaseModel):
    user_id: int


class TagRef(BaseModel):
    tag_id: int
    name: str


class SimilarArtistsReason(BaseModel):
    """The user's own artists that pointed at this one (collaborative evidence)."""

    kind: Literal["similar_artists"] = "similar_artists"
    artists: list[ArtistRef]


class FriendsReason(BaseModel):
    """Friends who listen to this artist, most plays first (at most 3 named)."""

    kind: Literal["friends"] = "friends"
    users: list[UserRef]
    total: int = Field(
        description="How many of the user's friends listen to it (without a model: how many of "
        "the five largest contributors are friends)."
    )


class TagsReason(BaseModel):
    """Tags the user's taste and the artist share, strongest first."""

    kind: Literal["tags"] = "tags"
    tags: list[TagRef]


class PopularReason(BaseModel):
    """Chosen for popularity alone (nothing in the user's data pointed at it)."""

    kind: Literal["popular"] = "popular"
    listeners: int = Field(description="Users who listen to the artist.")


Reason = Annotated[
    SimilarArtistsReason | FriendsReason | TagsReason | PopularReason,
    Field(discriminator="kind"),
]


class RecommendationPublic(BaseModel):
    artist_id: int
    name: str
    score: float = Field(description="Relative; higher is better. 0 for popularity filler.")
    reasons: list[Reason]


class RecommendationsPublic(BaseModel):
    """Artists the user does not listen to yet, best first, each with why."""

    user_id: int
    strategy: Strategy
    model_version: str | None
    fallback: str | None = Field(
        default=None, description="Set when no trained model answered, saying what did."
    )
    items: list[RecommendationPublic]


class SimilarArtistPublic(BaseModel):
    artist_id: int
    name: str
    score: float = Field(
        description="Co-listening cosine plus 0.2 × tag cosine (shared listeners without a model)."
    )


class SimilarArtistsPublic(BaseModel):
    artist_id: int
    model_version: str | None
    fallback: str | None = None
    items: list[SimilarArtistPublic]


class SimilarUserPublic(BaseModel):
    user_id: int
    score: float = Field(
        description="Cosine of log1p play vectors (shared artists without a model)."
    )
    shared_artists: int
    is_friend: bool


class SimilarUsersPublic(BaseModel):
    user_id: int
    model_version: str | None
    fallback: str | None = None
    items: list[SimilarUserPublic]
