"""``/users``: list, read, create and delete users."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request, Response

from server.rest.deps import ApiKeyDep, SessionDep, WriteSessionDep
from server.rest.etag import ETagDep
from server.rest.pagination import PageDep, paginated
from server.rest.problems import NOT_MODIFIED, problem_responses, write_responses
from server.schemas.fields import INT32_MAX
from server.schemas.users import UserCreate, UserPublic, UsersPublic
from server.services import users as service

router = APIRouter(prefix="/users", tags=["users"])

UserIdPath = Annotated[int, Path(ge=1, le=INT32_MAX, description="User id.")]


@router.get(
    "",
    response_model=UsersPublic,
    summary="List users (by id) with their counts",
    responses=problem_responses(),
)
def list_users(
    request: Request, response: Response, session: SessionDep, page: PageDep
) -> UsersPublic:
    return paginated(request, response, service.list_users(session, page))


@router.post(
    "",
    status_code=201,
    response_model=UserPublic,
    summary="Create a user",
    description="Without `id` the user gets the largest id + 1. A taken `id` is a 409. "
    "The body may be omitted.",
    responses=write_responses(409, body=True),
)
def create_user(
    _key: ApiKeyDep,
    session: WriteSessionDep,
    request: Request,
    response: Response,
    body: UserCreate | None = None,
) -> UserPublic:
    user = service.create_user(session, body or UserCreate())
    response.headers["Location"] = str(request.url_for("get_user", user_id=user.id))
    return user


@router.get(
    "/{user_id}",
    response_model=UserPublic,
    summary="Get a user with their counts",
    responses={**NOT_MODIFIED, **problem_responses(404)},
)
def get_user(user_id: UserIdPath, session: SessionDep, _etag: ETagDep) -> UserPublic:
    return service.get_user(session, user_id)


@router.delete(
    "/{user_id}",
    status_code=204,
    summary="Delete a user",
    description="Also deletes the user's listens, tag assignments and friendships "
    "(both directions).",
    responses=write_responses(404),
)
def delete_user(_key: ApiKeyDep, session: WriteSessionDep, user_id: UserIdPath) -> None:
    service.delete_user(session, user_id)
