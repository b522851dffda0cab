"""``client.tags``: tags and the artists carrying them. Names are unique ignoring case."""

from __future__ import annotations

from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any, Literal, overload

from soundstream_sdk._base_client import query_params
from soundstream_sdk._pagination import AsyncPage, AsyncPaginator, SyncPage
from soundstream_sdk.resources._base import AsyncAPIResource, SyncAPIResource, path_id
from soundstream_sdk.types.tags import Tag, TagArtist

if TYPE_CHECKING:
    import pandas as pd


def _create_body(name: str, id: int | None) -> dict[str, Any]:
    return {"name": name} if id is None else {"name": name, "id": id}


class Tags(SyncAPIResource):
    """Tags (``/api/v1/tags``)."""

    @overload
    def list(
        self,
        *,
        limit: int | None = None,
        offset: int | None = None,
        as_frame: Literal[False] = False,
    ) -> SyncPage[Tag]: ...
    @overload
    def list(
        self, *, limit: int | None = None, offset: int | None = None, as_frame: Literal[True]
    ) -> pd.DataFrame: ...
    def list(
        self, *, limit: int | None = None, offset: int | None = None, as_frame: bool = False
    ) -> SyncPage[Tag] | pd.DataFrame:
        """Every tag, by id; iterating fetches the following pages.

        Example:
            >>> [tag.name for tag in client.tags.list()][:3]
            ['rock', 'pop', 'electronic']
        """
        page = self._client._page(
            "/tags", query_params({"limit": limit, "offset": offset}), Tag, SyncPage[Tag]
        )
        return page.to_pandas() if as_frame else page

    def get(self, tag_id: int) -> Tag:
        """One tag.

        Raises:
            NotFoundError: No tag has this id.

        Example:
            >>> client.tags.get(1).name
            'rock'
        """
        return self._client._get(f"/tags/{path_id(tag_id)}", cast_to=Tag)

    def create(self, *, name: str, id: int | None = None) -> Tag:
        """Create a tag (needs an API key); without ``id``, the largest id + 1.

        Raises:
            ConflictError: The id is taken, or another tag has the name in any case.

        Example:
            >>> client.tags.create(name="shoegaze")
            Tag(id=9, name='shoegaze')
        """
        return self._client._write("POST", "/tags", cast_to=Tag, body=_create_body(name, id))

    def update(self, tag_id: int, *, name: str) -> Tag:
        """Rename a tag (its one writable field).

        Sent as PUT, which the API treats like PATCH for tags: being idempotent, it is safe to
        retry after a lost answer.

        Raises:
            ConflictError: Another tag has the name in any case.

        Example:
            >>> client.tags.update(9, name="dream pop").name
            'dream pop'
        """
        return self._client._write(
            "PUT", f"/tags/{path_id(tag_id)}", cast_to=Tag, body={"name": name}
        )

    def delete(self, tag_id: int) -> None:
        """Delete a tag with every assignment of it.

        Example:
            >>> client.tags.delete(9)
        """
        self._client._delete(f"/tags/{path_id(tag_id)}")

    @overload
    def artists(
        self,
        tag_id: int,
        *,
        limit: int | None = None,
        offset: int | None = None,
        as_frame: Literal[False] = False,
    ) -> SyncPage[TagArtist]: ...
    @overload
    def artists(
        self,
        tag_id: int,
        *,
        limit: int | None = None,
        offset: int | None = None,
        as_frame: Literal[True],
    ) -> pd.DataFrame: ...
    def artists(
        self,
        tag_id: int,
        *,
        limit: int | None = None,
        offset: int | None = None,
        as_frame: bool = False,
    ) -> SyncPage[TagArtist] | pd.DataFrame:
        """The artists carrying a tag, most assignments first (``count``).

        Example:
            >>> [(a.name, a.count) for a in client.tags.artists(1)]
            [('Radiohead', 2), ('Muse', 1)]
        """
        page = self._client._page(
            f"/tags/{path_id(tag_id)}/artists",
            query_params({"limit": limit, "offset": offset}),
            TagArtist,
            SyncPage[TagArtist],
        )
        return page.to_pandas() if as_frame else page


class AsyncTags(AsyncAPIResource):
    """Tags (``/api/v1/tags``), async. Same methods as `Tags`."""

    @overload
    def list(
        self,
        *,
        limit: int | None = None,
        offset: int | None = None,
        as_frame: Literal[False] = False,
    ) -> AsyncPaginator[Tag, AsyncPage[Tag]]: ...
    @overload
    def list(
        self, *, limit: int | None = None, offset: int | None = None, as_frame: Literal[True]
    ) -> Coroutine[Any, Any, pd.DataFrame]: ...
    def list(
        self, *, limit: int | None = None, offset: int | None = None, as_frame: bool = False
    ) -> AsyncPaginator[Tag, AsyncPage[Tag]] | Coroutine[Any, Any, pd.DataFrame]:
        """Every tag, by id.

        Example:
            >>> [tag.name async for tag in client.tags.list()][:2]
            ['rock', 'pop']
        """
        paginator = self._client._paginator(
            "/tags", query_params({"limit": limit, "offset": offset}), Tag, AsyncPage[Tag]
        )
        return paginator.to_pandas() if as_frame else paginator

    async def get(self, tag_id: int) -> Tag:
        """One tag.

        Example:
            >>> (await client.tags.get(1)).name
            'rock'
        """
        return await self._client._get(f"/tags/{path_id(tag_id)}", cast_to=Tag)

    async def create(self, *, name: str, id: int | None = None) -> Tag:
        """Create a tag (needs an API key).

        Example:
            >>> await client.tags.create(name="shoegaze")
            Tag(id=9, name='shoegaze')
        """
        return await self._client._write("POST", "/tags", cast_to=Tag, body=_create_body(name, id))

    async def update(self, tag_id: int, *, name: str) -> Tag:
        """Rename a tag (PUT, so it may be retried).

        Example:
            >>> (await client.tags.update(9, name="dream pop")).name
            'dream pop'
        """
        return await self._client._write(
            "PUT", f"/tags/{path_id(tag_id)}", cast_to=Tag, body={"name": name}
        )

    async def delete(self, tag_id: int) -> None:
        """Delete a tag with every assignment of it.

        Example:
            >>> await client.tags.delete(9)
        """
        await self._client._delete(f"/tags/{path_id(tag_id)}")

    @overload
    def artists(
        self,
        tag_id: int,
        *,
        limit: int | None = None,
        offset: int | None = None,
        as_frame: Literal[False] = False,
    ) -> AsyncPaginator[TagArtist, AsyncPage[TagArtist]]: ...
    @overload
    def artists(
        self,
        tag_id: int,
        *,
        limit: int | None = None,
        offset: int | None = None,
        as_frame: Literal[True],
    ) -> Coroutine[Any, Any, pd.DataFrame]: ...
    def artists(
        self,
        tag_id: int,
        *,
        limit: int | None = None,
        offset: int | None = None,
        as_frame: bool = False,
    ) -> AsyncPaginator[TagArtist, AsyncPage[TagArtist]] | Coroutine[Any, Any, pd.DataFrame]:
        """The artists carrying a tag, most assignments first.

        Example:
            >>> [a.name async for a in client.tags.artists(1)]
            ['Radiohead', 'Muse']
        """
        paginator = self._client._paginator(
            f"/tags/{path_id(tag_id)}/artists",
            query_params({"limit": limit, "offset": offset}),
            TagArtist,
            AsyncPage[TagArtist],
        )
        return paginator.to_pandas() if as_frame else paginator
