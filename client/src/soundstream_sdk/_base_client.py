"""The HTTP core shared by every resource: configuration, the retry loop, error mapping.

`SyncAPIClient` and `AsyncAPIClient` each wrap one `httpx.Client` / `httpx.AsyncClient`,
used for REST and GraphQL alike, so connections are pooled across both.
"""

from __future__ import annotations

import logging
import os
import platform
from collections.abc import Mapping
from types import TracebackType
from typing import Any, Final, Literal, Self, TypeVar

import httpx

from soundstream_sdk import _retries
from soundstream_sdk._exceptions import APIConnectionError, APITimeoutError, status_error
from soundstream_sdk._models import SoundStreamModel
from soundstream_sdk._pagination import AsyncPage, AsyncPaginator, ItemT, SyncPage
from soundstream_sdk._version import __version__

log = logging.getLogger("soundstream_sdk")

DEFAULT_BASE_URL: Final = "http://127.0.0.1:8000"
DEFAULT_TIMEOUT: Final = httpx.Timeout(30.0, connect=5.0)
DEFAULT_MAX_RETRIES: Final = 2
API_PREFIX: Final = "/api/v1"
GRAPHQL_PATH: Final = "/graphql"
BASE_URL_ENV: Final = "SOUNDSTREAM_URL"
API_KEY_ENV: Final = "SOUNDSTREAM_API_KEY"

ModelT = TypeVar("ModelT", bound=SoundStreamModel)
AsyncPageT = TypeVar("AsyncPageT", bound=AsyncPage[Any])
SyncPageT = TypeVar("SyncPageT", bound=SyncPage[Any])
Method = Literal["GET", "POST", "PUT", "PATCH", "DELETE"]


class NotGiven:
    """The type of `NOT_GIVEN`: "leave this field alone", as distinct from ``None``.

    ``client.artists.update(4, url=None)`` clears the URL; leaving ``url`` out (its default,
    `NOT_GIVEN`) keeps it.
    """

    _instance: NotGiven | None = None

    def __new__(cls) -> Self:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance  # type: ignore[return-value]

    def __bool__(self) -> Literal[False]:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN: Final = NotGiven()

Timeout = float | httpx.Timeout | None


def query_params(values: Mapping[str, Any]) -> dict[str, Any]:
    """Query parameters as the API reads them: ``None`` dropped (the server's default
    applies), lists joined with commas, booleans as ``true``/``false``.

    Example:
        >>> query_params({"tags": ["rock", "pop"], "q": None, "include_points": True})
        {'tags': 'rock,pop', 'include_points': 'true'}
    """
    params: dict[str, Any] = {}
    for name, value in values.items():
        if value is None or isinstance(value, NotGiven):
            continue
        if isinstance(value, bool):
            params[name] = "true" if value else "false"
        elif isinstance(value, list | tuple | set | frozenset):
            params[name] = ",".join(str(v) for v in value)
        else:
            params[name] = value
    return params


def resolve_base_url(base_url: str | None) -> str:
    """``base_url``, else ``SOUNDSTREAM_URL``, else http://127.0.0.1:8000; a trailing ``/``
    or ``/api/v1`` is dropped so either form of the address works."""
    url = base_url or os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL
    url = url.rstrip("/")
    url = url.removesuffix(API_PREFIX)
    return url.rstrip("/")


def resolve_api_key(api_key: str | None) -> str | None:
    """``api_key``, else ``SOUNDSTREAM_API_KEY``, else None (reads only)."""
    if api_key is None:
        api_key = os.environ.get(API_KEY_ENV)
    return api_key or None


def user_agent() -> str:
    return (
        f"soundstream-sdk/{__version__} python/{platform.python_version()} "
        f"httpx/{httpx.__version__}"
    )


class BaseAPIClient:
    """Configuration shared by the sync and async clients."""

    def __init__(
        self,
        *,
        base_url: str | None,
        api_key: str | None,
        timeout: Timeout,
        max_retries: int,
        default_headers: Mapping[str, str] | None,
    ) -> None:
        if max_retries < 0:
            raise ValueError("max_retries must be >= 0")
        self.base_url: str = resolve_base_url(base_url)
        """The server's root URL, without ``/api/v1``."""
        self.api_key: str | None = resolve_api_key(api_key)
        """The key sent as ``X-API-Key`` (writes need one)."""
        self.timeout: Timeout = timeout
        """Seconds, an `httpx.Timeout`, or None for no timeout."""
        self.max_retries: int = max_retries
        """Retries of an idempotent request after a transient failure."""
        self._default_headers = dict(default_headers or {})

    @property
    def graphql_url(self) -> str:
        """The GraphQL endpoint."""
        return self.base_url + GRAPHQL_PATH

    def _rest_url(self, path: str) -> str:
        return self.base_url + API_PREFIX + path

    def _headers(self) -> dict[str, str]:
        headers = {"Accept": "application/json", "User-Agent": user_agent()}
        if self.api_key:
            headers["X-API-Key"] = self.api_key
        headers.update(self._default_headers)
        return headers

    def _retries_for(self, method: str) -> int:
        return self.max_retries if _retries.is_idempotent(method) else 0

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r})"


def _parse(response: httpx.Response, cast_to: type[ModelT]) -> ModelT:
    return cast_to.model_validate(response.json())


class SyncAPIClient(BaseAPIClient):
    """The blocking HTTP core: one `httpx.Client`, retries, errors as exceptions."""

    def __init__(
        self,
        *,
        base_url: str | None,
        api_key: str | None,
        timeout: Timeout,
        max_retries: int,
        http_client: httpx.Client | None,
        default_headers: Mapping[str, str] | None,
    ) -> None:
        super().__init__(
            base_url=base_url,
            api_key=api_key,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
        )
        self._owns_http_client = http_client is None
        self._http_client = http_client or httpx.Client(timeout=timeout)

    def _send(
        self,
        method: Method,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
    ) -> httpx.Response:
        """Send one request, retrying what is safe (see `soundstream_sdk._retries`)."""
        retries_left = self._retries_for(method)
        retries_done = 0
        while True:
            try:
                response = self._http_client.request(
                    method,
                    url,
                    params=params,
                    json=json,
                    headers=self._headers(),
                    timeout=self.timeout,
                )
            except httpx.TransportError as exc:
                delay = _retries.retry_delay(retries_done) if retries_left else None
                if delay is None:
                    raise _connection_error(exc) from exc
                log.info("%s %s failed (%r); retrying in %.2fs", method, url, exc, delay)
            else:
                if response.is_success or response.status_code == 304:
                    return response
                response.read()
                delay = None
                if retries_left and _retries.should_retry_status(response.status_code):
                    delay = _retries.retry_delay(retries_done, response.headers.get("Retry-After"))
                if delay is None:
                    raise status_error(response)
                log.info(
                    "%s %s answered %d; retrying in %.2fs", method, url, response.status_code, delay
                )
            _retries.sleep(delay)
            retries_left -= 1
            retries_done += 1

    def _get_response(self, path: str, params: Mapping[str, Any] | None = None) -> httpx.Response:
        return self._send("GET", self._rest_url(path), params=params)

    def _get(
        self, path: str, *, cast_to: type[ModelT], params: Mapping[str, Any] | None = None
    ) -> ModelT:
        return _parse(self._get_response(path, params), cast_to)

    def _write(self, method: Method, path: str, *, cast_to: type[ModelT], body: Any) -> ModelT:
        return _parse(self._send(method, self._rest_url(path), json=body), cast_to)

    def _delete(self, path: str, *, params: Mapping[str, Any] | None = None) -> None:
        self._send("DELETE", self._rest_url(path), params=params)

    def _page(
        self,
        path: str,
        params: Mapping[str, Any],
        item_type: type[ItemT],
        page_type: type[SyncPageT],
    ) -> SyncPageT:
        return page_type(
            client=self,
            path=path,
            params=dict(params),
            item_type=item_type,
            response=self._get_response(path, params),
        )

    def _graphql_payload(self, payload: dict[str, Any]) -> dict[str, Any]:
        """POST a GraphQL payload; HTTP errors raise, the body's ``errors`` do not (yet)."""
        answer: dict[str, Any] = self._send("POST", self.graphql_url, json=payload).json()
        return answer

    @property
    def is_closed(self) -> bool:
        """Whether the underlying `httpx.Client` is closed."""
        return self._http_client.is_closed

    def close(self) -> None:
        """Close the connection pool (unless it was passed in as ``http_client``).

        Example:
            >>> client = SoundStream()  # doctest: +SKIP
            >>> client.close()  # doctest: +SKIP
        """
        if self._owns_http_client:
            self._http_client.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class AsyncAPIClient(BaseAPIClient):
    """The asyncio (and trio) HTTP core: one `httpx.AsyncClient`, retries, errors."""

    def __init__(
        self,
        *,
        base_url: str | None,
        api_key: str | None,
        timeout: Timeout,
        max_retries: int,
        http_client: httpx.AsyncClient | None,
        default_headers: Mapping[str, str] | None,
    ) -> None:
        super().__init__(
            base_url=base_url,
            api_key=api_key,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
        )
        self._owns_http_client = http_client is None
        self._http_client = http_client or httpx.AsyncClient(timeout=timeout)

    async def _send(
        self,
        method: Method,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
    ) -> httpx.Response:
        """Send one request, retrying what is safe (see `soundstream_sdk._retries`)."""
        retries_left = self._retries_for(method)
        retries_done = 0
        while True:
            try:
                response = await self._http_client.request(
                    method,
                    url,
                    params=params,
                    json=json,
                    headers=self._headers(),
                    timeout=self.timeout,
                )
            except httpx.TransportError as exc:
                delay = _retries.retry_delay(retries_done) if retries_left else None
                if delay is None:
                    raise _connection_error(exc) from exc
                log.info("%s %s failed (%r); retrying in %.2fs", method, url, exc, delay)
            else:
                if response.is_success or response.status_code == 304:
                    return response
                await response.aread()
                delay = None
                if retries_left and _retries.should_retry_status(response.status_code):
                    delay = _retries.retry_delay(retries_done, response.headers.get("Retry-After"))
                if delay is None:
                    raise status_error(response)
                log.info(
                    "%s %s answered %d; retrying in %.2fs", method, url, response.status_code, delay
                )
            await _retries.async_sleep(delay)
            retries_left -= 1
            retries_done += 1

    async def _get_response(
        self, path: str, params: Mapping[str, Any] | None = None
    ) -> httpx.Response:
        return await self._send("GET", self._rest_url(path), params=params)

    async def _get(
        self, path: str, *, cast_to: type[ModelT], params: Mapping[str, Any] | None = None
    ) -> ModelT:
        return _parse(await self._get_response(path, params), cast_to)

    async def _write(
        self, method: Method, path: str, *, cast_to: type[ModelT], body: Any
    ) -> ModelT:
        return _parse(await self._send(method, self._rest_url(path), json=body), cast_to)

    async def _delete(self, path: str, *, params: Mapping[str, Any] | None = None) -> None:
        await self._send("DELETE", self._rest_url(path), params=params)

    def _paginator(
        self,
        path: str,
        params: Mapping[str, Any],
        item_type: type[ItemT],
        page_type: type[AsyncPageT],
    ) -> AsyncPaginator[ItemT, AsyncPageT]:
        return AsyncPaginator(
            client=self, path=path, params=dict(params), item_type=item_type, page_type=page_type
        )

    async def _graphql_payload(self, payload: dict[str, Any]) -> dict[str, Any]:
        """POST a GraphQL payload; HTTP errors raise, the body's ``errors`` do not (yet)."""
        answer: dict[str, Any] = (await self._send("POST", self.graphql_url, json=payload)).json()
        return answer

    @property
    def is_closed(self) -> bool:
        """Whether the underlying `httpx.AsyncClient` is closed."""
        return self._http_client.is_closed

    async def close(self) -> None:
        """Close the connection pool (unless it was passed in as ``http_client``).

        Example:
            >>> client = AsyncSoundStream()  # doctest: +SKIP
            >>> await client.close()  # doctest: +SKIP
        """
        if self._owns_http_client:
            await self._http_client.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()


def _connection_error(exc: httpx.TransportError) -> APIConnectionError:
    if isinstance(exc, httpx.TimeoutException):
        return APITimeoutError(request=exc.request)
    return APIConnectionError(f"connection error: {exc!r}", request=exc.request)
