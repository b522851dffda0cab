"""Observability: JSON logs carrying the request id, Prometheus metrics by route template,
GraphQL operation counts, pool and data-version gauges, and the same across real workers."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import Engine

from server.config import Settings
from server.main import create_app
from server.observability.context import request_id
from server.observability.logs import (
    ACCESS_LOGGER,
    JsonLineFormatter,
    RequestIdFilter,
    TextLineFormatter,
    logging_config,
)
from tests.conftest import make_settings
from tests.server.conftest import API, data_version
from tests.server.live import free_port

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def scrape(client: TestClient | httpx.Client) -> Samples:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=")
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def requests_count(samples: Samples, route: str, status: str, method: str = "GET") -> float:
    labels = frozenset({"method": method, "route": route, "status": status}.items())
    return samples.get(("http_requests_total", labels), 0.0)


def operations(samples: Samples, kind: str, name: str, outcome: str) -> float:
    labels = frozenset({"type": kind, "name": name, "outcome": outcome}.items())
    return samples.get(("soundstream_graphql_operations_total", labels), 0.0)


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    """What the app logs (the access log and everything else), as JSON lines."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonLineFormatter())
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(previous)


def lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def access_lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [line for line in lines(stream) if line["logger"] == ACCESS_LOGGER]


# Logs and request ids


def test_access_log_is_one_json_line_with_the_echoed_request_id(
    client: TestClient, json_log: io.StringIO
) -> None:
    response = client.get(f"{API}/artists/4", headers={"X-Request-ID": "trace-42"})

    assert response.headers["X-Request-ID"] == "trace-42"
    [line] = access_lines(json_log)
    assert line["request_id"] == "trace-42"
    assert line["level"] == "INFO"
    assert line["method"] == "GET"
    assert line["path"] == "/api/v1/artists/4"
    assert line["route"] == "/api/v1/artists/{artist_id}"
    assert line["status"] == 200
    assert line["client"] == "testclient"
    assert isinstance(line["duration_ms"], float)
    assert 0 < line["duration_ms"] < 60_000
    assert line["message"] == f"GET /api/v1/artists/4 200 {line['duration_ms']:.3f} ms"
    assert line["timestamp"].endswith("+00:00")


def test_a_request_without_an_id_gets_a_fresh_one_in_header_and_log(
    client: TestClient, json_log: io.StringIO
) -> None:
    first = client.get(f"{API}/artists/999")
    second = client.get(f"{API}/artists/999")

    ids = [first.headers["X-Request-ID"], second.headers["X-Request-ID"]]
    assert ids[0] != ids[1]
    assert all(len(rid) == 32 for rid in ids)
    assert [line["request_id"] for line in access_lines(json_log)] == ids
    assert [line["status"] for line in access_lines(json_log)] == [404, 404]


def test_after_a_failure_the_id_stays_for_the_servers_traceback_line(small_db_url: str) -> None:
    app = create_app(make_settings(small_db_url))

    def broken() -> None:
        raise RuntimeError("boom")

    app.add_api_route("/broken", broken)
    scope = {
        "type": "http",
        "method": "GET",
        "path": "/broken",
        "raw_path": b"/broken",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"x-request-id", b"rid-500")],
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80),
        "scheme": "http",
        "http_version": "1.1",
    }
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    async def request_then_read_the_id() -> str | None:
        with pytest.raises(RuntimeError, match="boom"):
            await app(scope, receive, send)
        return request_id.get()  # what uvicorn's "Exception in ASGI application" line sees

    assert asyncio.run(request_then_read_the_id()) == "rid-500"
    assert sent[0]["status"] == 500
    assert (b"x-request-id", b"rid-500") in sent[0]["headers"]
    assert request_id.get() is None  # asyncio.run's task had its own context


def test_an_unprintable_request_id_is_replaced(client: TestClient) -> None:
    response = client.get(f"{API}/health", headers={"X-Request-ID": "bad\tid"})
    assert response.headers["X-Request-ID"] != "bad\tid"
    assert len(response.headers["X-Request-ID"]) == 32


def test_log_lines_written_while_serving_carry_the_request_id(
    small_db_url: str, json_log: io.StringIO
) -> None:
    app = create_app(make_settings(small_db_url))

    def noisy() -> dict[str, str]:  # sync: runs in the threadpool, like the routes
        logging.getLogger("soundstream.test").warning("inside the request")
        return {}

    app.add_api_route("/noisy", noisy)
    with TestClient(app) as client:
        client.get("/noisy", headers={"X-Request-ID": "rid-7"})
        logging.getLogger("soundstream.test").warning("outside any request")

    ours = [line for line in lines(json_log) if line["logger"] != "httpx"]  # the test client's
    inside, access, outside = ours[-3:]
    assert (inside["message"], inside["request_id"], inside["level"]) == (
        "inside the request",
        "rid-7",
        "WARNING",
    )
    assert (access["logger"], access["request_id"]) == (ACCESS_LOGGER, "rid-7")
    assert (outside["message"], outside["request_id"]) == ("outside any request", None)


def test_logging_config_follows_the_settings() -> None:
    json_config = logging_config(make_settings("sqlite://", log_format="json", log_level="DEBUG"))
    assert json_config["handlers"]["stdout"]["formatter"] == "json"
    assert json_config["root"]["level"] == "DEBUG"
    assert json_config["loggers"]["uvicorn.access"]["propagate"] is False
    quiet = logging_config(make_settings("sqlite://", log_format="text", access_log=False))
    assert quiet["handlers"]["stdout"]["formatter"] == "text"
    assert quiet["loggers"][ACCESS_LOGGER]["level"] == "WARNING"  # access log off
    assert quiet["formatters"]["text"]["()"] is TextLineFormatter


def test_text_lines_show_the_request_id_or_a_dash() -> None:
    formatter = TextLineFormatter()
    record = logging.LogRecord("soundstream.x", logging.INFO, "f", 1, "hello %s", ("you",), None)
    request_id.set("rid-9")
    RequestIdFilter().filter(record)
    assert formatter.format(record).endswith(" INFO    soundstream.x [rid-9] hello you")
    request_id.set(None)
    RequestIdFilter().filter(record)
    assert formatter.format(record).endswith(" INFO    soundstream.x [-] hello you")


# Metrics


def test_request_counters_grow_by_exactly_the_requests_made_per_route_template(
    client: TestClient,
) -> None:
    before = scrape(client)
    for artist in (4, 4, 4, 7):  # the second and third are answered by the response cache
        assert client.get(f"{API}/artists/{artist}").status_code == 200
    client.get(f"{API}/users/2/friends")
    client.get(f"{API}/artists/999")
    client.get("/no/such/path")
    after = scrape(client)

    def grew(route: str, status: str) -> float:
        return requests_count(after, route, status) - requests_count(before, route, status)

    assert grew("/api/v1/artists/{artist_id}", "200") == 4
    assert grew("/api/v1/artists/{artist_id}", "404") == 1
    assert grew("/api/v1/users/{user_id}/friends", "200") == 1
    assert grew("<unmatched>", "404") == 1
    assert not any("/api/v1/artists/4" in dict(labels).get("route", "") for _, labels in after)
    assert requests_count(after, "/metrics", "200") == 0  # scrapes are not counted
    histogram = (
        "http_request_duration_seconds_count",
        frozenset(
            {"method": "GET", "route": "/api/v1/artists/{artist_id}", "status": "200"}.items()
        ),
    )
    assert after[histogram] - before.get(histogram, 0.0) == 4


def test_metrics_is_not_rate_limited_nor_in_the_openapi_schema(small_db_url: str) -> None:
    app = create_app(make_settings(small_db_url, rate_limit_per_minute=1))
    with TestClient(app) as client:
        assert client.get(f"{API}/artists/4").status_code == 200
        assert client.get(f"{API}/artists/4").status_code == 429
        samples = [scrape(client) for _ in range(3)]  # each scrape answers 200
    assert requests_count(samples[-1], "/api/v1/artists/{artist_id}", "200") == 1
    assert requests_count(samples[-1], "<unmatched>", "429") == 1  # refused before routing
    assert "/metrics" not in app.openapi()["paths"]


def test_metrics_can_be_switched_off(small_db_url: str) -> None:
    with TestClient(create_app(make_settings(small_db_url, metrics_enabled=False))) as client:
        assert client.get("/metrics").status_code == 404
        assert client.get(f"{API}/health").headers["X-Request-ID"]


def test_graphql_operations_are_counted_by_type_name_and_outcome(
    client: TestClient, auth: dict[str, str]
) -> None:
    before = scrape(client)
    client.post("/graphql", json={"query": "query TopArtists { artists(first: 2) { totalCount } }"})
    client.post("/graphql", json={"query": "query TopArtists { artists(first: 1) { totalCount } }"})
    client.post("/graphql", json={"query": "{ artist(id: 4) { name } }"})
    client.post("/graphql", json={"query": "{ noSuchField }"})
    client.post("/graphql", json={"query": "{ artist(id: "})
    client.post(
        "/graphql",
        json={
            "query": 'mutation Rename { updateArtist(id: 4, input: {name: "Y"}) { __typename } }'
        },
        headers=auth,
    )
    after = scrape(client)

    def grew(kind: str, name: str, outcome: str) -> float:
        return operations(after, kind, name, outcome) - operations(before, kind, name, outcome)

    assert grew("query", "TopArtists", "ok") == 2
    assert grew("query", "anonymous", "ok") == 1
    assert grew("query", "anonymous", "error") == 1  # did not validate
    assert grew("unknown", "anonymous", "error") == 1  # did not parse
    assert grew("mutation", "Rename", "ok") == 1
    assert (
        requests_count(after, "/graphql", "200", "POST")
        - requests_count(before, "/graphql", "200", "POST")
        == 6
    )


def test_pool_gauges_follow_checked_out_connections(client: TestClient) -> None:
    engine: Engine = client.app.state.database.engine  # type: ignore[attr-defined]
    idle = scrape(client)
    with engine.connect():
        busy = scrape(client)
    assert idle[("soundstream_db_pool_size", frozenset())] == engine.pool.size()  # type: ignore[attr-defined]
    assert idle[("soundstream_db_pool_checked_out", frozenset())] == 0
    assert busy[("soundstream_db_pool_checked_out", frozenset())] == 1


def test_data_version_gauge_follows_writes(client: TestClient, auth: dict[str, str]) -> None:
    version = data_version(client)
    assert scrape(client)[("soundstream_data_version", frozenset())] == version
    client.patch(f"{API}/artists/4", json={"name": "Radiohead!"}, headers=auth)
    assert scrape(client)[("soundstream_data_version", frozenset())] == version + 1


def test_a_scrape_answers_without_the_data_version_when_the_database_hangs(
    client: TestClient,
) -> None:
    class HangingDatabase:
        def data_version(self) -> int:
            time.sleep(1.0)
            return 1

    collector = client.app.state.metrics.data_version  # type: ignore[attr-defined]
    collector.database, collector.timeout = HangingDatabase(), 0.1
    client.get(f"{API}/health")
    start = time.perf_counter()
    samples = scrape(client)
    assert time.perf_counter() - start < 0.9
    assert ("soundstream_data_version", frozenset()) not in samples
    assert requests_count(samples, "/api/v1/health", "200") == 1


# The real server: `soundstream serve` with two workers


def test_serve_with_two_workers_logs_json_and_sums_metrics_over_workers(
    small_db_url: str, tmp_path: Path
) -> None:
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": small_db_url,
        "LOG_FORMAT": "json",
        "WEB_CONCURRENCY": "2",
        "RECOMMENDER_MODEL_DIR": str(tmp_path / "models"),
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"),
        "RATE_LIMIT_PER_MINUTE": "0",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "server.cli", "serve", "--port", str(port)],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, timeout=10) as http:
            deadline = time.monotonic() + 120
            while True:
                assert process.poll() is None, process.stdout.read() if process.stdout else ""
                assert time.monotonic() < deadline, "the server did not start"
                try:
                    if http.get(f"{API}/health").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.2)
            # New connections spread over both workers (the kernel balances accepts).
            for i in range(20):
                response = httpx.get(f"{base}{API}/artists/4", headers={"X-Request-ID": f"w-{i}"})
                assert response.headers["X-Request-ID"] == f"w-{i}"
            samples = scrape(http)
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=60)

    assert requests_count(samples, "/api/v1/artists/{artist_id}", "200") == 20
    records = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    access = [r for r in records if r["logger"] == ACCESS_LOGGER and r["path"].endswith("/4")]
    assert sorted(r["request_id"] for r in access) == sorted(f"w-{i}" for i in range(20))
    assert all(r["route"] == "/api/v1/artists/{artist_id}" for r in access)
    workers = {r["message"] for r in records if r["message"].startswith("Started server process")}
    assert len(workers) == 2
    assert not [line for line in output.splitlines() if line and not line.startswith("{")]
    assert not any(r["logger"] == "uvicorn.access" for r in records)


def test_settings_read_log_level_and_format_in_any_case() -> None:
    settings = Settings(_env_file=None, log_level="WARNING", log_format="JSON")  # type: ignore[call-arg]
    assert (settings.log_level, settings.log_format) == ("warning", "json")
