"""Injection and abuse over real HTTP: SQL metacharacters and 10 kB strings in every query
parameter, path traversal in ids, bytes that are not UTF-8, wrong content types. Nothing
answers 500 and nothing changes the data.

Query parameters are read from the OpenAPI document, so a parameter added later is covered.
"""

from __future__ import annotations

import re
import socket
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from tests.hardening.conftest import WRITES_WITH_BODY, database_state, openapi_document
from tests.server.test_rest_auth import concrete

TEN_KB = "x" * 10_240
SQL = [
    "' OR 1=1 --",
    '"; DROP TABLE artists; --',
    "rock' UNION SELECT userID FROM users --",
    "1; DELETE FROM users",
    "%",
    "_",
    "\\",
    "\x00",
    "é" * 5_120,  # 10 kB of UTF-8
    TEN_KB,
]
# Any non-string parameter is validated before a query runs: two tries show it.
NOT_A_STRING = ["' OR 1=1 --", TEN_KB]


def query_parameters() -> list[tuple[str, str, str, bool]]:
    """(method, path, name, is_text) of every query parameter in the OpenAPI document."""
    found = []
    for path, operations in openapi_document()["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                if parameter["in"] != "query":
                    continue
                schema = parameter["schema"]
                types = {schema.get("type")} | {s.get("type") for s in schema.get("anyOf", [])}
                found.append((method.upper(), path, parameter["name"], "string" in types))
    return found


QUERY_PARAMETERS = query_parameters()


def test_the_search_parameters_are_enumerated() -> None:
    search = {name for _, path, name, _ in QUERY_PARAMETERS if path.endswith("/artists/search")}
    assert {"tags", "exclude_tags", "q", "min_plays", "tagged_from", "sort"} <= search


@pytest.mark.parametrize(
    ("method", "path", "name", "is_text"),
    QUERY_PARAMETERS,
    ids=[f"{m} {p} {n}" for m, p, n, _ in QUERY_PARAMETERS],
)
def test_hostile_query_values_are_harmless(
    live_url: str, auth: dict[str, str], method: str, path: str, name: str, is_text: bool
) -> None:
    before = database_state(live_url)
    with httpx.Client(base_url=live_url, headers=auth, timeout=10) as client:
        for value in SQL if is_text else NOT_A_STRING:
            response = client.request(method, concrete(path), params={name: value})
            assert response.status_code < 500, (value[:40], response.text[:300])
            if response.status_code >= 400:
                assert response.headers["content-type"] == "application/problem+json"
    assert database_state(live_url) == before


def documented_extremes() -> dict[str, list[tuple[str, int]]]:
    """Per read path, (name, value) for the documented minimum and maximum of every integer
    query parameter: values a column type may still refuse (found: a listener count of 2**31
    or more was a 500 on PostgreSQL)."""
    found: dict[str, list[tuple[str, int]]] = {}
    for path, operations in openapi_document()["paths"].items():
        for parameter in operations.get("get", {}).get("parameters", []):
            schemas = [parameter["schema"], *parameter["schema"].get("anyOf", [])]
            found.setdefault(path, []).extend(
                (parameter["name"], schema[bound])
                for schema in schemas
                for bound in ("minimum", "maximum")
                if parameter["in"] == "query" and bound in schema
            )
    return {path: values for path, values in found.items() if values}


EXTREMES = documented_extremes()


@pytest.mark.parametrize("path", sorted(EXTREMES))
def test_documented_extremes_are_answered(live_url: str, path: str) -> None:
    with httpx.Client(base_url=live_url, timeout=10) as client:
        for name, value in EXTREMES[path]:
            response = client.get(concrete(path), params={name: value})
            assert response.status_code < 500, (name, value, response.text[:300])


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("' OR 1=1 --", []),
        ("%", []),
        ("_", []),
        ("\\", []),
        ("5'9\"", ["Royce da 5'9\""]),
        ('"weird al"', ['"Weird Al" Yankovic']),
    ],
)
def test_search_text_is_matched_literally(live_url: str, q: str, expected: list[str]) -> None:
    response = httpx.get(f"{live_url}/api/v1/artists/search", params={"q": q}, timeout=10)
    assert response.status_code == 200
    assert [item["name"] for item in response.json()["items"]] == expected


def test_tag_names_are_matched_literally(live_url: str) -> None:
    params = {"tags": "rock' OR '1'='1,indie", "match": "any"}
    body = httpx.get(f"{live_url}/api/v1/artists/search", params=params, timeout=10).json()
    indie = httpx.get(
        f"{live_url}/api/v1/artists/search", params={"tags": "indie"}, timeout=10
    ).json()
    assert [item["name"] for item in body["items"]] == [item["name"] for item in indie["items"]]


def raw_status(base: str, target: bytes, method: bytes = b"GET", body: bytes = b"") -> int:
    """Send one request with ``target`` byte for byte (no client normalises ``..`` or
    refuses bytes that are not ASCII) and return the status code."""
    url = urlsplit(base)
    request = (
        method
        + b" "
        + target
        + b" HTTP/1.1\r\nHost: "
        + url.netloc.encode()
        + b"\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: "
        + str(len(body)).encode()
        + b"\r\n\r\n"
        + body
    )
    with socket.create_connection((url.hostname, url.port), timeout=10) as sock:
        sock.sendall(request)
        head = sock.recv(64)
    match = re.match(rb"HTTP/1\.1 (\d{3})", head)
    assert match, head
    return int(match.group(1))


TRAVERSALS = [
    b"/api/v1/artists/..%2F..%2Fetc%2Fpasswd",
    b"/api/v1/artists/../../../etc/passwd",
    b"/api/v1/artists/%2e%2e/%2e%2e/etc/passwd",
    b"/api/v1/users/1%00",
    b"/api/v1/users/1%00/artists",
    b"/api/v1/users/2/artists/..%5C..%5Cwindows",
    b"/api/v1/tags/%252e%252e%252f",
    b"/api/v1/users/2/friends/3%0d%0aX-Injected:%20yes",
    b"/api/v1/artists/" + b"9" * 10_000,
]


@pytest.mark.parametrize("target", TRAVERSALS, ids=[t.decode()[:60] for t in TRAVERSALS])
def test_path_traversal_in_ids_is_refused(live_url: str, target: bytes) -> None:
    assert raw_status(live_url, target) in (400, 404, 405, 414, 422)


NOT_UTF8 = [
    b"/api/v1/artists/search?q=%FF%FE",
    b"/api/v1/artists/search?tags=%C3%28,rock",
    b"/api/v1/artists/search?q=\xff\xfe",
    b"/api/v1/users/\xff",
    b"/api/v1/analytics/tag-trends?tags=%ED%A0%80",
]


@pytest.mark.parametrize("target", NOT_UTF8, ids=[repr(t)[2:50] for t in NOT_UTF8])
def test_bytes_that_are_not_utf8_in_urls_are_harmless(live_url: str, target: bytes) -> None:
    assert raw_status(live_url, target) < 500


BAD_BODIES: dict[str, tuple[str | None, bytes]] = {
    "text/plain": ("text/plain", b'{"name": "x", "weight": 1, "artist_id": 4, "tag_id": 1}'),
    "form": ("application/x-www-form-urlencoded", b"name=x&weight=1&artist_id=4&tag_id=1"),
    "multipart": (
        "multipart/form-data; boundary=b",
        b'--b\r\nContent-Disposition: form-data; name="name"\r\n\r\nx\r\n--b--\r\n',
    ),
    "xml": ("application/xml", b"<artist><name>x</name></artist>"),
    "no content type": (None, b'{"name": "x"}'),
    "JSON not UTF-8": ("application/json", b'{"name": "\xff\xfe", "weight": 1}'),
    "JSON declared latin-1": ("application/json; charset=latin-1", b'{"name": "\xe9"}'),
    "truncated JSON": ("application/json", b'{"name": "x'),
    "JSON nested 10,000 deep": ("application/json", b"[" * 10_000 + b"]" * 10_000),
    "empty": ("application/json", b""),
}


def test_every_write_with_a_body_is_enumerated() -> None:
    assert len(WRITES_WITH_BODY) >= 9
    assert ("POST", "/api/v1/users/{user_id}/tag-assignments", True) in WRITES_WITH_BODY


@pytest.mark.parametrize(
    ("method", "path", "required"),
    WRITES_WITH_BODY,
    ids=[f"{m} {p}" for m, p, _ in WRITES_WITH_BODY],
)
def test_bad_bodies_are_client_errors_and_change_nothing(
    live_url: str, auth: dict[str, str], method: str, path: str, required: bool
) -> None:
    before = database_state(live_url)
    with httpx.Client(base_url=live_url, timeout=10) as client:
        for label, (content_type, body) in BAD_BODIES.items():
            if not body and not required:
                continue  # no body at all is a valid request here (POST /users)
            headers: dict[str, Any] = dict(auth)
            if content_type:
                headers["Content-Type"] = content_type
            response = client.request(method, concrete(path), content=body, headers=headers)
            assert response.status_code in (400, 415, 422), (label, response.text[:300])
            assert response.headers["content-type"] == "application/problem+json", label
    assert database_state(live_url) == before


def test_hostile_names_are_stored_verbatim(live_url: str, auth: dict[str, str]) -> None:
    name = "Robert'); DROP TABLE artists; -- %_\\"
    before = database_state(live_url)["tables"]
    created = httpx.post(
        f"{live_url}/api/v1/artists", json={"name": name}, headers=auth, timeout=10
    )
    assert created.status_code == 201
    fetched = httpx.get(f"{live_url}/api/v1/artists/{created.json()['id']}", timeout=10).json()
    assert fetched["name"] == name
    after = database_state(live_url)["tables"]
    assert isinstance(before, dict)
    assert isinstance(after, dict)
    assert {k: after[k] - before[k] for k in after} == {k: int(k == "artists") for k in after}
