"""Top-k metrics with binary relevance (an artist is relevant iff it was held out).

For one user with top-k list ``r`` and held-out set ``T``:

- Precision@k = |r ∩ T| / k;
- Recall@k = |r ∩ T| / |T| (not ``min(k, |T|)``: with 20 % of 50 artists held out, |T| = 10
  for almost everybody, so the two agree there);
- NDCG@k = DCG / IDCG with DCG = Σᵢ rel(rᵢ) / log₂(i + 1) over positions i = 1..k and IDCG the
  DCG of min(k, |T|) hits at the top;
- hit rate = share of users with at least one hit.

Across users: catalogue coverage = distinct artists recommended to anybody; novelty = mean
self-information ``−log₂(listeners / users)`` of the recommended artists (the negative mean
log-popularity in bits; higher is more novel; an artist without listeners counts as one).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from server.recommend.data import IntArray


@dataclass(frozen=True, slots=True)
class UserMetrics:
    """Per-user values, aligned with the users passed in."""

    precision: npt.NDArray[np.float64]
    recall: npt.NDArray[np.float64]
    ndcg: npt.NDArray[np.float64]
    hit: npt.NDArray[np.float64]


def discounts(k: int) -> npt.NDArray[np.float64]:
    """``1 / log2(i + 1)`` for positions i = 1..k."""
    return np.asarray(1.0 / np.log2(np.arange(2, k + 2)), dtype=np.float64)


def user_metrics(
    top: npt.NDArray[np.int64], users: IntArray, relevant: Mapping[int, IntArray], k: int
) -> UserMetrics:
    """Metrics of each row of ``top`` (artist indices, ``-1`` = empty slot) for ``users``."""
    disc = discounts(k)
    n = len(users)
    precision, recall, ndcg, hit = (np.zeros(n) for _ in range(4))
    for row, user in enumerate(users):
        truth = relevant[int(user)]
        ranked = top[row, :k]
        rel = np.isin(ranked, truth) & (ranked >= 0)
        hits = float(rel.sum())
        ideal = float(disc[: min(k, len(truth))].sum())
        precision[row] = hits / k
        recall[row] = hits / len(truth) if len(truth) else 0.0
        ndcg[row] = float((rel * disc[: len(rel)]).sum()) / ideal if ideal else 0.0
        hit[row] = 1.0 if hits else 0.0
    return UserMetrics(precision, recall, ndcg, hit)


def catalogue_coverage(top: npt.NDArray[np.int64]) -> int:
    """Distinct artists across all lists."""
    return int(np.unique(top[top >= 0]).size)


def novelty(top: npt.NDArray[np.int64], listeners: IntArray, n_users: int) -> float:
    """Mean ``−log2(listeners / users)`` of the recommended artists (bits)."""
    items = top[top >= 0]
    if items.size == 0 or n_users <= 0:
        return 0.0
    share = np.maximum(listeners[items], 1) / n_users
    return float(np.mean(-np.log2(share)))
