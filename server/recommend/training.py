"""Fitting the hybrid: tune the blend on a validation split, then refit on everything.

With enough users (``MIN_TUNING_USERS``), 20 % of each user's artists are held out, the
components are fitted on the rest, the blend weights are tuned on the held-out artists
(`server.recommend.tuning`), and the components are fitted again on all the data with those
weights. With fewer users (the test fixtures, a fresh database) tuning would fit noise: the
defaults of `BlendWeights` are used.

What keeps this bounded at 100× the real data (189,200 users, 327,020 artists, 9.3 M listens;
~5 minutes on two cores, most of it ALS): the second ALS fit starts from the first one's
factors (`HybridParams.als_refit_iterations`), the blend is tuned on a sample bounded by
users × artists (`MAX_TUNING_CELLS`), and every step reports its wall time in
`TrainingReport.seconds` (the ``train`` command prints them).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from server.recommend.data import IntArray, Interactions
from server.recommend.hybrid import BlendWeights, HybridModel, HybridParams
from server.recommend.split import holdout_split
from server.recommend.tuning import (
    DEFAULT_MIN_COVERAGE_SHARE,
    collect_candidates,
    tune_blend,
)

log = logging.getLogger("soundstream.recommend")

MIN_TUNING_USERS = 100
"""Users with held-out artists needed before the blend is tuned instead of defaulted."""
MAX_TUNING_USERS = 5_000
"""Validation users the blend is tuned on, at most (a seeded sample beyond it): five
six-weight blends are chosen as well from 5,000 users as from 189,000."""
MAX_TUNING_CELLS = 150_000_000
"""... and at most this many users × artists scored while tuning. Collecting the candidates
costs ~0.2–0.5 µs per (user, artist) on this 2-core machine: the real data's 1,877 × 17,632
(33 M, all of its validation users) takes 5–15 s, while 5,000 users of 100×'s 327,020 artists
(1.6 G) would take 5–10 minutes. At 100× the blend is tuned on 458 users."""
VALIDATION_SEED = 0

Progress = Callable[[str], None]


def silent(_step: str) -> None:
    return None


@dataclass(slots=True)
class TrainingReport:
    """What `train_hybrid` did, for the model's metadata and the CLI."""

    tuned: bool
    weights: BlendWeights
    validation_ndcg: float | None = None
    validation_coverage: int | None = None
    min_coverage: int | None = None
    validation_users: int = 0
    tuning_users: int = 0
    seconds: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "tuned": self.tuned,
            "weights": self.weights.as_dict(),
            "validation_ndcg_at_10": self.validation_ndcg,
            "validation_coverage": self.validation_coverage,
            "min_coverage": self.min_coverage,
            "validation_users": self.validation_users,
            "tuning_users": self.tuning_users,
            "seconds": {k: round(v, 3) for k, v in self.seconds.items()},
        }


def min_coverage_for(data: Interactions, share: float = DEFAULT_MIN_COVERAGE_SHARE) -> int:
    return round(share * data.n_artists)


def tuning_user_limit(n_artists: int) -> int:
    """How many validation users to tune on for a catalogue of ``n_artists``."""
    by_cells = MAX_TUNING_CELLS // max(n_artists, 1)
    return max(MIN_TUNING_USERS, min(MAX_TUNING_USERS, by_cells))


def sample_users(held_out: Mapping[int, IntArray], limit: int, seed: int) -> Mapping[int, IntArray]:
    """``held_out`` itself when it has at most ``limit`` users, else a seeded sample of them."""
    if len(held_out) <= limit:
        return held_out
    rng = np.random.default_rng(seed)
    chosen = rng.choice(np.asarray(sorted(held_out)), size=limit, replace=False)
    return {int(user): held_out[int(user)] for user in np.sort(chosen)}


def train_hybrid(
    data: Interactions,
    *,
    params: HybridParams | None = None,
    weights: BlendWeights | None = None,
    tune: bool = True,
    validation_seed: int = VALIDATION_SEED,
    min_coverage_share: float = DEFAULT_MIN_COVERAGE_SHARE,
    progress: Progress = silent,
) -> tuple[HybridModel, TrainingReport]:
    """The hybrid fitted on ``data``; blend weights tuned on a validation split if ``tune``
    and there are enough users, else ``weights`` (default `BlendWeights()`)."""
    params = params or HybridParams()
    start = weights or BlendWeights()
    seconds: dict[str, float] = {}
    report = TrainingReport(tuned=False, weights=start, seconds=seconds)
    inner: HybridModel | None = None
    if tune:
        progress("splitting off validation artists")
        clock = time.perf_counter()
        split = holdout_split(data, seed=validation_seed)
        seconds["split"] = time.perf_counter() - clock
        report.validation_users = len(split.held_out)
        if len(split.held_out) >= MIN_TUNING_USERS:
            clock = time.perf_counter()
            inner = HybridModel(params, start)
            inner.fit(
                split.train,
                als_iterations=params.als_validation_iterations,
                progress=lambda step: progress(f"fitting {step} on the validation split"),
            )
            seconds["validation_fit"] = time.perf_counter() - clock
            seconds.update({f"validation_fit.{k}": v for k, v in inner.fit_seconds.items()})
            clock = time.perf_counter()
            tuning_users = sample_users(
                split.held_out, tuning_user_limit(data.n_artists), validation_seed
            )
            progress(f"tuning the blend on {len(tuning_users):,} validation users")
            # Coverage counts distinct artists recommended to the tuning users: a sample of
            # them can reach proportionally fewer, so the floor shrinks with the sample.
            floor = min_coverage_for(data, min_coverage_share)
            floor = round(floor * len(tuning_users) / len(split.held_out))
            candidates = collect_candidates(inner, split.train, tuning_users)
            result = tune_blend(candidates, start=start, min_coverage=floor)
            seconds["tuning"] = time.perf_counter() - clock
            report.tuned = True
            report.tuning_users = len(tuning_users)
            report.weights = result.weights
            report.validation_ndcg = result.ndcg
            report.validation_coverage = result.coverage
            report.min_coverage = result.min_coverage
            log.info(
                "blend tuned on %d validation users: NDCG@10 %.4f, coverage %d, weights %s",
                len(tuning_users),
                result.ndcg,
                result.coverage,
                result.weights,
            )
        else:
            log.info(
                "%d validation users (< %d): default blend weights",
                len(split.held_out),
                MIN_TUNING_USERS,
            )
    clock = time.perf_counter()
    model = HybridModel(params, report.weights)
    model.fit(
        data,
        warm_start=inner,
        als_iterations=params.als_refit_iterations if inner is not None else None,
        progress=lambda step: progress(f"fitting {step} on all the data"),
    )
    seconds["fit"] = time.perf_counter() - clock
    seconds.update({f"fit.{k}": v for k, v in model.fit_seconds.items()})
    return model, report
