"""DataLoaders for every relation the schema walks, one batched statement per batch.

Connection loaders are keyed by ``(parent id, first, offset)``; a batch groups its keys by
``(first, offset)`` (in practice one group) and answers each group with one windowed query
from `server.repositories.windows`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Hashable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar, cast

from sqlalchemy import Row
from strawberry.dataloader import DataLoader

from server.db.meta import get_data_version
from server.graphql.rowcache import SharedList
from server.repositories import windows
from server.schemas.social import UserSocialPublic
from server.services import social
from server.services.analytics import shannon_entropy

if TYPE_CHECKING:
    from server.graphql.context import Context

PageKey = tuple[int, int, int]  # (parent id, first, offset)
TopKey = tuple[int, int]  # (parent id, first)
K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class SharedLoader(DataLoader[K, V]):
    """A DataLoader whose batches first take what the shared `LoaderCache` holds for this
    request's data version and read only the rest (all of it after a write in the same
    request, or with the cache off)."""

    def __init__(
        self, context: Context, name: str, load: Callable[[list[K]], Awaitable[list[V]]]
    ) -> None:
        # The batch function closes over the context, not over the loader: a loader that
        # referred to itself would be a cycle `Context.release` cannot break.
        async def cached(keys: list[K]) -> list[V]:
            cache = context.loader_cache
            if cache is None or context.wrote:
                return await load(keys)
            version = await context.data_version()
            if version is None:
                return await load(keys)
            found: dict[Any, Any] = cache.get_many(version, name, keys)
            missing = [key for key in keys if key not in found]
            if missing:
                fresh: dict[Any, Any] = dict(zip(missing, await load(missing), strict=True))
                if not context.wrote:
                    cache.put_many(version, name, fresh)
                found.update(fresh)
            return [found[key] for key in keys]

        super().__init__(load_fn=cached)
        self.context = context
        self.name = name

    def get(self, key: K) -> V | Awaitable[V]:
        """``key``'s value now if this request or the shared cache already holds it, else
        `load`'s future.

        Why: a resolver that awaits `load` is a coroutine, and the executor runs each
        awaited field as a task that waits at least one turn of the event loop for the
        batch — paid even when every value is cached, as the head artists' top tags of the
        nested walk (up to 100 per request) mostly are. A sync resolver returning this
        value is completed without any of that (with `SharedList.completed`, 13.2 → 9.7 ms
        of CPU per nested request on the real data).
        """
        future = self.cache_map.get(key)
        if future is not None:
            if future.done() and not future.cancelled() and future.exception() is None:
                return future.result()
            return future
        context = self.context
        cache, version = context.loader_cache, context.known_version
        if cache is not None and version is not None and not context.wrote:
            found = cache.get_many(version, self.name, (key,))
            if found:
                return cast("V", found[key])
        return self.load(key)


def _by_id(
    context: Context, name: str, fetch: Callable[..., dict[int, V]], default: V
) -> SharedLoader[int, V]:
    async def load(ids: list[int]) -> list[V]:
        found = await context.read(fetch, sorted(set(ids)))
        return [found.get(i, default) for i in ids]

    return SharedLoader(context, name, load)


def _paged(
    context: Context, name: str, fetch: Callable[..., dict[int, list[Row[Any]]]], **options: Any
) -> SharedLoader[PageKey, list[Row[Any]]]:
    async def load(keys: list[PageKey]) -> list[list[Row[Any]]]:
        groups: dict[tuple[int, int], set[int]] = defaultdict(set)
        for parent, first, offset in keys:
            groups[(first, offset)].add(parent)
        results: dict[PageKey, list[Row[Any]]] = {}
        for (first, offset), parents in groups.items():
            found = await context.read(
                fetch, sorted(parents), first=first, offset=offset, **options
            )
            for parent in parents:
                results[(parent, first, offset)] = found.get(parent, [])
        return [results[key] for key in keys]

    return SharedLoader(context, name, load)


def _top(
    context: Context,
    name: str,
    fetch: Callable[..., dict[int, list[Row[Any]]]],
    convert: Callable[[list[Any]], list[V]],
) -> SharedLoader[TopKey, list[V]]:
    """Top-k lists per parent, each list converted once when read — what the shared cache
    keeps and every later request reuses as is (the resolvers return these lists
    unchanged; building the objects from rows cost more than the cache lookup)."""

    async def load(keys: list[TopKey]) -> list[list[V]]:
        groups: dict[int, set[int]] = defaultdict(set)
        for parent, first in keys:
            groups[first].add(parent)
        results: dict[TopKey, list[V]] = {}
        for first, parents in groups.items():
            found = await context.read(fetch, sorted(parents), first=first)
            for parent in parents:
                results[(parent, first)] = convert(found.get(parent, []))
        return [results[key] for key in keys]

    return SharedLoader(context, name, load)


def _rows(rows: list[Row[Any]]) -> list[Row[Any]]:
    return rows


def _tag_counts(rows: list[Any]) -> list[Any]:
    from server.graphql.types.nodes import Tag, TagCount

    # Positions (tag_id, name, count): a Row's `.count` is its tuple method, which
    # SQLAlchemy resolves through a slower accessor.
    return SharedList(TagCount(node=Tag(id=row[0], name=row[1]), count=row[2]) for row in rows)


def _social_metrics(
    context: Context,
) -> Callable[[Any, Sequence[int]], dict[int, UserSocialPublic | None]]:
    def fetch(session: Any, ids: Sequence[int]) -> dict[int, UserSocialPublic | None]:
        measured = social.metrics(session, context.cache, get_data_version(session)).users
        return {user_id: measured.get(user_id) for user_id in ids}

    return fetch


def _diversity(session: Any, ids: Sequence[int]) -> dict[int, tuple[int, float, float | None]]:
    weights = windows.user_listen_weights(session, ids)
    result: dict[int, tuple[int, float, float | None]] = {}
    for user_id in ids:
        plays = weights.get(user_id, [])
        entropy, normalised = shannon_entropy(plays)
        result[user_id] = (len(plays), entropy, normalised)
    return result


class Loaders:
    """Everything a request may batch; attribute names follow the schema's fields."""

    def __init__(self, context: Context) -> None:
        self.user_exists: DataLoader[int, bool] = _by_id(
            context,
            "user_exists",
            lambda s, ids: dict.fromkeys(windows.existing_users(s, ids), True),
            False,
        )
        self.artist: DataLoader[int, Any] = _by_id(context, "artist", windows.artists_by_id, None)
        self.tag: DataLoader[int, Any] = _by_id(context, "tag", windows.tags_by_id, None)
        self.friends = _paged(context, "friends", windows.friend_pages)
        self.friend_count: DataLoader[int, int] = _by_id(
            context, "friend_count", windows.friend_counts, 0
        )
        self.listens = _paged(context, "listens", windows.listen_pages)
        self.listen_count: DataLoader[int, int] = _by_id(
            context, "listen_count", windows.listen_counts, 0
        )
        self.listeners = _paged(context, "listeners", windows.listener_pages)
        self.artist_stats: DataLoader[int, tuple[int, int]] = _by_id(
            context, "artist_stats", windows.artist_play_stats, (0, 0)
        )
        self.artist_top_tags = _top(
            context, "artist_top_tags", windows.artist_top_tags, _tag_counts
        )
        self.user_assignments = _paged(
            context, "user_assignments", windows.assignment_pages, by_artist=False
        )
        self.artist_assignments = _paged(
            context, "artist_assignments", windows.assignment_pages, by_artist=True
        )
        self.user_assignment_count: DataLoader[int, int] = _by_id(
            context,
            "user_assignment_count",
            lambda s, ids: windows.assignment_counts(s, ids, by_artist=False),
            0,
        )
        self.artist_assignment_count: DataLoader[int, int] = _by_id(
            context,
            "artist_assignment_count",
            lambda s, ids: windows.assignment_counts(s, ids, by_artist=True),
            0,
        )
        self.user_top_tags = _top(context, "user_top_tags", windows.user_top_tags, _rows)
        self.diversity: DataLoader[int, tuple[int, float, float | None]] = _by_id(
            context, "diversity", _diversity, (0, 0.0, None)
        )
        self.tag_artist_count: DataLoader[int, int] = _by_id(
            context, "tag_artist_count", windows.tag_artist_counts, 0
        )
        self.tag_top_artists = _top(context, "tag_top_artists", windows.tag_top_artists, _rows)
        self.tag_usage_yearly: DataLoader[int, list[tuple[int, int | None, int]]] = _by_id(
            context, "tag_usage_yearly", lambda s, ids: windows.tag_usage(s, ids, monthly=False), []
        )
        # One cached computation per data version serves every user: no SQL per user.
        self.social_metrics: DataLoader[int, UserSocialPublic | None] = _by_id(
            context, "social_metrics", _social_metrics(context), None
        )
        self.tag_usage_monthly: DataLoader[int, list[tuple[int, int | None, int]]] = _by_id(
            context, "tag_usage_monthly", lambda s, ids: windows.tag_usage(s, ids, monthly=True), []
        )


__all__ = ["Awaitable", "Loaders"]
