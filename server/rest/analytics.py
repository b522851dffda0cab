"""Analytics routes: ``/stats``, ``/charts/*``, ``/analytics/*`` and ``/users/{id}/profile``.

Thin: parse the query, hand plain values to `server.services.analytics`, return its schema.
Every route is a conditional GET on the data version (`ETagDep`) and passes the version it read
on to the service, so a cached answer costs one SQL statement.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request

from server.rest.deps import SessionDep
from server.rest.etag import ETagDep
from server.rest.problems import NOT_MODIFIED, problem_responses
from server.schemas.analytics import (
    ArtistChartBy,
    ArtistChartPublic,
    StatsPublic,
    TagChartBy,
    TagChartPublic,
    TagTrendsPublic,
    TrendGranularity,
    UserProfilePublic,
    WeightDistributionPublic,
)
from server.schemas.fields import NO_NUL
from server.services import analytics
from server.services.cache import ResultCache

router = APIRouter(tags=["analytics"])

INT32_MAX = 2**31 - 1


def get_cache(request: Request) -> ResultCache:
    cache: ResultCache = request.app.state.cache
    return cache


CacheDep = Annotated[ResultCache, Depends(get_cache)]


def comma_separated(value: str | None) -> list[str]:
    """``"rock, pop,,"`` -> ``["rock", "pop"]``; the services drop duplicates."""
    if not value:
        return []
    return [part.strip() for part in value.split(",") if part.strip()]


def documented(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """``responses=``: the conditional-GET 304 plus the problems (422/429 always)."""
    return {**NOT_MODIFIED, **problem_responses(*statuses)}


@router.get(
    "/stats",
    response_model=StatsPublic,
    summary="Dataset statistics: counts, play concentration, tags and friends per unit",
    responses=documented(),
)
def get_stats(session: SessionDep, cache: CacheDep, version: ETagDep) -> StatsPublic:
    return analytics.get_stats(session, cache, data_version=version)


@router.get(
    "/charts/artists",
    response_model=ArtistChartPublic,
    summary="Top artists by plays or by listeners",
    responses=documented(),
)
def chart_artists(
    session: SessionDep,
    cache: CacheDep,
    version: ETagDep,
    by: Annotated[ArtistChartBy, Query(description="Rank by total plays or listeners.")] = (
        ArtistChartBy.PLAYS
    ),
    limit: Annotated[int, Query(ge=1, le=100, description="Entries (1–100).")] = 10,
) -> ArtistChartPublic:
    return analytics.artist_chart(session, cache, by=by, limit=limit, data_version=version)


@router.get(
    "/charts/tags",
    response_model=TagChartPublic,
    summary="Top tags by assignments or by distinct artists",
    responses=documented(),
)
def chart_tags(
    session: SessionDep,
    cache: CacheDep,
    version: ETagDep,
    by: Annotated[TagChartBy, Query(description="Rank by assignments or artists.")] = (
        TagChartBy.ASSIGNMENTS
    ),
    limit: Annotated[int, Query(ge=1, le=100, description="Entries (1–100).")] = 10,
) -> TagChartPublic:
    return analytics.tag_chart(session, cache, by=by, limit=limit, data_version=version)


@router.get(
    "/analytics/weight-distribution",
    response_model=WeightDistributionPublic,
    summary="Superstars vs long tail: log-binned plays, Lorenz curve and Gini",
    responses=documented(),
)
def weight_distribution(
    session: SessionDep,
    cache: CacheDep,
    version: ETagDep,
    bins_per_decade: Annotated[
        int, Query(ge=1, le=10, description="Logarithmic bins per power of ten (1–10).")
    ] = 1,
) -> WeightDistributionPublic:
    return analytics.weight_distribution(
        session, cache, bins_per_decade=bins_per_decade, data_version=version
    )


@router.get(
    "/analytics/tag-trends",
    response_model=TagTrendsPublic,
    summary="Tag assignments per year or month, for up to 10 tags",
    responses=documented(404),
)
def tag_trends(
    session: SessionDep,
    cache: CacheDep,
    version: ETagDep,
    tags: Annotated[
        str,
        Query(
            min_length=1,
            max_length=2000,
            pattern=NO_NUL,
            description="Comma-separated tag names (case-insensitive). Unknown names are "
            "reported in `unknown_tags`; 404 when none is known.",
        ),
    ],
    from_year: Annotated[
        int | None,
        Query(alias="from", ge=1000, le=9999, description="First year (default: first data)."),
    ] = None,
    to_year: Annotated[
        int | None,
        Query(alias="to", ge=1000, le=9999, description="Last year (default: last data)."),
    ] = None,
    granularity: Annotated[TrendGranularity, Query(description="year or month.")] = (
        TrendGranularity.YEAR
    ),
) -> TagTrendsPublic:
    return analytics.tag_trends(
        session,
        cache,
        comma_separated(tags),
        from_year=from_year,
        to_year=to_year,
        granularity=granularity,
        data_version=version,
    )


@router.get(
    "/users/{user_id}/profile",
    response_model=UserProfilePublic,
    summary="A user's listening profile: top artists and tags, diversity, friends",
    responses=documented(404),
)
def user_profile(
    session: SessionDep,
    cache: CacheDep,
    version: ETagDep,
    user_id: Annotated[int, Path(ge=1, le=INT32_MAX, description="Last.fm user id.")],
    limit: Annotated[int, Query(ge=1, le=50, description="Entries per top list (1–50).")] = 10,
) -> UserProfilePublic:
    return analytics.user_profile(session, cache, user_id, limit=limit, data_version=version)
