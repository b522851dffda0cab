"""The offline evaluation: every model on the same splits, side by side.

Protocol, per seed:

1. `holdout_split` of the whole data (seed ``s``): 20 % of each user's artists (users with at
   least 5) become the test set; their tag assignments leave training too.
2. Hyper-parameters are chosen on a second split *of the training part* (seed
   ``VALIDATION_SEED_OFFSET + s``): fit on its training part, measure NDCG@10 on its
   held-out part. The test set is never looked at until step 3.
3. Each model is refitted on the whole training part with its chosen hyper-parameters and
   ranks, for every test user, all artists the user has no training listen of; the top 10
   are scored against the held-out artists (`server.recommend.metrics`).

Tuned per seed: item-kNN's neighbours, EASE's λ, ALS's factors/regularisation/α (coordinate
search over small grids), the hybrid's blend weights (`server.recommend.tuning`). The rows
``cf``, ``social`` and ``tags`` are the hybrid's own parts (its strategies), shown to say what
each signal is worth alone.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from server.recommend.data import Interactions, UserRows
from server.recommend.hybrid import HybridModel, top_k
from server.recommend.metrics import catalogue_coverage, novelty, user_metrics
from server.recommend.models import ALS, EASE, ItemKNN, MostPopular, Scorer
from server.recommend.split import HoldoutSplit, holdout_split
from server.recommend.strategy import Strategy
from server.recommend.training import Progress, silent, train_hybrid

K = 10
VALIDATION_SEED_OFFSET = 10_000
BATCH_USERS = 256
BASELINES: tuple[str, ...] = ("popular", "item-knn", "ease", "als")
HYBRID_PARTS: tuple[str, ...] = ("cf", "social", "tags")
MODELS: tuple[str, ...] = (*BASELINES, "hybrid", *HYBRID_PARTS)
METRICS: tuple[str, ...] = (
    "precision",
    "recall",
    "ndcg",
    "hit_rate",
    "coverage",
    "novelty",
)
HEADERS: dict[str, str] = {
    "precision": "P@10",
    "recall": "R@10",
    "ndcg": "NDCG@10",
    "hit_rate": "HR@10",
    "coverage": "coverage",
    "novelty": "novelty (bits)",
}

KNN_GRID: tuple[int, ...] = (50, 100, 200, 400, 1000, 3000)
EASE_GRID: tuple[float, ...] = (500.0, 1000.0, 2000.0, 4000.0, 8000.0)
ALS_GRID: dict[str, tuple[float, ...]] = {
    "factors": (32, 64, 128, 256),
    "regularization": (3.0, 10.0, 30.0, 100.0),
    "alpha": (0.5, 1.0, 2.0, 4.0),
}
ALS_START: dict[str, float] = {"factors": 64, "regularization": 30.0, "alpha": 1.0}
DEFAULT_PARAMS: dict[str, dict[str, float]] = {
    "item-knn": {"neighbours": 200},
    "ease": {"regularization": 2000.0},
    "als": dict(ALS_START),
}


@dataclass(slots=True)
class Run:
    """One model on one seed."""

    model: str
    seed: int
    metrics: dict[str, float]
    params: dict[str, Any]
    fit_seconds: float


@dataclass(slots=True)
class EvaluationReport:
    seeds: list[int]
    users: dict[int, int]
    runs: list[Run] = field(default_factory=list)
    tuned: bool = True

    def summary(self) -> dict[str, dict[str, tuple[float, float]]]:
        """``{model: {metric: (mean, std)}}`` over seeds (sample std; 0 for one seed)."""
        out: dict[str, dict[str, tuple[float, float]]] = {}
        for name in dict.fromkeys(run.model for run in self.runs):
            runs = [run for run in self.runs if run.model == name]
            out[name] = {}
            for metric in METRICS:
                values = np.array([run.metrics[metric] for run in runs], dtype=np.float64)
                std = float(values.std(ddof=1)) if len(values) > 1 else 0.0
                out[name][metric] = (float(values.mean()), std)
        return out

    def markdown(self) -> str:
        """The table: one row per model, mean ± std over seeds."""
        summary = self.summary()
        header = "| model | " + " | ".join(HEADERS[m] for m in METRICS) + " |"
        rule = "|---|" + "---:|" * len(METRICS)
        lines = [header, rule]
        for name, values in summary.items():
            cells = [_cell(metric, *values[metric]) for metric in METRICS]
            lines.append(f"| {name} | " + " | ".join(cells) + " |")
        return "\n".join(lines)

    def as_dict(self) -> dict[str, Any]:
        return {
            "seeds": self.seeds,
            "k": K,
            "tuned": self.tuned,
            "test_users": {str(k): v for k, v in self.users.items()},
            "summary": {
                model: {m: {"mean": mean, "std": std} for m, (mean, std) in values.items()}
                for model, values in self.summary().items()
            },
            "runs": [
                {
                    "model": run.model,
                    "seed": run.seed,
                    "metrics": run.metrics,
                    "params": run.params,
                    "fit_seconds": round(run.fit_seconds, 3),
                }
                for run in self.runs
            ],
        }


def _cell(metric: str, mean: float, std: float) -> str:
    if metric == "coverage":
        return f"{mean:,.0f} ± {std:,.0f}"
    if metric == "novelty":
        return f"{mean:.2f} ± {std:.2f}"
    return f"{mean:.4f} ± {std:.4f}"


# --- scoring ---------------------------------------------------------------------------------


def rank_users(
    score: Callable[[UserRows], npt.NDArray[np.float32]],
    train: Interactions,
    users: npt.NDArray[np.int64],
    listeners: npt.NDArray[np.int64],
    k: int = K,
) -> npt.NDArray[np.int64]:
    """Top-k unknown artists of each user (full ranking), in batches."""
    tops = []
    user_tags = train.user_tag_counts()
    for start in range(0, len(users), BATCH_USERS):
        rows = UserRows.of(train, users[start : start + BATCH_USERS], user_tags=user_tags)
        tops.append(top_k(score(rows), rows.plays, k, listeners))
    return np.concatenate(tops) if tops else np.zeros((0, k), dtype=np.int64)


def measure(
    score: Callable[[UserRows], npt.NDArray[np.float32]], split: HoldoutSplit, k: int = K
) -> dict[str, float]:
    listeners = split.train.listeners()
    users = split.users
    top = rank_users(score, split.train, users, listeners, k)
    per_user = user_metrics(top, users, split.held_out, k)
    return {
        "precision": float(per_user.precision.mean()),
        "recall": float(per_user.recall.mean()),
        "ndcg": float(per_user.ndcg.mean()),
        "hit_rate": float(per_user.hit.mean()),
        "coverage": float(catalogue_coverage(top)),
        "novelty": novelty(top, listeners, split.train.n_users),
    }


def make_baseline(name: str, params: Mapping[str, float]) -> Scorer:
    if name == "popular":
        return MostPopular()
    if name == "item-knn":
        return ItemKNN(int(params["neighbours"]))
    if name == "ease":
        return EASE(float(params["regularization"]))
    if name == "als":
        return ALS(int(params["factors"]), float(params["regularization"]), float(params["alpha"]))
    raise ValueError(f"unknown model {name!r}")


def validation_ndcg(name: str, params: Mapping[str, float], inner: HoldoutSplit) -> float:
    model = make_baseline(name, params)
    model.fit(inner.train)
    return measure(model.score, inner)["ndcg"]


def tune_baseline(name: str, inner: HoldoutSplit) -> dict[str, float]:
    """Hyper-parameters of a baseline chosen on the validation split."""
    if name == "popular":
        return {}
    if name == "item-knn":
        by_k = {n: validation_ndcg(name, {"neighbours": n}, inner) for n in KNN_GRID}
        return {"neighbours": max(by_k, key=lambda n: (by_k[n], -n))}
    if name == "ease":
        by_lam = {lam: validation_ndcg(name, {"regularization": lam}, inner) for lam in EASE_GRID}
        return {"regularization": max(by_lam, key=lambda lam: (by_lam[lam], lam))}
    # ALS: coordinate ascent from ALS_START
    current = dict(ALS_START)
    seen: dict[tuple[float, ...], float] = {}

    def trial(params: dict[str, float]) -> float:
        key = tuple(params[p] for p in ALS_GRID)
        if key not in seen:
            seen[key] = validation_ndcg(name, params, inner)
        return seen[key]

    best = trial(current)
    for _ in range(3):
        changed = False
        for param, values in ALS_GRID.items():
            for value in values:
                candidate = {**current, param: value}
                score = trial(candidate)
                if score > best:
                    best, current, changed = score, candidate, True
        if not changed:
            break
    return current


# --- the harness -----------------------------------------------------------------------------


def evaluate_models(
    data: Interactions,
    *,
    seeds: Sequence[int] = (0, 1, 2),
    models: Sequence[str] = MODELS,
    tune: bool = True,
    progress: Progress = silent,
) -> EvaluationReport:
    """Run every model in ``models`` on every seed (see the module docstring)."""
    unknown = [m for m in models if m not in MODELS]
    if unknown:
        raise ValueError(f"unknown models: {', '.join(unknown)} (known: {', '.join(MODELS)})")
    report = EvaluationReport(seeds=list(seeds), users={}, tuned=tune)
    for seed in seeds:
        split = holdout_split(data, seed=seed)
        if not split.held_out:
            raise ValueError("no user has at least 5 artists: there is nothing to hold out")
        report.users[seed] = len(split.held_out)
        inner = holdout_split(split.train, seed=VALIDATION_SEED_OFFSET + seed) if tune else None
        for name in models:
            if name not in BASELINES:
                continue
            progress(f"seed {seed}: {name}")
            params = (
                tune_baseline(name, inner) if inner is not None else DEFAULT_PARAMS.get(name, {})
            )
            clock = time.perf_counter()
            model = make_baseline(name, params)
            model.fit(split.train)
            fitted = time.perf_counter() - clock
            report.runs.append(Run(name, seed, measure(model.score, split), params, fitted))
        wanted = [m for m in models if m == "hybrid" or m in HYBRID_PARTS]
        if wanted:
            progress(f"seed {seed}: hybrid")
            clock = time.perf_counter()
            hybrid, training = train_hybrid(
                split.train, tune=tune, validation_seed=VALIDATION_SEED_OFFSET + seed
            )
            fitted = time.perf_counter() - clock
            for name in wanted:
                strategy = Strategy.HYBRID if name == "hybrid" else Strategy(name)
                report.runs.append(
                    Run(
                        name,
                        seed,
                        measure(_strategy_scorer(hybrid, strategy), split),
                        training.as_dict() if name == "hybrid" else {},
                        fitted if name == "hybrid" else 0.0,
                    )
                )
    return report


def _strategy_scorer(
    model: HybridModel, strategy: Strategy
) -> Callable[[UserRows], npt.NDArray[np.float32]]:
    def score(rows: UserRows) -> npt.NDArray[np.float32]:
        return model.score(rows, strategy)

    return score
