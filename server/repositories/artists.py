"""Artist rows. Deletes are single SQL statements so the database's ON DELETE CASCADE removes
the artist's listens and tag assignments (no ORM relationships are loaded for it)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import CursorResult, delete, func, select
from sqlalchemy.orm import Session

from server.db.models import Artist
from server.repositories.sequences import advance_id_sequence


def get(session: Session, artist_id: int) -> Artist | None:
    return session.get(Artist, artist_id)


def exists(session: Session, artist_id: int) -> bool:
    return session.scalar(select(Artist.id).where(Artist.id == artist_id)) is not None


def page(session: Session, *, limit: int, offset: int) -> Sequence[Artist]:
    """Artists by id."""
    return session.scalars(select(Artist).order_by(Artist.id).limit(limit).offset(offset)).all()


def count(session: Session) -> int:
    return session.execute(select(func.count()).select_from(Artist)).scalar_one()


def add(
    session: Session,
    *,
    artist_id: int | None,
    name: str,
    url: str | None,
    picture_url: str | None,
) -> Artist:
    """Insert an artist; without ``artist_id`` the database picks the next id."""
    artist = Artist(name=name, url=url, picture_url=picture_url)
    if artist_id is not None:
        artist.id = artist_id
    session.add(artist)
    session.flush()
    if artist_id is not None:
        advance_id_sequence(session, Artist.__tablename__, "id")
    return artist


def delete_by_id(session: Session, artist_id: int) -> bool:
    """Delete an artist (cascading in the database); False when there was none."""
    result = session.execute(
        delete(Artist).where(Artist.id == artist_id),
        execution_options={"synchronize_session": False},
    )
    return cast(CursorResult[Any], result).rowcount > 0
