"""Friendship rows (``user_friends``). Every friendship is two rows, one per direction;
writes here always touch both so the relation stays symmetric."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import CursorResult, and_, delete, func, or_, select
from sqlalchemy.orm import Session

from server.db.models import UserFriend
from server.repositories.inserts import insert_absent


def friend_ids_page(session: Session, user_id: int, *, limit: int, offset: int) -> Sequence[int]:
    """The user's friends by id."""
    query = (
        select(UserFriend.friend_id)
        .where(UserFriend.user_id == user_id)
        .order_by(UserFriend.friend_id)
        .limit(limit)
        .offset(offset)
    )
    return session.scalars(query).all()


def friends_count(session: Session, user_id: int) -> int:
    query = select(func.count()).select_from(UserFriend).where(UserFriend.user_id == user_id)
    return session.execute(query).scalar_one()


def _both_directions(user_id: int, friend_id: int) -> Any:
    return or_(
        and_(UserFriend.user_id == user_id, UserFriend.friend_id == friend_id),
        and_(UserFriend.user_id == friend_id, UserFriend.friend_id == user_id),
    )


def stored_directions(session: Session, user_id: int, friend_id: int) -> set[tuple[int, int]]:
    """Which of ``(user_id, friend_id)`` and ``(friend_id, user_id)`` are stored."""
    query = select(UserFriend.user_id, UserFriend.friend_id).where(
        _both_directions(user_id, friend_id)
    )
    return {(row.user_id, row.friend_id) for row in session.execute(query)}


def add_directions(session: Session, pairs: Sequence[tuple[int, int]]) -> int:
    """Insert the directions that are absent (a concurrent writer may have added some);
    the number of rows added."""
    rows = [{"userID": a, "friendID": b} for a, b in pairs]
    return insert_absent(session, UserFriend.__table__, rows)  # type: ignore[arg-type]


def delete_both(session: Session, user_id: int, friend_id: int) -> int:
    """Delete both directions in one statement; the number of rows removed (0–2)."""
    result = session.execute(
        delete(UserFriend).where(_both_directions(user_id, friend_id)),
        execution_options={"synchronize_session": False},
    )
    return cast(CursorResult[Any], result).rowcount
