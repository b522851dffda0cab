"""List pages count their whole table once per data version, not on every request."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.conftest import count_statements
from tests.server.conftest import API


def test_repeated_list_pages_count_the_table_once(client: TestClient, engine: Engine) -> None:
    first = client.get(f"{API}/artists?limit=2&offset=0").json()["total"]

    with count_statements(engine) as statements:
        second = client.get(f"{API}/artists?limit=2&offset=2").json()["total"]

    assert second == first
    assert not [s for s in statements if "count(" in s.lower()]


def test_list_total_follows_a_write(client: TestClient, auth: dict[str, str]) -> None:
    before = client.get(f"{API}/tags?limit=1").json()["total"]

    created = client.post(f"{API}/tags", json={"name": "totally new tag"}, headers=auth)
    after = client.get(f"{API}/tags?limit=1&offset=1").json()["total"]

    assert created.status_code == 201, created.text
    assert after == before + 1
