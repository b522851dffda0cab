"""The recommender through the SDK: ``users.recommendations`` (each strategy, typed reasons),
``artists.similar`` and ``users.similar``, against a live server.

Scores depend on the model, so beyond the small fixture's plain facts (who plays what, who
is friends with whom) the assertions check the contract: order, limits, ids excluded, reason
kinds per strategy.
"""

from __future__ import annotations

import pytest
from soundstream_sdk import AsyncSoundStream, NotFoundError, SoundStream
from soundstream_sdk.types import (
    FriendsReason,
    PopularReason,
    RecommendationReason,
    Recommendations,
    SimilarArtists,
    SimilarArtistsReason,
    SimilarUsers,
    TagsReason,
)


def test_recommendations_follow_the_contract(client: SoundStream) -> None:
    recommendations = client.users.recommendations(2, limit=3)
    assert isinstance(recommendations, Recommendations)
    assert recommendations.user_id == 2
    assert recommendations.model_version is not None
    assert 0 < len(recommendations.items) <= 3
    scores = [item.score for item in recommendations.items]
    assert scores == sorted(scores, reverse=True)
    for item in recommendations.items:
        assert item.artist_id > 0
        assert item.reasons
        assert all(reason.kind for reason in item.reasons)


def test_each_strategy_gives_its_own_kind_of_reason(client: SoundStream) -> None:
    expected: dict[str, type[RecommendationReason]] = {
        "cf": SimilarArtistsReason,
        "social": FriendsReason,
        "popular": PopularReason,
    }
    for strategy, kind in expected.items():
        answer = client.users.recommendations(2, limit=3, strategy=strategy)  # type: ignore[arg-type]
        assert answer.strategy == strategy
        assert answer.items
        assert all(isinstance(r, kind) for item in answer.items for r in item.reasons), strategy
    tags = client.users.recommendations(2, strategy="tags")
    assert isinstance(tags.items[0].reasons[0], TagsReason)
    assert tags.items[0].reasons[0].tags[0].name == "electronic"


def test_reasons_name_the_evidence(client: SoundStream) -> None:
    social = client.users.recommendations(2, strategy="social")
    by_artist = {item.name: item.reasons[0] for item in social.items}
    friends = by_artist["Britney Spears"]
    assert isinstance(friends, FriendsReason)
    assert ({u.user_id for u in friends.users}, friends.total) == ({3, 4}, 2)


def test_recommendations_leave_out_what_the_user_already_plays(client: SoundStream) -> None:
    played = {a.artist_id for a in client.users.artists(2)}
    recommended = {item.artist_id for item in client.users.recommendations(2, limit=10).items}
    assert not played & recommended


def test_recommendations_echo_the_strategy_asked_for(client: SoundStream) -> None:
    default = client.users.recommendations(2)
    assert default.strategy
    again = client.users.recommendations(2, strategy=default.strategy)
    assert again.strategy == default.strategy
    assert again.items == default.items


def test_recommendations_for_an_unknown_user_are_not_found(client: SoundStream) -> None:
    with pytest.raises(NotFoundError):
        client.users.recommendations(999)


def test_similar_artists(client: SoundStream) -> None:
    similar = client.artists.similar(4, limit=3)
    assert isinstance(similar, SimilarArtists)
    assert similar.artist_id == 4
    assert 0 < len(similar.items) <= 3
    assert 4 not in [item.artist_id for item in similar.items]
    scores = [item.score for item in similar.items]
    assert scores == sorted(scores, reverse=True)
    with pytest.raises(NotFoundError):
        client.artists.similar(999)


def test_similar_users(client: SoundStream) -> None:
    similar = client.users.similar(2, limit=2)
    assert isinstance(similar, SimilarUsers)
    assert similar.user_id == 2
    assert 0 < len(similar.items) <= 2
    assert 2 not in [item.user_id for item in similar.items]
    assert {(u.user_id, u.is_friend) for u in similar.items} <= {(3, True), (4, True), (5, False)}
    with pytest.raises(NotFoundError):
        client.users.similar(999)


@pytest.mark.anyio
async def test_async_recommender_twins(client: SoundStream, async_client: AsyncSoundStream) -> None:
    assert await async_client.users.recommendations(3, limit=2) == client.users.recommendations(
        3, limit=2
    )
    assert await async_client.artists.similar(4) == client.artists.similar(4)
    assert await async_client.users.similar(3) == client.users.similar(3)
