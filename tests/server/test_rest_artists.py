from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.conftest import count_statements, full_data_dir
from tests.server.conftest import API, data_version

WEIRD_AL = {
    "id": 1,
    "name": '"Weird Al" Yankovic',
    "url": "http://www.last.fm/music/%22Weird+Al%22+Yankovic",
    "picture_url": "http://img.example/1.png",
}


def test_list_artists_first_page_in_id_order(client: TestClient) -> None:
    response = client.get(f"{API}/artists", params={"limit": 3})
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 8
    assert (body["limit"], body["offset"]) == (3, 0)
    assert body["items"][0] == WEIRD_AL
    assert [a["name"] for a in body["items"]] == ['"Weird Al" Yankovic', "Royce da 5'9\"", "Björk"]


def test_list_artists_link_header_has_next_and_prev(client: TestClient) -> None:
    response = client.get(f"{API}/artists", params={"limit": 3, "offset": 3})
    link = response.headers["Link"]
    assert 'offset=6>; rel="next"' in link
    assert 'offset=0>; rel="prev"' in link
    assert 'offset=6>; rel="last"' in link
    assert response.headers["X-Total-Count"] == "8"
    assert [a["id"] for a in response.json()["items"]] == [4, 5, 6]


def test_list_artists_last_page_has_no_next(client: TestClient) -> None:
    response = client.get(f"{API}/artists", params={"limit": 3, "offset": 6})
    assert 'rel="next"' not in response.headers["Link"]
    assert [a["id"] for a in response.json()["items"]] == [7, 8]


def test_list_artists_beyond_the_end_is_empty_with_total(client: TestClient) -> None:
    body = client.get(f"{API}/artists", params={"offset": 100}).json()
    assert body["items"] == []
    assert body["total"] == 8


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 101}, {"offset": -1}, {"limit": "x"}])
def test_list_artists_rejects_bad_page_parameters(
    client: TestClient, params: dict[str, object]
) -> None:
    response = client.get(f"{API}/artists", params=params)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"


def test_list_artists_costs_a_page_query_and_a_count(client: TestClient, engine: Engine) -> None:
    client.get(f"{API}/artists")  # warm the pool: connecting may run set-up statements
    with count_statements(engine) as statements:
        response = client.get(f"{API}/artists", params={"limit": 100})
    assert response.status_code == 200
    assert len(statements) == 2


def test_get_artist_returns_names_byte_for_byte(client: TestClient) -> None:
    response = client.get(f"{API}/artists/1")
    assert response.status_code == 200
    assert response.json() == WEIRD_AL
    assert b'"name":"\\"Weird Al\\" Yankovic"' in response.content


def test_get_artist_without_picture_has_null(client: TestClient) -> None:
    assert client.get(f"{API}/artists/6").json()["picture_url"] is None


def test_get_unknown_artist_is_404_problem(client: TestClient) -> None:
    response = client.get(f"{API}/artists/99")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["detail"] == "artist 99 does not exist"
    assert body["status"] == 404


@pytest.mark.parametrize("artist_id", ["0", "-1", "abc", "2147483648", "99999999999999999999"])
def test_get_artist_with_bad_id_is_422(client: TestClient, artist_id: str) -> None:
    assert client.get(f"{API}/artists/{artist_id}").status_code == 422


def test_get_artist_answers_304_to_current_etag(client: TestClient) -> None:
    first = client.get(f"{API}/artists/4")
    etag = first.headers["ETag"]
    again = client.get(f"{API}/artists/4", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""


def test_get_artist_etag_changes_after_a_write(client: TestClient, auth: dict[str, str]) -> None:
    etag = client.get(f"{API}/artists/4").headers["ETag"]
    client.patch(f"{API}/artists/4", json={"name": "Radiohead!"}, headers=auth)
    response = client.get(f"{API}/artists/4", headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert response.json()["name"] == "Radiohead!"


def test_create_artist_without_id_takes_max_plus_one(
    client: TestClient, auth: dict[str, str]
) -> None:
    response = client.post(f"{API}/artists", json={"name": "Sigur Rós"}, headers=auth)
    assert response.status_code == 201
    assert response.json() == {"id": 9, "name": "Sigur Rós", "url": None, "picture_url": None}
    assert response.headers["Location"].endswith(f"{API}/artists/9")
    assert client.get(f"{API}/artists/9").json()["name"] == "Sigur Rós"


def test_create_artist_with_explicit_id_moves_the_next_id_past_it(
    client: TestClient, auth: dict[str, str]
) -> None:
    explicit = client.post(f"{API}/artists", json={"id": 100, "name": "A"}, headers=auth)
    automatic = client.post(f"{API}/artists", json={"name": "B"}, headers=auth)
    assert explicit.status_code == 201
    assert explicit.json()["id"] == 100
    assert automatic.status_code == 201
    assert automatic.json()["id"] == 101


def test_create_artist_filling_a_gap_keeps_the_next_id(
    client: TestClient, auth: dict[str, str]
) -> None:
    client.delete(f"{API}/artists/5", headers=auth)
    assert (
        client.post(f"{API}/artists", json={"id": 5, "name": "Muse"}, headers=auth).status_code
        == 201
    )
    assert client.post(f"{API}/artists", json={"name": "Next"}, headers=auth).json()["id"] == 9


def test_create_artist_with_taken_id_is_409(client: TestClient, auth: dict[str, str]) -> None:
    response = client.post(f"{API}/artists", json={"id": 4, "name": "Radiohead"}, headers=auth)
    assert response.status_code == 409
    assert response.json()["detail"] == "artist 4 already exists"


def test_create_artist_bumps_the_data_version(client: TestClient, auth: dict[str, str]) -> None:
    before = data_version(client)
    client.post(f"{API}/artists", json={"name": "New"}, headers=auth)
    assert data_version(client) == before + 1


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"name": ""},
        {"name": "   "},
        {"name": "nul\u0000byte"},
        {"name": 5},
        {"name": "x", "id": 0},
        {"name": "x", "id": 2147483648},
        {"name": "x", "id": "7"},
        {"name": "x", "pictureURL": "http://x"},
        {"name": "x", "url": "a\u0000b"},
    ],
)
def test_create_artist_with_invalid_body_is_422(
    client: TestClient, auth: dict[str, str], body: dict[str, object]
) -> None:
    response = client.post(f"{API}/artists", json=body, headers=auth)
    assert response.status_code == 422
    assert response.json()["errors"]


def test_create_artist_keeps_spaces_and_quotes_verbatim(
    client: TestClient, auth: dict[str, str]
) -> None:
    name = '  "Quoted"\tand spaced  '
    created = client.post(f"{API}/artists", json={"name": name}, headers=auth).json()
    assert client.get(f"{API}/artists/{created['id']}").json()["name"] == name


def test_put_replaces_every_field(client: TestClient, auth: dict[str, str]) -> None:
    response = client.put(f"{API}/artists/4", json={"name": "Radiohead (UK)"}, headers=auth)
    assert response.status_code == 200
    expected = {"id": 4, "name": "Radiohead (UK)", "url": None, "picture_url": None}
    assert response.json() == expected
    assert client.get(f"{API}/artists/4").json() == expected


def test_put_of_what_get_returned_round_trips(client: TestClient, auth: dict[str, str]) -> None:
    before = client.get(f"{API}/artists/1").json()
    body = {k: v for k, v in before.items() if k != "id"}
    assert client.put(f"{API}/artists/1", json=body, headers=auth).json() == before
    assert client.get(f"{API}/artists/1").json() == WEIRD_AL


def test_put_unknown_artist_is_404(client: TestClient, auth: dict[str, str]) -> None:
    assert client.put(f"{API}/artists/99", json={"name": "x"}, headers=auth).status_code == 404


def test_patch_changes_only_sent_fields(client: TestClient, auth: dict[str, str]) -> None:
    response = client.patch(f"{API}/artists/1", json={"picture_url": None}, headers=auth)
    assert response.status_code == 200
    assert response.json() == {**WEIRD_AL, "picture_url": None}


def test_patch_without_changes_leaves_the_data_version(
    client: TestClient, auth: dict[str, str]
) -> None:
    before = data_version(client)
    assert client.patch(f"{API}/artists/1", json={}, headers=auth).json() == WEIRD_AL
    client.patch(f"{API}/artists/1", json={"name": WEIRD_AL["name"]}, headers=auth)
    assert data_version(client) == before


def test_patch_null_name_is_422(client: TestClient, auth: dict[str, str]) -> None:
    assert client.patch(f"{API}/artists/1", json={"name": None}, headers=auth).status_code == 422


def test_patch_unknown_artist_is_404(client: TestClient, auth: dict[str, str]) -> None:
    assert client.patch(f"{API}/artists/99", json={"name": "x"}, headers=auth).status_code == 404


def test_delete_artist_then_get_is_404(client: TestClient, auth: dict[str, str]) -> None:
    response = client.delete(f"{API}/artists/8", headers=auth)
    assert response.status_code == 204
    assert response.content == b""
    assert client.get(f"{API}/artists/8").status_code == 404
    assert client.get(f"{API}/artists").json()["total"] == 7


def test_delete_artist_cascades_to_listens(client: TestClient, auth: dict[str, str]) -> None:
    client.delete(f"{API}/artists/4", headers=auth)
    user2 = client.get(f"{API}/users/2/artists").json()
    assert [a["artist_id"] for a in user2["items"]] == [5, 3]
    assert client.get(f"{API}/users/2").json()["listen_count"] == 2
    assert client.get(f"{API}/artists/4/listeners").status_code == 404


def test_delete_artist_cascades_to_tag_assignments(
    client: TestClient, auth: dict[str, str]
) -> None:
    client.delete(f"{API}/artists/4", headers=auth)
    assignments = client.get(f"{API}/users/2/tag-assignments").json()
    assert assignments["total"] == 3
    assert 4 not in {a["artist_id"] for a in assignments["items"]}
    rock = client.get(f"{API}/tags/1/artists").json()
    assert [(a["artist_id"], a["count"]) for a in rock["items"]] == [(5, 1)]


def test_delete_unknown_artist_is_404(client: TestClient, auth: dict[str, str]) -> None:
    assert client.delete(f"{API}/artists/99", headers=auth).status_code == 404


def _full_artist_line(artist_id: int) -> list[str]:
    with (full_data_dir() / "artists.dat").open(encoding="utf-8") as lines:
        for line in lines:
            fields = line.rstrip("\n").split("\t")
            if fields[0] == str(artist_id):
                return fields
    raise AssertionError(f"artist {artist_id} not in the full dataset")


@pytest.mark.full
def test_full_weird_al_round_trips_byte_exact(full_client: TestClient) -> None:
    artist_id, name, url, picture = _full_artist_line(1686)
    response = full_client.get(f"{API}/artists/1686")
    assert response.status_code == 200
    assert response.json() == {
        "id": int(artist_id),
        "name": name,
        "url": url,
        "picture_url": picture or None,
    }
    assert response.json()["name"] == '"Weird Al" Yankovic'


@pytest.mark.full
def test_full_artist_list_counts_every_artist(full_client: TestClient) -> None:
    data = Path(full_data_dir()) / "artists.dat"
    with data.open(encoding="utf-8") as lines:
        expected = sum(1 for _ in lines) - 1
    body = full_client.get(f"{API}/artists", params={"limit": 1}).json()
    assert body["total"] == expected == 17632


def test_concurrent_creates_get_distinct_ids(client: TestClient, auth: dict[str, str]) -> None:
    """Several writers at once: no "database is locked", no id handed out twice."""
    with ThreadPoolExecutor(max_workers=8) as pool:
        responses = list(
            pool.map(
                lambda n: client.post(f"{API}/artists", json={"name": f"band {n}"}, headers=auth),
                range(16),
            )
        )
    assert [r.status_code for r in responses] == [201] * 16
    assert sorted(r.json()["id"] for r in responses) == list(range(9, 25))
    assert client.get(f"{API}/artists").json()["total"] == 24
