"""The per-request context: settings, database, cache and a fresh set of DataLoaders.

Built in `context_getter` for every request, so DataLoader caches never outlive a request or
leak one client's data to another. Database work runs in worker threads (SQLAlchemy sessions
are synchronous), each call with its own short session: DataLoaders of different fields may
run concurrently and a Session must not be shared between threads.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from functools import partial
from typing import Any, TypeVar

from anyio import to_thread
from fastapi import Request
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from strawberry.fastapi import BaseContext

from server.config import Settings
from server.db.session import Database
from server.errors import DomainError, lost_connection
from server.graphql.errors import as_graphql_error
from server.graphql.rowcache import LoaderCache
from server.services.cache import ResultCache

T = TypeVar("T")
SessionFactory = Callable[[], AbstractContextManager[Session]]


@dataclass
class Context(BaseContext):
    request: Request
    settings: Settings
    database: Database
    cache: ResultCache
    loader_cache: LoaderCache | None = None
    loaders: Any = field(default=None)
    wrote: bool = False
    """Set by `write`: what the loaders read afterwards must not come from (or go to) the
    shared cache, which is keyed by the version the request began at."""
    _version: int | None = None

    def __post_init__(self) -> None:
        super().__init__()
        if self.loaders is None:
            from server.graphql.loaders import Loaders

            self.loaders = Loaders(self)

    @property
    def known_version(self) -> int | None:
        """The data version if this request has read it already (no read otherwise)."""
        return self._version

    async def data_version(self) -> int | None:
        """The data version when this request first asked (one cheap read per request)."""
        if self._version is None:
            self._version = await to_thread.run_sync(self.database.data_version)
        return self._version

    def release(self) -> None:
        """Drop this request's loaders and what they hold (see `context_getter`)."""
        loaders, self.loaders = self.loaders, None
        for loader in vars(loaders).values() if loaders is not None else ():
            loader.clear_all()

    async def read(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run ``fn(session, *args, **kwargs)`` on a reader session in a worker thread;
        domain errors come back as GraphQL errors with a code."""
        return await to_thread.run_sync(partial(self._call, self.database.reader, fn, args, kwargs))

    async def write(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Like `read`, on a writer session (the service commits); domain errors propagate
        so mutations can turn them into typed results."""
        self.wrote = True
        async with self.database.write_turn():
            return await to_thread.run_sync(
                partial(self._call_raw, self.database.writer, fn, args, kwargs)
            )

    @staticmethod
    def _call_raw(factory: SessionFactory, fn: Callable[..., T], args: Any, kwargs: Any) -> T:
        with factory() as session:
            return fn(session, *args, **kwargs)

    @classmethod
    def _call(cls, factory: SessionFactory, fn: Callable[..., T], args: Any, kwargs: Any) -> T:
        try:
            return cls._call_raw(factory, fn, args, kwargs)
        except DomainError as error:
            raise as_graphql_error(error) from error
        except DBAPIError as error:
            lost = lost_connection(error)
            if lost is None:
                raise
            raise as_graphql_error(lost) from error


async def context_getter(request: Request) -> AsyncIterator[Context]:
    """A FastAPI dependency with clean-up: after the response, the request's loaders go.

    Why: the loaders' batch functions close over the context that holds them, a reference
    cycle, so everything they loaded (rows, futures, lists: ~1,900 objects for the nested
    user → friends → artists → tags query) outlived the request until a garbage collection
    found the cycle — young collections kept promoting it, and the older collections that
    freed it paused every request in flight for tens of milliseconds under load.
    """
    app = request.app
    context = Context(
        request=request,
        settings=app.state.settings,
        database=app.state.database,
        cache=app.state.cache,
        loader_cache=getattr(app.state, "loader_cache", None),
    )
    try:
        yield context
    finally:
        context.release()
