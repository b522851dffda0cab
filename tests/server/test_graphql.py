"""GraphQL queries: exact values, pagination, argument validation and the N+1 bound."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from strawberry.dataloader import DataLoader

from server.graphql.loaders import SharedLoader
from server.graphql.schema import build_schema
from server.schemas.search import MAX_NAME_PIECE
from tests.conftest import ROOT, count_statements, make_settings

NESTED = """
{ user(id: 11) { friends(first: 20) { edges { node { topArtists(first: 5) {
    edges { weight node { name topTags(first: 3) { name: node { name } } } } } } } } } }
"""


def gql(client: TestClient, query: str, variables: dict[str, Any] | None = None) -> Any:
    response = client.post("/graphql", json={"query": query, "variables": variables or {}})
    assert response.status_code == 200, response.text
    return response.json()


def error_codes(body: Any) -> list[str]:
    return [e.get("extensions", {}).get("code") for e in body.get("errors", [])]


def test_schema_snapshot_is_current() -> None:
    """schema.graphql is the committed SDL: a schema change must show up in review."""
    sdl = str(build_schema(make_settings("sqlite://"))) + "\n"
    committed = (ROOT / "schema.graphql").read_text(encoding="utf-8")
    assert sdl == committed, "run `soundstream graphql-schema --output schema.graphql`"


def test_nested_user_friends_artists_tags(client: TestClient) -> None:
    body = gql(
        client,
        """{ user(id: 2) { id friendCount friends(first: 20) { totalCount edges { node { id
             topArtists(first: 2) { totalCount edges { weight node { name plays listenerCount
             topTags(first: 1) { node { name } count } } } } } } } } }""",
    )
    user = body["data"]["user"]
    assert user["friendCount"] == 2
    friends = user["friends"]
    assert friends["totalCount"] == 2
    assert [e["node"]["id"] for e in friends["edges"]] == [3, 4]
    user3 = friends["edges"][0]["node"]["topArtists"]
    assert user3["totalCount"] == 3
    first_edge = user3["edges"][0]
    assert first_edge["weight"] == 5000
    assert first_edge["node"] == {
        "name": "Britney Spears",
        "plays": 15000,
        "listenerCount": 2,
        "topTags": [{"node": {"name": "pop"}, "count": 2}],
    }
    assert user3["edges"][1]["node"]["name"] == "Daft Punk"


def test_unknown_ids_are_null_without_error(client: TestClient) -> None:
    body = gql(client, "{ user(id: 999) { id } artist(id: 999) { id } tag(id: 999) { id } }")
    assert body["data"] == {"user": None, "artist": None, "tag": None}
    assert "errors" not in body


def test_artist_fields_and_byte_exact_names(client: TestClient) -> None:
    body = gql(
        client,
        """{ artist(id: 1) { name url pictureUrl
             listeners(first: 5) { edges { weight node { id } } }
             taggedBy(first: 5) { totalCount edges { node { user { id } tag { name } year
             timestamp } } } } tagByName(name: "FUSSBALL") { id name artistCount } }""",
    )
    artist = body["data"]["artist"]
    assert artist["name"] == '"Weird Al" Yankovic'
    assert artist["listeners"]["edges"] == [{"weight": 20, "node": {"id": 4}}]
    assert artist["taggedBy"]["edges"][0]["node"] == {
        "user": {"id": 4},
        "tag": {"name": "comedy"},
        "year": 2011,
        "timestamp": 1293840000000,
    }
    assert body["data"]["tagByName"] == {"id": 4, "name": "fußball", "artistCount": 1}


def test_user_tags_and_diversity(client: TestClient) -> None:
    body = gql(
        client,
        """{ user(id: 2) { topTags(first: 5) { node { name } count }
             tagAssignments(first: 10) { totalCount }
             diversity { distinctArtists entropy normalisedEntropy } } }""",
    )
    user = body["data"]["user"]
    assert user["topTags"][0] == {"node": {"name": "indie"}, "count": 2}
    assert user["tagAssignments"]["totalCount"] == 5
    assert user["diversity"]["distinctArtists"] == 3
    assert abs(user["diversity"]["entropy"] - 0.7584873205812663) < 1e-9


def test_tag_usage_and_top_artists(client: TestClient) -> None:
    body = gql(
        client,
        """{ tag(id: 1) { name artistCount topArtists(first: 5) { node { name } count }
             usage(granularity: MONTH) { period count } } }""",
    )
    tag = body["data"]["tag"]
    assert tag["artistCount"] == 2
    assert tag["topArtists"] == [
        {"node": {"name": "Radiohead"}, "count": 2},
        {"node": {"name": "Muse"}, "count": 1},
    ]
    assert tag["usage"] == [
        {"period": "2008-01", "count": 1},
        {"period": "2009-03", "count": 1},
        {"period": "2009-06", "count": 1},
    ]


def test_pagination_walks_every_page_with_cursors(client: TestClient) -> None:
    seen: list[int] = []
    after = None
    while True:
        body = gql(
            client,
            "query($after: String) { artists(first: 3, after: $after) { totalCount "
            "pageInfo { hasNextPage endCursor } edges { node { id } } } }",
            {"after": after},
        )
        page = body["data"]["artists"]
        assert page["totalCount"] == 8
        seen.extend(e["node"]["id"] for e in page["edges"])
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == list(range(1, 9))


def test_first_out_of_range_is_a_validation_error(client: TestClient) -> None:
    for first in (0, 101, -5):
        body = gql(client, f"{{ users(first: {first}) {{ totalCount }} }}")
        assert error_codes(body) == ["BAD_USER_INPUT"]
    body = gql(client, '{ artists(first: 2, after: "not-a-cursor") { totalCount } }')
    assert error_codes(body) == ["BAD_USER_INPUT"]


@pytest.mark.parametrize("piece", ["", "x" * (MAX_NAME_PIECE + 1), "a\x00b"])
def test_a_name_piece_rest_refuses_is_refused_by_graphql_too(
    client: TestClient, piece: str
) -> None:
    """One bound for both APIs (the shared criteria): REST answers 422, GraphQL a
    BAD_USER_INPUT error, never a search over a piece REST would not take."""
    query = "query($q: String) { searchArtists(first: 3, query: $q) { totalCount } }"
    assert error_codes(gql(client, query, {"q": piece})) == ["BAD_USER_INPUT"]
    response = client.get("/api/v1/artists/search", params={"q": piece})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    fits = gql(client, query, {"q": "x" * MAX_NAME_PIECE})
    assert fits["data"]["searchArtists"]["totalCount"] == 0


def test_search_matches_rest_semantics(client: TestClient) -> None:
    body = gql(
        client,
        """{ searchArtists(first: 10, tags: ["ROCK", "indie"], match: ALL) { totalCount
             edges { node { name } plays listeners matchedTags { name count } } } }""",
    )
    search = body["data"]["searchArtists"]
    assert search["totalCount"] == 1
    assert search["edges"][0] == {
        "node": {"name": "Radiohead"},
        "plays": 1300,
        "listeners": 3,
        "matchedTags": [{"name": "rock", "count": 2}, {"name": "indie", "count": 1}],
    }
    rest = client.get("/api/v1/artists/search", params={"tags": "ROCK,indie"}).json()
    assert [hit["name"] for hit in rest["items"]] == ["Radiohead"]
    bad = gql(
        client, "{ searchArtists(first: 5, minListeners: 5, maxListeners: 1) { totalCount } }"
    )
    assert error_codes(bad) == ["BAD_USER_INPUT"]


def test_filtered_artists_and_analytics(client: TestClient) -> None:
    body = gql(
        client,
        """{ artists(first: 5, filter: {nameContains: "RADIO"}) { totalCount edges { node { id } } }
             stats { counts { artists users friendships } plays { total } }
             topArtists(first: 2, by: PLAYS) { name plays }
             topTags(first: 1) { name assignments }
             tagTrends(tags: ["pop"], from: 2010, to: 2010) { periods series { name counts } } }""",
    )
    data = body["data"]
    assert data["artists"] == {"totalCount": 1, "edges": [{"node": {"id": 4}}]}
    assert data["stats"]["counts"] == {"artists": 8, "users": 5, "friendships": 4}
    assert data["stats"]["plays"]["total"] == 17880
    assert data["topArtists"] == [
        {"name": "Britney Spears", "plays": 15000},
        {"name": "Radiohead", "plays": 1300},
    ]
    assert data["topTags"][0]["assignments"] == 3
    assert data["tagTrends"] == {"periods": ["2010"], "series": [{"name": "pop", "counts": [3]}]}


def test_nested_query_runs_a_bounded_number_of_statements(full_client: TestClient) -> None:
    engine = full_client.app.state.database.engine  # type: ignore[attr-defined]
    shared = full_client.app.state.loader_cache  # type: ignore[attr-defined]
    shared.clear()
    with count_statements(engine) as statements:
        body = gql(full_client, NESTED)
    friends = body["data"]["user"]["friends"]["edges"]
    assert len(friends) == 20
    assert all(len(f["node"]["topArtists"]["edges"]) == 5 for f in friends)
    assert len(statements) <= 6, statements
    small = NESTED.replace("first: 20", "first: 2").replace("first: 5", "first: 1")
    shared.clear()
    with count_statements(engine) as fewer:
        gql(full_client, small)
    assert len(fewer) == len(statements)  # independent of `first`


def test_nested_query_again_reads_its_rows_from_the_shared_cache(
    full_client: TestClient,
) -> None:
    """Rows batched for one request serve the next at the same data version: the repeat
    reads at most the data version itself."""
    engine = full_client.app.state.database.engine  # type: ignore[attr-defined]
    shared = full_client.app.state.loader_cache  # type: ignore[attr-defined]
    shared.clear()
    first = gql(full_client, NESTED)
    with count_statements(engine) as statements:
        again = gql(full_client, NESTED)
    assert again == first
    assert not [s for s in statements if "user_artists" in s or "artist_tag_counts" in s]
    assert len(statements) <= 1, statements


def test_cached_top_tags_are_answered_without_a_batch(
    full_client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Once the shared cache holds an artist's top tags, `topTags` answers from it at once:
    no DataLoader batch (a future, a task and a turn of the event loop per artist) — and
    the same answer."""
    shared = full_client.app.state.loader_cache  # type: ignore[attr-defined]
    shared.clear()
    first = gql(full_client, NESTED)
    loaded: list[str] = []
    load = SharedLoader.load

    def spy(self: SharedLoader[Any, Any], key: Any) -> Any:
        loaded.append(self.name)
        return load(self, key)

    monkeypatch.setattr(SharedLoader, "load", spy)
    assert gql(full_client, NESTED) == first
    assert {"friends", "listens"} <= set(loaded)  # awaited resolvers still batch
    assert "artist_top_tags" not in loaded


def test_after_a_write_top_tags_are_read_again(client: TestClient, auth: dict[str, str]) -> None:
    """A mutation's answer reads past the shared cache: it holds the version the request
    began at, from before the write."""
    query = "{ artist(id: 4) { topTags(first: 5) { count node { id } } } }"
    before = gql(client, query)["data"]["artist"]["topTags"]
    counts = {t["node"]["id"]: t["count"] for t in before}
    response = client.post(
        "/graphql",
        headers=auth,
        json={
            "query": """mutation { addTagAssignment(userId: 6, input: {artistId: 4, tagId: 1})
            { ... on TagAssignment { artist { topTags(first: 5) { count node { id } } } } } }"""
        },
    )
    assert response.status_code == 200, response.text
    after = response.json()["data"]["addTagAssignment"]["artist"]["topTags"]
    assert {t["node"]["id"]: t["count"] for t in after}[1] == counts.get(1, 0) + 1
    assert gql(client, query)["data"]["artist"]["topTags"] == after  # the next request too


def test_a_request_leaves_nothing_of_its_loaders_to_the_garbage_collector(
    client: TestClient,
) -> None:
    """The loaders and their context form a cycle; released after the response, what a
    request loaded goes with reference counting instead of waiting in the young
    generations for a collection (which promoted it and paused later requests)."""
    query = """{ user(id: 2) { friends(first: 20) { edges { node { topArtists(first: 2) {
        edges { weight node { name topTags(first: 1) { count } } } } } } } } }"""
    gql(client, query)  # warm: schema, caches, the pool
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        body = gql(client, query)
        gc.collect()
        left = [o for o in gc.garbage if isinstance(o, DataLoader)]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    assert body["data"]["user"]["friends"]["edges"]
    assert left == []


def test_full_data_values(full_client: TestClient) -> None:
    body = gql(
        full_client,
        """{ user(id: 2) { friendCount topArtists(first: 1) { totalCount edges { weight
             node { id name } } } }
             artist(id: 289) { name plays listenerCount }
             topArtists(first: 1) { id name } }""",
    )
    data = body["data"]
    assert data["user"]["topArtists"]["totalCount"] == 50
    assert data["user"]["topArtists"]["edges"][0]["node"]["name"] == "Duran Duran"
    assert data["artist"]["name"] == "Britney Spears"
    assert data["topArtists"] == [{"id": 289, "name": "Britney Spears"}]


def test_graphiql_is_served_to_browsers(client: TestClient) -> None:
    response = client.get("/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert "graphiql" in response.text.lower()


def test_schema_file_is_at_the_root() -> None:
    assert Path(ROOT / "schema.graphql").is_file()


def test_social_fields(client: TestClient) -> None:
    body = gql(
        client,
        """{ socialSummary { nodes edges components { count giantSize } }
             socialMetrics(userId: 999) { degree }
             user(id: 5) { socialMetrics { degree } community { size }
               ego(radius: 2) { nodes { id distance } edges { source target } }
               friendRecommendations(first: 1) { name contributors { user } } } }""",
    )
    data = body["data"]
    assert data["socialSummary"] == {
        "nodes": 5,
        "edges": 4,
        "components": {"count": 1, "giantSize": 5},
    }
    assert data["socialMetrics"] is None
    user = data["user"]
    assert user["socialMetrics"] == {"degree": 2}
    assert user["community"]["size"] >= 2
    assert [(n["id"], n["distance"]) for n in user["ego"]["nodes"]] == [
        (5, 0),
        (3, 1),
        (6, 1),
        (2, 2),
    ]
    assert {(e["source"], e["target"]) for e in user["ego"]["edges"]} == {(2, 3), (3, 5), (5, 6)}
    assert user["friendRecommendations"] == [
        {"name": "Britney Spears", "contributors": [{"user": 3}]}
    ]


def test_ego_radius_out_of_range_is_bad_input(client: TestClient) -> None:
    body = gql(client, "{ user(id: 5) { ego(radius: 3) { ego } } }")
    assert error_codes(body) == ["BAD_USER_INPUT"]


def test_recommendations_in_graphql_match_rest(client: TestClient) -> None:
    body = gql(
        client,
        """{ recommendations(userId: 4, first: 3) { userId strategy items { artistId name
             reasons { __typename } } }
             user(id: 4) { recommendations(first: 3, strategy: POPULAR) { strategy items {
             artistId } } }
             artist(id: 4) { similar(first: 2) { artistId score } }
             unknown: recommendations(userId: 999, first: 1) { userId } }""",
    )
    data = body["data"]
    rest = client.get("/api/v1/users/4/recommendations", params={"limit": 3}).json()
    assert [i["artistId"] for i in data["recommendations"]["items"]] == [
        i["artist_id"] for i in rest["items"]
    ]
    assert data["recommendations"]["strategy"] == "HYBRID"
    played = {1, 6}  # user 4 listens to Weird Al and Britney Spears
    assert not played & {i["artistId"] for i in data["recommendations"]["items"]}
    assert data["user"]["recommendations"]["strategy"] == "POPULAR"
    assert not played & {i["artistId"] for i in data["user"]["recommendations"]["items"]}
    assert all(
        reason["__typename"].endswith("Reason")
        for i in data["recommendations"]["items"]
        for reason in i["reasons"]
    )
    similar = data["artist"]["similar"]
    assert len(similar) == 2
    assert 4 not in {s["artistId"] for s in similar}
    assert data["unknown"] is None


def test_tag_by_unknown_or_invalid_name_is_null(client: TestClient) -> None:
    body = gql(
        client, '{ a: tagByName(name: "no such tag") { id } b: tagByName(name: "a\\u0000") { id } }'
    )
    assert body["data"] == {"a": None, "b": None}
    assert client.get("/api/v1/ready").json()["tables"]["tags"] == 8  # nothing was created


def test_nul_in_search_text_is_bad_input(client: TestClient) -> None:
    body = gql(client, '{ searchArtists(first: 2, query: "\\u0000x") { totalCount } }')
    assert error_codes(body) == ["BAD_USER_INPUT"]


def test_shared_rows_never_outlive_a_write(client: TestClient, auth: dict[str, str]) -> None:
    """The shared loader cache is keyed by the data version: a write through REST or a
    mutation is seen by the next query, never hidden behind rows cached before it."""
    query = "{ user(id: 2) { topArtists(first: 2) { edges { weight node { id } } } } }"

    def top() -> list[tuple[int, int]]:
        edges = gql(client, query)["data"]["user"]["topArtists"]["edges"]
        return [(e["node"]["id"], e["weight"]) for e in edges]

    assert top() == [(4, 1000), (5, 500)]
    assert top() == [(4, 1000), (5, 500)]  # now from the shared cache
    put = client.put("/api/v1/users/2/artists/8", json={"weight": 5000}, headers=auth)
    assert put.status_code == 201
    assert top() == [(8, 5000), (4, 1000)]
    body = {"query": "mutation { setListen(userId: 2, artistId: 8, weight: 1) { __typename } }"}
    assert client.post("/graphql", json=body, headers=auth).status_code == 200
    assert top() == [(4, 1000), (5, 500)]
