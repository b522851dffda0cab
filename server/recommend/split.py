"""Per-user random hold-out: the split every offline number in this package is measured on.

For each user with at least ``min_artists`` artists, ``round(fraction · n)`` of their artists
(at least one) are held out; everybody else keeps all of theirs in training. A held-out
``(user, artist)`` pair also loses the user's tag assignments on that artist: a user who
tagged an artist almost surely listens to it, so keeping them would leak the answer into the
tag features. Friendships are kept: they are not what is predicted.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from server.recommend.data import IntArray, Interactions

DEFAULT_FRACTION = 0.2
DEFAULT_MIN_ARTISTS = 5


@dataclass(frozen=True, slots=True)
class HoldoutSplit:
    """``train`` holds everything but ``held_out``: user index -> sorted artist indices."""

    train: Interactions
    held_out: dict[int, IntArray]

    @property
    def users(self) -> IntArray:
        """Users with held-out artists, ascending."""
        return np.asarray(sorted(self.held_out), dtype=np.int64)


def holdout_split(
    data: Interactions,
    *,
    seed: int,
    fraction: float = DEFAULT_FRACTION,
    min_artists: int = DEFAULT_MIN_ARTISTS,
) -> HoldoutSplit:
    """Hold out ``fraction`` of each eligible user's artists, drawn with ``seed``."""
    if not 0 < fraction < 1:
        raise ValueError(f"fraction must be in (0, 1), got {fraction}")
    rng = np.random.default_rng(seed)
    plays = sp.csr_matrix(data.plays)
    keep = np.ones(plays.nnz, dtype=bool)
    held_out: dict[int, IntArray] = {}
    for user in range(plays.shape[0]):
        start, end = int(plays.indptr[user]), int(plays.indptr[user + 1])
        n = end - start
        if n < min_artists:
            continue
        count = max(1, round(fraction * n))
        chosen = start + rng.permutation(n)[:count]
        keep[chosen] = False
        held_out[user] = np.sort(plays.indices[chosen]).astype(np.int64)
    rows = np.repeat(np.arange(plays.shape[0]), np.diff(plays.indptr))
    train_plays = sp.csr_matrix(
        (plays.data[keep], (rows[keep], plays.indices[keep])), shape=plays.shape
    )
    held_pairs = rows[~keep].astype(np.int64) * max(data.n_artists, 1) + plays.indices[~keep]
    tag_pairs = data.tagging[:, 0] * max(data.n_artists, 1) + data.tagging[:, 1]
    tagging = data.tagging[~np.isin(tag_pairs, held_pairs)]
    return HoldoutSplit(train=data.with_plays(train_plays, tagging), held_out=held_out)
