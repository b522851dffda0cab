"""Schemathesis fuzzes every root field of the GraphQL schema (queries and mutations, with a
valid key) on a live server.

Schemathesis' own GraphQL checks take any error raised in a resolver for a server error
unless its code is one of Apollo's, so a ``NOT_FOUND`` for an unknown tag would count as a
failure. The contract checked here is this API's instead: no 5xx, a GraphQL response object,
and every error either refuses the whole document (validation and limits: no ``path``) or
carries one of our codes. A masked failure ("Unexpected error.") or a null in a non-null field
has a path and no code, so it fails.
"""

from __future__ import annotations

from typing import Any

import schemathesis

from server.graphql.errors import BAD_USER_INPUT, CODES
from server.graphql.limits import COST_TOO_HIGH, QUERY_TOO_LARGE
from server.graphql.schema import build_schema
from tests.conftest import API_KEY, make_settings
from tests.hardening.conftest import FUZZ_ON_POSTGRESQL, FUZZ_ON_SQLITE

schema = schemathesis.graphql.from_dict(build_schema(make_settings("sqlite://")).introspect())
OUR_CODES = {*CODES.values(), BAD_USER_INPUT, COST_TOO_HIGH, QUERY_TOO_LARGE}


def unexplained_errors(body: Any) -> list[dict[str, Any]]:
    """The errors of a GraphQL response that are neither a document refusal nor ours."""
    assert isinstance(body, dict), body
    assert "data" in body or "errors" in body, body
    return [
        error
        for error in body.get("errors") or []
        if "path" in error and (error.get("extensions") or {}).get("code") not in OUR_CODES
    ]


def check_field(case: schemathesis.Case, base: str) -> None:
    response = case.call(base_url=f"{base}/graphql", headers={"X-API-Key": API_KEY}, timeout=10)
    assert response.status_code == 200, response.text
    assert unexplained_errors(response.json()) == [], case.body


@schema.parametrize()
@FUZZ_ON_SQLITE
def test_field_fails_only_with_our_codes_on_sqlite(
    case: schemathesis.Case, sqlite_live_url: str
) -> None:
    check_field(case, sqlite_live_url)


@schema.parametrize()
@FUZZ_ON_POSTGRESQL
def test_field_fails_only_with_our_codes_on_postgresql(
    case: schemathesis.Case, postgresql_live_url: str
) -> None:
    check_field(case, postgresql_live_url)


def test_a_masked_failure_is_unexplained() -> None:
    masked = {"message": "Unexpected error.", "path": ["artist"]}
    ours = {"message": "no tag", "path": ["tagTrends"], "extensions": {"code": "NOT_FOUND"}}
    refusal = {"message": "'anonymous' exceeds maximum operation depth of 10"}
    assert unexplained_errors({"data": None, "errors": [masked, ours, refusal]}) == [masked]
