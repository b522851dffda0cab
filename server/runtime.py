"""Process-wide runtime settings an API worker applies once, at start-up: the garbage
collector's and the C allocator's; and the young collections a worker runs itself.

Why the allocator. A recommendation at 100× the real data allocates a few arrays as wide as
the catalogue (327,020 artists: 1.3–3.5 MB each) and frees them before the next request.
glibc serves a block that large with ``mmap`` at first; once one is freed it raises its
``mmap`` threshold to that size, but also trims the heap whenever more than twice that is
free at its top — so every request gave its pages back to the kernel and faulted them in
again: ~2,000 page faults and 3.7 ms of kernel time per request (in-process, 300 users of
the 100× data: 18.6 ms → 14.2 ms a request with fixed thresholds, 0 faults; a server
answering only recommendations: 36 → 29 ms of CPU a request). With the thresholds fixed,
freed blocks up to 32 MiB stay in the heap for the next request, and a heap keeps up to
128 MiB of free space before trimming (measured: +109 MB resident after ten seconds of
eight connections, +63 MB without). A server that has already freed larger blocks gets
near this by itself, as glibc raises both thresholds as it goes (untuned: 1,031 faults per
recommendation fresh, 46 after the other endpoints' traffic; why the benchmark's A/B showed
no difference, docs/scaling.md run 12): this makes a worker's start like its warmed state,
from its first request on, rather than faster than it.
"""

from __future__ import annotations

import ctypes
import gc
import logging
import os
import platform
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

log = logging.getLogger("soundstream.runtime")

M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
"""glibc's ``mallopt`` parameter numbers (``<malloc.h>``)."""
MMAP_THRESHOLD_BYTES = 32 * 1024 * 1024
"""Blocks below this come from the heap (glibc's own ceiling for its dynamic threshold)."""
TRIM_THRESHOLD_BYTES = 128 * 1024 * 1024
"""Free space a heap keeps at its top before returning it to the kernel."""
OPERATOR_VARIABLES = ("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "MALLOC_TOP_PAD_")


def tune_allocator(
    mmap_threshold: int = MMAP_THRESHOLD_BYTES, trim_threshold: int = TRIM_THRESHOLD_BYTES
) -> str:
    """Fix glibc's ``mmap`` and trim thresholds for this process; says what was done.

    Left alone: another C library (musl, macOS: nothing to tune this way), and an operator's
    own choice in the environment (``MALLOC_*_`` variables or a ``glibc.malloc`` tunable),
    which glibc has applied at start-up already.
    """
    if sys.platform != "linux" or platform.libc_ver()[0] != "glibc":
        return "unchanged: not glibc"
    if any(name in os.environ for name in OPERATOR_VARIABLES) or "glibc.malloc" in (
        os.environ.get("GLIBC_TUNABLES", "")
    ):
        return "unchanged: set by the environment"
    mallopt = ctypes.CDLL(None).mallopt
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    if mallopt(M_MMAP_THRESHOLD, mmap_threshold) != 1:
        return "unchanged: mallopt refused the mmap threshold"
    if mallopt(M_TRIM_THRESHOLD, trim_threshold) != 1:
        return "mmap threshold set; mallopt refused the trim threshold"
    return f"mmap threshold {mmap_threshold >> 20} MiB, trim threshold {trim_threshold >> 20} MiB"


def tune_garbage_collector() -> None:
    """Freeze what start-up built and collect less often.

    Everything alive after start-up (modules, schema, settings, the model: ~200k objects)
    lives as long as the process; freezing it keeps full collections from rescanning it,
    which showed up as 150-700 ms pauses on unlucky requests. Requests allocate many
    short-lived objects and few cycles: the youngest generation is collected less often and
    the oldest far less often (full passes cost ~20 ms).
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 20, 50)


YOUNG_COLLECTION_INTERVAL_SECONDS = 0.1
"""The longest a serving worker goes without collecting its youngest generation."""


class YoungCollections:
    """Collect the youngest generation when none has run for ``interval`` seconds.

    Why: CPython starts a young collection when allocations outnumber deallocations by the
    threshold — and it counts the freeing of *any* object, however old, against the new
    ones. A worker whose caches are full frees an old entry for every new one it stores (the
    result cache's LRU, SQLAlchemy's compiled statements), so the count stands still while
    the new entries and every request's cyclic garbage (SQL constructs) pile up in the
    youngest generation, until one collection walks all of them: at 100x the data, after
    the search by tags had filled the cache, the name search's replay held 426,000 objects
    in it and paused 500-600 ms once; under wrk its p99 was 400-530 ms with one worker,
    against 30 ms from a fresh start. Collected every 100 ms instead it holds what 100 ms of
    requests leave (a few thousand objects, a few ms), the longest request of the replay
    was 30 ms, and the throughput did not move (docs/scaling.md, run 15).
    """

    def __init__(
        self,
        interval: float = YOUNG_COLLECTION_INTERVAL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.interval = interval
        self.clock = clock
        self.collections = 0
        """How many young collections `tick` started (not those CPython did itself)."""
        self._last = clock()

    def observe(self, phase: str, _info: dict[str, Any]) -> None:
        """``gc.callbacks`` entry: any collection (every one includes the youngest
        generation) restarts the interval."""
        if phase == "stop":
            self._last = self.clock()

    def tick(self) -> bool:
        """Collect the youngest generation if none ran for the interval; True if it did."""
        now = self.clock()
        if now - self._last < self.interval:
            return False
        self._last = now
        self.collections += 1
        gc.collect(0)
        return True


_young: YoungCollections | None = None
_young_guard = threading.Lock()


def young_collections() -> YoungCollections:
    """This process's `YoungCollections`, watching every collection from its creation."""
    global _young
    with _young_guard:
        if _young is None:
            _young = YoungCollections()
            gc.callbacks.append(_young.observe)
        return _young


class YoungCollectionMiddleware:
    """After each HTTP response, `YoungCollections.tick`: the collection runs between
    requests, never inside the one that is being answered (pure ASGI: every request pays
    for this layer, a clock read)."""

    def __init__(self, app: ASGIApp, collections: YoungCollections | None = None) -> None:
        self.app = app
        self.collections = collections or young_collections()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope, receive, send)
        if scope["type"] == "http":
            self.collections.tick()


def tune_process(*, allocator: bool = True) -> None:
    """What a worker runs once before serving (`server.main`'s lifespan)."""
    if allocator:
        log.info("allocator: %s", tune_allocator())
    tune_garbage_collector()
