"""SQL of the analytics: counts, frequency tables, per-artist totals, charts, tag trends and
one user's listening profile.

Distributions come back as frequency tables (``value, how many``) wherever possible: 92,834
listen weights take only 5,436 distinct values, so the mean, the median and a histogram are
computed from a few thousand rows instead of shipping every weight to Python.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Float, and_, cast, func, select
from sqlalchemy.orm import Session, aliased

from server.db.models import (
    Artist,
    ArtistStats,
    ArtistTagCount,
    Tag,
    User,
    UserArtist,
    UserFriend,
    UserTaggedArtist,
)

Frequencies = list[tuple[int, int]]
"""``(value, how many)`` pairs in ascending value order."""


@dataclass(frozen=True, slots=True)
class CountsRow:
    artists: int
    users: int
    tags: int
    listens: int
    tag_assignments: int
    friendship_rows: int
    mutual_friendships: int


def entity_counts(session: Session) -> CountsRow:
    """Every table's row count and the mutual friendships, in one statement."""

    def count(model: Any) -> Any:
        return select(func.count()).select_from(model).scalar_subquery()

    reverse = aliased(UserFriend)
    mutual = (
        select(func.count())
        .select_from(UserFriend)
        .join(
            reverse,
            and_(reverse.user_id == UserFriend.friend_id, reverse.friend_id == UserFriend.user_id),
        )
        .where(UserFriend.user_id < UserFriend.friend_id)
        .scalar_subquery()
    )
    row = session.execute(
        select(
            count(Artist),
            count(User),
            count(Tag),
            count(UserArtist),
            count(UserTaggedArtist),
            count(UserFriend),
            mutual,
        )
    ).one()
    return CountsRow(*(int(value) for value in row))


def listen_weight_frequencies(session: Session) -> Frequencies:
    stmt = (
        select(UserArtist.weight, func.count())
        .group_by(UserArtist.weight)
        .order_by(UserArtist.weight)
    )
    return [(int(weight), int(n)) for weight, n in session.execute(stmt)]


def artist_play_totals(session: Session) -> list[int]:
    """Plays of every artist with at least one listener, in ascending order (the
    `artist_stats` tally in its plays index order: no aggregate over the listens)."""
    stmt = select(ArtistStats.plays).order_by(ArtistStats.plays)
    return [int(total) for total in session.execute(stmt).scalars()]


def tags_per_artist_frequencies(session: Session) -> Frequencies:
    """``(distinct tags, artists with that many)`` over the artists with any tag."""
    per_artist = (
        select(func.count().label("n"))
        .select_from(ArtistTagCount)
        .group_by(ArtistTagCount.artist_id)
        .subquery()
    )
    stmt = select(per_artist.c.n, func.count()).group_by(per_artist.c.n).order_by(per_artist.c.n)
    return [(int(n), int(artists)) for n, artists in session.execute(stmt)]


def friends_per_user_frequencies(session: Session) -> Frequencies:
    """``(friends, users with that many)``; users without friends are the 0 row."""
    per_user = (
        select(func.count(UserFriend.friend_id).label("n"))
        .select_from(User)
        .outerjoin(UserFriend, UserFriend.user_id == User.id)
        .group_by(User.id)
        .subquery()
    )
    stmt = select(per_user.c.n, func.count()).group_by(per_user.c.n).order_by(per_user.c.n)
    return [(int(n), int(users)) for n, users in session.execute(stmt)]


@dataclass(frozen=True, slots=True)
class ArtistChartRow:
    id: int
    name: str
    url: str | None
    picture_url: str | None
    plays: int
    listeners: int


def top_artists(session: Session, *, by_listeners: bool, limit: int) -> list[ArtistChartRow]:
    """Artists by plays (then listeners) or by listeners (then plays); ties by id. The
    `artist_stats` tally's plays/listeners index walked from the top, not the listens
    grouped per artist."""
    stats = ArtistStats
    first, second = (
        (stats.listeners, stats.plays) if by_listeners else (stats.plays, stats.listeners)
    )
    top = (
        select(stats.artist_id.label("id"), stats.plays, stats.listeners)
        .order_by(first.desc(), second.desc(), stats.artist_id)
        .limit(limit)
        .subquery()
    )
    first_col, second_col = (
        (top.c.listeners, top.c.plays) if by_listeners else (top.c.plays, top.c.listeners)
    )
    stmt = (
        select(Artist.id, Artist.name, Artist.url, Artist.picture_url, top.c.plays, top.c.listeners)
        .join(top, top.c.id == Artist.id)
        .order_by(first_col.desc(), second_col.desc(), Artist.id)
    )
    return [
        ArtistChartRow(row[0], row[1], row[2], row[3], int(row[4]), int(row[5]))
        for row in session.execute(stmt)
    ]


@dataclass(frozen=True, slots=True)
class TagChartRow:
    id: int
    name: str
    assignments: int
    artists: int


def top_tags(session: Session, *, by_artists: bool, limit: int) -> list[TagChartRow]:
    """Tags by assignments (then artists) or by distinct artists (then assignments), summed
    over the `artist_tag_counts` tally (one row per artist and tag, not per assignment)."""
    assignments = func.sum(ArtistTagCount.assignments)
    artists = func.count()
    first, second = (artists, assignments) if by_artists else (assignments, artists)
    top = (
        select(
            ArtistTagCount.tag_id.label("id"),
            assignments.label("assignments"),
            artists.label("artists"),
        )
        .group_by(ArtistTagCount.tag_id)
        .order_by(first.desc(), second.desc(), ArtistTagCount.tag_id)
        .limit(limit)
        .subquery()
    )
    first_col, second_col = (
        (top.c.artists, top.c.assignments) if by_artists else (top.c.assignments, top.c.artists)
    )
    stmt = (
        select(Tag.id, Tag.value, top.c.assignments, top.c.artists)
        .join(top, top.c.id == Tag.id)
        .order_by(first_col.desc(), second_col.desc(), Tag.id)
    )
    return [
        TagChartRow(int(row[0]), str(row[1]), int(row[2]), int(row[3]))
        for row in session.execute(stmt)
    ]


def tag_assignment_counts(
    session: Session,
    tag_ids: Sequence[int],
    *,
    from_year: int | None,
    to_year: int | None,
    monthly: bool,
) -> list[tuple[int, int, int, int]]:
    """``(tag id, year, month or 0, assignments)`` for each period that has any.

    Rows without a year (or, monthly, without a month) have no period and are left out.
    """
    uta = UserTaggedArtist
    period: list[Any] = [uta.year, uta.month] if monthly else [uta.year]
    conditions: list[Any] = [uta.tag_id.in_(tag_ids), uta.year.is_not(None)]
    if monthly:
        conditions.append(uta.month.is_not(None))
    if from_year is not None:
        conditions.append(uta.year >= from_year)
    if to_year is not None:
        conditions.append(uta.year <= to_year)
    stmt = (
        select(uta.tag_id, *period, func.count())
        .where(*conditions)
        .group_by(uta.tag_id, *period)
        .order_by(uta.tag_id, *period)
    )
    if monthly:
        return [(int(t), int(y), int(m), int(n)) for t, y, m, n in session.execute(stmt)]
    return [(int(t), int(y), 0, int(n)) for t, y, n in session.execute(stmt)]


def user_friend_count(session: Session, user_id: int) -> int | None:
    """The user's friends, or None when the user does not exist (one statement for both)."""
    friends = (
        select(func.count())
        .select_from(UserFriend)
        .where(UserFriend.user_id == User.id)
        .correlate(User)
        .scalar_subquery()
    )
    row = session.execute(select(friends).where(User.id == user_id)).one_or_none()
    return None if row is None else int(row[0])


@dataclass(frozen=True, slots=True)
class UserListenRow:
    artist_id: int
    name: str
    url: str | None
    picture_url: str | None
    weight: int


def user_listens(session: Session, user_id: int) -> list[UserListenRow]:
    """All of the user's listens (at most 50 in the dataset), heaviest first, ties by id."""
    stmt = (
        select(Artist.id, Artist.name, Artist.url, Artist.picture_url, UserArtist.weight)
        .join(UserArtist, UserArtist.artist_id == Artist.id)
        .where(UserArtist.user_id == user_id)
        .order_by(UserArtist.weight.desc(), Artist.id)
    )
    return [UserListenRow(r[0], r[1], r[2], r[3], int(r[4])) for r in session.execute(stmt)]


def user_weighted_tags(
    session: Session, user_id: int, *, limit: int
) -> list[tuple[int, str, float]]:
    """``(tag id, name, attributed plays)`` of the tags on the user's artists.

    Each artist's plays are split over its tags in proportion to their assignment counts, so
    an artist with a hundred one-off tags does not outweigh one tagged "rock" by everybody.
    """
    listens = (
        select(UserArtist.artist_id, UserArtist.weight)
        .where(UserArtist.user_id == user_id)
        .cte("listens")
    )
    per_tag = (
        select(
            ArtistTagCount.artist_id.label("artist_id"),
            ArtistTagCount.tag_id.label("tag_id"),
            ArtistTagCount.assignments.label("n"),
        )
        .where(ArtistTagCount.artist_id.in_(select(listens.c.artist_id)))
        .cte("per_tag")
    )
    per_artist = (
        select(per_tag.c.artist_id, func.sum(per_tag.c.n).label("total"))
        .group_by(per_tag.c.artist_id)
        .cte("per_artist")
    )
    score = func.sum(
        cast(listens.c.weight, Float) * cast(per_tag.c.n, Float) / cast(per_artist.c.total, Float)
    )
    # Scored and cut by tag id first; only the kept tags are named (a user of head artists
    # spreads over tens of thousands of (artist, tag) rows at 100x the real data).
    top = (
        select(per_tag.c.tag_id, score.label("score"))
        .select_from(per_tag)
        .join(listens, listens.c.artist_id == per_tag.c.artist_id)
        .join(per_artist, per_artist.c.artist_id == per_tag.c.artist_id)
        .group_by(per_tag.c.tag_id)
        .order_by(score.desc(), per_tag.c.tag_id)
        .limit(limit)
        .subquery("top")
    )
    stmt = (
        select(top.c.tag_id, Tag.value, top.c.score)
        .join(Tag, Tag.id == top.c.tag_id)
        .order_by(top.c.score.desc(), top.c.tag_id)
    )
    return [(int(t), str(name), float(s)) for t, name, s in session.execute(stmt)]


def user_own_tags(session: Session, user_id: int, *, limit: int) -> list[tuple[int, str, int]]:
    """``(tag id, name, assignments)`` of the tags the user assigned, most used first."""
    n = func.count()
    stmt = (
        select(Tag.id, Tag.value, n)
        .join(UserTaggedArtist, UserTaggedArtist.tag_id == Tag.id)
        .where(UserTaggedArtist.user_id == user_id)
        .group_by(Tag.id, Tag.value)
        .order_by(n.desc(), Tag.id)
        .limit(limit)
    )
    return [(int(t), str(name), int(c)) for t, name, c in session.execute(stmt)]
