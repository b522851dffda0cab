"""``client.users``: users, their listens, friends, tag assignments, profile and
recommendations."""

from __future__ import annotations

import datetime as dt
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any, Literal, overload

from soundstream_sdk._base_client import query_params
from soundstream_sdk._pagination import AsyncPage, AsyncPaginator, SyncPage
from soundstream_sdk.resources._base import AsyncAPIResource, SyncAPIResource, path_id
from soundstream_sdk.types.analytics import UserProfile
from soundstream_sdk.types.recommendations import Recommendations, SimilarUsers
from soundstream_sdk.types.users import Friendship, Listen, TagAssignment, User, UserArtist

if TYPE_CHECKING:
    import pandas as pd

ListenSort = Literal["-weight", "weight", "name", "-name", "artist_id", "-artist_id"]
Strategy = Literal["hybrid", "cf", "social", "tags", "popular"]


def _assignment_body(
    artist_id: int,
    tag_id: int | None,
    tag_name: str | None,
    timestamp: int | None,
    date: dt.date | None,
) -> dict[str, Any]:
    body: dict[str, Any] = {"artist_id": artist_id}
    if tag_id is not None:
        body["tag_id"] = tag_id
    if tag_name is not None:
        body["tag_name"] = tag_name
    if timestamp is not None:
        body["timestamp"] = timestamp
    if date is not None:
        body["date"] = date.isoformat()
    return body


def _create_body(id: int | None) -> dict[str, Any]:
    return {} if id is None else {"id": id}


def _page_params(**values: Any) -> dict[str, Any]:
    return query_params(values)


class Users(SyncAPIResource):
    """Users (``/api/v1/users``). A user of the dataset is an id plus what hangs off it."""

    @overload
    def list(
        self,
        *,
        limit: int | None = None,
        offset: int | None = None,
        as_frame: Literal[False] = False,
    ) -> SyncPage[User]: ...
    @overload
    def list(
        self, *, limit: int | None = None, offset: int | None = None, as_frame: Literal[True]
    ) -> pd.DataFrame: ...
    def list(
        self, *, limit: int | None = None, offset: int | None = None, as_frame: bool = False
    ) -> SyncPage[User] | pd.DataFrame:
        """Every user, by id, with their counts; iterating fetches the following pages.

        Example:
            >>> [user.id for user in client.users.list()]
            [2, 3, 4, 5, 6]
        """
        page = self._client._page(
            "/users", _page_params(limit=limit, offset=offset), User, SyncPage[User]
        )
        return page.to_pandas() if as_frame else page

    def get(self, user_id: int) -> User:
        """One user with the sizes of their listens, friendships and tag assignments.

        Raises:
            NotFoundError: No user has this id.

        Example:
            >>> client.users.get(2).friend_count
            2
        """
        return self._client._get(f"/users/{path_id(user_id)}", cast_to=User)

    def create(self, *, id: int | None = None) -> User:
        """Create a user (needs an API key); without ``id``, the largest id + 1.

        Raises:
            ConflictError: ``id`` is taken.

        Example:
            >>> client.users.create().id
            7
        """
        return self._client._write("POST", "/users", cast_to=User, body=_create_body(id))

    def delete(self, user_id: int) -> None:
        """Delete a user with their listens, tag assignments and friendships.

        Example:
            >>> client.users.delete(7)
        """
        self._client._delete(f"/users/{path_id(user_id)}")

    @overload
    def artists(
        self,
        user_id: int,
        *,
        sort: ListenSort | None = None,
        limit: int | None = None,
        offset: int | None = None,
        as_frame: Literal[False] = False,
    ) -> SyncPage[UserArtist]: ...
    @overload
    def artists(
        self,
        user_id: int,
        *,
        sort: ListenSort | None = None,
        limit: int | None = None,
        offset: int | None = None,
        as_frame: Literal[True],
    ) -> pd.DataFrame: ...
    def artists(
        self,
        user_id: int,
        *,
        sort: ListenSort | None = None,
        limit: int | None = None,
        offset: int | None = None,
        as_frame: bool = False,
    ) -> SyncPage[UserArtist] | pd.DataFrame:
        """A user's artists with play counts (``weight``), most played first by default.

        Args:
            user_id: The user.
            sort: ``-weight`` (default), ``weight``, ``name``, ``-name``, ``artist_id`` or
                ``-artist_id``; ties break by artist id.
            limit: Page size, 1–100.
            offset: Artists to skip.
            as_frame: Return every artist as a pandas DataFrame.

        Example:
            >>> [(a.name, a.weight) for a in client.users.artists(2)]
            [('Radiohead', 1000), ('Muse', 500), ('Björk', 50)]
        """
        page = self._client._page(
            f"/users/{path_id(user_id)}/artists",
            _page_params(sort=sort, limit=limit, offset=offset),
            UserArtist,
            SyncPage[UserArtist],
        )
        return page.to_pandas() if as_frame else page

    def get_listen(self, user_id: int, artist_id: int) -> Listen:
        """A user's play count for one artist.

        Example:
            >>> client.users.get_listen(2, 4).weight
            1000
        """
        return self._client._get(
            f"/users/{path_id(user_id)}/artists/{path_id(artist_id)}", cast_to=Listen
        )

    def set_listen(self, user_id: int, artist_id: int, *, weight: int) -> Listen:
        """Set a user's play count for an artist, creating the listen if needed (PUT).

        Example:
            >>> client.users.set_listen(2, 7, weight=42)
            Listen(user_id=2, artist_id=7, weight=42)
        """
        return self._client._write(
            "PUT",
            f"/users/{path_id(user_id)}/artists/{path_id(artist_id)}",
            cast_to=Listen,
            body={"weight": weight},
        )

    def delete_listen(self, user_id: int, artist_id: int) -> None:
        """Remove a user's play count for an artist.

        Example:
            >>> client.users.delete_listen(2, 7)
        """
        self._client._delete(f"/users/{path_id(user_id)}/artists/{path_id(artist_id)}")

    @overload
    def friends(
        self,
        user_id: int,
        *,
        limit: int | None = None,
        offset: int | None = None,
        as_frame: Literal[False] = False,
    ) -> SyncPage[Friendship]: ...
    @overload
    def friends(
        self,
        user_id: int,
        *,
        limit: int | None = None,
        offset: int | None = None,
        as_frame: Literal[True],
    ) -> pd.DataFrame: ...
    def friends(
        self,
        user_id: int,
        *,
        limit: int | None = None,
        offset: int | None = None,
        as_frame: bool = False,
    ) -> SyncPage[Friendship] | pd.DataFrame:
        """A user's friends, by id.

        Example:
            >>> [f.friend_id for f in client.users.friends(2)]
            [3, 4]
        """
        page = self._client._page(
            f"/users/{path_id(user_id)}/friends",
            _page_params(limit=limit, offset=offset),
            Friendship,
            SyncPage[Friendship],
        )
        return page.to_pandas() if as_frame else page

    def add_friend(self, user_id: int, friend_id: int) -> Friendship:
        """Make two users friends (both directions; doing it twice is harmless).

        Raises:
            UnprocessableEntityError: A user cannot befriend themselves.

        Example:
            >>> client.users.add_friend(2, 6)
            Friendship(user_id=2, friend_id=6)
        """
        return self._client._write(
            "PUT",
            f"/users/{path_id(user_id)}/friends/{path_id(friend_id)}",
            cast_to=Friendship,
            body=None,
        )

    def remove_friend(self, user_id: int, friend_id: int) -> None:
        """End a friendship (both directions).

        Raises:
            NotFoundError: The users are not friends.

        Example:
            >>> client.users.remove_friend(2, 6)
        """
        self._client._delete(f"/users/{path_id(user_id)}/friends/{path_id(friend_id)}")

    @overload
    def tag_assignments(
        self,
        user_id: int,
        *,
        artist_id: int | None = None,
        tag_id: int | None = None,
        limit: int | None = None,
        offset: int | None = None,
        as_frame: Literal[False] = False,
    ) -> SyncPage[TagAssignment]: ...
    @overload
    def tag_assignments(
        self,
        user_id: int,
        *,
        artist_id: int | None = None,
        tag_id: int | None = None,
        limit: int | None = None,
        offset: int | None = None,
        as_frame: Literal[True],
    ) -> pd.DataFrame: ...
    def tag_assignments(
        self,
        user_id: int,
        *,
        artist_id: int | None = None,
        tag_id: int | None = None,
        limit: int | None = None,
        offset: int | None = None,
        as_frame: bool = False,
    ) -> SyncPage[TagAssignment] | pd.DataFrame:
        """The tags a user applied, newest first; optionally of one artist or one tag.

        Example:
            >>> [(a.artist_name, a.tag_name) for a in client.users.tag_assignments(2)][:2]
            [('Muse', 'rock'), ('Radiohead', 'rock')]
        """
        page = self._client._page(
            f"/users/{path_id(user_id)}/tag-assignments",
            _page_params(artist_id=artist_id, tag_id=tag_id, limit=limit, offset=offset),
            TagAssignment,
            SyncPage[TagAssignment],
        )
        return page.to_pandas() if as_frame else page

    def add_tag_assignment(
        self,
        user_id: int,
        artist_id: int,
        *,
        tag_id: int | None = None,
        tag_name: str | None = None,
        timestamp: int | None = None,
        date: dt.date | None = None,
    ) -> TagAssignment:
        """Tag an artist on behalf of a user.

        Args:
            user_id: Who tags.
            artist_id: The artist tagged.
            tag_id: The tag, by id; or
            tag_name: the tag by name (case-insensitive; a new name creates the tag).
            timestamp: When, in Unix milliseconds (UTC); or
            date: the UTC day. Neither: now.

        Raises:
            ConflictError: The user already applied this tag to this artist.

        Example:
            >>> client.users.add_tag_assignment(2, 7, tag_name="french house").tag_name
            'french house'
        """
        return self._client._write(
            "POST",
            f"/users/{path_id(user_id)}/tag-assignments",
            cast_to=TagAssignment,
            body=_assignment_body(path_id(artist_id), tag_id, tag_name, timestamp, date),
        )

    def remove_tag_assignment(
        self, user_id: int, artist_id: int, tag_id: int, *, timestamp: int | None = None
    ) -> None:
        """Remove a tag assignment (optionally only the one made at ``timestamp``).

        Example:
            >>> client.users.remove_tag_assignment(2, 4, 6)
        """
        self._client._delete(
            f"/users/{path_id(user_id)}/tag-assignments/{path_id(artist_id)}/{path_id(tag_id)}",
            params=query_params({"timestamp": timestamp}),
        )

    def profile(self, user_id: int, *, limit: int | None = None) -> UserProfile:
        """A user's listening profile: top artists and tags, diversity, friends.

        Args:
            user_id: The user.
            limit: Entries per top list, 1–50 (server default 10).

        Example:
            >>> profile = client.users.profile(2)
            >>> profile.total_plays, profile.top_artists[0].name
            (1550, 'Radiohead')
        """
        return self._client._get(
            f"/users/{path_id(user_id)}/profile",
            cast_to=UserProfile,
            params=query_params({"limit": limit}),
        )

    def recommendations(
        self, user_id: int, *, limit: int = 10, strategy: Strategy | None = None
    ) -> Recommendations:
        """Artists to recommend to a user, best first, each with its reasons.

        Args:
            user_id: The user.
            limit: How many artists, 1–100.
            strategy: What the list is built from: ``"hybrid"`` (the server's default: the
                collaborative models, friends' listening and tag taste blended), ``"cf"``,
                ``"social"``, ``"tags"`` or ``"popular"`` (one signal each).

        Returns:
            ``items`` best first, each with ``reasons`` (`SimilarArtistsReason`,
            `FriendsReason`, `TagsReason`, `PopularReason`); ``model_version`` names the
            model that answered, ``fallback`` what answered when no model did.

        Example:
            >>> recs = client.users.recommendations(2, limit=5)
            >>> [(r.name, [reason.kind for reason in r.reasons]) for r in recs.items]
            [('Daft Punk', ['similar_artists', 'friends', 'tags']), ...]
        """
        return self._client._get(
            f"/users/{path_id(user_id)}/recommendations",
            cast_to=Recommendations,
            params=query_params({"limit": limit, "strategy": strategy}),
        )

    def similar(self, user_id: int, *, limit: int | None = None) -> SimilarUsers:
        """Users whose listening is most like this user's, with how many artists they share
        and whether they are already friends.

        Example:
            >>> [(u.user_id, u.is_friend) for u in client.users.similar(2, limit=2).items]
            [(5, False), (3, True)]
        """
        return self._client._get(
            f"/users/{path_id(user_id)}/similar-users",
            cast_to=SimilarUsers,
            params=query_params({"limit": limit}),
        )


class AsyncUsers(AsyncAPIResource):
    """Users (``/api/v1/users``), async. Same methods as `Users`."""

    @overload
    def list(
        self,
        *,
        limit: int | None = None,
        offset: int | None = None,
        as_frame: Literal[False] = False,
    ) -> AsyncPaginator[User, AsyncPage[User]]: ...
    @overload
    def list(
        self, *, limit: int | None = None, offset: int | None = None, as_frame: Literal[True]
    ) -> Coroutine[Any, Any, pd.DataFrame]: ...
    def list(
        self, *, limit: int | None = None, offset: int | None = None, as_frame: bool = False
    ) -> AsyncPaginator[User, AsyncPage[User]] | Coroutine[Any, Any, pd.DataFrame]:
        """Every user, by id.

        Example:
            >>> [user.id async for user in client.users.list()]
            [2, 3, 4, 5, 6]
        """
        paginator = self._client._paginator(
            "/users", _page_params(limit=limit, offset=offset), User, AsyncPage[User]
        )
        return paginator.to_pandas() if as_frame else paginator

    async def get(self, user_id: int) -> User:
        """One user with their counts.

        Example:
            >>> (await client.users.get(2)).friend_count
            2
        """
        return await self._client._get(f"/users/{path_id(user_id)}", cast_to=User)

    async def create(self, *, id: int | None = None) -> User:
        """Create a user (needs an API key).

        Example:
            >>> (await client.users.create()).id
            7
        """
        return await self._client._write("POST", "/users", cast_to=User, body=_create_body(id))

    async def delete(self, user_id: int) -> None:
        """Delete a user with everything that hangs off them.

        Example:
            >>> await client.users.delete(7)
        """
        await self._client._delete(f"/users/{path_id(user_id)}")

    @overload
    def artists(
        self,
        user_id: int,
        *,
        sort: ListenSort | None = None,
        limit: int | None = None,
        offset: int | None = None,
        as_frame: Literal[False] = False,
    ) -> AsyncPaginator[UserArtist, AsyncPage[UserArtist]]: ...
    @overload
    def artists(
        self,
        user_id: int,
        *,
        sort: ListenSort | None = None,
        limit: int | None = None,
        offset: int | None = None,
        as_frame: Literal[True],
    ) -> Coroutine[Any, Any, pd.DataFrame]: ...
    def artists(
        self,
        user_id: int,
        *,
        sort: ListenSort | None = None,
        limit: int | None = None,
        offset: int | None = None,
        as_frame: bool = False,
    ) -> AsyncPaginator[UserArtist, AsyncPage[UserArtist]] | Coroutine[Any, Any, pd.DataFrame]:
        """A user's artists with play counts.

        Example:
            >>> [a.name async for a in client.users.artists(2, sort="name")]
            ['Björk', 'Muse', 'Radiohead']
        """
        paginator = self._client._paginator(
            f"/users/{path_id(user_id)}/artists",
            _page_params(sort=sort, limit=limit, offset=offset),
            UserArtist,
            AsyncPage[UserArtist],
        )
        return paginator.to_pandas() if as_frame else paginator

    async def get_listen(self, user_id: int, artist_id: int) -> Listen:
        """A user's play count for one artist.

        Example:
            >>> (await client.users.get_listen(2, 4)).weight
            1000
        """
        return await self._client._get(
            f"/users/{path_id(user_id)}/artists/{path_id(artist_id)}", cast_to=Listen
        )

    async def set_listen(self, user_id: int, artist_id: int, *, weight: int) -> Listen:
        """Set a user's play count for an artist (PUT).

        Example:
            >>> await client.users.set_listen(2, 7, weight=42)
            Listen(user_id=2, artist_id=7, weight=42)
        """
        return await self._client._write(
            "PUT",
            f"/users/{path_id(user_id)}/artists/{path_id(artist_id)}",
            cast_to=Listen,
            body={"weight": weight},
        )

    async def delete_listen(self, user_id: int, artist_id: int) -> None:
        """Remove a user's play count for an artist.

        Example:
            >>> await client.users.delete_listen(2, 7)
        """
        await self._client._delete(f"/users/{path_id(user_id)}/artists/{path_id(artist_id)}")

    @overload
    def friends(
        self,
        user_id: int,
        *,
        limit: int | None = None,
        offset: int | None = None,
        as_frame: Literal[False] = False,
    ) -> AsyncPaginator[Friendship, AsyncPage[Friendship]]: ...
    @overload
    def friends(
        self,
        user_id: int,
        *,
        limit: int | None = None,
        offset: int | None = None,
        as_frame: Literal[True],
    ) -> Coroutine[Any, Any, pd.DataFrame]: ...
    def friends(
        self,
        user_id: int,
        *,
        limit: int | None = None,
        offset: int | None = None,
        as_frame: bool = False,
    ) -> AsyncPaginator[Friendship, AsyncPage[Friendship]] | Coroutine[Any, Any, pd.DataFrame]:
        """A user's friends, by id.

        Example:
            >>> [f.friend_id async for f in client.users.friends(2)]
            [3, 4]
        """
        paginator = self._client._paginator(
            f"/users/{path_id(user_id)}/friends",
            _page_params(limit=limit, offset=offset),
            Friendship,
            AsyncPage[Friendship],
        )
        return paginator.to_pandas() if as_frame else paginator

    async def add_friend(self, user_id: int, friend_id: int) -> Friendship:
        """Make two users friends (both directions).

        Example:
            >>> await client.users.add_friend(2, 6)
            Friendship(user_id=2, friend_id=6)
        """
        return await self._client._write(
            "PUT",
            f"/users/{path_id(user_id)}/friends/{path_id(friend_id)}",
            cast_to=Friendship,
            body=None,
        )

    async def remove_friend(self, user_id: int, friend_id: int) -> None:
        """End a friendship (both directions).

        Example:
            >>> await client.users.remove_friend(2, 6)
        """
        await self._client._delete(f"/users/{path_id(user_id)}/friends/{path_id(friend_id)}")

    @overload
    def tag_assignments(
        self,
        user_id: int,
        *,
        artist_id: int | None = None,
        tag_id: int | None = None,
        limit: int | None = None,
        offset: int | None = None,
        as_frame: Literal[False] = False,
    ) -> AsyncPaginator[TagAssignment, AsyncPage[TagAssignment]]: ...
    @overload
    def tag_assignments(
        self,
        user_id: int,
        *,
        artist_id: int | None = None,
        tag_id: int | None = None,
        limit: int | None = None,
        offset: int | None = None,
        as_frame: Literal[True],
    ) -> Coroutine[Any, Any, pd.DataFrame]: ...
    def tag_assignments(
        self,
        user_id: int,
        *,
        artist_id: int | None = None,
        tag_id: int | None = None,
        limit: int | None = None,
        offset: int | None = None,
        as_frame: bool = False,
    ) -> (
        AsyncPaginator[TagAssignment, AsyncPage[TagAssignment]] | Coroutine[Any, Any, pd.DataFrame]
    ):
        """The tags a user applied, newest first.

        Example:
            >>> [a.tag_name async for a in client.users.tag_assignments(2, artist_id=4)]
            ['rock', 'indie']
        """
        paginator = self._client._paginator(
            f"/users/{path_id(user_id)}/tag-assignments",
            _page_params(artist_id=artist_id, tag_id=tag_id, limit=limit, offset=offset),
            TagAssignment,
            AsyncPage[TagAssignment],
        )
        return paginator.to_pandas() if as_frame else paginator

    async def add_tag_assignment(
        self,
        user_id: int,
        artist_id: int,
        *,
        tag_id: int | None = None,
        tag_name: str | None = None,
        timestamp: int | None = None,
        date: dt.date | None = None,
    ) -> TagAssignment:
        """Tag an artist on behalf of a user (see `Users.add_tag_assignment`).

        Example:
            >>> (await client.users.add_tag_assignment(2, 7, tag_id=3)).tag_name
            'electronic'
        """
        return await self._client._write(
            "POST",
            f"/users/{path_id(user_id)}/tag-assignments",
            cast_to=TagAssignment,
            body=_assignment_body(path_id(artist_id), tag_id, tag_name, timestamp, date),
        )

    async def remove_tag_assignment(
        self, user_id: int, artist_id: int, tag_id: int, *, timestamp: int | None = None
    ) -> None:
        """Remove a tag assignment.

        Example:
            >>> await client.users.remove_tag_assignment(2, 4, 6)
        """
        await self._client._delete(
            f"/users/{path_id(user_id)}/tag-assignments/{path_id(artist_id)}/{path_id(tag_id)}",
            params=query_params({"timestamp": timestamp}),
        )

    async def profile(self, user_id: int, *, limit: int | None = None) -> UserProfile:
        """A user's listening profile.

        Example:
            >>> (await client.users.profile(2)).total_plays
            1550
        """
        return await self._client._get(
            f"/users/{path_id(user_id)}/profile",
            cast_to=UserProfile,
            params=query_params({"limit": limit}),
        )

    async def recommendations(
        self, user_id: int, *, limit: int = 10, strategy: Strategy | None = None
    ) -> Recommendations:
        """Artists to recommend to a user, best first, each with its reasons.

        Example:
            >>> recs = await client.users.recommendations(2, limit=5)  # doctest: +SKIP
        """
        return await self._client._get(
            f"/users/{path_id(user_id)}/recommendations",
            cast_to=Recommendations,
            params=query_params({"limit": limit, "strategy": strategy}),
        )

    async def similar(self, user_id: int, *, limit: int | None = None) -> SimilarUsers:
        """Users whose listening is most like this user's.

        Example:
            >>> similar = await client.users.similar(2, limit=3)  # doctest: +SKIP
        """
        return await self._client._get(
            f"/users/{path_id(user_id)}/similar-users",
            cast_to=SimilarUsers,
            params=query_params({"limit": limit}),
        )
