"""Schemathesis fuzzes every REST operation of a live server from its OpenAPI document.

Every check schemathesis has runs but ``positive_data_acceptance``, which expects every
schema-valid request to succeed: some rules span several fields and OpenAPI cannot state them
(``from`` <= ``to`` and at most 1,200 periods in tag trends, exactly one of
``tag_id``/``tag_name``, no befriending oneself), and ids are strict JSON integers (``5.0`` is
refused, as ``"5"`` is).

GraphQL is fuzzed from its own schema (test_graphql_fuzz.py); ``/graphql`` is not in the
OpenAPI document (GraphQL documents itself).
"""

from __future__ import annotations

import httpx
import schemathesis
from schemathesis.checks import load_all_checks
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.conftest import API_KEY
from tests.hardening.conftest import FUZZ_ON_POSTGRESQL, FUZZ_ON_SQLITE, openapi_document

load_all_checks()
schema = schemathesis.openapi.from_dict(openapi_document())


def test_graphql_is_not_in_the_openapi_document() -> None:
    assert not [path for path in openapi_document()["paths"] if path.startswith("/graphql")]


def test_the_fuzzed_document_is_the_live_one(sqlite_live_url: str) -> None:
    document = httpx.get(f"{sqlite_live_url}/openapi.json", timeout=10).json()
    assert document == openapi_document()


def check_operation(case: schemathesis.Case, base: str) -> None:
    case.call_and_validate(
        base_url=base,
        headers={"X-API-Key": API_KEY},
        excluded_checks=[positive_data_acceptance],
        timeout=10,
    )


@schema.parametrize()
@FUZZ_ON_SQLITE
def test_operation_conforms_on_sqlite(case: schemathesis.Case, sqlite_live_url: str) -> None:
    check_operation(case, sqlite_live_url)


@schema.parametrize()
@FUZZ_ON_POSTGRESQL
def test_operation_conforms_on_postgresql(
    case: schemathesis.Case, postgresql_live_url: str
) -> None:
    check_operation(case, postgresql_live_url)
