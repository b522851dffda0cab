"""Artists: ``ArtistBase`` / ``ArtistCreate`` / ``ArtistUpdate`` / ``ArtistPublic``.

Names and URLs are stored verbatim (no stripping, no URL normalisation): the dataset's
``"Weird Al" Yankovic`` and its percent-encoded Last.fm URL must come back byte for byte.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator
from pydantic.json_schema import SkipJsonSchema

from server.schemas.fields import NO_NUL, RowId, not_blank
from server.schemas.pagination import Page

ArtistName = Annotated[
    str,
    Field(min_length=1, max_length=1000, pattern=NO_NUL, examples=["Radiohead"]),
    AfterValidator(not_blank),
]
ArtistUrl = Annotated[
    str,
    Field(
        max_length=2048,
        pattern=NO_NUL,
        examples=["http://www.last.fm/music/Radiohead"],
        description="Stored as sent; not normalised.",
    ),
]


class ArtistBase(BaseModel):
    """The writable fields; also the body of ``PUT`` (a full replacement)."""

    model_config = ConfigDict(extra="forbid")

    name: ArtistName
    url: ArtistUrl | None = None
    picture_url: ArtistUrl | None = None


class ArtistCreate(ArtistBase):
    id: RowId | None = Field(
        default=None, description="Omit to get the next free id (the largest id + 1)."
    )


class ArtistUpdate(BaseModel):
    """A partial update (``PATCH``): absent fields keep their value, ``null`` clears a URL."""

    model_config = ConfigDict(extra="forbid")

    # Optional but never null: the validator below refuses null, so the schema omits it.
    name: ArtistName | SkipJsonSchema[None] = None
    url: ArtistUrl | None = None
    picture_url: ArtistUrl | None = None

    @model_validator(mode="after")
    def _name_not_null(self) -> ArtistUpdate:
        if "name" in self.model_fields_set and self.name is None:
            raise ValueError("name cannot be null; omit it to keep the current name")
        return self

    def changes(self) -> dict[str, Any]:
        """Only the fields the client sent."""
        return self.model_dump(exclude_unset=True)


class ArtistPublic(BaseModel):
    """An artist as served. Plain types: stored rows are served even if they predate a rule."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    url: str | None
    picture_url: str | None


ArtistsPublic = Page[ArtistPublic]
