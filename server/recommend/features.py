"""How raw play counts and tag assignments become model inputs.

Why ``log1p`` of plays, not raw counts, binary or BM25: one listen weight runs from 1 to
352,698 plays (median 260), so raw counts make one favourite artist a user's whole vector and
let a few heavy listeners dominate every item-item statistic. Binary throws away the order of
a user's own top 50, which carries signal. ``log1p`` keeps the order while compressing the
tail (a 1,000× play ratio becomes ~2.5×). While designing (one hold-out split of the full
data, each λ tuned) it beat binary input for EASE (NDCG@10 0.236 vs 0.233) and BM25
weighting for item-kNN (0.166 vs 0.140 on validation); for ALS it is the confidence
(``alpha · log1p(plays)``), the usual implicit-feedback weighting.

Tags: an artist's tag vector counts how many users applied each tag, ``log1p``-damped and
weighted by inverse document frequency (a tag on every artist says nothing), L2-normalised
so a dot product is a cosine.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp


def log_plays(plays: sp.csr_matrix) -> sp.csr_matrix:
    """``log1p`` of a play-count matrix, as float32 (zeros stay implicit)."""
    out = sp.csr_matrix(plays, dtype=np.float32, copy=True)
    out.data = np.log1p(out.data.astype(np.float64)).astype(np.float32)
    return out


def l2_rows(matrix: sp.csr_matrix) -> sp.csr_matrix:
    """Rows scaled to unit Euclidean norm; all-zero rows stay zero."""
    m = sp.csr_matrix(matrix, dtype=np.float32)
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1), dtype=np.float64).ravel())
    norms[norms == 0] = 1.0
    return sp.csr_matrix(sp.diags((1.0 / norms).astype(np.float32)) @ m)


def tag_idf(artist_tag_counts: sp.csr_matrix) -> npt.NDArray[np.float32]:
    """``log(tagged artists / artists with the tag)`` per tag; 0 for unused tags."""
    counts = sp.csr_matrix(artist_tag_counts)
    tagged = max(int((np.diff(counts.indptr) > 0).sum()), 1)
    df = np.diff(counts.tocsc().indptr).astype(np.float64)
    idf = np.where(df > 0, np.log(tagged / np.maximum(df, 1.0)), 0.0)
    return np.maximum(idf, 0.0).astype(np.float32)


def artist_tag_vectors(
    artist_tag_counts: sp.csr_matrix, idf: npt.NDArray[np.float32]
) -> sp.csr_matrix:
    """Artists × tags, ``log1p(count) · idf``, rows L2-normalised (cosine-ready)."""
    weighted = sp.csr_matrix(artist_tag_counts, dtype=np.float32, copy=True)
    weighted.data = np.log1p(weighted.data)
    weighted = sp.csr_matrix(weighted @ sp.diags(idf))
    weighted.eliminate_zeros()
    return l2_rows(weighted)


def user_tag_profiles(
    log_rows: sp.csr_matrix,
    own_tags: sp.csr_matrix,
    tag_vectors: sp.csr_matrix,
    idf: npt.NDArray[np.float32],
    *,
    own_weight: float,
) -> sp.csr_matrix:
    """Each user's taste in tag space, unit length.

    The listening part is the play-weighted mean of their artists' tag vectors; the tags the
    user applied themselves are added at ``own_weight`` — the only tag signal of a user who
    has tagged but not listened yet (cold start).
    """
    listening = l2_rows(sp.csr_matrix(l2_rows(log_rows) @ tag_vectors))
    if own_weight <= 0:
        return listening
    own = sp.csr_matrix(own_tags, dtype=np.float32, copy=True)
    own.data = np.log1p(own.data)
    own = l2_rows(sp.csr_matrix(own @ sp.diags(idf)))
    return l2_rows(sp.csr_matrix(listening + own_weight * own))
