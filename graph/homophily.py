"""Taste homophily: do friends listen to more similar music than strangers do?

The comparison is friend pairs against the same number of random non-friend pairs drawn with a
fixed seed from the same users, on two measures: Jaccard overlap of the top-50 artist sets, and
cosine similarity of ``log1p`` play vectors (see :mod:`graph.taste` for why ``log1p``). A ratio
above 1 means friends are more alike than chance; it does not say whether taste made the
friendship or the friendship the taste.
"""

# `G` for a graph is NetworkX's own convention (and STYLE.md's); pep8-naming flags it.

from __future__ import annotations

import math
import random
import statistics
from collections.abc import Callable
from dataclasses import dataclass

import networkx as nx

from graph.taste import Listens, as_profiles, jaccard_similarity, log_cosine, log_vector

__all__ = ["SimilarityContrast", "TasteHomophily", "taste_homophily"]

PairSimilarity = Callable[[int, int], float]


@dataclass(frozen=True)
class SimilarityContrast:
    """Mean similarity of friend pairs and of random pairs, and ``ratio = friends / random``.

    Values are ``None`` when there is nothing to compare (no pairs, or a zero baseline for the
    ratio).
    """

    friends: float | None
    random: float | None
    ratio: float | None


@dataclass(frozen=True)
class TasteHomophily:
    """Friends versus random non-friends, on both similarity measures.

    ``friend_pairs`` counts the friendships where both users have plays; ``random_pairs`` is
    the same number unless fewer non-friend pairs exist (then all of them are used).
    """

    friend_pairs: int
    random_pairs: int
    jaccard: SimilarityContrast
    cosine: SimilarityContrast
    seed: int


def taste_homophily(G: nx.Graph, listens: Listens, *, seed: int = 0) -> TasteHomophily:
    """Compare the taste similarity of friends with that of random non-friend pairs.

    Parameters
    ----------
    G : networkx.Graph
        Friendship graph; users without plays are left out of both samples.
    listens : rows or profiles
        ``(user_id, artist_id, plays)`` rows, or :func:`graph.taste.taste_profiles`.
    seed : int
        Seed of the random baseline: the same seed gives the same pairs.

    Examples
    --------
    >>> G = nx.Graph([(1, 2), (3, 4)])
    >>> G.add_nodes_from([1, 2, 3, 4])
    >>> listens = [(1, 10, 5), (2, 10, 5), (3, 20, 5), (4, 20, 5)]
    >>> h = taste_homophily(G, listens)
    >>> h.friend_pairs, h.jaccard.friends, h.jaccard.random
    (2, 1.0, 0.0)
    """
    if G.is_directed():
        raise nx.NetworkXNotImplemented("taste_homophily expects an undirected graph")
    profiles = as_profiles(listens)
    users = sorted(user for user in G if profiles.get(user))
    friend_pairs = sorted(
        (min(u, v), max(u, v))
        for u, v in G.edges()
        if u != v and profiles.get(u) and profiles.get(v)
    )
    random_pairs = _non_friend_pairs(G, users, len(friend_pairs), seed)
    vectors = {user: log_vector(profiles[user]) for user in users}
    return TasteHomophily(
        friend_pairs=len(friend_pairs),
        random_pairs=len(random_pairs),
        jaccard=_contrast(
            lambda u, v: jaccard_similarity(profiles[u], profiles[v]), friend_pairs, random_pairs
        ),
        cosine=_contrast(
            lambda u, v: log_cosine(vectors[u], vectors[v]), friend_pairs, random_pairs
        ),
        seed=seed,
    )


def _non_friend_pairs(
    G: nx.Graph, users: list[int], wanted: int, seed: int
) -> list[tuple[int, int]]:
    """``wanted`` distinct random pairs of ``users`` who are not friends (all, if fewer exist)."""
    total = math.comb(len(users), 2)
    possible = total - G.subgraph(users).number_of_edges()
    rng = random.Random(seed)
    if possible <= 4 * wanted or 2 * possible < total:
        # Few non-friend pairs, or a dense graph: rejection sampling would mostly reject, and
        # listing them all costs O(edges) here, because total <= 5 * edges in either case.
        pairs = [
            (u, v) for i, u in enumerate(users) for v in users[i + 1 :] if not G.has_edge(u, v)
        ]
        return pairs if len(pairs) <= wanted else sorted(rng.sample(pairs, wanted))
    chosen: set[tuple[int, int]] = set()
    while len(chosen) < wanted:  # each draw is accepted with probability > 1/2 * 3/4
        u, v = rng.sample(users, 2)
        pair = (min(u, v), max(u, v))
        if not G.has_edge(*pair):
            chosen.add(pair)
    return sorted(chosen)


def _contrast(
    similarity: PairSimilarity,
    friend_pairs: list[tuple[int, int]],
    random_pairs: list[tuple[int, int]],
) -> SimilarityContrast:
    friends = _mean(similarity, friend_pairs)
    baseline = _mean(similarity, random_pairs)
    ratio = friends / baseline if friends is not None and baseline else None
    return SimilarityContrast(friends=friends, random=baseline, ratio=ratio)


def _mean(similarity: PairSimilarity, pairs: list[tuple[int, int]]) -> float | None:
    if not pairs:
        return None
    return statistics.fmean(similarity(u, v) for u, v in pairs)
