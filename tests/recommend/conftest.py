"""A synthetic world small enough to fit in milliseconds, structured enough to check answers.

Four genres of ten artists each (ids 101–140; genre g holds 101 + 10g … 110 + 10g), each genre
with its own two tags. Sixty users (ids 1–60), fifteen per genre: each listens to six
artists of their genre (heavy-tailed play counts) and one random artist of another genre, and
is friends with three users of the same genre. Collaborative, social and tag signals all
point to the same genre, so a working recommender recommends inside it.
"""

from __future__ import annotations

import numpy as np
import pytest

from server.recommend.data import Interactions

GENRES = 4
ARTISTS_PER_GENRE = 10
USERS_PER_GENRE = 15


def genre_of_artist(artist_id: int) -> int:
    return (artist_id - 101) // ARTISTS_PER_GENRE


def genre_of_user(user_id: int) -> int:
    return (user_id - 1) // USERS_PER_GENRE


def build_world(seed: int = 7) -> Interactions:
    rng = np.random.default_rng(seed)
    artists = list(range(101, 101 + GENRES * ARTISTS_PER_GENRE))
    users = list(range(1, 1 + GENRES * USERS_PER_GENRE))
    tags = list(range(1, 1 + 2 * GENRES))
    listens: list[tuple[int, int, int]] = []
    friends: list[tuple[int, int]] = []
    assignments: list[tuple[int, int, int]] = []
    for user in users:
        g = genre_of_user(user)
        own = rng.choice(ARTISTS_PER_GENRE, size=6, replace=False) + 101 + g * ARTISTS_PER_GENRE
        other = rng.choice([a for a in artists if genre_of_artist(a) != g])
        for artist in [*own.tolist(), int(other)]:
            listens.append((user, int(artist), int(rng.pareto(1.2) * 100) + 1))
        mates = [u for u in users if genre_of_user(u) == g and u != user]
        for mate in rng.choice(mates, size=3, replace=False):
            friends += [(user, int(mate)), (int(mate), user)]
        for artist in own[:2]:
            assignments.append((user, int(artist), 1 + 2 * g + int(rng.integers(2))))
    return Interactions.from_rows(
        user_ids=users,
        artist_ids=artists,
        tag_ids=tags,
        listens=listens,
        friendships=friends,
        tag_assignments=assignments,
    )


@pytest.fixture(scope="session")
def world() -> Interactions:
    return build_world()
