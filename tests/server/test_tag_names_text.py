"""Tag names reach the database now (``tag_folds``): a name that is not Unicode text — a
lone surrogate, which JSON can spell and GraphQL variables carry through — is refused as
bad input on every path that looks names up, never an internal error."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

LONE = "a\ud800b"


def graphql(client: TestClient, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    # json.dumps writes the lone surrogate as the escape \ud800, as a client's JSON would
    body = json.dumps({"query": query, "variables": variables})
    response = client.post(
        "/graphql", content=body.encode(), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("query($t: [String!]) { searchArtists(first: 2, tags: $t) { totalCount } }", "tags"),
        (
            "query($t: [String!]) { searchArtists(first: 2, excludeTags: $t) { totalCount } }",
            "exclude_tags",
        ),
        ("query($t: [String!]!) { tagTrends(tags: $t) { periods } }", "tags"),
    ],
)
def test_a_lone_surrogate_in_tag_names_is_bad_user_input(
    client: TestClient, query: str, field: str
) -> None:
    body = graphql(client, query, {"t": ["rock", LONE]})
    assert body["data"] is None
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert f"{field} holds a name that is not valid Unicode text" in error["message"]


def test_no_tag_is_named_by_a_lone_surrogate(client: TestClient) -> None:
    body = graphql(client, "query($t: String!) { tagByName(name: $t) { id } }", {"t": LONE})
    assert body == {"data": {"tagByName": None}, "extensions": body.get("extensions")}
