"""Recommendations from the trained model: artists for a user, similar artists, similar users.

Every reason has a ``kind`` (why the item was recommended); its other members depend on the
kind and are kept as extra fields (``reason.model_extra`` or ``reason.to_dict()``).
"""

from __future__ import annotations

from pydantic import Field

from soundstream_sdk._models import ItemsModel, SoundStreamModel


class RecommendationReason(SoundStreamModel):
    """Why an artist was recommended, e.g. ``{"kind": "similar_artist", "artist_id": 4}``."""

    kind: str


class Recommendation(SoundStreamModel):
    artist_id: int
    name: str | None = None
    score: float
    reasons: list[RecommendationReason] = Field(default_factory=list)


class Recommendations(ItemsModel):
    """Artists for ``user_id``, best first, from model ``model_version`` by ``strategy``."""

    user_id: int
    strategy: str | None = None
    model_version: str | int | None = None
    items: list[Recommendation]


class SimilarArtist(SoundStreamModel):
    artist_id: int
    name: str | None = None
    score: float


class SimilarArtists(ItemsModel):
    """Artists most like ``artist_id``, most similar first."""

    artist_id: int
    model_version: str | int | None = None
    items: list[SimilarArtist]


class SimilarUser(SoundStreamModel):
    user_id: int
    score: float


class SimilarUsers(ItemsModel):
    """Users whose listening is most like ``user_id``'s, most similar first."""

    user_id: int
    model_version: str | int | None = None
    items: list[SimilarUser]
