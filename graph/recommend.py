"""Artists a user has not played yet, recommended by the friends whose taste is like theirs.

The score of artist ``a`` for user ``u`` is

    score(a) = sum over neighbours f who play a and u does not:
               discount(f) * similarity(u, f) * plays(f, a) / total_plays(f)

where ``discount`` is 1 for friends and ``friend_of_friend_discount`` (0.5 by default) for friends
of friends, and ``similarity`` is the cosine of ``log1p`` play vectors (or Jaccard of artist
sets; see :mod:`graph.taste`). Why divide by the friend's total plays: a friend with 300,000
plays would otherwise outvote every other friend; this way each friend spreads one unit of
endorsement over their artists, in proportion to how much they play them.

A user with no plays yet has no taste to compare, so every neighbour counts as similarity 1:
newcomers get their friends' favourites rather than nothing.
"""

# `G` for a graph is NetworkX's own convention (and STYLE.md's); pep8-naming flags it.

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import networkx as nx

from graph.errors import UnknownUserError
from graph.taste import Listens, as_profiles, jaccard_similarity, log_cosine, log_vector

__all__ = ["ArtistRecommendation", "Contribution", "recommend_artists"]


@dataclass(frozen=True)
class Contribution:
    """How much one friend (``distance`` 1) or friend of a friend (2) added to a score.

    ``similarity`` is the neighbour's taste similarity to the user, before the
    friend-of-friend discount; ``contribution`` is their term of the score.
    """

    user: int
    distance: int
    similarity: float
    contribution: float


@dataclass(frozen=True)
class ArtistRecommendation:
    """One recommended artist, its score and the neighbours who contributed most.

    ``contributors`` is sorted by contribution (descending, then user id) and cut to
    ``max_contributors``; ``contributors_total`` counts them all.
    """

    artist: int
    score: float
    contributors: list[Contribution]
    contributors_total: int


def recommend_artists(
    G: nx.Graph,
    listens: Listens,
    user: int,
    *,
    k: int = 10,
    friend_of_friend_discount: float = 0.5,
    similarity: Literal["cosine", "jaccard"] = "cosine",
    max_contributors: int = 5,
) -> list[ArtistRecommendation]:
    """Top ``k`` artists that ``user``'s friends play and ``user`` does not, with explanations.

    Parameters
    ----------
    G : networkx.Graph
        Friendship graph.
    listens : rows or profiles
        ``(user_id, artist_id, plays)`` rows, or :func:`graph.taste.taste_profiles` (pass the
        profiles when serving many requests, to build them once).
    user : int
        The user to recommend for.
    k : int
        Number of artists to return.
    friend_of_friend_discount : float
        Weight of friends of friends relative to friends, in ``[0, 1]``; 0 ignores them.
    similarity : {"cosine", "jaccard"}
        Cosine of ``log1p`` play vectors (default: uses how much, not just whether, people
        play) or Jaccard of artist sets.
    max_contributors : int
        Contributors listed per artist.

    Returns
    -------
    list of ArtistRecommendation
        Sorted by score descending, ties by artist id; empty if no neighbour adds anything.

    Raises
    ------
    UnknownUserError
        If ``user`` is not in ``G`` (a ``KeyError``; a service answers 404).
    ValueError
        For ``k < 1``, a discount outside ``[0, 1]``, an unknown similarity or
        ``max_contributors < 0``.

    Examples
    --------
    >>> G = nx.Graph([(1, 2), (2, 3)])
    >>> listens = [(1, 10, 5), (2, 10, 5), (2, 11, 5), (3, 10, 1), (3, 12, 3)]
    >>> recs = recommend_artists(G, listens, 1, k=2)
    >>> [(r.artist, round(r.score, 3)) for r in recs]
    [(11, 0.354), (12, 0.168)]
    >>> [(c.user, c.distance) for c in recs[1].contributors]
    [(3, 2)]
    """
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    if not 0 <= friend_of_friend_discount <= 1:
        raise ValueError(
            f"friend_of_friend_discount must be in [0, 1], got {friend_of_friend_discount}"
        )
    if similarity not in ("cosine", "jaccard"):
        raise ValueError(f"similarity must be 'cosine' or 'jaccard', got {similarity!r}")
    if max_contributors < 0:
        raise ValueError(f"max_contributors must be at least 0, got {max_contributors}")
    if user not in G:
        raise UnknownUserError(user)
    profiles = as_profiles(listens)
    own = profiles.get(user, {})
    own_vector = log_vector(own)
    cutoff = 2 if friend_of_friend_discount > 0 else 1
    distances = nx.single_source_shortest_path_length(G, user, cutoff=cutoff)
    neighbours = sorted((d, v) for v, d in distances.items() if d > 0)

    scores: dict[int, float] = {}
    # (neighbour, distance, similarity, amount) tuples: Contribution objects are only built for
    # the k artists returned (a hub's 2-hop neighbourhood yields ~50,000 of these).
    contributions: dict[int, list[tuple[int, int, float, float]]] = {}
    for distance, neighbour in neighbours:
        theirs = profiles.get(neighbour)
        if not theirs:
            continue
        if not own:
            likeness = 1.0
        elif similarity == "cosine":
            likeness = log_cosine(own_vector, log_vector(theirs))
        else:
            likeness = jaccard_similarity(own, theirs)
        weight = likeness * (friend_of_friend_discount if distance == 2 else 1.0)
        total = sum(theirs.values())
        if weight <= 0 or total <= 0:
            continue
        for artist, plays in theirs.items():
            if artist in own:
                continue
            amount = weight * plays / total
            scores[artist] = scores.get(artist, 0.0) + amount
            contributions.setdefault(artist, []).append((neighbour, distance, likeness, amount))

    best = sorted(scores, key=lambda artist: (-scores[artist], artist))[:k]
    recommendations = []
    for artist in best:
        ranked = sorted(contributions[artist], key=lambda c: (-c[3], c[0]))
        recommendations.append(
            ArtistRecommendation(
                artist=artist,
                score=scores[artist],
                contributors=[Contribution(*c) for c in ranked[:max_contributors]],
                contributors_total=len(ranked),
            )
        )
    return recommendations
