"""Rows to graphs: friendships merged across directions, canonical order, bipartite listening."""

from __future__ import annotations

import random

import networkx as nx
import pytest

from graph import ARTIST, USER, friendship_graph, listening_graph


def test_friendship_in_both_directions_is_one_edge() -> None:
    G = friendship_graph([(1, 2), (2, 1), (2, 3), (3, 2)])

    assert G.number_of_edges() == 2
    assert not G.is_directed()


def test_users_without_friends_become_isolated_nodes() -> None:
    G = friendship_graph([(1, 2)], users=[1, 2, 3])

    assert sorted(G.nodes) == [1, 2, 3]
    assert G.degree(3) == 0


def test_self_friendship_is_dropped_but_the_user_kept() -> None:
    G = friendship_graph([(1, 1), (1, 2)], users=[1])

    assert nx.number_of_selfloops(G) == 0
    assert sorted(G.edges) == [(1, 2)]


def test_attributes_are_set_and_their_users_added() -> None:
    G = friendship_graph([(1, 2)], attributes={1: {"plays": 10, "artists": 2}, 9: {"plays": 1}})

    assert G.nodes[1] == {"plays": 10, "artists": 2}
    assert G.nodes[9] == {"plays": 1}
    assert G.nodes[2] == {}


def test_row_order_does_not_change_the_graph_order() -> None:
    rows = [(u, v) for u in range(30) for v in range(u + 1, 30) if (u * v) % 7 == 1]
    shuffled = rows[:]
    random.Random(4).shuffle(shuffled)

    a, b = friendship_graph(rows), friendship_graph(shuffled)

    assert list(a.nodes) == list(b.nodes) == sorted(a.nodes)
    assert {n: list(a[n]) for n in a} == {n: list(b[n]) for n in b}


def test_listening_graph_is_bipartite_with_tagged_nodes() -> None:
    B = listening_graph([(2, 2, 5), (2, 3, 7), (4, 2, 1)])

    assert nx.is_bipartite(B)
    assert B.nodes[(USER, 2)]["bipartite"] == 0
    assert B.nodes[(ARTIST, 2)]["bipartite"] == 1
    assert B.number_of_nodes() == 4  # user 2 and artist 2 are different nodes


def test_listening_graph_sums_repeated_rows_and_drops_zero_plays() -> None:
    B = listening_graph([(1, 10, 5), (1, 10, 2), (1, 11, 0)])

    assert B.edges[(USER, 1), (ARTIST, 10)]["weight"] == 7
    assert (ARTIST, 11) not in B


def test_negative_plays_are_rejected() -> None:
    with pytest.raises(ValueError, match="negative play count"):
        listening_graph([(1, 10, -3)])
