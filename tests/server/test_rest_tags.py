from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.conftest import count_statements
from tests.server.conftest import API, data_version


def test_list_tags_in_id_order(client: TestClient) -> None:
    body = client.get(f"{API}/tags").json()
    assert body["total"] == 8
    assert [t["name"] for t in body["items"]] == [
        "rock",
        "pop",
        "electronic",
        "fußball",
        "tropicália",
        "indie",
        "comedy",
        "unused tag",
    ]


def test_list_tags_costs_two_statements(client: TestClient, engine: Engine) -> None:
    client.get(f"{API}/tags")
    with count_statements(engine) as statements:
        client.get(f"{API}/tags", params={"limit": 5})
    assert len(statements) == 2


def test_get_tag_decodes_latin1_names(client: TestClient) -> None:
    assert client.get(f"{API}/tags/4").json() == {"id": 4, "name": "fußball"}
    assert client.get(f"{API}/tags/5").json() == {"id": 5, "name": "tropicália"}


def test_get_tag_answers_304_to_current_etag(client: TestClient) -> None:
    etag = client.get(f"{API}/tags/1").headers["ETag"]
    assert client.get(f"{API}/tags/1", headers={"If-None-Match": etag}).status_code == 304


def test_get_unknown_tag_is_404(client: TestClient) -> None:
    response = client.get(f"{API}/tags/99")
    assert response.status_code == 404
    assert response.json()["detail"] == "tag 99 does not exist"


def test_create_tag(client: TestClient, auth: dict[str, str]) -> None:
    response = client.post(f"{API}/tags", json={"name": "shoegaze"}, headers=auth)
    assert response.status_code == 201
    assert response.json() == {"id": 9, "name": "shoegaze"}
    assert response.headers["Location"].endswith(f"{API}/tags/9")
    assert client.get(f"{API}/tags/9").json()["name"] == "shoegaze"


def test_create_tag_with_explicit_id_then_without(client: TestClient, auth: dict[str, str]) -> None:
    assert client.post(f"{API}/tags", json={"id": 40, "name": "a"}, headers=auth).status_code == 201
    assert client.post(f"{API}/tags", json={"name": "b"}, headers=auth).json()["id"] == 41


def test_create_tag_with_taken_id_is_409(client: TestClient, auth: dict[str, str]) -> None:
    response = client.post(f"{API}/tags", json={"id": 1, "name": "new"}, headers=auth)
    assert response.status_code == 409


def test_create_tag_with_taken_name_is_409(client: TestClient, auth: dict[str, str]) -> None:
    response = client.post(f"{API}/tags", json={"name": "rock"}, headers=auth)
    assert response.status_code == 409
    assert "tag 1" in response.json()["detail"]


@pytest.mark.parametrize("name", ["ROCK", "Rock", "FUSSBALL", "Fußball", "TROPICÁLIA"])
def test_create_tag_with_name_differing_only_in_case_is_409(
    client: TestClient, auth: dict[str, str], name: str
) -> None:
    response = client.post(f"{API}/tags", json={"name": name}, headers=auth)
    assert response.status_code == 409
    assert client.get(f"{API}/tags").json()["total"] == 8


@pytest.mark.parametrize(
    "body", [{}, {"name": ""}, {"name": " "}, {"name": "a\u0000"}, {"name": 1}]
)
def test_create_tag_with_invalid_name_is_422(
    client: TestClient, auth: dict[str, str], body: dict[str, object]
) -> None:
    assert client.post(f"{API}/tags", json=body, headers=auth).status_code == 422


def test_rename_tag_with_put(client: TestClient, auth: dict[str, str]) -> None:
    response = client.put(f"{API}/tags/8", json={"name": "used tag"}, headers=auth)
    assert response.status_code == 200
    assert response.json() == {"id": 8, "name": "used tag"}
    assert client.get(f"{API}/tags/8").json()["name"] == "used tag"


def test_rename_tag_to_another_case_of_itself(client: TestClient, auth: dict[str, str]) -> None:
    response = client.patch(f"{API}/tags/1", json={"name": "Rock"}, headers=auth)
    assert response.status_code == 200
    assert response.json() == {"id": 1, "name": "Rock"}


def test_rename_tag_onto_another_tags_name_is_409(client: TestClient, auth: dict[str, str]) -> None:
    assert client.patch(f"{API}/tags/2", json={"name": "Rock"}, headers=auth).status_code == 409
    assert client.get(f"{API}/tags/2").json()["name"] == "pop"


def test_patch_tag_without_name_changes_nothing(client: TestClient, auth: dict[str, str]) -> None:
    before = data_version(client)
    assert client.patch(f"{API}/tags/2", json={}, headers=auth).json() == {"id": 2, "name": "pop"}
    assert data_version(client) == before


def test_patch_tag_null_name_is_422(client: TestClient, auth: dict[str, str]) -> None:
    assert client.patch(f"{API}/tags/2", json={"name": None}, headers=auth).status_code == 422


def test_rename_unknown_tag_is_404(client: TestClient, auth: dict[str, str]) -> None:
    assert client.put(f"{API}/tags/99", json={"name": "x"}, headers=auth).status_code == 404


def test_delete_tag_cascades_to_assignments(client: TestClient, auth: dict[str, str]) -> None:
    assert client.delete(f"{API}/tags/1", headers=auth).status_code == 204
    assert client.get(f"{API}/tags/1").status_code == 404
    radiohead = client.get(f"{API}/artists/4/tags").json()
    assert [(t["name"], t["count"]) for t in radiohead["items"]] == [("indie", 1)]
    assert client.get(f"{API}/users/2").json()["tag_assignment_count"] == 3


def test_delete_unknown_tag_is_404(client: TestClient, auth: dict[str, str]) -> None:
    assert client.delete(f"{API}/tags/99", headers=auth).status_code == 404


@pytest.mark.full
def test_full_fussball_readable_by_id(full_client: TestClient) -> None:
    response = full_client.get(f"{API}/tags/7982")
    assert response.status_code == 200
    assert response.json() == {"id": 7982, "name": "fußball"}
    assert "fußball".encode() in response.content


@pytest.mark.full
def test_full_tag_total(full_client: TestClient) -> None:
    assert full_client.get(f"{API}/tags", params={"limit": 1}).json()["total"] == 11946
