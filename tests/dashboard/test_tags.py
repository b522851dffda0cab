"""The Tags page against a live API over the small fixture.

Small fixture tags per artist: Radiohead rock×2 + indie; Muse rock; Britney pop×2; Daft Punk
electronic + pop; Björk electronic + indie + tropicália; Weird Al comedy; Royce fußball.
Listeners: Radiohead 3, Britney 2, Daft Punk 2, the others 1.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.dashboard.conftest import figure_titled, first_run, markdown_texts, page


@pytest.fixture(scope="module")
def at(dashboard_api: str) -> AppTest:
    return first_run("tags", dashboard_api)


def search(at: AppTest, tags: list[str], **changes: object) -> list[str]:
    """Set the search widgets, rerun, and return the artists listed."""
    at.multiselect(key="search_tags").set_value(tags)
    if "match" in changes:
        at.radio(key="search_match").set_value(changes["match"])
    if "exclude" in changes:
        at.multiselect(key="search_exclude").set_value(changes["exclude"])
    if "listeners" in changes:
        low, high = changes["listeners"]  # type: ignore[misc]
        at.slider(key="search_listeners").set_range(low, high)
    if "sort" in changes:
        at.selectbox(key="search_sort").set_value(changes["sort"])
    at.run()
    assert not at.exception
    if not at.dataframe:
        return []
    return list(at.dataframe[0].value["artist"])


@pytest.fixture
def fresh(api_env: str) -> AppTest:
    return page("tags").run()


def test_the_tag_cloud_is_drawn(at: AppTest) -> None:
    assert not at.exception
    (cloud,) = at.image
    assert cloud.captions == ["The 7 most applied tags, sized by assignments"]


def test_trends_start_with_the_top_three_tags_per_year(at: AppTest) -> None:
    assert at.multiselect(key="trend_tags").value == ["rock", "pop", "electronic"]
    assert at.slider(key="trend_years").value == (2007, 2010)
    trend = figure_titled(at, "Tag assignments per year")
    assert trend["data"][0]["x"] == ["2007", "2008", "2009", "2010"]
    assert {series["name"]: series["y"] for series in trend["data"]} == {
        "rock": [0, 1, 2, 0],
        "pop": [0, 0, 0, 3],
        "electronic": [1, 0, 0, 1],
    }


def test_trends_per_month_for_a_chosen_tag(fresh: AppTest) -> None:
    fresh.multiselect(key="trend_tags").set_value(["pop"])
    fresh.radio(key="trend_granularity").set_value("month").run()
    assert not fresh.exception
    trend = figure_titled(fresh, "Tag assignments per month")
    (series,) = trend["data"]
    assert series["name"] == "pop"
    assert sum(series["y"]) == 3
    assert all(len(period) == 7 for period in series["x"])  # 'YYYY-MM'


def test_search_with_all_tags(fresh: AppTest) -> None:
    assert search(fresh, ["rock", "indie"], match="all") == ["Radiohead"]
    assert "**1 artist matches** (showing 1, sorted by relevance)." in markdown_texts(fresh)


def test_search_with_any_tag_and_exclusions(fresh: AppTest) -> None:
    found = search(fresh, ["rock", "indie"], match="any", sort="name")
    assert found == ["Björk", "Muse", "Radiohead"]
    assert search(fresh, ["rock", "indie"], match="any", exclude=["electronic"], sort="name") == [
        "Muse",
        "Radiohead",
    ]


def test_search_within_a_popularity_range(fresh: AppTest) -> None:
    assert search(fresh, ["pop", "rock"], match="any", listeners=(2, 3), sort="name") == [
        "Britney Spears",
        "Daft Punk",
        "Radiohead",
    ]
    assert search(fresh, ["pop", "rock"], match="any", listeners=(0, 1), sort="name") == ["Muse"]


def test_search_results_link_to_the_artist(fresh: AppTest) -> None:
    search(fresh, ["comedy"])
    table = fresh.dataframe[0].value
    assert table.to_dict("records") == [
        {
            "artist": '"Weird Al" Yankovic',
            "plays": 20,
            "listeners": 1,
            "matched tags": "comedy (1)",
            "last.fm": "http://www.last.fm/music/%22Weird+Al%22+Yankovic",
        }
    ]


def test_a_search_matching_nothing_says_so(fresh: AppTest) -> None:
    assert search(fresh, ["comedy"], listeners=(2, 3)) == []
    assert [info.value for info in fresh.info] == [
        "No artist matches these tags and this popularity range. Try `any` instead of "
        "`all`, fewer excluded tags or a wider range."
    ]


def test_the_api_down_is_a_clear_message(down_env: str) -> None:
    at = page("tags").run()
    assert not at.exception
    assert "does not answer" in at.error[0].value
