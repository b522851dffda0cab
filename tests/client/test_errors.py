"""Every error class, each raised by a real server's answer (or a real socket's silence)."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import httpx
import pytest
from soundstream_sdk import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AsyncSoundStream,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    GraphQLError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    SoundStream,
    SoundStreamError,
    UnprocessableEntityError,
)

from tests.conftest import make_settings
from tests.server.live import free_port, live_server


def test_not_found_carries_the_problem(client: SoundStream) -> None:
    with pytest.raises(NotFoundError) as caught:
        client.artists.get(999)
    error = caught.value
    assert isinstance(error, APIStatusError)
    assert isinstance(error, SoundStreamError)
    assert error.status_code == 404
    assert error.detail == "artist 999 does not exist"
    assert error.title == "Not found"
    assert error.type == "https://soundstream.dev/problems/not-found"
    assert error.problem["resource"] == "artist"
    assert error.problem["instance"] == "/api/v1/artists/999"
    assert error.request_id == error.response.headers["X-Request-ID"]
    assert error.request_id


def test_bad_request_from_the_graphql_endpoint(client: SoundStream) -> None:
    with pytest.raises(BadRequestError) as caught:
        client.graphql("query A { stats { dataVersion } }", operation_name="B")
    assert caught.value.status_code == 400
    assert 'Unknown operation named "B"' in caught.value.detail


def test_a_write_without_a_key_is_an_authentication_error(write_url: str) -> None:
    with SoundStream(base_url=write_url) as anonymous, pytest.raises(AuthenticationError) as caught:
        anonymous.tags.create(name="x")
    assert caught.value.status_code == 401
    assert "X-API-Key" in caught.value.detail


def test_a_wrong_key_is_a_permission_error(write_url: str) -> None:
    with SoundStream(base_url=write_url, api_key="wrong") as client:
        with pytest.raises(PermissionDeniedError) as caught:
            client.users.delete(2)
        assert caught.value.detail == "the API key is not valid"
        assert client.users.get(2).id == 2


def test_a_taken_id_is_a_conflict(writer: SoundStream) -> None:
    with pytest.raises(ConflictError) as caught:
        writer.artists.create(name="Again", id=4)
    assert caught.value.status_code == 409


def test_an_out_of_range_parameter_is_unprocessable_with_the_field(client: SoundStream) -> None:
    with pytest.raises(UnprocessableEntityError) as caught:
        client.artists.search(tagged_from=5)
    error = caught.value
    assert error.status_code == 422
    assert [e["field"] for e in error.errors] == ["tagged_from"]
    assert "tagged_from" in error.detail


def test_too_many_requests_is_a_rate_limit_error_with_retry_after(small_db_url: str) -> None:
    settings = make_settings(small_db_url, rate_limit_per_minute=1)
    refused: list[RateLimitError] = []
    with live_server(settings) as base, SoundStream(base_url=base, max_retries=0) as client:
        # One request per wall-clock minute: of three, at most two fall in different
        # windows, so one is refused even if the minute turns between them.
        for _ in range(3):
            try:
                client.tags.get(1)
            except RateLimitError as error:
                refused.append(error)
    assert refused
    assert refused[0].status_code == 429
    assert refused[0].retry_after is not None
    assert 0 < refused[0].retry_after <= 60


def test_an_unavailable_database_is_an_internal_server_error(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    empty = f"sqlite:///{tmp_path_factory.mktemp('empty')}/empty.db"
    with live_server(make_settings(empty)) as base, SoundStream(base_url=base) as client:
        with pytest.raises(InternalServerError) as caught:
            client.with_options(max_retries=0).ready()
        assert client.health().status == "ok"
    assert caught.value.status_code == 503


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts connections and never answers."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        yield int(listener.getsockname()[1])


def test_no_answer_in_time_is_a_timeout_error(silent_port: int) -> None:
    base = f"http://127.0.0.1:{silent_port}"
    with (
        SoundStream(base_url=base, timeout=0.2, max_retries=0) as client,
        pytest.raises(APITimeoutError) as caught,
    ):
        client.health()
    assert isinstance(caught.value, APIConnectionError)
    assert isinstance(caught.value.request, httpx.Request)


def test_nobody_listening_is_a_connection_error() -> None:
    with (
        SoundStream(base_url=f"http://127.0.0.1:{free_port()}", max_retries=0) as client,
        pytest.raises(APIConnectionError) as caught,
    ):
        client.stats()
    assert not isinstance(caught.value, APITimeoutError)


def test_graphql_errors_carry_their_codes(client: SoundStream) -> None:
    with pytest.raises(GraphQLError) as caught:
        client.graphql('mutation { createTag(name: "x") { __typename } }')
    assert caught.value.code == "UNAUTHENTICATED"
    assert caught.value.codes == ["UNAUTHENTICATED"]
    assert "API key" in str(caught.value)


def test_a_graphql_validation_error_has_no_code_and_keeps_the_message(client: SoundStream) -> None:
    with pytest.raises(GraphQLError) as caught:
        client.graphql("{ nope }")
    assert caught.value.codes == [None]
    assert "Cannot query field 'nope'" in caught.value.messages[0]


def test_a_graphql_syntax_error_is_caught_before_sending(client: SoundStream) -> None:
    with pytest.raises(GraphQLError) as caught:
        client.graphql("{ artist(id: 4) { name }")
    assert caught.value.code == "GRAPHQL_PARSE_FAILED"


def test_a_too_costly_graphql_walk_is_refused_with_its_code(client: SoundStream) -> None:
    with pytest.raises(GraphQLError) as caught:
        client.graph.user_network(2, friends=100, artists=50, tags=50)
    assert caught.value.code == "QUERY_TOO_COMPLEX"
    assert caught.value.errors[0]["extensions"]["budget"] == 10000


@pytest.mark.anyio
async def test_the_async_client_raises_the_same_classes(async_client: AsyncSoundStream) -> None:
    with pytest.raises(NotFoundError) as caught:
        await async_client.users.get(999)
    assert caught.value.problem["resource"] == "user"
    with pytest.raises(UnprocessableEntityError):
        await async_client.charts.artists(limit=1000)
    with pytest.raises(GraphQLError) as graph_error:
        await async_client.graph.user_network(999)
    assert graph_error.value.code == "NOT_FOUND"
    async with AsyncSoundStream(base_url=f"http://127.0.0.1:{free_port()}", max_retries=0) as dead:
        with pytest.raises(APIConnectionError):
            await dead.health()
