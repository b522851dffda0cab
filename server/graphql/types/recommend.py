"""Recommendations with their reasons as typed objects (the REST payload's shape)."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

from server.recommend.strategy import Strategy
from server.schemas import recommend as schemas

strawberry.enum(Strategy, name="RecommendationStrategy")


@strawberry.type(description="An artist named in a reason.")
class ReasonArtist:
    artist_id: int
    name: str


@strawberry.type(description="A tag named in a reason.")
class ReasonTag:
    tag_id: int
    name: str


@strawberry.type(description="Because the user plays artists like it.")
class SimilarArtistsReason:
    artists: list[ReasonArtist]


@strawberry.type(description="Because friends (or friends of friends) play it.")
class FriendsReason:
    user_ids: list[int]
    total: int


@strawberry.type(description="Because it is tagged like the user's favourites.")
class TagsReason:
    tags: list[ReasonTag]


@strawberry.type(description="Chosen for popularity alone.")
class PopularReason:
    listeners: int


RecommendationReason = Annotated[
    SimilarArtistsReason | FriendsReason | TagsReason | PopularReason,
    strawberry.union("RecommendationReason"),
]


@strawberry.type(description="A suggested artist, its score and why.")
class Recommendation:
    artist_id: int
    name: str
    score: float
    reasons: list[RecommendationReason]


@strawberry.type(description="A user's recommendations from one model version.")
class Recommendations:
    user_id: int
    strategy: Strategy
    model_version: str | None
    fallback: str | None = strawberry.field(
        description="Set when no trained model served the list (what was used instead)."
    )
    items: list[Recommendation]


@strawberry.type(description="An artist like another one, with the similarity score.")
class SimilarArtist:
    artist_id: int
    name: str
    score: float


def _reason(reason: Any) -> Any:
    if isinstance(reason, schemas.SimilarArtistsReason):
        return SimilarArtistsReason(
            artists=[ReasonArtist(artist_id=a.artist_id, name=a.name) for a in reason.artists]
        )
    if isinstance(reason, schemas.FriendsReason):
        return FriendsReason(user_ids=[u.user_id for u in reason.users], total=reason.total)
    if isinstance(reason, schemas.TagsReason):
        return TagsReason(tags=[ReasonTag(tag_id=t.tag_id, name=t.name) for t in reason.tags])
    return PopularReason(listeners=reason.listeners)


def recommendations_from_model(model: schemas.RecommendationsPublic) -> Recommendations:
    return Recommendations(
        user_id=model.user_id,
        strategy=model.strategy,
        model_version=model.model_version,
        fallback=model.fallback,
        items=[
            Recommendation(
                artist_id=item.artist_id,
                name=item.name,
                score=item.score,
                reasons=[_reason(r) for r in item.reasons],
            )
            for item in model.items
        ],
    )
