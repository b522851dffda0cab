"""The Overview page against a live API over the small fixture (tests/fixtures/small)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.dashboard.conftest import figure_titled, first_run, markdown_texts, metrics, page


@pytest.fixture(scope="module")
def at(dashboard_api: str) -> AppTest:
    return first_run("overview", dashboard_api)


def test_the_page_runs_without_an_error(at: AppTest) -> None:
    assert not at.exception
    assert not at.error
    assert at.title[0].value == "Overview"


def test_headline_figures_come_from_stats(at: AppTest) -> None:
    assert metrics(at) == {
        "Users": "5",
        "Artists": "8",
        "Tags": "8",
        "Listens": "11",
        "Tag assignments": "13",
        "Friendships": "4",
        "Plays": "17.9k",
        "Median plays per listen": "300",
        "Mean plays per listen": "1,625",
        "Gini of plays over artists": "0.775",
        "Share of the top 1%": "84%",
        "Share of the top 10%": "84%",
    }


def test_top_artists_by_plays_and_by_listeners(at: AppTest) -> None:
    by_plays = figure_titled(at, "Top 7 artists by plays")["data"][0]
    assert by_plays["x"][:3] == [15000, 1300, 1000]
    by_listeners = figure_titled(at, "Top 7 artists by listeners")["data"][0]
    assert [row[0] for row in by_listeners["customdata"][:3]] == [
        "Radiohead",
        "Britney Spears",
        "Daft Punk",
    ]
    assert by_listeners["x"][:3] == [3, 2, 2]


def test_artist_pictures_sit_beside_the_charts_with_initials_where_none_exists(at: AppTest) -> None:
    strips = [text for text in markdown_texts(at) if "img.example/4.jpg" in text]
    assert len(strips) == 2  # one strip per chart
    # Britney Spears (6) has no picture: her tile is initials only.
    assert "BS</div>" in strips[0]
    assert 'href="http://www.last.fm/music/Radiohead"' in strips[0]


def test_weight_distribution_and_lorenz_curve_with_the_gini(at: AppTest) -> None:
    lorenz = figure_titled(at, "Superstars vs the long tail")
    assert lorenz["layout"]["annotations"][0]["text"] == "<b>Gini 0.775</b>"
    curve = lorenz["data"][1]
    assert (curve["x"][-1], curve["y"][-1]) == (1.0, 1.0)
    histogram = figure_titled(at, "Plays per artist and per listen")
    artists = histogram["data"][0]
    assert sum(artists["y"]) == 7  # the seven artists with listeners
    assert histogram["layout"]["xaxis"]["type"] == "log"
    assert histogram["layout"]["yaxis"]["type"] == "log"


def test_top_tags_chart(at: AppTest) -> None:
    tags = figure_titled(at, "Top 7 tags")["data"][0]
    assert tags["y"][:2] == ["rock", "pop"]
    assert tags["x"][:2] == [3, 3]


def test_an_api_that_is_down_is_a_message_not_a_traceback(down_env: str) -> None:
    at = page("overview").run()
    assert not at.exception
    assert len(at.error) == 1
    message = at.error[0].value
    assert f"The SoundStream API does not answer at {down_env}" in message
    assert "soundstream up" in message
    assert not at.metric
