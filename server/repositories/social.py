"""The plain rows the social graph is built from: users, friendships, listens, the tags each
user applied, and artist and tag names.

Each function is one set-based statement over a whole table (or an id list) and returns tuples
of Python ints and strings, the shapes `graph/` takes. They run once per data version (the
service caches what is built from them), so they favour one full scan over many small reads.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from server.db.models import Artist, Tag, User, UserArtist, UserFriend, UserTaggedArtist


def user_ids(session: Session) -> list[int]:
    """Every user id, ascending (users without friends or listens are nodes too)."""
    return [int(user) for user in session.scalars(select(User.id).order_by(User.id))]


def friendship_rows(session: Session) -> list[tuple[int, int]]:
    """Every stored ``(userID, friendID)`` row; each friendship appears in both directions."""
    stmt = select(UserFriend.user_id, UserFriend.friend_id)
    return [(int(user), int(friend)) for user, friend in session.execute(stmt)]


def listen_rows(session: Session) -> list[tuple[int, int, int]]:
    """Every ``(userID, artistID, weight)`` row (weights are play counts)."""
    stmt = select(UserArtist.user_id, UserArtist.artist_id, UserArtist.weight)
    return [(int(user), int(artist), int(weight)) for user, artist, weight in session.execute(stmt)]


CHUNK = 5_000
"""Ids per ``IN`` list: a hub's two-hop neighbourhood at 100x the data is tens of thousands
of users, past SQLite's limit on bound parameters."""


def _chunks(ids: Collection[int]) -> list[list[int]]:
    ordered = sorted(set(ids))
    return [ordered[i : i + CHUNK] for i in range(0, len(ordered), CHUNK)]


def friendship_rows_touching(session: Session, user_ids: Collection[int]) -> list[tuple[int, int]]:
    """The stored ``(userID, friendID)`` rows with one of ``user_ids`` on either side: every
    edge of those users in the undirected graph, however the rows were written."""
    found: set[tuple[int, int]] = set()
    for chunk in _chunks(user_ids):
        stmt = select(UserFriend.user_id, UserFriend.friend_id).where(
            or_(UserFriend.user_id.in_(chunk), UserFriend.friend_id.in_(chunk))
        )
        found.update((int(user), int(friend)) for user, friend in session.execute(stmt))
    return sorted(found)


def listen_rows_of(session: Session, user_ids: Collection[int]) -> list[tuple[int, int, int]]:
    """``listen_rows`` of ``user_ids`` only."""
    rows: list[tuple[int, int, int]] = []
    for chunk in _chunks(user_ids):
        stmt = select(UserArtist.user_id, UserArtist.artist_id, UserArtist.weight).where(
            UserArtist.user_id.in_(chunk)
        )
        rows += [(int(u), int(a), int(w)) for u, a, w in session.execute(stmt)]
    return rows


def user_tag_counts(session: Session) -> list[tuple[int, int, int]]:
    """``(userID, tagID, assignments)``: how often each user applied each tag, any artist."""
    n = func.count()
    stmt = select(UserTaggedArtist.user_id, UserTaggedArtist.tag_id, n).group_by(
        UserTaggedArtist.user_id, UserTaggedArtist.tag_id
    )
    return [(int(user), int(tag), int(count)) for user, tag, count in session.execute(stmt)]


def listened_artist_names(session: Session) -> dict[int, str]:
    """``{artist id: name}`` of the artists somebody listens to (the only ones the social
    features name: top artists, community artists, recommendations)."""
    stmt = select(Artist.id, Artist.name).where(Artist.id.in_(select(UserArtist.artist_id)))
    return {int(artist): str(name) for artist, name in session.execute(stmt)}


def tag_names(session: Session, ids: Collection[int]) -> dict[int, str]:
    """``{tag id: name}`` for ``ids`` (one statement; unknown ids are absent)."""
    if not ids:
        return {}
    stmt = select(Tag.id, Tag.value).where(Tag.id.in_(sorted(ids)))
    return {int(tag): str(name) for tag, name in session.execute(stmt)}
