"""Construction: keyword-only options, environment fallbacks, headers, ownership of the pool."""

from __future__ import annotations

import httpx
import numpy as np
import pytest
from soundstream_sdk import DEFAULT_BASE_URL, AsyncSoundStream, SoundStream
from soundstream_sdk.resources._base import path_id


def recording_client(seen: list[httpx.Request]) -> httpx.Client:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"status": "ok"})

    return httpx.Client(transport=httpx.MockTransport(handler))


def test_options_are_keyword_only() -> None:
    with pytest.raises(TypeError):
        SoundStream("http://127.0.0.1:1")  # type: ignore[call-arg]


def test_defaults_without_environment() -> None:
    with SoundStream() as client:
        assert client.base_url == DEFAULT_BASE_URL == "http://127.0.0.1:8000"
        assert client.api_key is None
        assert client.max_retries == 2


def test_environment_gives_url_and_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOUNDSTREAM_URL", "http://music.example:9000/")
    monkeypatch.setenv("SOUNDSTREAM_API_KEY", "from-env")
    with SoundStream() as client:
        assert (client.base_url, client.api_key) == ("http://music.example:9000", "from-env")


def test_arguments_win_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOUNDSTREAM_URL", "http://music.example:9000")
    monkeypatch.setenv("SOUNDSTREAM_API_KEY", "from-env")
    with SoundStream(base_url="http://other.example", api_key="explicit") as client:
        assert (client.base_url, client.api_key) == ("http://other.example", "explicit")


def test_an_api_prefix_in_the_base_url_is_accepted() -> None:
    with SoundStream(base_url="http://h.example:8000/api/v1/") as client:
        assert client.base_url == "http://h.example:8000"
        assert client.graphql_url == "http://h.example:8000/graphql"


def test_negative_retries_are_refused() -> None:
    with pytest.raises(ValueError, match="max_retries"):
        SoundStream(max_retries=-1)


def test_requests_carry_the_key_user_agent_and_extra_headers() -> None:
    seen: list[httpx.Request] = []
    http = recording_client(seen)
    with SoundStream(
        base_url="http://h.example", api_key="k-1", http_client=http, default_headers={"X-A": "b"}
    ) as client:
        client.health()
    (request,) = seen
    assert str(request.url) == "http://h.example/api/v1/health"
    assert request.headers["X-API-Key"] == "k-1"
    assert request.headers["X-A"] == "b"
    assert request.headers["User-Agent"].startswith("soundstream-sdk/")


def test_no_key_header_without_a_key() -> None:
    seen: list[httpx.Request] = []
    with SoundStream(base_url="http://h.example", http_client=recording_client(seen)) as client:
        client.health()
    assert "X-API-Key" not in seen[0].headers


def test_closing_closes_only_an_owned_pool() -> None:
    passed = recording_client([])
    with SoundStream(http_client=passed):
        pass
    assert not passed.is_closed
    with SoundStream() as owned:
        pass
    assert owned.is_closed


def test_with_options_shares_the_pool_and_changes_only_what_is_given() -> None:
    seen: list[httpx.Request] = []
    with SoundStream(
        base_url="http://h.example", api_key="k", http_client=recording_client(seen)
    ) as client:
        quick = client.with_options(max_retries=0, timeout=1.5)
        quick.health()
        quick.close()
        assert not client.is_closed
    assert (quick.max_retries, quick.timeout, quick.api_key) == (0, 1.5, "k")
    assert quick.base_url == client.base_url
    assert len(seen) == 1


def test_with_options_can_drop_the_key_even_with_one_in_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SOUNDSTREAM_API_KEY", "from-env")
    with SoundStream(api_key="explicit") as client:
        assert client.with_options(api_key=None).api_key is None
        assert client.with_options(api_key="other").api_key == "other"
        assert client.with_options().api_key == "explicit"


@pytest.mark.anyio
async def test_async_client_reads_the_same_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOUNDSTREAM_URL", "http://music.example:9000")
    monkeypatch.setenv("SOUNDSTREAM_API_KEY", "from-env")
    async with AsyncSoundStream() as client:
        assert (client.base_url, client.api_key) == ("http://music.example:9000", "from-env")
    assert client.is_closed


def test_ids_in_paths_must_be_integers() -> None:
    assert path_id(np.int64(4)) == 4  # an id taken from a DataFrame column
    with pytest.raises(TypeError):
        path_id("4/../../users")  # type: ignore[arg-type]
