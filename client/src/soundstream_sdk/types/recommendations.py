"""Recommendations from the trained model: artists for a user, similar artists, similar users.

Scores are relative: comparable within one list, not across lists or strategies.
``model_version`` names the trained model that answered (None when none did); ``fallback``
says, in words, what answered instead.

Every reason has a ``kind``. The kinds this SDK knows come as their own classes
(`SimilarArtistsReason`, `FriendsReason`, `TagsReason`, `PopularReason`); a kind added to the
server later comes as a plain `RecommendationReason` with its members kept as extra fields.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Discriminator, Field, Tag

from soundstream_sdk._models import ItemsModel, SoundStreamModel


class RecommendationReason(SoundStreamModel):
    """Why an artist was recommended; the base of every kind of reason."""

    kind: str


class ReasonArtist(SoundStreamModel):
    artist_id: int
    name: str | None = None


class ReasonUser(SoundStreamModel):
    user_id: int


class ReasonTag(SoundStreamModel):
    tag_id: int
    name: str | None = None


class SimilarArtistsReason(RecommendationReason):
    """The user's own artists that pointed at this one (collaborative evidence)."""

    artists: list[ReasonArtist] = Field(default_factory=list)


class FriendsReason(RecommendationReason):
    """Friends who listen to the artist (at most 3 named; ``total`` counts them all)."""

    users: list[ReasonUser] = Field(default_factory=list)
    total: int = 0


class TagsReason(RecommendationReason):
    """Tags the user's taste and the artist share, strongest first."""

    tags: list[ReasonTag] = Field(default_factory=list)


class PopularReason(RecommendationReason):
    """Chosen for popularity alone; ``listeners`` is how many users play the artist."""

    listeners: int = 0


_REASON_KINDS = {
    "similar_artists": SimilarArtistsReason,
    "friends": FriendsReason,
    "tags": TagsReason,
    "popular": PopularReason,
}


def _reason_kind(value: Any) -> str:
    kind = value.get("kind") if isinstance(value, dict) else getattr(value, "kind", None)
    return kind if kind in _REASON_KINDS else "other"


Reason = Annotated[
    Annotated[SimilarArtistsReason, Tag("similar_artists")]
    | Annotated[FriendsReason, Tag("friends")]
    | Annotated[TagsReason, Tag("tags")]
    | Annotated[PopularReason, Tag("popular")]
    | Annotated[RecommendationReason, Tag("other")],
    Discriminator(_reason_kind),
]
"""A reason of a known kind as its own class, any other as a `RecommendationReason`."""


class Recommendation(SoundStreamModel):
    """An artist to recommend, with its relative ``score`` and why."""

    artist_id: int
    name: str | None = None
    score: float
    reasons: list[Reason] = Field(default_factory=list)


class Recommendations(ItemsModel):
    """Artists for ``user_id`` that they do not listen to yet, best first."""

    user_id: int
    strategy: str | None = None
    model_version: str | None = None
    fallback: str | None = None
    items: list[Recommendation]


class SimilarArtist(SoundStreamModel):
    artist_id: int
    name: str | None = None
    score: float


class SimilarArtists(ItemsModel):
    """Artists most like ``artist_id`` (co-listening, then shared tags), most similar first."""

    artist_id: int
    model_version: str | None = None
    fallback: str | None = None
    items: list[SimilarArtist]


class SimilarUser(SoundStreamModel):
    user_id: int
    score: float
    shared_artists: int | None = None
    is_friend: bool | None = None


class SimilarUsers(ItemsModel):
    """Users whose listening is most like ``user_id``'s, most similar first."""

    user_id: int
    model_version: str | None = None
    fallback: str | None = None
    items: list[SimilarUser]
