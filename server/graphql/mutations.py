"""The root `Mutation`: every write, each requiring the API key (``X-API-Key``, the same keys
as REST). Expected failures come back as typed results (`NotFound`, `Conflict`,
`InvalidInput`) in the result union; a missing or wrong key is an error with
``extensions.code`` UNAUTHENTICATED or FORBIDDEN."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

import strawberry
from pydantic import BaseModel, ValidationError
from strawberry.types import Info

from server.errors import ConflictError, DomainError, InvalidInputError, NotFoundError
from server.graphql.context import Context
from server.graphql.errors import as_graphql_error
from server.graphql.scalars import Long
from server.graphql.types.nodes import Artist, Tag, TagAssignment, User
from server.rest.deps import check_api_key
from server.schemas.artists import ArtistCreate, ArtistUpdate
from server.schemas.listens import ListenBase
from server.schemas.tag_assignments import TagAssignmentCreate
from server.schemas.tags import TagCreate, TagUpdate
from server.schemas.users import UserCreate
from server.services import artists, friends, listens, tag_assignments, tags, users

M = TypeVar("M", bound=BaseModel)


@strawberry.type(description="The thing to change does not exist.")
class NotFound:
    message: str
    resource: str | None = None


@strawberry.type(description="The write clashes with existing data (a duplicate).")
class Conflict:
    message: str


@strawberry.type(description="One invalid input field.")
class FieldError:
    field: str
    message: str


@strawberry.type(description="The input breaks a rule; `fields` says which.")
class InvalidInput:
    message: str
    fields: list[FieldError]


@strawberry.type(description="The deletion happened.")
class Deleted:
    message: str


@strawberry.type(description="A user's play count for an artist.")
class Listen:
    user: User
    artist_id: int
    weight: Long
    created: bool


@strawberry.type(description="A mutual friendship.")
class Friendship:
    user: User
    friend: User
    created: bool


ArtistResult = Annotated[
    Artist | NotFound | Conflict | InvalidInput, strawberry.union("ArtistResult")
]
UserResult = Annotated[User | NotFound | Conflict | InvalidInput, strawberry.union("UserResult")]
TagResult = Annotated[Tag | NotFound | Conflict | InvalidInput, strawberry.union("TagResult")]
DeleteResult = Annotated[Deleted | NotFound | InvalidInput, strawberry.union("DeleteResult")]
ListenResult = Annotated[Listen | NotFound | InvalidInput, strawberry.union("ListenResult")]
FriendshipResult = Annotated[
    Friendship | NotFound | InvalidInput, strawberry.union("FriendshipResult")
]
TagAssignmentResult = Annotated[
    TagAssignment | NotFound | Conflict | InvalidInput, strawberry.union("TagAssignmentResult")
]


@strawberry.input
class ArtistInput:
    name: str
    url: str | None = None
    picture_url: str | None = None
    id: int | None = strawberry.field(default=None, description="Omit for the next free id.")


@strawberry.input(description="Only the fields given change; null clears a URL.")
class ArtistPatch:
    name: str | None = strawberry.UNSET
    url: str | None = strawberry.UNSET
    picture_url: str | None = strawberry.UNSET


@strawberry.input
class TagAssignmentInput:
    artist_id: int
    tag_id: int | None = None
    tag_name: str | None = None
    timestamp: Long | None = None
    date: dt.date | None = None


def _given(obj: Any) -> dict[str, Any]:
    return {k: v for k, v in vars(obj).items() if v is not strawberry.UNSET}


def _invalid(exc: ValidationError) -> InvalidInput:
    fields = [
        FieldError(field=".".join(str(p) for p in err["loc"]) or "input", message=err["msg"])
        for err in exc.errors()
    ]
    return InvalidInput(message="the input is not valid", fields=fields)


def _model(model: type[M], values: dict[str, Any]) -> M | InvalidInput:
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        return _invalid(exc)


def _authorise(info: Info[Context, None]) -> None:
    try:
        check_api_key(info.context.request.headers.get("X-API-Key"), info.context.settings)
    except DomainError as error:
        raise as_graphql_error(error) from error


async def _write(info: Info[Context, None], fn: Callable[..., Any], *args: Any) -> Any:
    """Run a write service; its domain errors become typed results."""
    try:
        return await info.context.write(fn, *args)
    except NotFoundError as error:
        resource = error.extra.get("resource")
        return NotFound(message=error.detail, resource=str(resource) if resource else None)
    except ConflictError as error:
        return Conflict(message=error.detail)
    except InvalidInputError as error:
        return InvalidInput(message=error.detail, fields=[])


def _artist(result: Any) -> Any:
    if isinstance(result, NotFound | Conflict | InvalidInput):
        return result
    return Artist(id=result.id, name=result.name, url=result.url, picture_url=result.picture_url)


def _deleted(result: Any, message: str) -> Any:
    return result if isinstance(result, NotFound | InvalidInput) else Deleted(message=message)


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Create an artist.")
    async def create_artist(self, info: Info[Context, None], input: ArtistInput) -> ArtistResult:
        _authorise(info)
        data = _model(ArtistCreate, _given(input))
        if isinstance(data, InvalidInput):
            return data
        return _artist(await _write(info, artists.create_artist, data))  # type: ignore[no-any-return]

    @strawberry.mutation(description="Change some fields of an artist.")
    async def update_artist(
        self, info: Info[Context, None], id: int, input: ArtistPatch
    ) -> ArtistResult:
        _authorise(info)
        data = _model(ArtistUpdate, _given(input))
        if isinstance(data, InvalidInput):
            return data
        return _artist(await _write(info, artists.update_artist, id, data))  # type: ignore[no-any-return]

    @strawberry.mutation(description="Delete an artist with its listens and tag assignments.")
    async def delete_artist(self, info: Info[Context, None], id: int) -> DeleteResult:
        _authorise(info)
        result = await _write(info, artists.delete_artist, id)
        return _deleted(result, f"artist {id} deleted")  # type: ignore[no-any-return]

    @strawberry.mutation(description="Create a user (the next free id unless one is given).")
    async def create_user(self, info: Info[Context, None], id: int | None = None) -> UserResult:
        _authorise(info)
        data = _model(UserCreate, {"id": id})
        if isinstance(data, InvalidInput):
            return data
        result = await _write(info, users.create_user, data)
        return (
            result if isinstance(result, NotFound | Conflict | InvalidInput) else User(id=result.id)
        )

    @strawberry.mutation(description="Delete a user with listens, tags and friendships.")
    async def delete_user(self, info: Info[Context, None], id: int) -> DeleteResult:
        _authorise(info)
        result = await _write(info, users.delete_user, id)
        return _deleted(result, f"user {id} deleted")  # type: ignore[no-any-return]

    @strawberry.mutation(description="Create a tag; names are unique ignoring case.")
    async def create_tag(
        self, info: Info[Context, None], name: str, id: int | None = None
    ) -> TagResult:
        _authorise(info)
        data = _model(TagCreate, {"name": name, "id": id})
        if isinstance(data, InvalidInput):
            return data
        result = await _write(info, tags.create_tag, data)
        if isinstance(result, NotFound | Conflict | InvalidInput):
            return result
        return Tag(id=result.id, name=result.name)

    @strawberry.mutation(description="Rename a tag.")
    async def update_tag(self, info: Info[Context, None], id: int, name: str) -> TagResult:
        _authorise(info)
        data = _model(TagUpdate, {"name": name})
        if isinstance(data, InvalidInput):
            return data
        result = await _write(info, tags.rename_tag, id, data.name)
        if isinstance(result, NotFound | Conflict | InvalidInput):
            return result
        return Tag(id=result.id, name=result.name)

    @strawberry.mutation(description="Delete a tag with its assignments.")
    async def delete_tag(self, info: Info[Context, None], id: int) -> DeleteResult:
        _authorise(info)
        return _deleted(await _write(info, tags.delete_tag, id), f"tag {id} deleted")  # type: ignore[no-any-return]

    @strawberry.mutation(description="Set a user's play count for an artist (≥ 0).")
    async def set_listen(
        self, info: Info[Context, None], user_id: int, artist_id: int, weight: Long
    ) -> ListenResult:
        _authorise(info)
        data = _model(ListenBase, {"weight": weight})
        if isinstance(data, InvalidInput):
            return data
        result = await _write(info, listens.put_listen, user_id, artist_id, data.weight)
        if isinstance(result, NotFound | InvalidInput):
            return result
        listen, created = result
        return Listen(
            user=User(id=listen.user_id),
            artist_id=listen.artist_id,
            weight=listen.weight,
            created=created,
        )

    @strawberry.mutation(description="Remove a user's play count for an artist.")
    async def delete_listen(
        self, info: Info[Context, None], user_id: int, artist_id: int
    ) -> DeleteResult:
        _authorise(info)
        result = await _write(info, listens.delete_listen, user_id, artist_id)
        return _deleted(result, f"listen {user_id}/{artist_id} deleted")  # type: ignore[no-any-return]

    @strawberry.mutation(description="Befriend two users (both directions, one transaction).")
    async def add_friendship(
        self, info: Info[Context, None], user_id: int, friend_id: int
    ) -> FriendshipResult:
        _authorise(info)
        result = await _write(info, friends.befriend, user_id, friend_id)
        if isinstance(result, NotFound | InvalidInput):
            return result
        friendship, created = result
        return Friendship(
            user=User(id=friendship.user_id), friend=User(id=friendship.friend_id), created=created
        )

    @strawberry.mutation(description="End a friendship (both directions).")
    async def remove_friendship(
        self, info: Info[Context, None], user_id: int, friend_id: int
    ) -> DeleteResult:
        _authorise(info)
        result = await _write(info, friends.unfriend, user_id, friend_id)
        return _deleted(result, f"friendship {user_id}-{friend_id} removed")  # type: ignore[no-any-return]

    @strawberry.mutation(description="Tag an artist on behalf of a user.")
    async def add_tag_assignment(
        self, info: Info[Context, None], user_id: int, input: TagAssignmentInput
    ) -> TagAssignmentResult:
        _authorise(info)
        data = _model(
            TagAssignmentCreate, {k: v for k, v in _given(input).items() if v is not None}
        )
        if isinstance(data, InvalidInput):
            return data
        result = await _write(info, tag_assignments.create_assignment, user_id, data)
        if isinstance(result, NotFound | Conflict | InvalidInput):
            return result
        return TagAssignment(
            user=User(id=result.user_id),
            timestamp=result.timestamp,
            day=result.day,
            month=result.month,
            year=result.year,
            _artist_id=result.artist_id,
            _tag_id=result.tag_id,
        )

    @strawberry.mutation(description="Remove a tag assignment (optionally the one at `timestamp`).")
    async def remove_tag_assignment(
        self,
        info: Info[Context, None],
        user_id: int,
        artist_id: int,
        tag_id: int,
        timestamp: Long | None = None,
    ) -> DeleteResult:
        _authorise(info)
        result = await _write(
            info,
            lambda s: tag_assignments.delete_assignment(
                s, user_id, artist_id, tag_id, timestamp=timestamp
            ),
        )
        return _deleted(result, f"tag assignment {user_id}/{artist_id}/{tag_id} removed")  # type: ignore[no-any-return]
