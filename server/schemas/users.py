"""Users: the dataset knows a user only by id, so a user is an id plus what hangs off it."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from server.schemas.fields import RowId
from server.schemas.pagination import Page


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: RowId | None = Field(
        default=None, description="Omit to get the next free id (the largest id + 1)."
    )


class UserPublic(BaseModel):
    """A user with the sizes of their listens, friendships and tag assignments."""

    id: int
    listen_count: int = Field(description="Artists the user has a listen weight for.")
    friend_count: int
    tag_assignment_count: int


UsersPublic = Page[UserPublic]
