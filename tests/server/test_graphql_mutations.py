"""GraphQL mutations: typed results, the API key, and effects visible to REST."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from server.graphql.schema import build_schema
from tests.conftest import make_settings

MUTATIONS: dict[str, str] = {
    "createArtist": 'createArtist(input: {name: "X"}) { __typename }',
    "updateArtist": 'updateArtist(id: 4, input: {name: "Y"}) { __typename }',
    "deleteArtist": "deleteArtist(id: 8) { __typename }",
    "createUser": "createUser { __typename }",
    "deleteUser": "deleteUser(id: 6) { __typename }",
    "createTag": 'createTag(name: "new tag") { __typename }',
    "updateTag": 'updateTag(id: 8, name: "renamed") { __typename }',
    "deleteTag": "deleteTag(id: 8) { __typename }",
    "setListen": "setListen(userId: 6, artistId: 4, weight: 5) { __typename }",
    "deleteListen": "deleteListen(userId: 2, artistId: 4) { __typename }",
    "addFriendship": "addFriendship(userId: 2, friendId: 5) { __typename }",
    "removeFriendship": "removeFriendship(userId: 2, friendId: 3) { __typename }",
    "addTagAssignment": "addTagAssignment(userId: 6, input: {artistId: 4, tagId: 1}) "
    "{ __typename }",
    "removeTagAssignment": "removeTagAssignment(userId: 2, artistId: 4, tagId: 1) { __typename }",
}


def mutate(client: TestClient, body: str, headers: dict[str, str] | None = None) -> Any:
    response = client.post("/graphql", json={"query": f"mutation {{ {body} }}"}, headers=headers)
    assert response.status_code < 500, response.text
    return response.json()


def test_every_mutation_is_listed_here() -> None:
    """Generated from the schema: a new mutation must join the authentication tests."""
    schema = build_schema(make_settings("sqlite://"))
    mutation = schema._schema.mutation_type
    assert mutation is not None
    assert set(mutation.fields) == set(MUTATIONS)


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_mutation_without_key_is_unauthenticated(client: TestClient, name: str) -> None:
    body = mutate(client, MUTATIONS[name])
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert body.get("data") is None or body["data"] is None


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_mutation_with_wrong_key_is_forbidden(client: TestClient, name: str) -> None:
    body = mutate(client, MUTATIONS[name], {"X-API-Key": "wrong"})
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_mutation_with_key_succeeds(client: TestClient, auth: dict[str, str], name: str) -> None:
    body = mutate(client, MUTATIONS[name], auth)
    assert "errors" not in body, body
    typename = body["data"][name]["__typename"]
    assert typename not in ("NotFound", "Conflict", "InvalidInput"), body


def test_create_update_delete_artist_round_trip(client: TestClient, auth: dict[str, str]) -> None:
    created = mutate(
        client,
        'createArtist(input: {name: "\\"New\\" Band", url: "http://x"}) '
        "{ ... on Artist { id name url } }",
        auth,
    )["data"]["createArtist"]
    assert created == {"id": 9, "name": '"New" Band', "url": "http://x"}
    assert client.get("/api/v1/artists/9").json()["name"] == '"New" Band'
    updated = mutate(
        client, "updateArtist(id: 9, input: {url: null}) { ... on Artist { name url } }", auth
    )["data"]["updateArtist"]
    assert updated == {"name": '"New" Band', "url": None}
    gone = mutate(client, "deleteArtist(id: 9) { ... on Deleted { message } }", auth)
    assert gone["data"]["deleteArtist"]["message"] == "artist 9 deleted"
    assert client.get("/api/v1/artists/9").status_code == 404


def test_typed_errors(client: TestClient, auth: dict[str, str]) -> None:
    missing = mutate(
        client, "deleteArtist(id: 999) { __typename ... on NotFound { message resource } }", auth
    )["data"]["deleteArtist"]
    assert missing["__typename"] == "NotFound"
    assert missing["resource"] == "artist"
    duplicate = mutate(
        client, 'createTag(name: "ROCK") { __typename ... on Conflict { message } }', auth
    )["data"]["createTag"]
    assert duplicate["__typename"] == "Conflict"
    invalid = mutate(
        client,
        "setListen(userId: 2, artistId: 4, weight: -1) "
        "{ __typename ... on InvalidInput { fields { field message } } }",
        auth,
    )["data"]["setListen"]
    assert invalid["__typename"] == "InvalidInput"
    assert invalid["fields"][0]["field"] == "weight"
    itself = mutate(client, "addFriendship(userId: 2, friendId: 2) { __typename }", auth)["data"][
        "addFriendship"
    ]
    assert itself["__typename"] == "InvalidInput"


def test_friendship_is_mutual(client: TestClient, auth: dict[str, str]) -> None:
    result = mutate(
        client,
        "addFriendship(userId: 2, friendId: 5) { ... on Friendship { created friend { id } } }",
        auth,
    )["data"]["addFriendship"]
    assert result == {"created": True, "friend": {"id": 5}}
    ids = client.post(
        "/graphql",
        json={"query": "{ user(id: 5) { friends(first: 10) { edges { node { id } } } } }"},
    ).json()["data"]["user"]["friends"]["edges"]
    assert [e["node"]["id"] for e in ids] == [2, 3, 6]


def test_set_listen_changes_weights_and_version(client: TestClient, auth: dict[str, str]) -> None:
    before = client.get("/api/v1/ready").json()["data_version"]
    result = mutate(
        client,
        "setListen(userId: 2, artistId: 4, weight: 7) { ... on Listen { weight created } }",
        auth,
    )["data"]["setListen"]
    assert result == {"weight": 7, "created": False}
    assert client.get("/api/v1/ready").json()["data_version"] == before + 1
    rows = client.get("/api/v1/users/2/artists", params={"sort": "artist_id"}).json()["items"]
    assert {r["artist_id"]: r["weight"] for r in rows}[4] == 7


def test_set_listen_past_the_artists_largest_total_is_invalid_input(
    client: TestClient, auth: dict[str, str]
) -> None:
    """The same rule as REST's 422: each weight fits 64 bits, and so must the artist's total
    (Daft Punk, 7, has 1,000 plays); nothing is written."""
    result = mutate(
        client,
        f"setListen(userId: 2, artistId: 7, weight: {2**63 - 1}) "
        "{ __typename ... on InvalidInput { message } }",
        auth,
    )["data"]["setListen"]
    assert result["__typename"] == "InvalidInput"
    assert "plays in all" in result["message"]
    assert client.get("/api/v1/users/2/artists/7").status_code == 404
