"""GraphQL through `gql`, over the SDK's own HTTP client.

gql's HTTPX transports open an `httpx.Client` of their own. The subclasses here send through
the SDK client instead, so REST and GraphQL share one connection pool, one set of headers
(``X-API-Key``) and one error mapping: an HTTP failure raises the same `APIStatusError`
subclass as over REST, and a GraphQL answer with ``errors`` raises `GraphQLError`.

GraphQL goes over POST, which is never retried (a mutation might be applied twice).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from gql import Client, GraphQLRequest
from gql.client import AsyncClientSession, SyncClientSession
from gql.transport.exceptions import TransportQueryError
from gql.transport.httpx import HTTPXAsyncTransport, HTTPXTransport
from graphql import ExecutionResult, GraphQLSyntaxError

from soundstream_sdk._exceptions import GraphQLError

if TYPE_CHECKING:
    from soundstream_sdk._base_client import AsyncAPIClient, SyncAPIClient

PARSE_FAILED = "GRAPHQL_PARSE_FAILED"


def _result(answer: dict[str, Any]) -> ExecutionResult:
    # gql keeps the server's error dicts as they are; ExecutionResult's annotation says
    # graphql-core errors, hence the cast.
    return ExecutionResult(
        data=answer.get("data"),
        errors=cast(Any, answer.get("errors")),
        extensions=answer.get("extensions"),
    )


class SharedHTTPXTransport(HTTPXTransport):
    """gql's sync HTTPX transport, sending through a `SyncAPIClient`."""

    def __init__(self, client: SyncAPIClient) -> None:
        super().__init__(url=client.graphql_url)
        self._sdk = client

    def connect(self) -> None:
        """Nothing to open: the SDK's `httpx.Client` is already open."""

    def close(self) -> None:
        """Nothing to close here: the SDK client owns the connection pool."""

    def execute(
        self,
        request: GraphQLRequest,
        *,
        extra_args: dict[str, Any] | None = None,
        upload_files: bool = False,
    ) -> ExecutionResult:
        """POST ``request`` through the SDK client and return its result."""
        return _result(self._sdk._graphql_payload(request.payload))


class SharedHTTPXAsyncTransport(HTTPXAsyncTransport):
    """gql's async HTTPX transport, sending through an `AsyncAPIClient`."""

    def __init__(self, client: AsyncAPIClient) -> None:
        super().__init__(url=client.graphql_url)
        self._sdk = client

    async def connect(self) -> None:
        """Nothing to open: the SDK's `httpx.AsyncClient` is already open."""

    async def close(self) -> None:
        """Nothing to close here: the SDK client owns the connection pool."""

    async def execute(
        self,
        request: GraphQLRequest,
        *,
        extra_args: dict[str, Any] | None = None,
        upload_files: bool = False,
    ) -> ExecutionResult:
        """POST ``request`` through the SDK client and return its result."""
        return _result(await self._sdk._graphql_payload(request.payload))


def build_request(
    query: str, variables: dict[str, Any] | None, operation_name: str | None
) -> GraphQLRequest:
    """Parse ``query`` locally (a syntax error never reaches the server)."""
    try:
        return GraphQLRequest(query, variable_values=variables, operation_name=operation_name)
    except GraphQLSyntaxError as exc:
        error = {"message": exc.message, "extensions": {"code": PARSE_FAILED}}
        raise GraphQLError([error]) from None


def _query_error(exc: TransportQueryError) -> GraphQLError:
    errors = [e if isinstance(e, dict) else {"message": str(e)} for e in exc.errors or []]
    data = exc.data if isinstance(exc.data, dict) else None
    extensions = exc.extensions if isinstance(exc.extensions, dict) else None
    return GraphQLError(errors or [{"message": str(exc)}], data=data, extensions=extensions)


class GraphQLExecutor:
    """Runs GraphQL documents for a `SyncAPIClient`."""

    def __init__(self, client: SyncAPIClient) -> None:
        self._gql = Client(transport=SharedHTTPXTransport(client), execute_timeout=None)
        self._session = SyncClientSession(self._gql)

    def execute(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        operation_name: str | None = None,
    ) -> dict[str, Any]:
        """The ``data`` of the answer; `GraphQLError` if it carried ``errors``."""
        request = build_request(query, variables, operation_name)
        try:
            result = self._session.execute(request, get_execution_result=True)
        except TransportQueryError as exc:
            raise _query_error(exc) from None
        return dict(result.data or {})


class AsyncGraphQLExecutor:
    """Runs GraphQL documents for an `AsyncAPIClient`."""

    def __init__(self, client: AsyncAPIClient) -> None:
        self._gql = Client(transport=SharedHTTPXAsyncTransport(client), execute_timeout=None)
        self._session = AsyncClientSession(self._gql)

    async def execute(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        operation_name: str | None = None,
    ) -> dict[str, Any]:
        """The ``data`` of the answer; `GraphQLError` if it carried ``errors``."""
        request = build_request(query, variables, operation_name)
        try:
            result = await self._session.execute(request, get_execution_result=True)
        except TransportQueryError as exc:
            raise _query_error(exc) from None
        return dict(result.data or {})
