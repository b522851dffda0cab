"""A user's taste as plays per artist, and how alike two users' tastes are.

Why log1p for cosine: a single listen weight runs from 1 to 352,698 plays (median 260), so raw
counts make one favourite artist the whole vector. ``log1p(plays)`` keeps the order of a user's
favourites while letting all 50 of their top artists count. Jaccard ignores plays entirely: it
asks only whether two users' top-50 lists overlap.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

__all__ = [
    "ListenRow",
    "Listens",
    "LogVector",
    "Profiles",
    "cosine_similarity",
    "jaccard_similarity",
    "log_cosine",
    "log_vector",
    "taste_profiles",
]

ListenRow = tuple[int, int, float]
"""``(user_id, artist_id, plays)``: one row of ``user_artists.dat``."""

Profiles = Mapping[int, Mapping[int, float]]
"""Plays by user id, then by artist id, as built by :func:`taste_profiles`."""

Listens = Iterable[ListenRow] | Profiles
"""Listening data as functions accept it: raw rows, or profiles already built (cache them)."""


def taste_profiles(listen_rows: Iterable[ListenRow]) -> dict[int, dict[int, float]]:
    """Plays per artist for each user, from listen rows.

    Repeated ``(user, artist)`` rows are summed; rows with zero plays are dropped (no
    listening), so a user whose rows are all zero has no profile.

    Parameters
    ----------
    listen_rows : iterable of (int, int, float)
        ``(user_id, artist_id, plays)``.

    Returns
    -------
    dict
        ``{user_id: {artist_id: plays}}``.

    Raises
    ------
    ValueError
        If a play count is negative: plays are counts.

    Examples
    --------
    >>> taste_profiles([(2, 51, 10), (2, 52, 0), (3, 51, 4), (3, 51, 1)])
    {2: {51: 10}, 3: {51: 5}}
    """
    profiles: dict[int, dict[int, float]] = {}
    for user, artist, plays in listen_rows:
        if plays < 0:
            raise ValueError(f"negative play count {plays} for user {user}, artist {artist}")
        if plays:
            profile = profiles.setdefault(user, {})
            profile[artist] = profile.get(artist, 0) + plays
    return profiles


def as_profiles(listens: Listens) -> Profiles:
    """Profiles as given, or built from rows (the shared entry point of the other modules)."""
    if isinstance(listens, Mapping):
        return listens
    return taste_profiles(listens)


def cosine_similarity(a: Mapping[int, float], b: Mapping[int, float]) -> float:
    """Cosine similarity of two play profiles after ``log1p`` of the play counts.

    Parameters
    ----------
    a, b : mapping of int to float
        ``{artist_id: plays}`` of two users.

    Returns
    -------
    float
        In ``[0, 1]``; ``0.0`` if either profile is empty.

    Examples
    --------
    >>> round(cosine_similarity({1: 100, 2: 100}, {1: 5, 3: 5}), 3)
    0.5
    >>> cosine_similarity({1: 3}, {})
    0.0
    """
    return log_cosine(log_vector(a), log_vector(b))


LogVector = tuple[dict[int, float], float]
"""``({artist_id: log1p(plays)}, Euclidean norm)``: a profile prepared for many cosines."""


def log_vector(plays: Mapping[int, float]) -> LogVector:
    """Prepare a profile for :func:`log_cosine` (do it once per user, not once per pair)."""
    vector = {artist: math.log1p(count) for artist, count in plays.items()}
    return vector, math.sqrt(math.fsum(value * value for value in vector.values()))


def log_cosine(a: LogVector, b: LogVector) -> float:
    """Cosine of two prepared profiles; ``0.0`` if either is empty."""
    (va, norm_a), (vb, norm_b) = (a, b) if len(a[0]) <= len(b[0]) else (b, a)
    if norm_a == 0 or norm_b == 0:
        return 0.0
    dot = math.fsum(value * vb[artist] for artist, value in va.items() if artist in vb)
    return dot / (norm_a * norm_b)


def jaccard_similarity(a: Mapping[int, float], b: Mapping[int, float]) -> float:
    """Jaccard similarity of the artist sets of two profiles (plays ignored).

    Examples
    --------
    >>> jaccard_similarity({1: 100, 2: 1}, {2: 7, 3: 7})
    0.3333333333333333
    >>> jaccard_similarity({}, {})
    0.0
    """
    if not a and not b:
        return 0.0
    common = sum(1 for artist in a if artist in b)
    return common / (len(a) + len(b) - common)
