"""The list envelope every paginated endpoint returns."""

from __future__ import annotations

from typing import Annotated, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

MAX_LIMIT = 100
DEFAULT_LIMIT = 20


class PageParams(BaseModel):
    """``limit`` 1–100 (default 20) and ``offset`` ≥ 0; validated, never silently clamped."""

    model_config = ConfigDict(frozen=True)

    limit: Annotated[int, Field(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT
    offset: Annotated[int, Field(ge=0)] = 0


T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """``{"items": [...], "total": N, "limit": L, "offset": O}``; order is always stable."""

    items: list[T]
    total: int = Field(ge=0, description="Number of items across all pages.")
    limit: int
    offset: int
