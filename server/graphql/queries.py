"""The root `Query`: lookups by id, lists, search and analytics — all through services."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from pydantic import ValidationError
from strawberry.types import Info

from server.graphql.context import Context
from server.graphql.errors import bad_input
from server.graphql.pagination import check_first, decode_cursor, encode_cursor
from server.graphql.scalars import Long
from server.graphql.types import analytics as gql_analytics
from server.graphql.types import social as gql_social
from server.graphql.types.nodes import (
    Artist,
    ArtistConnection,
    ArtistEdge,
    Tag,
    TagConnection,
    TagEdge,
    User,
    UserConnection,
    UserEdge,
    page_info,
    recommend_for,
)
from server.graphql.types.recommend import Recommendations, recommendations_from_model
from server.graphql.types.search import ArtistFilter, MatchedTag, SearchConnection, SearchEdge
from server.recommend.strategy import Strategy
from server.schemas.analytics import ArtistChartBy, TagChartBy, TrendGranularity
from server.schemas.pagination import Page, PageParams
from server.schemas.search import ArtistSearchCriteria, ArtistSearchPage, SearchSort, TagMatch
from server.services import analytics, artists, search, social, tags, users


def _constant(value: int) -> Any:
    async def count() -> int:
        return value

    return count


def _criteria(**values: Any) -> ArtistSearchCriteria:
    try:
        return ArtistSearchCriteria(**{k: v for k, v in values.items() if v is not None})
    except ValidationError as exc:
        raise bad_input(f"invalid search criteria: {exc.errors()[0]['msg']}") from exc


def _search_connection(page: ArtistSearchPage) -> SearchConnection:
    edges = [
        SearchEdge(
            node=Artist(id=hit.id, name=hit.name, url=hit.url, picture_url=hit.picture_url),
            cursor=encode_cursor(page.offset + i),
            plays=Long(hit.plays),
            listeners=hit.listeners,
            matched_tags=[
                MatchedTag(id=t.id, name=t.name, count=t.count) for t in hit.matched_tags
            ],
        )
        for i, hit in enumerate(page.items)
    ]
    return SearchConnection(
        edges=edges,
        page_info=page_info(page.offset, len(edges), page.offset + len(edges) < page.total),
        _count=_constant(page.total),
        sort=page.sort,
        unknown_tags=page.unknown_tags,
        unknown_exclude_tags=page.unknown_exclude_tags,
    )


def _params(first: int, after: str | None) -> PageParams:
    return PageParams(limit=check_first(first), offset=decode_cursor(after))


def _has_next(page: Page[Any]) -> bool:
    return page.offset + len(page.items) < page.total


@strawberry.type
class Query:
    @strawberry.field(description="A user by id; null when there is none.")
    async def user(self, info: Info[Context, None], id: int) -> User | None:
        exists: bool = await info.context.loaders.user_exists.load(id)
        return User(id=id) if exists else None

    @strawberry.field(description="Users by id.")
    async def users(
        self, info: Info[Context, None], first: int, after: str | None = None
    ) -> UserConnection:
        page = await info.context.read(users.list_users, _params(first, after))
        edges = [
            UserEdge(node=User(id=u.id), cursor=encode_cursor(page.offset + i))
            for i, u in enumerate(page.items)
        ]
        return UserConnection(
            edges=edges,
            page_info=page_info(page.offset, len(edges), _has_next(page)),
            _count=_constant(page.total),
        )

    @strawberry.field(description="An artist by id; null when there is none.")
    async def artist(self, info: Info[Context, None], id: int) -> Artist | None:
        row = await info.context.loaders.artist.load(id)
        if row is None:
            return None
        return Artist(id=row.id, name=row.name, url=row.url, picture_url=row.picture_url)

    @strawberry.field(description="Artists by id, or narrowed by `filter` (as `searchArtists`).")
    async def artists(
        self,
        info: Info[Context, None],
        first: int,
        after: str | None = None,
        filter: ArtistFilter | None = None,
    ) -> ArtistConnection:
        params = _params(first, after)
        if filter is not None:
            criteria = _criteria(
                q=filter.name_contains,
                tags=tuple(filter.tags or ()),
                match=filter.match,
                exclude_tags=tuple(filter.exclude_tags or ()),
                min_listeners=filter.min_listeners,
                max_listeners=filter.max_listeners,
                min_plays=filter.min_plays,
                max_plays=filter.max_plays,
            )
            found = await info.context.read(
                search.search_artists,
                info.context.cache,
                criteria,
                sort=SearchSort.NAME,
                limit=params.limit,
                offset=params.offset,
            )
            nodes = [
                Artist(id=h.id, name=h.name, url=h.url, picture_url=h.picture_url)
                for h in found.items
            ]
            page: Page[Any] = found
        else:
            page = await info.context.read(artists.list_artists, params)
            nodes = [
                Artist(id=a.id, name=a.name, url=a.url, picture_url=a.picture_url)
                for a in page.items
            ]
        edges = [
            ArtistEdge(node=node, cursor=encode_cursor(page.offset + i))
            for i, node in enumerate(nodes)
        ]
        return ArtistConnection(
            edges=edges,
            page_info=page_info(page.offset, len(edges), _has_next(page)),
            _count=_constant(page.total),
        )

    @strawberry.field(description="A tag by id; null when there is none.")
    async def tag(self, info: Info[Context, None], id: int) -> Tag | None:
        row = await info.context.loaders.tag.load(id)
        return Tag(id=row.id, name=row.value) if row is not None else None

    @strawberry.field(description="A tag by name (case-insensitive); null when there is none.")
    async def tag_by_name(self, info: Info[Context, None], name: str) -> Tag | None:
        if "\x00" in name or len(name) > 1000:  # no tag can be called that
            return None
        found = await info.context.read(tags.find_tag_by_name, name)
        return Tag(id=found.id, name=found.name) if found is not None else None

    @strawberry.field(description="Tags by id.")
    async def tags(
        self, info: Info[Context, None], first: int, after: str | None = None
    ) -> TagConnection:
        page = await info.context.read(tags.list_tags, _params(first, after))
        edges = [
            TagEdge(node=Tag(id=t.id, name=t.name), cursor=encode_cursor(page.offset + i))
            for i, t in enumerate(page.items)
        ]
        return TagConnection(
            edges=edges,
            page_info=page_info(page.offset, len(edges), _has_next(page)),
            _count=_constant(page.total),
        )

    @strawberry.field(description="Multi-criteria artist search (the REST search's semantics).")
    async def search_artists(
        self,
        info: Info[Context, None],
        first: int,
        after: str | None = None,
        tags: list[str] | None = None,
        match: TagMatch = TagMatch.ALL,
        exclude_tags: list[str] | None = None,
        query: str | None = None,
        min_listeners: int | None = None,
        max_listeners: int | None = None,
        min_plays: int | None = None,
        max_plays: int | None = None,
        tagged_from: int | None = None,
        tagged_to: int | None = None,
        sort: SearchSort | None = None,
    ) -> SearchConnection:
        params = _params(first, after)
        criteria = _criteria(
            tags=tuple(tags or ()),
            match=match,
            exclude_tags=tuple(exclude_tags or ()),
            q=query,
            min_listeners=min_listeners,
            max_listeners=max_listeners,
            min_plays=min_plays,
            max_plays=max_plays,
            tagged_from=tagged_from,
            tagged_to=tagged_to,
        )
        page = await info.context.read(
            search.search_artists,
            info.context.cache,
            criteria,
            sort=sort,
            limit=params.limit,
            offset=params.offset,
        )
        return _search_connection(page)

    @strawberry.field(
        description="The friendship graph measured: metrics, communities, the "
        "taste homophily and friends vs listening diversity."
    )
    async def social_summary(
        self, info: Info[Context, None], include_points: bool = False
    ) -> gql_social.SocialSummary:
        result = await info.context.read(
            social.social_summary, info.context.cache, include_points=include_points
        )
        return gql_social.SocialSummary.from_pydantic(result)

    @strawberry.field(description="A user's social metrics; null for an unknown user.")
    async def social_metrics(
        self, info: Info[Context, None], user_id: int
    ) -> gql_social.SocialMetrics | None:
        found = await info.context.loaders.social_metrics.load(user_id)
        return gql_social.SocialMetrics.from_pydantic(found) if found is not None else None

    @strawberry.field(description="Communities of friends, largest first.")
    async def communities(
        self, info: Info[Context, None], first: int, after: str | None = None
    ) -> list[gql_social.Community]:
        page = await info.context.read(
            social.list_communities, info.context.cache, _params(first, after)
        )
        return [gql_social.Community.from_pydantic(c) for c in page.items]

    @strawberry.field(description="A user's recommendations; null for an unknown user.")
    async def recommendations(
        self,
        info: Info[Context, None],
        user_id: int,
        first: int,
        strategy: Strategy = Strategy.HYBRID,
    ) -> Recommendations | None:
        exists: bool = await info.context.loaders.user_exists.load(user_id)
        if not exists:
            return None
        model = await info.context.read(
            recommend_for, info.context, user_id, check_first(first), strategy
        )
        return recommendations_from_model(model)

    @strawberry.field(description="Headline statistics of the whole dataset.")
    async def stats(self, info: Info[Context, None]) -> gql_analytics.Stats:
        result = await info.context.read(analytics.get_stats, info.context.cache)
        return gql_analytics.Stats.from_pydantic(result)

    @strawberry.field(description="The chart of artists by plays or listeners.")
    async def top_artists(
        self,
        info: Info[Context, None],
        first: int,
        by: ArtistChartBy = ArtistChartBy.PLAYS,
    ) -> list[gql_analytics.ChartArtist]:
        chart = await info.context.read(
            analytics.artist_chart, info.context.cache, by=by, limit=check_first(first)
        )
        return [gql_analytics.ChartArtist.from_pydantic(e) for e in chart.items]

    @strawberry.field(description="The chart of tags by assignments or distinct artists.")
    async def top_tags(
        self,
        info: Info[Context, None],
        first: int,
        by: TagChartBy = TagChartBy.ASSIGNMENTS,
    ) -> list[gql_analytics.ChartTag]:
        chart = await info.context.read(
            analytics.tag_chart, info.context.cache, by=by, limit=check_first(first)
        )
        return [gql_analytics.ChartTag.from_pydantic(e) for e in chart.items]

    @strawberry.field(description="Tag assignments over time, per tag, every period filled.")
    async def tag_trends(
        self,
        info: Info[Context, None],
        tags: list[str],
        from_: Annotated[int | None, strawberry.argument(name="from")] = None,
        to: int | None = None,
        granularity: TrendGranularity = TrendGranularity.YEAR,
    ) -> gql_analytics.TagTrends:
        result = await info.context.read(
            analytics.tag_trends,
            info.context.cache,
            tags,
            from_year=from_,
            to_year=to,
            granularity=granularity,
        )
        return gql_analytics.TagTrends.from_pydantic(result)
