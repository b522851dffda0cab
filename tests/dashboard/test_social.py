"""The Social graph page against a live API over the small fixture.

Small fixture friendships: 2-3, 2-4, 3-5, 5-6 (5 users, 4 friendships, one component; Louvain
finds {3, 5, 6} and {2, 4}). Users 2, 3 and 5 have 2 friends, 4 and 6 have one.
"""

from __future__ import annotations

import pytest
from soundstream_dashboard.network import nodes_in_html
from streamlit.testing.v1 import AppTest

from tests.dashboard.conftest import figure_titled, first_run, markdown_texts, metrics, page


@pytest.fixture(scope="module")
def at(dashboard_api: str) -> AppTest:
    return first_run("social", dashboard_api, user="2")


def ego_nodes(at: AppTest) -> list[dict[str, object]]:
    (frame,) = at.get("iframe")
    return nodes_in_html(frame.proto.srcdoc)


def test_the_page_runs_without_an_error(at: AppTest) -> None:
    assert not at.exception
    assert not at.error


def test_the_ego_network_of_friends(at: AppTest) -> None:
    nodes = ego_nodes(at)
    assert sorted(int(str(node["id"])) for node in nodes) == [2, 3, 4]
    ego = next(node for node in nodes if node["id"] == 2)
    assert ego["shape"] == "star"
    assert "Top artists: Radiohead, Muse, Björk" in str(ego["title"])


def test_the_users_place_in_the_graph(at: AppTest) -> None:
    shown = metrics(at)
    assert (shown["Friends"], shown["PageRank rank"], shown["Community"]) == ("2", "1", "1")


def test_radius_two_reaches_friends_of_friends_and_the_cap_holds(api_env: str) -> None:
    at = page("social")
    at.query_params["user"] = "2"
    at.run()
    at.radio(key="ego_radius").set_value(2).run()
    assert not at.exception
    assert sorted(int(str(node["id"])) for node in ego_nodes(at)) == [2, 3, 4, 5]
    at.slider(key="ego_max_nodes").set_value(10).run()
    assert len(ego_nodes(at)) == 4  # below the cap: nothing left out


def test_nodes_are_sized_by_pagerank_on_request(api_env: str) -> None:
    at = page("social")
    at.query_params["user"] = "3"
    at.run()
    by_degree = {node["id"]: node["size"] for node in ego_nodes(at)}
    at.radio(key="ego_size_by").set_value("pagerank").run()
    by_pagerank = {node["id"]: node["size"] for node in ego_nodes(at)}
    assert set(by_degree) == set(by_pagerank) == {2, 3, 5}
    assert by_degree != by_pagerank


def test_global_metrics_from_the_social_summary(at: AppTest) -> None:
    shown = metrics(at)
    assert shown["Users"] == "5"
    assert shown["Friendships"] == "4"
    assert shown["Components"] == "1"
    assert shown["Communities"] == "2"
    assert shown["Modularity"] == "0.219"
    assert shown["Diameter"] == "4"
    assert shown["Taste homophily"] == "1.56×"


def test_communities_table(at: AppTest) -> None:
    table = at.dataframe[1].value
    assert list(table["community"]) == [0, 1]
    assert list(table["members"]) == [3, 2]


def test_friends_vs_diversity_answered_with_spearman(at: AppTest) -> None:
    assert (
        "Spearman's ρ = **0.775** over 4 users: a strong tendency for users with more "
        "friends to listen more diversely (p = 0.23)." in markdown_texts(at)
    )
    scatter = figure_titled(at, "Friends vs diversity: Spearman ρ = 0.775")
    users, trend = scatter["data"]
    assert sorted(users["customdata"]) == [2, 3, 4, 5]
    assert trend["name"] == "trend (least squares on log friends)"
    assert trend["y"][-1] > trend["y"][0]


def test_diversity_as_distinct_artists(api_env: str) -> None:
    at = page("social").run()
    at.radio(key="diversity_measure").set_value("distinct_artists").run()
    assert not at.exception
    assert any(
        text.startswith("Spearman's ρ = **1.000** over 4 users") for text in markdown_texts(at)
    )


def test_an_unknown_user_is_a_clear_message(api_env: str) -> None:
    at = page("social")
    at.query_params["user"] = "999"
    at.run()
    assert not at.exception
    assert [w.value for w in at.warning] == [
        "There is no user with ID 999. Pick one from the list or try another ID."
    ]
    assert not at.get("iframe")
    assert metrics(at)["Users"] == "5"  # the rest of the page still answers


def test_the_api_down_is_a_clear_message(down_env: str) -> None:
    at = page("social").run()
    assert not at.exception
    assert "does not answer" in at.error[0].value
