"""The blend is tuned on at most MAX_TUNING_USERS validation users (a seeded sample)."""

from __future__ import annotations

import numpy as np

from server.recommend.training import (
    MAX_TUNING_CELLS,
    MAX_TUNING_USERS,
    MIN_TUNING_USERS,
    sample_users,
    tuning_user_limit,
)


def test_few_users_are_all_kept() -> None:
    held_out = {u: np.array([u]) for u in range(10)}

    assert sample_users(held_out, 10, seed=0) is held_out


def test_many_users_are_sampled_reproducibly() -> None:
    held_out = {u: np.array([u, u + 1]) for u in range(1000)}

    first = sample_users(held_out, 100, seed=0)
    again = sample_users(held_out, 100, seed=0)

    assert len(first) == 100
    assert list(first) == list(again) == sorted(first)
    assert all(np.array_equal(first[u], held_out[u]) for u in first)
    assert list(sample_users(held_out, 100, seed=1)) != list(first)


def test_the_real_data_is_tuned_on_every_validation_user() -> None:
    assert tuning_user_limit(17_632) == MAX_TUNING_USERS


def test_a_large_catalogue_is_tuned_on_fewer_users() -> None:
    at_100x = tuning_user_limit(327_020)

    assert at_100x * 327_020 <= MAX_TUNING_CELLS
    assert MIN_TUNING_USERS <= at_100x < MAX_TUNING_USERS
    assert tuning_user_limit(10**9) == MIN_TUNING_USERS
