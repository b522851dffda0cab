"""Typed results of the GraphQL walks in `soundstream_sdk.resources.graph`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import Field

from soundstream_sdk._frames import frame_from_records
from soundstream_sdk._models import SoundStreamModel
from soundstream_sdk.types.social import Community, UserSocial

if TYPE_CHECKING:
    import pandas as pd


class NetworkTag(SoundStreamModel):
    """One of an artist's top tags; ``count`` is its assignments on the artist."""

    id: int
    name: str
    count: int


class NetworkArtist(SoundStreamModel):
    """One of a user's top artists: ``weight`` is that user's plays of it, ``plays`` and
    ``listeners`` are everybody's."""

    id: int
    name: str
    weight: int
    plays: int
    listeners: int
    top_tags: list[NetworkTag] = Field(default_factory=list)


class NetworkFriend(SoundStreamModel):
    """A friend with their own top artists."""

    id: int
    friend_count: int
    artist_count: int = Field(description="All the friend's artists, not only those listed.")
    top_artists: list[NetworkArtist] = Field(default_factory=list)


class UserNetwork(SoundStreamModel):
    """A user, their top artists and their friends' top artists, each with top tags."""

    id: int
    friend_count: int
    artist_count: int
    top_artists: list[NetworkArtist] = Field(default_factory=list)
    friends: list[NetworkFriend] = Field(default_factory=list)

    def to_pandas(self) -> pd.DataFrame:
        """One row per (listener, artist): the user's rows first, then each friend's.

        Columns: ``user_id``, ``is_friend``, ``artist_id``, ``artist``, ``weight``,
        ``tags`` (the artist's top tag names). Needs the ``pandas`` extra.

        Example:
            >>> net = client.graph.user_network(2)  # doctest: +SKIP
            >>> net.to_pandas().groupby("artist")["weight"].sum()  # doctest: +SKIP
        """
        rows: list[dict[str, Any]] = []
        listeners = [(self.id, False, self.top_artists)]
        listeners += [(f.id, True, f.top_artists) for f in self.friends]
        for user_id, is_friend, artists in listeners:
            rows.extend(
                {
                    "user_id": user_id,
                    "is_friend": is_friend,
                    "artist_id": artist.id,
                    "artist": artist.name,
                    "weight": artist.weight,
                    "tags": [tag.name for tag in artist.top_tags],
                }
                for artist in artists
            )
        return frame_from_records(rows)


class CircleFriend(SoundStreamModel):
    """A friend and their place in the friendship graph."""

    id: int
    friend_count: int
    metrics: UserSocial | None = None


class SocialCircle(SoundStreamModel):
    """A user's place in the friendship graph, their community and each friend's place."""

    id: int
    friend_count: int
    metrics: UserSocial | None = None
    community: Community | None = None
    friends: list[CircleFriend] = Field(default_factory=list)

    def to_pandas(self) -> pd.DataFrame:
        """One row per friend with their metrics (``degree``, ``pagerank``, ``community``...).

        Example:
            >>> client.graph.social_circle(2).to_pandas().sort_values("pagerank")  # doctest: +SKIP
        """
        rows: list[dict[str, Any]] = []
        for friend in self.friends:
            metrics = friend.metrics.to_dict() if friend.metrics else {}
            metrics.pop("id", None)
            rows.append({"id": friend.id, "friend_count": friend.friend_count, **metrics})
        return frame_from_records(rows)
