"""Blend tuning on a validation split, and the evaluation harness, on the synthetic world."""

from __future__ import annotations

import numpy as np
import pytest

import server.recommend.training as training
from server.recommend.data import Interactions, UserRows
from server.recommend.evaluation import MODELS, evaluate_models
from server.recommend.hybrid import BlendWeights, HybridModel, top_k
from server.recommend.metrics import catalogue_coverage, user_metrics
from server.recommend.split import holdout_split
from server.recommend.training import train_hybrid
from server.recommend.tuning import collect_candidates, evaluate_blend, top_positive, tune_blend


def test_candidate_ndcg_equals_the_full_ranking_ndcg(world: Interactions) -> None:
    split = holdout_split(world, seed=11)
    model = HybridModel()
    model.fit(split.train)
    weights = BlendWeights(ease=1.0, als=0.5, knn=0.3, social=0.2, tags=0.1)
    model.weights = weights

    candidates = collect_candidates(model, split.train, split.held_out, per_component=40)
    trial = evaluate_blend(candidates, weights)

    rows = UserRows.of(split.train, split.users)
    top = top_k(model.score(rows), rows.plays, 10, model.listeners)
    full = user_metrics(top, split.users, split.held_out, 10)
    # equal up to the order of ties (the full ranking breaks them by listeners)
    assert abs(trial.ndcg - float(full.ndcg.mean())) < 0.01
    assert abs(trial.coverage - catalogue_coverage(top)) <= 2


def test_tuning_never_ends_below_where_it_started(world: Interactions) -> None:
    split = holdout_split(world, seed=11)
    model = HybridModel()
    model.fit(split.train)
    candidates = collect_candidates(model, split.train, split.held_out)
    start = BlendWeights(ease=1.0, als=0.0, knn=0.0, social=0.0, tags=0.0, popularity_penalty=0.0)

    result = tune_blend(candidates, start=start)

    assert result.ndcg >= evaluate_blend(candidates, start).ndcg
    assert len(result.trials) > 5


def test_a_coverage_floor_wins_over_ndcg_when_reachable(world: Interactions) -> None:
    split = holdout_split(world, seed=11)
    model = HybridModel()
    model.fit(split.train)
    candidates = collect_candidates(model, split.train, split.held_out)
    free = tune_blend(candidates)

    floor = free.coverage + 1
    constrained = tune_blend(candidates, min_coverage=floor)

    reachable = any(t.coverage >= floor for t in constrained.trials)
    assert constrained.coverage >= floor or not reachable


def test_train_tunes_only_with_enough_users(
    world: Interactions, monkeypatch: pytest.MonkeyPatch
) -> None:
    _model, small = train_hybrid(world)  # 60 users: below the threshold
    assert not small.tuned
    assert small.weights == BlendWeights()

    monkeypatch.setattr(training, "MIN_TUNING_USERS", 10)
    _model, tuned = train_hybrid(world)

    assert tuned.tuned
    assert tuned.validation_ndcg is not None
    assert 0 < tuned.validation_ndcg <= 1


def test_evaluation_runs_every_model_on_every_seed(world: Interactions) -> None:
    report = evaluate_models(world, seeds=(0, 1), tune=False)

    summary = report.summary()
    assert list(summary) == list(MODELS)
    assert len(report.runs) == 2 * len(MODELS)
    for values in summary.values():
        assert 0 <= values["ndcg"][0] <= 1
        assert values["coverage"][0] >= 1
    # the structure of this world is easy to learn: everything beats popularity
    assert summary["hybrid"]["ndcg"][0] > summary["popular"]["ndcg"][0]
    table = report.markdown()
    assert table.count("\n") == len(MODELS) + 1
    assert "| hybrid |" in table
    assert "±" in table


def test_top_positive_skips_known_and_non_positive_scores() -> None:
    scores = np.array(
        [[0.0, 0.9, 0.0, 0.5, -1.0, 0.7], [0.0, 0.0, 0.0, 0.0, 0.0, 0.2]], dtype=np.float32
    )
    known = np.array([[0, 1, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0]], dtype=bool)

    top = top_positive(scores, known, 2)

    assert sorted(top[0].tolist()) == [3, 5]  # 0.9 is known
    assert sorted(top[1].tolist()) == [-1, 5]  # one positive score only


def test_top_positive_finds_the_best_among_many_ties() -> None:
    scores = np.zeros((3, 5000), dtype=np.float32)
    scores[:, 4321] = 0.5
    scores[:, 17] = 0.25

    top = top_positive(scores, np.zeros(scores.shape, dtype=bool), 100)

    assert top.shape == (3, 100)
    for row in top:
        assert sorted(row[row >= 0].tolist()) == [17, 4321]


def test_candidates_include_the_most_listened_artists(world: Interactions) -> None:
    split = holdout_split(world, seed=11)
    model = HybridModel()
    model.fit(split.train)

    candidates = collect_candidates(model, split.train, split.held_out, per_component=5)

    popular = set(np.argsort(-model.listeners, kind="stable")[:5].tolist())
    for row, user in enumerate(split.users):
        known = set(split.train.plays[int(user)].indices.tolist())
        found = set(candidates.items[row][candidates.items[row] >= 0].tolist())
        assert popular - known <= found
        assert not found & known


def test_top_positive_agrees_with_a_full_sort() -> None:
    rng = np.random.default_rng(4)
    scores = rng.random((6, 400)).astype(np.float32)
    scores[scores < 0.9] = 0.0  # ~40 positive per row, the rest ties at zero
    scores[2] = 0.0
    scores[2, [7, 300]] = [0.5, 0.25]
    known = rng.random((6, 400)) < 0.05

    for count in (5, 60):
        top = top_positive(scores, known, count)
        for row in range(6):
            allowed = np.flatnonzero((scores[row] > 0) & ~known[row])
            best = allowed[np.argsort(-scores[row, allowed], kind="stable")][:count]
            assert sorted(top[row][top[row] >= 0].tolist()) == sorted(best.tolist())
