"""User use cases. A user is only an id in the dataset; reads add the sizes of what the user
owns so a client can show a profile without three more requests."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from server.errors import ConflictError, NotFoundError
from server.repositories import users as repo
from server.schemas.fields import INT32_MAX
from server.schemas.pagination import Page, PageParams
from server.schemas.users import UserCreate, UserPublic
from server.services.integrity import database_rules_as_domain_errors, no_id_left
from server.services.totals import table_total
from server.services.writes import commit_write


def user_not_found(user_id: int) -> NotFoundError:
    return NotFoundError(f"user {user_id} does not exist", resource="user", id=user_id)


def require_user(session: Session, user_id: int) -> None:
    """Raise `NotFoundError` naming the user unless they exist."""
    if not repo.exists(session, user_id):
        raise user_not_found(user_id)


def require_users(session: Session, user_ids: Sequence[int]) -> None:
    """Raise `NotFoundError` naming the first of ``user_ids`` that does not exist."""
    found = repo.existing(session, user_ids)
    for user_id in user_ids:
        if user_id not in found:
            raise user_not_found(user_id)


def _public(row: Any) -> UserPublic:
    return UserPublic(
        id=row.id,
        listen_count=row.listen_count,
        friend_count=row.friend_count,
        tag_assignment_count=row.tag_assignment_count,
    )


def list_users(session: Session, params: PageParams) -> Page[UserPublic]:
    """Users by id, each with its counts."""
    total = table_total(session, "users", repo.count)
    # Past the end no page query runs (an offset beyond BIGINT would make the driver fail).
    rows = (
        repo.page_with_counts(session, limit=params.limit, offset=params.offset)
        if params.offset < total
        else []
    )
    return Page[UserPublic](
        items=[_public(row) for row in rows],
        total=total,
        limit=params.limit,
        offset=params.offset,
    )


def get_user(session: Session, user_id: int) -> UserPublic:
    row = repo.get_with_counts(session, user_id)
    if row is None:
        raise user_not_found(user_id)
    return _public(row)


def create_user(session: Session, data: UserCreate) -> UserPublic:
    """Create a user with ``data.id`` (409 if taken) or with the largest id + 1."""
    if data.id is not None and repo.exists(session, data.id):
        raise ConflictError(f"user {data.id} already exists", resource="user", id=data.id)
    with database_rules_as_domain_errors(
        session, "the user id was taken concurrently", out_of_range=no_id_left("user")
    ):
        user = repo.add(session, user_id=data.id)
        if user.id > INT32_MAX:  # SQLite hands out the largest rowid + 1, unbounded
            raise no_id_left("user")
        commit_write(session)
    return UserPublic(id=user.id, listen_count=0, friend_count=0, tag_assignment_count=0)


def delete_user(session: Session, user_id: int) -> None:
    """Delete a user with their listens, tag assignments and friendships (both directions)."""
    if not repo.delete_by_id(session, user_id):
        raise user_not_found(user_id)
    commit_write(session)
