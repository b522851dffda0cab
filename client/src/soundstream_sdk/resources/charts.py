"""``client.charts``: the top artists and tags."""

from __future__ import annotations

from typing import Literal

from soundstream_sdk._base_client import query_params
from soundstream_sdk.resources._base import AsyncAPIResource, SyncAPIResource
from soundstream_sdk.types.analytics import ArtistChart, TagChart

ArtistChartBy = Literal["plays", "listeners"]
TagChartBy = Literal["assignments", "artists"]


class Charts(SyncAPIResource):
    """Charts (``/api/v1/charts``); ``.to_pandas()`` on a chart gives a table."""

    def artists(self, *, by: ArtistChartBy = "plays", limit: int = 10) -> ArtistChart:
        """The top artists by total plays or by distinct listeners.

        Args:
            by: ``"plays"`` or ``"listeners"``.
            limit: Entries, 1–100.

        Example:
            >>> [(e.rank, e.name) for e in client.charts.artists(limit=2).items]
            [(1, 'Britney Spears'), (2, 'Radiohead')]
        """
        return self._client._get(
            "/charts/artists", cast_to=ArtistChart, params=query_params({"by": by, "limit": limit})
        )

    def tags(self, *, by: TagChartBy = "assignments", limit: int = 10) -> TagChart:
        """The top tags by assignments or by distinct artists.

        Example:
            >>> [e.name for e in client.charts.tags(by="artists", limit=3).items]
            ['rock', 'pop', 'electronic']
        """
        return self._client._get(
            "/charts/tags", cast_to=TagChart, params=query_params({"by": by, "limit": limit})
        )


class AsyncCharts(AsyncAPIResource):
    """Charts, async. Same methods as `Charts`."""

    async def artists(self, *, by: ArtistChartBy = "plays", limit: int = 10) -> ArtistChart:
        """The top artists by total plays or by distinct listeners.

        Example:
            >>> (await client.charts.artists(by="listeners", limit=1)).items[0].name
            'Radiohead'
        """
        return await self._client._get(
            "/charts/artists", cast_to=ArtistChart, params=query_params({"by": by, "limit": limit})
        )

    async def tags(self, *, by: TagChartBy = "assignments", limit: int = 10) -> TagChart:
        """The top tags by assignments or by distinct artists.

        Example:
            >>> (await client.charts.tags(limit=1)).items[0].name
            'rock'
        """
        return await self._client._get(
            "/charts/tags", cast_to=TagChart, params=query_params({"by": by, "limit": limit})
        )
