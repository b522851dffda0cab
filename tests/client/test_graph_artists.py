"""``client.graph.artists``: many artists by id in one GraphQL round trip, live.

Small fixture: Radiohead (4) has a picture, Britney Spears (6) has none, 999 is no artist.
"""

from __future__ import annotations

import httpx
import pytest
from soundstream_sdk import AsyncSoundStream, SoundStream
from soundstream_sdk.resources.graph import ARTISTS_PER_QUERY, artist_batches
from soundstream_sdk.types import Artist


def test_artists_by_id_are_keyed_by_id_with_their_pictures(client: SoundStream) -> None:
    found = client.graph.artists([4, 6])
    assert found == {
        4: Artist(
            id=4,
            name="Radiohead",
            url="http://www.last.fm/music/Radiohead",
            picture_url="http://img.example/4.jpg",
        ),
        6: Artist(
            id=6,
            name="Britney Spears",
            url="http://www.last.fm/music/Britney+Spears",
            picture_url=None,
        ),
    }


def test_unknown_artist_ids_are_left_out(client: SoundStream) -> None:
    assert sorted(client.graph.artists([999, 3, 999])) == [3]


def test_no_ids_sends_no_request(client: SoundStream) -> None:
    requests: list[httpx.Request] = []
    with SoundStream(
        base_url=client.base_url,
        http_client=httpx.Client(event_hooks={"request": [requests.append]}),
    ) as counting:
        assert counting.graph.artists([]) == {}
    assert requests == []


def test_ids_beyond_one_query_are_fetched_in_batches(client: SoundStream) -> None:
    requests: list[httpx.Request] = []
    ids = list(range(1, 2 * ARTISTS_PER_QUERY + 2))
    with SoundStream(
        base_url=client.base_url,
        http_client=httpx.Client(event_hooks={"request": [requests.append]}),
    ) as counting:
        found = counting.graph.artists(ids)
    assert sorted(found) == [1, 2, 3, 4, 5, 6, 7, 8]
    assert len(requests) == 3


def test_batches_keep_the_first_seen_order_without_duplicates() -> None:
    assert artist_batches([7, 4, 7, 1]) == [[7, 4, 1]]
    assert [len(b) for b in artist_batches(range(ARTISTS_PER_QUERY + 1))] == [
        ARTISTS_PER_QUERY,
        1,
    ]


@pytest.mark.anyio
async def test_async_artists_by_id_equal_the_sync_answer(
    async_client: AsyncSoundStream, client: SoundStream
) -> None:
    found = await async_client.graph.artists([5, 1, 999])
    assert list(found) == [5, 1]
    assert found == client.graph.artists([5, 1, 999])
