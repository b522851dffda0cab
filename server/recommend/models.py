"""The collaborative models: most-popular, item-kNN, EASE and ALS, fitted on `Interactions`.

Each is used twice: alone as a baseline in the evaluation table, and (EASE, ALS and item-kNN,
two of them fed with tag rows) as a component of the hybrid. Every model scores *rows* — a
user's current plays — not a stored user id, so a user who listened to something since
training, or who did not exist then, is scored from what they have now (fold-in):

- EASE and item-kNN are item-item: a score is the user's row times a matrix. Nothing to
  fold in.
- ALS stores item factors only; a user's factors are solved from their row at scoring time
  with the same equation ALS itself solves (``implicit``'s conjugate-gradient steps replaced
  by an exact solve), so a new listen changes the next recommendation without a retrain.

Sizes on the full data: EASE keeps a dense item-item matrix over the artists with at least
``min_listeners`` listeners (capped at ``max_items``; ~4,000 × 4,000 float32 = 64 MB) because
17,632² would be 1.2 GB and its inversion minutes on two cores; the tail is left to the other
components. item-kNN keeps the ``neighbours`` best of each row, sparse.

`implicit` is imported only inside ``fit``: the API server loads fitted arrays and scores with
numpy, and never needs it unless it trains a small database in-process.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
import scipy.linalg
import scipy.sparse as sp

from server.recommend.data import FloatArray, IntArray, Interactions, UserRows
from server.recommend.features import artist_tag_vectors, log_plays, tag_idf

log = logging.getLogger("soundstream.recommend")

Arrays = dict[str, npt.NDArray[Any]]


class Scorer(Protocol):
    """What the evaluation harness needs of a model."""

    name: str

    def fit(self, data: Interactions) -> None: ...

    def score(self, rows: UserRows) -> FloatArray:
        """n × artists scores (higher is better) for ``rows``; known artists are not masked."""
        ...


def pack_csr(prefix: str, matrix: sp.csr_matrix) -> Arrays:
    m = sp.csr_matrix(matrix)
    return {
        f"{prefix}.data": m.data.astype(np.float32),
        f"{prefix}.indices": m.indices.astype(np.int32),
        f"{prefix}.indptr": m.indptr.astype(np.int64),
        f"{prefix}.shape": np.asarray(m.shape, dtype=np.int64),
    }


def unpack_csr(prefix: str, arrays: Arrays) -> sp.csr_matrix:
    shape = tuple(int(x) for x in arrays[f"{prefix}.shape"])
    return sp.csr_matrix(
        (arrays[f"{prefix}.data"], arrays[f"{prefix}.indices"], arrays[f"{prefix}.indptr"]),
        shape=shape,
    )


def with_tag_rows(data: Interactions, log_rows: sp.csr_matrix, weight: float) -> sp.csr_matrix:
    """The log-play matrix with one pseudo-user per tag appended, at ``weight``.

    A tag "listens" to the artists carrying it (TF-IDF, unit rows). Why: two artists that
    share few listeners but many tags get item-item evidence they otherwise lack, which lifts
    accuracy and, above all, reaches the long tail (EASE, λ = 2,000, weight 30, on a
    validation split: NDCG@10 0.175 → 0.181, catalogue coverage 1,002 → 2,128 artists).
    """
    if weight <= 0 or data.n_tags == 0:
        return log_rows
    counts = data.artist_tag_counts()
    vectors = artist_tag_vectors(counts, tag_idf(counts))
    tag_rows = sp.csr_matrix(vectors.T, dtype=np.float32) * np.float32(weight)
    return sp.csr_matrix(sp.vstack([log_rows, tag_rows], format="csr"), dtype=np.float32)


class MostPopular:
    """Artists by number of listeners, the same list for everybody."""

    name = "popular"

    def __init__(self) -> None:
        self.listeners: IntArray = np.zeros(0, dtype=np.int64)

    def fit(self, data: Interactions) -> None:
        self.listeners = data.listeners()

    def score(self, rows: UserRows) -> FloatArray:
        return np.tile(self.listeners.astype(np.float32), (rows.n, 1))


class ItemKNN:
    """Item-based kNN: cosine of the artists' ``log1p`` play columns, ``neighbours`` kept per
    artist (`implicit`'s CosineRecommender); a user's score is their row times that matrix."""

    name = "item-knn"

    def __init__(self, neighbours: int = 100) -> None:
        self.neighbours = neighbours
        self.similarity = sp.csr_matrix((0, 0), dtype=np.float32)

    def fit(self, data: Interactions) -> None:
        from implicit.nearest_neighbours import (  # type: ignore[import-untyped]
            CosineRecommender,
        )

        model = CosineRecommender(K=max(1, min(self.neighbours, data.n_artists)))
        with quiet_implicit():
            model.fit(log_plays(data.plays), show_progress=False)
        similarity = sp.csr_matrix(model.similarity, dtype=np.float32)
        similarity.setdiag(0)
        similarity.eliminate_zeros()
        self.similarity = similarity

    def score(self, rows: UserRows) -> FloatArray:
        return np.asarray((log_plays(rows.plays) @ self.similarity).toarray(), dtype=np.float32)

    def to_arrays(self, prefix: str) -> Arrays:
        return pack_csr(f"{prefix}.similarity", self.similarity)

    @classmethod
    def from_arrays(cls, arrays: Arrays, prefix: str, neighbours: int) -> ItemKNN:
        model = cls(neighbours)
        model.similarity = unpack_csr(f"{prefix}.similarity", arrays)
        return model


class EASE:
    """EASE (Steck 2019): the item-item weights ``B`` minimising ``‖X − XB‖² + λ‖B‖²`` with a
    zero diagonal, in closed form: ``P = (XᵀX + λI)⁻¹``, ``B = −P / diag(P)``.

    Fitted on ``log1p`` plays over the artists with at least ``min_listeners`` listeners (at
    most ``max_items``, most listened first); optionally with tag pseudo-users
    (``tag_weight``, see `with_tag_rows`). Other artists score 0.
    """

    name = "ease"

    def __init__(
        self,
        regularization: float = 2000.0,
        *,
        min_listeners: int = 3,
        max_items: int = 4096,
        tag_weight: float = 0.0,
    ) -> None:
        self.regularization = regularization
        self.min_listeners = min_listeners
        self.max_items = max_items
        self.tag_weight = tag_weight
        self.n_artists = 0
        self.items: IntArray = np.zeros(0, dtype=np.int64)
        self.weights: FloatArray = np.zeros((0, 0), dtype=np.float32)

    def fit(self, data: Interactions) -> None:
        listeners = data.listeners()
        eligible = np.flatnonzero(listeners >= self.min_listeners)
        if len(eligible) > self.max_items:
            order = np.lexsort((eligible, -listeners[eligible]))
            eligible = eligible[order[: self.max_items]]
        self.items = np.sort(eligible).astype(np.int64)
        self.n_artists = data.n_artists
        if len(self.items) == 0:
            self.weights = np.zeros((0, 0), dtype=np.float32)
            return
        rows = with_tag_rows(data, log_plays(data.plays), self.tag_weight)
        sub = sp.csr_matrix(rows[:, self.items], dtype=np.float64)
        gram = np.asarray((sub.T @ sub).toarray(), dtype=np.float64)
        gram[np.diag_indices_from(gram)] += self.regularization
        precision = _spd_inverse(gram)
        weights = -precision / np.diag(precision)
        np.fill_diagonal(weights, 0.0)
        self.weights = weights.astype(np.float32)

    def score(self, rows: UserRows) -> FloatArray:
        out = np.zeros((rows.n, self.n_artists), dtype=np.float32)
        if len(self.items):
            sub = log_plays(rows.plays)[:, self.items]
            out[:, self.items] = np.asarray(sub @ self.weights, dtype=np.float32)
        return out

    def to_arrays(self, prefix: str) -> Arrays:
        return {f"{prefix}.items": self.items, f"{prefix}.weights": self.weights}

    @classmethod
    def from_arrays(cls, arrays: Arrays, prefix: str, n_artists: int, **params: Any) -> EASE:
        model = cls(**params)
        model.items = np.asarray(arrays[f"{prefix}.items"], dtype=np.int64)
        model.weights = np.asarray(arrays[f"{prefix}.weights"], dtype=np.float32)
        model.n_artists = n_artists
        return model


def _spd_inverse(matrix: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Inverse of a symmetric positive-definite matrix through its Cholesky factor (about
    twice as fast as a general inverse; ``XᵀX + λI`` with ``λ > 0`` is always SPD)."""
    factor, info = scipy.linalg.lapack.dpotrf(matrix, lower=False, overwrite_a=True)
    if info != 0:
        return np.asarray(np.linalg.inv(matrix), dtype=np.float64)
    inverse, info = scipy.linalg.lapack.dpotri(factor, lower=False, overwrite_c=True)
    if info != 0:
        raise np.linalg.LinAlgError(f"EASE: inverse failed (LAPACK info {info})")
    upper = np.triu(inverse)
    return np.asarray(upper + np.triu(upper, 1).T, dtype=np.float64)


class ALS:
    """Implicit-feedback matrix factorisation (Hu, Koren & Volinsky 2008) via `implicit`.

    Confidence is ``alpha · log1p(plays)``. Only item factors are kept: a user's factors are
    solved from their current row (`user_factors`), exactly as one ALS half-step would.
    """

    name = "als"

    def __init__(
        self,
        factors: int = 64,
        regularization: float = 30.0,
        alpha: float = 1.0,
        iterations: int = 15,
        *,
        tag_weight: float = 0.0,
        seed: int = 0,
    ) -> None:
        self.factors = factors
        self.regularization = regularization
        self.alpha = alpha
        self.iterations = iterations
        self.tag_weight = tag_weight
        self.seed = seed
        self.item_factors: FloatArray = np.zeros((0, factors), dtype=np.float32)
        self._gram: npt.NDArray[np.float64] = np.zeros((factors, factors))

    def fit(self, data: Interactions) -> None:
        from implicit.cpu.als import AlternatingLeastSquares  # type: ignore[import-untyped]

        rows = with_tag_rows(data, log_plays(data.plays), self.tag_weight)
        factors = max(1, min(self.factors, data.n_artists))
        with quiet_implicit():
            model = AlternatingLeastSquares(
                factors=factors,
                regularization=self.regularization,
                alpha=self.alpha,
                iterations=self.iterations,
                random_state=self.seed,
            )
            model.fit(sp.csr_matrix(rows, dtype=np.float32), show_progress=False)
        self.set_item_factors(np.asarray(model.item_factors, dtype=np.float32))

    def set_item_factors(self, item_factors: FloatArray) -> None:
        self.item_factors = item_factors
        self.factors = item_factors.shape[1]
        y = item_factors.astype(np.float64)
        self._gram = y.T @ y

    def user_factors(self, rows: UserRows, batch: int = 256) -> npt.NDArray[np.float64]:
        """Solve ``(YᵀCᵤY + λI) xᵤ = YᵀCᵤpᵤ`` for each row, with ``Cᵤ = alpha · log1p(plays)``
        on the user's artists (``implicit``'s formulation: ``YᵀY + Σ (c − 1) yyᵀ``).

        Users are solved in stacks (one batched ``solve`` per ``batch`` users): a Python loop
        of small solves costs ~1 ms a user, the stack ~0.1 ms.
        """
        confidence = log_plays(rows.plays)
        f = self.factors
        base = self._gram + self.regularization * np.eye(f)
        out = np.zeros((rows.n, f), dtype=np.float64)
        counts = np.diff(confidence.indptr)
        for start in range(0, rows.n, batch):
            users = np.arange(start, min(start + batch, rows.n))
            users = users[counts[users] > 0]
            if len(users) == 0:
                continue
            width = int(counts[users].max())
            idx = np.zeros((len(users), width), dtype=np.int64)
            c = np.zeros((len(users), width), dtype=np.float64)
            for row, u in enumerate(users):
                lo, hi = confidence.indptr[u], confidence.indptr[u + 1]
                idx[row, : hi - lo] = confidence.indices[lo:hi]
                c[row, : hi - lo] = self.alpha * confidence.data[lo:hi]
            present = c > 0
            # gather, then widen: casting all of Y per request would copy 9 MB
            yu = self.item_factors[idx].astype(np.float64) * present[:, :, None]  # pads: 0
            a = base + np.matmul(yu.transpose(0, 2, 1) * (c - present)[:, None, :], yu)
            b = np.matmul(yu.transpose(0, 2, 1), c[:, :, None])
            out[users] = np.linalg.solve(a, b)[:, :, 0]
        return out

    def score(self, rows: UserRows) -> FloatArray:
        users = self.user_factors(rows).astype(np.float32)
        return np.asarray(users @ self.item_factors.T, dtype=np.float32)

    def to_arrays(self, prefix: str) -> Arrays:
        return {f"{prefix}.item_factors": self.item_factors}

    @classmethod
    def from_arrays(cls, arrays: Arrays, prefix: str, **params: Any) -> ALS:
        model = cls(**params)
        model.set_item_factors(np.asarray(arrays[f"{prefix}.item_factors"], dtype=np.float32))
        return model


@contextmanager
def quiet_implicit() -> Iterator[None]:
    """Run `implicit` with BLAS on one thread: it parallelises over users itself, a threaded
    BLAS underneath oversubscribes the cores (it warns about exactly that, and is slower)."""
    from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

    with threadpool_limits(limits=1, user_api="blas"), warnings.catch_warnings():
        warnings.filterwarnings("ignore", module=r"implicit(\..*)?")
        yield
