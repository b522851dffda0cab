"""Users, their listens, friendships and tag assignments.

A *weight* is a play count; a *timestamp* is Unix time in milliseconds (UTC).
"""

from __future__ import annotations

import datetime as dt

from soundstream_sdk._models import SoundStreamModel


class User(SoundStreamModel):
    """A user with the sizes of their listens, friendships and tag assignments."""

    id: int
    listen_count: int = 0
    friend_count: int = 0
    tag_assignment_count: int = 0


class UserArtist(SoundStreamModel):
    """One of a user's artists with the user's play count (``weight``)."""

    artist_id: int
    name: str
    url: str | None = None
    picture_url: str | None = None
    weight: int


class Listen(SoundStreamModel):
    """A user's play count for one artist."""

    user_id: int
    artist_id: int
    weight: int


class Friendship(SoundStreamModel):
    """``user_id`` and ``friend_id`` are friends (always both ways round)."""

    user_id: int
    friend_id: int


class TagAssignment(SoundStreamModel):
    """A user applied a tag to an artist at ``timestamp`` (Unix ms, UTC)."""

    user_id: int
    artist_id: int
    artist_name: str
    tag_id: int
    tag_name: str
    timestamp: int
    day: int | None = None
    month: int | None = None
    year: int | None = None

    @property
    def assigned_at(self) -> dt.datetime:
        """``timestamp`` as an aware UTC datetime."""
        return dt.datetime.fromtimestamp(self.timestamp / 1000, tz=dt.UTC)
