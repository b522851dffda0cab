"""The outermost middleware: request id, access log, request metrics and ``/metrics``.

Pure ASGI and a single layer (one wrapped ``send`` per request), because every request pays
for it. Measured on a warm cached GET (server CPU per request, one uvicorn worker): the
request id, timing and metrics add about 5 µs (83 -> 88 µs); the access log line costs what
uvicorn's own did in text (~114 µs either way) and about 20 µs more in JSON (133 µs), the
price of a structured line; ``ACCESS_LOG=false`` drops it (docs/deploy.md has the table).

It sits outside everything else, so the time it measures includes the rate limiter,
compression and the response cache, and ``/metrics`` is answered here, before any of them:
never rate limited, cached or compressed, and absent from the OpenAPI schema.
"""

from __future__ import annotations

import logging
import time
import uuid
from typing import Any

from anyio import to_thread
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from server.observability.context import ACCESS_LOGGER, request_id
from server.observability.metrics import CONTENT_TYPE, UNMATCHED, Metrics

METRICS_PATH = "/metrics"
access_log = logging.getLogger(ACCESS_LOGGER)


def route_template(scope: Scope, static_paths: dict[str, str]) -> str:
    """The template of the route that answered (``/api/v1/artists/{artist_id}``).

    FastAPI leaves the matched route in ``scope["route"]``; its ``path_format`` may be
    relative to the router it was included in (FastAPI >= 0.160 keeps included routers
    nested), so the prefix is taken from the request path: the template has one segment per
    path segment (no route here uses a ``{name:path}`` parameter).
    """
    route = scope.get("route")
    template = getattr(route, "path_format", None)
    path: str = scope["path"]
    if not isinstance(template, str):
        return static_paths.get(path, UNMATCHED)
    if ":path}" in template:
        return template
    depth = template.count("/")
    if path.count("/") <= depth:
        return template
    return path.rsplit("/", depth)[0] + template


def _static_paths(app: Any) -> dict[str, str]:
    """Top-level routes without parameters (``/docs``, ``/openapi.json``): FastAPI does not
    always record them in the scope, and they are matched by their exact path."""
    paths: dict[str, str] = {}
    for route in getattr(app, "routes", ()):
        template = getattr(route, "path_format", None)
        if isinstance(template, str) and "{" not in template:
            paths[template] = template
    return paths


class ObservabilityMiddleware:
    """Take ``X-Request-ID`` from the client (or make one), make it the request's id
    (``request.state.request_id``, the log context) and echo it on the response; count and
    time the request by route template; write one access log line; serve ``/metrics``."""

    def __init__(self, app: ASGIApp, *, metrics: Metrics | None = None) -> None:
        self.app = app
        self.metrics = metrics
        self._static: dict[str, str] | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["path"] == METRICS_PATH and self.metrics is not None:
            await self._serve_metrics(self.metrics, send)
            return
        rid = _request_id(scope)
        scope.setdefault("state", {})["request_id"] = rid
        token = request_id.set(rid)
        start = time.perf_counter()
        status = 500  # if the app raises before answering, the server answers 500
        header = (b"x-request-id", rid.encode("latin-1"))

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), header]
            await send(message)

        failed = True
        try:
            await self.app(scope, receive, send_with_id)
            failed = False
        finally:
            seconds = time.perf_counter() - start
            if self._static is None:
                self._static = _static_paths(scope.get("app"))
            route = route_template(scope, self._static)
            if self.metrics is not None:
                self.metrics.observe_request(scope["method"], route, status, seconds)
            if access_log.isEnabledFor(logging.INFO):
                _log_access(scope, route, status, seconds)
            # After a failure the id stays set: the server logs the traceback next, in this
            # same task (each request has its own task, so the id goes no further).
            if not failed:
                request_id.reset(token)

    @staticmethod
    async def _serve_metrics(metrics: Metrics, send: Send) -> None:
        body = await to_thread.run_sync(metrics.render)  # reads the data version
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    (b"content-type", CONTENT_TYPE.encode("latin-1")),
                    (b"content-length", str(len(body)).encode("latin-1")),
                    (b"cache-control", b"no-store"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


def _request_id(scope: Scope) -> str:
    for name, value in scope["headers"]:
        if name == b"x-request-id":
            sent: str = value.decode("latin-1")[:128]
            # Printable ASCII only: the id goes into logs and a response header.
            if sent and sent.isascii() and sent.isprintable():
                return sent
            break
    return uuid.uuid4().hex


def _log_access(scope: Scope, route: str, status: int, seconds: float) -> None:
    client = scope.get("client")
    duration_ms = round(seconds * 1000, 3)
    method, path = scope["method"], scope["path"]
    access_log.info(
        "%s %s %d %.3f ms",
        method,
        path,
        status,
        duration_ms,
        extra={
            "method": method,
            "path": path,
            "route": route,
            "status": status,
            "duration_ms": duration_ms,
            "client": client[0] if client else None,
        },
    )
