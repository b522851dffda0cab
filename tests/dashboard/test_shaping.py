"""The dashboard's pure half: reasons in words, pictures, figures, the pyvis page, the tag
cloud. No server, no Streamlit run."""

from __future__ import annotations

import doctest
import re
from types import ModuleType

import pytest
from soundstream_dashboard import charts, network, pictures, reasons, tagcloud, userpicker
from soundstream_sdk.types import (
    Artist,
    DiversityPoint,
    EgoNetwork,
    EgoNode,
    FriendsReason,
    PopularReason,
    RankCorrelation,
    ReasonArtist,
    ReasonTag,
    ReasonUser,
    RecommendationReason,
    SimilarArtistsReason,
    TagChart,
    TagChartEntry,
    TagsReason,
)


@pytest.mark.parametrize("module", [charts, network, pictures, reasons, userpicker])
def test_docstring_examples_hold(module: ModuleType) -> None:
    failures, _tried = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert failures == 0


@pytest.mark.parametrize(
    ("reason", "text"),
    [
        (
            SimilarArtistsReason(
                kind="similar_artists",
                artists=[ReasonArtist(artist_id=4, name="Radiohead"), ReasonArtist(artist_id=5)],
            ),
            "because you play Radiohead and artist 5",
        ),
        (
            FriendsReason(kind="friends", users=[ReasonUser(user_id=3)], total=1),
            "your friend 3 plays it",
        ),
        (
            FriendsReason(kind="friends", users=[ReasonUser(user_id=3)], total=3),
            "3 friends play it",
        ),
        (
            TagsReason(
                kind="tags",
                tags=[ReasonTag(tag_id=6, name="indie"), ReasonTag(tag_id=1, name="rock")],
            ),
            "tagged indie and rock like your favourites",
        ),
        (PopularReason(kind="popular", listeners=1), "popular with everyone (1 listener)"),
        (RecommendationReason(kind="new_kind"), "new kind"),
    ],
)
def test_reasons_in_words(reason: RecommendationReason, text: str) -> None:
    assert reasons.reason_text(reason) == text


def test_markdown_escaping_keeps_names_literal() -> None:
    assert reasons.md_escape("Ke$ha") == "Ke\\$ha"
    assert reasons.md_escape(":red[x]") == "\\:red\\[x\\]"


def test_a_picture_degrades_to_initials() -> None:
    with_url = pictures.picture_html("Daft Punk", "http://img.example/7.jpg")
    without = pictures.picture_html("Britney Spears", None)
    assert ">DP<" in with_url
    assert "url(&quot;http://img.example/7.jpg&quot;)" in with_url
    assert ">BS</div>" in without
    assert "url(" not in without


def test_picture_urls_cannot_break_out_of_the_html() -> None:
    html = pictures.picture_html("x", 'http://e.example/a.jpg"><script>alert(1)</script>')
    assert "<script>" not in html


def test_picture_strip_numbers_and_links_the_artists() -> None:
    strip = pictures.picture_strip_html(
        [
            Artist(id=4, name="Radiohead", url="http://www.last.fm/music/Radiohead"),
            Artist(id=6, name="Britney Spears"),
        ]
    )
    assert 'href="http://www.last.fm/music/Radiohead"' in strip
    assert re.findall(r"(?:</div>|</a>)(\d)</div>", strip) == ["1", "2"]


def test_user_ids_are_parsed_from_what_was_typed() -> None:
    assert userpicker.parse_user_id(7) == 7
    assert userpicker.parse_user_id(" 2100 ") == 2100
    assert userpicker.parse_user_id("-3") is None
    assert userpicker.parse_user_id("user 2") is None


def ego() -> EgoNetwork:
    return EgoNetwork(
        ego=2,
        radius=1,
        nodes=[
            EgoNode(id=2, degree=2, distance=0, pagerank=0.25, community=1, top_artists=["Muse"]),
            EgoNode(id=3, degree=8, distance=1, pagerank=0.05, community=0),
            EgoNode(id=4, degree=1, distance=1, pagerank=0.13, community=1),
        ],
        edges=[(2, 3), (2, 4)],
        total_nodes=3,
        truncated=False,
    )


def test_the_ego_page_holds_every_node_coloured_by_community() -> None:
    page = network.ego_network_html(ego())
    nodes = {node["id"]: node for node in network.nodes_in_html(page)}
    assert set(nodes) == {2, 3, 4}
    assert nodes[2]["shape"] == "star"
    background = {key: node["color"]["background"] for key, node in nodes.items()}  # type: ignore[index]
    assert background[2] == background[4] != background[3]
    assert "Top artists: Muse" in str(nodes[2]["title"])


def test_the_ego_page_loads_nothing_from_the_network() -> None:
    page = network.ego_network_html(ego())
    assert not re.findall(r"""(?:src|href)=["']https?://""", page)
    assert "vis.Network" in page


def test_node_sizes_follow_the_chosen_measure() -> None:
    by_degree = network.node_sizes(ego().nodes, "degree")
    by_pagerank = network.node_sizes(ego().nodes, "pagerank")
    assert max(by_degree, key=by_degree.__getitem__) == 3
    assert max(by_pagerank, key=by_pagerank.__getitem__) == 2
    assert min(by_degree.values()) == network.MIN_SIZE
    assert max(by_degree.values()) == network.MAX_SIZE


def test_the_trend_line_is_fitted_on_log_friends() -> None:
    points = [
        DiversityPoint(user=u, friends=f, distinct_artists=50, entropy=e)
        for u, f, e in [(1, 1, 2.0), (2, 10, 3.0), (3, 100, 4.0), (4, 0, 9.0)]
    ]
    fig = charts.diversity_figure(points, RankCorrelation(rho=0.5, p_value=0.01, n=4))
    _dots, line = fig.data
    assert line.y[0] == pytest.approx(2.0)
    assert line.y[-1] == pytest.approx(4.0)
    assert fig.layout.xaxis.type == "log"
    assert "ρ = 0.500" in fig.layout.title.text


def test_the_tag_cloud_draws_the_tags() -> None:
    chart = TagChart(
        by="assignments",
        items=[
            TagChartEntry(rank=1, id=1, name="rock", assignments=30, artists=3),
            TagChartEntry(rank=2, id=2, name="fußball", assignments=1, artists=1),
        ],
    )
    frequencies = tagcloud.tag_frequencies(chart)
    assert frequencies == {"rock": 30.0, "fußball": 1.0}
    image = tagcloud.tag_cloud_image(frequencies)
    assert image.size == (tagcloud.WIDTH, tagcloud.HEIGHT)
    with pytest.raises(ValueError, match="no tags"):
        tagcloud.tag_cloud_image({})
