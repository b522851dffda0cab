"""Tag assignment rows (``user_taggedartists``) and the artist/tag tallies built from them.

Reads by user use the primary key (``userID`` first). The per-artist and per-tag tallies
come from the `artist_tag_counts` summary table (`server.db.summaries`), not from grouping
the assignments.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import CursorResult, Row, delete, func, select
from sqlalchemy.orm import Session

from server.db.models import Artist, ArtistTagCount, Tag, UserTaggedArtist
from server.repositories.tallies import at_or_above_floor, tally_floors

AssignmentRow = Row[int, int, str, int, str, int, int | None, int | None, int | None]
TallyRow = Row[int, str, int]


def _filters(user_id: int, artist_id: int | None, tag_id: int | None) -> list[Any]:
    where: list[Any] = [UserTaggedArtist.user_id == user_id]
    if artist_id is not None:
        where.append(UserTaggedArtist.artist_id == artist_id)
    if tag_id is not None:
        where.append(UserTaggedArtist.tag_id == tag_id)
    return where


def user_page(
    session: Session,
    user_id: int,
    *,
    artist_id: int | None = None,
    tag_id: int | None = None,
    limit: int,
    offset: int,
) -> Sequence[AssignmentRow]:
    """The user's assignments with artist and tag names, newest first, then by artist and
    tag id (which, with the user and the timestamp, is the primary key)."""
    query = (
        select(
            UserTaggedArtist.user_id,
            UserTaggedArtist.artist_id,
            Artist.name.label("artist_name"),
            UserTaggedArtist.tag_id,
            Tag.value.label("tag_name"),
            UserTaggedArtist.timestamp,
            UserTaggedArtist.day,
            UserTaggedArtist.month,
            UserTaggedArtist.year,
        )
        .join(Artist, Artist.id == UserTaggedArtist.artist_id)
        .join(Tag, Tag.id == UserTaggedArtist.tag_id)
        .where(*_filters(user_id, artist_id, tag_id))
        .order_by(
            UserTaggedArtist.timestamp.desc(), UserTaggedArtist.artist_id, UserTaggedArtist.tag_id
        )
        .limit(limit)
        .offset(offset)
    )
    return session.execute(query).all()


def user_count(
    session: Session, user_id: int, *, artist_id: int | None = None, tag_id: int | None = None
) -> int:
    query = (
        select(func.count())
        .select_from(UserTaggedArtist)
        .where(*_filters(user_id, artist_id, tag_id))
    )
    return session.execute(query).scalar_one()


def timestamps_of(session: Session, user_id: int, artist_id: int, tag_id: int) -> list[int]:
    """When the user applied the tag to the artist (normally once, so zero or one stamp)."""
    query = select(UserTaggedArtist.timestamp).where(*_filters(user_id, artist_id, tag_id))
    return list(session.scalars(query))


def add(
    session: Session,
    *,
    user_id: int,
    artist_id: int,
    tag_id: int,
    timestamp: int,
    day: int,
    month: int,
    year: int,
) -> UserTaggedArtist:
    row = UserTaggedArtist(
        user_id=user_id,
        artist_id=artist_id,
        tag_id=tag_id,
        timestamp=timestamp,
        day=day,
        month=month,
        year=year,
    )
    session.add(row)
    session.flush()
    return row


def delete_matching(
    session: Session, user_id: int, artist_id: int, tag_id: int, timestamp: int | None
) -> int:
    """Delete the user's assignment(s) of the tag to the artist (only the one at
    ``timestamp`` when given); the number of rows removed."""
    where = _filters(user_id, artist_id, tag_id)
    if timestamp is not None:
        where.append(UserTaggedArtist.timestamp == timestamp)
    result = session.execute(
        delete(UserTaggedArtist).where(*where),
        execution_options={"synchronize_session": False},
    )
    return cast(CursorResult[Any], result).rowcount


def artist_tags_page(
    session: Session, artist_id: int, *, limit: int, offset: int
) -> Sequence[TallyRow]:
    """``(tag_id, name, uses)`` of the tags on an artist: most assigned first, then by name
    and id. From the `artist_tag_counts` tally, whose index on (artist, count descending,
    name, id) holds them in that order: the page is a range of it, and a popular artist's
    thousands of one-off tags past the page are never read."""
    tally = ArtistTagCount
    query = (
        select(tally.tag_id, tally.tag_value.label("name"), tally.assignments.label("uses"))
        .where(tally.artist_id == artist_id)
        .order_by(tally.assignments.desc(), tally.tag_value, tally.tag_id)
        .limit(limit)
        .offset(offset)
    )
    return session.execute(query).all()


def artist_tags_count(session: Session, artist_id: int) -> int:
    """How many distinct tags the artist carries (its rows in the tally)."""
    query = select(func.count()).where(ArtistTagCount.artist_id == artist_id)
    return session.execute(query).scalar_one()


def tag_artists_page(
    session: Session, tag_id: int, *, limit: int, offset: int
) -> Sequence[TallyRow]:
    """``(artist_id, name, uses)`` of the artists carrying a tag: most assigned first, then
    by name and id; read like `artist_tags_page`."""
    tally = ArtistTagCount
    floors = tally_floors(Tag.id, tally.tag_id, [tag_id], rank=offset + limit)
    query = (
        select(tally.artist_id, Artist.name, tally.assignments.label("uses"))
        .select_from(floors)
        .join(tally, at_or_above_floor(floors, tally.tag_id))
        .join(Artist, Artist.id == tally.artist_id)
        .order_by(tally.assignments.desc(), Artist.name, tally.artist_id)
        .limit(limit)
        .offset(offset)
    )
    return session.execute(query).all()


def tag_artists_count(session: Session, tag_id: int) -> int:
    """How many distinct artists carry the tag (its rows in the tally)."""
    query = select(func.count()).where(ArtistTagCount.tag_id == tag_id)
    return session.execute(query).scalar_one()
