from __future__ import annotations

from fastapi.testclient import TestClient

from server.main import create_app
from tests.conftest import count_statements, make_settings


def test_health_answers_without_database(tmp_path) -> None:
    app = create_app(make_settings(f"sqlite:///{tmp_path}/missing/never.db"))
    with TestClient(app) as client:
        response = client.get("/api/v1/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_ready_reports_row_counts(client: TestClient) -> None:
    response = client.get("/api/v1/ready")
    assert response.status_code == 200
    body = response.json()
    assert body["tables"] == {
        "artists": 8,
        "users": 5,
        "tags": 8,
        "user_artists": 11,
        "user_taggedartists": 13,
        "user_friends": 8,
    }
    assert response.headers["X-Data-Version"] == str(body["data_version"])


def test_ready_is_503_problem_on_empty_database(tmp_path) -> None:
    with TestClient(create_app(make_settings(f"sqlite:///{tmp_path}/empty.db"))) as client:
        response = client.get("/api/v1/ready")
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == 503


def test_ready_counts_once_per_data_version(client: TestClient, auth: dict[str, str]) -> None:
    engine = client.app.state.database.engine  # type: ignore[attr-defined]
    cache = client.app.state.cache  # type: ignore[attr-defined]
    client.get("/api/v1/ready")
    cache.clear()  # the response cache would answer without running the route at all
    with count_statements(engine) as statements:
        assert client.get("/api/v1/ready").json()["tables"]["artists"] == 8
    assert not [s for s in statements if "count(" in s.lower()]
    created = client.post("/api/v1/artists", json={"name": "New Band"}, headers=auth)
    assert created.status_code == 201
    body = client.get("/api/v1/ready").json()
    assert body["tables"]["artists"] == 9  # a write moves the version: counted again
