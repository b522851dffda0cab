"""Health, readiness, statistics, charts and analytics against a live server."""

from __future__ import annotations

import pytest
from soundstream_sdk import NotFoundError, SoundStream


def test_health(client: SoundStream) -> None:
    assert client.health().status == "ok"


def test_ready_gives_the_data_version_and_table_sizes(client: SoundStream) -> None:
    ready = client.ready()
    assert ready.status == "ready"
    assert ready.data_version >= 1
    assert ready.tables["artists"] == 8


def test_the_data_version_moves_with_every_write(writer: SoundStream) -> None:
    before = writer.ready().data_version
    writer.tags.create(name="krautrock")
    after = writer.ready().data_version
    assert after > before
    assert writer.stats().data_version == after


def test_stats_values(client: SoundStream) -> None:
    stats = client.stats()
    assert stats.counts.to_dict() == {
        "artists": 8,
        "users": 5,
        "tags": 8,
        "listens": 11,
        "tag_assignments": 13,
        "friendships": 4,
        "friendship_rows": 8,
    }
    assert (stats.plays.total, stats.plays.median_per_listen) == (17880, 300.0)
    assert (stats.plays.min_per_listen, stats.plays.max_per_listen) == (10, 10000)
    assert stats.artist_concentration.artists == 7
    assert stats.friends_per_user.mean == pytest.approx(1.6)


def test_artist_chart_by_plays_and_by_listeners(client: SoundStream) -> None:
    by_plays = client.charts.artists(limit=3)
    assert by_plays.by == "plays"
    assert [(e.rank, e.name, e.plays) for e in by_plays.items] == [
        (1, "Britney Spears", 15000),
        (2, "Radiohead", 1300),
        (3, "Daft Punk", 1000),
    ]
    by_listeners = client.charts.artists(by="listeners", limit=1)
    assert [(e.name, e.listeners) for e in by_listeners.items] == [("Radiohead", 3)]


def test_tag_chart(client: SoundStream) -> None:
    chart = client.charts.tags(limit=3)
    assert [(e.name, e.assignments, e.artists) for e in chart.items] == [
        ("rock", 3, 2),
        ("pop", 3, 2),
        ("electronic", 2, 2),
    ]
    assert client.charts.tags(by="artists", limit=2).by == "artists"


def test_tag_trends_per_year_with_unknown_names(client: SoundStream) -> None:
    trends = client.analytics.tag_trends(tags=["rock", "pop", "nope"])
    assert (trends.granularity, trends.from_year, trends.to_year) == ("year", 2008, 2010)
    assert trends.periods == ["2008", "2009", "2010"]
    assert [(s.name, s.counts, s.total) for s in trends.series] == [
        ("rock", [1, 2, 0], 3),
        ("pop", [0, 0, 3], 3),
    ]
    assert trends.unknown_tags == ["nope"]


def test_tag_trends_per_month_within_years(client: SoundStream) -> None:
    trends = client.analytics.tag_trends(tags="rock", start=2009, end=2009, granularity="month")
    assert len(trends.periods) == 12
    assert trends.periods[0] == "2009-01"
    assert sum(trends.series[0].counts) == 2


def test_tag_trends_of_only_unknown_tags_is_not_found(client: SoundStream) -> None:
    with pytest.raises(NotFoundError):
        client.analytics.tag_trends(tags=["nope"])


def test_weight_distribution(client: SoundStream) -> None:
    dist = client.analytics.weight_distribution(bins_per_decade=2)
    assert dist.bins_per_decade == 2
    assert dist.artist_plays.values == 7
    assert dist.listen_weights.values == 11
    assert len(dist.lorenz) == 101
    assert dist.gini == pytest.approx(client.stats().artist_concentration.gini)
