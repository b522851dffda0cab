from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.conftest import count_statements, full_data_dir
from tests.server.conftest import API


def user(user_id: int, listens: int, friends: int, tags: int) -> dict[str, int]:
    return {
        "id": user_id,
        "listen_count": listens,
        "friend_count": friends,
        "tag_assignment_count": tags,
    }


SMALL_USERS = [
    user(2, 3, 2, 5),
    user(3, 3, 2, 2),
    user(4, 2, 1, 2),
    user(5, 3, 2, 3),
    user(6, 0, 1, 1),
]


def test_list_users_with_counts(client: TestClient) -> None:
    response = client.get(f"{API}/users")
    assert response.status_code == 200
    assert response.json() == {"items": SMALL_USERS, "total": 5, "limit": 20, "offset": 0}


def test_list_users_pages_by_id(client: TestClient) -> None:
    response = client.get(f"{API}/users", params={"limit": 2, "offset": 2})
    assert [u["id"] for u in response.json()["items"]] == [4, 5]
    assert 'offset=4>; rel="next"' in response.headers["Link"]
    assert 'offset=0>; rel="prev"' in response.headers["Link"]


def test_list_users_costs_two_statements_whatever_the_page_size(
    client: TestClient, engine: Engine
) -> None:
    client.get(f"{API}/users")
    with count_statements(engine) as statements:
        client.get(f"{API}/users", params={"limit": 100})
    assert len(statements) == 2


def test_get_user_with_counts(client: TestClient) -> None:
    response = client.get(f"{API}/users/2")
    assert response.status_code == 200
    assert response.json() == user(2, 3, 2, 5)
    assert "ETag" in response.headers


def test_get_user_answers_304_to_current_etag(client: TestClient) -> None:
    etag = client.get(f"{API}/users/2").headers["ETag"]
    assert client.get(f"{API}/users/2", headers={"If-None-Match": etag}).status_code == 304


def test_get_unknown_user_is_404(client: TestClient) -> None:
    response = client.get(f"{API}/users/1")
    assert response.status_code == 404
    assert response.json()["detail"] == "user 1 does not exist"


@pytest.mark.parametrize("user_id", ["0", "x", "2147483648"])
def test_get_user_with_bad_id_is_422(client: TestClient, user_id: str) -> None:
    assert client.get(f"{API}/users/{user_id}").status_code == 422


def test_create_user_without_body_takes_max_plus_one(
    client: TestClient, auth: dict[str, str]
) -> None:
    response = client.post(f"{API}/users", headers=auth)
    assert response.status_code == 201
    assert response.json() == user(7, 0, 0, 0)
    assert response.headers["Location"].endswith(f"{API}/users/7")
    assert client.get(f"{API}/users/7").json() == user(7, 0, 0, 0)


def test_create_user_with_id_then_without(client: TestClient, auth: dict[str, str]) -> None:
    assert client.post(f"{API}/users", json={"id": 50}, headers=auth).json()["id"] == 50
    assert client.post(f"{API}/users", json={}, headers=auth).json()["id"] == 51


def test_create_user_with_taken_id_is_409(client: TestClient, auth: dict[str, str]) -> None:
    response = client.post(f"{API}/users", json={"id": 2}, headers=auth)
    assert response.status_code == 409
    assert response.json()["detail"] == "user 2 already exists"


@pytest.mark.parametrize("body", [{"id": 0}, {"id": 2**31}, {"id": "x"}, {"name": "x"}])
def test_create_user_with_invalid_body_is_422(
    client: TestClient, auth: dict[str, str], body: dict[str, object]
) -> None:
    assert client.post(f"{API}/users", json=body, headers=auth).status_code == 422


def test_create_user_with_the_largest_id(client: TestClient, auth: dict[str, str]) -> None:
    response = client.post(f"{API}/users", json={"id": 2**31 - 1}, headers=auth)
    assert response.status_code == 201
    assert client.get(f"{API}/users/{2**31 - 1}").status_code == 200


def test_create_user_after_the_largest_id_is_409_not_500(
    client: TestClient, auth: dict[str, str]
) -> None:
    client.post(f"{API}/users", json={"id": 2**31 - 1}, headers=auth)
    response = client.post(f"{API}/users", headers=auth)
    assert response.status_code == 409
    assert client.get(f"{API}/users").json()["total"] == 6


def test_delete_user(client: TestClient, auth: dict[str, str]) -> None:
    assert client.delete(f"{API}/users/6", headers=auth).status_code == 204
    assert client.get(f"{API}/users/6").status_code == 404
    assert client.delete(f"{API}/users/6", headers=auth).status_code == 404


def test_delete_user_cascades_to_listens(client: TestClient, auth: dict[str, str]) -> None:
    client.delete(f"{API}/users/2", headers=auth)
    listeners = client.get(f"{API}/artists/4/listeners").json()
    assert [(x["user_id"], x["weight"]) for x in listeners["items"]] == [(3, 200), (5, 100)]
    assert client.get(f"{API}/artists/5/listeners").json()["total"] == 0
    assert client.get(f"{API}/users/2/artists").status_code == 404


def test_delete_user_cascades_to_tag_assignments(client: TestClient, auth: dict[str, str]) -> None:
    client.delete(f"{API}/users/2", headers=auth)
    radiohead = client.get(f"{API}/artists/4/tags").json()
    assert [(t["name"], t["count"]) for t in radiohead["items"]] == [("rock", 1)]
    assert client.get(f"{API}/artists/3/tags").json()["items"] == [
        {"tag_id": 5, "name": "tropicália", "count": 1}
    ]


def test_delete_user_cascades_to_friendships_both_ways(
    client: TestClient, auth: dict[str, str]
) -> None:
    client.delete(f"{API}/users/2", headers=auth)
    assert [f["friend_id"] for f in client.get(f"{API}/users/3/friends").json()["items"]] == [5]
    assert client.get(f"{API}/users/4/friends").json()["total"] == 0
    assert client.get(f"{API}/users/4").json() == user(4, 2, 0, 2)


def _full_top_artist(user_id: int) -> tuple[int, int]:
    best: tuple[int, int] | None = None
    with (full_data_dir() / "user_artists.dat").open() as lines:
        next(lines)
        for line in lines:
            uid, aid, weight = map(int, line.split())
            if uid == user_id and (best is None or (weight, -aid) > (best[1], -best[0])):
                best = (aid, weight)
    assert best is not None
    return best


@pytest.mark.full
def test_full_user_2_top_artist_by_weight(full_client: TestClient) -> None:
    artist_id, weight = _full_top_artist(2)
    body = full_client.get(f"{API}/users/2/artists", params={"limit": 1}).json()
    assert (body["items"][0]["artist_id"], body["items"][0]["weight"]) == (artist_id, weight)
    assert (artist_id, weight) == (51, 13883)
    assert body["total"] == 50


@pytest.mark.full
def test_full_user_counts(full_client: TestClient) -> None:
    body = full_client.get(f"{API}/users/2").json()
    assert body["listen_count"] == 50
    assert full_client.get(f"{API}/users").json()["total"] == 1892
