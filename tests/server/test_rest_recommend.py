"""Recommendations over REST: the small fixture on both backends (a model trained in-process
on first use, as the fixtures never run `recommend train`), a model file loaded at start-up,
the fallbacks, and the full dataset.

Small fixture (tests/fixtures/small/README.md): user 2 plays Radiohead (4), Muse (5), Björk
(3) and is friends with 3 and 4; user 6 has friends (5) and one tag but no listens. Artist 8
has no listens and no tags.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from server.main import create_app
from server.recommend.lifecycle import train_to_file
from server.services.recommend import RecommenderStore
from tests.conftest import make_settings

API = "/api/v1"
NAMES = {
    1: '"Weird Al" Yankovic',
    2: "Royce da 5'9\"",
    3: "Björk",
    4: "Radiohead",
    5: "Muse",
    6: "Britney Spears",
    7: "Daft Punk",
    8: "Unheard Artist",
}
PLAYS = {2: {3, 4, 5}, 3: {4, 6, 7}, 4: {1, 6}, 5: {2, 4, 7}, 6: set()}
FRIENDS = {2: {3, 4}, 3: {2, 5}, 4: {2}, 5: {3, 6}, 6: {5}}
TAGS = {1: "rock", 2: "pop", 3: "electronic", 4: "fußball", 5: "tropicália", 6: "indie"}
STRATEGIES = ("hybrid", "cf", "social", "tags", "popular")


def get(client: TestClient, path: str, **params: Any) -> Any:
    response = client.get(API + path, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def assert_valid(body: dict[str, Any], user_id: int, limit: int) -> list[int]:
    """No known artist, no duplicate, real names, reasons naming real entities."""
    ids = [item["artist_id"] for item in body["items"]]
    assert len(ids) == min(limit, len(NAMES) - len(PLAYS[user_id]))
    assert len(set(ids)) == len(ids)
    assert not set(ids) & PLAYS[user_id]
    for item in body["items"]:
        assert item["name"] == NAMES[item["artist_id"]]
        assert item["reasons"]
        for reason in item["reasons"]:
            if reason["kind"] == "similar_artists":
                for artist in reason["artists"]:
                    assert artist["artist_id"] in PLAYS[user_id]
                    assert artist["name"] == NAMES[artist["artist_id"]]
            elif reason["kind"] == "friends":
                assert {u["user_id"] for u in reason["users"]} <= FRIENDS[user_id]
            elif reason["kind"] == "tags":
                assert all(TAGS[t["tag_id"]] == t["name"] for t in reason["tags"])
            else:
                assert reason["kind"] == "popular"
    return ids


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_each_strategy_answers_with_unknown_artists_only(client: TestClient, strategy: str) -> None:
    body = get(client, "/users/2/recommendations", strategy=strategy, limit=10)

    assert body["user_id"] == 2
    assert body["strategy"] == strategy
    assert body["model_version"].startswith("in-process-v")
    assert body["fallback"] is None
    assert_valid(body, 2, 10)


def test_hybrid_is_the_default_and_explains_with_artists_and_friends(client: TestClient) -> None:
    body = get(client, "/users/2/recommendations")

    assert body["strategy"] == "hybrid"
    kinds = {reason["kind"] for item in body["items"] for reason in item["reasons"]}
    assert {"similar_artists", "friends"} <= kinds
    scores = [item["score"] for item in body["items"]]
    assert scores == sorted(scores, reverse=True)


def test_social_strategy_follows_the_friends(client: TestClient) -> None:
    body = get(client, "/users/6/recommendations", strategy="social", limit=3)

    # user 6's only friend, 5, plays Daft Punk 700, Radiohead 100, Royce 10
    assert [item["artist_id"] for item in body["items"]] == [7, 4, 2]
    assert body["items"][0]["reasons"] == [
        {"kind": "friends", "users": [{"user_id": 5}], "total": 1}
    ]


def test_the_same_request_gives_the_same_answer(client: TestClient) -> None:
    first = get(client, "/users/3/recommendations", limit=5)
    again = get(client, "/users/3/recommendations", limit=5)

    assert first == again


def test_a_listen_written_through_the_api_changes_the_next_recommendations(
    client: TestClient, auth: dict[str, str]
) -> None:
    before = get(client, "/users/2/recommendations", limit=5)
    assert 6 in [item["artist_id"] for item in before["items"]]

    put = client.put(f"{API}/users/2/artists/6", json={"weight": 50_000}, headers=auth)
    assert put.status_code in (200, 201), put.text
    after = get(client, "/users/2/recommendations", limit=5)

    assert 6 not in [item["artist_id"] for item in after["items"]]
    assert after["items"] != before["items"]
    assert not {item["artist_id"] for item in after["items"]} & (PLAYS[2] | {6})


def test_a_user_created_through_the_api_gets_recommendations_at_once(
    client: TestClient, auth: dict[str, str]
) -> None:
    created = client.post(f"{API}/users", json={}, headers=auth)
    assert created.status_code == 201, created.text
    user_id = created.json()["id"]

    body = get(client, f"/users/{user_id}/recommendations", limit=3)

    # nothing known about them yet: the most listened artists (Radiohead 3, Britney 2, Daft Punk 2)
    assert [item["artist_id"] for item in body["items"]] == [4, 6, 7]
    assert body["items"][0]["reasons"] == [{"kind": "popular", "listeners": 3}]


def test_a_new_users_first_friend_shapes_their_list(
    client: TestClient, auth: dict[str, str]
) -> None:
    user_id = client.post(f"{API}/users", json={}, headers=auth).json()["id"]
    befriended = client.put(f"{API}/users/{user_id}/friends/4", headers=auth)
    assert befriended.status_code in (200, 201), befriended.text

    body = get(client, f"/users/{user_id}/recommendations", limit=2)

    # friend 4 plays Britney 10000, Weird Al 20
    assert [item["artist_id"] for item in body["items"]] == [6, 1]
    assert {"kind": "friends", "users": [{"user_id": 4}], "total": 1} in body["items"][0]["reasons"]


def test_unknown_user_is_a_404_problem(client: TestClient) -> None:
    for path in ("/users/999/recommendations", "/users/999/similar-users"):
        response = client.get(API + path)
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["detail"] == "user 999 does not exist"


@pytest.mark.parametrize(
    "params", [{"limit": 0}, {"limit": 101}, {"limit": "x"}, {"strategy": "magic"}]
)
def test_bad_parameters_are_422_problems(client: TestClient, params: dict[str, Any]) -> None:
    response = client.get(f"{API}/users/2/recommendations", params=params)

    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"


def test_recommendations_are_conditional_gets(client: TestClient) -> None:
    first = client.get(f"{API}/users/2/recommendations")
    etag = first.headers["ETag"]

    again = client.get(f"{API}/users/2/recommendations", headers={"If-None-Match": etag})

    assert again.status_code == 304


def test_similar_artists_exclude_the_artist_and_are_ranked(client: TestClient) -> None:
    body = get(client, "/artists/4/similar", limit=3)

    ids = [item["artist_id"] for item in body["items"]]
    assert body["artist_id"] == 4
    assert len(ids) == 3
    assert 4 not in ids
    assert ids[0] == 5  # Muse: its only listener (2) plays Radiohead too; both tagged rock
    assert all(item["name"] == NAMES[item["artist_id"]] for item in body["items"])
    scores = [item["score"] for item in body["items"]]
    assert scores == sorted(scores, reverse=True)
    assert client.get(f"{API}/artists/999/similar").status_code == 404


def test_similar_users_mark_friends(client: TestClient) -> None:
    body = get(client, "/users/2/similar-users")

    by_id = {item["user_id"]: item for item in body["items"]}
    assert 2 not in by_id
    assert set(by_id) == {3, 5}  # the users sharing an artist (Radiohead) with user 2
    assert by_id[3]["is_friend"] is True
    assert by_id[5]["is_friend"] is False
    assert by_id[3]["shared_artists"] == 1


def test_the_model_file_is_loaded_at_start_up_and_served(
    small_db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # the default model directory is data/models, like the database
    settings = make_settings(small_db_url)
    trained = train_to_file(settings)
    assert trained.path.parent == Path("data/models")

    with TestClient(create_app(settings)) as client:
        body = get(client, "/users/2/recommendations")

    assert body["model_version"] == trained.recommender.model_version
    assert_valid(body, 2, 10)


def test_without_a_model_a_large_database_falls_back_and_says_so(client: TestClient) -> None:
    settings = client.app.state.settings  # type: ignore[attr-defined]
    client.app.state.recommender = RecommenderStore(settings, lazy_max_listens=0)  # type: ignore[attr-defined]

    body = get(client, "/users/2/recommendations", limit=4)
    similar = get(client, "/artists/4/similar")
    users = get(client, "/users/2/similar-users")

    assert body["model_version"] is None
    assert "no trained model" in body["fallback"]
    assert_valid(body, 2, 4)
    assert body["items"][0]["reasons"][0]["kind"] == "friends"
    # Radiohead's listeners 2, 3, 5 also play Daft Punk (3 and 5), then one each of the rest
    assert similar["fallback"] is not None
    assert [(i["artist_id"], i["score"]) for i in similar["items"]] == [
        (7, 2.0),
        (2, 1.0),
        (3, 1.0),
        (5, 1.0),
        (6, 1.0),
    ]
    assert {item["user_id"] for item in users["items"]} == {3, 5}


@pytest.mark.full
def test_full_data_recommendations_without_a_model_file(full_client: TestClient) -> None:
    body = get(full_client, "/users/2/recommendations", limit=20)
    known = {item["artist_id"] for item in get(full_client, "/users/2/artists", limit=100)["items"]}

    ids = [item["artist_id"] for item in body["items"]]
    assert len(ids) == 20
    assert len(set(ids)) == 20
    assert not set(ids) & known
    # 92,834 listens: too many to train inside a request without a model file
    assert body["model_version"] is None
    assert body["fallback"]


@pytest.mark.full
def test_full_data_similar_artists_and_users_without_a_model_file(
    full_client: TestClient,
) -> None:
    artists = get(full_client, "/artists/289/similar", limit=5)  # Britney Spears
    users = get(full_client, "/users/2/similar-users", limit=5)

    assert len(artists["items"]) == 5
    assert 289 not in [item["artist_id"] for item in artists["items"]]
    assert len(users["items"]) == 5
    assert [u["shared_artists"] for u in users["items"]] == sorted(
        (u["shared_artists"] for u in users["items"]), reverse=True
    )
