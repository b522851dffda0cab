"""``/tags``: list, read, create, rename and delete tags. Names are unique ignoring case."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request, Response

from server.rest.deps import ApiKeyDep, SessionDep, WriteSessionDep
from server.rest.etag import ETagDep
from server.rest.pagination import PageDep, paginated
from server.rest.problems import NOT_MODIFIED, problem_responses, write_responses
from server.schemas.fields import INT32_MAX
from server.schemas.tags import TagBase, TagCreate, TagPublic, TagsPublic, TagUpdate
from server.services import tags as service

router = APIRouter(prefix="/tags", tags=["tags"])

TagIdPath = Annotated[int, Path(ge=1, le=INT32_MAX, description="Tag id.")]


@router.get(
    "", response_model=TagsPublic, summary="List tags (by id)", responses=problem_responses()
)
def list_tags(
    request: Request, response: Response, session: SessionDep, page: PageDep
) -> TagsPublic:
    return paginated(request, response, service.list_tags(session, page))


@router.post(
    "",
    status_code=201,
    response_model=TagPublic,
    summary="Create a tag",
    description="Without `id` the tag gets the largest id + 1. A taken `id`, or a `name` "
    "another tag has in any case, is a 409.",
    responses=write_responses(409, body=True),
)
def create_tag(
    _key: ApiKeyDep, session: WriteSessionDep, body: TagCreate, request: Request, response: Response
) -> TagPublic:
    tag = service.create_tag(session, body)
    response.headers["Location"] = str(request.url_for("get_tag", tag_id=tag.id))
    return tag


@router.get(
    "/{tag_id}",
    response_model=TagPublic,
    summary="Get a tag",
    responses={**NOT_MODIFIED, **problem_responses(404)},
)
def get_tag(tag_id: TagIdPath, session: SessionDep, _etag: ETagDep) -> TagPublic:
    return service.get_tag(session, tag_id)


@router.put(
    "/{tag_id}",
    response_model=TagPublic,
    summary="Rename a tag",
    description="409 if another tag has the name in any case.",
    responses=write_responses(404, 409, body=True),
)
def replace_tag(
    _key: ApiKeyDep, session: WriteSessionDep, tag_id: TagIdPath, body: TagBase
) -> TagPublic:
    return service.rename_tag(session, tag_id, body.name)


@router.patch(
    "/{tag_id}",
    response_model=TagPublic,
    summary="Update a tag",
    description="A tag's one writable field is its name; 409 if another tag has it in any case.",
    responses=write_responses(404, 409, body=True),
)
def update_tag(
    _key: ApiKeyDep, session: WriteSessionDep, tag_id: TagIdPath, body: TagUpdate
) -> TagPublic:
    return service.rename_tag(session, tag_id, body.name)


@router.delete(
    "/{tag_id}",
    status_code=204,
    summary="Delete a tag",
    description="Also deletes every assignment of the tag.",
    responses=write_responses(404),
)
def delete_tag(_key: ApiKeyDep, session: WriteSessionDep, tag_id: TagIdPath) -> None:
    service.delete_tag(session, tag_id)
