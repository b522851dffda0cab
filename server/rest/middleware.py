"""Pure ASGI middleware on the hot path: the response cache (request ids, access logs and
metrics are in `server.observability.middleware`).

It is plain ASGI rather than ``@app.middleware("http")``: Starlette's BaseHTTPMiddleware
costs a task and a stream per request, about a third of a small read's CPU (measured by the
REST benchmark).
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

from anyio import to_thread
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from server.db.session import Database
from server.rest.etag import etag_matches


@dataclass(slots=True)
class _Entry:
    version: int
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes
    etag: bytes | None
    route: object  # the route that answered: a replay is counted under its template


class ResponseCacheMiddleware:
    """Serve repeated GETs of version-keyed resources from memory.

    A response is stored under the data version it reflects: the one the route marked it
    with (``X-Data-Version``, the routes behind `server.rest.etag.ETagDep`: single resources,
    analytics, social) or, on SQLite where reading it costs ~10 µs, the version read just
    before the route ran (lists). It is served again only while the database's data version
    is still the same.
    Every write bumps the version, so a cached answer is never older than the last write, in
    this process or another. ``If-None-Match`` with the stored ETag gets a 304 straight away.
    Bounded: ``max_entries`` responses (LRU), none larger than ``max_body`` bytes.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        prefix: str = "/api/v1/",
        max_entries: int = 20_000,
        max_body: int = 256 * 1024,
    ) -> None:
        self.app = app
        self.prefix = prefix
        self.max_entries = max_entries
        self.max_body = max_body
        self.entries: OrderedDict[tuple[str, str, bytes], _Entry] = OrderedDict()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] not in ("GET", "HEAD")
            or not scope["path"].startswith(self.prefix)
        ):
            await self.app(scope, receive, send)
            return
        key = (scope["method"], scope["path"], scope.get("query_string", b""))
        entry = self.entries.get(key)
        database: Database = scope["app"].state.database
        sqlite = database.engine.dialect.name == "sqlite"
        version: int | None = None
        if entry is not None or sqlite:  # on SQLite the read is ~10 µs: always worth it
            version = (
                database.data_version()
                if sqlite
                else await to_thread.run_sync(database.data_version)
            )
        if entry is not None and version is not None and entry.version == version:
            self.entries.move_to_end(key)
            scope["route"] = entry.route
            await self._replay(scope, entry, send)
            return
        await self._run_and_store(scope, receive, send, key, version)

    async def _replay(self, scope: Scope, entry: _Entry, send: Send) -> None:
        match = Headers(scope=scope).get("if-none-match")
        if entry.etag is not None and etag_matches(match, entry.etag.decode("latin-1")):
            await send(
                {"type": "http.response.start", "status": 304, "headers": [(b"etag", entry.etag)]}
            )
            await send({"type": "http.response.body", "body": b""})
            return
        await send(
            {"type": "http.response.start", "status": entry.status, "headers": list(entry.headers)}
        )
        body = b"" if scope["method"] == "HEAD" else entry.body
        await send({"type": "http.response.body", "body": body})

    async def _run_and_store(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        key: tuple[str, str, bytes],
        version_before: int | None,
    ) -> None:
        start: Message | None = None
        chunks: list[bytes] = []
        size = 0
        cacheable = True

        async def capture(message: Message) -> None:
            nonlocal start, size, cacheable
            if message["type"] == "http.response.start":
                start = message
            elif message["type"] == "http.response.body" and cacheable:
                chunks.append(message.get("body", b""))
                size += len(chunks[-1])
                cacheable = size <= self.max_body
                if not message.get("more_body", False) and cacheable:
                    self._store(key, start, b"".join(chunks), version_before, scope.get("route"))
            await send(message)

        await self.app(scope, receive, capture)

    def _store(
        self,
        key: tuple[str, str, bytes],
        start: Message | None,
        body: bytes,
        version_before: int | None,
        route: object,
    ) -> None:
        if start is None or start["status"] != 200 or key[0] != "GET":
            return
        headers = Headers(raw=start.get("headers", []))
        marked = headers.get("x-data-version")
        if marked is not None and marked.isdigit():
            version = int(marked)
        elif version_before is not None:
            # Unmarked (a list): stored under the version read before the route ran. A write
            # in between makes the content newer than that version, never older, and the
            # next lookup sees the bumped version and misses: never stale.
            version = version_before
        else:
            return
        etag = headers.get("etag")
        self.entries[key] = _Entry(
            version=version,
            status=200,
            headers=list(start.get("headers", [])),
            body=body,
            etag=etag.encode("latin-1") if etag else None,
            route=route,
        )
        self.entries.move_to_end(key)
        while len(self.entries) > self.max_entries:
            self.entries.popitem(last=False)
