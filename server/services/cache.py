"""Results computed once per data version and then served from memory (and Redis).

Every write bumps the data version in the same transaction (`server.services.writes`), so a
key that contains the version can never name stale data: a cached value is a pure function of
``(name, args, data version)``. Nothing is ever invalidated; entries of older versions are
dropped as soon as a newer version is seen, and Redis entries expire with a TTL.

Two tiers:

- an in-process LRU holding the Python objects themselves, so a hit costs a dict lookup and no
  (de)serialisation — this is what keeps cached analytics far below a millisecond;
- optionally Redis (``Settings.redis_url``), shared by every worker process, holding JSON made by
  Pydantic from the declared result type. JSON rather than pickle: whoever can write to the Redis
  should not be able to run code in the API process.

A third kind of entry stays out of both: `ResultCache.get_or_compute_sized` keeps large
arrays (the search's tag postings, `server.services.postings`) in this process only, under a
budget of their summed sizes rather than a count, since one entry can be a thousand times
another; JSON of them through Redis would cost more than reading them from the database.

Redis is an optimisation, never a dependency: when it fails the value is computed and served
anyway, and the failure is logged once per outage.

Concurrent misses for the same key in one process wait for a single computation (a per-key lock),
so a cold start under load does not run the same aggregate N times. Across processes two
workers may compute the same value once each; that is harmless.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from functools import lru_cache
from typing import Any, TypeVar, cast

import redis
from pydantic import TypeAdapter

from server.config import Settings
from server.db.engine import database_label

log = logging.getLogger("soundstream.cache")

T = TypeVar("T")

# Pages, profiles and the like are a few kB each: 4096 of them is tens of MB at worst, and
# room enough that the costly dataset-wide aggregates are rarely evicted by cheap entries.
DEFAULT_MAX_ENTRIES = 4096
DEFAULT_TTL_SECONDS = 24 * 3600
# Sized entries (`get_or_compute_sized`): 4M units is 32 MB of the search's postings (an
# artist id and a count, 4 bytes each), every head tag's at 100x the real data several times.
DEFAULT_MAX_SIZED_UNITS = 4_000_000
# A Redis that does not answer must cost a request little: fail fast, then compute.
REDIS_TIMEOUT_SECONDS = 0.5

CacheArgs = Mapping[str, Any]
"""The arguments that, with the name and the data version, identify a result (JSON-able)."""

_LocalKey = tuple[str, int, str]
_MISSING: Any = object()


@lru_cache(maxsize=64)
def _adapter(result_type: Hashable) -> TypeAdapter[Any]:
    # Building a TypeAdapter compiles a validator: do it once per type, not per request.
    return TypeAdapter(cast(Any, result_type))


def canonical_args(args: CacheArgs) -> str:
    """A stable text form of ``args``: key order and whitespace never split a cache entry."""
    return json.dumps(args, sort_keys=True, separators=(",", ":"), default=str)


class RedisStore:
    """The shared tier: bytes under ``{prefix}:{name}:v{version}:{digest of args}``."""

    def __init__(
        self,
        url: str,
        *,
        prefix: str,
        ttl_seconds: int = DEFAULT_TTL_SECONDS,
        client: redis.Redis | None = None,
    ) -> None:
        self.prefix = prefix
        self.ttl_seconds = ttl_seconds
        self.client = client or redis.Redis.from_url(
            url,
            socket_timeout=REDIS_TIMEOUT_SECONDS,
            socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
        )
        self._failing = False

    def key(self, name: str, version: int, args_text: str) -> str:
        digest = hashlib.blake2b(args_text.encode(), digest_size=16).hexdigest()
        return f"{self.prefix}:{name}:v{version}:{digest}"

    def get(self, key: str) -> bytes | None:
        try:
            value = self.client.get(key)
        except redis.RedisError as exc:
            self._failed(exc)
            return None
        self._recovered()
        return value if isinstance(value, bytes) else None

    def set(self, key: str, value: bytes) -> None:
        try:
            self.client.set(key, value, ex=self.ttl_seconds)
        except redis.RedisError as exc:
            self._failed(exc)
            return
        self._recovered()

    def close(self) -> None:
        self.client.close()

    def _failed(self, exc: redis.RedisError) -> None:
        if not self._failing:
            log.warning("redis cache unavailable, computing without it: %s", exc)
        self._failing = True

    def _recovered(self) -> None:
        if self._failing:
            log.warning("redis cache available again")
        self._failing = False


class ResultCache:
    """``get_or_compute(name, args, version, compute, result_type)`` — see the module docstring.

    Cached objects are shared between requests: callers must treat them as read-only.
    """

    def __init__(
        self,
        *,
        max_entries: int = DEFAULT_MAX_ENTRIES,
        shared: RedisStore | None = None,
        max_sized_units: int = DEFAULT_MAX_SIZED_UNITS,
    ) -> None:
        if max_entries < 1:
            raise ValueError("max_entries must be at least 1")
        if max_sized_units < 1:
            raise ValueError("max_sized_units must be at least 1")
        self.max_entries = max_entries
        self.max_sized_units = max_sized_units
        self.shared = shared
        self.hits = 0
        self.shared_hits = 0
        self.computations = 0
        self._entries: OrderedDict[_LocalKey, Any] = OrderedDict()
        self._sized: OrderedDict[_LocalKey, tuple[Any, int]] = OrderedDict()
        self._sized_units = 0
        self._latest_version = 0
        self._guard = threading.Lock()
        self._inflight: dict[_LocalKey, threading.Lock] = {}

    def get_or_compute(
        self,
        name: str,
        args: CacheArgs,
        version: int,
        compute: Callable[[], T],
        result_type: type[T],
    ) -> T:
        """The value of ``compute()`` for this key, computed at most once per process.

        ``result_type`` is what Pydantic validates the Redis JSON against; it must describe
        the value ``compute`` returns (a model, ``int``, ...).
        """
        args_text = canonical_args(args)
        key: _LocalKey = (name, version, args_text)
        value: T = self._once(
            key,
            self._local_get,
            lambda: self._from_shared_or_compute(name, version, args_text, compute, result_type),
            self._local_put,
        )
        return value

    def get_or_compute_sized(
        self,
        name: str,
        args: CacheArgs,
        version: int,
        compute: Callable[[], T],
        size: Callable[[T], int],
    ) -> T:
        """As `get_or_compute`, but in this process only, and bounded by ``size`` of the
        values (least recently used go first) instead of their count.

        A value larger than the whole budget is computed and returned, never kept.
        """
        key: _LocalKey = (name, version, canonical_args(args))
        return self._once(
            key,
            self._sized_get,
            compute,
            lambda k, value: self._sized_put(k, value, size(value)),
        )

    def _once(
        self,
        key: _LocalKey,
        get: Callable[[_LocalKey], Any],
        produce: Callable[[], T],
        put: Callable[[_LocalKey, T], None],
    ) -> T:
        """``get(key)``, else ``produce()`` stored by ``put``: one producer per key at a time
        in this process, the others waiting for its value."""
        found = get(key)
        if found is not _MISSING:
            return found  # type: ignore[no-any-return]
        with self._guard:
            lock = self._inflight.setdefault(key, threading.Lock())
        try:
            with lock:
                found = get(key)
                if found is not _MISSING:  # another thread computed it while we waited
                    return found  # type: ignore[no-any-return]
                value = produce()
                put(key, value)
                return value
        finally:
            with self._guard:
                if self._inflight.get(key) is lock:
                    del self._inflight[key]

    def clear(self) -> None:
        with self._guard:
            self._entries.clear()
            self._sized.clear()
            self._sized_units = 0

    @property
    def sized_units(self) -> int:
        """The summed size of the sized entries held now."""
        return self._sized_units

    def close(self) -> None:
        if self.shared is not None:
            self.shared.close()

    def __len__(self) -> int:
        return len(self._entries)

    def _from_shared_or_compute(
        self,
        name: str,
        version: int,
        args_text: str,
        compute: Callable[[], T],
        result_type: type[T],
    ) -> T:
        if self.shared is None:
            self.computations += 1
            return compute()
        adapter = _adapter(cast(Hashable, result_type))
        shared_key = self.shared.key(name, version, args_text)
        raw = self.shared.get(shared_key)
        if raw is not None:
            self.shared_hits += 1
            return adapter.validate_json(raw)  # type: ignore[no-any-return]
        self.computations += 1
        value = compute()
        self.shared.set(shared_key, adapter.dump_json(value))
        return value

    def _local_get(self, key: _LocalKey) -> Any:
        with self._guard:
            value = self._entries.get(key, _MISSING)
            if value is not _MISSING:
                self._entries.move_to_end(key)
                self.hits += 1
            return value

    def _sized_get(self, key: _LocalKey) -> Any:
        with self._guard:
            found = self._sized.get(key)
            if found is None:
                return _MISSING
            self._sized.move_to_end(key)
            self.hits += 1
            return found[0]

    def _sized_put(self, key: _LocalKey, value: Any, size: int) -> None:
        if size > self.max_sized_units:
            return
        with self._guard:
            self._saw_version(key[1])
            previous = self._sized.pop(key, None)
            if previous is not None:
                self._sized_units -= previous[1]
            self._sized[key] = (value, size)
            self._sized_units += size
            while self._sized_units > self.max_sized_units:
                _, (_, dropped) = self._sized.popitem(last=False)
                self._sized_units -= dropped

    def _saw_version(self, version: int) -> None:
        """Versions only grow: entries of older ones will (almost) never be asked for again,
        so they go now instead of crowding the LRU until evicted. Under ``_guard``."""
        if version <= self._latest_version:
            return
        self._latest_version = version
        for old in [k for k in self._entries if k[1] < version]:
            del self._entries[old]
        for old in [k for k in self._sized if k[1] < version]:
            self._sized_units -= self._sized.pop(old)[1]

    def _local_put(self, key: _LocalKey, value: Any) -> None:
        with self._guard:
            self._saw_version(key[1])
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)


def default_prefix(settings: Settings) -> str:
    """Keys are namespaced by database: two databases both at data version 3 must not share."""
    label = database_label(settings.database_url)
    return "soundstream:cache:" + hashlib.blake2s(label.encode(), digest_size=6).hexdigest()


def build_cache(settings: Settings, *, prefix: str | None = None) -> ResultCache:
    """The cache `create_app` puts on ``app.state.cache``: Redis-backed when configured."""
    shared = None
    if settings.redis_url:
        shared = RedisStore(settings.redis_url, prefix=prefix or default_prefix(settings))
    return ResultCache(shared=shared)
