"""User rows and their per-user counts.

The counts are correlated subqueries in the one SELECT that reads the users, so a page of
users costs one statement whatever its size; each subquery is a range scan of a link table's
primary key, which starts with ``userID``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import CursorResult, Row, Select, delete, func, select
from sqlalchemy.orm import Session

from server.db.models import User, UserArtist, UserFriend, UserTaggedArtist
from server.repositories.sequences import advance_id_sequence


def _count_of(column: Any) -> Any:
    return (
        select(func.count())
        .select_from(column.table)
        .where(column == User.id)
        .correlate(User)
        .scalar_subquery()
    )


def _with_counts() -> Select[int, int, int, int]:
    return select(
        User.id,
        _count_of(UserArtist.user_id).label("listen_count"),
        _count_of(UserFriend.user_id).label("friend_count"),
        _count_of(UserTaggedArtist.user_id).label("tag_assignment_count"),
    )


def get_with_counts(session: Session, user_id: int) -> Row[int, int, int, int] | None:
    """``(id, listen_count, friend_count, tag_assignment_count)`` or None."""
    return session.execute(_with_counts().where(User.id == user_id)).one_or_none()


def page_with_counts(
    session: Session, *, limit: int, offset: int
) -> Sequence[Row[int, int, int, int]]:
    """Users by id, each with its counts."""
    return session.execute(_with_counts().order_by(User.id).limit(limit).offset(offset)).all()


def exists(session: Session, user_id: int) -> bool:
    return session.scalar(select(User.id).where(User.id == user_id)) is not None


def existing(session: Session, user_ids: Sequence[int]) -> set[int]:
    """Which of ``user_ids`` exist (one statement)."""
    return set(session.scalars(select(User.id).where(User.id.in_(user_ids))))


def count(session: Session) -> int:
    return session.execute(select(func.count()).select_from(User)).scalar_one()


def add(session: Session, *, user_id: int | None) -> User:
    """Insert a user; without ``user_id`` the database picks the next id."""
    user = User() if user_id is None else User(id=user_id)
    session.add(user)
    session.flush()
    if user_id is not None:
        advance_id_sequence(session, User.__tablename__, "userID")
    return user


def delete_by_id(session: Session, user_id: int) -> bool:
    """Delete a user; the database cascades to their listens, tag assignments and both
    directions of their friendships. False when there was no such user."""
    result = session.execute(
        delete(User).where(User.id == user_id),
        execution_options={"synchronize_session": False},
    )
    return cast(CursorResult[Any], result).rowcount > 0
