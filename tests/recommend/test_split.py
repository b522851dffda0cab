"""The per-user hold-out never leaks a held-out artist (or its tags) into training."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from server.recommend.data import Interactions
from server.recommend.split import holdout_split


def pairs(matrix: sp.csr_matrix) -> set[tuple[int, int]]:
    rows, cols = matrix.nonzero()
    return set(zip(rows.tolist(), cols.tolist(), strict=True))


def test_held_out_artists_are_not_in_training(world: Interactions) -> None:
    split = holdout_split(world, seed=3)

    train = pairs(split.train.plays)
    held = {(u, int(a)) for u, artists in split.held_out.items() for a in artists}

    assert held
    assert not train & held
    assert train | held == pairs(world.plays)


def test_a_fifth_of_each_eligible_users_artists_is_held_out(world: Interactions) -> None:
    split = holdout_split(world, seed=3, min_artists=5)

    for user, artists in split.held_out.items():
        n = world.plays[user].nnz
        assert len(artists) == max(1, round(0.2 * n))
    assert len(split.held_out) == world.n_users  # everybody here has 7 artists


def test_users_with_few_artists_keep_them_all(world: Interactions) -> None:
    split = holdout_split(world, seed=3, min_artists=8)

    assert split.held_out == {}
    assert pairs(split.train.plays) == pairs(world.plays)


def test_tag_assignments_on_held_out_pairs_leave_training(world: Interactions) -> None:
    split = holdout_split(world, seed=5)
    held = {(u, int(a)) for u, artists in split.held_out.items() for a in artists}

    kept = {(int(u), int(a)) for u, a, _t in split.train.tagging}
    dropped = [row for row in world.tagging.tolist() if (row[0], row[1]) in held]

    assert not kept & held
    assert len(split.train.tagging) == len(world.tagging) - len(dropped)


def test_the_split_depends_on_the_seed_only(world: Interactions) -> None:
    a, b, c = (holdout_split(world, seed=s) for s in (1, 1, 2))

    assert all(np.array_equal(a.held_out[u], b.held_out[u]) for u in a.held_out)
    assert any(not np.array_equal(a.held_out[u], c.held_out[u]) for u in a.held_out)
