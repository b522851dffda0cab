"""Entropy of plays by hand, and the Spearman correlation with friend counts."""

from __future__ import annotations

import math

import networkx as nx
import pytest
from scipy import stats

from graph import friends_vs_diversity, listening_diversity


def test_even_plays_have_maximal_entropy() -> None:
    d = listening_diversity([(1, a, 7) for a in range(4)])[1]

    assert (d.distinct_artists, d.plays) == (4, 28)
    assert d.entropy == pytest.approx(math.log(4))
    assert d.normalised_entropy == pytest.approx(1.0)


def test_uneven_plays_have_lower_entropy() -> None:
    d = listening_diversity([(1, 10, 1), (1, 11, 3)])[1]

    assert d.entropy == pytest.approx(-(0.25 * math.log(0.25) + 0.75 * math.log(0.75)))
    assert 0 < d.normalised_entropy < 1


def test_a_single_artist_has_zero_entropy() -> None:
    d = listening_diversity([(1, 10, 500)])[1]

    assert (d.entropy, d.normalised_entropy) == (0.0, 0.0)


def test_spearman_matches_scipy_and_points_cover_users_with_plays() -> None:
    G = nx.Graph([(1, 2), (1, 3), (1, 4), (2, 3)])
    G.add_nodes_from([5, 6])  # 5 has plays but no friends; 6 has neither
    listens = [
        (1, 10, 1), (1, 11, 1), (1, 12, 1),
        (2, 10, 1), (2, 11, 2),
        (3, 10, 5), (3, 11, 1),
        (4, 10, 9),
        (5, 10, 2), (5, 13, 2),
    ]  # fmt: skip

    result = friends_vs_diversity(G, listens)

    assert [(p.user, p.friends, p.distinct_artists) for p in result.points] == [
        (1, 3, 3), (2, 2, 2), (3, 2, 2), (4, 1, 1), (5, 0, 2),
    ]  # fmt: skip
    expected = stats.spearmanr([3, 2, 2, 1, 0], [p.entropy for p in result.points])
    assert result.entropy.rho == pytest.approx(expected.statistic)
    assert result.entropy.p_value == pytest.approx(expected.pvalue)
    assert result.n == result.entropy.n == 5


def test_constant_diversity_has_no_correlation() -> None:
    G = nx.star_graph(3)
    listens = [(u, 10, 1) for u in range(4)]  # everyone: one artist

    result = friends_vs_diversity(G, listens)

    assert result.distinct_artists.rho is None
    assert result.distinct_artists.p_value is None
    assert result.entropy.rho is None
