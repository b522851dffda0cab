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


def test_errors_are_never_cached_and_lists_only_on_sqlite(client: TestClient, backend: str) -> None:
    client.get("/api/v1/users/2/artists")
    client.get("/api/v1/artists/999")
    client.get("/api/v1/artists/4")
    entries = [key for layer in _middlewares(client) for key in getattr(layer, "entries", {})]
    assert ("GET", "/api/v1/artists/4", b"") in entries  # version-marked: cached
    assert ("GET", "/api/v1/artists/999", b"") not in entries  # a 404
    # A list carries no version mark; only on SQLite is reading the version first cheap.
    assert (("GET", "/api/v1/users/2/artists", b"") in entries) == (backend == "sqlite")


def test_a_cached_list_follows_writes(client: TestClient, auth: dict[str, str]) -> None:
    def weights() -> dict[int, int]:
        items = client.get("/api/v1/users/2/artists").json()["items"]
        return {item["artist_id"]: item["weight"] for item in items}

    assert weights()[4] == 1000
    assert weights()[4] == 1000  # served again, maybe from the cache
    client.put("/api/v1/users/2/artists/4", json={"weight": 3}, headers=auth)
    assert weights()[4] == 3


def _middlewares(client: TestClient) -> list[object]:
    layers = []
    app = client.app.middleware_stack  # type: ignore[attr-defined]
    while app is not None:
        layers.append(app)
        app = getattr(app, "app", None)
    return layers
