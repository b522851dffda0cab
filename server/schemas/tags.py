"""Tags: ``TagBase`` / ``TagCreate`` / ``TagUpdate`` / ``TagPublic``. A tag's name is the
dataset's ``tagValue``; names are unique ignoring case (see `server.services.tags`)."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator
from pydantic.json_schema import SkipJsonSchema

from server.schemas.fields import NO_NUL, RowId, not_blank
from server.schemas.pagination import Page

TagName = Annotated[
    str,
    Field(min_length=1, max_length=255, pattern=NO_NUL, examples=["post-rock"]),
    AfterValidator(not_blank),
]


class TagBase(BaseModel):
    """The writable fields; also the body of ``PUT`` (a rename)."""

    model_config = ConfigDict(extra="forbid")

    name: TagName


class TagCreate(TagBase):
    id: RowId | None = Field(
        default=None, description="Omit to get the next free id (the largest id + 1)."
    )


class TagUpdate(BaseModel):
    """A partial update (``PATCH``); a tag has one writable field, so this is a rename."""

    model_config = ConfigDict(extra="forbid")

    # Optional but never null: the validator below refuses null, so the schema omits it.
    name: TagName | SkipJsonSchema[None] = None

    @model_validator(mode="after")
    def _name_not_null(self) -> TagUpdate:
        if "name" in self.model_fields_set and self.name is None:
            raise ValueError("name cannot be null; omit it to keep the current name")
        return self


class TagPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str


TagsPublic = Page[TagPublic]
