from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.conftest import count_statements
from tests.server.conftest import API, data_version

BIGINT_MAX = 2**63 - 1


def artist_weights(client: TestClient, user_id: int, **params: object) -> list[tuple[int, int]]:
    response = client.get(f"{API}/users/{user_id}/artists", params=params)
    assert response.status_code == 200
    return [(a["artist_id"], a["weight"]) for a in response.json()["items"]]


def test_user_artists_default_to_most_played_first(client: TestClient) -> None:
    body = client.get(f"{API}/users/2/artists").json()
    assert body["total"] == 3
    assert body["items"][0] == {
        "artist_id": 4,
        "name": "Radiohead",
        "url": "http://www.last.fm/music/Radiohead",
        "picture_url": "http://img.example/4.jpg",
        "weight": 1000,
    }
    assert artist_weights(client, 2) == [(4, 1000), (5, 500), (3, 50)]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("-weight", [4, 5, 3]),
        ("weight", [3, 5, 4]),
        ("name", [3, 5, 4]),
        ("-name", [4, 5, 3]),
        ("artist_id", [3, 4, 5]),
        ("-artist_id", [5, 4, 3]),
    ],
)
def test_user_artists_sort(client: TestClient, sort: str, expected: list[int]) -> None:
    assert [a for a, _ in artist_weights(client, 2, sort=sort)] == expected


def test_user_artists_unknown_sort_is_422(client: TestClient) -> None:
    assert client.get(f"{API}/users/2/artists", params={"sort": "plays"}).status_code == 422


def test_user_artists_ties_fall_back_to_artist_id(client: TestClient, auth: dict[str, str]) -> None:
    for artist_id in (8, 1, 7):
        client.put(f"{API}/users/6/artists/{artist_id}", json={"weight": 5}, headers=auth)
    assert artist_weights(client, 6) == [(1, 5), (7, 5), (8, 5)]
    assert artist_weights(client, 6, sort="weight") == [(1, 5), (7, 5), (8, 5)]


def test_user_artists_paginate_with_link(client: TestClient) -> None:
    response = client.get(f"{API}/users/2/artists", params={"limit": 2, "offset": 0})
    assert [a["artist_id"] for a in response.json()["items"]] == [4, 5]
    assert 'offset=2>; rel="next"' in response.headers["Link"]
    assert "sort" not in response.headers["Link"]
    sorted_page = client.get(f"{API}/users/2/artists", params={"limit": 2, "sort": "name"})
    assert "sort=name" in sorted_page.headers["Link"]


def test_user_without_listens_has_empty_list(client: TestClient) -> None:
    assert client.get(f"{API}/users/6/artists").json() == {
        "items": [],
        "total": 0,
        "limit": 20,
        "offset": 0,
    }


def test_unknown_users_artists_is_404(client: TestClient) -> None:
    response = client.get(f"{API}/users/99/artists")
    assert response.status_code == 404
    assert response.json()["detail"] == "user 99 does not exist"


def test_user_artists_cost_two_statements(client: TestClient, engine: Engine) -> None:
    client.get(f"{API}/users/2/artists")
    with count_statements(engine) as statements:
        client.get(f"{API}/users/2/artists", params={"sort": "name"})
    assert len(statements) == 2


def test_artist_listeners_most_plays_first(client: TestClient) -> None:
    body = client.get(f"{API}/artists/4/listeners").json()
    assert body == {
        "items": [
            {"user_id": 2, "weight": 1000},
            {"user_id": 3, "weight": 200},
            {"user_id": 5, "weight": 100},
        ],
        "total": 3,
        "limit": 20,
        "offset": 0,
    }


def test_artist_listeners_page(client: TestClient) -> None:
    response = client.get(f"{API}/artists/4/listeners", params={"limit": 1, "offset": 1})
    assert response.json()["items"] == [{"user_id": 3, "weight": 200}]
    link = response.headers["Link"]
    assert 'offset=2>; rel="next"' in link
    assert 'offset=0>; rel="prev"' in link


def test_artist_without_listeners_is_empty_and_unknown_is_404(client: TestClient) -> None:
    assert client.get(f"{API}/artists/8/listeners").json()["total"] == 0
    assert client.get(f"{API}/artists/99/listeners").status_code == 404


def test_artist_listeners_cost_two_statements(client: TestClient, engine: Engine) -> None:
    client.get(f"{API}/artists/4/listeners")
    with count_statements(engine) as statements:  # another URL: the route, not the cache
        client.get(f"{API}/artists/4/listeners?offset=0")
    assert len(statements) == 2


def test_get_one_listen(client: TestClient) -> None:
    response = client.get(f"{API}/users/3/artists/6")
    assert response.json() == {"user_id": 3, "artist_id": 6, "weight": 5000}
    etag = response.headers["ETag"]
    assert (
        client.get(f"{API}/users/3/artists/6", headers={"If-None-Match": etag}).status_code == 304
    )


def test_get_missing_listen_is_404_naming_what_is_missing(client: TestClient) -> None:
    assert client.get(f"{API}/users/3/artists/8").json()["detail"] == (
        "user 3 has no listens of artist 8"
    )
    assert client.get(f"{API}/users/99/artists/8").json()["detail"] == "user 99 does not exist"
    assert client.get(f"{API}/users/3/artists/99").json()["detail"] == "artist 99 does not exist"


def test_put_listen_creates_with_201(client: TestClient, auth: dict[str, str]) -> None:
    response = client.put(f"{API}/users/2/artists/7", json={"weight": 42}, headers=auth)
    assert response.status_code == 201
    assert response.json() == {"user_id": 2, "artist_id": 7, "weight": 42}
    assert artist_weights(client, 2) == [(4, 1000), (5, 500), (3, 50), (7, 42)]
    assert client.get(f"{API}/artists/7/listeners").json()["total"] == 3


def test_put_listen_replaces_with_200(client: TestClient, auth: dict[str, str]) -> None:
    before = data_version(client)
    response = client.put(f"{API}/users/2/artists/3", json={"weight": 5000}, headers=auth)
    assert response.status_code == 200
    assert response.json() == {"user_id": 2, "artist_id": 3, "weight": 5000}
    assert artist_weights(client, 2)[0] == (3, 5000)
    assert data_version(client) == before + 1


def test_put_listen_accepts_zero_and_bigint_max(client: TestClient, auth: dict[str, str]) -> None:
    assert (
        client.put(f"{API}/users/2/artists/3", json={"weight": 0}, headers=auth).status_code == 200
    )
    # Artist 8 has no listens yet: its total plays become exactly BIGINT_MAX.
    response = client.put(f"{API}/users/2/artists/8", json={"weight": BIGINT_MAX}, headers=auth)
    assert response.status_code == 201
    assert client.get(f"{API}/users/2/artists/8").json()["weight"] == BIGINT_MAX


def test_put_listen_past_the_artists_largest_total_is_422(
    client: TestClient, auth: dict[str, str]
) -> None:
    """Each weight fits 64 bits, but so must the artist's total plays (kept in a tally)."""
    # Daft Punk (7) has 300 + 700 plays.
    response = client.put(f"{API}/users/2/artists/7", json={"weight": BIGINT_MAX}, headers=auth)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert f"{BIGINT_MAX + 1000} plays in all" in response.json()["detail"]
    assert client.get(f"{API}/users/2/artists/7").status_code == 404
    # Raising an existing listen is checked the same way; lowering it again is fine.
    assert client.put(
        f"{API}/users/3/artists/7", json={"weight": BIGINT_MAX - 700}
    ).status_code in (
        401,
        403,
    )
    ok = client.put(f"{API}/users/3/artists/7", json={"weight": BIGINT_MAX - 700}, headers=auth)
    assert ok.status_code == 200
    too_much = client.put(f"{API}/users/5/artists/7", json={"weight": 701}, headers=auth)
    assert too_much.status_code == 422
    assert client.get(f"{API}/users/5/artists/7").json()["weight"] == 700
    assert client.get(f"{API}/artists/7/listeners").json()["total"] == 2


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"weight": -1},
        {"weight": BIGINT_MAX + 1},
        {"weight": 1.5},
        {"weight": "10"},
        {"weight": True},
        {"weight": None},
        {"weight": 1, "extra": 2},
    ],
)
def test_put_listen_with_invalid_weight_is_422(
    client: TestClient, auth: dict[str, str], body: dict[str, object]
) -> None:
    response = client.put(f"{API}/users/2/artists/3", json=body, headers=auth)
    assert response.status_code == 422
    assert client.get(f"{API}/users/2/artists/3").json()["weight"] == 50


def test_put_listen_for_unknown_user_is_404_naming_the_user(
    client: TestClient, auth: dict[str, str]
) -> None:
    response = client.put(f"{API}/users/99/artists/3", json={"weight": 1}, headers=auth)
    assert response.status_code == 404
    assert response.json()["detail"] == "user 99 does not exist"


def test_put_listen_for_unknown_artist_is_404_naming_the_artist(
    client: TestClient, auth: dict[str, str]
) -> None:
    response = client.put(f"{API}/users/2/artists/99", json={"weight": 1}, headers=auth)
    assert response.status_code == 404
    assert response.json()["detail"] == "artist 99 does not exist"


def test_delete_listen(client: TestClient, auth: dict[str, str]) -> None:
    assert client.delete(f"{API}/users/2/artists/4", headers=auth).status_code == 204
    assert artist_weights(client, 2) == [(5, 500), (3, 50)]
    assert client.get(f"{API}/users/2/artists/4").status_code == 404
    assert client.delete(f"{API}/users/2/artists/4", headers=auth).status_code == 404


def test_delete_listen_of_unknown_user_is_404(client: TestClient, auth: dict[str, str]) -> None:
    response = client.delete(f"{API}/users/99/artists/4", headers=auth)
    assert response.json()["detail"] == "user 99 does not exist"


@pytest.mark.full
def test_full_top_listeners_are_sorted(full_client: TestClient) -> None:
    body = full_client.get(f"{API}/artists/289/listeners", params={"limit": 100}).json()
    weights = [x["weight"] for x in body["items"]]
    assert weights == sorted(weights, reverse=True)
    assert body["total"] >= len(weights) > 0
