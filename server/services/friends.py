"""Friendship use cases. A friendship is mutual: it is created and deleted in both
directions in one transaction, so no reader ever sees half of one."""

from __future__ import annotations

from sqlalchemy.orm import Session

from server.errors import InvalidInputError, NotFoundError
from server.repositories import friends as repo
from server.schemas.friends import FriendshipPublic
from server.schemas.pagination import Page, PageParams
from server.services.integrity import database_rules_as_domain_errors
from server.services.users import require_user, require_users
from server.services.writes import commit_write


def _not_self(user_id: int, friend_id: int) -> None:
    if user_id == friend_id:
        raise InvalidInputError(f"user {user_id} cannot befriend themselves")


def list_friends(session: Session, user_id: int, params: PageParams) -> Page[FriendshipPublic]:
    """The user's friends by id; 404 for an unknown user."""
    total = repo.friends_count(session, user_id)
    if total == 0:
        require_user(session, user_id)
    # Past the end no page query runs (an offset beyond BIGINT would make the driver fail).
    friend_ids = (
        repo.friend_ids_page(session, user_id, limit=params.limit, offset=params.offset)
        if params.offset < total
        else ()
    )
    return Page[FriendshipPublic](
        items=[FriendshipPublic(user_id=user_id, friend_id=f) for f in friend_ids],
        total=total,
        limit=params.limit,
        offset=params.offset,
    )


def befriend(session: Session, user_id: int, friend_id: int) -> tuple[FriendshipPublic, bool]:
    """Make two users friends (both directions); ``(friendship, created)``.

    Idempotent: an existing friendship is left as it is (and a one-sided row, which only a
    hand-edited database could hold, is completed).
    """
    _not_self(user_id, friend_id)
    require_users(session, [user_id, friend_id])
    stored = repo.stored_directions(session, user_id, friend_id)
    missing = [pair for pair in ((user_id, friend_id), (friend_id, user_id)) if pair not in stored]
    added = 0
    if missing:
        with database_rules_as_domain_errors(
            session, f"the friendship of users {user_id} and {friend_id} changed concurrently"
        ):
            # Directions a concurrent PUT added meanwhile are skipped, not a conflict.
            added = repo.add_directions(session, missing)
            if added:
                commit_write(session)
    return FriendshipPublic(user_id=user_id, friend_id=friend_id), bool(added)


def unfriend(session: Session, user_id: int, friend_id: int) -> None:
    """End a friendship (both directions); 404 when there is none."""
    _not_self(user_id, friend_id)
    if repo.delete_both(session, user_id, friend_id) == 0:
        require_users(session, [user_id, friend_id])
        raise NotFoundError(
            f"users {user_id} and {friend_id} are not friends",
            resource="friendship",
            user_id=user_id,
            friend_id=friend_id,
        )
    commit_write(session)
