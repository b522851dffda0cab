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

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp

from server.recommend.data import IntArray, UserProfile, UserRows, index_of
from server.recommend.features import l2_rows, log_plays
from server.recommend.hybrid import (
    CF_COMPONENTS,
    STRATEGY_COMPONENTS,
    ComponentScores,
    HybridModel,
    top_k,
)
from server.recommend.strategy import Strategy

REASON_ITEMS = 3
"""Artists, friends or tags named per reason."""
TAG_SIMILARITY_WEIGHT = 0.2
"""Weight of tag cosine beside co-listening cosine in `similar_artists`: co-listening decides,
tags order the artists that share no listener (and all neighbours of a one-listener artist)."""


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
        self, profile: UserProfile, *, limit: int, strategy: Strategy = Strategy.HYBRID
    ) -> list[Recommended]:
        """The ``limit`` best artists ``profile``'s user does not listen to, with reasons."""
        rows, _unknown = self._rows(profile)
        wanted = STRATEGY_COMPONENTS[strategy]
        scores = self.model.components(rows, wanted)
        blended = self.model.blend(scores, strategy)
        chosen = top_k(blended, scores.known, limit, self.model.listeners)[0]
        chosen = chosen[chosen >= 0]
        scale = self._score_scale(strategy)
        top_listeners = max(int(self.model.listeners.max(initial=0)), 1)
        out: list[Recommended] = []
        for item in chosen:
            value = float(blended[0, item])
            if strategy is Strategy.POPULAR or value <= 0:
                listeners = int(self.model.listeners[item])
                score = listeners / top_listeners if strategy is Strategy.POPULAR else 0.0
                reasons: tuple[Reason, ...] = (PopularReason(listeners),)
            else:
                score = value / scale
                reasons = self._reasons(int(item), rows, scores, wanted)
            out.append(Recommended(int(self.artist_ids[item]), round(score, 6), reasons))
        return out

    def _score_scale(self, strategy: Strategy) -> float:
        """Blends are sums of per-user max-scaled components: dividing by the sum of the
        weights puts scores in [0, 1] before the popularity discount."""
        names = STRATEGY_COMPONENTS[strategy]
        if len(names) <= 1:
            return 1.0
        total = sum(self.model.weights.of(name) for name in names)
        return total if total > 0 else 1.0

    def _reasons(
        self, item: int, rows: UserRows, scores: ComponentScores, wanted: tuple[str, ...]
    ) -> tuple[Reason, ...]:
        reasons: list[Reason] = []
        if any(name in wanted for name in CF_COMPONENTS):
            contributors = self._contributing_artists(item, scores.log_rows)
            if contributors:
                reasons.append(SimilarArtistsReason(contributors))
        if "social" in wanted:
            friends = self._listening_friends(item, scores.social_weights)
            if friends is not None:
                reasons.append(friends)
        if "tags" in wanted:
            tags = self._shared_tags(item, scores.tag_profiles)
            if tags:
                reasons.append(TagsReason(tags))
        if not reasons:
            reasons.append(PopularReason(int(self.model.listeners[item])))
        return tuple(reasons)

    def _contributing_artists(self, item: int, log_rows: sp.csr_matrix) -> tuple[int, ...]:
        """The user's artists ``i`` with the largest ``x_ui · (B[i, item] + S[i, item])``
        (EASE weights and item-kNN similarity)."""
        own = log_rows.indices[log_rows.indptr[0] : log_rows.indptr[1]]
        if len(own) == 0:
            return ()
        weight = log_rows.data[log_rows.indptr[0] : log_rows.indptr[1]].astype(np.float64)
        link = np.asarray(self.model.knn.similarity[own, item].toarray()).ravel()
        ease = self.model.ease
        pos, found = index_of(ease.items, [item])
        if found[0]:
            own_pos, own_found = index_of(ease.items, own)
            column = ease.weights[own_pos, pos[0]]
            link = link + np.where(own_found, column, 0.0)
        contribution = weight * link
        order = np.lexsort((self.artist_ids[own], -contribution))
        best = [i for i in order[:REASON_ITEMS] if contribution[i] > 0]
        return tuple(int(self.artist_ids[own[i]]) for i in best)

    def _listening_friends(self, item: int, social: sp.csr_matrix) -> FriendsReason | None:
        friends = social.indices[social.indptr[0] : social.indptr[1]]
        if len(friends) == 0:
            return None
        plays = np.asarray(self.model.user_vectors[friends, item].toarray()).ravel()
        listening = plays > 0
        if not listening.any():
            return None
        who, amount = friends[listening], plays[listening]
        order = np.lexsort((self.user_ids[who], -amount))
        return FriendsReason(
            tuple(int(self.user_ids[who[i]]) for i in order[:REASON_ITEMS]), len(who)
        )

    def _shared_tags(self, item: int, profiles: sp.csr_matrix) -> tuple[int, ...]:
        artist = self.model.tag_vectors[item]
        shared = sp.csr_matrix(artist.multiply(profiles[0]))
        if shared.nnz == 0:
            return ()
        tags, weight = shared.indices, shared.data
        order = np.lexsort((self.tag_ids[tags], -weight))
        return tuple(int(self.tag_ids[tags[i]]) for i in order[:REASON_ITEMS] if weight[i] > 0)

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
        chosen = top_k(scores, known, limit, self.model.listeners)[0]
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
