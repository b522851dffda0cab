"""Rows the recommender reads: whole tables to train on, one user's rows to serve.

Training reads each table once with one set-based statement (they run per data version, in
`soundstream recommend train` or once in-process for a small database). Serving reads only the
requesting user's rows — primary-key range scans (``userID`` leads every link table's key) —
plus the names of the artists and tags it returns.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from server.db.models import Artist, Tag, User, UserArtist, UserFriend, UserTaggedArtist

# --- training --------------------------------------------------------------------------------


def user_ids(session: Session) -> list[int]:
    return [int(u) for u in session.scalars(select(User.id).order_by(User.id))]


def artist_ids(session: Session) -> list[int]:
    return [int(a) for a in session.scalars(select(Artist.id).order_by(Artist.id))]


def tag_ids(session: Session) -> list[int]:
    return [int(t) for t in session.scalars(select(Tag.id).order_by(Tag.id))]


def listen_rows(session: Session) -> list[tuple[int, int, int]]:
    """Every ``(userID, artistID, weight)``; weights are play counts."""
    stmt = select(UserArtist.user_id, UserArtist.artist_id, UserArtist.weight)
    return [(int(u), int(a), int(w)) for u, a, w in session.execute(stmt)]


def friendship_rows(session: Session) -> list[tuple[int, int]]:
    """Every stored ``(userID, friendID)`` (both directions of each friendship)."""
    stmt = select(UserFriend.user_id, UserFriend.friend_id)
    return [(int(u), int(f)) for u, f in session.execute(stmt)]


def tag_assignment_rows(session: Session) -> list[tuple[int, int, int]]:
    """``(userID, artistID, tagID)`` of every assignment (timestamps dropped)."""
    stmt = select(UserTaggedArtist.user_id, UserTaggedArtist.artist_id, UserTaggedArtist.tag_id)
    return [(int(u), int(a), int(t)) for u, a, t in session.execute(stmt)]


def listen_count(session: Session) -> int:
    return session.execute(select(func.count()).select_from(UserArtist)).scalar_one()


def popular_artists(session: Session, limit: int) -> list[tuple[int, int]]:
    """``(artistID, listeners)`` of the most listened artists, ties by id."""
    listeners = func.count(UserArtist.user_id)
    stmt = (
        select(UserArtist.artist_id, listeners)
        .group_by(UserArtist.artist_id)
        .order_by(listeners.desc(), UserArtist.artist_id)
        .limit(limit)
    )
    return [(int(a), int(n)) for a, n in session.execute(stmt)]


# --- serving: one user ------------------------------------------------------------------------


def user_plays(session: Session, user_id: int) -> dict[int, int]:
    """``{artistID: weight}`` of the user's listens now."""
    stmt = select(UserArtist.artist_id, UserArtist.weight).where(UserArtist.user_id == user_id)
    return {int(a): int(w) for a, w in session.execute(stmt)}


def user_friend_ids(session: Session, user_id: int) -> list[int]:
    stmt = (
        select(UserFriend.friend_id)
        .where(UserFriend.user_id == user_id)
        .order_by(UserFriend.friend_id)
    )
    return [int(f) for f in session.scalars(stmt)]


def user_tag_counts(session: Session, user_id: int) -> dict[int, int]:
    """``{tagID: assignments}`` the user made, over all artists."""
    n = func.count()
    stmt = (
        select(UserTaggedArtist.tag_id, n)
        .where(UserTaggedArtist.user_id == user_id)
        .group_by(UserTaggedArtist.tag_id)
    )
    return {int(t): int(c) for t, c in session.execute(stmt)}


def artist_names(session: Session, ids: Collection[int]) -> dict[int, str]:
    """``{id: name}`` of those ``ids`` that exist (one statement)."""
    if not ids:
        return {}
    stmt = select(Artist.id, Artist.name).where(Artist.id.in_(sorted(ids)))
    return {int(a): str(name) for a, name in session.execute(stmt)}


def tag_names(session: Session, ids: Collection[int]) -> dict[int, str]:
    if not ids:
        return {}
    stmt = select(Tag.id, Tag.value).where(Tag.id.in_(sorted(ids)))
    return {int(t): str(name) for t, name in session.execute(stmt)}


# --- fallbacks without a model: overlap counts --------------------------------------------------


def co_listened_artists(session: Session, artist_id: int, limit: int) -> list[tuple[int, int]]:
    """``(artistID, shared listeners)`` of the artists most often in the same user's list
    as ``artist_id`` (an artist has at most a few hundred listeners: a small join)."""
    mine = select(UserArtist.user_id).where(UserArtist.artist_id == artist_id)
    shared = func.count()
    stmt = (
        select(UserArtist.artist_id, shared)
        .where(UserArtist.user_id.in_(mine), UserArtist.artist_id != artist_id)
        .group_by(UserArtist.artist_id)
        .order_by(shared.desc(), UserArtist.artist_id)
        .limit(limit)
    )
    return [(int(a), int(n)) for a, n in session.execute(stmt)]


def users_sharing_artists(session: Session, user_id: int, limit: int) -> list[tuple[int, int]]:
    """``(userID, shared artists)`` of the users whose lists overlap the user's most."""
    mine = select(UserArtist.artist_id).where(UserArtist.user_id == user_id)
    shared = func.count()
    stmt = (
        select(UserArtist.user_id, shared)
        .where(UserArtist.artist_id.in_(mine), UserArtist.user_id != user_id)
        .group_by(UserArtist.user_id)
        .order_by(shared.desc(), UserArtist.user_id)
        .limit(limit)
    )
    return [(int(u), int(n)) for u, n in session.execute(stmt)]
