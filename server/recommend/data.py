"""The recommender's view of the database: id maps and sparse matrices, nothing else.

Rows come from `server.repositories.recommend` (or from the ``.dat`` files in tests and
benchmarks); everything below works on row *indices* into the sorted id arrays, so models are
plain numpy/scipy and never see a Last.fm id. Ids are Last.fm's; weights are play counts of a
user's top-50 artists (1 to 352,698, median 260).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float32]

ListenRow = tuple[int, int, int]
"""``(user_id, artist_id, weight)``."""
FriendRow = tuple[int, int]
"""``(user_id, friend_id)``: one stored direction of a friendship."""
TagAssignmentRow = tuple[int, int, int]
"""``(user_id, artist_id, tag_id)``: one tag assignment (repeats across timestamps allowed)."""


def index_of(ids: IntArray, wanted: npt.ArrayLike) -> tuple[IntArray, npt.NDArray[np.bool_]]:
    """Positions of ``wanted`` in the sorted ``ids`` and which of them were found."""
    values = np.asarray(wanted, dtype=np.int64).ravel()
    if len(ids) == 0:
        return np.zeros(len(values), dtype=np.int64), np.zeros(len(values), dtype=bool)
    pos = np.searchsorted(ids, values)
    pos = np.minimum(pos, len(ids) - 1)
    found = ids[pos] == values
    return pos.astype(np.int64), found


def _csr(
    rows: IntArray, cols: IntArray, values: npt.ArrayLike, shape: tuple[int, int]
) -> sp.csr_matrix:
    matrix = sp.csr_matrix(
        (np.asarray(values, dtype=np.float64), (rows, cols)), shape=shape, dtype=np.float64
    )
    matrix.sum_duplicates()
    matrix.eliminate_zeros()
    return matrix


def _int_rows(rows: Iterable[tuple[int, ...]] | IntArray, width: int) -> IntArray:
    if isinstance(rows, np.ndarray):
        return np.asarray(rows, dtype=np.int64).reshape(-1, width)
    return np.array(list(rows), dtype=np.int64).reshape(-1, width)


@dataclass(frozen=True, slots=True)
class Interactions:
    """Users, artists and tags with what connects them, as index-based sparse matrices.

    ``plays`` is users × artists raw play counts; ``friends`` users × users with 1 per stored
    direction (every friendship is stored both ways); ``tagging`` holds one ``(user, artist,
    tag)`` index triple per assignment, so a split can remove a held-out pair's assignments.
    """

    user_ids: IntArray
    artist_ids: IntArray
    tag_ids: IntArray
    plays: sp.csr_matrix
    friends: sp.csr_matrix
    tagging: IntArray = field(repr=False)

    @property
    def n_users(self) -> int:
        return len(self.user_ids)

    @property
    def n_artists(self) -> int:
        return len(self.artist_ids)

    @property
    def n_tags(self) -> int:
        return len(self.tag_ids)

    @classmethod
    def from_rows(
        cls,
        *,
        user_ids: Iterable[int],
        artist_ids: Iterable[int],
        tag_ids: Iterable[int],
        listens: Iterable[ListenRow] | IntArray,
        friendships: Iterable[FriendRow] | IntArray,
        tag_assignments: Iterable[TagAssignmentRow] | IntArray,
    ) -> Interactions:
        """Build the matrices; rows naming ids outside the given id lists are dropped.

        Row collections may be n × width int arrays (what the repository reads: no tuple
        per row) or any iterable of tuples (tests, the ``.dat`` readers).

        The database's foreign keys make such rows impossible there; the files may hold some
        (390 artist ids in tag assignments), and dropping them is what ingest does too.
        """
        users = np.unique(np.fromiter(user_ids, dtype=np.int64))
        artists = np.unique(np.fromiter(artist_ids, dtype=np.int64))
        tags = np.unique(np.fromiter(tag_ids, dtype=np.int64))
        listen_arr = _int_rows(listens, 3)
        friend_arr = _int_rows(friendships, 2)
        tag_arr = _int_rows(tag_assignments, 3)

        u, u_ok = index_of(users, listen_arr[:, 0])
        a, a_ok = index_of(artists, listen_arr[:, 1])
        ok = u_ok & a_ok & (listen_arr[:, 2] > 0)
        plays = _csr(u[ok], a[ok], listen_arr[ok, 2], (len(users), len(artists)))

        f1, f1_ok = index_of(users, friend_arr[:, 0])
        f2, f2_ok = index_of(users, friend_arr[:, 1])
        ok = f1_ok & f2_ok & (f1 != f2)
        friends = _csr(f1[ok], f2[ok], np.ones(int(ok.sum())), (len(users), len(users)))
        friends.data[:] = 1.0

        tu, tu_ok = index_of(users, tag_arr[:, 0])
        ta, ta_ok = index_of(artists, tag_arr[:, 1])
        tt, tt_ok = index_of(tags, tag_arr[:, 2])
        ok = tu_ok & ta_ok & tt_ok
        tagging = np.stack([tu[ok], ta[ok], tt[ok]], axis=1).astype(np.int64)
        return cls(users, artists, tags, plays, friends, tagging)

    def with_plays(self, plays: sp.csr_matrix, tagging: IntArray) -> Interactions:
        """The same ids and friendships with other plays and assignments (a training split)."""
        return Interactions(
            self.user_ids, self.artist_ids, self.tag_ids, plays, self.friends, tagging
        )

    def artist_tag_counts(self) -> sp.csr_matrix:
        """Artists × tags: how many times each tag was applied to each artist."""
        return _csr(
            self.tagging[:, 1],
            self.tagging[:, 2],
            np.ones(len(self.tagging)),
            (self.n_artists, self.n_tags),
        )

    def user_tag_counts(self) -> sp.csr_matrix:
        """Users × tags: how many times each user applied each tag (to any artist)."""
        return _csr(
            self.tagging[:, 0],
            self.tagging[:, 2],
            np.ones(len(self.tagging)),
            (self.n_users, self.n_tags),
        )

    def listeners(self) -> npt.NDArray[np.int64]:
        """Listeners per artist (users with a positive play count)."""
        return np.asarray(np.diff(self.plays.tocsc().indptr), dtype=np.int64)


@dataclass(frozen=True, slots=True)
class UserRows:
    """Some users' current rows, as model inputs (index space of one `Interactions`).

    ``plays`` is n × artists raw play counts, ``friends`` n × users (1 per friend),
    ``tags`` n × tags assignment counts. For serving, n = 1 and the rows come from the
    database at request time (that is the fold-in); for evaluation they are training rows.
    """

    plays: sp.csr_matrix
    friends: sp.csr_matrix
    tags: sp.csr_matrix

    @property
    def n(self) -> int:
        return int(self.plays.shape[0])

    @classmethod
    def of(
        cls,
        data: Interactions,
        users: npt.ArrayLike,
        *,
        user_tags: sp.csr_matrix | None = None,
    ) -> UserRows:
        """Rows of ``users`` (indices) in ``data``. ``user_tags`` is
        ``data.user_tag_counts()`` when the caller takes rows batch after batch: building it
        reads every tag assignment (18.6 M at 100× the real data, ~2 s a batch)."""
        index = np.asarray(users, dtype=np.int64)
        tags = data.user_tag_counts() if user_tags is None else user_tags
        return cls(plays=data.plays[index], friends=data.friends[index], tags=tags[index])


@dataclass(frozen=True, slots=True)
class UserProfile:
    """One user's current state as read from the database (Last.fm ids, not indices)."""

    user_id: int
    plays: Mapping[int, int]
    friend_ids: tuple[int, ...]
    tag_counts: Mapping[int, int]

    def rows(
        self, user_ids: IntArray, artist_ids: IntArray, tag_ids: IntArray
    ) -> tuple[UserRows, list[int]]:
        """The profile in a model's index space, and the artist ids the model does not know
        (artists created after training: excluded from recommendations, not scored)."""
        artists = np.fromiter(self.plays.keys(), dtype=np.int64, count=len(self.plays))
        weights = np.fromiter(self.plays.values(), dtype=np.float64, count=len(self.plays))
        a, a_ok = index_of(artist_ids, artists)
        ok = a_ok & (weights > 0)
        plays = _one_row(a[ok], weights[ok], len(artist_ids))
        f, f_ok = index_of(user_ids, list(self.friend_ids))
        friends, times = np.unique(f[f_ok], return_counts=True)
        friend_row = _one_row(friends, times.astype(np.float64), len(user_ids))
        tags = np.fromiter(self.tag_counts.keys(), dtype=np.int64, count=len(self.tag_counts))
        counts = np.fromiter(self.tag_counts.values(), dtype=np.float64, count=len(self.tag_counts))
        t, t_ok = index_of(tag_ids, tags)
        tag_row = _one_row(t[t_ok], counts[t_ok], len(tag_ids))
        unknown = [int(x) for x in artists[~a_ok]]
        return UserRows(plays=plays, friends=friend_row, tags=tag_row), unknown


def _one_row(columns: IntArray, values: npt.NDArray[np.float64], width: int) -> sp.csr_matrix:
    """One row, as `_csr` builds it (float64, columns ascending, no zeros), for distinct
    ``columns``: without the COO round trip, three times per request."""
    keep = values != 0
    columns, values = columns[keep], values[keep]
    order = np.argsort(columns, kind="stable")
    indptr = np.array([0, len(order)], dtype=np.int32)
    return sp.csr_matrix((values[order], columns[order].astype(np.int32), indptr), shape=(1, width))
