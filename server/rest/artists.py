"""``/artists``: list, read, create, replace, update and delete artists."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request, Response
from starlette.convertors import Convertor, register_url_convertor

from server.rest.deps import ApiKeyDep, SessionDep, WriteSessionDep
from server.rest.etag import ETagDep
from server.rest.pagination import PageDep, paginated
from server.rest.problems import NOT_MODIFIED, problem_responses, write_responses
from server.schemas.artists import (
    ArtistBase,
    ArtistCreate,
    ArtistPublic,
    ArtistsPublic,
    ArtistUpdate,
)
from server.schemas.fields import INT32_MAX
from server.services import artists as service

router = APIRouter(prefix="/artists", tags=["artists"])


class ArtistIdSegment(Convertor[str]):
    """The ``{artist_id}`` path segment: anything but ``search``, which names its own resource.

    Without it ``PUT /artists/search`` would reach ``PUT /artists/{artist_id}`` and answer 422
    ("not an integer") where a 405 listing ``GET`` is the truth. Any other segment still
    reaches the route, whose validation answers 422 to a non-id as everywhere else.
    """

    regex = "(?!search$)[^/]+"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return str(value)


register_url_convertor("artist_id", ArtistIdSegment())

ArtistIdPath = Annotated[int, Path(ge=1, le=INT32_MAX, description="Artist id.")]


@router.get(
    "",
    response_model=ArtistsPublic,
    summary="List artists (by id)",
    responses=problem_responses(),
)
def list_artists(
    request: Request, response: Response, session: SessionDep, page: PageDep
) -> ArtistsPublic:
    return paginated(request, response, service.list_artists(session, page))


@router.post(
    "",
    status_code=201,
    response_model=ArtistPublic,
    summary="Create an artist",
    description="Without `id` the artist gets the largest id + 1. A taken `id` is a 409.",
    responses=write_responses(409, body=True),
)
def create_artist(
    _key: ApiKeyDep,
    session: WriteSessionDep,
    body: ArtistCreate,
    request: Request,
    response: Response,
) -> ArtistPublic:
    artist = service.create_artist(session, body)
    response.headers["Location"] = str(request.url_for("get_artist", artist_id=artist.id))
    return artist


@router.get(
    "/{artist_id:artist_id}",
    response_model=ArtistPublic,
    summary="Get an artist",
    responses={**NOT_MODIFIED, **problem_responses(404)},
)
def get_artist(artist_id: ArtistIdPath, session: SessionDep, _etag: ETagDep) -> ArtistPublic:
    return service.get_artist(session, artist_id)


@router.put(
    "/{artist_id:artist_id}",
    response_model=ArtistPublic,
    summary="Replace an artist",
    description="Sets every field; an omitted `url` or `picture_url` becomes null.",
    responses=write_responses(404, body=True),
)
def replace_artist(
    _key: ApiKeyDep, session: WriteSessionDep, artist_id: ArtistIdPath, body: ArtistBase
) -> ArtistPublic:
    return service.replace_artist(session, artist_id, body)


@router.patch(
    "/{artist_id:artist_id}",
    response_model=ArtistPublic,
    summary="Update some fields of an artist",
    description="Omitted fields keep their value; `null` clears `url` or `picture_url`.",
    responses=write_responses(404, body=True),
)
def update_artist(
    _key: ApiKeyDep, session: WriteSessionDep, artist_id: ArtistIdPath, body: ArtistUpdate
) -> ArtistPublic:
    return service.update_artist(session, artist_id, body)


@router.delete(
    "/{artist_id:artist_id}",
    status_code=204,
    summary="Delete an artist",
    description="Also deletes the artist's listens and tag assignments.",
    responses=write_responses(404),
)
def delete_artist(_key: ApiKeyDep, session: WriteSessionDep, artist_id: ArtistIdPath) -> None:
    service.delete_artist(session, artist_id)
