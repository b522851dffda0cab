"""``GET /artists/search``: the multi-criteria artist search.

``/artists/{artist_id}`` never matches ``search`` (`server.rest.artists.ArtistIdSegment`), so
other methods on this path are a 405 rather than a 422 for the id "search".
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from server.rest.analytics import CacheDep, comma_separated, documented
from server.rest.deps import SessionDep
from server.rest.etag import ETagDep
from server.rest.pagination import PageDep, paginated
from server.schemas.search import (
    MAX_NAME_PIECE,
    ArtistSearchCriteria,
    ArtistSearchPage,
    SearchSort,
    TagMatch,
)
from server.services import search as search_service

router = APIRouter(tags=["search"])

INT64_MAX = 2**63 - 1
NO_NUL = r"^[^\x00]*$"

Count = Annotated[int | None, Query(ge=0, le=INT64_MAX)]


@router.get(
    "/artists/search",
    response_model=ArtistSearchPage,
    summary="Search artists by tags, name, plays, listeners and tagging years",
    responses=documented(),
)
def search_artists(
    request: Request,
    response: Response,
    session: SessionDep,
    cache: CacheDep,
    version: ETagDep,
    page: PageDep,
    tags: Annotated[
        str | None,
        Query(
            max_length=2000,
            pattern=NO_NUL,
            description="Comma-separated tag names (case-insensitive), at most 20.",
        ),
    ] = None,
    match: Annotated[
        TagMatch, Query(description="all: every tag in `tags`; any: at least one.")
    ] = TagMatch.ALL,
    exclude_tags: Annotated[
        str | None,
        Query(
            max_length=2000,
            pattern=NO_NUL,
            description="Comma-separated tag names the artist must not carry.",
        ),
    ] = None,
    q: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=MAX_NAME_PIECE,
            pattern=NO_NUL,
            description="Case-insensitive substring of the name; % _ \\ are literal.",
        ),
    ] = None,
    min_listeners: Count = None,
    max_listeners: Count = None,
    min_plays: Count = None,
    max_plays: Count = None,
    tagged_from: Annotated[
        int | None,
        Query(ge=1000, le=9999, description="Count only tag assignments from this year on."),
    ] = None,
    tagged_to: Annotated[
        int | None,
        Query(ge=1000, le=9999, description="Count only tag assignments up to this year."),
    ] = None,
    sort: Annotated[
        SearchSort | None,
        Query(
            description="plays | listeners | name | relevance (default: relevance with "
            "tags, else plays). Ties break by artist id."
        ),
    ] = None,
) -> ArtistSearchPage:
    criteria = ArtistSearchCriteria(
        tags=tuple(comma_separated(tags)),
        match=match,
        exclude_tags=tuple(comma_separated(exclude_tags)),
        q=q,
        min_listeners=min_listeners,
        max_listeners=max_listeners,
        min_plays=min_plays,
        max_plays=max_plays,
        tagged_from=tagged_from,
        tagged_to=tagged_to,
    )
    result = search_service.search_artists(
        session,
        cache,
        criteria,
        sort=sort,
        limit=page.limit,
        offset=page.offset,
        data_version=version,
    )
    paginated(request, response, result)
    return result
