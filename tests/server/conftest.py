"""Fixtures for the REST tests (the shared ones live in tests/conftest.py)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

API = "/api/v1"


@pytest.fixture
def engine(client: TestClient) -> Engine:
    """The engine behind ``client``, for `count_statements`."""
    engine: Engine = client.app.state.database.engine  # type: ignore[attr-defined]
    return engine


def data_version(client: TestClient) -> int:
    return int(client.get(f"{API}/ready").json()["data_version"])
