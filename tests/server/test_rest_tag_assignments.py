from __future__ import annotations

import calendar
import time

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.conftest import count_statements
from tests.server.conftest import API


def midnight_ms(year: int, month: int, day: int) -> int:
    return calendar.timegm((year, month, day, 0, 0, 0)) * 1000


def assignment_keys(client: TestClient, user_id: int, **params: object) -> list[tuple[int, int]]:
    response = client.get(f"{API}/users/{user_id}/tag-assignments", params=params)
    assert response.status_code == 200
    return [(a["artist_id"], a["tag_id"]) for a in response.json()["items"]]


def test_list_user_assignments_newest_first(client: TestClient) -> None:
    body = client.get(f"{API}/users/2/tag-assignments").json()
    assert body["total"] == 5
    assert body["items"][0] == {
        "user_id": 2,
        "artist_id": 5,
        "artist_name": "Muse",
        "tag_id": 1,
        "tag_name": "rock",
        "timestamp": midnight_ms(2009, 3, 1),
        "day": 1,
        "month": 3,
        "year": 2009,
    }
    assert assignment_keys(client, 2) == [(5, 1), (4, 1), (4, 6), (3, 3), (3, 6)]


def test_list_user_assignments_filtered(client: TestClient) -> None:
    assert assignment_keys(client, 2, artist_id=4) == [(4, 1), (4, 6)]
    assert assignment_keys(client, 2, tag_id=6) == [(4, 6), (3, 6)]
    assert assignment_keys(client, 2, artist_id=3, tag_id=3) == [(3, 3)]


def test_list_user_assignments_pages(client: TestClient) -> None:
    response = client.get(f"{API}/users/2/tag-assignments", params={"limit": 2, "offset": 2})
    assert [(a["artist_id"], a["tag_id"]) for a in response.json()["items"]] == [(4, 6), (3, 3)]
    assert 'offset=4>; rel="next"' in response.headers["Link"]


def test_list_assignments_of_unknown_user_is_404(client: TestClient) -> None:
    assert client.get(f"{API}/users/99/tag-assignments").status_code == 404


def test_list_user_assignments_costs_two_statements(client: TestClient, engine: Engine) -> None:
    client.get(f"{API}/users/2/tag-assignments")
    with count_statements(engine) as statements:  # another URL: the route, not the cache
        client.get(f"{API}/users/2/tag-assignments?offset=0")
    assert len(statements) == 2


def test_tag_by_id_at_a_timestamp(client: TestClient, auth: dict[str, str]) -> None:
    stamp = midnight_ms(2009, 3, 1) - 1  # the last millisecond of 28 February 2009 (UTC)
    response = client.post(
        f"{API}/users/6/tag-assignments",
        json={"artist_id": 4, "tag_id": 1, "timestamp": stamp},
        headers=auth,
    )
    assert response.status_code == 201
    assert response.json() == {
        "user_id": 6,
        "artist_id": 4,
        "artist_name": "Radiohead",
        "tag_id": 1,
        "tag_name": "rock",
        "timestamp": stamp,
        "day": 28,
        "month": 2,
        "year": 2009,
    }
    listed = client.get(f"{API}/users/6/tag-assignments", params={"artist_id": 4}).json()
    assert listed["items"] == [response.json()]


def test_tag_on_a_date_stores_utc_midnight(client: TestClient, auth: dict[str, str]) -> None:
    response = client.post(
        f"{API}/users/6/tag-assignments",
        json={"artist_id": 4, "tag_id": 1, "date": "2020-02-29"},
        headers=auth,
    )
    body = response.json()
    assert body["timestamp"] == midnight_ms(2020, 2, 29)
    assert (body["year"], body["month"], body["day"]) == (2020, 2, 29)


def test_tag_without_time_is_stamped_now(client: TestClient, auth: dict[str, str]) -> None:
    before = time.time_ns() // 1_000_000
    body = client.post(
        f"{API}/users/6/tag-assignments", json={"artist_id": 4, "tag_id": 1}, headers=auth
    ).json()
    after = time.time_ns() // 1_000_000
    assert before <= body["timestamp"] <= after
    day = time.gmtime(body["timestamp"] / 1000)
    assert (body["year"], body["month"], body["day"]) == (day.tm_year, day.tm_mon, day.tm_mday)


def test_tag_before_1970(client: TestClient, auth: dict[str, str]) -> None:
    body = client.post(
        f"{API}/users/6/tag-assignments",
        json={"artist_id": 4, "tag_id": 1, "timestamp": midnight_ms(1969, 12, 31) + 1},
        headers=auth,
    ).json()
    assert (body["year"], body["month"], body["day"]) == (1969, 12, 31)


def test_tag_by_name_matches_an_existing_tag_ignoring_case(
    client: TestClient, auth: dict[str, str]
) -> None:
    response = client.post(
        f"{API}/users/6/tag-assignments",
        json={"artist_id": 2, "tag_name": "FUSSBALL"},
        headers=auth,
    )
    assert response.status_code == 201
    assert (response.json()["tag_id"], response.json()["tag_name"]) == (4, "fußball")
    assert client.get(f"{API}/tags").json()["total"] == 8


def test_tag_by_new_name_creates_the_tag(client: TestClient, auth: dict[str, str]) -> None:
    response = client.post(
        f"{API}/users/6/tag-assignments",
        json={"artist_id": 8, "tag_name": "hidden gem"},
        headers=auth,
    )
    assert response.status_code == 201
    assert response.json()["tag_id"] == 9
    assert client.get(f"{API}/tags/9").json() == {"id": 9, "name": "hidden gem"}
    assert client.get(f"{API}/artists/8/tags").json()["items"] == [
        {"tag_id": 9, "name": "hidden gem", "count": 1}
    ]


def test_tag_twice_is_409(client: TestClient, auth: dict[str, str]) -> None:
    body = {"artist_id": 4, "tag_id": 1, "date": "2012-01-01"}
    response = client.post(f"{API}/users/2/tag-assignments", json=body, headers=auth)
    assert response.status_code == 409
    assert response.json()["detail"] == "user 2 already tagged artist 4 with tag 1"
    assert client.get(f"{API}/users/2").json()["tag_assignment_count"] == 5


def test_tag_twice_by_name_is_409_and_creates_no_tag(
    client: TestClient, auth: dict[str, str]
) -> None:
    body = {"artist_id": 4, "tag_name": "Rock"}
    assert client.post(f"{API}/users/2/tag-assignments", json=body, headers=auth).status_code == 409
    assert client.get(f"{API}/tags").json()["total"] == 8


@pytest.mark.parametrize(
    "body",
    [
        {"artist_id": 4},
        {"artist_id": 4, "tag_id": 1, "tag_name": "rock"},
        {"artist_id": 4, "tag_id": 1, "timestamp": 0, "date": "2000-01-01"},
        {"artist_id": 4, "tag_id": 1, "date": "1899-12-31"},
        {"artist_id": 4, "tag_id": 1, "date": "2000-02-30"},
        {"artist_id": 4, "tag_id": 1, "timestamp": 2**63},
        {"artist_id": 4, "tag_id": 1, "timestamp": "soon"},
        {"artist_id": 2**31, "tag_id": 1},
        {"tag_id": 1},
        {"artist_id": 4, "tag_name": ""},
    ],
)
def test_tag_with_invalid_body_is_422(
    client: TestClient, auth: dict[str, str], body: dict[str, object]
) -> None:
    response = client.post(f"{API}/users/6/tag-assignments", json=body, headers=auth)
    assert response.status_code == 422


@pytest.mark.parametrize(
    ("user_id", "body", "detail"),
    [
        (99, {"artist_id": 4, "tag_id": 1}, "user 99 does not exist"),
        (6, {"artist_id": 99, "tag_id": 1}, "artist 99 does not exist"),
        (6, {"artist_id": 4, "tag_id": 99}, "tag 99 does not exist"),
    ],
)
def test_tag_with_unknown_reference_is_404_naming_it(
    client: TestClient, auth: dict[str, str], user_id: int, body: dict[str, int], detail: str
) -> None:
    response = client.post(f"{API}/users/{user_id}/tag-assignments", json=body, headers=auth)
    assert response.status_code == 404
    assert response.json()["detail"] == detail


def test_untag_by_path(client: TestClient, auth: dict[str, str]) -> None:
    assert client.delete(f"{API}/users/2/tag-assignments/4/6", headers=auth).status_code == 204
    assert assignment_keys(client, 2) == [(5, 1), (4, 1), (3, 3), (3, 6)]
    assert client.delete(f"{API}/users/2/tag-assignments/4/6", headers=auth).status_code == 404


def test_untag_by_path_at_a_timestamp(client: TestClient, auth: dict[str, str]) -> None:
    url = f"{API}/users/2/tag-assignments/4/6"
    wrong = client.delete(url, params={"timestamp": midnight_ms(2008, 1, 2)}, headers=auth)
    assert wrong.status_code == 404
    right = client.delete(url, params={"timestamp": midnight_ms(2008, 1, 1)}, headers=auth)
    assert right.status_code == 204


def test_untag_by_query(client: TestClient, auth: dict[str, str]) -> None:
    response = client.delete(
        f"{API}/users/2/tag-assignments", params={"artist_id": 3, "tag_id": 3}, headers=auth
    )
    assert response.status_code == 204
    assert assignment_keys(client, 2, artist_id=3) == [(3, 6)]


def test_untag_by_query_needs_artist_and_tag(client: TestClient, auth: dict[str, str]) -> None:
    response = client.delete(
        f"{API}/users/2/tag-assignments", params={"artist_id": 3}, headers=auth
    )
    assert response.status_code == 422


def test_untag_unknown_references_are_404_naming_them(
    client: TestClient, auth: dict[str, str]
) -> None:
    url = f"{API}/users/{{}}/tag-assignments/{{}}/{{}}"
    assert client.delete(url.format(99, 4, 1), headers=auth).json()["detail"] == (
        "user 99 does not exist"
    )
    assert client.delete(url.format(2, 99, 1), headers=auth).json()["detail"] == (
        "artist 99 does not exist"
    )
    assert client.delete(url.format(2, 4, 99), headers=auth).json()["detail"] == (
        "tag 99 does not exist"
    )
    assert client.delete(url.format(2, 4, 2), headers=auth).json()["detail"] == (
        "user 2 has not tagged artist 4 with tag 2"
    )


def tallies(client: TestClient, url: str) -> list[tuple[str, int]]:
    response = client.get(url)
    assert response.status_code == 200
    return [(x["name"], x["count"]) for x in response.json()["items"]]


def test_artist_tags_by_count_then_name(client: TestClient) -> None:
    assert tallies(client, f"{API}/artists/4/tags") == [("rock", 2), ("indie", 1)]
    assert tallies(client, f"{API}/artists/3/tags") == [
        ("electronic", 1),
        ("indie", 1),
        ("tropicália", 1),
    ]
    assert tallies(client, f"{API}/artists/7/tags") == [("electronic", 1), ("pop", 1)]
    assert client.get(f"{API}/artists/4/tags").json()["items"][0] == {
        "tag_id": 1,
        "name": "rock",
        "count": 2,
    }


def test_artist_tags_page_and_total(client: TestClient) -> None:
    response = client.get(f"{API}/artists/3/tags", params={"limit": 2, "offset": 2})
    assert response.json()["total"] == 3
    assert [t["name"] for t in response.json()["items"]] == ["tropicália"]
    assert 'rel="next"' not in response.headers["Link"]


def test_artist_without_tags_is_empty_and_unknown_is_404(client: TestClient) -> None:
    assert client.get(f"{API}/artists/8/tags").json()["total"] == 0
    assert client.get(f"{API}/artists/99/tags").status_code == 404


def test_tag_artists_by_count_then_name(client: TestClient) -> None:
    assert tallies(client, f"{API}/tags/1/artists") == [("Radiohead", 2), ("Muse", 1)]
    assert tallies(client, f"{API}/tags/2/artists") == [("Britney Spears", 2), ("Daft Punk", 1)]
    assert tallies(client, f"{API}/tags/3/artists") == [("Björk", 1), ("Daft Punk", 1)]
    assert client.get(f"{API}/tags/4/artists").json()["items"] == [
        {"artist_id": 2, "name": "Royce da 5'9\"", "count": 1}
    ]


def test_tag_without_artists_is_empty_and_unknown_is_404(client: TestClient) -> None:
    assert client.get(f"{API}/tags/8/artists").json()["total"] == 0
    assert client.get(f"{API}/tags/99/artists").status_code == 404


def test_tallies_cost_two_statements(client: TestClient, engine: Engine) -> None:
    client.get(f"{API}/artists/4/tags")
    with count_statements(engine) as statements:  # another URL: the route, not the cache
        client.get(f"{API}/artists/4/tags?offset=0")
    assert len(statements) == 2
    with count_statements(engine) as statements:
        client.get(f"{API}/tags/1/artists")
    assert len(statements) == 2


def test_tallies_follow_writes(client: TestClient, auth: dict[str, str]) -> None:
    client.post(f"{API}/users/6/tag-assignments", json={"artist_id": 5, "tag_id": 1}, headers=auth)
    client.post(f"{API}/users/4/tag-assignments", json={"artist_id": 5, "tag_id": 1}, headers=auth)
    assert tallies(client, f"{API}/tags/1/artists") == [("Muse", 3), ("Radiohead", 2)]


@pytest.mark.full
def test_full_artist_tags_are_sorted_by_count(full_client: TestClient) -> None:
    body = full_client.get(f"{API}/artists/289/tags", params={"limit": 100}).json()
    counts = [t["count"] for t in body["items"]]
    assert counts == sorted(counts, reverse=True)
    assert body["total"] > 0
