"""``client.graph``: nested views of the music graph in one GraphQL round trip.

Each method sends one fixed, named query with variables and turns the answer into typed
models. For any other query use ``client.graphql(query, variables)``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from soundstream_sdk._exceptions import GraphQLError
from soundstream_sdk.resources._base import path_id
from soundstream_sdk.types.artists import Artist
from soundstream_sdk.types.graph import (
    CircleFriend,
    NetworkArtist,
    NetworkFriend,
    NetworkTag,
    SocialCircle,
    UserNetwork,
)

if TYPE_CHECKING:
    from soundstream_sdk._graphql import AsyncGraphQLExecutor, GraphQLExecutor

USER_NETWORK_QUERY = """
query UserNetwork($id: Int!, $friends: Int!, $artists: Int!, $tags: Int!) {
  user(id: $id) {
    id
    friendCount
    topArtists(first: $artists) { ...ListenedArtists }
    friends(first: $friends) {
      edges {
        node {
          id
          friendCount
          topArtists(first: $artists) { ...ListenedArtists }
        }
      }
    }
  }
}

fragment ListenedArtists on ListenConnection {
  totalCount
  edges {
    weight
    node {
      id
      name
      plays
      listenerCount
      topTags(first: $tags) { count node { id name } }
    }
  }
}
"""

SOCIAL_CIRCLE_QUERY = """
query SocialCircle($id: Int!, $friends: Int!) {
  user(id: $id) {
    id
    friendCount
    socialMetrics { ...Metrics }
    community {
      id size membersSample
      artists { id name lift support share globalShare }
      tags { id name lift support share globalShare }
    }
    friends(first: $friends) {
      edges { node { id friendCount socialMetrics { ...Metrics } } }
    }
  }
}

fragment Metrics on SocialMetrics {
  id degree clustering pagerank pagerankRank pagerankPercentile community communitySize coreNumber
}
"""

ARTISTS_PER_QUERY = 25
"""Aliases per `artists` query: under the server's default limit of 30 aliases a document."""

NOT_FOUND = "NOT_FOUND"
_CAMEL_HUMP = re.compile(r"(?<=[a-z0-9])([A-Z])")


def snake_keys(value: Any) -> Any:
    """GraphQL's camelCase keys as the REST API's snake_case, recursively."""
    if isinstance(value, dict):
        return {_CAMEL_HUMP.sub(r"_\1", k).lower(): snake_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [snake_keys(v) for v in value]
    return value


def _artists(connection: dict[str, Any]) -> list[NetworkArtist]:
    return [
        NetworkArtist(
            id=edge["node"]["id"],
            name=edge["node"]["name"],
            weight=edge["weight"],
            plays=edge["node"]["plays"],
            listeners=edge["node"]["listenerCount"],
            top_tags=[
                NetworkTag(id=tag["node"]["id"], name=tag["node"]["name"], count=tag["count"])
                for tag in edge["node"]["topTags"]
            ],
        )
        for edge in connection["edges"]
    ]


def _user(user_id: int, data: dict[str, Any]) -> dict[str, Any]:
    user = data.get("user")
    if user is None:
        raise GraphQLError(
            [{"message": f"user {user_id} does not exist", "extensions": {"code": NOT_FOUND}}],
            data=data,
        )
    return dict(user)


def _user_network(user_id: int, data: dict[str, Any]) -> UserNetwork:
    user = _user(user_id, data)
    return UserNetwork(
        id=user["id"],
        friend_count=user["friendCount"],
        artist_count=user["topArtists"]["totalCount"],
        top_artists=_artists(user["topArtists"]),
        friends=[
            NetworkFriend(
                id=edge["node"]["id"],
                friend_count=edge["node"]["friendCount"],
                artist_count=edge["node"]["topArtists"]["totalCount"],
                top_artists=_artists(edge["node"]["topArtists"]),
            )
            for edge in user["friends"]["edges"]
        ],
    )


def _social_circle(user_id: int, data: dict[str, Any]) -> SocialCircle:
    user = snake_keys(_user(user_id, data))
    return SocialCircle(
        id=user["id"],
        friend_count=user["friend_count"],
        metrics=user["social_metrics"],
        community=user["community"],
        friends=[
            CircleFriend(
                id=edge["node"]["id"],
                friend_count=edge["node"]["friend_count"],
                metrics=edge["node"]["social_metrics"],
            )
            for edge in user["friends"]["edges"]
        ],
    )


def artists_query(count: int) -> str:
    """One named query fetching ``count`` artists by id, as aliases ``a0``, ``a1``, ..."""
    params = ", ".join(f"$a{i}: Int!" for i in range(count))
    fields = " ".join(f"a{i}: artist(id: $a{i}) {{ ...Card }}" for i in range(count))
    return (
        f"query ArtistsById({params}) {{ {fields} }}\n"
        "fragment Card on Artist { id name url pictureUrl }"
    )


def artist_batches(artist_ids: Iterable[int]) -> list[list[int]]:
    """The distinct ids (first-seen order), in chunks that each fit one query."""
    unique = list(dict.fromkeys(path_id(artist_id) for artist_id in artist_ids))
    return [
        unique[start : start + ARTISTS_PER_QUERY]
        for start in range(0, len(unique), ARTISTS_PER_QUERY)
    ]


def _batch_variables(batch: list[int]) -> dict[str, Any]:
    return {f"a{i}": artist_id for i, artist_id in enumerate(batch)}


def _found_artists(data: dict[str, Any]) -> dict[int, Artist]:
    found = (Artist.model_validate(snake_keys(node)) for node in data.values() if node)
    return {artist.id: artist for artist in found}


def _variables(user_id: int, friends: int, artists: int, tags: int) -> dict[str, Any]:
    return {"id": path_id(user_id), "friends": friends, "artists": artists, "tags": tags}


class Graph:
    """Typed GraphQL walks (``/graphql``)."""

    def __init__(self, executor: GraphQLExecutor) -> None:
        self._executor = executor

    def user_network(
        self, user_id: int, *, friends: int = 20, artists: int = 5, tags: int = 3
    ) -> UserNetwork:
        """A user, their top artists and their friends' top artists, each artist with its
        top tags: the user → friends → topArtists → topTags walk in one request.

        Args:
            user_id: The user.
            friends: Most friends to include (by id).
            artists: Top artists per user (most played first).
            tags: Top tags per artist (most assigned first).

        Raises:
            GraphQLError: ``code == "NOT_FOUND"`` if the user does not exist;
                ``"QUERY_TOO_COMPLEX"`` if ``friends * artists * tags`` is over the
                server's budget.

        Example:
            >>> net = client.graph.user_network(2, friends=10, artists=3, tags=2)
            >>> [(f.id, [a.name for a in f.top_artists]) for f in net.friends]
            [(3, ['Britney Spears', 'Daft Punk', 'Radiohead']), (4, [...])]
        """
        data = self._executor.execute(
            USER_NETWORK_QUERY, _variables(user_id, friends, artists, tags), "UserNetwork"
        )
        return _user_network(user_id, data)

    def social_circle(self, user_id: int, *, friends: int = 20) -> SocialCircle:
        """A user's place in the friendship graph (degree, PageRank, community...), their
        community with its characteristic artists and tags, and each friend's place: the
        user page of a dashboard in one request.

        Args:
            user_id: The user.
            friends: Most friends to include (by id).

        Raises:
            GraphQLError: ``code == "NOT_FOUND"`` if the user does not exist.

        Example:
            >>> circle = client.graph.social_circle(2)
            >>> circle.metrics.pagerank_rank, [(f.id, f.metrics.community) for f in circle.friends]
            (1, [(3, 0), (4, 1)])
        """
        data = self._executor.execute(
            SOCIAL_CIRCLE_QUERY, {"id": path_id(user_id), "friends": friends}, "SocialCircle"
        )
        return _social_circle(user_id, data)

    def artists(self, artist_ids: Iterable[int]) -> dict[int, Artist]:
        """Many artists by id (name, Last.fm URL, picture URL), keyed by id, in one round
        trip per 25 ids: what a page of recommendation cards needs, where REST would take
        a request per artist.

        Ids that name no artist are left out of the answer rather than raised, since a list
        of ids from elsewhere (a recommendation, a chart) may race with a delete.

        Example:
            >>> found = client.graph.artists([4, 6, 999])
            >>> sorted(found), found[6].picture_url
            ([4, 6], None)
        """
        found: dict[int, Artist] = {}
        for batch in artist_batches(artist_ids):
            data = self._executor.execute(
                artists_query(len(batch)), _batch_variables(batch), "ArtistsById"
            )
            found.update(_found_artists(data))
        return found


class AsyncGraph:
    """Typed GraphQL walks (``/graphql``), async. Same methods as `Graph`."""

    def __init__(self, executor: AsyncGraphQLExecutor) -> None:
        self._executor = executor

    async def user_network(
        self, user_id: int, *, friends: int = 20, artists: int = 5, tags: int = 3
    ) -> UserNetwork:
        """A user, their top artists and their friends' top artists with top tags.

        Example:
            >>> net = await client.graph.user_network(2)
            >>> net.top_artists[0].name, net.top_artists[0].top_tags[0].name
            ('Radiohead', 'rock')
        """
        data = await self._executor.execute(
            USER_NETWORK_QUERY, _variables(user_id, friends, artists, tags), "UserNetwork"
        )
        return _user_network(user_id, data)

    async def social_circle(self, user_id: int, *, friends: int = 20) -> SocialCircle:
        """A user's place in the friendship graph, their community and each friend's place.

        Example:
            >>> (await client.graph.social_circle(2)).community.size
            2
        """
        data = await self._executor.execute(
            SOCIAL_CIRCLE_QUERY, {"id": path_id(user_id), "friends": friends}, "SocialCircle"
        )
        return _social_circle(user_id, data)

    async def artists(self, artist_ids: Iterable[int]) -> dict[int, Artist]:
        """Many artists by id, keyed by id, in one round trip per 25 ids.

        Example:
            >>> (await client.graph.artists([4]))[4].name
            'Radiohead'
        """
        found: dict[int, Artist] = {}
        for batch in artist_batches(artist_ids):
            data = await self._executor.execute(
                artists_query(len(batch)), _batch_variables(batch), "ArtistsById"
            )
            found.update(_found_artists(data))
        return found
