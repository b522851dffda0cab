"""DataLoader results shared between requests, for one data version at a time.

Why: a nested query walks the same popular rows again and again — most users' top artists
are the same head artists, and each of those artists' top tags was read by the request
before. A request-scoped DataLoader reads them anew every time (at 100x the real data the
nested user → friends → artists → tags walk spent most of its database time there). Every
write bumps the data version (`server.db.meta`), and entries are keyed by the version read
when the request began, so a request never sees rows older than its own start; a newer
version empties the cache.

Used from the event loop only (loaders run there), so it needs no lock; each worker process
has its own. Values are immutable rows and tuples shared read-only.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable, Iterable, Mapping
from typing import Any


class SharedList(list[Any]):
    """A list of immutable objects that the cache hands to every request of its version,
    which neither the resolvers nor the executor change.

    ``completed`` is where the GraphQL executor keeps what it completed the list into,
    per selection shape (`server.graphql.executor`): the same objects under the same
    selection of plain attributes complete to the same JSON, so a head artist's top tags
    are turned into response data once per data version, not once per request. Kept on
    the list, it goes when the cache lets the list go.
    """

    MAX_SHAPES = 8
    """Completions kept per list: a few queries ask for the same list (aliases make each a
    new shape), so a client varying them without end must not grow the cache's memory."""

    def __init__(self, items: Iterable[Any] = ()) -> None:
        super().__init__(items)
        self.completed: dict[Hashable, Any] = {}

    def keep(self, shape: Hashable, completed: Any) -> None:
        if len(self.completed) < self.MAX_SHAPES:
            self.completed[shape] = completed


class LoaderCache:
    """A bounded LRU of ``(loader name, key) -> value`` for the newest data version seen."""

    def __init__(self, max_entries: int) -> None:
        if max_entries < 1:
            raise ValueError("max_entries must be at least 1")
        self.max_entries = max_entries
        self.version: int | None = None
        self.hits = 0
        self.misses = 0
        self._entries: OrderedDict[tuple[str, Hashable], Any] = OrderedDict()

    def _current(self, version: int) -> bool:
        """Move to ``version`` if it is newer; False for a request that began at an older
        one (it must not read or fill the newer version's entries)."""
        if self.version is None or version > self.version:
            self.version = version
            self._entries.clear()
        return version == self.version

    def get_many(self, version: int, name: str, keys: Iterable[Hashable]) -> dict[Hashable, Any]:
        found: dict[Hashable, Any] = {}
        if not self._current(version):
            return found
        for key in keys:
            entry = (name, key)
            if entry in self._entries:
                self._entries.move_to_end(entry)
                found[key] = self._entries[entry]
        self.hits += len(found)
        return found

    def put_many(self, version: int, name: str, values: Mapping[Hashable, Any]) -> None:
        if not self._current(version):
            return
        self.misses += len(values)
        for key, value in values.items():
            self._entries[(name, key)] = value
            self._entries.move_to_end((name, key))
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    def clear(self) -> None:
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)
