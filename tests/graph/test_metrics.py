"""Metrics on graphs small enough to know the answers by hand, and agreement with NetworkX."""

from __future__ import annotations

import math

import networkx as nx
import pytest

from graph import (
    ComponentStats,
    average_clustering,
    betweenness,
    clustering,
    component_stats,
    core_numbers,
    degree_assortativity,
    degree_distribution,
    degrees,
    pagerank,
    path_stats,
    summary,
    top_nodes,
)


def two_cliques_with_a_bridge() -> nx.Graph:
    """Cliques 0-4 and 5-9; the only edge between them is 4-5."""
    return nx.barbell_graph(5, 0)


def random_graph(seed: int) -> nx.Graph:
    G = nx.gnm_random_graph(60, 110, seed=seed)
    G.add_nodes_from(range(60, 63))  # isolated users
    return G


def test_triangle_clusters_completely() -> None:
    G = nx.complete_graph(3)

    assert clustering(G) == {0: 1.0, 1: 1.0, 2: 1.0}
    assert average_clustering(G) == 1.0
    assert summary(G).transitivity == 1.0


def test_star_centre_has_every_other_node_as_friend() -> None:
    G = nx.star_graph(5)  # centre 0, leaves 1..5

    assert degrees(G)[0] == 5
    assert degree_distribution(G) == {1: 5, 5: 1}


def test_star_has_no_clustering_and_a_central_bottleneck() -> None:
    G = nx.star_graph(5)

    assert clustering(G)[0] == 0.0
    assert average_clustering(G) == 0.0
    assert betweenness(G)[0] == 1.0
    assert degree_assortativity(G) == pytest.approx(-1.0)


def test_bridge_nodes_have_the_highest_betweenness() -> None:
    scores = betweenness(two_cliques_with_a_bridge())

    assert {r.node for r in top_nodes(scores, n=2)} == {4, 5}
    assert scores[4] == scores[5] > max(v for n, v in scores.items() if n not in (4, 5))


def test_components_count_isolated_users() -> None:
    G = nx.Graph([(1, 2), (2, 3), (4, 5)])
    G.add_nodes_from([6, 7])

    assert component_stats(G) == ComponentStats(count=4, sizes=[3, 2, 1, 1], giant_size=3)


def test_empty_graph_has_no_components() -> None:
    assert component_stats(nx.Graph()) == ComponentStats(count=0, sizes=[], giant_size=0)


def test_core_number_separates_a_clique_from_its_pendant() -> None:
    G = nx.complete_graph(4)
    G.add_edge(3, 4)

    assert core_numbers(G) == {0: 3, 1: 3, 2: 3, 3: 3, 4: 1}


def test_assortativity_is_none_when_all_degrees_are_equal() -> None:
    assert degree_assortativity(nx.cycle_graph(5)) is None
    assert degree_assortativity(nx.empty_graph(3)) is None


def test_pagerank_sums_to_one_and_ranks_the_star_centre_first() -> None:
    scores = pagerank(nx.star_graph(4))

    assert math.fsum(scores.values()) == pytest.approx(1.0)
    assert top_nodes(scores, n=1)[0].node == 0


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_exact_betweenness_equals_networkx(seed: int) -> None:
    G = random_graph(seed)

    ours = betweenness(G)
    theirs = nx.betweenness_centrality(G)

    assert ours.keys() == theirs.keys()
    assert all(ours[n] == pytest.approx(theirs[n], abs=1e-12) for n in G)


def test_sampled_betweenness_equals_networkx_with_the_same_seed() -> None:
    G = random_graph(3)

    ours = betweenness(G, k=12, seed=7)
    theirs = nx.betweenness_centrality(G, k=12, seed=7)

    assert all(ours[n] == pytest.approx(theirs[n], abs=1e-12) for n in G)


def test_sampled_betweenness_is_deterministic_for_a_seed() -> None:
    G = random_graph(4)

    assert betweenness(G, k=10, seed=1) == betweenness(G, k=10, seed=1)
    assert betweenness(G, k=10, seed=1) != betweenness(G, k=10, seed=2)


def test_betweenness_with_k_at_least_n_is_exact() -> None:
    G = random_graph(5)

    assert betweenness(G, k=len(G)) == betweenness(G)


def test_betweenness_of_tiny_graphs_is_zero() -> None:
    assert betweenness(nx.Graph()) == {}
    assert betweenness(nx.path_graph(2)) == {0: 0.0, 1: 0.0}


def test_betweenness_rejects_a_single_sample() -> None:
    with pytest.raises(ValueError, match="at least 2"):
        betweenness(nx.path_graph(5), k=1)


def test_path_stats_are_exact_on_a_path() -> None:
    stats = path_stats(nx.path_graph(5))

    assert (stats.diameter, stats.exact, stats.sources, stats.nodes) == (4, True, 5, 5)
    assert stats.average_shortest_path == pytest.approx(2.0)


def test_path_stats_measure_the_giant_component() -> None:
    G = nx.disjoint_union(nx.path_graph(6), nx.complete_graph(3))
    G.add_node(100)

    stats = path_stats(G)

    assert stats.nodes == 6
    assert stats.diameter == 5


@pytest.mark.parametrize("seed", [0, 1])
def test_exact_path_stats_equal_networkx(seed: int) -> None:
    G = random_graph(seed)
    giant = G.subgraph(max(nx.connected_components(G), key=len))

    stats = path_stats(G)

    assert stats.diameter == nx.diameter(giant)
    assert stats.average_shortest_path == pytest.approx(nx.average_shortest_path_length(giant))


def test_sampled_path_stats_say_so_and_bound_the_diameter() -> None:
    G = random_graph(2)
    exact = path_stats(G)

    sampled = path_stats(G, k=8, seed=3)

    assert (sampled.exact, sampled.sources) == (False, 8)
    assert sampled.diameter is not None
    assert exact.diameter is not None
    assert sampled.diameter <= exact.diameter
    assert sampled == path_stats(G, k=8, seed=3)


def test_path_stats_of_trivial_graphs() -> None:
    assert path_stats(nx.Graph()).diameter is None
    assert path_stats(nx.empty_graph(1)).average_shortest_path == 0.0


def test_top_nodes_break_ties_by_id() -> None:
    ranked = top_nodes({5: 1.0, 3: 1.0, 9: 2.0}, n=3)

    assert [r.node for r in ranked] == [9, 3, 5]


def test_summary_gathers_every_global_measure() -> None:
    s = summary(two_cliques_with_a_bridge())

    assert (s.nodes, s.edges, s.degree_max, s.isolated) == (10, 21, 5, 0)
    assert s.components.count == 1
    assert s.paths.diameter == 3
    assert s.paths.exact
    assert s.max_core == 4
    assert {r.node for r in s.top_betweenness[:2]} == {4, 5}
    assert s.betweenness_exact
    assert s.betweenness_sources == 10
    assert s.average_clustering == pytest.approx(nx.average_clustering(two_cliques_with_a_bridge()))
    assert s.transitivity == pytest.approx(nx.transitivity(two_cliques_with_a_bridge()))


def test_summary_samples_when_asked_and_is_deterministic_for_a_seed() -> None:
    G = random_graph(6)

    first = summary(G, seed=11, betweenness_k=10, path_k=10)

    assert not first.betweenness_exact
    assert first.betweenness_sources == 10
    assert not first.paths.exact
    assert first == summary(G, seed=11, betweenness_k=10, path_k=10)


def test_directed_graphs_are_refused() -> None:
    with pytest.raises(nx.NetworkXNotImplemented):
        summary(nx.DiGraph([(1, 2)]))
