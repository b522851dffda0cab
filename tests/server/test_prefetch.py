"""The forked parse returns exactly what an in-process parse does, and falls back cleanly."""

from __future__ import annotations

from pathlib import Path

import pytest

from server.ingest.prefetch import ParsePrefetch
from server.ingest.readers import read_all
from tests.conftest import SMALL_DATA, full_data_dir


def same(a: object, b: object) -> bool:
    names = ("artists", "tags", "user_artists", "tagged", "friends", "stub_artists", "rejects")
    return all(getattr(a, n) == getattr(b, n) for n in names)


def test_forked_parse_equals_in_process_parse() -> None:
    prefetch = ParsePrefetch(full_data_dir(), "quarantine")
    parsed = prefetch.result()
    expected = read_all(full_data_dir())
    assert same(parsed, expected)
    assert {k: (v.read, v.loaded) for k, v in parsed.files.items()} == {
        k: (v.read, v.loaded) for k, v in expected.files.items()
    }
    assert parsed.orphan_rejects() == expected.orphan_rejects()


def test_stub_policy_survives_the_pipe() -> None:
    parsed = ParsePrefetch(SMALL_DATA, "stub").result()
    assert parsed.stub_artists == {99}
    assert parsed.orphans == "stub"


def test_failed_child_falls_back_to_parsing_here(tmp_path: Path) -> None:
    prefetch = ParsePrefetch(tmp_path / "nothing", "quarantine")
    # the child fails; the parent's own parse then reports the real error
    with pytest.raises(FileNotFoundError, match=r"artists\.dat"):
        prefetch.result()


def test_cancel_reaps_the_child() -> None:
    prefetch = ParsePrefetch(full_data_dir(), "quarantine")
    prefetch.cancel()
    prefetch.cancel()  # idempotent
