"""Friends versus random non-friends: a graph built so that friends share taste."""

from __future__ import annotations

import networkx as nx
import pytest

from graph import taste_homophily
from graph.homophily import _non_friend_pairs


def ring_of_similar_friends(n: int = 30) -> tuple[nx.Graph, list[tuple[int, int, float]]]:
    """Users on a ring; user i plays artists i, i+1, i+2, so neighbours share two of three."""
    G = nx.cycle_graph(n)
    listens: list[tuple[int, int, float]] = [
        (u, (u + offset) % n, 10 + offset) for u in range(n) for offset in range(3)
    ]
    return G, listens


def test_friends_who_share_taste_give_a_ratio_above_one() -> None:
    G, listens = ring_of_similar_friends()

    result = taste_homophily(G, listens, seed=0)

    assert result.jaccard.friends == pytest.approx(0.5)  # 2 shared of 4 distinct
    assert result.jaccard.ratio is not None
    assert result.jaccard.ratio > 1
    assert result.cosine.ratio is not None
    assert result.cosine.ratio > 1


def test_baseline_has_as_many_pairs_as_friendships() -> None:
    G, listens = ring_of_similar_friends()

    result = taste_homophily(G, listens)

    assert result.friend_pairs == result.random_pairs == 30


def test_baseline_is_deterministic_for_a_seed() -> None:
    G, listens = ring_of_similar_friends()

    assert taste_homophily(G, listens, seed=3) == taste_homophily(G, listens, seed=3)


def test_baseline_pairs_are_distinct_non_friends() -> None:
    G = nx.cycle_graph(40)

    pairs = _non_friend_pairs(G, sorted(G), 40, seed=1)

    assert len(set(pairs)) == 40
    assert not any(G.has_edge(u, v) for u, v in pairs)


def test_when_few_non_friend_pairs_exist_all_are_used() -> None:
    G = nx.complete_graph(4)
    G.remove_edge(0, 1)
    listens = [(u, 1, 1) for u in range(4)]

    result = taste_homophily(G, listens)

    assert (result.friend_pairs, result.random_pairs) == (5, 1)


def test_users_without_plays_are_left_out() -> None:
    G = nx.path_graph(4)  # 0-1-2-3; user 3 has no plays
    listens = [(0, 1, 1), (1, 1, 1), (2, 2, 1)]

    result = taste_homophily(G, listens)

    assert result.friend_pairs == 2


def test_nothing_to_compare_gives_none() -> None:
    result = taste_homophily(nx.empty_graph(3), [(0, 1, 1), (1, 1, 1), (2, 1, 1)])

    assert result.friend_pairs == 0
    assert result.jaccard.friends is None
    assert result.jaccard.ratio is None
