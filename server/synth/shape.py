"""The real dataset's shape: the empirical distributions the generator draws from.

Everything here is measured on the real files, nothing is typed in by hand, so the generator
follows whatever copy of the dataset it is given. Distributions are kept empirical (the sorted
observed values, sampled by quantile) rather than fitted to a parametric family: the real
weights, listener counts and tag counts are heavy-tailed in ways a single lognormal or Zipf
misses at one end or the other, and bootstrapping keeps both ends.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from server.synth.datfiles import read_int_table

IntArray = npt.NDArray[np.int64]

ARTISTS = "artists.dat"
TAGS = "tags.dat"
USER_ARTISTS = "user_artists.dat"
USER_TAGGED = "user_taggedartists.dat"
USER_FRIENDS = "user_friends.dat"

HEAPS_FRACTIONS = (0.125, 0.25, 0.5, 1.0)
HEAPS_SEED = 2011


@dataclass(frozen=True, slots=True)
class RealShape:
    """Empirical distributions of the real data (1x)."""

    users: int
    artists_per_user: IntArray
    """Distinct artists of each user in ``user_artists.dat`` (at most 50: a top-50 list)."""
    listeners_per_artist: IntArray
    """Listeners of each artist in ``artists.dat`` (0 for an artist nobody lists)."""
    weights: IntArray
    """Every listen's weight (play count), sorted."""
    tag_rows_per_user: IntArray
    """Tag assignments of each user (0 for a user who tagged nothing)."""
    uses_per_tag: IntArray
    """Assignments of each tag in ``tags.dat`` (0 for the never-used tags)."""
    dates: IntArray
    """(day, month, year) of every tag assignment, as recorded."""
    own_artist_share: float
    """Share of tag assignments naming an artist among the tagger's own top 50."""
    degrees: IntArray
    """Friends of each user with at least one."""
    friendless_users: int
    artist_heaps: float
    """Heaps' exponent: distinct artists listened to ∝ users^β (user subsamples)."""
    tag_heaps: float
    """The same for distinct tags used."""
    catalogue_artists: int
    catalogue_tags: int
    quoted_share: float
    """Share of artist names holding a double quote."""
    non_ascii_share: float
    missing_picture_share: float


def _heaps_exponent(users: list[IntArray], owners: IntArray, items: IntArray) -> float:
    """Slope of log(distinct items) on log(users) over nested random user subsamples."""
    rng = np.random.default_rng(HEAPS_SEED)
    pool = rng.permutation(np.unique(np.concatenate(users)))
    xs, ys = [], []
    for fraction in HEAPS_FRACTIONS:
        chosen = pool[: max(1, round(fraction * pool.size))]
        distinct = np.unique(items[np.isin(owners, chosen)]).size
        xs.append(np.log(chosen.size))
        ys.append(np.log(max(distinct, 1)))
    slope = float(np.polyfit(xs, ys, 1)[0])
    return min(1.0, max(0.3, slope))


def _count_lines(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(block.count(b"\n") for block in iter(lambda: handle.read(1 << 20), b"")) - 1


@dataclass(frozen=True, slots=True)
class _ArtistsFile:
    ids: IntArray
    quoted_share: float
    non_ascii_share: float
    missing_picture_share: float


def _read_artists(path: Path) -> _ArtistsFile:
    with path.open(encoding="utf-8", newline="\n") as handle:
        next(handle)
        rows = [line.rstrip("\r\n").split("\t") for line in handle if line.strip()]
    names = [row[1] for row in rows]
    count = max(1, len(rows))
    return _ArtistsFile(
        ids=np.array([int(row[0]) for row in rows], dtype=np.int64),
        quoted_share=sum('"' in name for name in names) / count,
        non_ascii_share=sum(not name.isascii() for name in names) / count,
        missing_picture_share=sum(len(row) < 4 or not row[3] for row in rows) / count,
    )


def _tag_ids(path: Path) -> IntArray:
    with path.open(encoding="iso-8859-1") as handle:
        next(handle)
        return np.array([int(line.split("\t", 1)[0]) for line in handle if line.strip()])


def fit_shape(data_dir: Path) -> RealShape:
    """Measure the real dataset in ``data_dir`` (about a second)."""
    listens = read_int_table(data_dir / USER_ARTISTS, 3)
    tagged = read_int_table(data_dir / USER_TAGGED, 6)
    friends = read_int_table(data_dir / USER_FRIENDS, 2)
    artists_file = _read_artists(data_dir / ARTISTS)
    artist_ids = artists_file.ids
    tag_ids = _tag_ids(data_dir / TAGS)
    users = np.unique(np.concatenate([listens[:, 0], tagged[:, 0], friends.ravel()]))

    _, per_user = np.unique(listens[:, 0], return_counts=True)
    listeners = np.searchsorted(np.sort(listens[:, 1]), artist_ids, side="right") - np.searchsorted(
        np.sort(listens[:, 1]), artist_ids, side="left"
    )
    tag_rows = np.zeros(users.size, dtype=np.int64)
    np.add.at(tag_rows, np.searchsorted(users, tagged[:, 0]), 1)
    known_tags = np.isin(tagged[:, 2], tag_ids) & np.isin(tagged[:, 1], artist_ids)
    sorted_tags = np.sort(tagged[known_tags, 2])
    uses = np.searchsorted(sorted_tags, tag_ids, side="right") - np.searchsorted(
        sorted_tags, tag_ids, side="left"
    )
    own_keys = np.unique(listens[:, 0] * (1 << 32) + listens[:, 1])
    own = np.isin(tagged[:, 0] * (1 << 32) + tagged[:, 1], own_keys)

    pairs = np.unique(np.sort(friends, axis=1), axis=0)
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    degree_of = np.zeros(users.size, dtype=np.int64)
    np.add.at(degree_of, np.searchsorted(users, pairs.ravel()), 1)

    return RealShape(
        users=int(users.size),
        artists_per_user=np.sort(per_user.astype(np.int64)),
        listeners_per_artist=np.sort(listeners.astype(np.int64)),
        weights=np.sort(listens[:, 2]),
        tag_rows_per_user=np.sort(tag_rows),
        uses_per_tag=np.sort(uses.astype(np.int64)),
        dates=tagged[:, 3:6].copy(),
        own_artist_share=float(own.mean()) if own.size else 0.0,
        degrees=np.sort(degree_of[degree_of > 0]),
        friendless_users=int((degree_of == 0).sum()),
        artist_heaps=_heaps_exponent([listens[:, 0]], listens[:, 0], listens[:, 1]),
        tag_heaps=_heaps_exponent([tagged[:, 0]], tagged[:, 0], tagged[:, 2]),
        catalogue_artists=int(artist_ids.size),
        catalogue_tags=int(tag_ids.size),
        quoted_share=artists_file.quoted_share,
        non_ascii_share=artists_file.non_ascii_share,
        missing_picture_share=artists_file.missing_picture_share,
    )
