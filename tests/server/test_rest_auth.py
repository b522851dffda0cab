"""Every write needs an API key. The write routes are read from the app's route table, so a
route added later is covered without touching this file."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient

from server.main import create_app
from tests.conftest import make_settings
from tests.server.conftest import API

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# (method, path) of non-GET routes under /api/v1 that are public on purpose (reads with a
# body, say). Empty today; adding to it is a decision to document.
PUBLIC_WRITES: frozenset[tuple[str, str]] = frozenset()


def write_routes() -> list[tuple[str, str]]:
    """(method, path template) of every write route under the API prefix."""
    app = create_app(make_settings("sqlite://"))
    found = {
        (method, str(route.path))
        # Included routers are resolved lazily; this walks them as the app's router does.
        for route in iter_route_contexts(app.routes)
        if isinstance(route.original_route, APIRoute) and str(route.path).startswith(API)
        for method in (route.methods or set()) & WRITE_METHODS
    }
    return sorted(found - PUBLIC_WRITES)


WRITE_ROUTES = write_routes()


def concrete(path: str) -> str:
    """The template with every path parameter set to a plausible id."""
    return re.sub(r"\{[^}]+\}", "2", path)


@pytest.fixture(scope="module")
def app_client() -> Iterator[TestClient]:
    """No database behind it: the key is checked before any query runs."""
    with TestClient(create_app(make_settings("sqlite://"))) as client:
        yield client


@pytest.fixture(scope="module")
def keyless_client() -> Iterator[TestClient]:
    with TestClient(create_app(make_settings("sqlite://", soundstream_api_keys=[]))) as client:
        yield client


def test_the_route_table_has_the_crud_writes() -> None:
    assert len(WRITE_ROUTES) >= 17
    assert ("POST", f"{API}/artists") in WRITE_ROUTES
    assert ("DELETE", f"{API}/users/{{user_id}}/friends/{{friend_id}}") in WRITE_ROUTES


@pytest.mark.parametrize(("method", "path"), WRITE_ROUTES)
def test_write_without_key_is_401(app_client: TestClient, method: str, path: str) -> None:
    response = app_client.request(method, concrete(path), json={})
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert "X-API-Key" in response.headers["WWW-Authenticate"]


@pytest.mark.parametrize(("method", "path"), WRITE_ROUTES)
def test_write_with_wrong_key_is_403(app_client: TestClient, method: str, path: str) -> None:
    response = app_client.request(
        method, concrete(path), json={}, headers={"X-API-Key": "not-the-key"}
    )
    assert response.status_code == 403
    assert response.json()["detail"] == "the API key is not valid"


@pytest.mark.parametrize(("method", "path"), WRITE_ROUTES)
def test_write_is_403_when_no_keys_are_configured(
    keyless_client: TestClient, method: str, path: str
) -> None:
    response = keyless_client.request(method, concrete(path), json={}, headers={"X-API-Key": "x"})
    assert response.status_code == 403
    assert "writes are disabled" in response.json()["detail"]


def test_refused_write_changes_nothing(client: TestClient) -> None:
    assert client.delete(f"{API}/artists/4").status_code == 401
    assert client.get(f"{API}/artists/4").status_code == 200


def test_reads_need_no_key(client: TestClient) -> None:
    for path in ("artists", "artists/4", "users/2", "tags/1", "users/2/artists", "artists/4/tags"):
        assert client.get(f"{API}/{path}").status_code == 200


def test_write_with_the_key_succeeds(client: TestClient, auth: dict[str, str]) -> None:
    assert client.post(f"{API}/tags", json={"name": "x"}, headers=auth).status_code == 201
