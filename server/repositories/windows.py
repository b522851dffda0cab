"""Batched reads for many parents at once: one statement for "the first N children of each
of these K parents", with a window function (``ROW_NUMBER() OVER (PARTITION BY parent)``).

These serve the GraphQL DataLoaders: a nested query (20 friends x 5 artists x 3 tags) costs a
fixed number of statements however large ``first`` is. Each page function fetches one row
more than asked so the caller knows whether a next page exists without a COUNT.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import Row, Select, func, select
from sqlalchemy.orm import Session

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
from server.repositories.tallies import at_or_above_floor, tally_floors


def _grouped(rows: Sequence[Row[Any]]) -> dict[int, list[Row[Any]]]:
    groups: dict[int, list[Row[Any]]] = defaultdict(list)
    for row in rows:
        groups[row.parent].append(row)
    return groups


def _window_page(
    session: Session,
    query: Select[*tuple[Any, ...]],
    parent: Any,
    order_by: Sequence[Any],
    *,
    first: int,
    offset: int,
) -> dict[int, list[Row[Any]]]:
    rank = func.row_number().over(partition_by=parent, order_by=list(order_by)).label("rank")
    inner = query.add_columns(parent.label("parent"), rank).subquery()
    outer = (
        select(inner)
        .where(inner.c.rank > offset, inner.c.rank <= offset + first + 1)
        .order_by(inner.c.parent, inner.c.rank)
    )
    return _grouped(session.execute(outer).all())


def _counts(
    session: Session, column: Any, ids: Collection[int], counted: Any = None
) -> dict[int, int]:
    measure = func.count(counted) if counted is not None else func.count()
    rows = session.execute(select(column, measure).where(column.in_(ids)).group_by(column)).all()
    return {row[0]: int(row[1]) for row in rows}


def existing_users(session: Session, ids: Collection[int]) -> set[int]:
    return set(session.execute(select(User.id).where(User.id.in_(ids))).scalars())


def artists_by_id(session: Session, ids: Collection[int]) -> dict[int, Artist]:
    return {a.id: a for a in session.execute(select(Artist).where(Artist.id.in_(ids))).scalars()}


def tags_by_id(session: Session, ids: Collection[int]) -> dict[int, Tag]:
    return {t.id: t for t in session.execute(select(Tag).where(Tag.id.in_(ids))).scalars()}


def friend_pages(
    session: Session, user_ids: Collection[int], *, first: int, offset: int
) -> dict[int, list[Row[Any]]]:
    """Per user: rows with ``friend_id``, in friend id order."""
    query = select(UserFriend.friend_id).where(UserFriend.user_id.in_(user_ids))
    return _window_page(
        session, query, UserFriend.user_id, [UserFriend.friend_id], first=first, offset=offset
    )


def friend_counts(session: Session, user_ids: Collection[int]) -> dict[int, int]:
    return _counts(session, UserFriend.user_id, user_ids)


def listen_pages(
    session: Session, user_ids: Collection[int], *, first: int, offset: int
) -> dict[int, list[Row[Any]]]:
    """Per user: the artists with the most plays first (artist columns + ``weight``).

    The listens are ranked on their own (the primary key holds each user's rows together)
    and only the kept ones are joined to their artists: joining first looked up every
    listen's artist — 50 per user — to keep five.
    """
    rank = (
        func.row_number()
        .over(
            partition_by=UserArtist.user_id,
            order_by=[UserArtist.weight.desc(), UserArtist.artist_id],
        )
        .label("rank")
    )
    ranked = (
        select(
            UserArtist.artist_id,
            UserArtist.weight,
            UserArtist.user_id.label("parent"),
            rank,
        )
        .where(UserArtist.user_id.in_(user_ids))
        .subquery("ranked")
    )
    kept = (
        select(
            Artist.id,
            Artist.name,
            Artist.url,
            Artist.picture_url,
            ranked.c.weight,
            ranked.c.parent,
            ranked.c.rank,
        )
        .join(Artist, Artist.id == ranked.c.artist_id)
        .where(ranked.c.rank > offset, ranked.c.rank <= offset + first + 1)
        .order_by(ranked.c.parent, ranked.c.rank)
    )
    return _grouped(session.execute(kept).all())


def listen_counts(session: Session, user_ids: Collection[int]) -> dict[int, int]:
    return _counts(session, UserArtist.user_id, user_ids)


def user_listen_weights(session: Session, user_ids: Collection[int]) -> dict[int, list[int]]:
    """Every play count of each user (≤ 50 per user in this dataset): for diversity."""
    rows = session.execute(
        select(UserArtist.user_id, UserArtist.weight).where(UserArtist.user_id.in_(user_ids))
    ).all()
    weights: dict[int, list[int]] = defaultdict(list)
    for user_id, weight in rows:
        weights[user_id].append(int(weight))
    return weights


def listener_pages(
    session: Session, artist_ids: Collection[int], *, first: int, offset: int
) -> dict[int, list[Row[Any]]]:
    """Per artist: ``user_id`` and ``weight`` of its listeners, heaviest first."""
    query = select(UserArtist.user_id, UserArtist.weight).where(
        UserArtist.artist_id.in_(artist_ids)
    )
    order = [UserArtist.weight.desc(), UserArtist.user_id]
    return _window_page(session, query, UserArtist.artist_id, order, first=first, offset=offset)


def artist_play_stats(session: Session, artist_ids: Collection[int]) -> dict[int, tuple[int, int]]:
    """Per artist: (plays = sum of weights, listeners = distinct users); artists nobody
    listens to are absent (read from the `artist_stats` tally, one key lookup each)."""
    rows = session.execute(
        select(ArtistStats.artist_id, ArtistStats.plays, ArtistStats.listeners).where(
            ArtistStats.artist_id.in_(artist_ids)
        )
    ).all()
    return {row[0]: (int(row[1]), int(row[2])) for row in rows}


def artist_top_tags(
    session: Session, artist_ids: Collection[int], *, first: int
) -> dict[int, list[Row[Any]]]:
    """Per artist: ``tag_id``, ``name``, ``count`` (assignments), most used first, ties by
    name then id — the order of REST's ``/artists/{id}/tags``, so both APIs agree.

    Read from the `artist_tag_counts` tally, only the rows at or above each artist's
    ``first``-th count (`tally_floors`): a popular artist carries thousands of distinct
    tags at 100x the real data, and counting or naming every one to keep three made the
    nested GraphQL query grow with the artists' popularity.
    """
    tally = ArtistTagCount
    floors = tally_floors(Artist.id, tally.artist_id, artist_ids, rank=first)
    query = (
        select(tally.tag_id, Tag.value.label("name"), tally.assignments.label("count"))
        .select_from(floors)
        .join(tally, at_or_above_floor(floors, tally.artist_id))
        .join(Tag, Tag.id == tally.tag_id)
    )
    order = [tally.assignments.desc(), Tag.value, tally.tag_id]
    return _window_page(session, query, tally.artist_id, order, first=first - 1, offset=0)


def tag_artist_counts(session: Session, tag_ids: Collection[int]) -> dict[int, int]:
    """Per tag: how many distinct artists carry it (one row each in the tally)."""
    return _counts(session, ArtistTagCount.tag_id, tag_ids)


def tag_top_artists(
    session: Session, tag_ids: Collection[int], *, first: int
) -> dict[int, list[Row[Any]]]:
    """Per tag: artists (columns + ``count`` of assignments of the tag), most tagged first,
    ties by id; from the tally, only the rows at or above each tag's ``first``-th count."""
    tally = ArtistTagCount
    floors = tally_floors(Tag.id, tally.tag_id, tag_ids, rank=first)
    query = (
        select(
            Artist.id,
            Artist.name,
            Artist.url,
            Artist.picture_url,
            tally.assignments.label("count"),
        )
        .select_from(floors)
        .join(tally, at_or_above_floor(floors, tally.tag_id))
        .join(Artist, Artist.id == tally.artist_id)
    )
    order = [tally.assignments.desc(), Artist.id]
    return _window_page(session, query, tally.tag_id, order, first=first - 1, offset=0)


def assignment_pages(
    session: Session,
    parent_ids: Collection[int],
    *,
    by_artist: bool,
    first: int,
    offset: int,
) -> dict[int, list[Row[Any]]]:
    """Tag assignments per user (or per artist), newest first."""
    parent = UserTaggedArtist.artist_id if by_artist else UserTaggedArtist.user_id
    query = select(
        UserTaggedArtist.user_id,
        UserTaggedArtist.artist_id,
        UserTaggedArtist.tag_id,
        UserTaggedArtist.timestamp,
        UserTaggedArtist.day,
        UserTaggedArtist.month,
        UserTaggedArtist.year,
    ).where(parent.in_(parent_ids))
    order = [
        UserTaggedArtist.timestamp.desc(),
        UserTaggedArtist.user_id,
        UserTaggedArtist.artist_id,
        UserTaggedArtist.tag_id,
    ]
    return _window_page(session, query, parent, order, first=first, offset=offset)


def assignment_counts(
    session: Session, parent_ids: Collection[int], *, by_artist: bool
) -> dict[int, int]:
    parent = UserTaggedArtist.artist_id if by_artist else UserTaggedArtist.user_id
    return _counts(session, parent, parent_ids)


def user_top_tags(
    session: Session, user_ids: Collection[int], *, first: int
) -> dict[int, list[Row[Any]]]:
    """Per user: the tags they applied most (``tag_id``, ``name``, ``count``)."""
    counted = (
        select(
            UserTaggedArtist.user_id.label("user_id"),
            UserTaggedArtist.tag_id.label("tag_id"),
            func.count().label("count"),
        )
        .where(UserTaggedArtist.user_id.in_(user_ids))
        .group_by(UserTaggedArtist.user_id, UserTaggedArtist.tag_id)
        .subquery()
    )
    query = select(counted.c.tag_id, Tag.value.label("name"), counted.c.count).join(
        Tag, Tag.id == counted.c.tag_id
    )
    order = [counted.c.count.desc(), Tag.value, counted.c.tag_id]
    return _window_page(session, query, counted.c.user_id, order, first=first - 1, offset=0)


def tag_usage(
    session: Session, tag_ids: Collection[int], *, monthly: bool
) -> dict[int, list[tuple[int, int | None, int]]]:
    """Per tag: (year, month or None, assignments) in time order."""
    columns: list[Any] = [UserTaggedArtist.tag_id, UserTaggedArtist.year]
    if monthly:
        columns.append(UserTaggedArtist.month)
    rows = session.execute(
        select(*columns, func.count())
        .where(UserTaggedArtist.tag_id.in_(tag_ids))
        .group_by(*columns)
        .order_by(*columns)
    ).all()
    usage: dict[int, list[tuple[int, int | None, int]]] = defaultdict(list)
    for row in rows:
        month = int(row[2]) if monthly else None
        usage[row[0]].append((int(row[1]), month, int(row[-1])))
    return usage
