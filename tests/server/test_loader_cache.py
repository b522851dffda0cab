"""`LoaderCache`: one data version at a time, bounded, and blind to requests that began
at an older version."""

from __future__ import annotations

import pytest

from server.graphql.rowcache import LoaderCache


def test_hits_and_misses_per_version() -> None:
    cache = LoaderCache(10)
    assert cache.get_many(1, "a", [1, 2]) == {}
    cache.put_many(1, "a", {1: "one", 2: "two"})
    assert cache.get_many(1, "a", [1, 2, 3]) == {1: "one", 2: "two"}
    assert cache.get_many(1, "b", [1]) == {}  # names are separate key spaces
    assert (cache.hits, cache.misses) == (2, 2)


def test_a_newer_version_empties_it_and_an_older_one_is_ignored() -> None:
    cache = LoaderCache(10)
    cache.put_many(1, "a", {1: "old"})
    assert cache.get_many(2, "a", [1]) == {}
    assert len(cache) == 0
    cache.put_many(2, "a", {1: "new"})
    # A request that began before the write neither reads nor overwrites the newer rows.
    assert cache.get_many(1, "a", [1]) == {}
    cache.put_many(1, "a", {1: "old"})
    assert cache.get_many(2, "a", [1]) == {1: "new"}


def test_least_recently_used_entries_go_first() -> None:
    cache = LoaderCache(2)
    cache.put_many(1, "a", {1: 1, 2: 2})
    assert cache.get_many(1, "a", [1]) == {1: 1}  # 1 is now the most recent
    cache.put_many(1, "a", {3: 3})
    assert cache.get_many(1, "a", [1, 2, 3]) == {1: 1, 3: 3}
    assert len(cache) == 2


def test_size_must_be_positive() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        LoaderCache(0)
