"""The result cache: once per data version, never stale after a write, shared through Redis.

Writes are made directly with SQLAlchemy and `commit_write` (the one way a service finishes a
write), so these tests do not depend on the CRUD routes.
"""

from __future__ import annotations

import gc
import os
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import BaseModel
from sqlalchemy.orm import Session

from server.db.engine import create_db_engine
from server.db.meta import get_data_version
from server.db.models import UserArtist
from server.main import create_app
from server.schemas.search import ArtistSearchCriteria, TagMatch
from server.services import search
from server.services.cache import RedisStore, ResultCache, build_cache
from server.services.search import SearchWindow
from server.services.writes import commit_write
from tests.conftest import count_statements, make_settings

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


class Answer(BaseModel):
    value: int
    labels: list[str]


class Counter:
    """A compute function that counts its calls."""

    def __init__(self, value: int = 42) -> None:
        self.calls = 0
        self.value = value

    def __call__(self) -> Answer:
        self.calls += 1
        return Answer(value=self.value, labels=["a", "b"])


# --- in-process tier ---------------------------------------------------------------------


def test_same_key_computes_once_whatever_the_argument_order() -> None:
    cache, compute = ResultCache(), Counter()
    first = cache.get_or_compute("x", {"a": 1, "b": 2}, 1, compute, Answer)
    second = cache.get_or_compute("x", {"b": 2, "a": 1}, 1, compute, Answer)
    assert compute.calls == 1
    assert second is first


def test_other_arguments_or_names_are_other_entries() -> None:
    cache, compute = ResultCache(), Counter()
    cache.get_or_compute("x", {"a": 1}, 1, compute, Answer)
    cache.get_or_compute("x", {"a": 2}, 1, compute, Answer)
    cache.get_or_compute("y", {"a": 1}, 1, compute, Answer)
    assert compute.calls == 3


def test_a_new_data_version_recomputes_and_drops_older_entries() -> None:
    cache, compute = ResultCache(), Counter()
    cache.get_or_compute("x", {}, 1, compute, Answer)
    cache.get_or_compute("y", {}, 1, compute, Answer)
    cache.get_or_compute("x", {}, 2, compute, Answer)
    assert compute.calls == 3
    assert len(cache) == 1


def test_least_recently_used_entry_is_evicted() -> None:
    cache, compute = ResultCache(max_entries=2), Counter()
    cache.get_or_compute("a", {}, 1, compute, Answer)
    cache.get_or_compute("b", {}, 1, compute, Answer)
    cache.get_or_compute("a", {}, 1, compute, Answer)  # a is now the most recent
    cache.get_or_compute("c", {}, 1, compute, Answer)  # evicts b
    assert compute.calls == 3
    cache.get_or_compute("a", {}, 1, compute, Answer)
    assert compute.calls == 3
    cache.get_or_compute("b", {}, 1, compute, Answer)
    assert compute.calls == 4


def test_a_failed_computation_is_not_cached() -> None:
    cache, compute = ResultCache(), Counter()

    def fail() -> Answer:
        raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        cache.get_or_compute("x", {}, 1, fail, Answer)
    assert cache.get_or_compute("x", {}, 1, compute, Answer).value == 42


def test_concurrent_misses_compute_once() -> None:
    cache = ResultCache()
    calls = 0
    start = threading.Barrier(8)

    def slow() -> Answer:
        nonlocal calls
        calls += 1
        time.sleep(0.05)
        return Answer(value=1, labels=[])

    def worker() -> None:
        start.wait()
        cache.get_or_compute("slow", {}, 1, slow, Answer)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert calls == 1


# --- the app: per data version, invalidated by writes ------------------------------------


def add_listen(app: FastAPI, user_id: int, artist_id: int, weight: int) -> int:
    with app.state.database.writer() as session:
        session.add(UserArtist(user_id=user_id, artist_id=artist_id, weight=weight))
        return commit_write(session)


def test_unchanged_data_version_serves_stats_with_one_statement(client: TestClient) -> None:
    engine = client.app.state.database.engine  # type: ignore[attr-defined]
    with count_statements(engine) as cold:
        first = client.get("/api/v1/stats").json()
    with count_statements(engine) as warm:
        second = client.get("/api/v1/stats").json()
    assert len(cold) > 1
    assert len(warm) <= 1
    assert all("meta" in s for s in warm)  # only the data-version query
    assert second == first


def test_a_write_changes_stats_on_the_next_call(client: TestClient) -> None:
    before = client.get("/api/v1/stats").json()
    version = add_listen(client.app, user_id=6, artist_id=8, weight=5)  # type: ignore[arg-type]
    after = client.get("/api/v1/stats").json()
    assert after["data_version"] == version == before["data_version"] + 1
    assert after["counts"]["listens"] == before["counts"]["listens"] + 1 == 12
    assert after["plays"]["total"] == before["plays"]["total"] + 5 == 17885
    assert after["artist_concentration"]["artists"] == 8


def test_a_write_changes_charts_search_and_distribution(client: TestClient) -> None:
    def unheard() -> dict[str, Any]:
        hit: dict[str, Any] = client.get("/api/v1/artists/search", params={"q": "unheard"}).json()
        return hit["items"][0]

    assert (unheard()["plays"], unheard()["listeners"]) == (0, 0)
    chart = client.get("/api/v1/charts/artists", params={"limit": 1}).json()
    distribution = client.get("/api/v1/analytics/weight-distribution").json()
    add_listen(client.app, user_id=6, artist_id=8, weight=20000)  # type: ignore[arg-type]
    assert (unheard()["plays"], unheard()["listeners"]) == (20000, 1)
    new_chart = client.get("/api/v1/charts/artists", params={"limit": 1}).json()
    assert chart["items"][0]["id"] == 6
    assert new_chart["items"][0]["id"] == 8
    new_distribution = client.get("/api/v1/analytics/weight-distribution").json()
    assert new_distribution["artist_plays"]["values"] == distribution["artist_plays"]["values"] + 1


def test_a_write_invalidates_the_etag(client: TestClient) -> None:
    etag = client.get("/api/v1/stats").headers["ETag"]
    add_listen(client.app, user_id=6, artist_id=8, weight=5)  # type: ignore[arg-type]
    response = client.get("/api/v1/stats", headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert response.headers["ETag"] != etag


# --- Redis tier --------------------------------------------------------------------------


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    """A key prefix of this test's own; its keys are deleted afterwards."""
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5)
    try:
        client.ping()
    except redis.RedisError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"Redis is required in CI but not reachable: {exc}")
        pytest.skip(f"Redis not reachable at {REDIS_URL}")
    prefix = f"soundstream-test:{uuid.uuid4().hex}"
    yield prefix
    keys = list(client.scan_iter(match=f"{prefix}:*"))
    if keys:
        client.delete(*keys)
    client.close()


def test_redis_shares_results_between_processes(redis_prefix: str) -> None:
    first = ResultCache(shared=RedisStore(REDIS_URL, prefix=redis_prefix))
    second = ResultCache(shared=RedisStore(REDIS_URL, prefix=redis_prefix))
    compute = Counter(7)
    computed = first.get_or_compute("x", {"k": 1}, 3, compute, Answer)
    shared = second.get_or_compute("x", {"k": 1}, 3, compute, Answer)
    assert compute.calls == 1
    assert second.shared_hits == 1
    assert shared == computed
    second.get_or_compute("x", {"k": 1}, 4, compute, Answer)  # a new version: computed
    assert compute.calls == 2
    first.close()
    second.close()


def test_sized_entries_stay_within_their_budget_least_recently_used_first() -> None:
    cache = ResultCache(max_sized_units=10)
    calls: list[str] = []

    def value(name: str, size: int) -> list[int]:
        def compute() -> list[int]:
            calls.append(name)
            return [0] * size

        return cache.get_or_compute_sized("postings", {"tag": name}, 1, compute, len)

    value("a", 4)
    value("b", 4)
    value("a", 4)  # a hit, and now the most recently used
    assert (calls, cache.sized_units) == (["a", "b"], 8)
    value("c", 4)  # 12 > 10: the least recently used (b) goes
    assert cache.sized_units == 8
    value("a", 4)
    value("b", 4)  # recomputed; now c is the oldest and goes
    assert calls == ["a", "b", "c", "b"]
    assert cache.sized_units == 8
    assert len(value("huge", 11)) == 11  # larger than the budget: answered, never kept
    assert cache.sized_units == 8
    value("huge", 11)
    assert calls.count("huge") == 2


def test_sized_entries_of_an_older_version_go_when_a_newer_one_is_seen() -> None:
    cache = ResultCache(max_sized_units=100)
    cache.get_or_compute_sized("postings", {"tag": 1}, 1, lambda: [1, 2, 3], len)
    assert cache.sized_units == 3
    cache.get_or_compute("other", {}, 2, Counter(), Answer)  # any entry of version 2
    assert cache.sized_units == 0
    cache.get_or_compute_sized("postings", {"tag": 1}, 2, lambda: [1], len)
    cache.clear()
    assert cache.sized_units == 0


def test_sized_entries_never_reach_redis(redis_prefix: str) -> None:
    store = RedisStore(REDIS_URL, prefix=redis_prefix)
    cache = ResultCache(shared=store)
    assert cache.get_or_compute_sized("postings", {"tag": 1}, 1, lambda: [1, 2], len) == [1, 2]
    assert list(store.client.scan_iter(match=f"{redis_prefix}:*")) == []
    store.close()


def test_redis_entries_expire(redis_prefix: str) -> None:
    store = RedisStore(REDIS_URL, prefix=redis_prefix, ttl_seconds=60)
    ResultCache(shared=store).get_or_compute("x", {}, 1, Counter(), Answer)
    (key,) = list(store.client.scan_iter(match=f"{redis_prefix}:*"))
    assert 0 < store.client.ttl(key) <= 60
    store.close()


def test_unreachable_redis_degrades_to_computing(caplog: pytest.LogCaptureFixture) -> None:
    cache = ResultCache(shared=RedisStore("redis://127.0.0.1:1/0", prefix="unreachable"))
    compute = Counter(9)
    assert cache.get_or_compute("x", {}, 1, compute, Answer).value == 9
    assert cache.get_or_compute("y", {}, 1, compute, Answer).value == 9
    assert compute.calls == 2
    warnings = [r for r in caplog.records if "redis cache unavailable" in r.getMessage()]
    assert len(warnings) == 1  # once per outage, not once per request


def redis_app(database_url: str, prefix: str) -> FastAPI:
    settings = make_settings(database_url, redis_url=REDIS_URL)
    app = create_app(settings)
    app.state.cache.close()
    app.state.cache = build_cache(settings, prefix=prefix)
    return app


def test_a_second_app_serves_stats_from_redis_until_a_write(
    small_db_url: str, redis_prefix: str
) -> None:
    with (
        TestClient(redis_app(small_db_url, redis_prefix)) as worker_a,
        TestClient(redis_app(small_db_url, redis_prefix)) as worker_b,
    ):
        first = worker_a.get("/api/v1/stats").json()
        engine_b = worker_b.app.state.database.engine  # type: ignore[attr-defined]
        with count_statements(engine_b) as statements:
            from_redis = worker_b.get("/api/v1/stats").json()
        assert from_redis == first
        assert len(statements) <= 1  # the data version; the aggregates came from Redis
        add_listen(worker_a.app, user_id=6, artist_id=8, weight=5)  # type: ignore[arg-type]
        after = worker_b.get("/api/v1/stats").json()
        assert after["counts"]["listens"] == first["counts"]["listens"] + 1
        assert after["data_version"] == first["data_version"] + 1


def test_build_cache_namespaces_keys_by_database() -> None:
    a = build_cache(make_settings("sqlite:///one.db", redis_url=REDIS_URL))
    b = build_cache(make_settings("sqlite:///two.db", redis_url=REDIS_URL))
    assert a.shared is not None
    assert b.shared is not None
    assert a.shared.prefix != b.shared.prefix
    assert build_cache(make_settings("sqlite:///one.db")).shared is None
    a.close()
    b.close()


# --- what the cache holds: search windows -------------------------------------------------


def search_windows(cache: ResultCache) -> list[SearchWindow]:
    return [value for value in cache._entries.values() if isinstance(value, SearchWindow)]


def test_cached_search_windows_are_not_walked_by_the_collector(small_db_url: str) -> None:
    """A cached window is tuples of plain values, which the collector stops tracking: a full
    cache of model-per-hit pages (100 hits, 4 tracked objects each) made every full
    collection walk ~700,000 objects at 100x the data, pausing requests for hundreds of ms."""
    engine = create_db_engine(small_db_url)
    cache = ResultCache()
    try:
        with Session(engine) as session:
            page = search.search_artists(session, cache, ArtistSearchCriteria(tags=["rock"]))
            again = search.search_artists(
                session, cache, ArtistSearchCriteria(tags=["rock"]), limit=1, offset=1
            )
        assert page.total >= 2
        assert page.items[0].matched_tags
        assert again.items == page.items[1:2]
        assert again.total == page.total
        (window,) = search_windows(cache)  # the second page was cut from the first window
        # A pass untracks a tuple whose items are untracked by then: four nesting levels
        # (rows, row, matched tags, tag) take at most four passes, as in a serving process.
        for _level in range(4):
            gc.collect()
        assert not gc.is_tracked(window.rows)
        assert not any(gc.is_tracked(row) for row in window.rows)
    finally:
        engine.dispose()


def test_redis_carries_search_windows(small_db_url: str, redis_prefix: str) -> None:
    engine = create_db_engine(small_db_url)
    first = ResultCache(shared=RedisStore(REDIS_URL, prefix=redis_prefix))
    second = ResultCache(shared=RedisStore(REDIS_URL, prefix=redis_prefix))
    criteria = ArtistSearchCriteria(q="a", tags=["rock", "nosuchtag"], match=TagMatch.ANY)
    try:
        with Session(engine) as session:
            version = get_data_version(session)
            computed = search.search_artists(
                session, first, criteria, limit=2, offset=1, data_version=version
            )
            with count_statements(engine) as statements:
                shared = search.search_artists(
                    session, second, criteria, limit=2, offset=1, data_version=version
                )
        assert second.shared_hits >= 1
        assert statements == []
        assert shared == computed
        assert computed.unknown_tags == ["nosuchtag"]
        assert computed.offset == 1
    finally:
        first.close()
        second.close()
        engine.dispose()
