"""Listen rows (``user_artists``): a user's play count for an artist.

A user's artists come from the primary key (``userID`` first); an artist's listeners from
``ix_user_artists_artist_listeners`` (artistID, weight, userID), which also serves their
order.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import CursorResult, Row, delete, func, select
from sqlalchemy.orm import Session

from server.db.models import Artist, ArtistStats, UserArtist
from server.repositories.inserts import insert_absent
from server.schemas.listens import ListenSort

_USER_ARTIST_ORDER: dict[ListenSort, tuple[Any, ...]] = {
    ListenSort.WEIGHT_DESC: (UserArtist.weight.desc(), UserArtist.artist_id),
    ListenSort.WEIGHT: (UserArtist.weight, UserArtist.artist_id),
    ListenSort.NAME: (Artist.name, UserArtist.artist_id),
    ListenSort.NAME_DESC: (Artist.name.desc(), UserArtist.artist_id),
    ListenSort.ARTIST_ID: (UserArtist.artist_id,),
    ListenSort.ARTIST_ID_DESC: (UserArtist.artist_id.desc(),),
}


def user_artists_page(
    session: Session, user_id: int, *, sort: ListenSort, limit: int, offset: int
) -> Sequence[Row[int, str, str | None, str | None, int]]:
    """``(artist_id, name, url, picture_url, weight)`` of the user's artists."""
    query = (
        select(UserArtist.artist_id, Artist.name, Artist.url, Artist.picture_url, UserArtist.weight)
        .join(Artist, Artist.id == UserArtist.artist_id)
        .where(UserArtist.user_id == user_id)
        .order_by(*_USER_ARTIST_ORDER[sort])
        .limit(limit)
        .offset(offset)
    )
    return session.execute(query).all()


def user_artists_count(session: Session, user_id: int) -> int:
    query = select(func.count()).select_from(UserArtist).where(UserArtist.user_id == user_id)
    return session.execute(query).scalar_one()


def listeners_page(
    session: Session, artist_id: int, *, limit: int, offset: int
) -> Sequence[Row[int, int]]:
    """``(user_id, weight)`` of the artist's listeners, heaviest first, then by user id."""
    query = (
        select(UserArtist.user_id, UserArtist.weight)
        .where(UserArtist.artist_id == artist_id)
        .order_by(UserArtist.weight.desc(), UserArtist.user_id)
        .limit(limit)
        .offset(offset)
    )
    return session.execute(query).all()


def listeners_count(session: Session, artist_id: int) -> int:
    """The artist's listeners (the `artist_stats` tally; 0 without listens)."""
    query = select(ArtistStats.listeners).where(ArtistStats.artist_id == artist_id)
    return int(session.execute(query).scalar_one_or_none() or 0)


def artist_plays(session: Session, artist_id: int) -> int:
    """The artist's plays now (the `artist_stats` tally; 0 without listens)."""
    plays = session.execute(
        select(ArtistStats.plays).where(ArtistStats.artist_id == artist_id)
    ).scalar_one_or_none()
    return int(plays or 0)


def get(session: Session, user_id: int, artist_id: int) -> UserArtist | None:
    return session.get(UserArtist, (user_id, artist_id))


def add_if_absent(session: Session, *, user_id: int, artist_id: int, weight: int) -> bool:
    """Insert the listen; False when it exists already (a concurrent writer added it)."""
    row = {"userID": user_id, "artistID": artist_id, "weight": weight}
    return insert_absent(session, UserArtist.__table__, [row]) == 1  # type: ignore[arg-type]


def delete_one(session: Session, user_id: int, artist_id: int) -> bool:
    """Delete one listen; False when there was none."""
    result = session.execute(
        delete(UserArtist).where(UserArtist.user_id == user_id, UserArtist.artist_id == artist_id),
        execution_options={"synchronize_session": False},
    )
    return cast(CursorResult[Any], result).rowcount > 0
