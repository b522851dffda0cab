"""DataFrames for notebooks: ``.to_pandas()`` and ``as_frame=True`` (pandas is optional)."""

from __future__ import annotations

import sys

import pandas as pd
import pytest
from soundstream_sdk import AsyncSoundStream, SoundStream


def test_as_frame_fetches_every_page_into_one_frame(client: SoundStream) -> None:
    frame = client.artists.list(limit=3, as_frame=True)
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.columns) == ["id", "name", "url", "picture_url"]
    assert frame["id"].tolist() == [1, 2, 3, 4, 5, 6, 7, 8]


def test_a_page_to_pandas_starts_at_that_page(client: SoundStream) -> None:
    frame = client.users.artists(2, limit=1, offset=1).to_pandas()
    assert frame[["name", "weight"]].to_dict("records") == [
        {"name": "Muse", "weight": 500},
        {"name": "Björk", "weight": 50},
    ]


def test_search_as_frame_keeps_nested_matches_as_lists(client: SoundStream) -> None:
    frame = client.artists.search(tags=["rock"], as_frame=True)
    assert frame["name"].tolist() == ["Radiohead", "Muse"]
    assert frame.loc[0, "matched_tags"] == [{"id": 1, "name": "rock", "count": 2}]


def test_an_empty_result_still_has_its_columns(client: SoundStream) -> None:
    frame = client.artists.listeners(8, as_frame=True)
    assert frame.empty
    assert list(frame.columns) == ["user_id", "weight"]


def test_charts_and_trends_as_frames(client: SoundStream) -> None:
    chart = client.charts.artists(limit=2).to_pandas()
    assert chart[["rank", "name", "plays"]].values.tolist() == [
        [1, "Britney Spears", 15000],
        [2, "Radiohead", 1300],
    ]
    trends = client.analytics.tag_trends(tags=["rock", "pop"]).to_pandas()
    assert trends.index.tolist() == ["2008", "2009", "2010"]
    assert trends["rock"].tolist() == [1, 2, 0]
    assert trends["pop"].tolist() == [0, 0, 3]


def test_a_user_network_as_rows_of_listener_and_artist(client: SoundStream) -> None:
    frame = client.graph.user_network(2).to_pandas()
    assert len(frame) == 3 + 3 + 2
    friends = frame[frame["is_friend"]]
    assert friends.groupby("user_id")["weight"].sum().to_dict() == {3: 5500, 4: 10020}


def test_profile_top_artists_frame(client: SoundStream) -> None:
    frame = client.users.profile(2).top_artists_frame()
    assert frame["name"].tolist() == ["Radiohead", "Muse", "Björk"]


@pytest.mark.anyio
async def test_async_as_frame_and_to_pandas(async_client: AsyncSoundStream) -> None:
    frame = await async_client.tags.list(limit=3, as_frame=True)
    assert frame["name"].tolist()[:2] == ["rock", "pop"]
    assert len(await async_client.users.list().to_pandas()) == 5
    page = await async_client.artists.tags(3)
    assert (await page.to_pandas())["name"].tolist() == ["electronic", "indie", "tropicália"]


def test_without_pandas_the_error_says_how_to_install_it(
    client: SoundStream, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = client.tags.list()
    monkeypatch.setitem(sys.modules, "pandas", None)  # import pandas now raises ImportError
    with pytest.raises(ImportError, match=r"pip install 'soundstream-sdk\[pandas\]'"):
        page.to_pandas()
