"""Tags: what listeners call the music (the cloud), how tags rise and fall over time, and
the granular search that combines tags with a popularity range."""

from __future__ import annotations

from typing import Literal

import streamlit as st
from PIL.Image import Image
from soundstream_dashboard.api import Api, Match, SearchSort, run_page
from soundstream_dashboard.charts import trend_figure
from soundstream_dashboard.reasons import md_escape
from soundstream_dashboard.tagcloud import tag_cloud_image, tag_frequencies
from soundstream_sdk import NotFoundError

CLOUD_TAGS = 100
DEFAULT_FROM_YEAR = 2005  # three tag years before it (1956, 1957, 1979) are outliers
SORTS: dict[str, SearchSort | None] = {
    "relevance": "relevance",
    "plays": "plays",
    "listeners": "listeners",
    "name": "name",
}


@st.cache_data(show_spinner=False, max_entries=8)
def cloud_image(frequencies: tuple[tuple[str, float], ...]) -> Image:
    # Laying out a cloud takes a good part of a second: once per set of frequencies.
    return tag_cloud_image(dict(frequencies))


def show_cloud(api: Api) -> list[str]:
    chart = api.tag_chart("assignments", limit=CLOUD_TAGS)
    frequencies = tag_frequencies(chart)
    st.subheader("Tag cloud")
    if not frequencies:
        st.info("No tag has been applied yet.")
        return []
    st.image(
        cloud_image(tuple(frequencies.items())),
        caption=f"The {len(frequencies)} most applied tags, sized by assignments",
        width="stretch",
    )
    return list(frequencies)


def show_trends(api: Api, names: list[str]) -> None:
    st.subheader("Tag trends")
    controls = st.columns([4, 2, 3])
    chosen = controls[0].multiselect(
        "Tags", options=names, default=names[:3], max_selections=10, key="trend_tags"
    )
    granularity: Literal["year", "month"] = controls[1].radio(
        "Per", options=["year", "month"], horizontal=True, key="trend_granularity"
    )
    if not chosen:
        st.info("Choose one or more tags to see their trends.")
        return
    full = api.tag_trends(chosen)
    first, last = full.from_year, full.to_year
    if first is None or last is None:
        st.info("These tags were never applied.")
        return
    default_start = min(max(first, DEFAULT_FROM_YEAR), last)
    start, end = (
        controls[2].slider(
            "Years",
            min_value=first,
            max_value=last,
            value=(default_start, last),
            key="trend_years",
        )
        if last > first
        else (first, last)
    )
    trends = api.tag_trends(chosen, start=start, end=end, granularity=granularity)
    if trends.unknown_tags:
        st.warning("Unknown tags left out: " + ", ".join(trends.unknown_tags))
    st.plotly_chart(trend_figure(trends), key="trend_chart")
    st.caption(
        "Dates are as Last.fm recorded them. The dataset was collected in 2011, so that "
        "year is incomplete; the few assignments dated before 2005 are outliers."
    )


def show_search(api: Api, names: list[str]) -> None:
    st.subheader("Granular search")
    st.caption(
        "Combine tags (all of them, or any), leave some out, and bound the popularity. "
        "Type any tag name that is not listed."
    )
    top_listeners = max(
        (e.listeners for e in api.artist_chart("listeners", limit=1).items), default=0
    )
    row = st.columns([4, 2, 4])
    tags = row[0].multiselect("Tags", options=names, accept_new_options=True, key="search_tags")
    match: Match = row[1].radio(
        "Match", options=["all", "any"], horizontal=True, key="search_match"
    )
    exclude = row[2].multiselect(
        "Without tags", options=names, accept_new_options=True, key="search_exclude"
    )
    row = st.columns([6, 2, 2])
    low, high = row[0].slider(
        "Listeners (popularity)",
        min_value=0,
        max_value=max(top_listeners, 1),
        value=(0, max(top_listeners, 1)),
        key="search_listeners",
    )
    sort = row[1].selectbox("Sort by", options=list(SORTS), key="search_sort")
    limit = row[2].number_input(
        "Rows", min_value=10, max_value=100, value=50, step=10, key="search_limit"
    )
    if not tags:
        st.info("Choose at least one tag to search.")
        return
    result = api.search(
        tags=tags,
        match=match,
        exclude_tags=exclude,
        min_listeners=low or None,
        max_listeners=None if high >= top_listeners else high,
        sort=SORTS[sort],
        limit=int(limit),
    )
    if result.unknown_tags:
        st.warning("No such tag: " + ", ".join(md_escape(t) for t in result.unknown_tags))
    if result.unknown_exclude_tags:
        st.caption("Ignored (no such tag): " + ", ".join(result.unknown_exclude_tags))
    if not result.hits:
        st.info(
            "No artist matches these tags and this popularity range. Try `any` instead of "
            "`all`, fewer excluded tags or a wider range."
        )
        return
    shown = len(result.hits)
    noun = "artist matches" if result.total == 1 else "artists match"
    st.markdown(f"**{result.total:,} {noun}** (showing {shown:,}, sorted by {result.sort}).")
    st.dataframe(
        [
            {
                "artist": hit.name,
                "plays": hit.plays,
                "listeners": hit.listeners,
                "matched tags": ", ".join(f"{t.name} ({t.count})" for t in hit.matched_tags),
                "last.fm": hit.url,
            }
            for hit in result.hits
        ],
        column_config={
            "plays": st.column_config.NumberColumn("plays", format="localized"),
            "listeners": st.column_config.NumberColumn("listeners", format="localized"),
            "last.fm": st.column_config.LinkColumn("last.fm", display_text="open ↗"),
        },
        hide_index=True,
        key="search_results",
    )


def render(api: Api) -> None:
    st.title("Tags")
    names = show_cloud(api)
    try:
        show_trends(api, names)
    except NotFoundError as exc:
        st.warning(f"No trend to draw: {exc.detail}")
    show_search(api, names)


run_page(render)
