"""Overview: the dataset in headline figures, the charts, and how unequal the plays are."""

from __future__ import annotations

from typing import Literal

import streamlit as st
from soundstream_dashboard.api import Api, run_page
from soundstream_dashboard.charts import (
    artist_chart_figure,
    compact,
    lorenz_figure,
    tag_chart_figure,
    weight_distribution_figure,
)
from soundstream_dashboard.pictures import picture_strip_html


def show_artist_chart(api: Api, metric: Literal["plays", "listeners"]) -> None:
    chart = api.artist_chart(metric)
    st.plotly_chart(artist_chart_figure(chart, metric), key=f"by_{metric}")
    st.markdown(picture_strip_html(chart.items), unsafe_allow_html=True)


def render(api: Api) -> None:
    st.title("Overview")
    stats = api.stats()
    st.caption(
        f"Data version {stats.data_version} · Last.fm-2k's listens are each user's top-50 "
        "artists with play counts, so plays measure taste, not total listening."
    )

    counts = stats.counts
    row = st.columns(6)
    row[0].metric("Users", f"{counts.users:,}")
    row[1].metric("Artists", f"{counts.artists:,}")
    row[2].metric("Tags", f"{counts.tags:,}")
    row[3].metric("Listens", f"{counts.listens:,}", help="(user, artist, play count) rows")
    row[4].metric("Tag assignments", f"{counts.tag_assignments:,}")
    row[5].metric("Friendships", f"{counts.friendships:,}", help="Mutual pairs")

    plays = stats.plays
    concentration = stats.artist_concentration
    row = st.columns(6)
    row[0].metric("Plays", compact(plays.total), help=f"{plays.total:,} in all")
    row[1].metric("Median plays per listen", f"{plays.median_per_listen:,.0f}")
    row[2].metric(
        "Mean plays per listen",
        f"{plays.mean_per_listen:,.0f}",
        help="The mean is far above the median: a few huge play counts pull it up.",
    )
    row[3].metric("Gini of plays over artists", f"{concentration.gini:.3f}")
    row[4].metric(
        "Share of the top 1%",
        f"{concentration.top_1pct_share:.0%}",
        help="Share of all plays that goes to the most played 1% of artists",
    )
    row[5].metric(
        "Share of the top 10%",
        f"{concentration.top_10pct_share:.0%}",
        help="Share of all plays that goes to the most played 10% of artists",
    )

    left, right = st.columns(2)
    with left:
        show_artist_chart(api, "plays")
    with right:
        show_artist_chart(api, "listeners")

    st.subheader("Superstars vs the long tail")
    distribution = api.weight_distribution()
    st.markdown(
        f"A Gini of **{distribution.gini:.3f}** over the {concentration.artists:,} artists "
        f"with listeners: the most played 1% take **{concentration.top_1pct_share:.0%}** of "
        f"all plays, the top 10% take **{concentration.top_10pct_share:.0%}**."
    )
    left, right = st.columns(2)
    left.plotly_chart(weight_distribution_figure(distribution), key="weights")
    right.plotly_chart(lorenz_figure(distribution), key="lorenz")

    st.subheader("Top tags")
    st.plotly_chart(tag_chart_figure(api.tag_chart("assignments", limit=20)), key="tags")


run_page(render)
