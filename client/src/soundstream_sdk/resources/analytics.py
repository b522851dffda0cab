"""``client.analytics``: tag trends over time and the distribution of play counts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from soundstream_sdk._base_client import query_params
from soundstream_sdk.resources._base import AsyncAPIResource, SyncAPIResource
from soundstream_sdk.types.analytics import TagTrends, WeightDistribution

Granularity = Literal["year", "month"]


def _trend_params(
    tags: str | Sequence[str], start: int | None, end: int | None, granularity: Granularity
) -> dict[str, object]:
    names = [tags] if isinstance(tags, str) else list(tags)
    return query_params({"tags": names, "from": start, "to": end, "granularity": granularity})


class Analytics(SyncAPIResource):
    """Analytics (``/api/v1/analytics``)."""

    def tag_trends(
        self,
        *,
        tags: str | Sequence[str],
        start: int | None = None,
        end: int | None = None,
        granularity: Granularity = "year",
    ) -> TagTrends:
        """Assignments per year or month for up to 10 tags, every period filled.

        Args:
            tags: Tag names (case-insensitive); unknown ones come back in ``unknown_tags``.
            start: First year (default: the first year with data).
            end: Last year (default: the last year with data).
            granularity: ``"year"`` or ``"month"``.

        Raises:
            NotFoundError: None of the names is a known tag.

        Example:
            >>> trends = client.analytics.tag_trends(tags=["rock", "pop"], start=2008, end=2009)
            >>> trends.periods, [(s.name, s.counts) for s in trends.series]
            (['2008', '2009'], [('rock', [1, 2]), ('pop', [0, 0])])
        """
        return self._client._get(
            "/analytics/tag-trends",
            cast_to=TagTrends,
            params=_trend_params(tags, start, end, granularity),
        )

    def weight_distribution(self, *, bins_per_decade: int | None = None) -> WeightDistribution:
        """Superstars versus the long tail: log-binned plays, Lorenz curve and Gini.

        Args:
            bins_per_decade: Logarithmic bins per power of ten, 1–10 (server default 1).

        Example:
            >>> round(client.analytics.weight_distribution().gini, 2)
            0.77
        """
        return self._client._get(
            "/analytics/weight-distribution",
            cast_to=WeightDistribution,
            params=query_params({"bins_per_decade": bins_per_decade}),
        )


class AsyncAnalytics(AsyncAPIResource):
    """Analytics, async. Same methods as `Analytics`."""

    async def tag_trends(
        self,
        *,
        tags: str | Sequence[str],
        start: int | None = None,
        end: int | None = None,
        granularity: Granularity = "year",
    ) -> TagTrends:
        """Assignments per year or month for up to 10 tags.

        Example:
            >>> (await client.analytics.tag_trends(tags=["rock"])).series[0].total
            3
        """
        return await self._client._get(
            "/analytics/tag-trends",
            cast_to=TagTrends,
            params=_trend_params(tags, start, end, granularity),
        )

    async def weight_distribution(
        self, *, bins_per_decade: int | None = None
    ) -> WeightDistribution:
        """Log-binned plays, Lorenz curve and Gini.

        Example:
            >>> (await client.analytics.weight_distribution(bins_per_decade=2)).bins_per_decade
            2
        """
        return await self._client._get(
            "/analytics/weight-distribution",
            cast_to=WeightDistribution,
            params=query_params({"bins_per_decade": bins_per_decade}),
        )
