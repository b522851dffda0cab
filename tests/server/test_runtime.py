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
