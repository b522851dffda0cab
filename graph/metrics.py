"""How the friendship network is shaped: degrees, components, clustering, centrality, distances.

Every function takes an undirected graph whose nodes are user ids (as built by
:func:`graph.build.friendship_graph`) and returns plain data. Edge weights are ignored: a
friendship has no strength in this dataset.

Why not plain NetworkX everywhere: betweenness and all-pairs distances need one BFS per user, which
NetworkX runs in Python (exact betweenness on the real graph takes ~7 s). :mod:`graph._bfs` runs
those BFSs in batches as sparse matrix products, giving the *exact* answers in well under a
second, so :func:`summary` meets its 5 s budget without sampling on this graph. Sampling (``k``
sources, seeded) remains for graphs too large to measure exactly.
"""

# `G` for a graph is NetworkX's own convention (and STYLE.md's); pep8-naming flags it.

from __future__ import annotations

import math
import random
import statistics
from collections import Counter
from dataclasses import dataclass

import networkx as nx

from graph import _bfs

__all__ = [
    "ComponentStats",
    "GraphSummary",
    "PathStats",
    "RankedNode",
    "average_clustering",
    "betweenness",
    "clustering",
    "component_stats",
    "core_numbers",
    "degree_assortativity",
    "degree_distribution",
    "degrees",
    "pagerank",
    "path_stats",
    "summary",
    "top_nodes",
]


@dataclass(frozen=True)
class ComponentStats:
    """Connected components: how many, their sizes (largest first), the giant one's size."""

    count: int
    sizes: list[int]
    giant_size: int


@dataclass(frozen=True)
class PathStats:
    """Hop distances inside the giant component.

    ``exact`` is true when every node of the giant component was a BFS source; otherwise
    ``sources`` nodes were sampled, ``average_shortest_path`` is an unbiased estimate and
    ``diameter`` a lower bound (the largest eccentricity among the sources). Both are ``None``
    for a graph without nodes.
    """

    diameter: int | None
    average_shortest_path: float | None
    exact: bool
    sources: int
    nodes: int


@dataclass(frozen=True)
class RankedNode:
    """One node and its score, for "top users by ..." lists."""

    node: int
    value: float


@dataclass(frozen=True)
class GraphSummary:
    """Every global measure of the friendship graph, from :func:`summary`.

    Degrees are heavy-tailed, so the median is given beside the mean. ``degree_assortativity``
    is ``None`` where it is undefined (no edges, or every node of the same degree).
    ``betweenness_exact`` says whether ``top_betweenness`` used every node as a source.
    """

    nodes: int
    edges: int
    density: float
    degree_mean: float
    degree_median: float
    degree_max: int
    isolated: int
    degree_distribution: dict[int, int]
    components: ComponentStats
    average_clustering: float
    transitivity: float
    degree_assortativity: float | None
    max_core: int
    paths: PathStats
    top_pagerank: list[RankedNode]
    top_betweenness: list[RankedNode]
    betweenness_exact: bool
    betweenness_sources: int
    seed: int


def _require_undirected(G: nx.Graph) -> None:
    if G.is_directed() or G.is_multigraph():
        raise nx.NetworkXNotImplemented("graph/ metrics expect an undirected simple graph")


def degrees(G: nx.Graph) -> dict[int, int]:
    """Number of friends of each user.

    Examples
    --------
    >>> degrees(nx.star_graph(3))
    {0: 3, 1: 1, 2: 1, 3: 1}
    """
    _require_undirected(G)
    return {node: int(degree) for node, degree in G.degree()}


def degree_distribution(G: nx.Graph) -> dict[int, int]:
    """How many users have each number of friends, by ascending degree (for a log-log plot).

    Examples
    --------
    >>> degree_distribution(nx.star_graph(3))
    {1: 3, 3: 1}
    """
    _require_undirected(G)
    return dict(sorted(Counter(degree for _, degree in G.degree()).items()))


def component_stats(G: nx.Graph) -> ComponentStats:
    """Count and sizes of the connected components (isolated users are components of size 1).

    Examples
    --------
    >>> G = nx.Graph([(1, 2), (2, 3), (4, 5)])
    >>> G.add_node(6)
    >>> component_stats(G)
    ComponentStats(count=3, sizes=[3, 2, 1], giant_size=3)
    """
    _require_undirected(G)
    sizes = sorted((len(c) for c in nx.connected_components(G)), reverse=True)
    return ComponentStats(count=len(sizes), sizes=sizes, giant_size=sizes[0] if sizes else 0)


def clustering(G: nx.Graph) -> dict[int, float]:
    """Local clustering coefficient: the share of a user's friend pairs who are friends too.

    Users with fewer than two friends have 0 (NetworkX's convention).

    Examples
    --------
    >>> clustering(nx.complete_graph(3))
    {0: 1.0, 1: 1.0, 2: 1.0}
    """
    _require_undirected(G)
    return {node: float(value) for node, value in nx.clustering(G).items()}


def average_clustering(G: nx.Graph) -> float:
    """Mean local clustering over all users (those with < 2 friends count as 0).

    Examples
    --------
    >>> average_clustering(nx.star_graph(4))
    0.0
    """
    _require_undirected(G)
    return float(nx.average_clustering(G)) if len(G) else 0.0


def pagerank(G: nx.Graph, *, alpha: float = 0.85) -> dict[int, float]:
    """PageRank of each user on the friendship graph (sums to 1).

    Examples
    --------
    >>> scores = pagerank(nx.star_graph(3))
    >>> max(scores, key=scores.__getitem__), round(sum(scores.values()), 6)
    (0, 1.0)
    """
    _require_undirected(G)
    return {node: float(value) for node, value in nx.pagerank(G, alpha=alpha).items()}


def betweenness(G: nx.Graph, *, k: int | None = None, seed: int = 0) -> dict[int, float]:
    """Normalised shortest-path betweenness centrality of each user (endpoints excluded).

    Equal to ``nx.betweenness_centrality(G, k=k, seed=seed)`` (same sources, same scaling) but
    computed in batches of sparse BFS, about 15x faster on the real graph.

    Parameters
    ----------
    G : networkx.Graph
        Undirected; edge weights are ignored.
    k : int, optional
        Number of BFS sources to sample. ``None``, or ``k >= len(G)``, computes the exact value
        with every node as a source. Sampling needs ``k >= 2``.
    seed : int
        Seed of the source sample (only used when sampling).

    Returns
    -------
    dict
        ``{user_id: betweenness}`` in ``[0, 1]``.

    Examples
    --------
    >>> betweenness(nx.path_graph(3))
    {0: 0.0, 1: 1.0, 2: 0.0}
    """
    _require_undirected(G)
    sampled = _sample_sources(list(G), k, seed)
    # NetworkX's _rescale with endpoints=False: ordered pairs (s, t) with s != t != v.
    pairs = len(G) - 1
    if pairs < 2:
        return dict.fromkeys(G, 0.0)
    nodes, matrix = _bfs.adjacency(G)
    index = {node: i for i, node in enumerate(nodes)}
    sources = list(range(len(nodes))) if sampled is None else [index[s] for s in sampled]
    sums = _bfs.betweenness_sums(matrix, sources)
    if sampled is None:
        return {
            node: float(value) / (pairs * (pairs - 1))
            for node, value in zip(nodes, sums, strict=True)
        }
    picked = set(sampled)
    k_used = len(sampled)
    return {
        # A sampled source never counts itself as an intermediate: one chance fewer.
        node: float(value) / ((k_used - 1 if node in picked else k_used) * (pairs - 1))
        for node, value in zip(nodes, sums, strict=True)
    }


def _sample_sources(nodes: list[int], k: int | None, seed: int) -> list[int] | None:
    """The sampled BFS sources, or ``None`` for all of them (exact).

    Sampled exactly as NetworkX does (``random.Random(seed).sample(list(G), k)``), so results
    can be checked against it.
    """
    if k is None or k >= len(nodes):
        return None
    if k < 2:
        raise ValueError(f"k must be at least 2 to sample sources, got {k}")
    return random.Random(seed).sample(nodes, k)


def core_numbers(G: nx.Graph) -> dict[int, int]:
    """k-core number of each user: the largest k such that the user is in a k-core.

    Examples
    --------
    >>> G = nx.complete_graph(4)
    >>> G.add_edge(3, 4)
    >>> core_numbers(G)
    {0: 3, 1: 3, 2: 3, 3: 3, 4: 1}
    """
    _require_undirected(G)
    return {node: int(core) for node, core in nx.core_number(G).items()}


def degree_assortativity(G: nx.Graph) -> float | None:
    """Pearson correlation of the degrees at both ends of each friendship.

    Returns ``None`` when it is undefined: no edges, or all degrees equal (zero variance), where
    NetworkX would return NaN (which JSON cannot carry).

    Examples
    --------
    >>> round(degree_assortativity(nx.star_graph(3)), 3)
    -1.0
    >>> degree_assortativity(nx.complete_graph(3)) is None
    True
    """
    _require_undirected(G)
    if G.number_of_edges() == 0 or len({d for _, d in G.degree()}) < 2:
        return None
    value = float(nx.degree_assortativity_coefficient(G))
    return None if math.isnan(value) else value


def path_stats(G: nx.Graph, *, k: int | None = None, seed: int = 0) -> PathStats:
    """Diameter and average shortest path length of the giant component.

    Distances are only defined within a component; the dataset's friendship graph has 20, so
    these describe the giant one (1,843 of 1,892 users).

    Parameters
    ----------
    G : networkx.Graph
        Undirected.
    k : int, optional
        Number of BFS sources to sample. ``None``, or ``k`` at least the giant component's size,
        is exact.
    seed : int
        Seed of the source sample.

    Examples
    --------
    >>> path_stats(nx.path_graph(4))
    PathStats(diameter=3, average_shortest_path=1.6666666666666667, exact=True, sources=4, nodes=4)
    """
    _require_undirected(G)
    if len(G) == 0:
        return PathStats(None, None, exact=True, sources=0, nodes=0)
    giant = max(nx.connected_components(G), key=len)
    # Keep G's node order (a subgraph view would iterate the component set's order), so the
    # sampled sources depend only on the graph and the seed.
    all_nodes, all_matrix = _bfs.adjacency(G)
    keep = [i for i, node in enumerate(all_nodes) if node in giant]
    nodes = [all_nodes[i] for i in keep]
    matrix = all_matrix[keep][:, keep]
    n = len(nodes)
    if n == 1:
        return PathStats(0, 0.0, exact=True, sources=1, nodes=1)
    sampled = _sample_sources(nodes, k, seed)
    index = {node: i for i, node in enumerate(nodes)}
    sources = [index[node] for node in sampled] if sampled is not None else list(range(n))
    total, farthest = _bfs.distance_totals(matrix, sources)
    return PathStats(
        diameter=farthest,
        average_shortest_path=total / (len(sources) * (n - 1)),
        exact=sampled is None,
        sources=len(sources),
        nodes=n,
    )


def _clustering_and_transitivity(G: nx.Graph) -> tuple[float, float]:
    """Average clustering and transitivity from one triangle count (NetworkX counts twice)."""
    triangles = nx.triangles(G)
    local = []
    closed = 0
    triads = 0
    for node, degree in G.degree():
        pairs = degree * (degree - 1) // 2
        local.append(triangles[node] / pairs if pairs else 0.0)
        closed += triangles[node]
        triads += pairs
    return (statistics.fmean(local) if local else 0.0), (closed / triads if triads else 0.0)


def top_nodes(scores: dict[int, float], *, n: int = 10) -> list[RankedNode]:
    """The ``n`` highest-scoring nodes, ties broken by ascending id (deterministic).

    Examples
    --------
    >>> top_nodes({1: 0.5, 2: 0.9, 3: 0.5}, n=2)
    [RankedNode(node=2, value=0.9), RankedNode(node=1, value=0.5)]
    """
    ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
    return [RankedNode(node, value) for node, value in ranked[:n]]


def summary(
    G: nx.Graph,
    *,
    seed: int = 0,
    betweenness_k: int = 2000,
    path_k: int = 2000,
    top: int = 10,
) -> GraphSummary:
    """All global measures of the friendship graph in one object (cache it per data version).

    Parameters
    ----------
    G : networkx.Graph
        The friendship graph.
    seed : int
        Seed for any sampling, so a given graph always gets the same summary.
    betweenness_k, path_k : int
        At most this many BFS sources for betweenness and for distances. Graphs (giant
        components) no larger are measured exactly, as the real one (1,892 users) is by
        default; larger ones are sampled, and the flags in the result say so.
    top : int
        Length of the top-PageRank and top-betweenness lists.

    Examples
    --------
    >>> s = summary(nx.barbell_graph(3, 0))
    >>> s.nodes, s.edges, s.components.count, s.paths.diameter, s.top_betweenness[0].node
    (6, 7, 1, 3, 2)
    """
    _require_undirected(G)
    degree_list = [d for _, d in G.degree()]
    between = betweenness(G, k=betweenness_k, seed=seed)
    cores = core_numbers(G)
    clustering_mean, transitivity = _clustering_and_transitivity(G)
    return GraphSummary(
        nodes=G.number_of_nodes(),
        edges=G.number_of_edges(),
        density=float(nx.density(G)) if len(G) > 1 else 0.0,
        degree_mean=statistics.fmean(degree_list) if degree_list else 0.0,
        degree_median=float(statistics.median(degree_list)) if degree_list else 0.0,
        degree_max=max(degree_list, default=0),
        isolated=sum(1 for d in degree_list if d == 0),
        degree_distribution=degree_distribution(G),
        components=component_stats(G),
        average_clustering=clustering_mean,
        transitivity=transitivity,
        degree_assortativity=degree_assortativity(G),
        max_core=max(cores.values(), default=0),
        paths=path_stats(G, k=path_k, seed=seed),
        top_pagerank=top_nodes(pagerank(G), n=top),
        top_betweenness=top_nodes(between, n=top),
        betweenness_exact=betweenness_k >= len(G),
        betweenness_sources=min(betweenness_k, len(G)),
        seed=seed,
    )
