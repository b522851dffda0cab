"""GET /api/v1/artists/search against the small fixture, whose answers are known by hand
(tests/fixtures/small/README.md), on SQLite and PostgreSQL.

Artists: 1 "Weird Al" Yankovic, 2 Royce da 5'9", 3 Björk, 4 Radiohead, 5 Muse,
6 Britney Spears, 7 Daft Punk, 8 Unheard Artist (no listens, no tags).
Plays: 6=15000, 4=1300, 7=1000, 5=500, 3=50, 1=20, 2=10, 8=0.
Listeners: 4=3, 6=2, 7=2, the others 1 (8: 0).
Tags: rock 1, pop 2, electronic 3, fußball 4, tropicália 5, indie 6, comedy 7.
Assignments: Radiohead rock 2008 + rock 2009 + indie 2008; Muse rock 2009; Britney pop 2010 ×2;
Daft Punk electronic 2010 + pop 2010; Björk electronic 2007 + indie 2007 + tropicália 2009;
Weird Al comedy 2011; Royce fußball 2006.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import count_statements

URL = "/api/v1/artists/search"
BY_PLAYS = [6, 4, 7, 5, 3, 1, 2, 8]


def search(client: TestClient, **params: Any) -> dict[str, Any]:
    response = client.get(URL, params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def ids(body: dict[str, Any]) -> list[int]:
    return [hit["id"] for hit in body["items"]]


def test_no_criteria_lists_every_artist_by_plays(client: TestClient) -> None:
    body = search(client)
    assert ids(body) == BY_PLAYS
    assert body["total"] == 8
    assert body["sort"] == "plays"
    radiohead = body["items"][1]
    assert radiohead == {
        "id": 4,
        "name": "Radiohead",
        "url": "http://www.last.fm/music/Radiohead",
        "picture_url": "http://img.example/4.jpg",
        "plays": 1300,
        "listeners": 3,
        "matched_tags": [],
    }


def test_artist_without_listeners_is_found_with_zero_stats(client: TestClient) -> None:
    body = search(client, q="unheard")
    assert body["items"] == [
        {
            "id": 8,
            "name": "Unheard Artist",
            "url": "http://www.last.fm/music/Unheard+Artist",
            "picture_url": None,
            "plays": 0,
            "listeners": 0,
            "matched_tags": [],
        }
    ]


def test_one_tag_defaults_to_relevance_with_matched_counts(client: TestClient) -> None:
    body = search(client, tags="rock")
    assert body["sort"] == "relevance"
    assert ids(body) == [4, 5]
    assert body["total"] == 2
    assert body["items"][0]["matched_tags"] == [{"id": 1, "name": "rock", "count": 2}]
    assert body["items"][1]["matched_tags"] == [{"id": 1, "name": "rock", "count": 1}]


def test_match_all_needs_every_tag(client: TestClient) -> None:
    body = search(client, tags="rock,indie")
    assert ids(body) == [4]
    assert body["items"][0]["matched_tags"] == [
        {"id": 1, "name": "rock", "count": 2},
        {"id": 6, "name": "indie", "count": 1},
    ]


def test_match_any_ranks_by_matched_tags_then_assignments_then_plays(client: TestClient) -> None:
    # Daft Punk: 2 tags; Britney: 1 tag, 2 assignments; Björk: 1 tag, 1 assignment.
    body = search(client, tags="pop,electronic", match="any")
    assert ids(body) == [7, 6, 3]
    assert body["items"][0]["matched_tags"] == [
        {"id": 2, "name": "pop", "count": 1},
        {"id": 3, "name": "electronic", "count": 1},
    ]
    assert body["items"][1]["matched_tags"] == [{"id": 2, "name": "pop", "count": 2}]


def test_match_any_sorted_by_plays(client: TestClient) -> None:
    assert ids(search(client, tags="pop,electronic", match="any", sort="plays")) == [6, 7, 3]


def test_tag_names_match_case_insensitively_beyond_ascii(client: TestClient) -> None:
    assert ids(search(client, tags="ROCK,InDiE")) == [4]
    assert ids(search(client, tags="TROPICÁLIA")) == [3]
    body = search(client, tags="Fußball")
    assert ids(body) == [2]
    assert body["items"][0]["matched_tags"] == [{"id": 4, "name": "fußball", "count": 1}]


def test_exclude_tags_removes_artists_carrying_them(client: TestClient) -> None:
    body = search(client, exclude_tags="pop")
    assert ids(body) == [4, 5, 3, 1, 2, 8]
    assert ids(search(client, tags="electronic", exclude_tags="INDIE")) == [7]


def test_unknown_tag_with_match_all_empties_the_result_and_is_reported(
    client: TestClient,
) -> None:
    body = search(client, tags="rock,No Such Tag")
    assert body["items"] == []
    assert body["total"] == 0
    assert body["unknown_tags"] == ["No Such Tag"]


def test_unknown_tag_with_match_any_is_ignored_and_reported(client: TestClient) -> None:
    body = search(client, tags="rock,nosuch", match="any")
    assert ids(body) == [4, 5]
    assert body["unknown_tags"] == ["nosuch"]
    only_unknown = search(client, tags="nosuch", match="any")
    assert only_unknown["total"] == 0


def test_unknown_excluded_tag_is_reported(client: TestClient) -> None:
    body = search(client, exclude_tags="nosuch")
    assert body["total"] == 8
    assert body["unknown_exclude_tags"] == ["nosuch"]


def test_q_is_a_case_insensitive_substring(client: TestClient) -> None:
    assert ids(search(client, q="RADIO")) == [4]
    assert ids(search(client, q="BJÖRK")) == [3]
    assert ids(search(client, q='"')) == [1, 2]
    assert ids(search(client, q="da 5'9")) == [2]


@pytest.mark.parametrize("q", ["%", "_", "\\", "d_", "%a%"])
def test_q_takes_like_metacharacters_literally(client: TestClient, q: str) -> None:
    body = search(client, q=q)
    assert body["total"] == 0
    assert body["items"] == []


def test_listener_and_play_bounds(client: TestClient) -> None:
    assert ids(search(client, min_listeners=2)) == [6, 4, 7]
    assert ids(search(client, max_plays=20)) == [1, 2, 8]
    assert ids(search(client, min_plays=100, max_plays=1000)) == [7, 5]
    assert ids(search(client, min_plays=1, max_listeners=1)) == [5, 3, 1, 2]
    # All match one tag; Radiohead and Britney twice each, so Britney's plays win.
    body = search(client, tags="rock,pop", match="any", min_listeners=2)
    assert ids(body) == [6, 4, 7]
    assert body["total"] == 3


def test_year_window_restricts_which_assignments_count(client: TestClient) -> None:
    body = search(client, tags="rock", tagged_from=2009)
    assert ids(body) == [4, 5]
    assert body["items"][0]["matched_tags"] == [{"id": 1, "name": "rock", "count": 1}]
    assert ids(search(client, tags="rock", tagged_to=2008)) == [4]
    assert ids(search(client, tags="pop,electronic", tagged_to=2009, match="any")) == [3]
    assert ids(search(client, tags="pop,electronic", tagged_from=2010)) == [7]


def test_year_window_applies_to_excluded_tags(client: TestClient) -> None:
    # Radiohead's indie is from 2008, Björk's from 2007.
    assert ids(search(client, exclude_tags="indie", tagged_from=2008)) == [6, 7, 5, 3, 1, 2, 8]


def test_sort_by_name_is_case_insensitive_code_point_order(client: TestClient) -> None:
    assert ids(search(client, sort="name")) == [1, 3, 6, 7, 5, 4, 2, 8]


def test_sort_by_listeners_breaks_ties_by_plays(client: TestClient) -> None:
    assert ids(search(client, sort="listeners")) == [4, 6, 7, 5, 3, 1, 2, 8]


def test_pages_with_link_header(client: TestClient) -> None:
    response = client.get(URL, params={"limit": 3, "offset": 3})
    assert response.status_code == 200
    body = response.json()
    assert ids(body) == [5, 3, 1]
    assert (body["total"], body["limit"], body["offset"]) == (8, 3, 3)
    assert response.headers["X-Total-Count"] == "8"
    link = response.headers["Link"]
    assert 'offset=6>; rel="next"' in link
    assert 'offset=0>; rel="prev"' in link
    assert 'offset=6>; rel="last"' in link
    assert ids(search(client, limit=3, offset=6)) == [2, 8]
    beyond = search(client, limit=3, offset=30)
    assert (beyond["items"], beyond["total"]) == ([], 8)


@pytest.mark.parametrize(
    "params",
    [
        {"min_listeners": 3, "max_listeners": 2},
        {"min_plays": 10, "max_plays": 1},
        {"tagged_from": 2010, "tagged_to": 2009},
        {"limit": 0},
        {"limit": 101},
        {"offset": -1},
        {"sort": "popularity"},
        {"match": "some"},
        {"min_plays": -1},
        {"q": ""},
        {"tags": ",".join(f"t{i}" for i in range(21))},
    ],
)
def test_bad_parameters_are_422_problems(client: TestClient, params: dict[str, Any]) -> None:
    response = client.get(URL, params=params)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == 422


def test_a_page_costs_one_statement_and_the_total_one_whatever_the_page_size(
    client: TestClient,
) -> None:
    engine = client.app.state.database.engine  # type: ignore[attr-defined]
    cache = client.app.state.cache  # type: ignore[attr-defined]
    search(client, q="zzz")  # warm the connection pool and the SQLite function
    counts = []
    for limit in (1, 100):
        cache.clear()
        with count_statements(engine) as statements:
            search(client, tags="rock,pop,electronic,indie", match="any", limit=limit)
        counts.append(len(statements))
    # The data version (ETag) is read outside the engine on SQLite (Database.data_version),
    # through it on PostgreSQL.
    version = 0 if engine.dialect.name == "sqlite" else 1
    # the tags by name + page, for 1 hit or for all 5: the first page is read as a window of
    # SEARCH_WINDOW rows, and 5 matches fill less than that, so the window's length is the
    # total and no COUNT runs.
    assert counts == [version + 2, version + 2]
    with count_statements(engine) as statements:
        search(client, tags="rock,pop,electronic,indie", match="any", limit=2, offset=2)
    # inside the first SEARCH_WINDOW results: cut from the window the first page read
    assert len(statements) == version
    with count_statements(engine) as statements:
        search(client, tags="rock,pop,electronic,indie", match="any", limit=100, offset=1)
    assert len(statements) == version + 1  # past the window: the page (the total is cached)
    with count_statements(engine) as statements:
        search(client, tags="rock,pop,electronic,indie", match="any", limit=100, offset=1)
    assert len(statements) <= 1  # that page is cached for this data version
    cache.clear()
    with count_statements(engine) as statements:
        past = search(client, tags="rock,pop,electronic,indie", match="any", limit=10, offset=200)
    # past the end: the tags by name + the total, and no page is read past it
    assert len(statements) == version + 2
    assert (past["items"], past["total"]) == ([], 5)


@pytest.mark.parametrize("offset", [2**63 - 1, 2**63, 10**30])
def test_an_offset_past_what_the_database_binds_is_an_empty_page(
    client: TestClient, offset: int
) -> None:
    # the total is known before the page, so the offset never reaches the database (SQLite
    # cannot bind past 2**63 - 1, PostgreSQL's OFFSET is a bigint)
    client.app.state.cache.clear()  # type: ignore[attr-defined]
    body = search(client, q="a", offset=offset)
    assert (body["items"], body["offset"]) == ([], offset)
    assert body["total"] == search(client, q="a")["total"] > 0


def test_conditional_get_answers_304(client: TestClient) -> None:
    first = client.get(URL, params={"tags": "rock"})
    etag = first.headers["ETag"]
    again = client.get(URL, params={"tags": "rock"}, headers={"If-None-Match": etag})
    assert again.status_code == 304
    other = client.get(URL, params={"tags": "pop"}, headers={"If-None-Match": etag})
    assert other.status_code == 200


def test_search_is_not_captured_by_artist_ids(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    operation = spec["paths"]["/api/v1/artists/search"]["get"]
    assert operation["summary"]
    assert {"304", "422"} <= set(operation["responses"])


def test_full_dataset_search_finds_britney_first_for_pop(full_client: TestClient) -> None:
    body = search(full_client, tags="pop,rock", limit=3)
    assert body["items"][0]["id"] == 289
    assert body["items"][0]["matched_tags"] == [
        {"id": 24, "name": "pop", "count": 108},
        {"id": 73, "name": "rock", "count": 6},
    ]
    assert body["total"] == 653
    assert search(full_client, tags="rock", match="any")["total"] == 2248


@pytest.mark.parametrize("sort", ["plays", "listeners"])
def test_browsing_ranks_unheard_artists_last_by_id(
    client: TestClient, auth: dict[str, str], sort: str
) -> None:
    """Artists the tally does not rank (no listens; by plays, also only zero weights) come
    last, by id, on the fast path as on the general one, including a page across them."""
    assert client.put("/api/v1/users/6/artists/8", json={"weight": 0}, headers=auth).is_success
    created = client.post("/api/v1/artists", json={"name": "Nobody"}, headers=auth).json()
    pages = (0, 3, 6)
    fast = [ids(search(client, sort=sort, limit=3, offset=o)) for o in pages]
    general = [ids(search(client, sort=sort, limit=3, offset=o, min_plays=0)) for o in pages]
    assert fast == general
    flat = [artist for page in fast for artist in page]
    assert flat[-2:] == [8, created["id"]]
    assert sorted(flat) == [*range(1, 9), created["id"]]
