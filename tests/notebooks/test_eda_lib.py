"""The notebook's arithmetic against values worked out by hand (or by a textbook formula)."""

from __future__ import annotations

import doctest
import math

import eda_lib
import numpy as np
import pandas as pd
import pytest
from eda_lib import (
    LognormalFit,
    PowerLawFit,
    ccdf,
    characteristic_terms,
    compare_power_law_lognormal,
    entropy_by_group,
    fit_lognormal,
    fit_power_law,
    gini,
    kmeans,
    lorenz_curve,
    partial_spearman,
    power_law_alpha,
    power_law_ccdf,
    shannon_entropy,
    silhouette,
    taste_profiles,
    tfidf,
    top_share,
    truncated_svd,
)
from scipy import stats


def pareto_sample(alpha: float, xmin: float, n: int, seed: int) -> np.ndarray:
    """Inverse-CDF draws from a continuous power law: x = xmin · u^(−1/(α−1))."""
    u = np.random.default_rng(seed).random(n)
    return xmin * (1.0 - u) ** (-1.0 / (alpha - 1.0))


def test_docstring_examples_hold() -> None:
    result = doctest.testmod(eda_lib)
    assert result.attempted >= 10
    assert result.failed == 0


# --------------------------------------------------------------------------- concentration


def test_gini_of_equal_values_is_zero() -> None:
    assert gini([5, 5, 5, 5]) == 0.0


def test_gini_of_one_holder_is_n_minus_one_over_n() -> None:
    assert gini([0, 0, 0, 4]) == pytest.approx(0.75)


def test_gini_ignores_order() -> None:
    # 2·(1·1 + 2·2 + 3·3)/(3·6) − 4/3 = 28/18 − 24/18 = 2/9
    assert gini([3, 1, 2]) == pytest.approx(2 / 9)


def test_gini_of_nothing_is_zero() -> None:
    assert gini([]) == 0.0
    assert gini([0, 0]) == 0.0


def test_gini_refuses_negative_values() -> None:
    with pytest.raises(ValueError, match="non-negative"):
        gini([1, -1])


def test_lorenz_curve_runs_from_origin_to_one() -> None:
    population, share = lorenz_curve([3, 1])
    assert population.tolist() == [0.0, 0.5, 1.0]
    assert share.tolist() == [0.0, 0.25, 1.0]


def test_lorenz_curve_of_no_plays_is_the_diagonal() -> None:
    population, share = lorenz_curve([0, 0])
    assert share.tolist() == population.tolist() == [0.0, 0.5, 1.0]


def test_top_share_takes_the_ceiling_of_the_fraction() -> None:
    values = [1, 1, 1, 7]
    assert top_share(values, 0.01) == pytest.approx(0.7)  # ceil(0.04) = 1 value
    assert top_share(values, 0.25) == pytest.approx(0.7)
    assert top_share(values, 0.5) == pytest.approx(0.8)


def test_top_ten_percent_of_one_to_a_hundred() -> None:
    # (91 + ... + 100) / (1 + ... + 100) = 955 / 5050
    assert top_share(range(1, 101), 0.1) == pytest.approx(955 / 5050)


def test_top_share_refuses_a_fraction_outside_zero_one() -> None:
    with pytest.raises(ValueError, match="fraction"):
        top_share([1, 2], 0.0)


def test_ccdf_gives_the_share_at_or_above_each_value() -> None:
    x, p = ccdf([4, 1, 2, 1])
    assert x.tolist() == [1.0, 2.0, 4.0]
    assert p.tolist() == [1.0, 0.5, 0.25]


# --------------------------------------------------------------------------- power law


def test_power_law_alpha_is_the_mle() -> None:
    # 1 + 3 / (ln 1 + ln 2 + ln 4) = 1 + 1 / ln 2
    assert power_law_alpha([1, 2, 4], 1) == pytest.approx(1 + 1 / math.log(2))


def test_power_law_alpha_refuses_values_below_xmin() -> None:
    with pytest.raises(ValueError, match="xmin"):
        power_law_alpha([1, 2], 1.5)


def test_fit_on_two_values_by_hand() -> None:
    # x_min = 1: α = 1 + 2/(ln 1 + ln e) = 3; F(e) = 1 − e^−2; KS = max(0.5, 1 − F(e),
    # F(e) − 0.5) = 0.5 (at x = 1, where the fit has 0 and the data 1/2).
    fit = fit_power_law([1.0, math.e], min_tail=2)
    assert fit == PowerLawFit(alpha=pytest.approx(3.0), xmin=1.0, ks=0.5, n_tail=2, n=2)


def test_fit_recovers_a_known_exponent() -> None:
    fit = fit_power_law(pareto_sample(2.5, 1.0, 5_000, seed=1))
    assert fit.alpha == pytest.approx(2.5, abs=0.1)
    assert fit.xmin < 2.0
    assert fit.ks < 0.03


def test_fit_finds_where_the_tail_starts() -> None:
    # A uniform body on [1, 50) below a power law from 100 on: x_min is the tail's start.
    rng = np.random.default_rng(2)
    body = rng.uniform(1, 50, 5_000)
    tail = pareto_sample(2.0, 100.0, 5_000, seed=3)
    fit = fit_power_law(np.concatenate([body, tail]))
    assert 100 <= fit.xmin <= 130
    assert fit.alpha == pytest.approx(2.0, abs=0.1)
    assert fit.tail_fraction == pytest.approx(0.5, abs=0.06)


def test_alpha_stderr() -> None:
    fit = PowerLawFit(alpha=2.0, xmin=1.0, ks=0.0, n_tail=100, n=200)
    assert fit.alpha_stderr == pytest.approx(0.1)


def test_fit_needs_enough_values() -> None:
    with pytest.raises(ValueError, match="at least 50"):
        fit_power_law([1, 2, 3])


def test_power_law_ccdf_at_xmin_is_one() -> None:
    fit = PowerLawFit(alpha=3.0, xmin=2.0, ks=0.0, n_tail=1, n=1)
    assert power_law_ccdf([2.0, 4.0], fit).tolist() == [1.0, 0.25]


def test_untruncated_lognormal_logpdf_is_scipys() -> None:
    fit = LognormalFit(mu=1.0, sigma=0.5, xmin=1e-12)
    x = np.array([0.5, 2.0, 7.0])
    expected = stats.lognorm.logpdf(x, s=0.5, scale=math.e)
    assert fit.logpdf(x) == pytest.approx(expected)


def test_truncated_lognormal_ccdf_is_the_conditional_survival() -> None:
    # ln X ~ N(0, 1) above x_min = 1 (the median): P(X ≥ e | X ≥ 1) = 2·P(Z ≥ 1).
    fit = LognormalFit(mu=0.0, sigma=1.0, xmin=1.0)
    assert fit.ccdf([1.0, math.e]).tolist() == pytest.approx([1.0, 2 * stats.norm.sf(1.0)])


def test_truncated_lognormal_fit_recovers_its_parameters() -> None:
    x = np.random.default_rng(4).lognormal(mean=0.0, sigma=1.0, size=40_000)
    tail = x[x >= 1.0]  # the upper half
    fit = fit_lognormal(tail, 1.0)
    assert fit.mu == pytest.approx(0.0, abs=0.1)
    assert fit.sigma == pytest.approx(1.0, abs=0.06)


def test_likelihood_ratio_prefers_the_lognormal_on_lognormal_data() -> None:
    x = np.random.default_rng(5).lognormal(mean=0.0, sigma=1.0, size=20_000)
    tail = x[x >= 1.0]
    fit = PowerLawFit(
        alpha=power_law_alpha(tail, 1.0), xmin=1.0, ks=0.0, n_tail=tail.size, n=x.size
    )
    comparison = compare_power_law_lognormal(x, fit)
    assert comparison.ratio < 0
    assert comparison.p_value < 0.01
    assert comparison.favours == "lognormal"
    assert comparison.conclusion().startswith("the lognormal fits significantly better")


def test_likelihood_ratio_does_not_reject_a_true_power_law() -> None:
    x = pareto_sample(2.5, 1.0, 5_000, seed=6)
    fit = PowerLawFit(alpha=power_law_alpha(x, 1.0), xmin=1.0, ks=0.0, n_tail=x.size, n=x.size)
    comparison = compare_power_law_lognormal(x, fit)
    # A lognormal can mimic a power law (mu → −∞), so "not worse" is all one can ask.
    assert comparison.ratio > 0 or comparison.p_value > 0.1


# --------------------------------------------------------------------------- diversity


@pytest.mark.parametrize(
    ("weights", "expected"),
    [
        ([1, 1], math.log(2)),
        ([1, 1, 1, 1], math.log(4)),
        ([3, 1], -(0.75 * math.log(0.75) + 0.25 * math.log(0.25))),
        ([0, 2, 2], math.log(2)),
        ([5], 0.0),
        ([], 0.0),
    ],
)
def test_shannon_entropy_in_nats(weights: list[int], expected: float) -> None:
    assert shannon_entropy(weights) == pytest.approx(expected)


def test_entropy_by_group_matches_each_group_alone() -> None:
    result = entropy_by_group([2, 1, 2, 1, 2, 3], [1, 1, 1, 1, 1, 7])
    assert result.index.tolist() == [1, 2, 3]
    assert result.tolist() == pytest.approx([math.log(2), math.log(3), 0.0])


def test_partial_spearman_by_hand() -> None:
    # rho(x, y) = 0.8, rho(x, z) = 0.8, rho(y, z) = 0.4 (1 − 6Σd²/(n(n²−1)), n = 4);
    # (0.8 − 0.8·0.4) / √((1 − 0.64)(1 − 0.16)) = 0.48 / √0.3024
    x, y, z = [1, 2, 3, 4], [1, 3, 2, 4], [1, 2, 4, 3]
    assert partial_spearman(x, y, z) == pytest.approx(0.48 / math.sqrt(0.3024))


def test_partial_spearman_refuses_a_control_equal_to_x() -> None:
    with pytest.raises(ValueError, match="monotone"):
        partial_spearman([1, 2, 3], [3, 1, 2], [10, 20, 30])


# --------------------------------------------------------------------------- taste clusters


def test_taste_profiles_spread_play_shares_over_tag_shares() -> None:
    listens = pd.DataFrame(
        {"user": [1, 1, 2, 3], "artist": [10, 20, 20, 30], "weight": [3, 1, 2, 5]}
    )
    artist_tags = pd.DataFrame(
        {"artist": [10, 10, 20], "tag": ["rock", "pop", "pop"], "count": [2, 2, 1]}
    )
    profiles = taste_profiles(listens, artist_tags)
    assert profiles.index.tolist() == [1, 2, 3]
    # user 1: rock 0.75·0.5; pop 0.75·0.5 + 0.25·1. user 3's only artist has no tag.
    assert profiles.loc[1, ["pop", "rock"]].tolist() == pytest.approx([0.625, 0.375])
    assert profiles.loc[2, ["pop", "rock"]].tolist() == pytest.approx([1.0, 0.0])
    assert profiles.loc[3].tolist() == [0.0, 0.0]


def test_tfidf_by_hand() -> None:
    # n = 3, df = (2, 1): idf = ln(4/3) + 1 and ln(4/2) + 1; row 2 is tf (0.5, 0.5) · idf
    # made unit length; row 1 has one term, so it is (1, 0) whatever its idf.
    result = tfidf([[1, 0], [1, 1], [0, 0]])
    idf = (math.log(4 / 3) + 1, math.log(2) + 1)
    norm = math.hypot(0.5 * idf[0], 0.5 * idf[1])
    assert result[0].tolist() == [1.0, 0.0]
    assert result[1].tolist() == pytest.approx([0.5 * idf[0] / norm, 0.5 * idf[1] / norm])
    assert result[2].tolist() == [0.0, 0.0]


def test_tfidf_refuses_negative_weights() -> None:
    with pytest.raises(ValueError, match="non-negative"):
        tfidf([[1, -1]])


def test_truncated_svd_keeps_the_largest_direction() -> None:
    coordinates, explained = truncated_svd([[3, 0], [0, 4]], 1)
    assert coordinates[:, 0].tolist() == pytest.approx([0.0, 4.0])
    assert explained.tolist() == pytest.approx([16 / 25])


def test_kmeans_separates_two_blobs_largest_first() -> None:
    points = [[0, 0], [0, 1], [10, 10], [10, 11], [10, 12]]
    result = kmeans(points, 2, seed=0, n_init=3)
    assert result.labels.tolist() == [1, 1, 0, 0, 0]
    assert result.centroids.ravel().tolist() == pytest.approx([10, 11, 0, 0.5])
    assert result.inertia == pytest.approx(2.5)  # (1 + 0 + 1) + (0.25 + 0.25)
    assert result.sizes == [3, 2]


def test_kmeans_is_deterministic_for_a_seed() -> None:
    points = np.random.default_rng(7).normal(size=(200, 3))
    first, second = kmeans(points, 4, seed=3), kmeans(points, 4, seed=3)
    assert first.labels.tolist() == second.labels.tolist()
    assert first.inertia == second.inertia


def test_silhouette_by_hand() -> None:
    # Each point: a = 1; b = 10.5 or 9.5: s = 1 − 1/10.5 or 1 − 1/9.5.
    score = silhouette([[0], [1], [10], [11]], [0, 0, 1, 1])
    assert score == pytest.approx(((1 - 1 / 10.5) + (1 - 1 / 9.5)) / 2)


def test_a_point_alone_in_its_cluster_scores_zero() -> None:
    # (1 − 1/10) + (1 − 1/9) + 0, over 3 points.
    score = silhouette([[0], [1], [10]], [0, 0, 1])
    assert score == pytest.approx((0.9 + 8 / 9) / 3)


def test_characteristic_terms_are_the_centroids_largest() -> None:
    terms = characteristic_terms([[1, 0, 0.5], [0, 1, 0]], [0, 1], ["a", "b", "c"], n=2)
    assert terms == {0: ["a", "c"], 1: ["b"]}
