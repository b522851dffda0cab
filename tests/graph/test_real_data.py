"""The real Last.fm friendship graph, read straight from the ``.dat`` files (no server, no DB).

The counts are the dataset's documented facts (shared/data/README.md).
"""

from __future__ import annotations

import random

import pytest

from graph import (
    GraphSummary,
    community_profiles,
    friends_vs_diversity,
    friendship_graph,
    louvain_partition,
    recommend_artists,
    summary,
    taste_homophily,
    taste_profiles,
)

pytestmark = pytest.mark.full

FriendRows = list[tuple[int, int]]
ListenRows = list[tuple[int, int, float]]


def test_friendship_graph_has_the_documented_size(friend_rows: FriendRows) -> None:
    G = friendship_graph(friend_rows)

    assert (G.number_of_nodes(), G.number_of_edges()) == (1892, 12717)


@pytest.fixture(scope="module")
def real_summary(friend_rows: FriendRows) -> GraphSummary:
    return summary(friendship_graph(friend_rows))


def test_summary_counts_components_exactly(real_summary: GraphSummary) -> None:
    s = real_summary

    assert (s.nodes, s.edges) == (1892, 12717)
    assert (s.components.count, s.components.giant_size) == (20, 1843)
    assert sum(s.components.sizes) == 1892


def test_summary_of_the_real_graph_is_exact_by_default(real_summary: GraphSummary) -> None:
    s = real_summary

    assert s.betweenness_exact
    assert s.betweenness_sources == 1892
    assert s.paths.exact
    assert s.paths.nodes == 1843


def test_communities_do_not_depend_on_row_order(friend_rows: FriendRows) -> None:
    shuffled = friend_rows[:]
    random.Random(1).shuffle(shuffled)

    a = louvain_partition(friendship_graph(friend_rows), seed=0)
    b = louvain_partition(friendship_graph(shuffled), seed=0)

    assert a == b
    assert sum(len(c) for c in a.communities) == 1892


def test_community_profiles_find_artists_above_their_global_share(
    friend_rows: FriendRows, listen_rows: ListenRows, user_tag_rows: ListenRows
) -> None:
    partition = louvain_partition(friendship_graph(friend_rows), seed=0)

    giant = community_profiles(partition.communities, listen_rows, tag_rows=user_tag_rows)[0]

    assert giant.artists
    assert giant.tags
    assert all(item.lift > 1 and item.support >= 3 for item in giant.artists + giant.tags)


def test_friends_share_taste_more_than_random_pairs(
    friend_rows: FriendRows, listen_rows: ListenRows
) -> None:
    result = taste_homophily(friendship_graph(friend_rows), listen_rows, seed=0)

    assert result.friend_pairs == result.random_pairs == 12717
    assert result.jaccard.ratio is not None
    assert result.jaccard.ratio > 1
    assert result.cosine.ratio is not None
    assert result.cosine.ratio > 1


def test_diversity_correlation_covers_every_user(
    friend_rows: FriendRows, listen_rows: ListenRows
) -> None:
    result = friends_vs_diversity(friendship_graph(friend_rows), listen_rows)

    assert result.n == len(result.points) == 1892
    assert result.entropy.rho is not None
    assert -1 <= result.entropy.rho <= 1


def test_recommendations_for_a_real_user_are_new_to_them(
    friend_rows: FriendRows, listen_rows: ListenRows
) -> None:
    profiles = taste_profiles(listen_rows)

    recs = recommend_artists(friendship_graph(friend_rows), profiles, 2, k=10)

    assert len(recs) == 10
    assert not {r.artist for r in recs} & profiles[2].keys()
