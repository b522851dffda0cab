"""``client.artists``: read, search and write artists, their tags, listeners and neighbours."""

from __future__ import annotations

from collections.abc import Coroutine, Sequence
from typing import TYPE_CHECKING, Any, Literal, overload

from soundstream_sdk._base_client import NOT_GIVEN, NotGiven, query_params
from soundstream_sdk._pagination import AsyncPage, AsyncPaginator, SyncPage
from soundstream_sdk.resources._base import AsyncAPIResource, SyncAPIResource, path_id
from soundstream_sdk.types.artists import (
    Artist,
    ArtistListener,
    ArtistSearchHit,
    ArtistSearchPage,
    ArtistTag,
    AsyncArtistSearchPage,
)
from soundstream_sdk.types.recommendations import SimilarArtists

if TYPE_CHECKING:
    import pandas as pd

TagMatch = Literal["all", "any"]
SearchSort = Literal["plays", "listeners", "name", "relevance"]
Tags = str | Sequence[str]


def _search_params(
    *,
    tags: Tags | None,
    match: TagMatch | None,
    exclude_tags: Tags | None,
    q: str | None,
    min_listeners: int | None,
    max_listeners: int | None,
    min_plays: int | None,
    max_plays: int | None,
    tagged_from: int | None,
    tagged_to: int | None,
    sort: SearchSort | None,
    limit: int | None,
    offset: int | None,
) -> dict[str, Any]:
    return query_params(
        {
            "tags": [tags] if isinstance(tags, str) else tags,
            "match": match,
            "exclude_tags": [exclude_tags] if isinstance(exclude_tags, str) else exclude_tags,
            "q": q,
            "min_listeners": min_listeners,
            "max_listeners": max_listeners,
            "min_plays": min_plays,
            "max_plays": max_plays,
            "tagged_from": tagged_from,
            "tagged_to": tagged_to,
            "sort": sort,
            "limit": limit,
            "offset": offset,
        }
    )


def _artist_body(**fields: Any) -> dict[str, Any]:
    return {name: value for name, value in fields.items() if not isinstance(value, NotGiven)}


class Artists(SyncAPIResource):
    """Artists (``/api/v1/artists``). Ids are Last.fm's."""

    @overload
    def list(
        self,
        *,
        limit: int | None = None,
        offset: int | None = None,
        as_frame: Literal[False] = False,
    ) -> SyncPage[Artist]: ...
    @overload
    def list(
        self, *, limit: int | None = None, offset: int | None = None, as_frame: Literal[True]
    ) -> pd.DataFrame: ...
    def list(
        self, *, limit: int | None = None, offset: int | None = None, as_frame: bool = False
    ) -> SyncPage[Artist] | pd.DataFrame:
        """Every artist, by id; iterating fetches the following pages.

        Args:
            limit: Page size, 1–100 (server default 20).
            offset: Artists to skip.
            as_frame: Return every artist from ``offset`` on as a pandas DataFrame.

        Example:
            >>> for artist in client.artists.list(limit=100):
            ...     print(artist.id, artist.name)
            1 "Weird Al" Yankovic
            2 Royce da 5'9"
            ...
        """
        page = self._client._page(
            "/artists",
            query_params({"limit": limit, "offset": offset}),
            Artist,
            SyncPage[Artist],
        )
        return page.to_pandas() if as_frame else page

    def get(self, artist_id: int) -> Artist:
        """One artist.

        Raises:
            NotFoundError: No artist has this id.

        Example:
            >>> client.artists.get(4).name
            'Radiohead'
        """
        return self._client._get(f"/artists/{path_id(artist_id)}", cast_to=Artist)

    @overload
    def search(
        self,
        *,
        tags: Tags | None = None,
        match: TagMatch | None = None,
        exclude_tags: Tags | None = None,
        q: str | None = None,
        min_listeners: int | None = None,
        max_listeners: int | None = None,
        min_plays: int | None = None,
        max_plays: int | None = None,
        tagged_from: int | None = None,
        tagged_to: int | None = None,
        sort: SearchSort | None = None,
        limit: int | None = None,
        offset: int | None = None,
        as_frame: Literal[False] = False,
    ) -> ArtistSearchPage: ...
    @overload
    def search(
        self,
        *,
        tags: Tags | None = None,
        match: TagMatch | None = None,
        exclude_tags: Tags | None = None,
        q: str | None = None,
        min_listeners: int | None = None,
        max_listeners: int | None = None,
        min_plays: int | None = None,
        max_plays: int | None = None,
        tagged_from: int | None = None,
        tagged_to: int | None = None,
        sort: SearchSort | None = None,
        limit: int | None = None,
        offset: int | None = None,
        as_frame: Literal[True],
    ) -> pd.DataFrame: ...
    def search(
        self,
        *,
        tags: Tags | None = None,
        match: TagMatch | None = None,
        exclude_tags: Tags | None = None,
        q: str | None = None,
        min_listeners: int | None = None,
        max_listeners: int | None = None,
        min_plays: int | None = None,
        max_plays: int | None = None,
        tagged_from: int | None = None,
        tagged_to: int | None = None,
        sort: SearchSort | None = None,
        limit: int | None = None,
        offset: int | None = None,
        as_frame: bool = False,
    ) -> ArtistSearchPage | pd.DataFrame:
        """Search artists by tags, name, plays, listeners and tagging years (filters AND).

        Args:
            tags: Tag names (case-insensitive), at most 20.
            match: ``"all"`` (default): every tag; ``"any"``: at least one.
            exclude_tags: Tag names the artist must not carry.
            q: Case-insensitive substring of the name.
            min_listeners: At least this many distinct listeners.
            max_listeners: At most this many distinct listeners.
            min_plays: At least this many plays (summed play counts).
            max_plays: At most this many plays.
            tagged_from: Count only tag assignments from this year on.
            tagged_to: Count only tag assignments up to this year.
            sort: ``plays``, ``listeners``, ``name`` or ``relevance`` (default: relevance
                with tags, else plays).
            limit: Page size, 1–100.
            offset: Hits to skip.
            as_frame: Return every hit as a pandas DataFrame.

        Returns:
            A page of hits; ``.unknown_tags`` lists names that matched no tag.

        Example:
            >>> hits = client.artists.search(tags=["rock", "indie"], match="all", min_listeners=2)
            >>> [(hit.name, hit.plays) for hit in hits]
            [('Radiohead', 1300)]
        """
        params = _search_params(
            tags=tags,
            match=match,
            exclude_tags=exclude_tags,
            q=q,
            min_listeners=min_listeners,
            max_listeners=max_listeners,
            min_plays=min_plays,
            max_plays=max_plays,
            tagged_from=tagged_from,
            tagged_to=tagged_to,
            sort=sort,
            limit=limit,
            offset=offset,
        )
        page = self._client._page("/artists/search", params, ArtistSearchHit, ArtistSearchPage)
        return page.to_pandas() if as_frame else page

    def create(
        self,
        *,
        name: str,
        url: str | None = None,
        picture_url: str | None = None,
        id: int | None = None,
    ) -> Artist:
        """Create an artist (needs an API key).

        Args:
            name: The artist's name, stored verbatim.
            url: Its Last.fm page.
            picture_url: Its picture.
            id: The id to use; omitted, the artist gets the largest id + 1.

        Raises:
            ConflictError: ``id`` is taken.

        Example:
            >>> client.artists.create(name="Portishead", url="http://www.last.fm/music/Portishead")
            Artist(id=9, name='Portishead', ...)
        """
        body: dict[str, Any] = {"name": name, "url": url, "picture_url": picture_url}
        if id is not None:
            body["id"] = id
        return self._client._write("POST", "/artists", cast_to=Artist, body=body)

    def replace(
        self,
        artist_id: int,
        *,
        name: str,
        url: str | None = None,
        picture_url: str | None = None,
    ) -> Artist:
        """Replace every field of an artist (PUT): an omitted URL becomes null.

        Example:
            >>> client.artists.replace(9, name="Portishead")
            Artist(id=9, name='Portishead', url=None, picture_url=None)
        """
        return self._client._write(
            "PUT",
            f"/artists/{path_id(artist_id)}",
            cast_to=Artist,
            body={"name": name, "url": url, "picture_url": picture_url},
        )

    def update(
        self,
        artist_id: int,
        *,
        name: str | NotGiven = NOT_GIVEN,
        url: str | NotGiven | None = NOT_GIVEN,
        picture_url: str | NotGiven | None = NOT_GIVEN,
    ) -> Artist:
        """Change some fields of an artist (PATCH): the fields left out keep their value,
        ``None`` clears a URL.

        Example:
            >>> client.artists.update(9, picture_url=None).picture_url is None
            True
        """
        return self._client._write(
            "PATCH",
            f"/artists/{path_id(artist_id)}",
            cast_to=Artist,
            body=_artist_body(name=name, url=url, picture_url=picture_url),
        )

    def delete(self, artist_id: int) -> None:
        """Delete an artist with its listens and tag assignments.

        Example:
            >>> client.artists.delete(9)
        """
        self._client._delete(f"/artists/{path_id(artist_id)}")

    @overload
    def tags(
        self,
        artist_id: int,
        *,
        limit: int | None = None,
        offset: int | None = None,
        as_frame: Literal[False] = False,
    ) -> SyncPage[ArtistTag]: ...
    @overload
    def tags(
        self,
        artist_id: int,
        *,
        limit: int | None = None,
        offset: int | None = None,
        as_frame: Literal[True],
    ) -> pd.DataFrame: ...
    def tags(
        self,
        artist_id: int,
        *,
        limit: int | None = None,
        offset: int | None = None,
        as_frame: bool = False,
    ) -> SyncPage[ArtistTag] | pd.DataFrame:
        """An artist's tags, most assigned first (``count`` = assignments).

        Example:
            >>> [(t.name, t.count) for t in client.artists.tags(4)]
            [('rock', 2), ('indie', 1)]
        """
        page = self._client._page(
            f"/artists/{path_id(artist_id)}/tags",
            query_params({"limit": limit, "offset": offset}),
            ArtistTag,
            SyncPage[ArtistTag],
        )
        return page.to_pandas() if as_frame else page

    @overload
    def listeners(
        self,
        artist_id: int,
        *,
        limit: int | None = None,
        offset: int | None = None,
        as_frame: Literal[False] = False,
    ) -> SyncPage[ArtistListener]: ...
    @overload
    def listeners(
        self,
        artist_id: int,
        *,
        limit: int | None = None,
        offset: int | None = None,
        as_frame: Literal[True],
    ) -> pd.DataFrame: ...
    def listeners(
        self,
        artist_id: int,
        *,
        limit: int | None = None,
        offset: int | None = None,
        as_frame: bool = False,
    ) -> SyncPage[ArtistListener] | pd.DataFrame:
        """An artist's listeners with their play counts, most plays first.

        Example:
            >>> [(l.user_id, l.weight) for l in client.artists.listeners(4)]
            [(2, 1000), (3, 200), (5, 100)]
        """
        page = self._client._page(
            f"/artists/{path_id(artist_id)}/listeners",
            query_params({"limit": limit, "offset": offset}),
            ArtistListener,
            SyncPage[ArtistListener],
        )
        return page.to_pandas() if as_frame else page

    def similar(self, artist_id: int, *, limit: int | None = None) -> SimilarArtists:
        """Artists most like this one, from the recommender model.

        Example:
            >>> [a.name for a in client.artists.similar(4, limit=3).items]
            ['Muse', ...]
        """
        return self._client._get(
            f"/artists/{path_id(artist_id)}/similar",
            cast_to=SimilarArtists,
            params=query_params({"limit": limit}),
        )


class AsyncArtists(AsyncAPIResource):
    """Artists (``/api/v1/artists``), async. Same methods as `Artists`."""

    @overload
    def list(
        self,
        *,
        limit: int | None = None,
        offset: int | None = None,
        as_frame: Literal[False] = False,
    ) -> AsyncPaginator[Artist, AsyncPage[Artist]]: ...
    @overload
    def list(
        self, *, limit: int | None = None, offset: int | None = None, as_frame: Literal[True]
    ) -> Coroutine[Any, Any, pd.DataFrame]: ...
    def list(
        self, *, limit: int | None = None, offset: int | None = None, as_frame: bool = False
    ) -> AsyncPaginator[Artist, AsyncPage[Artist]] | Coroutine[Any, Any, pd.DataFrame]:
        """Every artist, by id: ``async for`` walks every page, ``await`` gives the first.

        Example:
            >>> async for artist in client.artists.list(limit=100):
            ...     print(artist.name)
        """
        paginator = self._client._paginator(
            "/artists",
            query_params({"limit": limit, "offset": offset}),
            Artist,
            AsyncPage[Artist],
        )
        return paginator.to_pandas() if as_frame else paginator

    async def get(self, artist_id: int) -> Artist:
        """One artist.

        Example:
            >>> (await client.artists.get(4)).name
            'Radiohead'
        """
        return await self._client._get(f"/artists/{path_id(artist_id)}", cast_to=Artist)

    @overload
    def search(
        self,
        *,
        tags: Tags | None = None,
        match: TagMatch | None = None,
        exclude_tags: Tags | None = None,
        q: str | None = None,
        min_listeners: int | None = None,
        max_listeners: int | None = None,
        min_plays: int | None = None,
        max_plays: int | None = None,
        tagged_from: int | None = None,
        tagged_to: int | None = None,
        sort: SearchSort | None = None,
        limit: int | None = None,
        offset: int | None = None,
        as_frame: Literal[False] = False,
    ) -> AsyncPaginator[ArtistSearchHit, AsyncArtistSearchPage]: ...
    @overload
    def search(
        self,
        *,
        tags: Tags | None = None,
        match: TagMatch | None = None,
        exclude_tags: Tags | None = None,
        q: str | None = None,
        min_listeners: int | None = None,
        max_listeners: int | None = None,
        min_plays: int | None = None,
        max_plays: int | None = None,
        tagged_from: int | None = None,
        tagged_to: int | None = None,
        sort: SearchSort | None = None,
        limit: int | None = None,
        offset: int | None = None,
        as_frame: Literal[True],
    ) -> Coroutine[Any, Any, pd.DataFrame]: ...
    def search(
        self,
        *,
        tags: Tags | None = None,
        match: TagMatch | None = None,
        exclude_tags: Tags | None = None,
        q: str | None = None,
        min_listeners: int | None = None,
        max_listeners: int | None = None,
        min_plays: int | None = None,
        max_plays: int | None = None,
        tagged_from: int | None = None,
        tagged_to: int | None = None,
        sort: SearchSort | None = None,
        limit: int | None = None,
        offset: int | None = None,
        as_frame: bool = False,
    ) -> AsyncPaginator[ArtistSearchHit, AsyncArtistSearchPage] | Coroutine[Any, Any, pd.DataFrame]:
        """Search artists (see `Artists.search` for the criteria).

        Example:
            >>> page = await client.artists.search(tags=["rock"], sort="plays")
            >>> page.sort, [hit.name for hit in page.items]
            ('plays', ['Radiohead', 'Muse'])
        """
        params = _search_params(
            tags=tags,
            match=match,
            exclude_tags=exclude_tags,
            q=q,
            min_listeners=min_listeners,
            max_listeners=max_listeners,
            min_plays=min_plays,
            max_plays=max_plays,
            tagged_from=tagged_from,
            tagged_to=tagged_to,
            sort=sort,
            limit=limit,
            offset=offset,
        )
        paginator = self._client._paginator(
            "/artists/search", params, ArtistSearchHit, AsyncArtistSearchPage
        )
        return paginator.to_pandas() if as_frame else paginator

    async def create(
        self,
        *,
        name: str,
        url: str | None = None,
        picture_url: str | None = None,
        id: int | None = None,
    ) -> Artist:
        """Create an artist (needs an API key).

        Example:
            >>> await client.artists.create(name="Portishead")
            Artist(id=9, name='Portishead', url=None, picture_url=None)
        """
        body: dict[str, Any] = {"name": name, "url": url, "picture_url": picture_url}
        if id is not None:
            body["id"] = id
        return await self._client._write("POST", "/artists", cast_to=Artist, body=body)

    async def replace(
        self,
        artist_id: int,
        *,
        name: str,
        url: str | None = None,
        picture_url: str | None = None,
    ) -> Artist:
        """Replace every field of an artist (PUT).

        Example:
            >>> await client.artists.replace(9, name="Portishead")
            Artist(id=9, name='Portishead', url=None, picture_url=None)
        """
        return await self._client._write(
            "PUT",
            f"/artists/{path_id(artist_id)}",
            cast_to=Artist,
            body={"name": name, "url": url, "picture_url": picture_url},
        )

    async def update(
        self,
        artist_id: int,
        *,
        name: str | NotGiven = NOT_GIVEN,
        url: str | NotGiven | None = NOT_GIVEN,
        picture_url: str | NotGiven | None = NOT_GIVEN,
    ) -> Artist:
        """Change some fields of an artist (PATCH).

        Example:
            >>> (await client.artists.update(9, name="Portishead (UK)")).name
            'Portishead (UK)'
        """
        return await self._client._write(
            "PATCH",
            f"/artists/{path_id(artist_id)}",
            cast_to=Artist,
            body=_artist_body(name=name, url=url, picture_url=picture_url),
        )

    async def delete(self, artist_id: int) -> None:
        """Delete an artist with its listens and tag assignments.

        Example:
            >>> await client.artists.delete(9)
        """
        await self._client._delete(f"/artists/{path_id(artist_id)}")

    @overload
    def tags(
        self,
        artist_id: int,
        *,
        limit: int | None = None,
        offset: int | None = None,
        as_frame: Literal[False] = False,
    ) -> AsyncPaginator[ArtistTag, AsyncPage[ArtistTag]]: ...
    @overload
    def tags(
        self,
        artist_id: int,
        *,
        limit: int | None = None,
        offset: int | None = None,
        as_frame: Literal[True],
    ) -> Coroutine[Any, Any, pd.DataFrame]: ...
    def tags(
        self,
        artist_id: int,
        *,
        limit: int | None = None,
        offset: int | None = None,
        as_frame: bool = False,
    ) -> AsyncPaginator[ArtistTag, AsyncPage[ArtistTag]] | Coroutine[Any, Any, pd.DataFrame]:
        """An artist's tags, most assigned first.

        Example:
            >>> [t.name async for t in client.artists.tags(4)]
            ['rock', 'indie']
        """
        paginator = self._client._paginator(
            f"/artists/{path_id(artist_id)}/tags",
            query_params({"limit": limit, "offset": offset}),
            ArtistTag,
            AsyncPage[ArtistTag],
        )
        return paginator.to_pandas() if as_frame else paginator

    @overload
    def listeners(
        self,
        artist_id: int,
        *,
        limit: int | None = None,
        offset: int | None = None,
        as_frame: Literal[False] = False,
    ) -> AsyncPaginator[ArtistListener, AsyncPage[ArtistListener]]: ...
    @overload
    def listeners(
        self,
        artist_id: int,
        *,
        limit: int | None = None,
        offset: int | None = None,
        as_frame: Literal[True],
    ) -> Coroutine[Any, Any, pd.DataFrame]: ...
    def listeners(
        self,
        artist_id: int,
        *,
        limit: int | None = None,
        offset: int | None = None,
        as_frame: bool = False,
    ) -> (
        AsyncPaginator[ArtistListener, AsyncPage[ArtistListener]]
        | Coroutine[Any, Any, pd.DataFrame]
    ):
        """An artist's listeners with their play counts, most plays first.

        Example:
            >>> [l.user_id async for l in client.artists.listeners(4)]
            [2, 3, 5]
        """
        paginator = self._client._paginator(
            f"/artists/{path_id(artist_id)}/listeners",
            query_params({"limit": limit, "offset": offset}),
            ArtistListener,
            AsyncPage[ArtistListener],
        )
        return paginator.to_pandas() if as_frame else paginator

    async def similar(self, artist_id: int, *, limit: int | None = None) -> SimilarArtists:
        """Artists most like this one, from the recommender model.

        Example:
            >>> (await client.artists.similar(4, limit=3)).items[0].name
            'Muse'
        """
        return await self._client._get(
            f"/artists/{path_id(artist_id)}/similar",
            cast_to=SimilarArtists,
            params=query_params({"limit": limit}),
        )
