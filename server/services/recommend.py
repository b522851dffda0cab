"""Recommendation use cases shared by REST and GraphQL: a user's recommendations, an artist's
similar artists, a user's similar users.

Where the model comes from (`RecommenderStore`, held on ``app.state.recommender``):

1. the model file `load_recommender` found at start-up — trained by ``soundstream recommend
   train`` (``soundstream up`` runs it when the model is missing or stale) — is served even
   if writes happened since: the requesting user's rows are read now and folded in;
2. with no model file, a database of at most ``LAZY_TRAIN_MAX_LISTENS`` listens gets one
   trained in-process on first use (milliseconds; the test fixtures, a fresh install), again
   after each write (it is keyed by the data version, and that small it costs nothing);
3. a larger database without a model file is not trained inside a request (tens of seconds):
   answers fall back to the friend-based recommender of `server.services.social` and to the
   most listened artists, similar artists/users to overlap counts in SQL — and every such
   answer says so in ``fallback`` with ``model_version`` null.

Per request, with a model: the user's listens, friends and tag counts (three primary-key range
reads), then numpy over in-memory matrices, then one read for the names of what is returned.
Artists deleted since training are dropped there; artists created since training cannot be
recommended until the next training (the model has no column for them).
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from pydantic import BaseModel
from sqlalchemy.orm import Session

from server.config import Settings
from server.db.meta import get_data_version
from server.errors import InvalidInputError
from server.recommend.data import UserProfile
from server.recommend.recommender import (
    FriendsReason as FoundFriends,
)
from server.recommend.recommender import (
    PopularReason as FoundPopular,
)
from server.recommend.recommender import (
    Reason as FoundReason,
)
from server.recommend.recommender import (
    Recommender,
)
from server.recommend.recommender import (
    SimilarArtistsReason as FoundSimilar,
)
from server.recommend.recommender import (
    TagsReason as FoundTags,
)
from server.recommend.strategy import Strategy
from server.repositories import recommend as repo
from server.repositories import users as users_repo
from server.schemas.recommend import (
    MAX_LIMIT,
    ArtistRef,
    FriendsReason,
    PopularReason,
    Reason,
    RecommendationPublic,
    RecommendationsPublic,
    SimilarArtistPublic,
    SimilarArtistsPublic,
    SimilarArtistsReason,
    SimilarUserPublic,
    SimilarUsersPublic,
    TagRef,
    TagsReason,
    UserRef,
)
from server.services.artists import require_artist
from server.services.cache import ResultCache
from server.services.users import user_not_found

log = logging.getLogger("soundstream.recommend")

LAZY_TRAIN_MAX_LISTENS = 20_000
"""Largest database (in listens) trained in-process when no model file exists (~0.1 s)."""
SLACK = 10
"""Extra items asked of the model, so artists deleted since training can be dropped."""
POPULAR_CACHED = MAX_LIMIT + 50
"""Most-listened artists cached per data version for the fallback (known ones are skipped)."""
NO_MODEL = "no trained model on this server (run `soundstream recommend train`): {what}"


class RecommenderStore:
    """The model a process serves: the loaded file, or one trained in-process per data
    version for a small database, or None (fallbacks). Thread-safe."""

    def __init__(
        self,
        settings: Settings,
        loaded: Recommender | None = None,
        *,
        lazy_max_listens: int = LAZY_TRAIN_MAX_LISTENS,
    ) -> None:
        self.settings = settings
        self.loaded = loaded
        self.lazy_max_listens = lazy_max_listens
        self._lazy: Recommender | None = None
        # The data version last found too large to train in-process: the COUNT(*) over the
        # listens that decides it runs once per version, not on every request (at 9 M
        # listens it costs ~0.5 s on PostgreSQL).
        self._too_large_version: int | None = None
        self._lock = threading.Lock()

    def get(self, session: Session, data_version: int | None = None) -> Recommender | None:
        if self.loaded is not None:
            return self.loaded
        version = get_data_version(session) if data_version is None else data_version
        lazy = self._lazy
        if lazy is not None and lazy.info.data_version == version:
            return lazy
        if self._too_large_version == version:
            return None
        with self._lock:
            lazy = self._lazy
            if lazy is not None and lazy.info.data_version == version:
                return lazy
            if self._too_large_version == version:
                return None
            if repo.listen_count(session) > self.lazy_max_listens:
                self._too_large_version = version
                return None
            from server.recommend.lifecycle import fit_in_process

            self._lazy = fit_in_process(session, self.settings)
            log.info("recommender trained in-process for data version %d", version)
            return self._lazy

    def replace(self, recommender: Recommender | None) -> None:
        """Serve another loaded model from now on (e.g. after training in the background)."""
        with self._lock:
            self.loaded = recommender


_state_guard = threading.Lock()


def recommender_store(state: Any) -> RecommenderStore:
    """The store on an app's ``state`` (REST: ``request.app.state``; GraphQL: the same app).

    Start-up puts what `load_recommender` returned there — a `Recommender` or None; the first
    caller wraps it in a `RecommenderStore`, once, and every later caller gets that store.
    """
    with _state_guard:
        held = getattr(state, "recommender", None)
        if isinstance(held, RecommenderStore):
            return held
        store = RecommenderStore(state.settings, held if isinstance(held, Recommender) else None)
        state.recommender = store
        return store


def _check_limit(limit: int) -> None:
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInputError(f"limit must be between 1 and {MAX_LIMIT}")


def load_profile(session: Session, user_id: int) -> UserProfile:
    """The user's listens, friends and tag counts as they are now; 404 for no such user."""
    state = repo.user_state(session, user_id)
    if not state.exists:
        raise user_not_found(user_id)
    return UserProfile(
        user_id=user_id,
        plays=state.plays,
        friend_ids=tuple(state.friend_ids),
        tag_counts=state.tag_counts,
    )


# --- recommendations -------------------------------------------------------------------------


def recommend_for_user(
    session: Session,
    recommender: Recommender | None,
    user_id: int,
    *,
    limit: int = 10,
    strategy: Strategy = Strategy.HYBRID,
    cache: ResultCache | None = None,
    data_version: int | None = None,
) -> RecommendationsPublic:
    """Up to ``limit`` artists the user does not listen to, best first, with reasons.

    Never an artist the user listens to, never twice the same artist; the same list for the
    same model version and user state. Raises `NotFoundError` for an unknown user,
    `InvalidInputError` for ``limit`` outside 1–100.
    """
    _check_limit(limit)
    profile = load_profile(session, user_id)
    if recommender is None:
        return _fallback_recommendations(
            session, profile, limit=limit, strategy=strategy, cache=cache, version=data_version
        )
    found = recommender.recommend(profile, limit=limit + SLACK, strategy=strategy)
    artist_ids: set[int] = set()
    tag_ids: set[int] = set()
    for item in found:
        artist_ids.add(item.artist_id)
        for reason in item.reasons:
            if isinstance(reason, FoundSimilar):
                artist_ids.update(reason.artist_ids)
            elif isinstance(reason, FoundTags):
                tag_ids.update(reason.tag_ids)
    names, tags = repo.names(session, artist_ids, tag_ids)
    existing = [item for item in found if item.artist_id in names][:limit]  # deleted since
    items = [
        RecommendationPublic(
            artist_id=item.artist_id,
            name=names[item.artist_id],
            score=item.score,
            reasons=[r for r in (_reason(x, names, tags) for x in item.reasons) if r is not None],
        )
        for item in existing
    ]
    return RecommendationsPublic(
        user_id=user_id,
        strategy=strategy,
        model_version=recommender.model_version,
        items=items,
    )


def _reason(found: FoundReason, names: dict[int, str], tags: dict[int, str]) -> Reason | None:
    if isinstance(found, FoundSimilar):
        artists = [ArtistRef(artist_id=a, name=names[a]) for a in found.artist_ids if a in names]
        return SimilarArtistsReason(artists=artists) if artists else None
    if isinstance(found, FoundFriends):
        return FriendsReason(users=[UserRef(user_id=u) for u in found.user_ids], total=found.total)
    if isinstance(found, FoundTags):
        refs = [TagRef(tag_id=t, name=tags[t]) for t in found.tag_ids if t in tags]
        return TagsReason(tags=refs) if refs else None
    if isinstance(found, FoundPopular):
        return PopularReason(listeners=found.listeners)
    raise TypeError(f"unknown reason {found!r}")


class PopularArtists(BaseModel):
    """``(artist id, name, listeners)`` of the most listened artists (cached per version)."""

    rows: list[tuple[int, str, int]]


def popular_artists(
    session: Session, cache: ResultCache | None, version: int | None
) -> PopularArtists:
    def compute() -> PopularArtists:
        top = repo.popular_artists(session, POPULAR_CACHED)
        names = repo.artist_names(session, [a for a, _n in top])
        return PopularArtists(rows=[(a, names[a], n) for a, n in top if a in names])

    if cache is None:
        return compute()
    current = get_data_version(session) if version is None else version
    return cache.get_or_compute("recommend-popular", {}, current, compute, PopularArtists)


def _fallback_recommendations(
    session: Session,
    profile: UserProfile,
    *,
    limit: int,
    strategy: Strategy,
    cache: ResultCache | None,
    version: int | None,
) -> RecommendationsPublic:
    """Friends' artists (hybrid, social) then the most listened artists (every strategy)."""
    items: list[RecommendationPublic] = []
    seen = set(profile.plays)
    what = "the most listened artists"
    if strategy in (Strategy.HYBRID, Strategy.SOCIAL) and profile.friend_ids:
        from server.services import social

        found = social.friend_recommendations(
            session,
            cache or ResultCache(max_entries=8),
            profile.user_id,
            limit=limit,
            data_version=version,
        )
        what = "artists the user's friends play, then the most listened artists"
        top = max((item.score for item in found.items), default=0.0) or 1.0
        for item in found.items:
            if item.id in seen or item.name is None:
                continue
            friends = [c.user for c in item.contributors if c.distance == 1]
            if not friends:  # friends of friends only: not what a "friends" reason says
                continue
            reason = FriendsReason(
                users=[UserRef(user_id=u) for u in friends[:3]], total=len(friends)
            )
            items.append(
                RecommendationPublic(
                    artist_id=item.id,
                    name=item.name,
                    score=round(item.score / top, 6),
                    reasons=[reason],
                )
            )
            seen.add(item.id)
    for artist_id, name, listeners in popular_artists(session, cache, version).rows:
        if len(items) >= limit:
            break
        if artist_id in seen:
            continue
        items.append(
            RecommendationPublic(
                artist_id=artist_id,
                name=name,
                score=0.0,
                reasons=[PopularReason(listeners=listeners)],
            )
        )
        seen.add(artist_id)
    return RecommendationsPublic(
        user_id=profile.user_id,
        strategy=strategy,
        model_version=None,
        fallback=NO_MODEL.format(what=what),
        items=items[:limit],
    )


# --- similar artists and users ---------------------------------------------------------------


def similar_artists(
    session: Session, recommender: Recommender | None, artist_id: int, *, limit: int = 10
) -> SimilarArtistsPublic:
    """Artists most like ``artist_id`` (item-item similarity); 404 for an unknown artist."""
    _check_limit(limit)
    require_artist(session, artist_id)
    found = (
        recommender.similar_artists(artist_id, limit=limit + SLACK)
        if recommender is not None
        else None
    )
    if found is None:
        # no model, or an artist created after training: shared listeners, counted in SQL
        rows = repo.co_listened_artists(session, artist_id, limit + SLACK)
        names = repo.artist_names(session, [a for a, _n in rows])
        items = [
            SimilarArtistPublic(artist_id=a, name=names[a], score=float(n))
            for a, n in rows
            if a in names
        ]
        what = "artists sharing the most listeners" + (
            "" if recommender is None else " (the model predates this artist)"
        )
        return SimilarArtistsPublic(
            artist_id=artist_id,
            model_version=None,
            fallback=NO_MODEL.format(what=what) if recommender is None else what,
            items=items[:limit],
        )
    names = repo.artist_names(session, [s.artist_id for s in found])
    return SimilarArtistsPublic(
        artist_id=artist_id,
        model_version=recommender.model_version if recommender is not None else None,
        items=[
            SimilarArtistPublic(artist_id=s.artist_id, name=names[s.artist_id], score=s.score)
            for s in found
            if s.artist_id in names
        ][:limit],
    )


def similar_users(
    session: Session, recommender: Recommender | None, user_id: int, *, limit: int = 10
) -> SimilarUsersPublic:
    """Users whose listening is most like the user's (cosine of ``log1p`` play vectors, the
    user's read now); 404 for an unknown user."""
    _check_limit(limit)
    profile = load_profile(session, user_id)
    friends = set(profile.friend_ids)
    if recommender is None:
        rows = repo.users_sharing_artists(session, user_id, limit)
        return SimilarUsersPublic(
            user_id=user_id,
            model_version=None,
            fallback=NO_MODEL.format(what="users sharing the most artists"),
            items=[
                SimilarUserPublic(
                    user_id=u, score=float(n), shared_artists=n, is_friend=u in friends
                )
                for u, n in rows
            ],
        )
    found = recommender.similar_users(profile, limit=limit + SLACK)
    existing = users_repo.existing(session, [s.user_id for s in found]) if found else set()
    return SimilarUsersPublic(
        user_id=user_id,
        model_version=recommender.model_version,
        items=[
            SimilarUserPublic(
                user_id=s.user_id,
                score=s.score,
                shared_artists=s.shared_artists,
                is_friend=s.is_friend,
            )
            for s in found
            if s.user_id in existing
        ][:limit],
    )
