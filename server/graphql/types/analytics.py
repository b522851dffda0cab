"""Analytics results, generated from the REST schemas (one source of truth for fields and
their descriptions) with Strawberry's Pydantic integration."""

from __future__ import annotations

import strawberry
from strawberry.experimental.pydantic import type as pydantic_type

from server.graphql.scalars import Long
from server.schemas import analytics as schemas


@pydantic_type(model=schemas.EntityCounts, all_fields=True, name="EntityCounts")
class EntityCounts:
    pass


@pydantic_type(model=schemas.PlayStats, all_fields=True, name="PlayStats")
class PlayStats:
    total: Long
    min_per_listen: Long | None
    max_per_listen: Long | None


@pydantic_type(model=schemas.ArtistConcentration, all_fields=True, name="ArtistConcentration")
class ArtistConcentration:
    pass


@pydantic_type(model=schemas.CountSummary, all_fields=True, name="CountSummary")
class CountSummary:
    pass


@pydantic_type(model=schemas.StatsPublic, all_fields=True, name="Stats")
class Stats:
    pass


# The REST enums themselves become GraphQL enums: one definition of the allowed values.
strawberry.enum(schemas.ArtistChartBy, name="ArtistRanking")
strawberry.enum(schemas.TagChartBy, name="TagRanking")
strawberry.enum(schemas.TrendGranularity, name="TrendGranularity")


@pydantic_type(model=schemas.ArtistChartEntry, all_fields=True, name="ChartArtist")
class ChartArtist:
    plays: Long


@pydantic_type(model=schemas.TagChartEntry, all_fields=True, name="ChartTag")
class ChartTag:
    pass


@pydantic_type(model=schemas.TagTrendSeries, all_fields=True, name="TagTrendSeries")
class TagTrendSeries:
    pass


@pydantic_type(model=schemas.TagTrendsPublic, all_fields=True, name="TagTrends")
class TagTrends:
    pass
