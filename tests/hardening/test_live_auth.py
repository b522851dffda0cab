"""Every write, REST route and GraphQL mutation, tried on a live server without a key and with
a wrong one: refused (401/UNAUTHENTICATED, 403/FORBIDDEN) and nothing changes.

The routes come from the app's route table (tests/server/test_rest_auth.py) and the mutations
from the list that tests/server/test_graphql_mutations.py checks against the schema, so a new
write is covered here as soon as it is there. Each request is one that the right key would
let through (the same bodies and arguments), so only the key is missing.
"""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from tests.hardening.conftest import WRITES_WITH_BODY, database_state
from tests.server.test_graphql_mutations import MUTATIONS
from tests.server.test_rest_auth import WRITE_ROUTES, concrete

KEYS: dict[str, tuple[dict[str, str], int, str]] = {
    "no key": ({}, 401, "UNAUTHENTICATED"),
    "wrong key": ({"X-API-Key": "not-the-key"}, 403, "FORBIDDEN"),
}
# A valid body for every write that takes one, keyed as in the OpenAPI document.
BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", "/api/v1/artists"): {"name": "Keyless"},
    ("PUT", "/api/v1/artists/{artist_id}"): {"name": "Keyless"},
    ("PATCH", "/api/v1/artists/{artist_id}"): {"name": "Keyless"},
    ("POST", "/api/v1/users"): {},
    ("POST", "/api/v1/tags"): {"name": "keyless"},
    ("PUT", "/api/v1/tags/{tag_id}"): {"name": "keyless"},
    ("PATCH", "/api/v1/tags/{tag_id}"): {"name": "keyless"},
    ("PUT", "/api/v1/users/{user_id}/artists/{artist_id}"): {"weight": 5},
    ("POST", "/api/v1/users/{user_id}/tag-assignments"): {"artist_id": 4, "tag_name": "keyless"},
}


def documented_path(route_path: str) -> str:
    """``/artists/{artist_id:artist_id}`` (a route with a path convertor) as documented."""
    return re.sub(r"\{(\w+):\w+\}", r"{\1}", route_path)


def test_every_write_with_a_body_has_one_here() -> None:
    assert set(BODIES) == {(method, path) for method, path, _ in WRITES_WITH_BODY}


@pytest.mark.parametrize("key", sorted(KEYS))
@pytest.mark.parametrize(("method", "path"), WRITE_ROUTES)
def test_rest_write_is_refused(live_url: str, method: str, path: str, key: str) -> None:
    headers, status, _ = KEYS[key]
    body = BODIES.get((method, documented_path(path)))
    before = database_state(live_url)
    response = httpx.request(
        method, f"{live_url}{concrete(path)}", json=body, headers=headers, timeout=10
    )
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert database_state(live_url) == before


@pytest.mark.parametrize("key", sorted(KEYS))
@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_mutation_is_refused(live_url: str, name: str, key: str) -> None:
    headers, _, code = KEYS[key]
    before = database_state(live_url)
    query = {"query": f"mutation {{ {MUTATIONS[name]} }}"}
    response = httpx.post(f"{live_url}/graphql", json=query, headers=headers, timeout=10)
    body = response.json()
    assert response.status_code == 200
    assert body.get("data") is None
    assert [error["extensions"]["code"] for error in body["errors"]] == [code]
    assert database_state(live_url) == before
