"""Rate limiting, in memory and in Redis (127.0.0.1:6379; each test uses its own key prefix
and deletes its keys). The clock is injected so no test depends on when a minute ends."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator

import pytest
import redis
from fastapi.testclient import TestClient

from server.main import create_app
from server.rest.ratelimit import (
    MemoryWindowStore,
    RateLimiter,
    RedisWindowStore,
    build_rate_limiter,
)
from tests.conftest import API_KEY, make_settings
from tests.server.conftest import API

REDIS_URL = "redis://127.0.0.1:6379/0"
LIMIT = 3
START = 1_700_000_000.0  # 20 s into a one-minute window, which ends 40 s later


class FakeClock:
    def __init__(self, now: float = START) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def redis_or_skip() -> redis.Redis:
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5)
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis not reachable at {REDIS_URL}: {exc}")
    return client


@pytest.fixture(params=["memory", "redis"])
def store_kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def limited(small_db_url: str, store_kind: str, clock: FakeClock) -> Iterator[TestClient]:
    """A client over the small dataset with a limit of 3 requests a minute."""
    prefix = f"test-ratelimit:{uuid.uuid4().hex}"
    redis_url = None
    cleanup: redis.Redis | None = None
    if store_kind == "redis":
        cleanup = redis_or_skip()
        redis_url = REDIS_URL
    settings = make_settings(small_db_url, rate_limit_per_minute=LIMIT, redis_url=redis_url)
    app = create_app(settings)
    app.state.rate_limiter = build_rate_limiter(settings, key_prefix=prefix, clock=clock)
    with TestClient(app) as client:
        yield client
    if cleanup is not None:
        keys = list(cleanup.scan_iter(f"{prefix}:*"))
        if keys:
            cleanup.delete(*keys)
        cleanup.close()


def test_requests_within_the_limit_pass_with_headers(limited: TestClient) -> None:
    remaining = []
    for _ in range(LIMIT):
        response = limited.get(f"{API}/artists/1")
        assert response.status_code == 200
        remaining.append(response.headers["X-RateLimit-Remaining"])
    assert remaining == ["2", "1", "0"]
    assert response.headers["X-RateLimit-Limit"] == "3"
    assert response.headers["X-RateLimit-Reset"] == "40"


def test_request_over_the_limit_is_429_problem_with_retry_after(limited: TestClient) -> None:
    for _ in range(LIMIT):
        limited.get(f"{API}/artists")
    response = limited.get(f"{API}/artists")
    assert response.status_code == 429
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["Retry-After"] == "40"
    body = response.json()
    assert body["status"] == 429
    assert body["type"] == "https://soundstream.dev/problems/rate-limited"
    assert "X-Request-ID" in response.headers


def test_limit_counts_writes_and_failures_too(limited: TestClient) -> None:
    limited.get(f"{API}/artists/99")
    limited.post(f"{API}/tags", json={"name": "x"})
    limited.get(f"{API}/artists/abc")
    assert limited.get(f"{API}/artists").status_code == 429


def test_next_window_starts_afresh(limited: TestClient, clock: FakeClock) -> None:
    for _ in range(LIMIT + 1):
        limited.get(f"{API}/tags")
    clock.now += 40
    response = limited.get(f"{API}/tags")
    assert response.status_code == 200
    assert response.headers["X-RateLimit-Remaining"] == "2"


def test_probes_are_not_limited(limited: TestClient) -> None:
    for _ in range(LIMIT + 2):
        assert limited.get(f"{API}/health").status_code == 200
    assert limited.get(f"{API}/ready").status_code == 200
    assert limited.get(f"{API}/tags").status_code == 200


def test_api_key_holders_have_their_own_budget(limited: TestClient, auth: dict[str, str]) -> None:
    for _ in range(LIMIT):
        limited.get(f"{API}/tags")
    assert limited.get(f"{API}/tags").status_code == 429
    assert limited.get(f"{API}/tags", headers=auth).status_code == 200


def test_invalid_api_keys_share_the_address_budget(limited: TestClient) -> None:
    for attempt in range(LIMIT):
        limited.get(f"{API}/tags", headers={"X-API-Key": f"made-up-{attempt}"})
    response = limited.get(f"{API}/tags", headers={"X-API-Key": "made-up-again"})
    assert response.status_code == 429


def test_rate_limiting_is_off_by_default(client: TestClient) -> None:
    for _ in range(10):
        response = client.get(f"{API}/tags")
        assert response.status_code == 200
    assert "X-RateLimit-Limit" not in response.headers
    assert client.app.state.rate_limiter is None  # type: ignore[attr-defined]


def test_build_rate_limiter_picks_the_store() -> None:
    off = make_settings("sqlite://")
    assert build_rate_limiter(off) is None
    memory = build_rate_limiter(make_settings("sqlite://", rate_limit_per_minute=5))
    assert memory is not None
    assert isinstance(memory.store, MemoryWindowStore)
    shared = build_rate_limiter(
        make_settings("sqlite://", rate_limit_per_minute=5, redis_url=REDIS_URL)
    )
    assert shared is not None
    assert isinstance(shared.store, RedisWindowStore)
    asyncio.run(shared.aclose())


def test_redis_counters_are_shared_between_limiters() -> None:
    """Two processes (here: two limiters) on one Redis count against one budget."""
    cleanup = redis_or_skip()
    prefix = f"test-ratelimit:{uuid.uuid4().hex}"
    clock = FakeClock()

    async def scenario() -> list[bool]:
        first = RateLimiter(2, RedisWindowStore.from_url(REDIS_URL, prefix), clock=clock)
        second = RateLimiter(2, RedisWindowStore.from_url(REDIS_URL, prefix), clock=clock)
        try:
            return [
                (await first.check("ip:1.2.3.4")).allowed,
                (await second.check("ip:1.2.3.4")).allowed,
                (await first.check("ip:1.2.3.4")).allowed,
            ]
        finally:
            await first.aclose()
            await second.aclose()

    assert asyncio.run(scenario()) == [True, True, False]
    keys = list(cleanup.scan_iter(f"{prefix}:*"))
    assert len(keys) == 1
    assert 0 < cleanup.ttl(keys[0]) <= 41
    cleanup.delete(*keys)
    cleanup.close()


def test_unreachable_redis_lets_requests_through(small_db_url: str) -> None:
    settings = make_settings(
        small_db_url, rate_limit_per_minute=1, redis_url="redis://127.0.0.1:1/0"
    )
    with TestClient(create_app(settings)) as client:
        statuses = [client.get(f"{API}/tags").status_code for _ in range(3)]
    assert statuses == [200, 200, 200]


def test_a_limit_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        RateLimiter(0, MemoryWindowStore())


def test_client_id_uses_valid_keys_only() -> None:
    limiter = RateLimiter(1, MemoryWindowStore(), api_keys=[API_KEY])
    assert limiter.client_id(API_KEY, "10.0.0.1").startswith("key:")
    assert API_KEY not in limiter.client_id(API_KEY, "10.0.0.1")
    assert limiter.client_id("wrong", "10.0.0.1") == "ip:10.0.0.1"
    assert limiter.client_id(None, None) == "ip:unknown"
