"""A user's neighbourhood in the friendship graph, ready to draw.

Why a cap with a fixed order: a hub's radius-2 neighbourhood can hold most of the graph, which no
browser draws usefully. Nodes are kept by (distance from the ego, then degree descending, then
id): the ego first, then friends before friends of friends, and the best-connected first within
each ring. Since every friend is kept before any friend of a friend, each kept node still has a
path to the ego inside the drawing.
"""

# `G` for a graph is NetworkX's own convention (and STYLE.md's); pep8-naming flags it.

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import networkx as nx

from graph.errors import UnknownUserError

__all__ = ["EgoNetwork", "EgoNode", "ego_network"]


@dataclass(frozen=True)
class EgoNode:
    """One node to draw. Optional fields are ``None`` unless their mapping was passed in.

    ``degree`` is the user's number of friends in the whole graph, not in the drawing.
    """

    id: int
    degree: int
    distance: int
    pagerank: float | None = None
    community: int | None = None
    top_artists: list[str] | None = None


@dataclass(frozen=True)
class EgoNetwork:
    """The kept nodes (ego first, in keep order) and the friendships among them.

    ``total_nodes`` counts the nodes within ``radius`` before the cap; ``truncated`` says the
    cap removed some.
    """

    ego: int
    radius: int
    nodes: list[EgoNode]
    edges: list[tuple[int, int]]
    total_nodes: int
    truncated: bool


def ego_network(
    G: nx.Graph,
    user: int,
    *,
    radius: int = 1,
    max_nodes: int = 100,
    pagerank: Mapping[int, float] | None = None,
    communities: Mapping[int, int] | None = None,
    top_artists: Mapping[int, Sequence[str]] | None = None,
) -> EgoNetwork:
    """The friends (radius 1) or friends and friends of friends (radius 2) of ``user``.

    Parameters
    ----------
    G : networkx.Graph
        Friendship graph.
    user : int
        The ego's user id.
    radius : {1, 2}
        How many hops from the ego.
    max_nodes : int
        Most nodes to return, ego included (see the module docstring for which are kept).
    pagerank, communities, top_artists : mapping, optional
        Per-user values to attach to the nodes (e.g. from :func:`graph.metrics.pagerank`,
        :meth:`graph.communities.Partition.membership`, artist names chosen by the caller).

    Raises
    ------
    UnknownUserError
        If ``user`` is not in ``G`` (a ``KeyError``; a service answers 404).
    ValueError
        If ``radius`` is not 1 or 2, or ``max_nodes < 1``.

    Examples
    --------
    >>> G = nx.Graph([(1, 2), (1, 3), (3, 4), (4, 5)])
    >>> ego = ego_network(G, 1, radius=2, max_nodes=3)
    >>> [(n.id, n.distance, n.degree) for n in ego.nodes], ego.edges, ego.truncated
    ([(1, 0, 2), (3, 1, 2), (2, 1, 1)], [(1, 2), (1, 3)], True)
    """
    if radius not in (1, 2):
        raise ValueError(f"radius must be 1 or 2, got {radius}")
    if max_nodes < 1:
        raise ValueError(f"max_nodes must be at least 1, got {max_nodes}")
    if user not in G:
        raise UnknownUserError(user)
    distances = nx.single_source_shortest_path_length(G, user, cutoff=radius)
    ranked = sorted(distances, key=lambda node: (distances[node], -G.degree(node), node))
    kept = ranked[:max_nodes]
    kept_set = set(kept)
    edges = sorted((min(u, v), max(u, v)) for u, v in G.subgraph(kept_set).edges() if u != v)
    nodes = [
        EgoNode(
            id=node,
            degree=int(G.degree(node)),
            distance=distances[node],
            pagerank=pagerank.get(node) if pagerank is not None else None,
            community=communities.get(node) if communities is not None else None,
            top_artists=(
                list(top_artists[node]) if top_artists is not None and node in top_artists else None
            ),
        )
        for node in kept
    ]
    return EgoNetwork(
        ego=user,
        radius=radius,
        nodes=nodes,
        edges=edges,
        total_nodes=len(distances),
        truncated=len(distances) > len(kept),
    )
