"""The serving side: a fitted `HybridModel` with its id maps, answering in Last.fm ids.

Everything a request needs is in memory; the caller passes the user's *current* state
(`UserProfile`, read from the database at request time), which is the fold-in: a listen
written a second ago counts, and a user created after training is scored from whatever
listens, friends and tags they have — or, with none, gets the most listened artists.

Results carry ids only (artists, users, tags) and why each artist was chosen; the service
layer adds names. Every list is deterministic for a model version and a profile: scores are
computed by the same arrays, and ties fall to more listeners, then the lower id.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from server.recommend.data import IntArray, UserProfile, UserRows, index_of
from server.recommend.features import gathered_rows, l2_rows, log_plays, select_columns
from server.recommend.hybrid import (
    CF_COMPONENTS,
    STRATEGY_COMPONENTS,
    ComponentScores,
    HybridModel,
    top_k,
)
from server.recommend.strategy import Strategy


@lru_cache(maxsize=1)
def _blas_controller() -> Any:
    from threadpoolctl import ThreadpoolController  # type: ignore[import-untyped]

    return ThreadpoolController()


@contextmanager
def single_threaded_blas() -> Iterator[None]:
    """Score with BLAS on one thread.

    A request's BLAS work (ALS fold-in and its 17,632 × 128 product) is too small to gain from
    threads, and a threaded OpenBLAS under CPU contention (other requests, other processes)
    busy-waits for its helper thread: measured with both cores busy, p50 68 ms threaded vs
    8 ms single-threaded; no difference on an idle machine. The limit is process-wide while
    held (threadpoolctl); overlapping requests at worst run threaded, never wrongly.
    """
    with _blas_controller().limit(limits=1, user_api="blas"):
        yield


REASON_ITEMS = 3
"""Artists, friends or tags named per reason."""
TAG_SIMILARITY_WEIGHT = 0.2
"""Weight of tag cosine beside co-listening cosine in `similar_artists`: co-listening decides,
tags order the artists that share no listener (and all neighbours of a one-listener artist)."""


def dense_columns(matrix: sp.csr_matrix, columns: npt.NDArray[np.int64]) -> npt.NDArray[Any]:
    """``matrix[:, columns].toarray()`` for distinct ``columns``, matched by a search in the
    sorted columns: scipy's column indexing builds an array as wide as the matrix per call
    (327,020 artists at 100×) for a few rows and ~20 columns."""
    order = np.argsort(columns, kind="stable")
    picked: npt.NDArray[Any] = np.asarray(select_columns(matrix, columns[order]).toarray())
    out = np.empty_like(picked)
    out[:, order] = picked
    return out


def _best_rows(values: npt.NDArray[Any], ids: npt.NDArray[np.int64]) -> list[npt.NDArray[np.int64]]:
    """Per column of ``values`` (rows × columns), the ``ids`` of its rows with positive
    values, the largest first (ties: lower id), at most ``REASON_ITEMS``."""
    if values.shape[1] == 0:
        return []
    keys = (np.broadcast_to(ids[:, None], values.shape), -values)
    order = np.lexsort(keys, axis=0)[:REASON_ITEMS]
    best = np.take_along_axis(values, order, axis=0)
    named = ids[order]
    return [named[best[:, c] > 0, c] for c in range(values.shape[1])]


@dataclass(frozen=True, slots=True)
class SimilarArtistsReason:
    """The user's artists that contributed most to the collaborative score."""

    artist_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class FriendsReason:
    """Friends who listen to the artist (most plays first) and how many do."""

    user_ids: tuple[int, ...]
    total: int


@dataclass(frozen=True, slots=True)
class TagsReason:
    """Tags that the user's taste and the artist share, strongest first."""

    tag_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class PopularReason:
    """Chosen for popularity alone: nothing in the user's data pointed at it."""

    listeners: int


Reason = SimilarArtistsReason | FriendsReason | TagsReason | PopularReason


@dataclass(frozen=True, slots=True)
class Recommended:
    artist_id: int
    score: float
    reasons: tuple[Reason, ...]


@dataclass(frozen=True, slots=True)
class SimilarArtist:
    artist_id: int
    score: float


@dataclass(frozen=True, slots=True)
class SimilarUser:
    user_id: int
    score: float
    shared_artists: int
    is_friend: bool


@dataclass(frozen=True, slots=True)
class ModelInfo:
    """Identity of a fitted model: what it was trained on, and when."""

    model_version: str
    data_version: int
    trained_at: str
    source_fingerprint: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class Recommender:
    """A fitted hybrid plus the ids its rows and columns stand for."""

    def __init__(
        self,
        model: HybridModel,
        info: ModelInfo,
        *,
        user_ids: IntArray,
        artist_ids: IntArray,
        tag_ids: IntArray,
    ) -> None:
        self.model = model
        self.info = info
        self.user_ids = np.asarray(user_ids, dtype=np.int64)
        self.artist_ids = np.asarray(artist_ids, dtype=np.int64)
        self.tag_ids = np.asarray(tag_ids, dtype=np.int64)

    @property
    def model_version(self) -> str:
        return self.info.model_version

    def nbytes(self) -> int:
        """Memory held by the model's arrays (the dominant part of its footprint)."""
        total = self.user_ids.nbytes + self.artist_ids.nbytes + self.tag_ids.nbytes
        for value in self.model.to_arrays().values():
            total += int(value.nbytes)
        return total

    # --- recommendations -------------------------------------------------------------------

    def recommend(
        self,
        profile: UserProfile,
        *,
        limit: int,
        strategy: Strategy = Strategy.HYBRID,
        exhaustive: bool = False,
    ) -> list[Recommended]:
        """The ``limit`` best artists ``profile``'s user does not listen to, with reasons.

        Scored on the candidate set of `HybridModel.candidate_components`; ``exhaustive``
        scores every artist instead (what evaluation ranks: the same answer, slower — the
        reference the candidate path is tested against).
        """
        rows, _unknown = self._rows(profile)
        wanted = self._scored_components(strategy)
        with single_threaded_blas():
            if exhaustive:
                scores = self.model.components(rows, wanted)
            else:
                scores = self.model.candidate_components(rows, wanted, fill=limit)
            blended = self.model.blend(scores, strategy)
        found, found_values = self.model.top(scores, blended, limit)
        chosen, values = found[0][found[0] >= 0], found_values[0][found[0] >= 0]
        scale = self._score_scale(strategy)
        top_listeners = max(int(self.model.listeners.max(initial=0)), 1)
        scored = chosen[(values > 0) & (strategy is not Strategy.POPULAR)]
        evidence = self._evidence(scored, scores, wanted)
        out: list[Recommended] = []
        for item, value in zip(chosen.tolist(), values.tolist(), strict=True):
            if item in evidence:
                score = value / scale
                reasons = evidence[item]
            else:
                listeners = int(self.model.listeners[item])
                score = listeners / top_listeners if strategy is Strategy.POPULAR else 0.0
                reasons = (PopularReason(listeners),)
            out.append(Recommended(int(self.artist_ids[item]), round(score, 6), reasons))
        return out

    def _scored_components(self, strategy: Strategy) -> tuple[str, ...]:
        """The components ``strategy`` blends, without those the blend weighs at 0 (each is
        a full pass over the catalogue per request; their reasons would be untrue too)."""
        names = STRATEGY_COMPONENTS[strategy]
        if len(names) <= 1:
            return names
        return tuple(name for name in names if self.model.weights.of(name))

    def _score_scale(self, strategy: Strategy) -> float:
        """Blends are sums of per-user max-scaled components: dividing by the sum of the
        weights puts scores in [0, 1] before the popularity discount."""
        names = STRATEGY_COMPONENTS[strategy]
        if len(names) <= 1:
            return 1.0
        total = sum(self.model.weights.of(name) for name in names)
        return total if total > 0 else 1.0

    def _evidence(
        self, items: npt.NDArray[np.int64], scores: ComponentScores, wanted: tuple[str, ...]
    ) -> dict[int, tuple[Reason, ...]]:
        """Reasons for each of ``items`` (indices), each kind computed once for all items:
        per-item sparse indexing would cost more than the scoring itself."""
        reasons: dict[int, list[Reason]] = {int(item): [] for item in items}
        if len(items) == 0:
            return {}
        if any(name in wanted for name in CF_COMPONENTS):
            found = self._contributing_artists(items, scores.log_rows, factors="als" in wanted)
            for item, artists in found.items():
                reasons[item].append(SimilarArtistsReason(artists))
        if "social" in wanted:
            for item, friends in self._listening_friends(items, scores.social_weights).items():
                reasons[item].append(friends)
        if "tags" in wanted:
            for item, tags in self._shared_tags(items, scores.tag_profiles).items():
                reasons[item].append(TagsReason(tags))
        return {
            item: tuple(found) if found else (PopularReason(int(self.model.listeners[item])),)
            for item, found in reasons.items()
        }

    def _contributing_artists(
        self, items: npt.NDArray[np.int64], log_rows: sp.csr_matrix, *, factors: bool
    ) -> dict[int, tuple[int, ...]]:
        """Per item, the user's artists ``i`` with the largest ``x_ui · (B[i, item] +
        S[i, item] + cos(V_i, V_item))`` (EASE weights, item-kNN similarity and, when ALS
        is blended, the cosine of its item factors), positive ones only."""
        own = log_rows.indices[log_rows.indptr[0] : log_rows.indptr[1]]
        if len(own) == 0:
            return {}
        weight = log_rows.data[log_rows.indptr[0] : log_rows.indptr[1]].astype(np.float64)
        link = dense_columns(self.model.knn.similarity[own], items).astype(np.float64)
        ease = self.model.ease
        item_pos, item_found = index_of(ease.items, items)
        own_pos, own_found = index_of(ease.items, own)
        if item_found.any() and own_found.any():
            block = ease.weights[np.ix_(own_pos[own_found], item_pos[item_found])]
            link[np.ix_(own_found, item_found)] += block
        if factors:
            link += self._factor_similarity(own, items)
        contribution = weight[:, None] * link
        own_ids = self.artist_ids[own]
        best = _best_rows(contribution, own_ids)
        return {
            item: tuple(int(a) for a in found)
            for item, found in zip(items.tolist(), best, strict=True)
            if len(found)
        }

    def _factor_similarity(
        self, own: npt.NDArray[np.int64], items: npt.NDArray[np.int64]
    ) -> npt.NDArray[np.float64]:
        """Cosine of ALS item factors between the user's artists (rows) and ``items``
        (columns), negatives as 0: the evidence behind an ALS score, which neither EASE's
        block nor the item-kNN links may cover (an item outside EASE's artists, or linked
        to the user's artists only through the factors)."""
        als = self.model.als
        out = np.zeros((len(own), len(items)), dtype=np.float64)
        item_pos, item_found = index_of(als.items, items)
        own_pos, own_found = index_of(als.items, own)
        if not (item_found.any() and own_found.any()):
            return out
        mine = als.item_factors[own_pos[own_found]].astype(np.float64)
        theirs = als.item_factors[item_pos[item_found]].astype(np.float64)
        mine /= np.maximum(np.linalg.norm(mine, axis=1, keepdims=True), 1e-12)
        theirs /= np.maximum(np.linalg.norm(theirs, axis=1, keepdims=True), 1e-12)
        out[np.ix_(own_found, item_found)] = np.clip(mine @ theirs.T, 0.0, None)
        return out

    def _listening_friends(
        self, items: npt.NDArray[np.int64], social: sp.csr_matrix
    ) -> dict[int, FriendsReason]:
        friends = social.indices[social.indptr[0] : social.indptr[1]]
        if len(friends) == 0:
            return {}
        plays = dense_columns(self.model.user_vectors[friends], items)
        friend_ids = self.user_ids[friends]
        listening = np.count_nonzero(plays > 0, axis=0)
        named = _best_rows(plays, friend_ids)
        return {
            item: FriendsReason(tuple(int(u) for u in found), int(total))
            for item, found, total in zip(items.tolist(), named, listening.tolist(), strict=True)
            if total
        }

    def _shared_tags(
        self, items: npt.NDArray[np.int64], profiles: sp.csr_matrix
    ) -> dict[int, tuple[int, ...]]:
        """Per item, the tags with the largest ``profile[t] · tag_vector[item, t]``.

        The profile's (~100) tags are searched in each item's (sorted) row, all items at
        once: at 100× a chosen artist carries thousands of tags, and matching each of them
        against the profile, or scipy's element-wise product of the rows with the profile
        (which walked all 444,248 tags), cost more. Ordered for all items at once too."""
        profile = sp.csr_matrix(profiles[0])
        profile.sort_indices()
        mine, strength = profile.indices.astype(np.int64), profile.data
        vectors = self.model.tag_vectors
        if len(mine) == 0 or len(items) == 0:
            return {}
        if not vectors.has_sorted_indices:
            vectors.sort_indices()  # once per model (saved models have them sorted)
        lengths, columns, values = gathered_rows(vectors, items)
        width = np.int64(vectors.shape[1])
        keys = np.repeat(np.arange(len(items), dtype=np.int64), lengths) * width + columns
        if len(keys) == 0:
            return {}
        queries = (np.arange(len(items), dtype=np.int64)[:, None] * width + mine).ravel()
        pos = np.minimum(np.searchsorted(keys, queries), len(keys) - 1)
        hit = keys[pos] == queries
        owner = np.repeat(np.arange(len(items)), len(mine))[hit]
        which = np.tile(np.arange(len(mine)), len(items))[hit]
        tags = mine[which]
        weight = values[pos[hit]] * strength[which]
        keep = weight > 0
        owner, tags, weight = owner[keep], tags[keep], weight[keep]
        order = np.lexsort((self.tag_ids[tags], -weight, owner))
        owner = owner[order]
        place = np.arange(len(order)) - np.searchsorted(owner, owner)  # within its item
        first = place < REASON_ITEMS
        out: dict[int, list[int]] = {}
        item_list = items.tolist()
        for row, tag in zip(owner[first].tolist(), tags[order][first].tolist(), strict=True):
            out.setdefault(item_list[row], []).append(int(self.tag_ids[tag]))
        return {item: tuple(found) for item, found in out.items()}

    # --- similarity ------------------------------------------------------------------------

    def similar_artists(self, artist_id: int, *, limit: int) -> list[SimilarArtist] | None:
        """Artists most like ``artist_id``: co-listening cosine (item-kNN) plus
        ``TAG_SIMILARITY_WEIGHT`` × tag cosine; None if the model does not know the artist."""
        pos, found = index_of(self.artist_ids, [artist_id])
        if not found[0]:
            return None
        item = int(pos[0])
        scores = np.asarray(self.model.knn.similarity[item].toarray(), dtype=np.float32)
        tags = self.model.tag_vectors[item] @ self.model.tag_vectors_t
        scores += TAG_SIMILARITY_WEIGHT * np.asarray(sp.csr_matrix(tags).toarray(), np.float32)
        scores[0, item] = 0.0
        scores[scores <= 0] = -np.inf  # only artists with some evidence of likeness
        known = sp.csr_matrix((1, len(self.artist_ids)), dtype=bool)
        chosen = top_k(
            scores, known, limit, self.model.listeners, rank=self.model.popularity_rank()
        )[0]
        return [
            SimilarArtist(int(self.artist_ids[i]), round(float(scores[0, i]), 6))
            for i in chosen
            if i >= 0
        ]

    def similar_users(self, profile: UserProfile, *, limit: int) -> list[SimilarUser]:
        """Users whose (training-time) ``log1p`` play vectors have the highest cosine with
        the user's current one; the user themself excluded."""
        rows, _unknown = self._rows(profile)
        mine = l2_rows(log_plays(rows.plays))
        scores = np.asarray((mine @ self.model.user_vectors.T).toarray(), dtype=np.float32)
        pos, found = index_of(self.user_ids, [profile.user_id])
        if found[0]:
            scores[0, pos[0]] = 0.0
        scores[scores <= 0] = -np.inf
        known = sp.csr_matrix((1, len(self.user_ids)), dtype=bool)
        chosen = top_k(scores, known, limit)[0]
        chosen = chosen[chosen >= 0]
        own = set(mine.indices.tolist())
        friends = set(profile.friend_ids)
        out = []
        for u in chosen:
            theirs = self.model.user_vectors.indices[
                self.model.user_vectors.indptr[u] : self.model.user_vectors.indptr[u + 1]
            ]
            user_id = int(self.user_ids[u])
            out.append(
                SimilarUser(
                    user_id=user_id,
                    score=round(float(scores[0, u]), 6),
                    shared_artists=len(own.intersection(theirs.tolist())),
                    is_friend=user_id in friends,
                )
            )
        return out

    def _rows(self, profile: UserProfile) -> tuple[UserRows, list[int]]:
        return profile.rows(self.user_ids, self.artist_ids, self.tag_ids)
