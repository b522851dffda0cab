"""The plain rows the social graph is built from: users, friendships, listens, the tags each
user applied, and artist and tag names.

Each function is one set-based statement over a whole table (or an id list) and returns tuples
of Python ints and strings, the shapes `graph/` takes. They run once per data version (the
service caches what is built from them), so they favour one full scan over many small reads.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import func, select
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
