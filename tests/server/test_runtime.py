"""The process tuning a worker applies at start-up (`server.runtime`): the allocator keeps the
catalogue-wide arrays of one request for the next instead of faulting fresh pages in."""

from __future__ import annotations

import gc
import logging
import os
import platform
import subprocess
import sys

import pytest
from fastapi.testclient import TestClient

from server.main import create_app
from server.runtime import YoungCollections
from tests.conftest import make_settings

glibc_only = pytest.mark.skipif(
    sys.platform != "linux" or platform.libc_ver()[0] != "glibc",
    reason="mallopt thresholds exist in glibc only",
)

# A request's catalogue-wide rows at 100× the real data (float64 per artist, per tag, per
# candidate), allocated together and freed together 100 times; prints the page faults that
# cost, after tuning the allocator or not.
FAULTS = """
import resource, sys
import numpy as np
from server.runtime import tune_allocator
if sys.argv[1] == "tuned":
    print(tune_allocator(), file=sys.stderr)
def request():
    rows = [np.ones(327_020), np.ones(327_020), np.ones(444_248), np.ones(123_000)]
    return sum(len(row) for row in rows)
request()  # the first time, faulted in either way
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(100):
    request()
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


def _faults(mode: str, **environ: str) -> tuple[int, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_")}
    env.update(environ)
    done = subprocess.run(
        [sys.executable, "-c", FAULTS, mode], capture_output=True, text=True, env=env, check=True
    )
    return int(done.stdout.strip()), done.stderr.strip()


@glibc_only
def test_a_tuned_worker_reuses_freed_rows_instead_of_faulting_pages_in() -> None:
    untuned, _ = _faults("untuned")
    tuned, said = _faults("tuned")

    # untuned, glibc trims the freed rows off the heap and the next request faults their
    # ~3,000 pages in again; tuned, they stay in the heap for the next request
    assert untuned > 100 * 1000
    assert tuned < 100
    assert said == "mmap threshold 32 MiB, trim threshold 128 MiB"


@glibc_only
def test_an_operators_malloc_settings_are_left_alone() -> None:
    _faults_seen, said = _faults("tuned", MALLOC_TRIM_THRESHOLD_="1000000")

    assert said == "unchanged: set by the environment"


@glibc_only
def test_the_app_tunes_its_process_at_start_up_unless_told_not_to(
    small_db_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    gc.unfreeze()  # what earlier apps in this process froze: only this start-up's counts
    with caplog.at_level(logging.INFO, logger="soundstream.runtime"):
        with TestClient(create_app(make_settings(small_db_url))):
            frozen = gc.get_freeze_count()
        with TestClient(create_app(make_settings(small_db_url, tune_allocator=False))):
            pass

    said = [r.getMessage() for r in caplog.records if r.name == "soundstream.runtime"]
    assert said == ["allocator: mmap threshold 32 MiB, trim threshold 128 MiB"]
    assert frozen > 0  # the garbage collector's part of the tuning ran too


# A worker whose cache is full: every request stores a new entry (a window of row tuples)
# and the LRU drops the oldest, and every request leaves cyclic garbage behind (as SQL
# constructs do). Prints the most objects the youngest generation held when a collection
# started, with the worker's collector settings, with or without `YoungCollections`.
CHURN = """
import gc, sys
from collections import OrderedDict
from server.runtime import YoungCollections, tune_garbage_collector
tune_garbage_collector()
now = [0.0]
young = YoungCollections(0.1, clock=lambda: now[0]) if sys.argv[1] == "guarded" else None
if young is not None:
    gc.callbacks.append(young.observe)
largest = [0]
def watch(phase, info):
    if phase == "start" and info["generation"] == 0:
        largest[0] = max(largest[0], len(gc.get_objects(0)))
gc.callbacks.append(watch)
cache = OrderedDict()
def request(i):
    cycle = [[]]; cycle[0].append(cycle)  # garbage only a collection frees
    cache[i] = tuple((i, j, str(j), (j,)) for j in range(100))
    while len(cache) > 2000:
        cache.popitem(last=False)
for i in range(12_000):
    request(i)
    now[0] += 0.001  # a request a millisecond
    if young is not None:
        young.tick()
print(largest[0], young.collections if young is not None else 0)
"""


def _churn(mode: str) -> tuple[int, int]:
    done = subprocess.run(
        [sys.executable, "-c", CHURN, mode], capture_output=True, text=True, check=True
    )
    largest, ticks = done.stdout.split()
    return int(largest), int(ticks)


def test_young_collections_keep_up_while_a_full_cache_churns() -> None:
    unguarded, _ = _churn("unguarded")
    guarded, ticks = _churn("guarded")
    # each store frees an old entry, which CPython counts against the new objects: the
    # youngest generation fills with every entry and cycle since the cache filled
    assert unguarded > 300_000
    # collected every 100 "ms" (100 requests here) it holds about that many requests' worth
    assert guarded < 40_000
    assert ticks >= 90


def test_a_tick_collects_only_after_the_interval_and_any_collection_restarts_it() -> None:
    now = [0.0]
    young = YoungCollections(0.1, clock=lambda: now[0])
    before = gc.get_stats()[0]["collections"]
    now[0] = 0.05
    assert young.tick() is False
    now[0] = 0.1
    assert young.tick() is True
    assert gc.get_stats()[0]["collections"] == before + 1
    assert young.tick() is False  # the interval starts again
    now[0] = 0.15
    young.observe("stop", {"generation": 2})  # CPython collected by itself meanwhile
    now[0] = 0.2
    assert young.tick() is False
    now[0] = 0.25
    assert young.tick() is True
    assert young.collections == 2


def test_the_app_collects_between_requests(small_db_url: str) -> None:
    now = [0.0]
    young = YoungCollections(0.1, clock=lambda: now[0])
    app = create_app(make_settings(small_db_url))
    app.user_middleware[0].kwargs["collections"] = young  # the outermost layer
    with TestClient(app) as client:
        assert client.get("/api/v1/artists/1").status_code == 200
        assert young.collections == 0
        now[0] = 0.2
        body = client.get("/api/v1/artists/1").json()
        assert body["id"] == 1
        assert young.collections == 1
