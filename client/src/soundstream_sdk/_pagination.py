"""Auto-paginating list results.

Every list endpoint answers ``{"items": [...], "total": N, "limit": L, "offset": O}`` and an
RFC 8288 ``Link`` header. A page here holds one such answer; iterating over it yields its
items and then fetches the following pages (the ``rel="next"`` link, else ``offset + limit``
while below ``total``), so ``for artist in client.artists.list(): ...`` walks every artist.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Generator, Iterator
from typing import TYPE_CHECKING, Any, Generic, Self, TypeVar

import httpx

from soundstream_sdk._frames import frame_from_records
from soundstream_sdk._models import SoundStreamModel

if TYPE_CHECKING:
    import pandas as pd

    from soundstream_sdk._base_client import AsyncAPIClient, SyncAPIClient

ItemT = TypeVar("ItemT", bound=SoundStreamModel)
AsyncPageT = TypeVar("AsyncPageT", bound="AsyncPage[Any]")

Params = dict[str, Any]


class _BasePage(Generic[ItemT]):
    """What sync and async pages share: the parsed answer and where the next page is."""

    def __init__(
        self, *, path: str, params: Params, item_type: type[ItemT], response: httpx.Response
    ) -> None:
        body = response.json()
        self.raw: dict[str, Any] = body
        """The answer as sent, envelope included."""
        self.items: list[ItemT] = [item_type.model_validate(item) for item in body["items"]]
        """This page's items."""
        self.total: int = int(body.get("total", len(self.items)))
        """Items across all pages."""
        self.limit: int = int(body.get("limit", len(self.items)))
        """The page size."""
        self.offset: int = int(body.get("offset", 0))
        """Items before this page."""
        self._path = path
        self._params = params
        self._item_type = item_type
        self._next_params = self._find_next(response)

    def _find_next(self, response: httpx.Response) -> Params | None:
        if not self.items:
            return None
        next_link = response.links.get("next", {}).get("url")
        if next_link:
            query = httpx.URL(next_link).params
            offset = int(query.get("offset", self.offset + len(self.items)))
            limit = int(query.get("limit", self.limit))
        elif response.headers.get("Link") is None and self.offset + len(self.items) < self.total:
            offset, limit = self.offset + len(self.items), self.limit
        else:
            return None
        if offset <= self.offset:  # a server bug must not loop forever
            return None
        return {**self._params, "offset": offset, "limit": limit}

    def has_next_page(self) -> bool:
        """Whether another page follows this one.

        Example:
            >>> page = client.artists.list(limit=2)  # doctest: +SKIP
            >>> page.has_next_page()  # doctest: +SKIP
            True
        """
        return self._next_params is not None

    def _frame(self, items: list[ItemT]) -> pd.DataFrame:
        if items:
            return frame_from_records(item.model_dump() for item in items)
        # No rows: keep the columns, so code selecting them still works on an empty result.
        return frame_from_records([]).reindex(columns=list(self._item_type.model_fields))

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(items={len(self.items)}, total={self.total}, "
            f"offset={self.offset}, limit={self.limit})"
        )


class SyncPage(_BasePage[ItemT]):
    """One page of a list; iterate over it to get every item of every following page.

    Example:
        >>> page = client.artists.list(limit=50)  # doctest: +SKIP
        >>> page.total, len(page.items)  # doctest: +SKIP
        (17632, 50)
        >>> names = [artist.name for artist in page]  # all 17,632, 50 per request
    """

    def __init__(
        self,
        *,
        client: SyncAPIClient,
        path: str,
        params: Params,
        item_type: type[ItemT],
        response: httpx.Response,
    ) -> None:
        super().__init__(path=path, params=params, item_type=item_type, response=response)
        self._client = client

    def get_next_page(self) -> Self:
        """Fetch the page after this one.

        Raises:
            RuntimeError: There is no next page (check `has_next_page` first).

        Example:
            >>> second = client.artists.list(limit=10).get_next_page()  # doctest: +SKIP
            >>> second.offset  # doctest: +SKIP
            10
        """
        if self._next_params is None:
            raise RuntimeError("no next page: check has_next_page() first")
        response = self._client._get_response(self._path, self._next_params)
        return type(self)(
            client=self._client,
            path=self._path,
            params=self._next_params,
            item_type=self._item_type,
            response=response,
        )

    def iter_pages(self) -> Iterator[Self]:
        """This page and every page after it, fetched as the iteration reaches them.

        Example:
            >>> for page in client.users.list(limit=100).iter_pages():  # doctest: +SKIP
            ...     print(page.offset, len(page.items))
        """
        page = self
        yield page
        while page.has_next_page():
            page = page.get_next_page()
            yield page

    def __iter__(self) -> Iterator[ItemT]:
        for page in self.iter_pages():
            yield from page.items

    def to_pandas(self) -> pd.DataFrame:
        """Every item from this page on, as a DataFrame (needs the ``pandas`` extra).

        Example:
            >>> client.artists.search(tags=["rock"]).to_pandas()  # doctest: +SKIP
        """
        return self._frame(list(self))


class AsyncPage(_BasePage[ItemT]):
    """One page of a list, fetched asynchronously; ``async for`` walks every later page too.

    Example:
        >>> page = await client.artists.list(limit=50)  # doctest: +SKIP
        >>> async for artist in page:  # doctest: +SKIP
        ...     print(artist.name)
    """

    def __init__(
        self,
        *,
        client: AsyncAPIClient,
        path: str,
        params: Params,
        item_type: type[ItemT],
        response: httpx.Response,
    ) -> None:
        super().__init__(path=path, params=params, item_type=item_type, response=response)
        self._client = client

    async def get_next_page(self) -> Self:
        """Fetch the page after this one.

        Raises:
            RuntimeError: There is no next page (check `has_next_page` first).

        Example:
            >>> page = await client.artists.list(limit=10)  # doctest: +SKIP
            >>> (await page.get_next_page()).offset  # doctest: +SKIP
            10
        """
        if self._next_params is None:
            raise RuntimeError("no next page: check has_next_page() first")
        response = await self._client._get_response(self._path, self._next_params)
        return type(self)(
            client=self._client,
            path=self._path,
            params=self._next_params,
            item_type=self._item_type,
            response=response,
        )

    async def iter_pages(self) -> AsyncIterator[Self]:
        """This page and every page after it.

        Example:
            >>> page = await client.users.list(limit=100)  # doctest: +SKIP
            >>> async for each in page.iter_pages():  # doctest: +SKIP
            ...     print(each.offset)
        """
        page = self
        yield page
        while page.has_next_page():
            page = await page.get_next_page()
            yield page

    async def __aiter__(self) -> AsyncIterator[ItemT]:
        async for page in self.iter_pages():
            for item in page.items:
                yield item

    async def to_pandas(self) -> pd.DataFrame:
        """Every item from this page on, as a DataFrame (needs the ``pandas`` extra).

        Example:
            >>> page = await client.artists.search(tags=["rock"])  # doctest: +SKIP
            >>> frame = await page.to_pandas()  # doctest: +SKIP
        """
        return self._frame([item async for item in self])


class AsyncPaginator(Generic[ItemT, AsyncPageT]):
    """What an async list method returns: await it for the first page, or ``async for`` it
    for every item of every page.

    Example:
        >>> async for artist in client.artists.list():  # doctest: +SKIP
        ...     print(artist.name)
        >>> first = await client.artists.list(limit=10)  # doctest: +SKIP
    """

    def __init__(
        self,
        *,
        client: AsyncAPIClient,
        path: str,
        params: Params,
        item_type: type[ItemT],
        page_type: type[AsyncPageT],
    ) -> None:
        self._client = client
        self._path = path
        self._params = params
        self._item_type = item_type
        self._page_type = page_type

    async def _first_page(self) -> AsyncPageT:
        response = await self._client._get_response(self._path, self._params)
        return self._page_type(
            client=self._client,
            path=self._path,
            params=self._params,
            item_type=self._item_type,
            response=response,
        )

    def __await__(self) -> Generator[Any, None, AsyncPageT]:
        return self._first_page().__await__()

    async def __aiter__(self) -> AsyncIterator[ItemT]:
        page = await self._first_page()
        async for item in page:
            yield item

    async def to_pandas(self) -> pd.DataFrame:
        """Every item of every page, as a DataFrame (needs the ``pandas`` extra).

        Example:
            >>> frame = await client.artists.list().to_pandas()  # doctest: +SKIP
        """
        page = await self._first_page()
        return await page.to_pandas()
