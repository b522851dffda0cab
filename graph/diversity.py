"""How broadly each user listens, and whether users with more friends listen more broadly.

Why entropy: ``user_artists.dat`` keeps each user's top 50 artists (1,829 of 1,892 users have
exactly 50), so the number of distinct artists barely varies. The Shannon entropy of how plays
spread over those artists does: a user who splits plays evenly over 50 artists has
``ln 50 = 3.91`` nats, one who plays a single artist almost exclusively has nearly 0. Friend
counts and plays are heavy-tailed, so the association is measured by rank (Spearman).
"""

# `G` for a graph is NetworkX's own convention (and STYLE.md's); pep8-naming flags it.

from __future__ import annotations

import math
from dataclasses import dataclass

import networkx as nx
from scipy import stats

from graph.taste import Listens, as_profiles

__all__ = [
    "DiversityPoint",
    "FriendsDiversity",
    "ListeningDiversity",
    "RankCorrelation",
    "friends_vs_diversity",
    "listening_diversity",
]


@dataclass(frozen=True)
class ListeningDiversity:
    """One user's breadth of listening.

    ``entropy`` is the Shannon entropy of their play shares in nats (natural log);
    ``normalised_entropy`` divides it by ``ln(distinct_artists)``, its maximum, so 1 means
    perfectly even plays (0 for a single artist, where evenness is undefined).
    """

    user: int
    distinct_artists: int
    plays: float
    entropy: float
    normalised_entropy: float


@dataclass(frozen=True)
class RankCorrelation:
    """Spearman's rho, its two-sided p-value and the number of users.

    ``rho`` and ``p_value`` are ``None`` when undefined: fewer than 3 users, or a variable that
    does not vary.
    """

    rho: float | None
    p_value: float | None
    n: int


@dataclass(frozen=True)
class DiversityPoint:
    """One user in the friends-versus-diversity scatter plot."""

    user: int
    friends: int
    distinct_artists: int
    entropy: float


@dataclass(frozen=True)
class FriendsDiversity:
    """Rank correlations of friend count with each diversity measure, and the points."""

    n: int
    distinct_artists: RankCorrelation
    entropy: RankCorrelation
    points: list[DiversityPoint]


def listening_diversity(listens: Listens) -> dict[int, ListeningDiversity]:
    """Distinct artists, total plays and entropy of plays for each user with plays.

    Parameters
    ----------
    listens : rows or profiles
        ``(user_id, artist_id, plays)`` rows, or :func:`graph.taste.taste_profiles`.

    Returns
    -------
    dict
        ``{user_id: ListeningDiversity}`` in ascending user order.

    Examples
    --------
    >>> d = listening_diversity([(1, 10, 5), (1, 11, 5), (2, 10, 7)])
    >>> round(d[1].entropy, 4), d[1].normalised_entropy, d[2].entropy, d[2].normalised_entropy
    (0.6931, 1.0, 0.0, 0.0)
    """
    profiles = as_profiles(listens)
    result = {}
    for user in sorted(profiles):
        plays = [p for p in profiles[user].values() if p > 0]
        if not plays:
            continue
        total = math.fsum(plays)
        entropy = max(0.0, -math.fsum(p / total * math.log(p / total) for p in plays))
        result[user] = ListeningDiversity(
            user=user,
            distinct_artists=len(plays),
            plays=total,
            entropy=entropy,
            normalised_entropy=entropy / math.log(len(plays)) if len(plays) > 1 else 0.0,
        )
    return result


def friends_vs_diversity(G: nx.Graph, listens: Listens) -> FriendsDiversity:
    """Spearman correlation between number of friends and listening diversity.

    Users are the nodes of ``G`` that have plays (users without plays have no diversity to
    measure; users without friends count, with 0 friends).

    Parameters
    ----------
    G : networkx.Graph
        Friendship graph.
    listens : rows or profiles
        ``(user_id, artist_id, plays)`` rows, or :func:`graph.taste.taste_profiles`.

    Examples
    --------
    >>> G = nx.star_graph(3)  # user 0 has 3 friends, users 1-3 one each
    >>> listens = [(0, 1, 1), (0, 2, 1), (0, 3, 1), (1, 1, 1), (1, 2, 9), (2, 1, 5), (3, 2, 5)]
    >>> r = friends_vs_diversity(G, listens)
    >>> r.n, round(r.entropy.rho, 3), round(r.distinct_artists.rho, 3)
    (4, 0.816, 0.816)
    >>> r.points[0].user, r.points[0].friends, round(r.points[0].entropy, 4)
    (0, 3, 1.0986)
    """
    diversity = listening_diversity(listens)
    points = [
        DiversityPoint(
            user=user,
            friends=int(G.degree(user)),
            distinct_artists=diversity[user].distinct_artists,
            entropy=diversity[user].entropy,
        )
        for user in sorted(G)
        if user in diversity
    ]
    friends = [p.friends for p in points]
    return FriendsDiversity(
        n=len(points),
        distinct_artists=_spearman(friends, [p.distinct_artists for p in points]),
        entropy=_spearman(friends, [p.entropy for p in points]),
        points=points,
    )


def _spearman(x: list[int], y: list[int] | list[float]) -> RankCorrelation:
    # Checked here rather than silencing scipy's ConstantInputWarning and mapping NaN to None.
    if len(x) < 3 or len(set(x)) < 2 or len(set(y)) < 2:
        return RankCorrelation(rho=None, p_value=None, n=len(x))
    result = stats.spearmanr(x, y)
    return RankCorrelation(rho=float(result.statistic), p_value=float(result.pvalue), n=len(x))
