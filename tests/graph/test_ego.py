"""Ego networks: rings, caps, the ego always kept, and a clear error for unknown users."""

from __future__ import annotations

import networkx as nx
import pytest

from graph import UnknownUserError, ego_network


def hub_graph() -> nx.Graph:
    """User 0 has friends 1-6; friend 1 has friends 10-14, friend 2 has 20-21."""
    G = nx.star_graph(6)
    G.add_edges_from((1, n) for n in range(10, 15))
    G.add_edges_from([(2, 20), (2, 21), (3, 4)])
    return G


def test_radius_one_holds_the_ego_and_its_friends() -> None:
    ego = ego_network(hub_graph(), 0)

    assert [n.id for n in ego.nodes] == [0, 1, 2, 3, 4, 5, 6]
    assert {n.distance for n in ego.nodes[1:]} == {1}
    assert (3, 4) in ego.edges
    assert not ego.truncated


def test_radius_two_adds_friends_of_friends() -> None:
    ego = ego_network(hub_graph(), 0, radius=2)

    assert ego.total_nodes == len(ego.nodes) == 14
    assert {n.id for n in ego.nodes if n.distance == 2} == {10, 11, 12, 13, 14, 20, 21}


@pytest.mark.parametrize("cap", [1, 2, 5, 9])
def test_cap_is_respected_and_the_ego_kept(cap: int) -> None:
    ego = ego_network(hub_graph(), 0, radius=2, max_nodes=cap)

    assert len(ego.nodes) == cap
    assert ego.nodes[0].id == 0
    assert ego.nodes[0].distance == 0
    assert ego.truncated


def test_cap_keeps_closest_then_best_connected_nodes() -> None:
    ego = ego_network(hub_graph(), 0, radius=2, max_nodes=9)

    # friends first, by degree (1 has 6, 2 has 3, 3 and 4 have 2, then 5, 6), then 2-hop by id
    assert [n.id for n in ego.nodes] == [0, 1, 2, 3, 4, 5, 6, 10, 11]


def test_edges_only_join_kept_nodes() -> None:
    ego = ego_network(hub_graph(), 0, radius=2, max_nodes=4)
    kept = {n.id for n in ego.nodes}

    assert all(u in kept and v in kept and u < v for u, v in ego.edges)
    assert ego.edges == [(0, 1), (0, 2), (0, 3)]


def test_degree_is_the_whole_graph_degree() -> None:
    ego = ego_network(hub_graph(), 2, max_nodes=2)

    assert [(n.id, n.degree) for n in ego.nodes] == [(2, 3), (0, 6)]


def test_optional_attributes_are_attached() -> None:
    ego = ego_network(
        hub_graph(),
        3,
        pagerank={3: 0.1, 0: 0.3},
        communities={3: 1},
        top_artists={3: ["Björk", "Muse"]},
    )

    me = ego.nodes[0]
    assert (me.pagerank, me.community, me.top_artists) == (0.1, 1, ["Björk", "Muse"])
    friend = next(n for n in ego.nodes if n.id == 4)
    assert (friend.pagerank, friend.community, friend.top_artists) == (None, None, None)


def test_unknown_user_raises_a_key_error_with_a_message() -> None:
    with pytest.raises(UnknownUserError, match="user 999 is not in the friendship graph") as info:
        ego_network(hub_graph(), 999)

    assert isinstance(info.value, KeyError)
    assert info.value.user == 999


@pytest.mark.parametrize(("radius", "cap"), [(0, 10), (3, 10), (1, 0)])
def test_invalid_options_raise_value_error(radius: int, cap: int) -> None:
    with pytest.raises(ValueError, match=r"radius|max_nodes"):
        ego_network(hub_graph(), 0, radius=radius, max_nodes=cap)
