"""The models on the synthetic world: shapes, closed forms, fold-in, genres."""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import numpy.typing as npt
import pytest
import scipy.sparse as sp

from server.recommend.data import Interactions, UserRows
from server.recommend.features import (
    gathered_rows,
    log_plays,
    select_columns,
    sparse_row_product,
    sparse_rows_product,
    user_tag_profiles,
    within_budget,
)
from server.recommend.hybrid import HybridModel, popularity_rank, scale_per_user, top_k
from server.recommend.models import ALS, EASE, ItemKNN, MostPopular
from server.recommend.recommender import dense_columns
from tests.recommend.conftest import genre_of_artist, genre_of_user


def test_ease_solves_its_closed_form(world: Interactions) -> None:
    model = EASE(50.0, min_listeners=1, max_items=10_000)
    model.fit(world)

    x = log_plays(world.plays)[:, model.items].toarray().astype(np.float64)
    p = np.linalg.inv(x.T @ x + 50.0 * np.eye(x.shape[1]))
    expected = np.eye(len(p)) - p / np.diag(p)

    assert np.allclose(model.weights, expected, atol=1e-4)
    assert np.all(np.diag(model.weights) == 0)


def test_ease_keeps_only_artists_with_enough_listeners(world: Interactions) -> None:
    model = EASE(50.0, min_listeners=6, max_items=5)
    model.fit(world)

    listeners = world.listeners()
    assert len(model.items) <= 5
    assert np.all(listeners[model.items] >= 6)
    scores = model.score(UserRows.of(world, [0]))
    outside = np.setdiff1d(np.arange(world.n_artists), model.items)
    assert np.all(scores[0, outside] == 0)


def test_als_fold_in_solves_the_users_normal_equations(world: Interactions) -> None:
    model = ALS(8, 1.0, 2.0, iterations=5)
    model.fit(world)
    rows = UserRows.of(world, [4])

    x = model.user_factors(rows)[0]

    y = model.item_factors.astype(np.float64)
    items = rows.plays.indices
    c = 2.0 * np.log1p(rows.plays.data)
    a = y.T @ y + np.eye(8) + (y[items].T * (c - 1)) @ y[items]
    assert np.allclose(a @ x, y[items].T @ c, atol=1e-8)


@pytest.mark.parametrize(
    "model", [MostPopular(), ItemKNN(20), EASE(50.0, min_listeners=2), ALS(8, 1.0)]
)
def test_baselines_score_every_artist_for_every_row(world: Interactions, model: object) -> None:
    model.fit(world)  # type: ignore[attr-defined]

    scores = model.score(UserRows.of(world, [0, 1, 2]))  # type: ignore[attr-defined]

    assert scores.shape == (3, world.n_artists)
    assert np.isfinite(scores).all()


def test_scaling_zeroes_known_artists_and_tops_each_row_at_one() -> None:
    import scipy.sparse as sp

    scores = np.array([[2.0, 4.0, 1.0], [-1.0, -2.0, 0.0]], dtype=np.float32)
    known = sp.csr_matrix(np.array([[0, 1, 0], [0, 0, 0]], dtype=bool))

    scaled = scale_per_user(scores, known)

    assert scaled[0].tolist() == [1.0, 0.0, 0.5]
    assert scaled[1].tolist() == [-1.0, -2.0, 0.0]  # nothing positive: left alone


def test_top_k_breaks_ties_by_listeners_then_index_and_pads() -> None:
    import scipy.sparse as sp

    scores = np.array([[0.0, 0.5, 0.0, 0.0, 0.5]], dtype=np.float32)
    known = sp.csr_matrix(np.array([[0, 0, 1, 0, 0]], dtype=bool))
    listeners = np.array([1, 3, 9, 5, 3])

    assert top_k(scores, known, 4, listeners).tolist() == [[1, 4, 3, 0]]
    assert top_k(scores, known, 6, listeners).tolist() == [[1, 4, 3, 0, -1, -1]]


def test_hybrid_recommends_inside_the_users_genre(world: Interactions) -> None:
    model = HybridModel()
    model.fit(world)
    users = np.arange(world.n_users)
    rows = UserRows.of(world, users)

    top = top_k(model.score(rows), rows.plays, 3, model.listeners)

    same = [
        genre_of_artist(int(world.artist_ids[a])) == genre_of_user(int(world.user_ids[u]))
        for u in users
        for a in top[u]
    ]
    assert np.mean(same) > 0.9


def test_als_keeps_factors_for_the_most_listened_artists_only(world: Interactions) -> None:
    model = ALS(8, 1.0, iterations=3, max_items=12)
    model.fit(world)

    listeners = world.listeners()
    kept = model.items
    assert len(kept) == 12 == len(model.item_factors)
    assert listeners[kept].min() >= np.delete(listeners, kept).max()
    scores = model.score(UserRows.of(world, [0, 1]))
    assert scores.shape == (2, world.n_artists)
    assert np.all(scores[:, np.delete(np.arange(world.n_artists), kept)] == 0)
    assert np.any(scores[:, kept] != 0)


def test_als_fold_in_ignores_artists_without_factors(world: Interactions) -> None:
    model = ALS(8, 1.0, 2.0, iterations=3, max_items=12)
    model.fit(world)
    rows = UserRows.of(world, [4])

    x = model.user_factors(rows)[0]

    y = model.item_factors.astype(np.float64)
    mine = rows.plays.indices
    on_kept = np.isin(model.items, mine)
    c = 2.0 * np.log1p(rows.plays[:, model.items[on_kept]].toarray()[0])
    yu = y[on_kept]
    a = y.T @ y + np.eye(8) + (yu.T * (c - 1)) @ yu
    assert np.allclose(a @ x, yu.T @ c, atol=1e-8)


def test_a_warm_als_fit_starts_from_the_earlier_factors(world: Interactions) -> None:
    first = ALS(8, 1.0, iterations=4)
    first.fit(world)
    warm = ALS(8, 1.0, iterations=4)

    warm.fit(world, warm_start=first, iterations=0)  # no iteration: the start is the result

    assert np.array_equal(warm.item_factors, first.item_factors)


def test_a_warm_als_fit_gives_new_artists_small_random_factors(world: Interactions) -> None:
    first = ALS(8, 1.0, iterations=4, max_items=12)
    first.fit(world)
    warm = ALS(8, 1.0, iterations=4, max_items=20)

    warm.fit(world, warm_start=first, iterations=0)

    shared = np.isin(warm.items, first.items)
    assert np.array_equal(warm.item_factors[shared], first.item_factors)
    assert np.all((warm.item_factors[~shared] >= 0) & (warm.item_factors[~shared] < 0.01))


def test_a_warm_start_with_other_factors_is_ignored(world: Interactions) -> None:
    first = ALS(4, 1.0, iterations=2)
    first.fit(world)

    assert first.start_factors(first.items, np.arange(world.n_users), 8, seed=0) is None


def test_a_warm_start_matches_rows_by_user_and_tag(world: Interactions) -> None:
    first = ALS(4, 1.0, iterations=2, tag_weight=10.0)
    first.fit(world)
    rows = np.array([3, 0, world.n_users + 10_000])  # a user, another, an unknown tag row

    start = first.start_factors(first.items, rows, 4, seed=0)

    assert start is not None
    users, items = start
    fitted = first._fit_user_factors
    assert fitted is not None
    assert np.array_equal(users[0], fitted[3])
    assert np.array_equal(users[1], fitted[0])
    assert np.all((users[2] >= 0) & (users[2] < 0.01))
    assert np.array_equal(items, first.item_factors)


def test_als_leaves_out_tags_on_fewer_than_two_artists(world: Interactions) -> None:
    model = ALS(4, 1.0, iterations=2, tag_weight=10.0)
    model.fit(world)

    tags_per_artist = world.artist_tag_counts()
    artists_per_tag = np.diff(sp.csr_matrix(tags_per_artist.T).indptr)
    kept_tags = model._fit_rows[model._fit_rows >= world.n_users] - world.n_users
    assert sorted(kept_tags.tolist()) == np.flatnonzero(artists_per_tag >= 2).tolist()
    assert np.array_equal(model._fit_rows[: world.n_users], np.arange(world.n_users))


def test_top_k_takes_tied_places_by_listeners_without_sorting_every_tie() -> None:
    import scipy.sparse as sp

    rng = np.random.default_rng(3)
    scores = np.zeros((2, 3000), dtype=np.float32)
    scores[0, [5, 900]] = [0.4, 0.2]  # two scored, then 2,998 ties at 0
    listeners = rng.integers(0, 50, size=3000)
    known = sp.csr_matrix((2, 3000), dtype=bool)

    top = top_k(scores, known, 6, listeners, rank=popularity_rank(listeners))

    by_popularity = np.lexsort((np.arange(3000), -listeners))
    assert top[0].tolist() == [5, 900, *[a for a in by_popularity if a not in (5, 900)][:4]]
    assert top[1].tolist() == by_popularity[:6].tolist()
    assert np.array_equal(top, top_k(scores, known, 6, listeners))  # rank computed if missing


def test_social_weights_are_the_floor_plus_the_cosine_with_each_friend(
    world: Interactions,
) -> None:
    model = HybridModel()
    model.fit(world, components=())
    rows = UserRows.of(world, [0, 7])

    weights = model.social_weights(log_plays(rows.plays), rows.friends).toarray()

    vectors = model.user_vectors.toarray()
    for row, user in enumerate([0, 7]):
        friends = rows.friends[row].indices
        assert np.flatnonzero(weights[row]).tolist() == sorted(friends.tolist())
        expected = model.params.social_floor + vectors[friends] @ vectors[user]
        assert np.allclose(weights[row, friends], expected, atol=1e-6)


def test_a_tag_profile_keeps_its_strongest_tags_within_the_budget() -> None:
    profiles = sp.csr_matrix(
        np.array([[0.5, 0.9, 0.1, 0.3], [0.2, 0.0, 0.0, 0.1]], dtype=np.float32)
    )
    costs = np.array([10, 50, 1, 30], dtype=np.int64)

    trimmed = within_budget(profiles, costs, budget=62).toarray()

    # row 0 costs 91: tags by strength 1 (50), 0 (10) fit, then 3 (30) does not;
    # the walk stops there, so the cheap weakest tag 2 goes too
    assert trimmed[0].tolist() == pytest.approx([0.5, 0.9, 0.0, 0.0])
    assert trimmed[1].tolist() == pytest.approx([0.2, 0.0, 0.0, 0.1])  # 40: within
    assert within_budget(profiles, costs, budget=100) is profiles
    assert within_budget(profiles, costs, budget=1).toarray()[0].tolist() == pytest.approx(
        [0.0, 0.9, 0.0, 0.0]
    )  # the strongest tag is always kept


def test_the_gathered_row_product_equals_scipys() -> None:
    left = sp.random(4, 50, density=0.1, format="csr", random_state=1, dtype=np.float32)
    right = sp.random(50, 300, density=0.05, format="csr", random_state=2, dtype=np.float32)

    got = sparse_rows_product(left, right)

    assert got.shape == (4, 300)
    assert got.dtype == np.float32
    assert np.allclose(got, (left @ right).toarray(), atol=1e-6)
    empty = sp.csr_matrix((2, 50), dtype=np.float32)
    assert not sparse_rows_product(empty, right).any()


def _within_budget_by_full_sort(
    profiles: sp.csr_matrix, costs: npt.NDArray[np.int64], budget: int
) -> npt.NDArray[np.float32]:
    """The budget cut as first written: every row's entries sorted."""
    m = sp.csr_matrix(profiles, copy=True)
    m.sort_indices()
    out = np.zeros(m.shape, dtype=np.float32)
    for row in range(m.shape[0]):
        lo, hi = m.indptr[row], m.indptr[row + 1]
        order = np.argsort(-m.data[lo:hi], kind="stable")
        total = np.cumsum(costs[m.indices[lo:hi][order]])
        kept = order[: max(int(np.searchsorted(total, budget, side="right")), 1)]
        out[row, m.indices[lo:hi][kept]] = m.data[lo:hi][kept]
    return out


@pytest.mark.parametrize("shuffled", [False, True])
@pytest.mark.parametrize("budget", [1, 500, 5_000, 60_000, 10**9])
def test_the_budget_cut_sorts_only_the_head_yet_keeps_what_a_full_sort_keeps(
    budget: int, shuffled: bool
) -> None:
    rng = np.random.default_rng(3)
    # 3,000 tags a row, strengths with many ties (rounded), costs 1-40 artists
    dense = np.round(rng.random((3, 3000)), 2).astype(np.float32)
    dense[dense < 0.3] = 0
    profiles = sp.csr_matrix(dense)
    if shuffled:  # a product's rows come out unsorted
        for row in range(3):
            lo, hi = profiles.indptr[row], profiles.indptr[row + 1]
            order = lo + rng.permutation(hi - lo)
            profiles.indices[lo:hi] = profiles.indices[order]
            profiles.data[lo:hi] = profiles.data[order]
        profiles.has_sorted_indices = False
    costs = rng.integers(1, 40, size=3000).astype(np.int64)
    expected = _within_budget_by_full_sort(profiles, costs, budget)

    got = within_budget(profiles, costs, budget)

    assert np.array_equal(got.toarray(), expected)
    assert all(np.all(np.diff(got.indices[lo:hi]) > 0) for lo, hi in pairwise(got.indptr))


def test_the_one_row_product_is_the_rows_product_before_its_cast() -> None:
    left = sp.random(1, 50, density=0.2, format="csr", random_state=1, dtype=np.float32)
    right = sp.random(50, 300, density=0.05, format="csr", random_state=2, dtype=np.float32)

    got = sparse_row_product(left, right)

    assert got.dtype == np.float64
    assert np.array_equal(got.astype(np.float32), sparse_rows_product(left, right)[0])


@pytest.mark.parametrize("shuffled", [False, True])
def test_selected_columns_are_scipys_column_indexing(shuffled: bool) -> None:
    matrix = sp.random(5, 400, density=0.05, format="csr", random_state=4, dtype=np.float32)
    if shuffled:
        rng = np.random.default_rng(4)
        for lo, hi in pairwise(matrix.indptr):
            order = lo + rng.permutation(hi - lo)
            matrix.indices[lo:hi] = matrix.indices[order]
            matrix.data[lo:hi] = matrix.data[order]
        matrix.has_sorted_indices = False
    columns = np.sort(np.random.default_rng(5).choice(400, size=90, replace=False))

    got = select_columns(matrix, columns)
    expected = sp.csr_matrix(matrix[:, columns])

    assert got.shape == expected.shape
    assert np.array_equal(got.indptr, expected.indptr)
    assert np.array_equal(got.indices, expected.indices)
    assert np.array_equal(got.data, expected.data)
    assert select_columns(matrix, np.zeros(0, dtype=np.int64)).shape == (5, 0)


@pytest.mark.parametrize("size", [0, 1, 25])
def test_dense_columns_are_scipys_in_the_given_order(size: int) -> None:
    matrix = sp.random(6, 300, density=0.1, format="csr", random_state=8, dtype=np.float32)
    columns = np.random.default_rng(8).choice(300, size=size, replace=False)  # unsorted

    got = dense_columns(matrix, columns)

    assert got.dtype == np.float32
    assert np.array_equal(got, matrix[:, columns].toarray())


@pytest.mark.parametrize("count", [0, 7, 2000])
def test_gathered_rows_are_scipys_row_indexing(count: int) -> None:
    matrix = sp.random(300, 50, density=0.1, format="csr", random_state=6, dtype=np.float32)
    rows = np.random.default_rng(6).integers(0, 300, size=count)  # repeats included

    lengths, columns, values = gathered_rows(matrix, rows)

    expected = sp.csr_matrix(matrix[rows]) if count else sp.csr_matrix((0, 50))
    assert np.array_equal(lengths, np.diff(expected.indptr))
    assert np.array_equal(columns, expected.indices)
    assert np.array_equal(values, expected.data)


def test_the_users_own_tags_count_against_the_tag_budget() -> None:
    """Own tags are added to the listening profile and the sum is kept within the budget
    (they used to be added after it, unbounded); within the budget nothing changes."""
    tag_vectors = sp.csr_matrix(
        np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]], dtype=np.float32)
    )
    log_rows = sp.csr_matrix(np.array([[1.0, 0.0, 0.0]], dtype=np.float32))  # listens: tag 0
    own_tags = sp.csr_matrix(np.array([[0.0, 3.0, 1.0]], dtype=np.float32))  # tagged: 1 and 2
    idf = np.ones(3, dtype=np.float32)
    costs = np.array([10, 1_000, 5], dtype=np.int64)  # artists per tag

    def profile(budget: int | None) -> sp.csr_matrix:
        return user_tag_profiles(
            log_rows, own_tags, tag_vectors, idf, own_weight=0.5, tag_costs=costs, budget=budget
        )

    whole = profile(None)
    assert np.count_nonzero(whole.toarray()) == 3
    roomy = profile(1_015)
    assert np.array_equal(roomy.toarray(), whole.toarray())
    # by weight: tag 0 (listened, cost 10), tag 1 (tagged 3 times, 1,000), tag 2 (5); the
    # strongest are kept while the budget lasts
    for budget, expected in ((1_010, [0, 1]), (20, [0])):
        tight = profile(budget)
        kept = np.flatnonzero(tight.toarray()[0])
        assert kept.tolist() == expected
        assert int(costs[kept].sum()) <= budget
        assert np.linalg.norm(tight.toarray()[0]) == pytest.approx(1.0)
