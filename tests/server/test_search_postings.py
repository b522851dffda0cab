"""The tag search's postings path: each tag's (artist, assignments) list read once per data
version, the intersection ranked in memory, one statement for the page's artists.

Its results over the full dataset are checked against the raw rows in
`test_search_oracle`; here, the ranking against a brute force, what it reads, and that a
write is seen by the next search."""

from __future__ import annotations

import random
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient

from server.repositories.search import POSTING_SHIFT
from server.services.postings import Postings, top_of_intersection
from tests.conftest import count_statements

URL = "/api/v1/artists/search"


def postings_of(pairs: list[tuple[int, int]]) -> Postings:
    """``(artist id, assignments)`` pairs packed as `repo.tag_postings` returns them."""
    packed = [(artist << POSTING_SHIFT) | n for artist, n in pairs]
    return Postings.unpack(np.array(packed, dtype=np.int64))


def brute_force(lists: list[dict[int, int]], rows: int) -> tuple[int, dict[int, list[int]]]:
    """``(how many artists carry every tag, {artist: its counts} of those ranked within the
    first rows, ties at the edge included)``."""
    common = set(lists[0]).intersection(*lists[1:])
    counts = {a: [tag[a] for tag in lists] for a in common}
    sums = {a: sum(c) for a, c in counts.items()}
    kept = {a: c for a, c in counts.items() if sum(s > sums[a] for s in sums.values()) < rows}
    return len(common), kept


@pytest.mark.parametrize("seed", range(40))
def test_the_top_of_an_intersection_is_the_brute_force_ranking(seed: int) -> None:
    rng = random.Random(seed)
    universe = rng.randrange(1, 60)
    lists = [
        {a: rng.randrange(1, 5) for a in rng.sample(range(universe), rng.randrange(universe + 1))}
        for _ in range(rng.randrange(1, 4))
    ]
    rows = rng.randrange(1, 12)
    expected_total, expected = brute_force(lists, rows)
    top = top_of_intersection([postings_of(list(tag.items())) for tag in lists], rows)
    assert top.total == expected_total
    got = dict(zip(top.artist_ids.tolist(), top.counts.tolist(), strict=True))
    assert got == expected
    assert len(top) >= min(rows, expected_total)  # never fewer than the page needs


def test_ties_at_the_edge_all_stay() -> None:
    lists = [postings_of([(1, 5), (2, 1), (3, 1), (4, 1)]), postings_of([(4, 1), (3, 1), (2, 1)])]
    top = top_of_intersection(lists, 2)
    # artists 2, 3 and 4 share the largest sum (2): all three can reach a page of two
    assert (top.total, sorted(top.artist_ids.tolist())) == (3, [2, 3, 4])


def test_postings_are_sorted_by_artist_whatever_the_order_read() -> None:
    postings = postings_of([(9, 1), (3, 7), (5, 2)])
    assert postings.artist_ids.tolist() == [3, 5, 9]
    assert postings.assignments.tolist() == [7, 2, 1]
    assert postings.artist_ids.dtype == postings.assignments.dtype == np.int32  # 8 bytes a posting
    assert len(postings_of([])) == 0
    assert top_of_intersection([postings_of([]), postings], 5).total == 0


def search(client: TestClient, **params: Any) -> dict[str, Any]:
    response = client.get(URL, params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def matched(hit: dict[str, Any]) -> list[tuple[str, int]]:
    return [(m["name"], m["count"]) for m in hit["matched_tags"]]


def test_each_tag_is_read_once_per_version_and_a_page_is_two_statements(
    client: TestClient,
) -> None:
    engine = client.app.state.database.engine  # type: ignore[attr-defined]
    client.app.state.cache.clear()  # type: ignore[attr-defined]
    search(client, q="zzz")  # warm the pool and the SQLite function
    version = 0 if engine.dialect.name == "sqlite" else 1  # the ETag's data version
    with count_statements(engine) as statements:
        body = search(client, tags="rock,indie")
    # the tags by name, each tag's postings, the page's artists
    assert len(statements) == version + 4
    assert [(h["id"], matched(h)) for h in body["items"]] == [(4, [("rock", 2), ("indie", 1)])]
    assert body["total"] == 1
    with count_statements(engine) as statements:
        body = search(client, tags="rock,electronic")
    # the tags by name; rock's postings are held: electronic's only, and no artist carries
    # both: no page read
    assert len(statements) == version + 2
    assert (body["items"], body["total"]) == ([], 0)
    with count_statements(engine) as statements:
        body = search(client, tags="Electronic,INDIE")
    assert len(statements) == version + 2  # both held: the tags by name, the page's artists
    assert [(h["id"], matched(h)) for h in body["items"]] == [
        (3, [("electronic", 1), ("indie", 1)])
    ]


def test_a_write_is_seen_by_the_next_search(client: TestClient, auth: dict[str, str]) -> None:
    before = search(client, tags="rock,indie")
    assert [h["id"] for h in before["items"]] == [4]
    for user_id, artist_id in ((2, 5), (5, 4)):
        response = client.post(
            f"/api/v1/users/{user_id}/tag-assignments",
            json={"artist_id": artist_id, "tag_name": "indie"},
            headers=auth,
        )
        assert response.status_code == 201, response.text
    after = search(client, tags="rock,indie")
    assert after["total"] == 2
    # artist 4: rock 2 + indie 2 ranks before artist 5: rock 1 + indie 1
    assert [(h["id"], matched(h)) for h in after["items"]] == [
        (4, [("rock", 2), ("indie", 2)]),
        (5, [("rock", 1), ("indie", 1)]),
    ]
    assert search(client, tags="rock,indie", offset=1, limit=1)["items"][0]["id"] == 5
    assert search(client, tags="rock,indie", offset=2)["items"] == []


@pytest.mark.parametrize("offset", [2**63 - 1, 10**30])
def test_an_offset_past_any_binding_is_an_empty_page_with_the_total(
    client: TestClient, offset: int
) -> None:
    body = search(client, tags="rock,indie", offset=offset)
    assert (body["items"], body["total"], body["offset"]) == ([], 1, offset)


@pytest.mark.parametrize("params", [{"limit": 0}, {"offset": -1}, {"limit": 101}])
def test_bad_paging_on_a_tag_search_is_a_422_problem(
    client: TestClient, params: dict[str, Any]
) -> None:
    response = client.get(URL, params={"tags": "rock,indie", **params})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
