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

from server.recommend.data import FloatArray, IntArray, Interactions, UserRows, index_of
from server.recommend.features import artist_tag_vectors, log_plays, select_columns, tag_idf

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


def with_tag_rows(
    data: Interactions,
    log_rows: sp.csr_matrix,
    weight: float,
    tag_vectors: sp.csr_matrix | None = None,
) -> sp.csr_matrix:
    """The log-play matrix with one pseudo-user per tag appended, at ``weight``
    (``tag_vectors``: `artist_tag_vectors` of ``data`` if the caller has them already).

    A tag "listens" to the artists carrying it (TF-IDF, unit rows). Why: two artists that
    share few listeners but many tags get item-item evidence they otherwise lack, which lifts
    accuracy and, above all, reaches the long tail (EASE, λ = 2,000, weight 30, on a
    validation split: NDCG@10 0.175 → 0.181, catalogue coverage 1,002 → 2,128 artists).
    """
    if weight <= 0 or data.n_tags == 0:
        return log_rows
    if tag_vectors is None:
        counts = data.artist_tag_counts()
        tag_vectors = artist_tag_vectors(counts, tag_idf(counts))
    tag_rows = sp.csr_matrix(tag_vectors.T, dtype=np.float32) * np.float32(weight)
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
        return np.asarray(self.score_sparse(rows).toarray(), dtype=np.float32)

    def score_sparse(self, rows: UserRows) -> sp.csr_matrix:
        """`score` as the sparse product it is (zero wherever no neighbour points)."""
        return sp.csr_matrix(log_plays(rows.plays) @ self.similarity)

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

    def fit(self, data: Interactions, *, tag_vectors: sp.csr_matrix | None = None) -> None:
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
        rows = with_tag_rows(data, log_plays(data.plays), self.tag_weight, tag_vectors)
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
            out[:, self.items] = self.score_items(rows)
        return out

    def score_items(self, rows: UserRows) -> FloatArray:
        """n × ``len(items)``: the scores of the artists EASE keeps (every other one is 0)."""
        if not len(self.items):
            return np.zeros((rows.n, 0), dtype=np.float32)
        sub = select_columns(log_plays(rows.plays), self.items)
        return np.asarray(sub @ self.weights, dtype=np.float32)

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


def most_listened(listeners: IntArray, limit: int | None) -> IntArray:
    """Indices of the ``limit`` artists with the most listeners (ties: lower index), sorted;
    every index when ``limit`` is None or not below the catalogue."""
    n = len(listeners)
    if limit is None or limit >= n:
        return np.arange(n, dtype=np.int64)
    order = np.lexsort((np.arange(n), -listeners))
    return np.sort(order[: max(limit, 0)]).astype(np.int64)


class ALS:
    """Implicit-feedback matrix factorisation (Hu, Koren & Volinsky 2008) via `implicit`.

    Confidence is ``alpha · log1p(plays)``. Only item factors are kept: a user's factors are
    solved from their current row (`user_factors`), exactly as one ALS half-step would.

    ``max_items`` keeps factors for the most listened artists only (the others score 0 here
    and are left to the other components). Why: every request multiplies the user's factors
    by all item factors — 327,020 × 128 float32 at 100× the real data is 167 MB read per
    request (9–22 ms on one core), 50,000 artists 26 MB (~1.5 ms) — and each training
    iteration pays for every item too. The real data (17,632 artists) is below the cap.
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
        max_items: int | None = None,
        seed: int = 0,
    ) -> None:
        self.factors = factors
        self.regularization = regularization
        self.alpha = alpha
        self.iterations = iterations
        self.tag_weight = tag_weight
        self.max_items = max_items
        self.seed = seed
        self.n_artists = 0
        self.items: IntArray = np.zeros(0, dtype=np.int64)
        """Artist indices (sorted) that have factors, one per row of ``item_factors``."""
        self.item_factors: FloatArray = np.zeros((0, factors), dtype=np.float32)
        self._gram: npt.NDArray[np.float64] = np.zeros((factors, factors))
        self._all_items = True
        self._fit_user_factors: FloatArray | None = None
        self._fit_rows: IntArray = np.zeros(0, dtype=np.int64)
        """Which rows of users-then-tags ``_fit_user_factors`` belong to."""
        """The last fit's user (and tag pseudo-user) factors, kept in memory only: the start
        of a warm refit (`fit` with ``warm_start``); never saved."""

    def fit(
        self,
        data: Interactions,
        *,
        warm_start: ALS | None = None,
        iterations: int | None = None,
        tag_vectors: sp.csr_matrix | None = None,
    ) -> None:
        """Fit on ``data``; with ``warm_start`` (a model fitted on the same users and tags,
        e.g. on a validation split of ``data``) start from its factors instead of random
        ones, so a few ``iterations`` reach what a cold fit needs its full count for.

        Tag pseudo-users on fewer than two of the kept artists are left out: they carry no
        co-occurrence, and every row costs a factors² solve per iteration whatever its size
        (at 100× the real data 444,248 tags beside 189,200 users).
        """
        from implicit.cpu.als import AlternatingLeastSquares  # type: ignore[import-untyped]

        items = most_listened(data.listeners(), self.max_items)
        rows = with_tag_rows(data, log_plays(data.plays), self.tag_weight, tag_vectors)
        if len(items) < data.n_artists:
            rows = rows[:, items]
        rows = sp.csr_matrix(rows, dtype=np.float32)
        keep = np.ones(rows.shape[0], dtype=bool)
        keep[data.n_users :] = np.diff(rows.indptr)[data.n_users :] >= 2
        keys = np.flatnonzero(keep).astype(np.int64)
        if not keep.all():
            rows = sp.csr_matrix(rows[keys])
        factors = max(1, min(self.factors, len(items)))
        with quiet_implicit():
            model = AlternatingLeastSquares(
                factors=factors,
                regularization=self.regularization,
                alpha=self.alpha,
                iterations=self.iterations if iterations is None else iterations,
                random_state=self.seed,
            )
            if warm_start is not None:
                start = warm_start.start_factors(items, keys, factors, self.seed)
                if start is not None:
                    model.user_factors, model.item_factors = start
            model.fit(rows, show_progress=False)
        self._fit_rows = keys
        self._fit_user_factors = np.asarray(model.user_factors, dtype=np.float32)
        self.set_item_factors(
            np.asarray(model.item_factors, dtype=np.float32), items, data.n_artists
        )

    def start_factors(
        self, items: IntArray, rows: IntArray, factors: int, seed: int
    ) -> tuple[FloatArray, FloatArray] | None:
        """User (and tag pseudo-user) factors for ``rows`` and item factors for ``items`` to
        start a refit from, or None without a fit of ``factors`` factors in memory. Rows and
        items this model has no factors for start as `implicit` starts them: uniform in
        [0, 0.01)."""
        users = self._fit_user_factors
        if users is None or self.factors != factors or users.shape[1] != factors:
            return None
        rng = np.random.default_rng(seed)
        user_out = rng.random((len(rows), factors), dtype=np.float32) * np.float32(0.01)
        pos, found = index_of(self._fit_rows, rows)
        user_out[found] = users[pos[found]]
        item_out = rng.random((len(items), factors), dtype=np.float32) * np.float32(0.01)
        pos, found = index_of(self.items, items)
        item_out[found] = self.item_factors[pos[found]]
        return user_out, item_out

    def set_item_factors(
        self,
        item_factors: FloatArray,
        items: IntArray | None = None,
        n_artists: int | None = None,
    ) -> None:
        """Factors for ``items`` of ``n_artists`` (default: every artist, one row each)."""
        n = item_factors.shape[0]
        self.item_factors = item_factors
        self.factors = item_factors.shape[1]
        self.items = np.arange(n, dtype=np.int64) if items is None else items.astype(np.int64)
        self.n_artists = n if n_artists is None else n_artists
        self._all_items = len(self.items) == self.n_artists
        y = item_factors.astype(np.float64)
        self._gram = y.T @ y

    def user_factors(self, rows: UserRows, batch: int = 256) -> npt.NDArray[np.float64]:
        """Solve ``(YᵀCᵤY + λI) xᵤ = YᵀCᵤpᵤ`` for each row, with ``Cᵤ = alpha · log1p(plays)``
        on the user's artists (``implicit``'s formulation: ``YᵀY + Σ (c − 1) yyᵀ``); artists
        without factors play no part.

        Users are solved in stacks (one batched ``solve`` per ``batch`` users): a Python loop
        of small solves costs ~1 ms a user, the stack ~0.1 ms.
        """
        confidence = log_plays(rows.plays)
        if not self._all_items:
            confidence = select_columns(confidence, self.items)
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
        scores = self.score_items(rows)
        if self._all_items:
            return scores
        out = np.zeros((rows.n, self.n_artists), dtype=np.float32)
        out[:, self.items] = scores
        return out

    def score_items(self, rows: UserRows) -> FloatArray:
        """n × ``len(items)``: the scores of the artists with factors (every other one is 0;
        these may be negative)."""
        users = self.user_factors(rows).astype(np.float32)
        return np.asarray(users @ self.item_factors.T, dtype=np.float32)

    def to_arrays(self, prefix: str) -> Arrays:
        return {f"{prefix}.item_factors": self.item_factors, f"{prefix}.items": self.items}

    @classmethod
    def from_arrays(cls, arrays: Arrays, prefix: str, n_artists: int, **params: Any) -> ALS:
        """The model saved by `to_arrays` (files without ``items`` have every artist)."""
        model = cls(**params)
        factors = np.asarray(arrays[f"{prefix}.item_factors"], dtype=np.float32)
        key = f"{prefix}.items"
        items = np.asarray(arrays[key], dtype=np.int64) if key in arrays else None
        model.set_item_factors(factors, items, n_artists)
        return model


@contextmanager
def quiet_implicit() -> Iterator[None]:
    """Run `implicit` with BLAS on one thread: it parallelises over users itself, a threaded
    BLAS underneath oversubscribes the cores (it warns about exactly that, and is slower)."""
    from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

    with threadpool_limits(limits=1, user_api="blas"), warnings.catch_warnings():
        warnings.filterwarnings("ignore", module=r"implicit(\..*)?")
        yield
