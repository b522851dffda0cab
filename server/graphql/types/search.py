"""Artist search results: the REST search's hits as a Relay connection."""

from __future__ import annotations

import strawberry

from server.graphql.scalars import Long
from server.graphql.types.nodes import Artist, Connection
from server.schemas.search import SearchSort, TagMatch

# The REST enums themselves become GraphQL enums: one definition of the allowed values.
strawberry.enum(TagMatch, name="TagMatch")
strawberry.enum(SearchSort, name="SearchSort")


@strawberry.type(description="A matched tag and its assignments on the artist.")
class MatchedTag:
    id: int
    name: str
    count: int


@strawberry.type(description="A search hit: the artist with its plays, listeners and matches.")
class SearchEdge:
    node: Artist
    cursor: str
    plays: Long
    listeners: int
    matched_tags: list[MatchedTag]


@strawberry.type
class SearchConnection(Connection):
    edges: list[SearchEdge]
    sort: SearchSort
    unknown_tags: list[str] = strawberry.field(description="Names in `tags` matching no tag.")
    unknown_exclude_tags: list[str]


@strawberry.input(description="Narrows `artists`: the same criteria as `searchArtists`.")
class ArtistFilter:
    name_contains: str | None = None
    tags: list[str] | None = None
    match: TagMatch = TagMatch.ALL
    exclude_tags: list[str] | None = None
    min_listeners: int | None = None
    max_listeners: int | None = None
    min_plays: Long | None = None
    max_plays: Long | None = None
