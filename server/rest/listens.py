"""Listens: ``/users/{user_id}/artists`` (a user's play counts) and
``/artists/{artist_id}/listeners``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from server.rest.artists import ArtistIdPath
from server.rest.deps import ApiKeyDep, SessionDep, WriteSessionDep
from server.rest.etag import ETagDep
from server.rest.pagination import PageDep, paginated
from server.rest.problems import NOT_MODIFIED, problem_responses, write_responses
from server.rest.users import UserIdPath
from server.schemas.listens import (
    ArtistListenersPublic,
    ListenBase,
    ListenPublic,
    ListenSort,
    UserArtistsPublic,
)
from server.services import listens as service

router = APIRouter(tags=["listens"])


@router.get(
    "/users/{user_id}/artists",
    response_model=UserArtistsPublic,
    summary="List a user's artists with play counts",
    description="Sorted by `sort` (default `-weight`: most played first); ties by artist id.",
    responses=problem_responses(404),
)
def list_user_artists(
    request: Request,
    response: Response,
    session: SessionDep,
    user_id: UserIdPath,
    page: PageDep,
    sort: Annotated[ListenSort, Query(description="Order; `-` means descending.")] = (
        ListenSort.WEIGHT_DESC
    ),
) -> UserArtistsPublic:
    return paginated(request, response, service.list_user_artists(session, user_id, page, sort))


@router.get(
    "/users/{user_id}/artists/{artist_id}",
    response_model=ListenPublic,
    summary="Get a user's play count for an artist",
    responses={**NOT_MODIFIED, **problem_responses(404)},
)
def get_listen(
    user_id: UserIdPath, artist_id: ArtistIdPath, session: SessionDep, _etag: ETagDep
) -> ListenPublic:
    return service.get_listen(session, user_id, artist_id)


@router.put(
    "/users/{user_id}/artists/{artist_id}",
    response_model=ListenPublic,
    summary="Set a user's play count for an artist",
    description="Creates the listen (201) or replaces its weight (200).",
    responses={
        201: {"description": "The listen was created.", "model": ListenPublic},
        **write_responses(404, body=True),
    },
)
def put_listen(
    _key: ApiKeyDep,
    session: WriteSessionDep,
    user_id: UserIdPath,
    artist_id: ArtistIdPath,
    body: ListenBase,
    response: Response,
) -> ListenPublic:
    listen, created = service.put_listen(session, user_id, artist_id, body.weight)
    if created:
        response.status_code = 201
    return listen


@router.delete(
    "/users/{user_id}/artists/{artist_id}",
    status_code=204,
    summary="Delete a user's listen of an artist",
    responses=write_responses(404),
)
def delete_listen(
    _key: ApiKeyDep, session: WriteSessionDep, user_id: UserIdPath, artist_id: ArtistIdPath
) -> None:
    service.delete_listen(session, user_id, artist_id)


@router.get(
    "/artists/{artist_id}/listeners",
    response_model=ArtistListenersPublic,
    summary="List an artist's listeners with play counts",
    description="Most plays first; ties by user id.",
    responses=problem_responses(404),
)
def list_artist_listeners(
    request: Request,
    response: Response,
    session: SessionDep,
    artist_id: ArtistIdPath,
    page: PageDep,
) -> ArtistListenersPublic:
    return paginated(request, response, service.list_artist_listeners(session, artist_id, page))
