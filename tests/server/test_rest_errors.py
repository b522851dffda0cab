"""Errors are problem+json with the right status, never a 500; and every CRUD route
documents the errors it can give."""

from __future__ import annotations

import re

import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from server.db.models import Base, Tag, UserArtist
from server.errors import ConflictError, InvalidInputError
from server.main import create_app
from server.services.integrity import database_rules_as_domain_errors
from tests.conftest import count_statements, make_settings
from tests.server.conftest import API

CRUD_TAGS = {"artists", "users", "tags", "listens", "friends", "tag-assignments"}
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def crud_routes() -> list[tuple[str, str, APIRoute]]:
    app = create_app(make_settings("sqlite://"))
    routes: list[tuple[str, str, APIRoute]] = []
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if isinstance(route, APIRoute) and CRUD_TAGS & set(context.tags or ()):
            routes.extend((method, str(context.path), route) for method in context.methods or ())
    return sorted(routes, key=lambda r: (r[1], r[0]))


CRUD_ROUTES = crud_routes()


def test_problem_details_shape(client: TestClient) -> None:
    response = client.get(f"{API}/tags/99")
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json() == {
        "type": "https://soundstream.dev/problems/not-found",
        "title": "Not found",
        "status": 404,
        "detail": "tag 99 does not exist",
        "instance": f"{API}/tags/99",
        "resource": "tag",
        "id": 99,
    }


def test_conflict_is_409_problem(client: TestClient, auth: dict[str, str]) -> None:
    response = client.post(f"{API}/users", json={"id": 3}, headers=auth)
    assert response.status_code == 409
    assert response.json()["type"] == "https://soundstream.dev/problems/conflict"


def test_malformed_json_is_422_problem(client: TestClient, auth: dict[str, str]) -> None:
    response = client.post(
        f"{API}/artists",
        content=b'{"name": "x"',
        headers={**auth, "Content-Type": "application/json"},
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"


def test_lone_surrogate_in_a_name_is_422(client: TestClient, auth: dict[str, str]) -> None:
    response = client.post(
        f"{API}/artists",
        content=b'{"name": "a\\ud800b"}',
        headers={**auth, "Content-Type": "application/json"},
    )
    assert response.status_code == 422


@pytest.mark.parametrize(
    "path",
    [
        "artists/2147483648",
        "users/9223372036854775808/artists",
        "users/2/artists/2147483648",
        "tags/-5/artists",
        "artists/1e3/tags",
    ],
)
def test_out_of_range_ids_in_paths_are_422_on_every_backend(client: TestClient, path: str) -> None:
    assert client.get(f"{API}/{path}").status_code == 422


def test_out_of_range_ids_in_bodies_are_422(client: TestClient, auth: dict[str, str]) -> None:
    body = {"artist_id": 2**31, "tag_id": 1}
    assert client.post(f"{API}/users/2/tag-assignments", json=body, headers=auth).status_code == 422
    too_heavy = {"weight": 2**63}
    assert client.put(f"{API}/users/2/artists/3", json=too_heavy, headers=auth).status_code == 422


CRUD_LISTS = [
    "artists",
    "users",
    "tags",
    "users/2/artists",
    "artists/4/listeners",
    "users/2/friends",
    "users/2/tag-assignments",
    "artists/4/tags",
    "tags/1/artists",
]


@pytest.mark.parametrize("path", CRUD_LISTS)
def test_offsets_beyond_bigint_are_an_empty_page(client: TestClient, path: str) -> None:
    for offset in (2**63 - 1, 2**63, 10**30):
        response = client.get(f"{API}/{path}", params={"offset": offset})
        assert response.status_code == 200, response.text
        assert response.json()["items"] == []
        assert response.json()["total"] > 0


def test_a_page_past_the_end_costs_only_the_count(client: TestClient, engine: Engine) -> None:
    client.get(f"{API}/artists")
    with count_statements(engine) as statements:
        client.get(f"{API}/users/2/artists", params={"offset": 3})
    assert len(statements) == 1


NASTY_IDS = ["0", "-1", "2147483647", "2147483648", "99999999999999999999", "abc", "1.5", "%00"]


@pytest.mark.parametrize("nasty", NASTY_IDS)
def test_no_route_answers_500_to_odd_ids(
    client: TestClient, auth: dict[str, str], nasty: str
) -> None:
    for method, path, _route in CRUD_ROUTES:
        url = re.sub(r"\{[^}]+\}", nasty, path)
        for body in (None, {}, {"name": nasty, "weight": 1, "artist_id": 1, "tag_id": 1}):
            response = client.request(method, url, json=body, headers=auth)
            assert response.status_code < 500, (method, url, body, response.text)


def write_guarded(session: Session, row: Base) -> None:
    with database_rules_as_domain_errors(session, "taken"):
        session.add(row)
        session.flush()


def test_integrity_error_under_a_write_becomes_conflict(client: TestClient) -> None:
    database = client.app.state.database  # type: ignore[attr-defined]
    with database.writer() as session, pytest.raises(ConflictError) as caught:
        write_guarded(session, Tag(value="rock"))
    assert caught.value.detail == "taken"


def test_value_out_of_column_range_becomes_invalid_input(client: TestClient) -> None:
    database = client.app.state.database  # type: ignore[attr-defined]
    with database.writer() as session, pytest.raises(InvalidInputError):
        write_guarded(session, UserArtist(user_id=6, artist_id=1, weight=2**63))


@pytest.mark.parametrize(("method", "path", "route"), CRUD_ROUTES)
def test_route_is_documented(method: str, path: str, route: APIRoute) -> None:
    assert route.summary
    assert route.status_code == 204 or route.response_model is not None
    documented = {int(status) for status in route.responses}
    assert {422, 429} <= documented
    if method in WRITE_METHODS:
        assert {401, 403} <= documented
    if "{" in path:
        assert 404 in documented
    for status in documented - {201, 304}:
        assert "application/problem+json" in route.responses[status]["content"]


def test_openapi_lists_problem_responses() -> None:
    schema = create_app(make_settings("sqlite://")).openapi()
    operation = schema["paths"][f"{API}/users/{{user_id}}/friends/{{friend_id}}"]["put"]
    assert {"201", "401", "403", "404", "422", "429"} <= set(operation["responses"])
    problem = operation["responses"]["404"]["content"]["application/problem+json"]["schema"]
    assert problem["required"] == ["type", "title", "status", "detail"]
