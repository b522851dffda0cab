"""Ranking metrics on hand-made lists whose values are worked out in the comments."""

from __future__ import annotations

import math

import numpy as np
import pytest

from server.recommend.metrics import catalogue_coverage, novelty, user_metrics


def test_ndcg_precision_recall_and_hit_match_hand_computation() -> None:
    # user 0: relevant {7, 9}; list [7, 3, 9]: hits at ranks 1 and 3
    #   DCG = 1/log2(2) + 1/log2(4) = 1.5; IDCG = 1 + 1/log2(3) = 1.6309; NDCG = 0.91975
    # user 1: relevant {1, 2, 4, 5}; list [8, 4, 6]: one hit at rank 2
    #   DCG = 1/log2(3) = 0.63093; IDCG (min(3, 4) = 3 hits) = 1 + 0.63093 + 0.5 = 2.13093
    # user 2: relevant {5}; list [0, 1, 2]: no hit
    top = np.array([[7, 3, 9], [8, 4, 6], [0, 1, 2]])
    relevant = {0: np.array([7, 9]), 1: np.array([1, 2, 4, 5]), 2: np.array([5])}

    got = user_metrics(top, np.array([0, 1, 2]), relevant, k=3)

    assert got.ndcg == pytest.approx([1.5 / (1 + 1 / math.log2(3)), 0.63093 / 2.13093, 0.0], 1e-4)
    assert got.precision == pytest.approx([2 / 3, 1 / 3, 0.0])
    assert got.recall == pytest.approx([2 / 2, 1 / 4, 0.0])
    assert got.hit == pytest.approx([1.0, 1.0, 0.0])


def test_a_perfect_list_has_ndcg_one_and_empty_slots_count_as_misses() -> None:
    top = np.array([[4, 2, -1]])
    relevant = {5: np.array([2, 4])}

    got = user_metrics(top, np.array([5]), relevant, k=3)

    assert got.ndcg[0] == pytest.approx(1.0)
    assert got.precision[0] == pytest.approx(2 / 3)


def test_coverage_counts_distinct_artists_and_ignores_padding() -> None:
    assert catalogue_coverage(np.array([[1, 2, -1], [2, 3, 1]])) == 3


def test_novelty_is_mean_self_information_of_recommended_artists() -> None:
    listeners = np.array([8, 2, 0])  # 8 users: shares 1, 1/4 and (0 counted as 1) 1/8
    top = np.array([[0, 1], [1, 2]])

    # -log2 of 1, 1/4, 1/4, 1/8 = 0, 2, 2, 3 -> mean 1.75
    assert novelty(top, listeners, n_users=8) == pytest.approx(1.75)
