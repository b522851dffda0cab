"""A public GraphQL endpoint under attack: every limit holds, bypasses included, and the
server stays healthy. Run against a real server on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from server.graphql.limits import query_cost
from tests.conftest import make_settings
from tests.server.live import live_server


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from server.db.engine import create_db_engine
    from server.ingest.service import run_ingest
    from tests.conftest import SMALL_DATA

    url = f"sqlite:///{tmp_path_factory.mktemp('limits')}/limits.db"
    engine = create_db_engine(url)
    run_ingest(engine, SMALL_DATA)
    engine.dispose()
    with live_server(make_settings(url)) as base:
        yield base


def post(base: str, payload: Any, **kwargs: Any) -> httpx.Response:
    response = httpx.post(f"{base}/graphql", json=payload, timeout=10, **kwargs)
    assert response.status_code < 500, response.text
    return response


def codes(response: httpx.Response) -> list[str | None]:
    body = response.json()
    errors = body.get("errors", []) if isinstance(body, dict) else []
    return [e.get("extensions", {}).get("code") for e in errors]


def messages(response: httpx.Response) -> str:
    return " ".join(e["message"] for e in response.json().get("errors", []))


@pytest.fixture(autouse=True)
def still_healthy(server: str) -> Iterator[None]:
    yield
    assert httpx.get(f"{server}/api/v1/health", timeout=5).json() == {"status": "ok"}


def deep(levels: int) -> str:
    inner = "id"
    for _ in range(levels):
        inner = f"friends(first: 1) {{ edges {{ node {{ {inner} }} }} }}"
    return f"{{ user(id: 2) {{ {inner} }} }}"


def test_deep_nesting_is_refused(server: str) -> None:
    response = post(server, {"query": deep(6)})
    assert "exceeds maximum operation depth" in messages(response)


def test_depth_hidden_in_fragments_is_refused(server: str) -> None:
    fragments = "fragment F0 on User { id }\n" + "\n".join(
        f"fragment F{i} on User {{ friends(first: 1) {{ edges {{ node {{ ...F{i - 1} }} }} }} }}"
        for i in range(1, 8)
    )
    response = post(server, {"query": "{ user(id: 2) { ...F7 } }\n" + fragments})
    assert "exceeds maximum operation depth" in messages(response)


def test_a_thousand_aliases_are_refused(server: str) -> None:
    aliases = " ".join(f"a{i}: user(id: 2) {{ id }}" for i in range(1000))
    response = post(server, {"query": f"{{ {aliases} }}"})
    assert response.json().get("data") is None
    assert "alias" in messages(response).lower() or "token" in messages(response).lower()


def test_cyclic_fragments_are_refused(server: str) -> None:
    query = """{ user(id: 2) { ...A } }
      fragment A on User { friends(first: 1) { edges { node { ...B } } } }
      fragment B on User { friends(first: 1) { edges { node { ...A } } } }"""
    response = post(server, {"query": query})
    assert "cannot spread fragment" in messages(response).lower()


def test_huge_first_is_refused_before_any_work(server: str) -> None:
    response = post(server, {"query": "{ users(first: 1000000) { totalCount } }"})
    assert codes(response)[0] in ("BAD_USER_INPUT", "QUERY_TOO_COMPLEX")


def test_cost_budget_counts_nested_pages(server: str) -> None:
    query = (
        "{ users(first: 100) { edges { node { friends(first: 100) { edges { node { "
        "topArtists(first: 100) { edges { weight } } } } } } } } }"
    )
    response = post(server, {"query": query})
    assert codes(response) == ["QUERY_TOO_COMPLEX"]
    assert response.json()["errors"][0]["extensions"]["cost"] > 10_000


def test_cost_is_reported_in_extensions(server: str) -> None:
    response = post(server, {"query": "{ users(first: 3) { edges { node { id } } } }"})
    # users 1 + edges 3 + node 3 + id 3
    assert response.json()["extensions"]["cost"] == {"requested": 10, "budget": 10_000}


def test_batch_of_operations_is_refused(server: str) -> None:
    batch = [{"query": "{ user(id: 2) { id } }"} for _ in range(100)]
    response = post(server, batch)
    assert 400 <= response.status_code < 500


def test_one_megabyte_query_is_refused(server: str) -> None:
    query = "{ user(id: 2) { id } }" + " " * (1 << 20)
    response = post(server, {"query": query})
    assert codes(response) == ["QUERY_TOO_LARGE"]


def test_unexpected_errors_are_masked() -> None:
    from graphql import GraphQLError

    from server.graphql.errors import should_mask

    hidden = GraphQLError("boom", original_error=RuntimeError("secret path /etc"))
    assert should_mask(hidden)
    assert not should_mask(GraphQLError("first must be between 1 and 100"))


def test_introspection_can_be_disabled(tmp_path: Any) -> None:
    from fastapi.testclient import TestClient

    from server.main import create_app

    app = create_app(make_settings(f"sqlite:///{tmp_path}/i.db", graphql_introspection=False))
    with TestClient(app) as client:
        body = client.post("/graphql", json={"query": "{ __schema { types { name } } }"}).json()
    assert body.get("data") is None
    assert "introspection" in body["errors"][0]["message"].lower()


def test_query_cost_follows_fragments_and_variables() -> None:
    from graphql import FragmentDefinitionNode, OperationDefinitionNode, parse

    document = parse(
        "query($n: Int!) { users(first: $n) { edges { node { ...F } } } }"
        " fragment F on User { friends(first: 10) { edges { node { id } } } }"
    )
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    # users 1 + edges 5 + node 5 + friends 5 + edges 50 + node 50 + id 50
    assert query_cost(operation, fragments, {"n": 5}) == 166


def test_refused_documents_are_not_logged_as_errors(
    tmp_path: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """Client mistakes and attacks are answered with a code, not dumped into the error log;
    an unexpected exception still is logged (and masked for the client)."""
    from fastapi.testclient import TestClient

    from server.graphql.schema import build_schema
    from server.main import create_app

    settings = make_settings(f"sqlite:///{tmp_path}/l.db")
    app = create_app(settings)
    with TestClient(app) as client, caplog.at_level("DEBUG", logger="strawberry.execution"):
        huge = "{ user(id: 2) { id } }" + " " * (1 << 20)
        assert codes(client.post("/graphql", json={"query": huge})) == ["QUERY_TOO_LARGE"]
        assert client.post("/graphql", json={"query": "{ nosuchfield }"}).json()["errors"]
    assert not [r for r in caplog.records if r.levelname == "ERROR"]

    from graphql import GraphQLError

    caplog.clear()
    with caplog.at_level("ERROR", logger="strawberry.execution"):
        build_schema(settings).process_errors(
            [GraphQLError("boom", original_error=RuntimeError("unexpected"))]
        )
    assert [r.levelname for r in caplog.records] == ["ERROR"]
