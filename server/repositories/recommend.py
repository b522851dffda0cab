"""Rows the recommender reads: whole tables to train on, one user's rows to serve.

Training reads each table once with one set-based statement (they run per data version, in
`soundstream recommend train` or once in-process for a small database). Serving reads only the
requesting user's rows — primary-key range scans (``userID`` leads every link table's key) —
plus the names of the artists and tags it returns.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import (
    BigInteger,
    CompoundSelect,
    Integer,
    Select,
    bindparam,
    cast,
    func,
    literal_column,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from server.db.models import Artist, Tag, User, UserArtist, UserFriend, UserTaggedArtist
from server.repositories import idlists

IntMatrix = npt.NDArray[np.int64]

# --- training --------------------------------------------------------------------------------


def user_ids(session: Session) -> list[int]:
    return [int(u) for u in session.scalars(select(User.id).order_by(User.id))]


def artist_ids(session: Session) -> list[int]:
    return [int(a) for a in session.scalars(select(Artist.id).order_by(Artist.id))]


def tag_ids(session: Session) -> list[int]:
    return [int(t) for t in session.scalars(select(Tag.id).order_by(Tag.id))]


def listen_rows(session: Session) -> IntMatrix:
    """Every ``(userID, artistID, weight)`` as an n × 3 array; weights are play counts."""
    return _int_matrix(session, select(UserArtist.user_id, UserArtist.artist_id, UserArtist.weight))


def friendship_rows(session: Session) -> IntMatrix:
    """Every stored ``(userID, friendID)`` (both directions of each friendship), n × 2."""
    return _int_matrix(session, select(UserFriend.user_id, UserFriend.friend_id))


def tag_assignment_rows(session: Session) -> IntMatrix:
    """``(userID, artistID, tagID)`` of every assignment (timestamps dropped), n × 3."""
    return _int_matrix(
        session,
        select(UserTaggedArtist.user_id, UserTaggedArtist.artist_id, UserTaggedArtist.tag_id),
    )


def _int_matrix(session: Session, query: Select[*tuple[Any, ...]]) -> IntMatrix:
    """The rows of ``query`` (integer columns, no NULLs) as an int64 array, read in the
    session's transaction.

    Why not ``session.execute``: at 100× the real data these are 28 M rows, and a Python
    tuple (and a SQLAlchemy ``Row``) per row is most of the read — and a list of 18.6 M
    3-tuples is ~3 GB before numpy copies it. PostgreSQL sends the rows as one binary
    ``COPY`` that numpy reads in place; SQLite's driver cursor is flattened straight into
    the array (no ``Row`` objects, no list). 10× data, 1.87 M tag assignments from SQLite:
    2–3 s instead of 8–10 s.
    """
    width = len(query.selected_columns)
    conn = session.connection()
    columns = [cast(column, BigInteger) for column in query.selected_columns]
    stmt = query.with_only_columns(*columns)
    sql = str(stmt.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
    driver = conn.connection.driver_connection
    if driver is None:
        raise RuntimeError("no driver connection behind the session")
    if conn.dialect.name == "postgresql":
        return _copy_binary_int8(driver, sql, width)
    cursor = driver.cursor()
    try:
        cursor.execute(sql)
        flat = np.fromiter(itertools.chain.from_iterable(cursor), dtype=np.int64)
    finally:
        cursor.close()
    return flat.reshape(-1, width)


_PG_COPY_HEADER = b"PGCOPY\n\xff\r\n\x00"


def _copy_binary_int8(driver: Any, sql: str, width: int) -> IntMatrix:
    """``COPY (sql) TO STDOUT (FORMAT BINARY)`` of ``width`` int8 columns, parsed by numpy:
    after a 19-byte header, each row is a 2-byte column count and, per column, a 4-byte
    length (8) and the big-endian value; a 2-byte -1 ends the stream."""
    buffer = bytearray()
    with driver.cursor() as cursor, cursor.copy(f"COPY ({sql}) TO STDOUT (FORMAT BINARY)") as copy:
        for chunk in copy:
            buffer += chunk
    if not buffer.startswith(_PG_COPY_HEADER):
        raise ValueError("unexpected COPY BINARY header")
    extension = int.from_bytes(buffer[15:19], "big")
    start = 19 + extension
    fields: list[tuple[str, str]] = [("count", ">i2")]
    for i in range(width):
        fields += [(f"length{i}", ">i4"), (f"value{i}", ">i8")]
    record = np.dtype(fields)
    n = (len(buffer) - start - 2) // record.itemsize
    rows = np.frombuffer(buffer, dtype=record, count=n, offset=start)
    if n and (
        np.any(rows["count"] != width) or any(np.any(rows[f"length{i}"] != 8) for i in range(width))
    ):
        raise ValueError("unexpected COPY BINARY row layout (NULL or not int8)")
    out = np.empty((n, width), dtype=np.int64)
    for i in range(width):
        out[:, i] = rows[f"value{i}"]
    return out


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


@dataclass(frozen=True, slots=True)
class UserState:
    """One user's rows as they are now (Last.fm ids; weights are play counts)."""

    exists: bool
    plays: dict[int, int]
    friend_ids: list[int]
    """Ascending."""
    tag_counts: dict[int, int]
    """``{tagID: assignments}`` the user made, over all artists."""


_PLAYS, _FRIENDS, _TAGS, _USER = 0, 1, 2, 3


def _kind(value: int) -> Any:
    return literal_column(str(value), Integer)


def _user_state_statement() -> CompoundSelect[Any]:
    user_id = bindparam("user_id", type_=Integer)
    no_value = literal_column("0", BigInteger)
    return union_all(
        select(_kind(_PLAYS), UserArtist.artist_id, UserArtist.weight).where(
            UserArtist.user_id == user_id
        ),
        select(_kind(_FRIENDS), UserFriend.friend_id, no_value).where(
            UserFriend.user_id == user_id
        ),
        select(_kind(_TAGS), UserTaggedArtist.tag_id, func.count())
        .where(UserTaggedArtist.user_id == user_id)
        .group_by(UserTaggedArtist.tag_id),
        select(_kind(_USER), User.id, no_value).where(User.id == user_id),
    )


# Built once: constructing the statement per request (its clauses, its cache key) cost as
# much as running it.
_USER_STATE = _user_state_statement()


def user_state(session: Session, user_id: int) -> UserState:
    """The user's listens, friends and tag counts, and whether the user exists: four
    primary-key range reads in one ``UNION ALL`` statement — one round trip and one
    statement's overhead per request instead of three or four."""
    plays: dict[int, int] = {}
    friends: list[int] = []
    tags: dict[int, int] = {}
    exists = False
    for what, key, value in session.execute(_USER_STATE, {"user_id": user_id}):
        if what == _PLAYS:
            plays[int(key)] = int(value)
        elif what == _FRIENDS:
            friends.append(int(key))
        elif what == _TAGS:
            tags[int(key)] = int(value)
        else:
            exists = True
    friends.sort()
    return UserState(exists, plays, friends, tags)


def _names_statement(array_parameters: bool) -> CompoundSelect[Any]:
    """Artist and tag names by id lists. With ``array_parameters`` (PostgreSQL) each list
    is one array parameter (``id = ANY(:ids)``): the SQL text is the same for every call, so
    it is compiled once and prepared by the server. Otherwise (SQLite) an expanding ``IN``,
    whose placeholders are rendered per call."""

    return union_all(
        select(_kind(0), Artist.id, Artist.name).where(
            idlists.matches(Artist.id, "artist_ids", array=array_parameters)
        ),
        select(_kind(1), Tag.id, Tag.value).where(
            idlists.matches(Tag.id, "tag_ids", array=array_parameters)
        ),
    )


_NAMES = idlists.by_dialect(_names_statement)


def names(
    session: Session, artist_ids: Collection[int], tag_ids: Collection[int]
) -> tuple[dict[int, str], dict[int, str]]:
    """``({artistID: name}, {tagID: value})`` of those ids that exist, in one statement."""
    artists: dict[int, str] = {}
    tags: dict[int, str] = {}
    if not artist_ids and not tag_ids:
        return artists, tags
    stmt = _NAMES[idlists.uses_arrays(session)]
    found = session.execute(stmt, {"artist_ids": sorted(artist_ids), "tag_ids": sorted(tag_ids)})
    for what, key, name in found:
        (artists if what == 0 else tags)[int(key)] = str(name)
    return artists, tags


def artist_names(session: Session, ids: Collection[int]) -> dict[int, str]:
    """``{id: name}`` of those ``ids`` that exist (one statement)."""
    if not ids:
        return {}
    stmt = select(Artist.id, Artist.name).where(Artist.id.in_(sorted(ids)))
    return {int(a): str(name) for a, name in session.execute(stmt)}


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
