"""``client.social`` (REST) and ``client.graph.social_circle`` (GraphQL), live."""

from __future__ import annotations

import pytest
from soundstream_sdk import AsyncSoundStream, GraphQLError, NotFoundError, SoundStream
from soundstream_sdk.types import Community, EgoNetwork, SocialSummary, UserSocial


def test_summary_measures_the_friendship_graph(client: SoundStream) -> None:
    summary = client.social.summary()
    assert isinstance(summary, SocialSummary)
    assert (summary.nodes, summary.edges, summary.density) == (5, 4, 0.4)
    assert (summary.components.count, summary.components.giant_size) == (1, 5)
    assert [(d.degree, d.users) for d in summary.degrees.distribution] == [(1, 2), (2, 3)]
    assert summary.paths.diameter == 4
    assert summary.communities.sizes == [3, 2]
    assert summary.top_betweenness[0].user == 3
    assert summary.friends_vs_diversity.points is None


def test_summary_with_every_users_point(client: SoundStream) -> None:
    points = client.social.summary(include_points=True).friends_vs_diversity.points
    assert points is not None
    assert [(p.user, p.friends, p.distinct_artists) for p in points] == [
        (2, 2, 3),
        (3, 2, 3),
        (4, 1, 2),
        (5, 2, 3),
    ]


def test_communities_largest_first_with_their_taste(client: SoundStream) -> None:
    communities = list(client.social.communities(min_support=1, limit=1))
    assert [(c.id, c.size) for c in communities] == [(0, 3), (1, 2)]
    first = communities[0]
    assert isinstance(first, Community)
    assert first.members_sample == [5, 3, 6]
    assert (first.artists[0].name, first.artists[0].lift, first.artists[0].support) == (
        "Daft Punk",
        2.0,
        2,
    )


def test_a_users_place_in_the_graph(client: SoundStream) -> None:
    place = client.social.user(2)
    assert isinstance(place, UserSocial)
    assert (place.degree, place.pagerank_rank, place.community, place.community_size) == (
        2,
        1,
        1,
        2,
    )
    with pytest.raises(NotFoundError):
        client.social.user(999)


def test_ego_network_defaults_to_friends_of_friends(client: SoundStream) -> None:
    ego = client.social.ego(2)
    assert isinstance(ego, EgoNetwork)
    assert (ego.ego, ego.radius, ego.total_nodes, ego.truncated) == (2, 2, 4, False)
    assert [(n.id, n.distance) for n in ego.nodes] == [(2, 0), (3, 1), (4, 1), (5, 2)]
    assert ego.edges == [(2, 3), (2, 4), (3, 5)]
    assert ego.nodes[0].top_artists == ["Radiohead", "Muse", "Björk"]


def test_ego_network_of_friends_only_and_capped(client: SoundStream) -> None:
    friends_only = client.social.ego(2, radius=1)
    assert [n.id for n in friends_only.nodes] == [2, 3, 4]
    capped = client.social.ego(2, radius=2, max_nodes=2)
    assert (len(capped.nodes), capped.total_nodes, capped.truncated) == (2, 4, True)


def test_friend_recommendations_with_contributors(client: SoundStream) -> None:
    recommended = client.social.friend_recommendations(2, limit=2)
    assert recommended.user == 2
    assert [(r.id, r.name, r.contributors_total) for r in recommended.items] == [
        (6, "Britney Spears", 1),
        (7, "Daft Punk", 2),
    ]
    assert [(c.user, c.distance) for c in recommended.items[1].contributors] == [(5, 2), (3, 1)]
    assert recommended.to_pandas()["name"].tolist() == ["Britney Spears", "Daft Punk"]


def test_social_circle_over_graphql_matches_rest(client: SoundStream) -> None:
    circle = client.graph.social_circle(2)
    assert circle.metrics == client.social.user(2)
    assert circle.community is not None
    assert (circle.community.id, circle.community.members_sample) == (1, [2, 4])
    assert [(f.id, f.friend_count) for f in circle.friends] == [(3, 2), (4, 1)]
    assert [f.metrics for f in circle.friends] == [client.social.user(3), client.social.user(4)]
    assert circle.to_pandas()["pagerank_rank"].tolist() == [3, 4]
    with pytest.raises(GraphQLError) as caught:
        client.graph.social_circle(999)
    assert caught.value.code == "NOT_FOUND"


@pytest.mark.anyio
async def test_async_social_twins(client: SoundStream, async_client: AsyncSoundStream) -> None:
    assert await async_client.social.summary() == client.social.summary()
    assert await async_client.social.user(5) == client.social.user(5)
    assert await async_client.social.ego(3, radius=1) == client.social.ego(3, radius=1)
    assert (await async_client.social.friend_recommendations(4)) == (
        client.social.friend_recommendations(4)
    )
    assert [c.id async for c in async_client.social.communities()] == [0, 1]
    assert await async_client.graph.social_circle(5) == client.graph.social_circle(5)
