"""Tag assignments: ``/users/{user_id}/tag-assignments`` (who tagged what, when) and the
tallies ``/artists/{artist_id}/tags`` and ``/tags/{tag_id}/artists``.

An assignment is named by ``(artist_id, tag_id)`` within a user, so it is deleted at
``/users/{user_id}/tag-assignments/{artist_id}/{tag_id}``; the same delete is also accepted
with query parameters on the collection, as first specified.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from server.rest.artists import ArtistIdPath
from server.rest.deps import ApiKeyDep, SessionDep, WriteSessionDep
from server.rest.pagination import PageDep, paginated
from server.rest.problems import problem_responses, write_responses
from server.rest.tags import TagIdPath
from server.rest.users import UserIdPath
from server.schemas.fields import INT32_MAX
from server.schemas.tag_assignments import (
    MAX_TIMESTAMP_MS,
    MIN_TIMESTAMP_MS,
    ArtistTagsPublic,
    TagArtistsPublic,
    TagAssignmentCreate,
    TagAssignmentPublic,
    TagAssignmentsPublic,
)
from server.services import tag_assignments as service

router = APIRouter(tags=["tag-assignments"])

ASSIGNMENTS = "/users/{user_id}/tag-assignments"

ArtistIdQuery = Annotated[int, Query(ge=1, le=INT32_MAX, description="Artist id.")]
TagIdQuery = Annotated[int, Query(ge=1, le=INT32_MAX, description="Tag id.")]
TimestampQuery = Annotated[
    int | None,
    Query(
        ge=MIN_TIMESTAMP_MS,
        le=MAX_TIMESTAMP_MS,
        description="Only the assignment made at this Unix time in milliseconds.",
    ),
]


@router.get(
    ASSIGNMENTS,
    response_model=TagAssignmentsPublic,
    summary="List a user's tag assignments",
    description="Newest first (then by artist and tag id); optionally of one artist or tag.",
    responses=problem_responses(404),
)
def list_user_assignments(
    request: Request,
    response: Response,
    session: SessionDep,
    user_id: UserIdPath,
    page: PageDep,
    artist_id: Annotated[
        int | None, Query(ge=1, le=INT32_MAX, description="Only this artist's.")
    ] = None,
    tag_id: Annotated[int | None, Query(ge=1, le=INT32_MAX, description="Only this tag's.")] = None,
) -> TagAssignmentsPublic:
    assignments = service.list_user_assignments(
        session, user_id, page, artist_id=artist_id, tag_id=tag_id
    )
    return paginated(request, response, assignments)


@router.post(
    ASSIGNMENTS,
    status_code=201,
    response_model=TagAssignmentPublic,
    summary="Tag an artist",
    description="Name the tag by `tag_id` or `tag_name` (a new name creates the tag) and "
    "optionally date it by `timestamp` (Unix ms) or `date` (default: now). 409 if the user "
    "already applied this tag to this artist.",
    responses=write_responses(404, 409, body=True),
)
def create_assignment(
    _key: ApiKeyDep, session: WriteSessionDep, user_id: UserIdPath, body: TagAssignmentCreate
) -> TagAssignmentPublic:
    return service.create_assignment(session, user_id, body)


@router.delete(
    ASSIGNMENTS + "/{artist_id}/{tag_id}",
    status_code=204,
    summary="Remove a tag assignment",
    responses=write_responses(404),
)
def delete_assignment(
    _key: ApiKeyDep,
    session: WriteSessionDep,
    user_id: UserIdPath,
    artist_id: ArtistIdPath,
    tag_id: TagIdPath,
    timestamp: TimestampQuery = None,
) -> None:
    service.delete_assignment(session, user_id, artist_id, tag_id, timestamp=timestamp)


@router.delete(
    ASSIGNMENTS,
    status_code=204,
    summary="Remove a tag assignment (named by query parameters)",
    description=f"The same as `DELETE {ASSIGNMENTS}/{{artist_id}}/{{tag_id}}`.",
    responses=write_responses(404),
)
def delete_assignment_by_query(
    _key: ApiKeyDep,
    session: WriteSessionDep,
    user_id: UserIdPath,
    artist_id: ArtistIdQuery,
    tag_id: TagIdQuery,
    timestamp: TimestampQuery = None,
) -> None:
    service.delete_assignment(session, user_id, artist_id, tag_id, timestamp=timestamp)


@router.get(
    "/artists/{artist_id}/tags",
    response_model=ArtistTagsPublic,
    summary="List an artist's tags with counts",
    description="`count` is the number of assignments; most first, then by name.",
    responses=problem_responses(404),
)
def list_artist_tags(
    request: Request,
    response: Response,
    session: SessionDep,
    artist_id: ArtistIdPath,
    page: PageDep,
) -> ArtistTagsPublic:
    return paginated(request, response, service.list_artist_tags(session, artist_id, page))


@router.get(
    "/tags/{tag_id}/artists",
    response_model=TagArtistsPublic,
    summary="List the artists carrying a tag, with counts",
    description="`count` is the number of assignments; most first, then by name.",
    responses=problem_responses(404),
)
def list_tag_artists(
    request: Request, response: Response, session: SessionDep, tag_id: TagIdPath, page: PageDep
) -> TagArtistsPublic:
    return paginated(request, response, service.list_tag_artists(session, tag_id, page))
