"""``/users/{user_id}/friends``: friendships are mutual, so writing one writes both
directions."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request, Response

from server.rest.deps import ApiKeyDep, SessionDep, WriteSessionDep
from server.rest.pagination import PageDep, paginated
from server.rest.problems import problem_responses, write_responses
from server.rest.users import UserIdPath
from server.schemas.fields import INT32_MAX
from server.schemas.friends import FriendshipPublic, FriendshipsPublic
from server.services import friends as service

router = APIRouter(prefix="/users/{user_id}/friends", tags=["friends"])

FriendIdPath = Annotated[int, Path(ge=1, le=INT32_MAX, description="The friend's user id.")]


@router.get(
    "",
    response_model=FriendshipsPublic,
    summary="List a user's friends (by id)",
    responses=problem_responses(404),
)
def list_friends(
    request: Request, response: Response, session: SessionDep, user_id: UserIdPath, page: PageDep
) -> FriendshipsPublic:
    return paginated(request, response, service.list_friends(session, user_id, page))


@router.put(
    "/{friend_id}",
    response_model=FriendshipPublic,
    summary="Make two users friends",
    description="Writes both directions in one transaction: 201 when the friendship is new, "
    "200 when it already existed. Befriending oneself is a 422; an unknown user a 404.",
    responses={
        201: {"description": "The friendship was created.", "model": FriendshipPublic},
        **write_responses(404),
    },
)
def befriend(
    _key: ApiKeyDep,
    session: WriteSessionDep,
    user_id: UserIdPath,
    friend_id: FriendIdPath,
    response: Response,
) -> FriendshipPublic:
    friendship, created = service.befriend(session, user_id, friend_id)
    if created:
        response.status_code = 201
    return friendship


@router.delete(
    "/{friend_id}",
    status_code=204,
    summary="End a friendship",
    description="Deletes both directions; 404 when the users are not friends.",
    responses=write_responses(404),
)
def unfriend(
    _key: ApiKeyDep, session: WriteSessionDep, user_id: UserIdPath, friend_id: FriendIdPath
) -> None:
    service.unfriend(session, user_id, friend_id)
