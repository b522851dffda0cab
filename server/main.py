"""The ASGI application factory: `create_app(settings)`; nothing runs at import time."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.middleware.gzip import GZipMiddleware

from server import __version__
from server.config import Settings
from server.db.session import Database
from server.errors import install_error_handlers
from server.graphql.rowcache import LoaderCache
from server.observability.metrics import Metrics
from server.observability.middleware import ObservabilityMiddleware
from server.recommend.lifecycle import load_recommender
from server.rest import build_api_router
from server.rest.middleware import ResponseCacheMiddleware
from server.rest.ratelimit import install_rate_limiter
from server.runtime import YoungCollectionMiddleware, tune_process
from server.services.cache import build_cache

API_PREFIX = "/api/v1"

DESCRIPTION = """
SoundStream serves the HetRec 2011 Last.fm-2k music graph: 1,892 users, 17,632 artists,
listen weights (play counts of each user's top 50 artists), community tags and friendships.

Reads are public. Writes need an API key in the `X-API-Key` header. Errors are RFC 9457
`application/problem+json`.
"""


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    database = Database.from_settings(settings)
    cache = build_cache(settings)
    metrics = None
    if settings.metrics_enabled:
        metrics = Metrics(database, multiprocess_dir=settings.prometheus_multiproc_dir)
        metrics.instrument_pool(database.engine)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        _app.state.recommender = load_recommender(settings)  # this data version's model file
        tune_process(allocator=settings.tune_allocator)
        yield
        database.dispose()
        _app.state.cache.close()
        if metrics is not None:
            metrics.close()

    app = FastAPI(
        title="SoundStream",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url="/docs",
        openapi_url="/openapi.json",
    )
    app.state.settings = settings
    app.state.database = database
    app.state.cache = cache  # results per data version (server/services/cache.py)
    # GraphQL DataLoader rows shared between requests, per data version (server/graphql).
    app.state.loader_cache = (
        LoaderCache(settings.graphql_loader_cache_entries)
        if settings.graphql_loader_cache_entries
        else None
    )
    app.state.metrics = metrics  # Prometheus, served at /metrics (server/observability)
    install_error_handlers(app)
    # Innermost first: the response cache sits right outside the routes, so the rate limit,
    # compression, CORS and request ids still apply to cached answers.
    app.add_middleware(ResponseCacheMiddleware)
    install_rate_limiter(app, settings)  # 429s get CORS headers
    app.add_middleware(GZipMiddleware, minimum_size=1024)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["*"],
            allow_headers=["*"],
            expose_headers=["Link", "ETag", "X-Data-Version", "X-Request-ID", "Retry-After"],
        )

    # Outside the rest: its timing covers everything, its request id reaches every log line,
    # and /metrics answered here is never rate limited, cached or compressed.
    app.add_middleware(ObservabilityMiddleware, metrics=metrics)
    # Outermost: young garbage collections between requests, however full the caches are
    # (server/runtime.py), once a response and its metrics are done.
    app.add_middleware(YoungCollectionMiddleware)

    from server.graphql.schema import graphql_router

    graphql = graphql_router(settings)
    app.state.graphql_schema = graphql.schema
    # GraphQL first: routes are tried in order, and trying every REST route before it cost a
    # GraphQL request ~0.27 ms (FastAPI matches each included router's routes in turn); a
    # REST request pays one failed match of /graphql instead. No path overlaps.
    app.include_router(graphql, prefix="/graphql", tags=["graphql"])
    app.include_router(build_api_router(), prefix=API_PREFIX)
    return app
