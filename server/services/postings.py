"""The tag search's intersections, computed from each tag's postings held in memory.

A search for artists carrying every one of a few tags, by relevance, is the top of an
intersection: the artists in every tag's list, ranked by their summed assignments. In SQL that
was a hash join of the tags' tally rows (at 100x the real data two head tags have ~15,000
artists each, ~4,400 in common), then a sort and a window: ~13 ms of PostgreSQL per search,
most of it the join, repeated for every pair of tags. Here each tag's postings — its artist
ids, sorted, and their assignments — are read once per data version into arrays
(`ResultCache.get_or_compute_sized`, bounded by their total length), and an intersection is a
binary search of the shorter list into the longer (well under a millisecond at that size):
what a search engine does with an inverted index. The database then reads only the artists
that can reach the page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from sqlalchemy.orm import Session

from server.repositories import search as repo
from server.services.cache import ResultCache

IdArray = npt.NDArray[np.int32]
"""Artist ids and per-tag counts, both 32-bit: a posting costs 8 bytes of memory, so the
cache's budget of 4M postings (`DEFAULT_MAX_SIZED_UNITS`) is 32 MB per worker."""


@dataclass(frozen=True, slots=True)
class Postings:
    """A tag's artists: ids ascending, and each one's assignments of the tag."""

    artist_ids: IdArray
    assignments: IdArray

    @classmethod
    def unpack(cls, packed: npt.NDArray[np.int64]) -> Postings:
        """From `repo.tag_postings`'s packed integers, in any order."""
        values = np.sort(packed)  # by artist id: the high bits
        mask = (1 << repo.POSTING_SHIFT) - 1
        ids = (values >> repo.POSTING_SHIFT).astype(np.int32)
        return cls(ids, (values & mask).astype(np.int32))

    def __len__(self) -> int:
        return len(self.artist_ids)


def tag_postings(session: Session, cache: ResultCache, version: int, tag_id: int) -> Postings:
    """A tag's postings at this data version, read from the database once per process."""
    return cache.get_or_compute_sized(
        "tag-postings",
        {"tag": tag_id},
        version,
        lambda: Postings.unpack(repo.tag_postings(session, tag_id)),
        len,
    )


@dataclass(frozen=True, slots=True)
class TopIntersection:
    """The artists of an intersection that can rank within its first ``rows``."""

    total: int
    """How many artists carry every tag."""
    artist_ids: IdArray
    counts: npt.NDArray[np.int64]
    """One row per artist of ``artist_ids``: its assignments of each tag, in request order."""

    def __len__(self) -> int:
        return len(self.artist_ids)


def top_of_intersection(lists: Sequence[Postings], rows: int) -> TopIntersection:
    """The artists in every list whose summed assignments rank within the first ``rows``.

    Ranked as SQL's ``rank()``: an artist is kept when fewer than ``rows`` others have a
    larger sum, so every artist tied at the edge stays (plays, which the caller reads for
    these only, then order the ties).
    """
    if not lists:
        raise ValueError("an intersection needs at least one list")
    by_length = sorted(range(len(lists)), key=lambda i: len(lists[i]))
    ids = lists[by_length[0]].artist_ids
    taken = {by_length[0]: lists[by_length[0]].assignments}
    for index in by_length[1:]:
        # Binary-search the (shrinking) common ids in a longer, sorted list. Shortest first:
        # an empty list empties ``ids`` before any longer one is indexed.
        other = lists[index]
        at = np.searchsorted(other.artist_ids, ids)
        at_clipped = np.minimum(at, max(len(other) - 1, 0))
        found = (at < len(other)) & (other.artist_ids[at_clipped] == ids)
        ids = ids[found]
        taken = {i: values[found] for i, values in taken.items()}
        taken[index] = other.assignments[at_clipped[found]]
    counts = np.column_stack([taken[i] for i in range(len(lists))]).astype(np.int64)
    total = len(ids)
    if total > rows:
        sums = counts.sum(axis=1)
        edge = np.partition(sums, total - rows)[total - rows]  # the rows-th largest sum
        keep = sums >= edge
        ids, counts = ids[keep], counts[keep]
    return TopIntersection(total=total, artist_ids=ids, counts=counts)
