"""Process-wide runtime settings an API worker applies once, at start-up: the garbage
collector's and the C allocator's.

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


def tune_process(*, allocator: bool = True) -> None:
    """What a worker runs once before serving (`server.main`'s lifespan)."""
    if allocator:
        log.info("allocator: %s", tune_allocator())
    tune_garbage_collector()
