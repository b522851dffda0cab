"""The music graph's node types — User, Artist, Tag — and their connections.

They reference one another (a user's artists' tags' artists...), so they live in one module
instead of a web of lazy imports. Every relation resolves through a per-request DataLoader
(`server.graphql.loaders`): a nested query costs a fixed number of statements.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from enum import Enum
from typing import Any

import strawberry
from sqlalchemy import Row
from strawberry.types import Info

from server.graphql.context import Context
from server.graphql.pagination import check_first, decode_cursor, encode_cursor
from server.graphql.scalars import Long
from server.graphql.types.recommend import (
    Recommendations,
    SimilarArtist,
    recommendations_from_model,
)
from server.graphql.types.social import (
    Community,
    EgoNetwork,
    FriendRecommendation,
    SocialMetrics,
    ego_from_model,
)
from server.recommend.strategy import Strategy
from server.schemas.pagination import PageParams
from server.schemas.recommend import RecommendationsPublic
from server.services import recommend, social
from server.services.recommend import recommender_store

CountFn = Callable[[], Awaitable[int]]


@strawberry.type(description="Relay page information.")
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


def page_info(offset: int, shown: int, has_next: bool) -> PageInfo:
    return PageInfo(
        has_next_page=has_next,
        has_previous_page=offset > 0,
        start_cursor=encode_cursor(offset) if shown else None,
        end_cursor=encode_cursor(offset + shown - 1) if shown else None,
    )


@strawberry.interface(description="A paginated list; `totalCount` is computed only if asked.")
class Connection:
    page_info: PageInfo
    _count: strawberry.Private[CountFn]

    @strawberry.field(description="Items across all pages.")
    async def total_count(self) -> int:
        return await self._count()


@strawberry.enum(description="Time buckets for tag usage.")
class Granularity(Enum):
    YEAR = "year"
    MONTH = "month"


@strawberry.type(description="Assignments of a tag in one period.")
class Period:
    period: str = strawberry.field(description="'YYYY' or 'YYYY-MM'.")
    year: int
    month: int | None
    count: int


@strawberry.type(description="Listening diversity: how evenly a user's plays spread.")
class Diversity:
    distinct_artists: int
    entropy: float = strawberry.field(description="Shannon entropy of plays, in nats.")
    normalised_entropy: float | None = strawberry.field(
        description="Entropy / ln(distinct artists); null below two artists."
    )


@strawberry.type(description="A Last.fm user of the dataset.")
class User:
    id: int

    @strawberry.field(description="The user's friends (friendship is mutual), by id.")
    async def friends(
        self, info: Info[Context, None], first: int, after: str | None = None
    ) -> UserConnection:
        offset, first = decode_cursor(after), check_first(first)
        loaders = info.context.loaders
        rows = await loaders.friends.load((self.id, first, offset))
        edges = [
            UserEdge(node=User(id=row.friend_id), cursor=encode_cursor(offset + i))
            for i, row in enumerate(rows[:first])
        ]
        return UserConnection(
            edges=edges,
            page_info=page_info(offset, len(edges), len(rows) > first),
            _count=lambda: loaders.friend_count.load(self.id),
        )

    @strawberry.field(description="Number of friends.")
    async def friend_count(self, info: Info[Context, None]) -> int:
        count: int = await info.context.loaders.friend_count.load(self.id)
        return count

    @strawberry.field(description="The user's artists, most plays first; edges carry `weight`.")
    async def top_artists(
        self, info: Info[Context, None], first: int, after: str | None = None
    ) -> ListenConnection:
        offset, first = decode_cursor(after), check_first(first)
        loaders = info.context.loaders
        rows = await loaders.listens.load((self.id, first, offset))
        edges = [
            ListenEdge(
                node=artist_from_row(row), weight=row.weight, cursor=encode_cursor(offset + i)
            )
            for i, row in enumerate(rows[:first])
        ]
        return ListenConnection(
            edges=edges,
            page_info=page_info(offset, len(edges), len(rows) > first),
            _count=lambda: loaders.listen_count.load(self.id),
        )

    @strawberry.field(description="Tags this user assigned, newest first.")
    async def tag_assignments(
        self, info: Info[Context, None], first: int, after: str | None = None
    ) -> TagAssignmentConnection:
        loaders = info.context.loaders
        return await assignment_connection(
            loaders.user_assignments,
            lambda: loaders.user_assignment_count.load(self.id),
            self.id,
            first,
            after,
        )

    @strawberry.field(description="The tags this user applied most, with counts.")
    async def top_tags(self, info: Info[Context, None], first: int) -> list[TagCount]:
        rows = await info.context.loaders.user_top_tags.load((self.id, check_first(first)))
        return [TagCount(node=Tag(id=r.tag_id, name=r.name), count=r.count) for r in rows]

    @strawberry.field(description="Distinct artists and Shannon entropy of the user's plays.")
    async def diversity(self, info: Info[Context, None]) -> Diversity:
        distinct, entropy, normalised = await info.context.loaders.diversity.load(self.id)
        return Diversity(distinct_artists=distinct, entropy=entropy, normalised_entropy=normalised)

    @strawberry.field(description="Degree, clustering, PageRank, community and core number.")
    async def social_metrics(self, info: Info[Context, None]) -> SocialMetrics | None:
        found = await info.context.loaders.social_metrics.load(self.id)
        return SocialMetrics.from_pydantic(found) if found is not None else None

    @strawberry.field(description="The user's community (Louvain) with its characteristic taste.")
    async def community(self, info: Info[Context, None]) -> Community | None:
        found = await info.context.loaders.social_metrics.load(self.id)
        if found is None:
            return None
        page = await info.context.read(
            social.list_communities, info.context.cache, PageParams(limit=1, offset=found.community)
        )
        return Community.from_pydantic(page.items[0]) if page.items else None

    @strawberry.field(description="The user's ego network, ready to draw.")
    async def ego(
        self, info: Info[Context, None], radius: int = 1, max_nodes: int = 100
    ) -> EgoNetwork:
        model = await info.context.read(
            social.user_ego_network,
            info.context.cache,
            self.id,
            radius=radius,
            max_nodes=max_nodes,
        )
        return ego_from_model(model)

    @strawberry.field(description="Artists the user's friends play and the user does not.")
    async def friend_recommendations(
        self, info: Info[Context, None], first: int
    ) -> list[FriendRecommendation]:
        found = await info.context.read(
            social.friend_recommendations, info.context.cache, self.id, limit=check_first(first)
        )
        return [FriendRecommendation.from_pydantic(item) for item in found.items]

    @strawberry.field(description="Artists to try next, best first, each with why.")
    async def recommendations(
        self, info: Info[Context, None], first: int, strategy: Strategy = Strategy.HYBRID
    ) -> Recommendations:
        model = await info.context.read(
            recommend_for, info.context, self.id, check_first(first), strategy
        )
        return recommendations_from_model(model)


@strawberry.type(description="An artist of the dataset.")
class Artist:
    id: int
    name: str
    url: str | None
    picture_url: str | None

    @strawberry.field(description="Sum of listen weights (play counts).")
    async def plays(self, info: Info[Context, None]) -> Long:
        plays, _listeners = await info.context.loaders.artist_stats.load(self.id)
        return Long(plays)

    @strawberry.field(description="Distinct users who listen to this artist.")
    async def listener_count(self, info: Info[Context, None]) -> int:
        _plays, listeners = await info.context.loaders.artist_stats.load(self.id)
        return int(listeners)

    @strawberry.field(
        description="The artist's tags, most assigned first.", graphql_type=list["TagCount"]
    )
    def top_tags(
        self, info: Info[Context, None], first: int
    ) -> list[TagCount] | Awaitable[list[TagCount]]:
        # Built by the loader and shared through its cache: returned as is, never changed.
        # Not a coroutine: a cached list comes back at once (`SharedLoader.get`).
        tags: list[TagCount] | Awaitable[list[TagCount]] = info.context.loaders.artist_top_tags.get(
            (self.id, check_first(first))
        )
        return tags

    @strawberry.field(description="Who listens, most plays first; edges carry `weight`.")
    async def listeners(
        self, info: Info[Context, None], first: int, after: str | None = None
    ) -> ListenerConnection:
        offset, first = decode_cursor(after), check_first(first)
        loaders = info.context.loaders
        rows = await loaders.listeners.load((self.id, first, offset))
        edges = [
            ListenerEdge(node=User(id=r.user_id), weight=r.weight, cursor=encode_cursor(offset + i))
            for i, r in enumerate(rows[:first])
        ]

        async def count() -> int:
            _plays, listeners = await loaders.artist_stats.load(self.id)
            return int(listeners)

        return ListenerConnection(
            edges=edges, page_info=page_info(offset, len(edges), len(rows) > first), _count=count
        )

    @strawberry.field(description="Artists most like this one (co-listening, then tags).")
    async def similar(self, info: Info[Context, None], first: int) -> list[SimilarArtist]:
        store = recommender_store(info.context.request.app.state)
        found = await info.context.read(
            lambda s: recommend.similar_artists(s, store.get(s), self.id, limit=check_first(first))
        )
        return [
            SimilarArtist(artist_id=i.artist_id, name=i.name, score=i.score) for i in found.items
        ]

    @strawberry.field(description="Tag assignments on this artist, newest first.")
    async def tagged_by(
        self, info: Info[Context, None], first: int, after: str | None = None
    ) -> TagAssignmentConnection:
        loaders = info.context.loaders
        return await assignment_connection(
            loaders.artist_assignments,
            lambda: loaders.artist_assignment_count.load(self.id),
            self.id,
            first,
            after,
        )


@strawberry.type(description="A community tag.")
class Tag:
    id: int
    name: str

    @strawberry.field(description="Distinct artists carrying the tag.")
    async def artist_count(self, info: Info[Context, None]) -> int:
        count: int = await info.context.loaders.tag_artist_count.load(self.id)
        return count

    @strawberry.field(description="Artists most often given this tag.")
    async def top_artists(self, info: Info[Context, None], first: int) -> list[ArtistCount]:
        rows = await info.context.loaders.tag_top_artists.load((self.id, check_first(first)))
        return [ArtistCount(node=artist_from_row(r), count=r.count) for r in rows]

    @strawberry.field(description="Assignments over time, only periods with any.")
    async def usage(
        self, info: Info[Context, None], granularity: Granularity = Granularity.YEAR
    ) -> list[Period]:
        loaders = info.context.loaders
        monthly = granularity is Granularity.MONTH
        loader = loaders.tag_usage_monthly if monthly else loaders.tag_usage_yearly
        rows = await loader.load(self.id)
        return [
            Period(
                period=f"{year:04d}-{month:02d}" if month else f"{year:04d}",
                year=year,
                month=month,
                count=count,
            )
            for year, month, count in rows
        ]


@strawberry.type(description="A tag with how often it applies.")
class TagCount:
    node: Tag
    count: int


@strawberry.type(description="An artist with how often a tag was given to it.")
class ArtistCount:
    node: Artist
    count: int


@strawberry.type(description="One tag assignment: a user tagged an artist at a time.")
class TagAssignment:
    user: User
    timestamp: Long = strawberry.field(description="Unix time in milliseconds (UTC).")
    day: int | None
    month: int | None
    year: int | None
    _artist_id: strawberry.Private[int]
    _tag_id: strawberry.Private[int]

    @strawberry.field
    async def artist(self, info: Info[Context, None]) -> Artist | None:
        row = await info.context.loaders.artist.load(self._artist_id)
        return artist_from_row(row) if row is not None else None

    @strawberry.field
    async def tag(self, info: Info[Context, None]) -> Tag | None:
        row = await info.context.loaders.tag.load(self._tag_id)
        return Tag(id=row.id, name=row.value) if row is not None else None


@strawberry.type
class UserEdge:
    node: User
    cursor: str


@strawberry.type
class UserConnection(Connection):
    edges: list[UserEdge]


@strawberry.type
class ArtistEdge:
    node: Artist
    cursor: str


@strawberry.type
class ArtistConnection(Connection):
    edges: list[ArtistEdge]


@strawberry.type
class TagEdge:
    node: Tag
    cursor: str


@strawberry.type
class TagConnection(Connection):
    edges: list[TagEdge]


@strawberry.type(description="A listened artist and the user's play count for it.")
class ListenEdge:
    node: Artist
    weight: Long
    cursor: str


@strawberry.type
class ListenConnection(Connection):
    edges: list[ListenEdge]


@strawberry.type(description="A listener and their play count for the artist.")
class ListenerEdge:
    node: User
    weight: Long
    cursor: str


@strawberry.type
class ListenerConnection(Connection):
    edges: list[ListenerEdge]


@strawberry.type
class TagAssignmentEdge:
    node: TagAssignment
    cursor: str


@strawberry.type
class TagAssignmentConnection(Connection):
    edges: list[TagAssignmentEdge]


def recommend_for(
    session: Any, context: Context, user_id: int, limit: int, strategy: Strategy
) -> RecommendationsPublic:
    """The REST recommendations for one user, on a worker thread's session."""
    store = recommender_store(context.request.app.state)
    return recommend.recommend_for_user(
        session,
        store.get(session),
        user_id,
        limit=limit,
        strategy=strategy,
        cache=context.cache,
    )


def artist_from_row(row: Any) -> Artist:
    """An `Artist` from an ORM row or a result row with id, name, url, picture_url."""
    return Artist(id=row.id, name=row.name, url=row.url, picture_url=row.picture_url)


def assignment_from_row(row: Row[Any]) -> TagAssignment:
    return TagAssignment(
        user=User(id=row.user_id),
        timestamp=row.timestamp,
        day=row.day,
        month=row.month,
        year=row.year,
        _artist_id=row.artist_id,
        _tag_id=row.tag_id,
    )


async def assignment_connection(
    loader: Any, count: CountFn, parent: int, first: int, after: str | None
) -> TagAssignmentConnection:
    offset, first = decode_cursor(after), check_first(first)
    rows = await loader.load((parent, first, offset))
    edges = [
        TagAssignmentEdge(node=assignment_from_row(r), cursor=encode_cursor(offset + i))
        for i, r in enumerate(rows[:first])
    ]
    return TagAssignmentConnection(
        edges=edges, page_info=page_info(offset, len(edges), len(rows) > first), _count=count
    )
