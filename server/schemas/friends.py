"""Friendships: mutual, so one friendship is two stored rows but one resource here."""

from __future__ import annotations

from pydantic import BaseModel

from server.schemas.pagination import Page


class FriendshipPublic(BaseModel):
    """``user_id`` and ``friend_id`` are friends (and so, always, the other way round)."""

    user_id: int
    friend_id: int


FriendshipsPublic = Page[FriendshipPublic]
