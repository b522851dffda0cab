"""Rows in, NetworkX graphs out: the friendship graph and the user–artist listening graph.

Why sorted insertion: NetworkX iterates nodes and neighbours in insertion order, and seeded
algorithms (Louvain, sampled betweenness) depend on that order. A database returns rows in no
particular order, so both builders insert nodes and edges sorted; the same data then gives the
same graph, and the same seed the same communities, whatever order the rows came in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import networkx as nx

from graph.taste import ListenRow, taste_profiles

__all__ = ["ARTIST", "USER", "FriendRow", "friendship_graph", "listening_graph"]

FriendRow = tuple[int, int]
"""``(user_id, friend_id)``: one row of ``user_friends.dat``; either direction, or both."""

USER = "u"
"""Tag of user nodes in the listening graph: ``(USER, user_id)``."""
ARTIST = "a"
"""Tag of artist nodes in the listening graph: ``(ARTIST, artist_id)``."""


def friendship_graph(
    friend_rows: Iterable[FriendRow],
    *,
    users: Iterable[int] | None = None,
    attributes: Mapping[int, Mapping[str, object]] | None = None,
) -> nx.Graph:
    """The undirected friendship graph: one node per user, one edge per mutual friendship.

    ``user_friends.dat`` lists each friendship in both directions; both rows become the same
    edge, so 25,434 rows give 12,717 edges. Self-friendships are dropped (they are not social
    ties and would break core numbers and clustering).

    Parameters
    ----------
    friend_rows : iterable of (int, int)
        ``(user_id, friend_id)`` pairs of Last.fm user ids.
    users : iterable of int, optional
        Users to include even without friends (they become isolated nodes, so counts of users
        and of components match the dataset).
    attributes : mapping of int to mapping, optional
        Node attributes per user, e.g. ``{2: {"plays": 168737, "artists": 50}}``. Users named
        here are added as nodes too.

    Returns
    -------
    networkx.Graph
        Nodes are user ids (``int``), inserted in ascending order; edges carry no attributes.

    Examples
    --------
    >>> G = friendship_graph([(1, 2), (2, 1), (2, 3)], users=[4], attributes={1: {"plays": 10}})
    >>> sorted(G.nodes), sorted(G.edges)
    ([1, 2, 3, 4], [(1, 2), (2, 3)])
    >>> G.nodes[1]
    {'plays': 10}
    """
    edges = {(min(u, v), max(u, v)) for u, v in friend_rows if u != v}
    nodes = {u for edge in edges for u in edge}
    nodes.update(users or ())
    nodes.update(attributes or {})
    G = nx.Graph()
    G.add_nodes_from(sorted(nodes))
    G.add_edges_from(sorted(edges))
    for user, values in (attributes or {}).items():
        G.nodes[user].update(values)
    return G


def listening_graph(listen_rows: Iterable[ListenRow]) -> nx.Graph:
    """The bipartite user–artist graph, each edge weighted by play count.

    User and artist ids overlap as numbers (user 2 and artist 2 both exist), so nodes are
    tagged tuples: ``("u", user_id)`` with ``bipartite=0`` and ``("a", artist_id)`` with
    ``bipartite=1`` (NetworkX's bipartite convention). Repeated ``(user, artist)`` rows are
    summed; zero plays mean no listening and add no edge.

    Parameters
    ----------
    listen_rows : iterable of (int, int, float)
        ``(user_id, artist_id, plays)`` rows of ``user_artists.dat``.

    Returns
    -------
    networkx.Graph
        Edge attribute ``weight`` is the play count.

    Raises
    ------
    ValueError
        If a play count is negative.

    Examples
    --------
    >>> B = listening_graph([(2, 51, 13883), (2, 52, 11690), (3, 51, 7)])
    >>> B.edges[("u", 2), ("a", 51)]["weight"]
    13883
    >>> sorted(n for n, side in B.nodes(data="bipartite") if side == 1)
    [('a', 51), ('a', 52)]
    """
    profiles = taste_profiles(listen_rows)
    artists = sorted({artist for plays in profiles.values() for artist in plays})
    B = nx.Graph()
    B.add_nodes_from(((USER, user) for user in sorted(profiles)), bipartite=0)
    B.add_nodes_from(((ARTIST, artist) for artist in artists), bipartite=1)
    B.add_weighted_edges_from(
        ((USER, user), (ARTIST, artist), weight)
        for user in sorted(profiles)
        for artist, weight in sorted(profiles[user].items())
    )
    return B
