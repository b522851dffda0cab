"""Fixtures for the hardening suite: a live server (real HTTP on loopback) per backend over a
fresh copy of the small dataset."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import cache
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, settings

from server.db.engine import create_db_engine
from server.ingest.service import run_ingest
from server.main import create_app
from tests.conftest import SMALL_DATA, make_settings
from tests.server.live import live_server

FUZZ_SETTINGS = settings(
    max_examples=50,
    deadline=None,
    database=None,
    # The same examples on every run, so CI is reproducible: a failure found once is found
    # again. Explore anew locally with ``derandomize=False``.
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
"""Schemathesis: 50 examples per operation (the issue's bound)."""


@cache
def openapi_document() -> dict[str, Any]:
    """The app's OpenAPI document (the one ``/openapi.json`` serves; a test checks that)."""
    document: dict[str, Any] = create_app(make_settings("sqlite://")).openapi()
    return document


def write_operations_with_a_body() -> list[tuple[str, str, bool]]:
    """(method, path, body required) of every API operation that takes a body."""
    return sorted(
        (method.upper(), path, bool(operation["requestBody"].get("required")))
        for path, operations in openapi_document()["paths"].items()
        for method, operation in operations.items()
        if "requestBody" in operation and path.startswith("/api/")
    )


WRITES_WITH_BODY = write_operations_with_a_body()


def fresh_small_database(
    new_database_url: Callable[[str, str], str], backend: str, label: str
) -> str:
    """A new database on ``backend`` holding the small hand-made dataset."""
    url = new_database_url(backend, label)
    engine = create_db_engine(url)
    run_ingest(engine, SMALL_DATA)
    engine.dispose()
    return url


@pytest.fixture(scope="module")
def live_url(backend: str, new_database_url: Callable[[str, str], str]) -> Iterator[str]:
    """Base URL of a live server over its own small database, shared by a module's tests."""
    url = fresh_small_database(new_database_url, backend, "hardening")
    with live_server(make_settings(url)) as base:
        yield base


def database_state(base: str) -> dict[str, object]:
    """Row counts per table and the data version, from ``/ready``: any write changes them."""
    body = httpx.get(f"{base}/api/v1/ready", timeout=10).json()
    return {"tables": body["tables"], "data_version": body["data_version"]}


def assert_healthy(base: str) -> None:
    response = httpx.get(f"{base}/api/v1/health", timeout=5)
    assert (response.status_code, response.json()) == (200, {"status": "ok"})
