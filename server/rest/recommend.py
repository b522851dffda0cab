"""Recommendation routes: ``/users/{id}/recommendations``, ``/users/{id}/similar-users`` and
``/artists/{id}/similar``.

Thin: parse the query, get the model from `RecommenderStore`, hand plain values to
`server.services.recommend`. Conditional GETs: the ETag covers the data version *and* the
model version — a restart with a newly trained model changes answers without any write.
"""

from __future__ import annotations

import hashlib
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response

from server.db.meta import get_data_version
from server.recommend.recommender import Recommender
from server.recommend.strategy import Strategy
from server.rest.analytics import CacheDep, documented
from server.rest.deps import SessionDep
from server.rest.etag import NotModifiedError, etag_matches
from server.schemas.fields import INT32_MAX
from server.schemas.recommend import (
    MAX_LIMIT,
    RecommendationsPublic,
    SimilarArtistsPublic,
    SimilarUsersPublic,
)
from server.services import recommend as service
from server.services.recommend import RecommenderStore

router = APIRouter(tags=["recommendations"])

UserIdPath = Annotated[int, Path(ge=1, le=INT32_MAX, description="Last.fm user id.")]
ArtistIdPath = Annotated[int, Path(ge=1, le=INT32_MAX, description="Last.fm artist id.")]
LimitQuery = Annotated[
    int, Query(ge=1, le=MAX_LIMIT, description=f"Items to return (1–{MAX_LIMIT}).")
]


def get_store(request: Request) -> RecommenderStore:
    return service.recommender_store(request.app.state)


StoreDep = Annotated[RecommenderStore, Depends(get_store)]


def conditional(
    request: Request, response: Response, version: int, model: Recommender | None
) -> None:
    """Set ``ETag``/``X-Data-Version``, or answer 304 if the client's tag is current."""
    key = f"{model.model_version if model else '-'}|{request.url.path}?{request.url.query}"
    etag = f'W/"{version}-{hashlib.blake2s(key.encode(), digest_size=8).hexdigest()}"'
    if etag_matches(request.headers.get("If-None-Match"), etag):
        raise NotModifiedError(etag)
    response.headers["ETag"] = etag
    response.headers["X-Data-Version"] = str(version)


@router.get(
    "/users/{user_id}/recommendations",
    response_model=RecommendationsPublic,
    summary="Artists the user does not listen to yet, best first, each with why",
    description="`hybrid` blends collaborative filtering (EASE, ALS, item-kNN), friends' "
    "listening and tag taste; `cf`, `social`, `tags` and `popular` use one signal. Listens "
    "written since the model was trained count at once; a user without listens gets "
    "friend- and tag-based suggestions, then the most listened artists.",
    responses=documented(404),
)
def recommendations(
    request: Request,
    response: Response,
    session: SessionDep,
    store: StoreDep,
    cache: CacheDep,
    user_id: UserIdPath,
    limit: LimitQuery = 10,
    strategy: Annotated[Strategy, Query(description="What the list is built from.")] = (
        Strategy.HYBRID
    ),
) -> RecommendationsPublic:
    version = get_data_version(session)
    model = store.get(session, version)
    conditional(request, response, version, model)
    return service.recommend_for_user(
        session, model, user_id, limit=limit, strategy=strategy, cache=cache, data_version=version
    )


@router.get(
    "/artists/{artist_id}/similar",
    response_model=SimilarArtistsPublic,
    summary="Artists most like this one (co-listening, then shared tags)",
    responses=documented(404),
)
def similar_artists(
    request: Request,
    response: Response,
    session: SessionDep,
    store: StoreDep,
    artist_id: ArtistIdPath,
    limit: LimitQuery = 10,
) -> SimilarArtistsPublic:
    version = get_data_version(session)
    model = store.get(session, version)
    conditional(request, response, version, model)
    return service.similar_artists(session, model, artist_id, limit=limit)


@router.get(
    "/users/{user_id}/similar-users",
    response_model=SimilarUsersPublic,
    summary="Users whose listening is most like this user's",
    responses=documented(404),
)
def similar_users(
    request: Request,
    response: Response,
    session: SessionDep,
    store: StoreDep,
    user_id: UserIdPath,
    limit: LimitQuery = 10,
) -> SimilarUsersPublic:
    version = get_data_version(session)
    model = store.get(session, version)
    conditional(request, response, version, model)
    return service.similar_users(session, model, user_id, limit=limit)
