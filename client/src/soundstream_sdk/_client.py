"""`SoundStream` and `AsyncSoundStream`: the entry points."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

from soundstream_sdk._base_client import (
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    NOT_GIVEN,
    AsyncAPIClient,
    NotGiven,
    SyncAPIClient,
    Timeout,
)
from soundstream_sdk._graphql import AsyncGraphQLExecutor, GraphQLExecutor
from soundstream_sdk.resources.analytics import Analytics, AsyncAnalytics
from soundstream_sdk.resources.artists import Artists, AsyncArtists
from soundstream_sdk.resources.charts import AsyncCharts, Charts
from soundstream_sdk.resources.graph import AsyncGraph, Graph
from soundstream_sdk.resources.social import AsyncSocial, Social
from soundstream_sdk.resources.tags import AsyncTags, Tags
from soundstream_sdk.resources.users import AsyncUsers, Users
from soundstream_sdk.types.analytics import Stats
from soundstream_sdk.types.health import Health, Readiness


class SoundStream(SyncAPIClient):
    """A client of the SoundStream API (blocking).

    Args:
        base_url: The server's root URL; default ``SOUNDSTREAM_URL``, else
            ``http://127.0.0.1:8000``. A trailing ``/api/v1`` is accepted.
        api_key: Sent as ``X-API-Key``; writes need one. Default ``SOUNDSTREAM_API_KEY``.
        timeout: Seconds (or an `httpx.Timeout`) per request; None waits forever.
        max_retries: Retries of idempotent requests after a connection error, a 429 or a
            502/503/504, with exponential back-off (see the README).
        http_client: An `httpx.Client` to send through (proxies, custom transports); the
            caller keeps ownership and closes it.
        default_headers: Extra headers for every request.

    Example:
        >>> from soundstream_sdk import SoundStream
        >>> with SoundStream(base_url="http://127.0.0.1:8000") as client:
        ...     print(client.artists.get(4).name)
        Radiohead
    """

    artists: Artists
    users: Users
    tags: Tags
    charts: Charts
    analytics: Analytics
    social: Social
    graph: Graph

    def __init__(
        self,
        *,
        base_url: str | None = None,
        api_key: str | None = None,
        timeout: Timeout = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        http_client: httpx.Client | None = None,
        default_headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(
            base_url=base_url,
            api_key=api_key,
            timeout=timeout,
            max_retries=max_retries,
            http_client=http_client,
            default_headers=default_headers,
        )
        self._graphql = GraphQLExecutor(self)
        self.artists = Artists(self)
        self.users = Users(self)
        self.tags = Tags(self)
        self.charts = Charts(self)
        self.analytics = Analytics(self)
        self.social = Social(self)
        self.graph = Graph(self._graphql)

    def with_options(
        self,
        *,
        api_key: str | NotGiven | None = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> SoundStream:
        """A copy with some options changed, sharing this client's connection pool.

        Example:
            >>> client.with_options(max_retries=0, timeout=2.0).stats()  # doctest: +SKIP
        """
        clone = SoundStream(
            base_url=self.base_url,
            timeout=self.timeout if isinstance(timeout, NotGiven) else timeout,
            max_retries=self.max_retries if isinstance(max_retries, NotGiven) else max_retries,
            http_client=self._http_client,
            default_headers=self._default_headers,
        )
        # Set, not passed: api_key=None must mean "no key", not "read SOUNDSTREAM_API_KEY".
        clone.api_key = self.api_key if isinstance(api_key, NotGiven) else api_key or None
        return clone

    def health(self) -> Health:
        """Liveness: the server process answers (no database involved).

        Example:
            >>> client.health().status
            'ok'
        """
        return self._get("/health", cast_to=Health)

    def ready(self) -> Readiness:
        """Readiness, with the current data version: key a cache on ``data_version``.

        Raises:
            InternalServerError: 503, the database is unreachable or holds no data.

        Example:
            >>> client.ready().data_version
            1
        """
        return self._get("/ready", cast_to=Readiness)

    def stats(self) -> Stats:
        """Headline statistics of the whole dataset.

        Example:
            >>> client.stats().counts.artists
            8
        """
        return self._get("/stats", cast_to=Stats)

    def graphql(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        operation_name: str | None = None,
    ) -> dict[str, Any]:
        """Run any GraphQL query or mutation and return its ``data``.

        Raises:
            GraphQLError: The answer carried ``errors`` (``.codes`` has their codes).
            BadRequestError: The server refused the request itself (e.g. an unknown
                ``operation_name``).

        Example:
            >>> client.graphql("query($id: Int!) { artist(id: $id) { name } }", {"id": 4})
            {'artist': {'name': 'Radiohead'}}
        """
        return self._graphql.execute(query, variables, operation_name)


class AsyncSoundStream(AsyncAPIClient):
    """A client of the SoundStream API for asyncio (and trio): the same methods as
    `SoundStream`, awaited.

    Example:
        >>> from soundstream_sdk import AsyncSoundStream
        >>> async with AsyncSoundStream() as client:
        ...     artist = await client.artists.get(4)
        ...     async for hit in client.artists.search(tags=["rock"]):
        ...         print(hit.name)
    """

    artists: AsyncArtists
    users: AsyncUsers
    tags: AsyncTags
    charts: AsyncCharts
    analytics: AsyncAnalytics
    social: AsyncSocial
    graph: AsyncGraph

    def __init__(
        self,
        *,
        base_url: str | None = None,
        api_key: str | None = None,
        timeout: Timeout = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        http_client: httpx.AsyncClient | None = None,
        default_headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(
            base_url=base_url,
            api_key=api_key,
            timeout=timeout,
            max_retries=max_retries,
            http_client=http_client,
            default_headers=default_headers,
        )
        self._graphql = AsyncGraphQLExecutor(self)
        self.artists = AsyncArtists(self)
        self.users = AsyncUsers(self)
        self.tags = AsyncTags(self)
        self.charts = AsyncCharts(self)
        self.analytics = AsyncAnalytics(self)
        self.social = AsyncSocial(self)
        self.graph = AsyncGraph(self._graphql)

    def with_options(
        self,
        *,
        api_key: str | NotGiven | None = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> AsyncSoundStream:
        """A copy with some options changed, sharing this client's connection pool.

        Example:
            >>> await client.with_options(max_retries=5).stats()  # doctest: +SKIP
        """
        clone = AsyncSoundStream(
            base_url=self.base_url,
            timeout=self.timeout if isinstance(timeout, NotGiven) else timeout,
            max_retries=self.max_retries if isinstance(max_retries, NotGiven) else max_retries,
            http_client=self._http_client,
            default_headers=self._default_headers,
        )
        # Set, not passed: api_key=None must mean "no key", not "read SOUNDSTREAM_API_KEY".
        clone.api_key = self.api_key if isinstance(api_key, NotGiven) else api_key or None
        return clone

    async def health(self) -> Health:
        """Liveness: the server process answers.

        Example:
            >>> (await client.health()).status
            'ok'
        """
        return await self._get("/health", cast_to=Health)

    async def ready(self) -> Readiness:
        """Readiness, with the current data version.

        Example:
            >>> (await client.ready()).data_version
            1
        """
        return await self._get("/ready", cast_to=Readiness)

    async def stats(self) -> Stats:
        """Headline statistics of the whole dataset.

        Example:
            >>> (await client.stats()).counts.users
            5
        """
        return await self._get("/stats", cast_to=Stats)

    async def graphql(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        operation_name: str | None = None,
    ) -> dict[str, Any]:
        """Run any GraphQL query or mutation and return its ``data``.

        Example:
            >>> await client.graphql("{ stats { dataVersion } }")
            {'stats': {'dataVersion': 1}}
        """
        return await self._graphql.execute(query, variables, operation_name)
