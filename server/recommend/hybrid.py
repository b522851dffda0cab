"""The product model: collaborative scores blended with friends' listening and tag taste.

Components, each an n × artists score matrix computed from a user's *current* rows:

- ``ease``: EASE over ``log1p`` plays with tag pseudo-users (see `models.with_tag_rows`);
- ``als``: implicit ALS over the same augmented matrix, user factors folded in per request;
- ``knn``: item-kNN cosine (also what ``/artists/{id}/similar`` serves);
- ``social``: the user's friends' (unit-length, ``log1p``) play vectors, each weighted by
  ``social_floor + cosine(user, friend)`` — friends with similar taste count more, but a
  newcomer with no plays still gets every friend's favourites (weight ``social_floor``);
- ``tags``: cosine between the user's tag profile (their artists' tags, plus tags they applied)
  and each artist's tag vector — reaches artists nobody has played yet.

Each component is scaled per user by its maximum over the artists the user does not know
(scales differ by orders of magnitude between components and between users), then
``blend = Σ weight · component``, divided by ``listeners^popularity_penalty`` (a mild
popularity discount: on validation it raised NDCG *and* catalogue coverage, because the
components agree on a few hits that everybody already knows). The weights are chosen on a
validation split (`server.recommend.tuning`), never on test data. Ties (above all the
zeros of artists no component scored) go to the artist with more listeners, then the lower
id (`top_k`), so a cold user's list is filled by the most listened artists — the same
ranking the evaluation measures.

Evaluation scores every artist (`HybridModel.components`); a request scores a candidate set
(`HybridModel.candidate_components`: the artists some component scores, plus the most
listened ones beyond them) and gets the same list, scores and reasons.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from server.recommend.data import FloatArray, IntArray, Interactions, UserRows
from server.recommend.features import (
    artist_tag_vectors,
    l2_rows,
    log_plays,
    sparse_row_product,
    sparse_rows_product,
    tag_idf,
    user_tag_profiles,
)
from server.recommend.models import ALS, EASE, Arrays, ItemKNN, pack_csr, unpack_csr
from server.recommend.strategy import Strategy

COMPONENTS: tuple[str, ...] = ("ease", "als", "knn", "social", "tags")
CF_COMPONENTS: tuple[str, ...] = ("ease", "als", "knn")


STRATEGY_COMPONENTS: dict[Strategy, tuple[str, ...]] = {
    Strategy.HYBRID: COMPONENTS,
    Strategy.CF: CF_COMPONENTS,
    Strategy.SOCIAL: ("social",),
    Strategy.TAGS: ("tags",),
    Strategy.POPULAR: (),
}


@dataclass(frozen=True, slots=True)
class HybridParams:
    """Component hyper-parameters (chosen once on a validation split of the full data;
    `soundstream recommend evaluate` re-tunes the blend per seed, not these)."""

    ease_regularization: float = 4000.0
    ease_tag_weight: float = 30.0
    ease_min_listeners: int = 3
    ease_max_items: int = 4096
    als_factors: int = 128
    als_regularization: float = 30.0
    als_alpha: float = 1.0
    als_iterations: int = 15
    als_tag_weight: float = 20.0
    als_max_items: int = 50_000
    """Artists with ALS factors, most listened first (see `models.ALS`)."""
    als_validation_iterations: int = 10
    als_refit_iterations: int = 4
    """With a validation fit (`server.recommend.training`), ALS is fitted there for
    ``als_validation_iterations`` and the final fit starts from its factors for
    ``als_refit_iterations`` more, instead of twice ``als_iterations`` from random: on the
    real data's hold-out the same NDCG, at 100× the difference between fitting in time or
    not. ``als_iterations`` is for a fit from scratch (no validation split)."""
    knn_neighbours: int = 100
    social_floor: float = 0.1
    own_tag_weight: float = 0.2
    tag_profile_budget: int = 120_000
    """Artist-tag pairs one user's tag profile may touch when scored, strongest tags first
    (see `features.user_tag_profiles`): 1.5× the largest on the real data (79,988)."""
    seed: int = 0


@dataclass(frozen=True, slots=True)
class BlendWeights:
    """Weights of the per-user max-scaled components and the popularity penalty exponent.

    The defaults are what tuning chose on the full data's validation split; `train` tunes
    again on the data it is given when there are enough users.
    """

    ease: float = 1.0
    als: float = 2.0
    knn: float = 0.0
    social: float = 0.5
    tags: float = 0.3
    popularity_penalty: float = 0.1

    def of(self, component: str) -> float:
        return float(getattr(self, component))

    def as_dict(self) -> dict[str, float]:
        return {k: float(v) for k, v in asdict(self).items()}


@dataclass(slots=True)
class ComponentScores:
    """Per-user max-scaled component scores (known artists zeroed) and what built them
    (``tag_profiles`` and ``social_weights`` are empty unless those components were wanted).

    ``items``: the artists (indices, ascending) the columns of ``scaled`` and ``known`` stand
    for when the scores are a candidate set's (`HybridModel.candidate_components`); None
    when there is a column per artist.
    """

    scaled: dict[str, FloatArray]
    known: sp.csr_matrix
    tag_profiles: sp.csr_matrix
    log_rows: sp.csr_matrix
    social_weights: sp.csr_matrix = field(repr=False)
    items: IntArray | None = None


class HybridModel:
    """Fitted components plus the training users' rows the social component reads."""

    def __init__(self, params: HybridParams | None = None, weights: BlendWeights | None = None):
        self.params = params or HybridParams()
        self.weights = weights or BlendWeights()
        p = self.params
        self.ease = EASE(
            p.ease_regularization,
            min_listeners=p.ease_min_listeners,
            max_items=p.ease_max_items,
            tag_weight=p.ease_tag_weight,
        )
        self.als = ALS(
            p.als_factors,
            p.als_regularization,
            p.als_alpha,
            p.als_iterations,
            tag_weight=p.als_tag_weight,
            max_items=p.als_max_items,
            seed=p.seed,
        )
        self.knn = ItemKNN(p.knn_neighbours)
        self.n_users = 0
        self.n_artists = 0
        self.n_tags = 0
        self.listeners: IntArray = np.zeros(0, dtype=np.int64)
        self.user_vectors = sp.csr_matrix((0, 0), dtype=np.float32)
        """Training users' unit-length ``log1p`` play rows (social, similar users, reasons)."""
        self.tag_vectors = sp.csr_matrix((0, 0), dtype=np.float32)
        self.tag_vectors_t = sp.csr_matrix((0, 0), dtype=np.float32)
        self.tag_costs: IntArray = np.zeros(0, dtype=np.int64)
        """Artists per tag: what each profile tag costs to score."""
        self.idf: FloatArray = np.zeros(0, dtype=np.float32)
        self._discounts: dict[str, npt.NDArray[Any]] = {}
        """Per-model caches of arrays derived from ``listeners`` (see `popularity_discount`)."""
        self.fit_seconds: dict[str, float] = {}
        """Wall seconds of the last `fit`, per part (features, ease, als, knn)."""

    # --- fitting ---------------------------------------------------------------------------

    def fit(
        self,
        data: Interactions,
        *,
        components: tuple[str, ...] = COMPONENTS,
        als_iterations: int | None = None,
        warm_start: HybridModel | None = None,
        progress: Callable[[str], None] | None = None,
    ) -> None:
        """Fit every component on ``data`` (``components`` limits the costly ones).

        ``warm_start``: a model fitted on a split of the same data, whose ALS factors this
        fit starts from (for ``als_iterations``, default `HybridParams.als_iterations`).
        ``progress`` is told which component is being fitted (a terminal spinner's text).
        """
        tell = progress or (lambda _step: None)
        seconds = self.fit_seconds = {}
        clock = time.perf_counter()
        tell("features")
        self.n_users, self.n_artists, self.n_tags = data.n_users, data.n_artists, data.n_tags
        self.listeners = data.listeners()
        self.user_vectors = l2_rows(log_plays(data.plays))
        counts = data.artist_tag_counts()
        self.idf = tag_idf(counts)
        self.tag_vectors = artist_tag_vectors(counts, self.idf)
        self.tag_vectors_t = sp.csr_matrix(self.tag_vectors.T)
        self.tag_costs = np.diff(self.tag_vectors_t.indptr).astype(np.int64)
        seconds["features"] = time.perf_counter() - clock
        if "ease" in components:
            tell("EASE")
            clock = time.perf_counter()
            self.ease.fit(data, tag_vectors=self.tag_vectors)
            seconds["ease"] = time.perf_counter() - clock
        else:
            self.ease.n_artists = data.n_artists
        if "als" in components and data.plays.nnz:
            tell("ALS")
            clock = time.perf_counter()
            self.als.fit(
                data,
                warm_start=warm_start.als if warm_start is not None else None,
                iterations=als_iterations,
                tag_vectors=self.tag_vectors,
            )
            seconds["als"] = time.perf_counter() - clock
        else:
            zeros = np.zeros((data.n_artists, 1), dtype=np.float32)
            self.als.set_item_factors(zeros)
        if "knn" in components and data.plays.nnz:
            tell("item-kNN")
            clock = time.perf_counter()
            self.knn.fit(data)
            seconds["knn"] = time.perf_counter() - clock
        else:
            self.knn.similarity = sp.csr_matrix((data.n_artists, data.n_artists), dtype=np.float32)

    # --- scoring ---------------------------------------------------------------------------

    def components(self, rows: UserRows, wanted: tuple[str, ...] = COMPONENTS) -> ComponentScores:
        """Per-user max-scaled scores of the ``wanted`` components for ``rows``, a column per
        artist (what evaluation and tuning rank; one request uses `candidate_components`)."""
        log_rows = log_plays(rows.plays)
        known = sp.csr_matrix(rows.plays, dtype=bool)
        raw: dict[str, FloatArray] = {}
        if "ease" in wanted:
            raw["ease"] = self.ease.score(rows)
        if "als" in wanted:
            raw["als"] = self.als.score(rows)
        if "knn" in wanted:
            raw["knn"] = self.knn.score(rows)
        social_weights = self._social_weights(rows, log_rows, wanted)
        if "social" in wanted:
            raw["social"] = np.asarray(
                (social_weights @ self.user_vectors).toarray(), dtype=np.float32
            )
        profiles = self._tag_profiles(rows, log_rows, wanted)
        if "tags" in wanted:
            raw["tags"] = sparse_rows_product(profiles, self.tag_vectors_t)
        return ComponentScores(
            scaled={
                name: scale_per_user(scores, known, copy=False) for name, scores in raw.items()
            },
            known=known,
            tag_profiles=profiles,
            log_rows=log_rows,
            social_weights=social_weights,
        )

    def candidate_components(
        self, rows: UserRows, wanted: tuple[str, ...] = COMPONENTS, *, fill: int = 0
    ) -> ComponentScores:
        """`components` of one user's row on a candidate set of artists instead of all of them:
        the same values, column for column, for what one request needs to rank.

        The candidates are every artist some wanted component scores (EASE's kept artists,
        ALS's artists with factors, the non-zero entries of item-kNN, social and tags), the
        user's known artists, and the ``fill`` most listened artists beyond those. Every
        other artist scores exactly 0 in every component, so its blend is 0 and, among the
        zeros, the popularity order (`top_k`'s tie order) puts the ``fill`` ones first: a
        ``top_k`` of at most ``fill`` over the candidates equals the one over the
        catalogue. The per-user scaling is unchanged too: a row's maximum over the unknown
        artists only matters when positive, and then it is a candidate's.

        At 100× the real data (327,020 artists; one request, CPU, same run against
        `components`): popular 0.45 ms instead of 5.5 (its candidates are the ``fill``
        artists), social 1.0 instead of 1.6, cf 3.1 instead of 3.3 (ALS's 50,000 artists
        and a few more). A tag profile scores ~114,000 artists by itself, so for tags and
        the hybrid (~123,000 candidates) the narrower passes only pay for building the set.
        """
        if rows.n != 1:
            raise ValueError("candidate scores are for one user's row")
        log_rows = log_plays(rows.plays)
        known = np.unique(sp.csr_matrix(rows.plays).indices).astype(np.int64)
        found: dict[str, tuple[IntArray, FloatArray]] = {}
        if "ease" in wanted:
            found["ease"] = (self.ease.items, self.ease.score_items(rows)[0])
        if "als" in wanted:
            found["als"] = (self.als.items, self.als.score_items(rows)[0])
        if "knn" in wanted:
            product = self.knn.score_sparse(rows)
            found["knn"] = (product.indices.astype(np.int64), product.data.astype(np.float32))
        social_weights = self._social_weights(rows, log_rows, wanted)
        if "social" in wanted:
            product = sp.csr_matrix(social_weights @ self.user_vectors)
            found["social"] = (
                product.indices.astype(np.int64),
                product.data.astype(np.float32),
            )
        profiles = self._tag_profiles(rows, log_rows, wanted)
        wide: dict[str, npt.NDArray[np.float64]] = {}
        if "tags" in wanted:
            # a row per artist already (a bincount), and at 100× non-zero for a third of
            # them: read at the candidates rather than listed
            wide["tags"] = sparse_row_product(profiles, self.tag_vectors_t)
        chosen = np.zeros(self.n_artists, dtype=bool)
        for columns, _values in found.values():
            chosen[columns] = True
        for flat in wide.values():
            chosen |= flat != 0
        chosen[known] = True
        head = self._popular_head({"ease", "als"}.intersection(found))
        chosen[self._popular_beyond(chosen, fill, start=head)] = True
        items = np.flatnonzero(chosen).astype(np.int64)
        position = np.empty(self.n_artists, dtype=np.int64)
        position[items] = np.arange(len(items), dtype=np.int64)
        known_positions = position[known]  # ascending, as known and items are
        known_columns = sp.csr_matrix(
            (
                np.ones(len(known), dtype=bool),
                known_positions,
                np.array([0, len(known)], dtype=np.int64),
            ),
            shape=(1, len(items)),
        )
        scaled: dict[str, FloatArray] = {}
        for name, (columns, values) in found.items():
            row = np.zeros((1, len(items)), dtype=np.float32)
            row[0, position[columns]] = values
            scaled[name] = _scale_row(row, known_positions)
        for name, flat in wide.items():
            row = flat[items].astype(np.float32)[None, :]
            scaled[name] = _scale_row(row, known_positions)
        scaled = {name: scaled[name] for name in wanted if name in scaled}
        return ComponentScores(
            scaled=scaled,
            known=known_columns,
            tag_profiles=profiles,
            log_rows=log_rows,
            social_weights=social_weights,
            items=items,
        )

    def _popular_head(self, names: set[str]) -> int:
        """How many of the most listened artists (`popularity_order`) are, all of them,
        among the artists the components ``names`` (EASE, ALS) always score; cached per
        model. ALS's artists are the most listened ones: at 100× the first 50,000."""
        order = self.popularity_order()

        def build() -> npt.NDArray[Any]:
            covered = np.zeros(self.n_artists, dtype=bool)
            for name in names:
                covered[self.ease.items if name == "ease" else self.als.items] = True
            missing = np.flatnonzero(~covered[order])
            return np.asarray(len(order) if len(missing) == 0 else missing[0], dtype=np.int64)

        return int(self._derived("head:" + ",".join(sorted(names)), build))

    def _popular_beyond(
        self, taken: npt.NDArray[np.bool_], count: int, *, start: int = 0
    ) -> IntArray:
        """The ``count`` first artists in the popularity order (`popularity_rank`) that
        ``taken`` (a mask over the artists) does not hold; fewer if the catalogue runs out.
        The first ``start`` artists of that order must be taken (`_popular_head`).

        Walked in growing slices: past the head, the taken artists are few."""
        order = self.popularity_order()
        out: list[IntArray] = []
        missing, size = count, max(4 * count, 1024)
        while missing > 0 and start < len(order):
            window = order[start : start + size]
            free = window[~taken[window]][:missing]
            out.append(free)
            missing -= len(free)
            start += size
            size *= 4
        return np.concatenate(out) if out else np.zeros(0, dtype=np.int64)

    def _social_weights(
        self, rows: UserRows, log_rows: sp.csr_matrix, wanted: tuple[str, ...]
    ) -> sp.csr_matrix:
        if "social" not in wanted:
            return sp.csr_matrix((rows.n, self.n_users), dtype=np.float32)
        return self.social_weights(log_rows, rows.friends)

    def _tag_profiles(
        self, rows: UserRows, log_rows: sp.csr_matrix, wanted: tuple[str, ...]
    ) -> sp.csr_matrix:
        if "tags" not in wanted:
            return sp.csr_matrix((rows.n, self.n_tags), dtype=np.float32)
        return user_tag_profiles(
            log_rows,
            rows.tags,
            self.tag_vectors,
            self.idf,
            own_weight=self.params.own_tag_weight,
            tag_costs=self.tag_costs,
            budget=self.params.tag_profile_budget,
        )

    def social_weights(self, log_rows: sp.csr_matrix, friends: sp.csr_matrix) -> sp.csr_matrix:
        """n × users: ``social_floor + cosine(user, friend)`` on each friendship, else 0.

        Cosines are taken with the friends' rows only: a product with all of
        ``user_vectors.T`` (a CSC view) would have scipy convert every training listen to CSR
        per call — 9.3 M at 100× the real data, tens of ms a request, for ~14 friends.
        """
        friends = sp.csr_matrix(friends, dtype=np.float32)
        if friends.nnz == 0 or self.n_users == 0:
            return sp.csr_matrix(friends.shape, dtype=np.float32)
        users, mates = friends.nonzero()
        mine = l2_rows(log_rows)[users]
        likeness = np.asarray(mine.multiply(self.user_vectors[mates]).sum(axis=1)).ravel()
        weights = likeness + self.params.social_floor
        return sp.csr_matrix(
            (weights.astype(np.float32), (users, mates)), shape=friends.shape, dtype=np.float32
        )

    def blend(
        self,
        scores: ComponentScores,
        strategy: Strategy = Strategy.HYBRID,
        weights: BlendWeights | None = None,
    ) -> FloatArray:
        """The ranking scores of ``strategy``, a column per column of ``scores`` (known
        artists not masked; see `top`)."""
        w = weights or self.weights
        out = np.zeros(scores.known.shape, dtype=np.float32)
        names = STRATEGY_COMPONENTS[strategy]
        if len(names) == 1:
            out += scores.scaled[names[0]]
        else:
            for name in names:
                if w.of(name):
                    out += np.float32(w.of(name)) * scores.scaled[name]
            if w.popularity_penalty:
                discount = self.popularity_discount(w.popularity_penalty)
                out /= discount if scores.items is None else discount[scores.items]
        return out

    def top(
        self, scores: ComponentScores, blended: FloatArray, k: int
    ) -> tuple[npt.NDArray[np.int64], FloatArray]:
        """Each row's ``k`` best unknown artists (indices, ``-1`` padded, as `top_k`) and
        their ``blended`` scores (0 where padded), whether ``scores`` has a column per
        artist or a candidate set's (`candidate_components`, with ``fill`` ≥ ``k``)."""
        items = scores.items
        chosen = top_k(
            blended,
            scores.known,
            k,
            self.listeners,
            rank=self.popularity_rank(),
            items=items,
        )
        if blended.shape[1] == 0:
            return chosen, np.zeros(chosen.shape, dtype=np.float32)
        columns = np.maximum(chosen, 0)
        if items is not None:
            columns = np.minimum(np.searchsorted(items, columns), len(items) - 1)
        values = np.take_along_axis(blended, columns, axis=1)
        values[chosen < 0] = 0.0
        return chosen, values

    def _derived(self, key: str, build: Callable[[], npt.NDArray[Any]]) -> npt.NDArray[Any]:
        """``build()`` once per fitted model: the cache empties itself when ``listeners`` is
        replaced (a refit, or a model loaded from arrays)."""
        cache = self._discounts
        if cache.get("listeners") is not self.listeners:
            cache.clear()
            cache["listeners"] = self.listeners
        found = cache.get(key)
        if found is None:
            found = cache[key] = build()
        return found

    def popularity_discount(self, exponent: float) -> FloatArray:
        """``listeners ** exponent`` per artist (at least 1 listener), cached per exponent:
        a request would otherwise raise 327,020 numbers to a power at 100× the real data."""

        def build() -> npt.NDArray[Any]:
            base = np.maximum(self.listeners, 1).astype(np.float32)
            return np.power(base, np.float32(exponent))

        return self._derived(f"{exponent!r}", build)

    def popularity_rank(self) -> IntArray:
        """Each artist's place when ordered by listeners (descending), then index: the
        order ties are broken in (`top_k`), computed once per fitted model."""
        return self._derived("rank", lambda: popularity_rank(self.listeners))

    def popularity_order(self) -> IntArray:
        """The artists in the order of `popularity_rank` (its inverse), once per model."""

        def build() -> npt.NDArray[Any]:
            rank = self.popularity_rank()
            order = np.empty(len(rank), dtype=np.int64)
            order[rank] = np.arange(len(rank), dtype=np.int64)
            return order

        return self._derived("order", build)

    def score(self, rows: UserRows, strategy: Strategy = Strategy.HYBRID) -> FloatArray:
        """Scores as the evaluation harness wants them (`models.Scorer`)."""
        return self.blend(self.components(rows, STRATEGY_COMPONENTS[strategy]), strategy)

    # --- persistence -----------------------------------------------------------------------

    def to_arrays(self) -> Arrays:
        arrays: Arrays = {
            "hybrid.listeners": self.listeners,
            "hybrid.idf": self.idf,
            "hybrid.sizes": np.asarray([self.n_users, self.n_artists, self.n_tags], np.int64),
        }
        arrays.update(pack_csr("hybrid.user_vectors", self.user_vectors))
        arrays.update(pack_csr("hybrid.tag_vectors", self.tag_vectors))
        arrays.update(self.ease.to_arrays("ease"))
        arrays.update(self.als.to_arrays("als"))
        arrays.update(self.knn.to_arrays("knn"))
        return arrays

    @classmethod
    def from_arrays(
        cls, arrays: Arrays, params: HybridParams, weights: BlendWeights
    ) -> HybridModel:
        model = cls(params, weights)
        model.n_users, model.n_artists, model.n_tags = (int(x) for x in arrays["hybrid.sizes"])
        model.listeners = np.asarray(arrays["hybrid.listeners"], dtype=np.int64)
        model.idf = np.asarray(arrays["hybrid.idf"], dtype=np.float32)
        model.user_vectors = unpack_csr("hybrid.user_vectors", arrays)
        model.tag_vectors = unpack_csr("hybrid.tag_vectors", arrays)
        model.tag_vectors_t = sp.csr_matrix(model.tag_vectors.T)
        model.tag_costs = np.diff(model.tag_vectors_t.indptr).astype(np.int64)
        model.ease = EASE.from_arrays(
            arrays,
            "ease",
            model.n_artists,
            regularization=params.ease_regularization,
            min_listeners=params.ease_min_listeners,
            max_items=params.ease_max_items,
            tag_weight=params.ease_tag_weight,
        )
        model.als = ALS.from_arrays(
            arrays,
            "als",
            model.n_artists,
            factors=params.als_factors,
            regularization=params.als_regularization,
            alpha=params.als_alpha,
            iterations=params.als_iterations,
            tag_weight=params.als_tag_weight,
            max_items=params.als_max_items,
            seed=params.seed,
        )
        model.knn = ItemKNN.from_arrays(arrays, "knn", params.knn_neighbours)
        return model

    def describe(self) -> dict[str, Any]:
        return {"params": asdict(self.params), "weights": self.weights.as_dict()}


def scale_per_user(scores: FloatArray, known: sp.csr_matrix, *, copy: bool = True) -> FloatArray:
    """Zero the known artists, then divide each row by its maximum (rows whose maximum is
    not positive are left as they are: nothing there to rank by). ``copy=False`` scales
    ``scores`` in place (a fresh score matrix: no copy of 327,020 floats per component)."""
    out = np.array(scores, dtype=np.float32, copy=True) if copy else scores
    rows, cols = known.nonzero()
    out[rows, cols] = 0.0
    top = out.max(axis=1, keepdims=True) if out.shape[1] else np.ones((out.shape[0], 1))
    top = np.where(top > 0, top, 1.0).astype(np.float32)
    out /= top
    return out


def _scale_row(row: FloatArray, known: IntArray) -> FloatArray:
    """`scale_per_user` of one row in place, the known columns given as positions: the
    same arithmetic (a row whose maximum is not positive is divided by 1 there, i.e. left
    alone), without a sparse matrix's ``nonzero`` per component."""
    row[0, known] = 0.0
    if row.shape[1]:
        top = row.max()
        if top > 0:
            row /= np.float32(top)
    return row


def popularity_rank(listeners: IntArray) -> IntArray:
    """Each artist's place in the order listeners descending, then index ascending."""
    n = len(listeners)
    rank = np.empty(n, dtype=np.int64)
    rank[np.lexsort((np.arange(n), -np.asarray(listeners)))] = np.arange(n)
    return rank


def top_k(
    scores: FloatArray,
    known: sp.csr_matrix,
    k: int,
    listeners: IntArray | None = None,
    *,
    rank: IntArray | None = None,
    items: IntArray | None = None,
) -> npt.NDArray[np.int64]:
    """Indices of each row's ``k`` best unknown artists, best first; ``-1`` pads a row with
    fewer than ``k`` unknown artists.

    Order: score descending, then ``listeners`` descending (if given), then index ascending —
    a total order, so a model version always returns the same list for the same input.
    ``rank`` is `popularity_rank` of ``listeners`` if the caller has it cached; it is only
    needed when more artists tie with the k-th score than there are places left (a user
    nothing scored: every artist ties at 0), to take the places without sorting them all.

    ``items``: the artist each column of ``scores`` and ``known`` stands for (ascending; a
    candidate set), when not column ``j`` for artist ``j``; ``listeners`` and ``rank`` are
    still per artist (only the few artists that need them are read).
    """
    masked = np.array(scores, dtype=np.float32, copy=True)
    rows, cols = known.nonzero()
    masked[rows, cols] = -np.inf
    n_rows, n_items = masked.shape
    out = np.full((n_rows, max(k, 0)), -1, dtype=np.int64)
    k = min(k, n_items)
    if k <= 0:
        return out
    # the k-th largest, as the k-th smallest of the negation: numpy's introselect slows down
    # ~10x selecting from the top of rows full of ties (the zeros nothing scored)
    kth = -np.partition(-masked, k - 1, axis=1)[:, k - 1] if k < n_items else masked.min(axis=1)
    width = n_items if items is None else int(items[-1]) + 1
    popularity = listeners if listeners is not None else np.zeros(width, dtype=np.int64)
    for u in range(n_rows):
        row = masked[u]
        if not np.isfinite(kth[u]):
            candidates = np.flatnonzero(np.isfinite(row))
        else:
            # everything above the k-th score is in; the ties with it compete for the rest
            above = np.flatnonzero(row > kth[u])
            tied = np.flatnonzero(row == kth[u])
            places = k - len(above)
            if len(tied) > places:
                if rank is None:
                    rank = popularity_rank(popularity)
                tied_artists = tied if items is None else items[tied]
                tied = tied[np.argpartition(rank[tied_artists], places - 1)[:places]]
            candidates = np.concatenate([above, tied])
        artists = candidates if items is None else items[candidates]
        order = np.lexsort((artists, -popularity[artists], -row[candidates]))
        chosen = artists[order[:k]]
        out[u, : len(chosen)] = chosen
    return out
