"""``client.social``: the friendship network measured, its communities, one user's place in
it, ego networks and what friends would recommend."""

from __future__ import annotations

from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any, Literal, overload

from soundstream_sdk._base_client import query_params
from soundstream_sdk._pagination import AsyncPage, AsyncPaginator, SyncPage
from soundstream_sdk.resources._base import AsyncAPIResource, SyncAPIResource, path_id
from soundstream_sdk.types.social import (
    Community,
    EgoNetwork,
    FriendRecommendations,
    SocialSummary,
    UserSocial,
)

if TYPE_CHECKING:
    import pandas as pd


def _ego_params(radius: int, max_nodes: int | None) -> dict[str, Any]:
    return query_params({"radius": radius, "max_nodes": max_nodes})


class Social(SyncAPIResource):
    """The social network (``/api/v1/social`` and ``/api/v1/users/{id}/...``)."""

    def summary(self, *, include_points: bool = False) -> SocialSummary:
        """Every global measure of the friendship graph: size, components, clustering,
        centrality, communities, taste homophily, friends vs listening diversity.

        Args:
            include_points: Add every user's (friends, distinct artists, entropy) point to
                ``friends_vs_diversity.points`` (for a scatter plot).

        Example:
            >>> summary = client.social.summary()
            >>> summary.nodes, summary.edges, summary.components.count
            (5, 4, 1)
        """
        return self._client._get(
            "/social/summary",
            cast_to=SocialSummary,
            params=query_params({"include_points": include_points or None}),
        )

    @overload
    def communities(
        self,
        *,
        min_support: int | None = None,
        limit: int | None = None,
        offset: int | None = None,
        as_frame: Literal[False] = False,
    ) -> SyncPage[Community]: ...
    @overload
    def communities(
        self,
        *,
        min_support: int | None = None,
        limit: int | None = None,
        offset: int | None = None,
        as_frame: Literal[True],
    ) -> pd.DataFrame: ...
    def communities(
        self,
        *,
        min_support: int | None = None,
        limit: int | None = None,
        offset: int | None = None,
        as_frame: bool = False,
    ) -> SyncPage[Community] | pd.DataFrame:
        """Louvain communities, largest first, with their characteristic artists and tags.

        Args:
            min_support: Members who must hold an artist or tag for it to be listed.
            limit: Page size, 1–100.
            offset: Communities to skip.
            as_frame: Return every community as a pandas DataFrame.

        Example:
            >>> [(c.id, c.size) for c in client.social.communities()]
            [(0, 3), (1, 2)]
        """
        page = self._client._page(
            "/social/communities",
            query_params({"min_support": min_support, "limit": limit, "offset": offset}),
            Community,
            SyncPage[Community],
        )
        return page.to_pandas() if as_frame else page

    def user(self, user_id: int) -> UserSocial:
        """A user's place in the friendship graph: degree, clustering, PageRank, community.

        Example:
            >>> client.social.user(2).degree
            2
        """
        return self._client._get(f"/users/{path_id(user_id)}/social", cast_to=UserSocial)

    def ego(self, user_id: int, *, radius: int = 2, max_nodes: int | None = None) -> EgoNetwork:
        """A user's ego network, ready to draw: nodes (ego first) and the edges among them.

        Args:
            user_id: The ego.
            radius: 1: friends; 2: friends of friends too.
            max_nodes: Most nodes, ego included (1–500; server default 100); nearest and
                best connected first, ``truncated`` tells if some were left out.

        Example:
            >>> ego = client.social.ego(2, radius=2)
            >>> [n.id for n in ego.nodes], ego.edges
            ([2, 3, 4, 5], [(2, 3), (2, 4), (3, 5)])
        """
        return self._client._get(
            f"/users/{path_id(user_id)}/ego",
            cast_to=EgoNetwork,
            params=_ego_params(radius, max_nodes),
        )

    def friend_recommendations(
        self, user_id: int, *, limit: int | None = None
    ) -> FriendRecommendations:
        """Artists the user's friends play and the user does not, with who contributed.

        Args:
            user_id: The user.
            limit: Artists to return, 1–100 (server default 10).

        Example:
            >>> [r.name for r in client.social.friend_recommendations(2).items][:2]
            ['Britney Spears', 'Daft Punk']
        """
        return self._client._get(
            f"/users/{path_id(user_id)}/friend-recommendations",
            cast_to=FriendRecommendations,
            params=query_params({"limit": limit}),
        )


class AsyncSocial(AsyncAPIResource):
    """The social network, async. Same methods as `Social`."""

    async def summary(self, *, include_points: bool = False) -> SocialSummary:
        """Every global measure of the friendship graph.

        Example:
            >>> (await client.social.summary()).nodes
            5
        """
        return await self._client._get(
            "/social/summary",
            cast_to=SocialSummary,
            params=query_params({"include_points": include_points or None}),
        )

    @overload
    def communities(
        self,
        *,
        min_support: int | None = None,
        limit: int | None = None,
        offset: int | None = None,
        as_frame: Literal[False] = False,
    ) -> AsyncPaginator[Community, AsyncPage[Community]]: ...
    @overload
    def communities(
        self,
        *,
        min_support: int | None = None,
        limit: int | None = None,
        offset: int | None = None,
        as_frame: Literal[True],
    ) -> Coroutine[Any, Any, pd.DataFrame]: ...
    def communities(
        self,
        *,
        min_support: int | None = None,
        limit: int | None = None,
        offset: int | None = None,
        as_frame: bool = False,
    ) -> AsyncPaginator[Community, AsyncPage[Community]] | Coroutine[Any, Any, pd.DataFrame]:
        """Louvain communities, largest first.

        Example:
            >>> [c.size async for c in client.social.communities()]
            [3, 2]
        """
        paginator = self._client._paginator(
            "/social/communities",
            query_params({"min_support": min_support, "limit": limit, "offset": offset}),
            Community,
            AsyncPage[Community],
        )
        return paginator.to_pandas() if as_frame else paginator

    async def user(self, user_id: int) -> UserSocial:
        """A user's place in the friendship graph.

        Example:
            >>> (await client.social.user(2)).degree
            2
        """
        return await self._client._get(f"/users/{path_id(user_id)}/social", cast_to=UserSocial)

    async def ego(
        self, user_id: int, *, radius: int = 2, max_nodes: int | None = None
    ) -> EgoNetwork:
        """A user's ego network, ready to draw.

        Example:
            >>> (await client.social.ego(2, radius=1)).edges
            [(2, 3), (2, 4)]
        """
        return await self._client._get(
            f"/users/{path_id(user_id)}/ego",
            cast_to=EgoNetwork,
            params=_ego_params(radius, max_nodes),
        )

    async def friend_recommendations(
        self, user_id: int, *, limit: int | None = None
    ) -> FriendRecommendations:
        """Artists the user's friends play and the user does not.

        Example:
            >>> (await client.social.friend_recommendations(2, limit=1)).items[0].name
            'Britney Spears'
        """
        return await self._client._get(
            f"/users/{path_id(user_id)}/friend-recommendations",
            cast_to=FriendRecommendations,
            params=query_params({"limit": limit}),
        )
