"""Retries, against `httpx.MockTransport`: the only tests that fake the server, because a real
one cannot be made to fail on cue. Waits are recorded instead of slept."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from soundstream_sdk import (
    APIConnectionError,
    AsyncSoundStream,
    BadRequestError,
    InternalServerError,
    RateLimitError,
    SoundStream,
    _retries,
)

Handler = Callable[[httpx.Request], httpx.Response]
OK = {"status": "ok"}
ARTIST = {"id": 4, "name": "Radiohead", "url": None, "picture_url": None}
PROBLEM = {"type": "about:blank", "title": "t", "status": 0, "detail": "d"}


@pytest.fixture
def waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The waits the client would have slept, in order."""
    recorded: list[float] = []

    async def async_sleep(seconds: float) -> None:
        recorded.append(seconds)

    monkeypatch.setattr(_retries, "sleep", recorded.append)
    monkeypatch.setattr(_retries, "async_sleep", async_sleep)
    return recorded


class Script:
    """Answers requests with the given responses in turn, and counts them."""

    def __init__(self, *answers: httpx.Response | Exception) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


def problem(status: int, **headers: str) -> httpx.Response:
    return httpx.Response(
        status,
        json={**PROBLEM, "status": status},
        headers={"Content-Type": "application/problem+json", **headers},
    )


def sdk(script: Script, **options: int) -> SoundStream:
    return SoundStream(
        base_url="http://sdk.test",
        api_key="k",
        http_client=httpx.Client(transport=httpx.MockTransport(script)),
        **options,  # type: ignore[arg-type]
    )


def test_a_503_then_a_200_is_retried_once(waits: list[float]) -> None:
    script = Script(problem(503), httpx.Response(200, json=OK))
    assert sdk(script).health().status == "ok"
    assert len(script.requests) == 2
    assert len(waits) == 1
    assert 0.375 <= waits[0] <= 0.5  # the first back-off: 0.5 s less up to 25 % jitter


@pytest.mark.parametrize("status", [502, 504])
def test_gateway_errors_are_retried(status: int, waits: list[float]) -> None:
    script = Script(problem(status), httpx.Response(200, json=ARTIST))
    assert sdk(script).artists.get(4).name == "Radiohead"
    assert len(script.requests) == 2


def test_a_429_waits_as_long_as_retry_after_says(waits: list[float]) -> None:
    script = Script(problem(429, **{"Retry-After": "3"}), httpx.Response(200, json=OK))
    sdk(script).health()
    assert waits == [3.0]
    assert len(script.requests) == 2


def test_a_429_asking_for_more_than_a_minute_is_raised_at_once(waits: list[float]) -> None:
    script = Script(problem(429, **{"Retry-After": "3600"}))
    with pytest.raises(RateLimitError) as caught:
        sdk(script).health()
    assert caught.value.retry_after == 3600.0
    assert waits == []


def test_a_400_is_not_retried(waits: list[float]) -> None:
    script = Script(problem(400), httpx.Response(200, json=OK))
    with pytest.raises(BadRequestError):
        sdk(script).health()
    assert len(script.requests) == 1
    assert waits == []


def test_a_500_is_not_retried(waits: list[float]) -> None:
    script = Script(problem(500), httpx.Response(200, json=OK))
    with pytest.raises(InternalServerError):
        sdk(script).health()
    assert len(script.requests) == 1


def test_a_post_is_not_retried_even_on_a_503(waits: list[float]) -> None:
    script = Script(problem(503), httpx.Response(201, json=ARTIST))
    with pytest.raises(InternalServerError) as caught:
        sdk(script).artists.create(name="Radiohead")
    assert caught.value.status_code == 503
    assert [r.method for r in script.requests] == ["POST"]
    assert waits == []


def test_a_patch_is_not_retried(waits: list[float]) -> None:
    script = Script(problem(503), httpx.Response(200, json=ARTIST))
    with pytest.raises(InternalServerError):
        sdk(script).artists.update(4, name="Radiohead")
    assert [r.method for r in script.requests] == ["PATCH"]


def test_a_put_and_a_delete_are_retried(waits: list[float]) -> None:
    listen = {"user_id": 2, "artist_id": 4, "weight": 7}
    script = Script(
        problem(503), httpx.Response(200, json=listen), problem(502), httpx.Response(204)
    )
    client = sdk(script)
    assert client.users.set_listen(2, 4, weight=7).weight == 7
    client.users.delete_listen(2, 4)
    assert [r.method for r in script.requests] == ["PUT", "PUT", "DELETE", "DELETE"]


def test_a_connection_error_on_a_get_is_retried(waits: list[float]) -> None:
    script = Script(httpx.ConnectError("refused"), httpx.Response(200, json=OK))
    assert sdk(script).health().status == "ok"
    assert len(script.requests) == 2


def test_a_connection_error_on_a_post_is_not_retried(waits: list[float]) -> None:
    script = Script(httpx.ConnectError("refused"), httpx.Response(201, json=ARTIST))
    with pytest.raises(APIConnectionError):
        sdk(script).artists.create(name="x")
    assert len(script.requests) == 1


def test_graphql_goes_over_post_and_is_not_retried(waits: list[float]) -> None:
    script = Script(problem(503), httpx.Response(200, json={"data": {"x": 1}}))
    with pytest.raises(InternalServerError):
        sdk(script).graphql("{ x }")
    assert [(r.method, r.url.path) for r in script.requests] == [("POST", "/graphql")]


def test_retries_stop_after_max_retries_with_growing_waits(waits: list[float]) -> None:
    script = Script(problem(503), problem(503), problem(503), problem(503))
    with pytest.raises(InternalServerError):
        sdk(script, max_retries=3).health()
    assert len(script.requests) == 4
    # Doubling from 0.5 s, each less up to 25 % of jitter.
    for wait, backoff in zip(waits, [0.5, 1.0, 2.0], strict=True):
        assert 0.75 * backoff <= wait <= backoff


def test_max_retries_zero_disables_retries(waits: list[float]) -> None:
    script = Script(problem(503), httpx.Response(200, json=OK))
    with pytest.raises(InternalServerError):
        sdk(script).with_options(max_retries=0).health()
    assert len(script.requests) == 1


def test_the_back_off_is_capped() -> None:
    assert _retries.retry_delay(20) <= _retries.MAX_DELAY  # type: ignore[operator]


def test_retry_after_as_an_http_date_is_understood() -> None:
    delay = _retries.retry_delay(0, "Wed, 21 Oct 2015 07:28:00 GMT")
    assert delay == 0.0  # a date in the past: retry now


@pytest.mark.anyio
async def test_the_async_client_retries_a_503_then_succeeds(waits: list[float]) -> None:
    script = Script(
        problem(503), problem(429, **{"Retry-After": "2"}), httpx.Response(200, json=OK)
    )
    async with AsyncSoundStream(
        base_url="http://sdk.test",
        http_client=httpx.AsyncClient(transport=httpx.MockTransport(script)),
    ) as client:
        assert (await client.health()).status == "ok"
    assert len(script.requests) == 3
    assert waits[1] == 2.0


@pytest.mark.anyio
async def test_the_async_client_does_not_retry_a_post(waits: list[float]) -> None:
    script = Script(problem(503), httpx.Response(201, json=ARTIST))
    async with AsyncSoundStream(
        base_url="http://sdk.test",
        http_client=httpx.AsyncClient(transport=httpx.MockTransport(script)),
    ) as client:
        with pytest.raises(InternalServerError):
            await client.artists.create(name="x")
    assert len(script.requests) == 1
