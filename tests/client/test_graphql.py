"""GraphQL through the SDK: the typed ``client.graph`` walks and ``client.graphql``, live."""

from __future__ import annotations

import httpx
import pytest
from soundstream_sdk import AsyncSoundStream, GraphQLError, SoundStream
from soundstream_sdk.types import NetworkArtist, NetworkTag, UserNetwork


def test_user_network_walks_user_friends_artists_and_tags(client: SoundStream) -> None:
    network = client.graph.user_network(2)
    assert isinstance(network, UserNetwork)
    assert (network.id, network.friend_count, network.artist_count) == (2, 2, 3)
    assert network.top_artists[0] == NetworkArtist(
        id=4,
        name="Radiohead",
        weight=1000,
        plays=1300,
        listeners=3,
        top_tags=[NetworkTag(id=1, name="rock", count=2), NetworkTag(id=6, name="indie", count=1)],
    )
    assert [(f.id, f.friend_count, f.artist_count) for f in network.friends] == [
        (3, 2, 3),
        (4, 1, 2),
    ]
    assert [(a.name, a.weight) for a in network.friends[0].top_artists] == [
        ("Britney Spears", 5000),
        ("Daft Punk", 300),
        ("Radiohead", 200),
    ]
    daft_punk_tags = network.friends[0].top_artists[1].top_tags
    assert {(t.name, t.count) for t in daft_punk_tags} == {("electronic", 1), ("pop", 1)}  # a tie


def test_user_network_limits_each_level(client: SoundStream) -> None:
    network = client.graph.user_network(2, friends=1, artists=1, tags=1)
    assert [f.id for f in network.friends] == [3]
    assert [a.name for a in network.friends[0].top_artists] == ["Britney Spears"]
    assert [a.name for a in network.top_artists] == ["Radiohead"]
    assert [t.name for t in network.top_artists[0].top_tags] == ["rock"]
    assert network.artist_count == 3  # the total, not the number listed


def test_user_network_of_an_unknown_user_is_a_not_found_graphql_error(client: SoundStream) -> None:
    with pytest.raises(GraphQLError) as caught:
        client.graph.user_network(999)
    assert caught.value.code == "NOT_FOUND"


def test_graphql_runs_any_query_with_variables(client: SoundStream) -> None:
    data = client.graphql(
        "query Top($n: Int!) { topArtists(first: $n, by: LISTENERS) { name listeners } }",
        {"n": 2},
    )
    assert data == {
        "topArtists": [
            {"name": "Radiohead", "listeners": 3},
            {"name": "Britney Spears", "listeners": 2},
        ]
    }


def test_graphql_picks_the_named_operation(client: SoundStream) -> None:
    document = "query A { tag(id: 1) { name } } query B { tag(id: 2) { name } }"
    assert client.graphql(document, operation_name="B") == {"tag": {"name": "pop"}}


def test_graphql_mutations_send_the_api_key(writer: SoundStream) -> None:
    data = writer.graphql(
        "mutation($name: String!) { createTag(name: $name) { ... on Tag { id name } } }",
        {"name": "krautrock"},
    )
    assert data == {"createTag": {"id": 9, "name": "krautrock"}}
    assert writer.tags.get(9).name == "krautrock"


def test_rest_and_graphql_share_one_http_client(read_url: str) -> None:
    sent: list[httpx.Request] = []
    with (
        httpx.Client(event_hooks={"request": [sent.append]}) as http,
        SoundStream(base_url=read_url, http_client=http) as client,
    ):
        client.artists.get(4)
        client.graph.user_network(2, friends=1, artists=1, tags=1)
    assert [(r.method, r.url.path) for r in sent] == [
        ("GET", "/api/v1/artists/4"),
        ("POST", "/graphql"),
    ]


@pytest.mark.anyio
async def test_async_user_network_equals_the_sync_one(
    client: SoundStream, async_client: AsyncSoundStream
) -> None:
    expected = client.graph.user_network(3, friends=5, artists=2, tags=2)
    assert await async_client.graph.user_network(3, friends=5, artists=2, tags=2) == expected


@pytest.mark.anyio
async def test_async_graphql(async_client: AsyncSoundStream) -> None:
    data = await async_client.graphql("{ stats { counts { artists } } }")
    assert data == {"stats": {"counts": {"artists": 8}}}
