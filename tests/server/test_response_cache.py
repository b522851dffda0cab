"""The response cache: repeated GETs of version-keyed resources are served from memory,
never after a write, with 304s for matching ETags."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import count_statements


def test_repeated_get_is_served_without_running_the_route(client: TestClient) -> None:
    engine = client.app.state.database.engine  # type: ignore[attr-defined]
    first = client.get("/api/v1/artists/4")
    with count_statements(engine) as statements:
        second = client.get("/api/v1/artists/4")
    assert second.json() == first.json() == {**first.json(), "name": "Radiohead"}
    assert second.headers["ETag"] == first.headers["ETag"]
    assert second.headers["X-Request-ID"] != first.headers["X-Request-ID"]
    assert all("meta" in s for s in statements)  # at most the data-version read
    assert len(statements) <= 1


def test_a_write_is_visible_on_the_next_get(client: TestClient, auth: dict[str, str]) -> None:
    assert client.get("/api/v1/artists/4").json()["name"] == "Radiohead"
    client.patch("/api/v1/artists/4", json={"name": "Radiohead!"}, headers=auth)
    assert client.get("/api/v1/artists/4").json()["name"] == "Radiohead!"


def test_matching_etag_gets_304_from_the_cache(client: TestClient) -> None:
    etag = client.get("/api/v1/stats").headers["ETag"]
    client.get("/api/v1/stats")
    response = client.get("/api/v1/stats", headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response.headers["ETag"] == etag
    assert response.content == b""


def test_lists_and_errors_are_not_cached(client: TestClient, auth: dict[str, str]) -> None:
    cache = client.app.state  # type: ignore[attr-defined]
    client.get("/api/v1/users/2/artists")
    client.get("/api/v1/artists/999")
    middleware_entries = [
        key for layer in _middlewares(client) for key in getattr(layer, "entries", {})
    ]
    assert ("GET", "/api/v1/users/2/artists", b"") not in middleware_entries
    assert ("GET", "/api/v1/artists/999", b"") not in middleware_entries
    assert cache is not None


def _middlewares(client: TestClient) -> list[object]:
    layers = []
    app = client.app.middleware_stack  # type: ignore[attr-defined]
    while app is not None:
        layers.append(app)
        app = getattr(app, "app", None)
    return layers
