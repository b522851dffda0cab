"""Social-network routes: ``/social/summary``, ``/social/communities`` and, per user,
``/users/{id}/social``, ``/users/{id}/ego`` and ``/users/{id}/friend-recommendations``.

Thin: parse the query, hand plain values to `server.services.social`, return its schema. Every
route is a conditional GET on the data version (`ETagDep`) and passes the version it read on to
the service, so a warm answer costs one SQL statement.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from server.rest.analytics import CacheDep, documented
from server.rest.deps import SessionDep
from server.rest.etag import ETagDep
from server.rest.pagination import PageDep, paginated
from server.schemas.fields import INT32_MAX
from server.schemas.social import (
    CommunitiesPage,
    EgoNetworkPublic,
    FriendRecommendationsPublic,
    SocialSummaryPublic,
    UserSocialPublic,
)
from server.services import social

router = APIRouter(tags=["social"])

UserIdPath = Annotated[int, Path(ge=1, le=INT32_MAX, description="Last.fm user id.")]


@router.get(
    "/social/summary",
    response_model=SocialSummaryPublic,
    summary="The friendship network measured: size, components, clustering, centrality, "
    "communities, taste homophily and friends vs listening diversity",
    responses=documented(),
)
def social_summary(
    session: SessionDep,
    cache: CacheDep,
    version: ETagDep,
    include_points: Annotated[
        bool,
        Query(description="Add every user's (friends, distinct artists, entropy) point."),
    ] = False,
) -> SocialSummaryPublic:
    return social.social_summary(
        session, cache, include_points=include_points, data_version=version
    )


@router.get(
    "/social/communities",
    response_model=CommunitiesPage,
    summary="Louvain communities, largest first, with their characteristic artists and tags",
    responses=documented(),
)
def social_communities(
    request: Request,
    response: Response,
    session: SessionDep,
    cache: CacheDep,
    version: ETagDep,
    page: PageDep,
    min_support: Annotated[
        int,
        Query(
            ge=1,
            le=social.MAX_MIN_SUPPORT,
            description="Members who must hold an artist or tag for it to be listed "
            "(and at least 5 % of the community).",
        ),
    ] = social.DEFAULT_MIN_SUPPORT,
) -> CommunitiesPage:
    found = social.list_communities(
        session, cache, page, min_support=min_support, data_version=version
    )
    return paginated(request, response, found)


@router.get(
    "/users/{user_id}/social",
    response_model=UserSocialPublic,
    summary="A user's place in the friendship graph: degree, clustering, PageRank, "
    "community, core number",
    responses=documented(404),
)
def user_social(
    session: SessionDep, cache: CacheDep, version: ETagDep, user_id: UserIdPath
) -> UserSocialPublic:
    return social.user_social(session, cache, user_id, data_version=version)


@router.get(
    "/users/{user_id}/ego",
    response_model=EgoNetworkPublic,
    summary="A user's ego network (friends, or friends and friends of friends), ready to draw",
    responses=documented(404),
)
def user_ego(
    session: SessionDep,
    cache: CacheDep,
    version: ETagDep,
    user_id: UserIdPath,
    radius: Annotated[
        int, Query(ge=1, le=2, description="1: friends; 2: friends of friends too.")
    ] = 1,
    max_nodes: Annotated[
        int,
        Query(
            ge=1,
            le=social.MAX_EGO_NODES,
            description="Most nodes, ego included (1–500); nearest and best connected first.",
        ),
    ] = 100,
) -> EgoNetworkPublic:
    return social.user_ego_network(
        session, cache, user_id, radius=radius, max_nodes=max_nodes, data_version=version
    )


@router.get(
    "/users/{user_id}/friend-recommendations",
    response_model=FriendRecommendationsPublic,
    summary="Artists the user's friends play and the user does not, with who contributed",
    responses=documented(404),
)
def friend_recommendations(
    session: SessionDep,
    cache: CacheDep,
    version: ETagDep,
    user_id: UserIdPath,
    limit: Annotated[
        int,
        Query(ge=1, le=social.MAX_RECOMMENDATIONS, description="Artists to return (1–100)."),
    ] = 10,
) -> FriendRecommendationsPublic:
    return social.friend_recommendations(session, cache, user_id, limit=limit, data_version=version)
