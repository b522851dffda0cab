from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.conftest import count_statements
from tests.server.conftest import API, data_version


def friend_ids(client: TestClient, user_id: int) -> list[int]:
    response = client.get(f"{API}/users/{user_id}/friends")
    assert response.status_code == 200
    return [f["friend_id"] for f in response.json()["items"]]


def test_list_friends(client: TestClient) -> None:
    body = client.get(f"{API}/users/2/friends").json()
    assert body == {
        "items": [{"user_id": 2, "friend_id": 3}, {"user_id": 2, "friend_id": 4}],
        "total": 2,
        "limit": 20,
        "offset": 0,
    }


def test_friendships_in_the_fixture_are_mutual(client: TestClient) -> None:
    assert friend_ids(client, 3) == [2, 5]
    assert friend_ids(client, 5) == [3, 6]
    assert friend_ids(client, 6) == [5]


def test_list_friends_pages(client: TestClient) -> None:
    response = client.get(f"{API}/users/5/friends", params={"limit": 1})
    assert response.json()["items"] == [{"user_id": 5, "friend_id": 3}]
    assert 'offset=1>; rel="next"' in response.headers["Link"]


def test_list_friends_of_unknown_user_is_404(client: TestClient) -> None:
    assert client.get(f"{API}/users/99/friends").status_code == 404


def test_list_friends_costs_two_statements(client: TestClient, engine: Engine) -> None:
    client.get(f"{API}/users/2/friends")
    with count_statements(engine) as statements:  # another URL: the route, not the cache
        client.get(f"{API}/users/2/friends?offset=0")
    assert len(statements) == 2


def test_befriend_writes_both_directions(client: TestClient, auth: dict[str, str]) -> None:
    response = client.put(f"{API}/users/2/friends/6", headers=auth)
    assert response.status_code == 201
    assert response.json() == {"user_id": 2, "friend_id": 6}
    assert friend_ids(client, 2) == [3, 4, 6]
    assert friend_ids(client, 6) == [2, 5]


def test_befriend_again_is_200_and_changes_nothing(
    client: TestClient, auth: dict[str, str]
) -> None:
    before = data_version(client)
    response = client.put(f"{API}/users/3/friends/2", headers=auth)
    assert response.status_code == 200
    assert friend_ids(client, 3) == [2, 5]
    assert data_version(client) == before


def test_befriend_oneself_is_422(client: TestClient, auth: dict[str, str]) -> None:
    response = client.put(f"{API}/users/2/friends/2", headers=auth)
    assert response.status_code == 422
    assert response.json()["detail"] == "user 2 cannot befriend themselves"


def test_befriend_unknown_friend_is_404_naming_them(
    client: TestClient, auth: dict[str, str]
) -> None:
    response = client.put(f"{API}/users/2/friends/99", headers=auth)
    assert response.status_code == 404
    assert response.json()["detail"] == "user 99 does not exist"
    assert friend_ids(client, 2) == [3, 4]


def test_befriend_from_unknown_user_is_404_naming_them(
    client: TestClient, auth: dict[str, str]
) -> None:
    response = client.put(f"{API}/users/98/friends/2", headers=auth)
    assert response.json()["detail"] == "user 98 does not exist"


def test_unfriend_removes_both_directions(client: TestClient, auth: dict[str, str]) -> None:
    assert client.delete(f"{API}/users/3/friends/2", headers=auth).status_code == 204
    assert friend_ids(client, 2) == [4]
    assert friend_ids(client, 3) == [5]
    assert client.get(f"{API}/users/2").json()["friend_count"] == 1


def test_unfriend_strangers_is_404(client: TestClient, auth: dict[str, str]) -> None:
    response = client.delete(f"{API}/users/2/friends/6", headers=auth)
    assert response.status_code == 404
    assert response.json()["detail"] == "users 2 and 6 are not friends"


def test_unfriend_unknown_user_is_404_naming_them(client: TestClient, auth: dict[str, str]) -> None:
    response = client.delete(f"{API}/users/2/friends/99", headers=auth)
    assert response.json()["detail"] == "user 99 does not exist"


def test_unfriend_oneself_is_422(client: TestClient, auth: dict[str, str]) -> None:
    assert client.delete(f"{API}/users/2/friends/2", headers=auth).status_code == 422
