"""The social network over REST: exact values on the small fixture, worked out by hand from
tests/fixtures/small/README.md, and the documented facts of the full dataset.

The small friendship graph is the path 4 - 2 - 3 - 5 - 6 (friendships 2-3, 2-4, 3-5, 5-6).
Listens: 2 plays Radiohead (4) 1000, Muse (5) 500, Björk (3) 50; 3 plays Radiohead 200,
Britney (6) 5000, Daft Punk (7) 300; 4 plays Britney 10000, Weird Al (1) 20; 5 plays Daft Punk
700, Radiohead 100, Royce (2) 10; 6 plays nothing.
"""

from __future__ import annotations

import math
import os
import uuid
from collections.abc import Iterator, Mapping
from typing import Any

import pytest
import redis
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from graph import recommend_artists
from server.db.models import UserArtist, UserFriend
from server.main import create_app
from server.services import social as social_service
from server.services.cache import ResultCache, build_cache
from server.services.writes import commit_write
from tests.conftest import count_statements, make_settings

API = "/api/v1"
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
WEIRD_AL, ROYCE, BJORK, RADIOHEAD, MUSE, BRITNEY, DAFT_PUNK = 1, 2, 3, 4, 5, 6, 7


def get(client: TestClient, path: str, **params: Any) -> Any:
    response = client.get(API + path, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def assert_problem(client: TestClient, path: str, status: int, **params: Any) -> dict[str, Any]:
    response = client.get(API + path, params=params)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    return body


def engine_of(client: TestClient) -> Engine:
    engine: Engine = client.app.state.database.engine  # type: ignore[attr-defined]
    return engine


def log_cosine(a: Mapping[int, float], b: Mapping[int, float]) -> float:
    """The recommender's similarity, written out: cosine of log1p play vectors."""
    dot = sum(math.log1p(a[k]) * math.log1p(b[k]) for k in a.keys() & b.keys())
    norm_a = math.sqrt(sum(math.log1p(v) ** 2 for v in a.values()))
    norm_b = math.sqrt(sum(math.log1p(v) ** 2 for v in b.values()))
    return dot / (norm_a * norm_b)


PLAYS = {
    2: {RADIOHEAD: 1000, MUSE: 500, BJORK: 50},
    3: {RADIOHEAD: 200, BRITNEY: 5000, DAFT_PUNK: 300},
    4: {BRITNEY: 10000, WEIRD_AL: 20},
    5: {DAFT_PUNK: 700, RADIOHEAD: 100, ROYCE: 10},
}


# --- /users/{id}/social ------------------------------------------------------------------


def test_user_social_degrees_and_clustering_on_the_path(client: TestClient) -> None:
    found = {user: get(client, f"/users/{user}/social") for user in (2, 3, 4, 5, 6)}

    assert {user: body["degree"] for user, body in found.items()} == {
        2: 2,
        3: 2,
        4: 1,
        5: 2,
        6: 1,
    }
    # A path has no triangle; its 2-core is empty, so everyone is in the 1-core only.
    assert all(body["clustering"] == 0.0 for body in found.values())
    assert all(body["core_number"] == 1 for body in found.values())
    assert all(body["id"] == user for user, body in found.items())


def test_user_social_communities_split_the_path_in_two(client: TestClient) -> None:
    found = {user: get(client, f"/users/{user}/social") for user in (2, 3, 4, 5, 6)}

    # Both splits {3,5,6}|{2,4} and {2,3,4}|{5,6} have modularity 0.21875; seed 0 picks the
    # first. Community 0 is the larger one.
    assert {user: body["community"] for user, body in found.items()} == {
        2: 1,
        3: 0,
        4: 1,
        5: 0,
        6: 0,
    }
    assert {user: body["community_size"] for user, body in found.items()} == {
        2: 2,
        3: 3,
        4: 2,
        5: 3,
        6: 3,
    }


def test_user_social_pagerank_ranks_share_ties_of_symmetric_users(client: TestClient) -> None:
    found = {user: get(client, f"/users/{user}/social") for user in (2, 3, 4, 5, 6)}

    # The path is symmetric about 3: 2 ~ 5 and 4 ~ 6. The two users next to the ends collect
    # the most (the ends hand them everything), the ends the least.
    assert sum(body["pagerank"] for body in found.values()) == pytest.approx(1.0)
    assert found[2]["pagerank"] == pytest.approx(found[5]["pagerank"])
    assert found[4]["pagerank"] == pytest.approx(found[6]["pagerank"])
    ranks = {user: (b["pagerank_rank"], b["pagerank_percentile"]) for user, b in found.items()}
    assert ranks == {
        2: (1, 75.0),  # 3 of the 4 other users score lower
        5: (1, 75.0),
        3: (3, 50.0),
        4: (4, 0.0),
        6: (4, 0.0),
    }


def test_unknown_user_is_404_on_every_user_route(client: TestClient) -> None:
    for path in ("/users/99/social", "/users/99/ego", "/users/99/friend-recommendations"):
        body = assert_problem(client, path, 404)
        assert body["detail"] == "user 99 does not exist"


def test_user_ids_outside_int32_are_422(client: TestClient) -> None:
    assert_problem(client, "/users/0/social", 422)
    assert_problem(client, f"/users/{2**31}/ego", 422)


# --- /users/{id}/ego ---------------------------------------------------------------------


def test_ego_radius_one_is_the_friends_with_their_top_artists(client: TestClient) -> None:
    body = get(client, "/users/2/ego")

    assert (body["ego"], body["radius"], body["total_nodes"], body["truncated"]) == (2, 1, 3, False)
    # Ego first, then friends by degree descending: 3 has two friends, 4 one.
    assert [(n["id"], n["distance"], n["degree"]) for n in body["nodes"]] == [
        (2, 0, 2),
        (3, 1, 2),
        (4, 1, 1),
    ]
    assert body["edges"] == [[2, 3], [2, 4]]
    artists = {n["id"]: n["top_artists"] for n in body["nodes"]}
    assert artists == {
        2: ["Radiohead", "Muse", "Björk"],
        3: ["Britney Spears", "Daft Punk", "Radiohead"],
        4: ["Britney Spears", '"Weird Al" Yankovic'],
    }


def test_ego_nodes_carry_the_users_pagerank_and_community(client: TestClient) -> None:
    body = get(client, "/users/2/ego", radius=2)

    for node in body["nodes"]:
        social = get(client, f"/users/{node['id']}/social")
        assert (node["pagerank"], node["community"]) == (social["pagerank"], social["community"])


def test_ego_radius_two_adds_friends_of_friends(client: TestClient) -> None:
    body = get(client, "/users/2/ego", radius=2)

    assert [(n["id"], n["distance"]) for n in body["nodes"]] == [(2, 0), (3, 1), (4, 1), (5, 2)]
    assert body["edges"] == [[2, 3], [2, 4], [3, 5]]
    assert (body["total_nodes"], body["truncated"]) == (4, False)


def test_ego_cap_keeps_the_nearest_best_connected_and_their_edges(client: TestClient) -> None:
    body = get(client, "/users/2/ego", radius=2, max_nodes=2)

    assert [n["id"] for n in body["nodes"]] == [2, 3]
    assert body["edges"] == [[2, 3]]
    assert (body["total_nodes"], body["truncated"]) == (4, True)


def test_ego_of_a_user_with_one_friend_and_no_listens(client: TestClient) -> None:
    body = get(client, "/users/6/ego")

    assert [(n["id"], n["distance"]) for n in body["nodes"]] == [(6, 0), (5, 1)]
    assert body["edges"] == [[5, 6]]
    assert body["nodes"][0]["top_artists"] == []


@pytest.mark.parametrize(
    "params", [{"radius": 3}, {"radius": 0}, {"max_nodes": 0}, {"max_nodes": 501}]
)
def test_ego_parameters_are_validated(client: TestClient, params: dict[str, Any]) -> None:
    body = assert_problem(client, "/users/2/ego", 422, **params)
    assert body["errors"][0]["field"] == next(iter(params))


# --- /users/{id}/friend-recommendations --------------------------------------------------


def test_friend_recommendations_for_user_4_come_from_the_friend_of_a_friend(
    client: TestClient,
) -> None:
    body = get(client, "/users/4/friend-recommendations")

    # Friend 2 shares no artist with 4 (similarity 0), so adds nothing; friend of a friend 3
    # shares Britney and counts at half weight. Britney and Weird Al are 4's own.
    similarity = log_cosine(PLAYS[4], PLAYS[3])
    assert body["user"] == 4
    assert [(item["id"], item["name"]) for item in body["items"]] == [
        (DAFT_PUNK, "Daft Punk"),
        (RADIOHEAD, "Radiohead"),
    ]
    assert body["items"][0]["score"] == pytest.approx(0.5 * similarity * 300 / 5500)
    assert body["items"][1]["score"] == pytest.approx(0.5 * similarity * 200 / 5500)
    assert body["items"][0]["contributors"] == [
        {
            "user": 3,
            "distance": 2,
            "similarity": pytest.approx(similarity),
            "contribution": pytest.approx(0.5 * similarity * 300 / 5500),
        }
    ]
    assert body["items"][0]["contributors_total"] == 1


def test_friend_recommendations_never_include_what_the_user_plays(client: TestClient) -> None:
    body = get(client, "/users/3/friend-recommendations")

    ids = [item["id"] for item in body["items"]]
    assert not set(ids) & set(PLAYS[3])
    # Muse and Björk from friend 2, Royce from friend 5, Weird Al from 4 (friend of 2).
    assert ids == [MUSE, BJORK, ROYCE, WEIRD_AL]
    sources = {
        item["id"]: [(c["user"], c["distance"]) for c in item["contributors"]]
        for item in body["items"]
    }
    assert sources == {MUSE: [(2, 1)], BJORK: [(2, 1)], ROYCE: [(5, 1)], WEIRD_AL: [(4, 2)]}
    muse = body["items"][0]
    assert muse["score"] == pytest.approx(log_cosine(PLAYS[3], PLAYS[2]) * 500 / 1550)


def test_a_user_without_listens_gets_the_friends_favourites(client: TestClient) -> None:
    body = get(client, "/users/6/friend-recommendations")

    # No taste to compare: every neighbour counts as similarity 1 (friend 5 fully, 3 at half).
    assert [item["id"] for item in body["items"]] == [DAFT_PUNK, BRITNEY, RADIOHEAD, ROYCE]
    assert body["items"][0]["score"] == pytest.approx(700 / 810 + 0.5 * 300 / 5500)
    assert [c["user"] for c in body["items"][0]["contributors"]] == [5, 3]


def test_friend_recommendations_limit(client: TestClient) -> None:
    body = get(client, "/users/3/friend-recommendations", limit=1)
    assert [item["id"] for item in body["items"]] == [MUSE]
    assert_problem(client, "/users/3/friend-recommendations", 422, limit=0)
    assert_problem(client, "/users/3/friend-recommendations", 422, limit=101)


def test_friend_recommendations_read_two_hops_and_equal_the_whole_graphs(
    full_client: TestClient,
) -> None:
    """Computed from the user's two-hop neighbourhood only (no read of every friendship and
    listen), the answer equals `graph.recommend_artists` over the whole snapshot — for the
    hub, the user with the fewest friends and a dozen others."""
    app: Any = full_client.app
    engine: Engine = app.state.database.engine
    with Session(engine) as session:
        data = social_service.graph_data(session, ResultCache(max_entries=4), 1)
    network = data.graph
    hub = max(network.nodes, key=network.degree)
    fewest = min(network.nodes, key=lambda u: (network.degree(u), u))
    users = [hub, fewest, *sorted(network.nodes)[:: len(network) // 12]]
    app.state.cache.clear()
    for user in users:
        with count_statements(engine) as statements:
            body = get(full_client, f"/users/{user}/friend-recommendations", limit=100)
        whole = recommend_artists(network, data.profiles, user, k=100)
        assert [(i["id"], round(i["score"], 9)) for i in body["items"]] == [
            (r.artist, round(r.score, 9)) for r in whole
        ], user
        assert [[c["user"] for c in i["contributors"]] for i in body["items"]] == [
            [c.user for c in r.contributors] for r in whole
        ]
        assert [i["name"] for i in body["items"]] == [data.artist_names[r.artist] for r in whole]
        assert not [s for s in statements if "user_friends" in s and "WHERE" not in s]
        assert not [s for s in statements if "user_artists" in s and "WHERE" not in s]
    assert len(network[hub]) > 50


# --- /social/summary ---------------------------------------------------------------------


def test_summary_of_the_small_path(client: TestClient) -> None:
    body = get(client, "/social/summary")

    assert (body["nodes"], body["edges"], body["density"]) == (5, 4, 0.4)
    assert body["degrees"] == {
        "mean": 1.6,
        "median": 2.0,
        "max": 2,
        "isolated": 0,
        "distribution": [{"degree": 1, "users": 2}, {"degree": 2, "users": 3}],
    }
    assert body["components"] == {"count": 1, "giant_size": 5, "sizes": [5]}
    assert body["clustering"] == {"average": 0.0, "transitivity": 0.0}
    assert body["max_core"] == 1
    # Distances on a 5-path: 4 pairs at 1 hop, 3 at 2, 2 at 3, 1 at 4: mean 20 / 10.
    assert body["paths"] == {
        "diameter": 4,
        "average_shortest_path": 2.0,
        "exact": True,
        "sources": 5,
        "nodes": 5,
    }
    # 3 lies between 4 of the 6 pairs of other users; 2 (and 5) between 3 of them.
    assert body["top_betweenness"][:3] == [
        {"user": 3, "score": pytest.approx(4 / 6)},
        {"user": 2, "score": 0.5},
        {"user": 5, "score": 0.5},
    ]
    assert [entry["user"] for entry in body["top_pagerank"][:2]] == [2, 5]
    assert body["communities"] == {
        "count": 2,
        "modularity": pytest.approx(0.21875),  # (2/4 - (5/8)²) + (1/4 - (3/8)²)
        "sizes": [3, 2],
        "seed": 0,
        "resolution": 1.0,
    }


def test_summary_taste_homophily_and_friends_vs_diversity(client: TestClient) -> None:
    body = get(client, "/social/summary")

    # Friend pairs with plays on both sides: 2-3, 2-4, 3-5 (6 plays nothing). Jaccard:
    # 2-3 share Radiohead of 5 artists, 2-4 nothing, 3-5 Radiohead and Daft Punk of 4.
    homophily = body["homophily"]
    assert (homophily["friend_pairs"], homophily["random_pairs"]) == (3, 3)
    assert homophily["jaccard"]["friends"] == pytest.approx((1 / 5 + 0 + 2 / 4) / 3)
    diversity = body["friends_vs_diversity"]
    # Users with plays: 2, 3, 5 have two friends and three artists, 4 one friend and two
    # artists: the ranks agree perfectly.
    assert diversity["n"] == 4
    assert diversity["distinct_artists"]["rho"] == pytest.approx(1.0)
    assert diversity["distinct_artists"]["n"] == 4
    assert diversity["points"] is None


def test_summary_points_on_request(client: TestClient) -> None:
    points = get(client, "/social/summary", include_points="true")["friends_vs_diversity"]["points"]

    assert [(p["user"], p["friends"], p["distinct_artists"]) for p in points] == [
        (2, 2, 3),
        (3, 2, 3),
        (4, 1, 2),
        (5, 2, 3),
    ]
    shares = (10000 / 10020, 20 / 10020)
    assert points[2]["entropy"] == pytest.approx(-sum(p * math.log(p) for p in shares))


def test_summary_answers_304_to_a_current_etag(client: TestClient) -> None:
    response = client.get(API + "/social/summary")
    etag = response.headers["ETag"]
    assert response.headers["X-Data-Version"]
    assert client.get(API + "/social/summary", headers={"If-None-Match": etag}).status_code == 304


# --- /social/communities -----------------------------------------------------------------


def test_communities_page_with_links(client: TestClient) -> None:
    response = client.get(API + "/social/communities")
    body = response.json()

    assert (body["total"], body["limit"], body["offset"]) == (2, 20, 0)
    assert [(c["id"], c["size"]) for c in body["items"]] == [(0, 3), (1, 2)]
    # Most central first: 5 (PageRank tied with 2) before 3 before 6.
    assert [c["members_sample"] for c in body["items"]] == [[5, 3, 6], [2, 4]]
    assert response.headers["X-Total-Count"] == "2"
    assert 'rel="last"' in response.headers["Link"]
    # Three members must hold an item by default: nobody here shares that much.
    assert all(c["artists"] == [] for c in body["items"])

    second = client.get(API + "/social/communities", params={"limit": 1, "offset": 1})
    assert [c["id"] for c in second.json()["items"]] == [1]
    assert 'rel="prev"' in second.headers["Link"]


def test_communities_characteristic_artists_and_tags_have_names(client: TestClient) -> None:
    body = get(client, "/social/communities", min_support=1)
    first = body["items"][0]  # users 3, 5, 6; of them 3 and 5 have plays

    # Each member's artists share 1: Daft Punk is 1/3 of 3's and of 5's profiles, so 1/3 here
    # against (1/3 + 1/3) / 4 over the four users with plays.
    daft_punk = first["artists"][0]
    assert (daft_punk["id"], daft_punk["name"], daft_punk["support"]) == (
        DAFT_PUNK,
        "Daft Punk",
        2,
    )
    assert daft_punk["share"] == pytest.approx(1 / 3)
    assert daft_punk["global_share"] == pytest.approx(1 / 6)
    assert daft_punk["lift"] == pytest.approx(2.0)
    tag_names = {item["id"]: item["name"] for c in body["items"] for item in c["tags"]}
    assert tag_names[4] == "fußball"  # user 5's tag on Royce, read as Latin-1
    assert tag_names[5] == "tropicália"  # user 6's only tag
    assert "tags" in first


def test_communities_min_support_is_validated(client: TestClient) -> None:
    assert_problem(client, "/social/communities", 422, min_support=0)


# --- caching per data version ------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/social/summary",
        "/social/communities",
        "/users/3/social",
        "/users/3/ego?radius=2",
        "/users/3/friend-recommendations",
    ],
)
def test_a_warm_call_runs_only_the_data_version_query(client: TestClient, path: str) -> None:
    first = client.get(API + path).json()
    with count_statements(engine_of(client)) as statements:
        again = client.get(API + path).json()
    assert again == first
    assert len(statements) <= 1
    assert all("meta" in s for s in statements)


def test_a_new_friendship_is_seen_on_the_next_call(client: TestClient) -> None:
    before = get(client, "/users/6/social")
    assert get(client, "/users/4/ego")["edges"] == [[2, 4]]
    with client.app.state.database.writer() as session:  # type: ignore[attr-defined]
        session.add_all([UserFriend(user_id=4, friend_id=6), UserFriend(user_id=6, friend_id=4)])
        commit_write(session)

    after = get(client, "/users/6/social")
    assert (before["degree"], after["degree"]) == (1, 2)
    assert get(client, "/users/4/ego")["edges"] == [[2, 4], [4, 6]]
    assert get(client, "/social/summary")["edges"] == 5


def test_new_listens_change_the_recommendations(client: TestClient) -> None:
    assert DAFT_PUNK in [i["id"] for i in get(client, "/users/4/friend-recommendations")["items"]]
    with client.app.state.database.writer() as session:  # type: ignore[attr-defined]
        session.add(UserArtist(user_id=4, artist_id=DAFT_PUNK, weight=5))
        commit_write(session)

    items = get(client, "/users/4/friend-recommendations")["items"]
    assert DAFT_PUNK not in [item["id"] for item in items]


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5)
    try:
        client.ping()
    except redis.RedisError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"Redis is required in CI but not reachable: {exc}")
        pytest.skip(f"Redis not reachable at {REDIS_URL}")
    prefix = f"soundstream-test:{uuid.uuid4().hex}"
    yield prefix
    keys = list(client.scan_iter(match=f"{prefix}:*"))
    if keys:
        client.delete(*keys)
    client.close()


def test_a_second_worker_rebuilds_the_graph_from_redis_without_sql(
    small_db_url: str, redis_prefix: str
) -> None:
    def worker() -> TestClient:
        settings = make_settings(small_db_url, redis_url=REDIS_URL)
        app = create_app(settings)
        app.state.cache.close()
        app.state.cache = build_cache(settings, prefix=redis_prefix)
        return TestClient(app)

    with worker() as a, worker() as b:
        first = get(a, "/users/2/ego", radius=2)
        with count_statements(engine_of(b)) as statements:
            assert get(b, "/users/2/ego", radius=2) == first
        assert len(statements) <= 1  # the data version; the graph came from Redis JSON
        assert b.app.state.cache.shared_hits >= 2  # type: ignore[attr-defined]


# --- the full dataset (read-only) --------------------------------------------------------


@pytest.mark.full
def test_summary_of_the_full_dataset(full_client: TestClient) -> None:
    body = get(full_client, "/social/summary")

    assert (body["nodes"], body["edges"]) == (1892, 12717)
    assert (body["components"]["count"], body["components"]["giant_size"]) == (20, 1843)
    assert sum(body["components"]["sizes"]) == 1892
    assert (body["paths"]["exact"], body["paths"]["nodes"]) == (True, 1843)
    assert body["betweenness_exact"]
    assert body["communities"]["count"] > 1
    assert sum(body["communities"]["sizes"]) == 1892
    assert body["homophily"]["jaccard"]["ratio"] > 1
    assert body["friends_vs_diversity"]["n"] == 1892
    assert body["friends_vs_diversity"]["points"] is None


@pytest.mark.full
def test_full_summary_is_served_warm_with_one_statement(full_client: TestClient) -> None:
    first = get(full_client, "/social/summary", include_points="true")
    assert len(first["friends_vs_diversity"]["points"]) == 1892
    with count_statements(engine_of(full_client)) as statements:
        get(full_client, "/social/summary")
        get(full_client, "/users/2/social")
    # at most the data-version query per request (none when the response cache answers)
    assert len(statements) <= 2
    assert all("meta" in s for s in statements)


@pytest.mark.full
def test_user_social_on_the_full_dataset(full_client: TestClient) -> None:
    body = get(full_client, "/users/2/social")
    assert body["degree"] == 13
    top = get(full_client, "/social/summary")["top_pagerank"][0]
    hub = get(full_client, f"/users/{top['user']}/social")
    assert (hub["pagerank_rank"], hub["pagerank_percentile"]) == (1, 100.0)
    assert hub["pagerank"] == pytest.approx(top["score"])


@pytest.mark.full
@pytest.mark.parametrize(("radius", "max_nodes"), [(1, 5), (2, 50), (2, 500)])
def test_ego_caps_on_the_full_dataset(full_client: TestClient, radius: int, max_nodes: int) -> None:
    hub = get(full_client, "/social/summary")["top_pagerank"][0]["user"]

    body = get(full_client, f"/users/{hub}/ego", radius=radius, max_nodes=max_nodes)

    kept = [node["id"] for node in body["nodes"]]
    assert len(kept) == max_nodes < body["total_nodes"]
    assert body["truncated"]
    assert kept[0] == hub
    distances = [node["distance"] for node in body["nodes"]]
    assert distances == sorted(distances)
    assert all(u in kept and v in kept for u, v in body["edges"])
    assert all(len(node["top_artists"]) <= 3 for node in body["nodes"])


@pytest.mark.full
def test_ego_default_cap_is_100(full_client: TestClient) -> None:
    hub = get(full_client, "/social/summary")["top_pagerank"][0]["user"]
    assert len(get(full_client, f"/users/{hub}/ego", radius=2)["nodes"]) == 100


@pytest.mark.full
def test_friend_recommendations_on_the_full_dataset(full_client: TestClient) -> None:
    body = get(full_client, "/users/2/friend-recommendations", limit=100)

    with full_client.app.state.database.reader() as session:  # type: ignore[attr-defined]
        own = set(session.scalars(select(UserArtist.artist_id).where(UserArtist.user_id == 2)))
    ids = [item["id"] for item in body["items"]]
    assert len(ids) == 100
    assert not set(ids) & own
    scores = [item["score"] for item in body["items"]]
    assert scores == sorted(scores, reverse=True)
    assert all(item["name"] for item in body["items"])
    assert all(1 <= c["distance"] <= 2 for item in body["items"] for c in item["contributors"])


# --- OpenAPI -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "statuses"),
    [
        ("/api/v1/social/summary", {"304", "422"}),
        ("/api/v1/social/communities", {"304", "422"}),
        ("/api/v1/users/{user_id}/social", {"304", "404", "422"}),
        ("/api/v1/users/{user_id}/ego", {"304", "404", "422"}),
        ("/api/v1/users/{user_id}/friend-recommendations", {"304", "404", "422"}),
    ],
)
def test_routes_are_documented(client: TestClient, path: str, statuses: set[str]) -> None:
    operation = client.get("/openapi.json").json()["paths"][path]["get"]
    assert operation["summary"]
    assert statuses <= set(operation["responses"])
    assert "$ref" in str(operation["responses"]["200"])
