"""Social graph explorer: one user's ego network drawn live, the friendship graph measured
as a whole, its communities, and whether more friends go with more diverse listening."""

from __future__ import annotations

from typing import Literal

import streamlit as st
from soundstream_dashboard.api import Api, run_page
from soundstream_dashboard.charts import degree_figure, diversity_figure
from soundstream_dashboard.network import HEIGHT_PX, community_color, ego_network_html
from soundstream_dashboard.userpicker import pick_user
from soundstream_sdk import NotFoundError
from soundstream_sdk.types import EgoNetwork, FriendsDiversity, SocialSummary


def strength(rho: float) -> str:
    """Words for the size of a rank correlation (Cohen's rough bands)."""
    size = abs(rho)
    if size < 0.1:
        return "no"
    if size < 0.3:
        return "a weak"
    if size < 0.5:
        return "a moderate"
    return "a strong"


def show_ego(api: Api) -> None:
    st.subheader("Ego network")
    controls = st.columns([2, 2, 3, 2])
    with controls[0]:
        user_id = pick_user(api, key="ego_user")
    radius = controls[1].radio(
        "Radius",
        options=[1, 2],
        format_func=lambda r: "friends" if r == 1 else "friends of friends",
        horizontal=True,
        key="ego_radius",
    )
    max_nodes = controls[2].slider(
        "Most nodes", min_value=10, max_value=300, value=80, step=10, key="ego_max_nodes"
    )
    size_by: Literal["degree", "pagerank"] = controls[3].radio(
        "Size by", options=["degree", "pagerank"], horizontal=True, key="ego_size_by"
    )
    if user_id is None:
        return
    try:
        ego = api.ego(user_id, radius=radius, max_nodes=max_nodes)
        place = api.user_social(user_id)
    except NotFoundError:
        st.warning(f"There is no user with ID {user_id}. Pick one from the list or try another ID.")
        return

    row = st.columns(5)
    row[0].metric("Friends", f"{place.degree:,}")
    row[1].metric(
        "PageRank rank", f"{place.pagerank_rank:,}", help=f"PageRank {place.pagerank:.5f}"
    )
    row[2].metric("Percentile", f"{place.pagerank_percentile:.0f}")
    row[3].metric("Community", f"{place.community}", help=f"{place.community_size:,} members")
    row[4].metric(
        "Clustering", f"{place.clustering:.3f}", help="Share of friend pairs who are friends"
    )
    show_ego_graph(ego, size_by)


def show_ego_graph(ego: EgoNetwork, size_by: Literal["degree", "pagerank"]) -> None:
    if len(ego.nodes) <= 1:
        st.info(f"User {ego.ego} has no friends in the dataset: the ego network is the user alone.")
    shown = f"{len(ego.nodes):,} of {ego.total_nodes:,} users"
    note = " (the nearest and best connected; raise “Most nodes” for more)" if ego.truncated else ""
    st.caption(
        f"{shown}{note}, {len(ego.edges):,} friendships. The star is user {ego.ego}; size is "
        f"{size_by}, colour is community. Hover a node for its top artists; drag to explore."
    )
    # Our own HTML from API data; vis.js needs scripts, hence an iframe, not st.html.
    st.iframe(ego_network_html(ego, size_by=size_by), height=HEIGHT_PX + 20)
    communities: dict[int, int] = {}
    for node in ego.nodes:
        communities[node.community] = communities.get(node.community, 0) + 1
    legend = " ".join(
        f'<span style="display:inline-block;margin:0 10px 4px 0;">'
        f'<span style="display:inline-block;width:11px;height:11px;border-radius:50%;'
        f'background:{community_color(c)};margin-right:4px;"></span>community {c} ({n})</span>'
        for c, n in sorted(communities.items(), key=lambda kv: -kv[1])
    )
    st.markdown(legend, unsafe_allow_html=True)


def show_global(summary: SocialSummary) -> None:
    st.subheader("The friendship graph as a whole")
    row = st.columns(6)
    row[0].metric("Users", f"{summary.nodes:,}")
    row[1].metric("Friendships", f"{summary.edges:,}")
    row[2].metric(
        "Median friends",
        f"{summary.degrees.median:g}",
        help=f"mean {summary.degrees.mean:.1f}, max {summary.degrees.max:,}",
    )
    row[3].metric(
        "Components",
        f"{summary.components.count:,}",
        help=f"The largest holds {summary.components.giant_size:,} users",
    )
    row[4].metric(
        "Clustering",
        f"{summary.clustering.average:.3f}",
        help=f"transitivity {summary.clustering.transitivity:.3f}",
    )
    assortativity = summary.degree_assortativity
    row[5].metric("Degree assortativity", "–" if assortativity is None else f"{assortativity:.3f}")
    row = st.columns(6)
    paths = summary.paths
    row[0].metric(
        "Diameter",
        "–" if paths.diameter is None else f"{paths.diameter}",
        help="Of the largest component"
        + ("" if paths.exact else f", estimated from {paths.sources:,} sources"),
    )
    row[1].metric(
        "Mean distance",
        "–" if paths.average_shortest_path is None else f"{paths.average_shortest_path:.2f}",
    )
    row[2].metric("Density", f"{summary.density:.4f}")
    communities = summary.communities
    row[3].metric("Communities", f"{communities.count:,}", help="Louvain")
    row[4].metric(
        "Modularity", "–" if communities.modularity is None else f"{communities.modularity:.3f}"
    )
    ratio = summary.homophily.jaccard.ratio
    row[5].metric(
        "Taste homophily",
        "–" if ratio is None else f"{ratio:.2f}×",
        help="Artist overlap (Jaccard) of friends over that of random pairs",
    )
    left, right = st.columns(2)
    left.plotly_chart(degree_figure(summary.degrees.distribution), key="degrees")
    with right:
        st.markdown("**Most central users**")
        st.dataframe(
            [
                {
                    "user": pr.user,
                    "PageRank": pr.score,
                    "betweenness": bt.score,
                    "by betweenness": bt.user,
                }
                for pr, bt in zip(summary.top_pagerank, summary.top_betweenness, strict=False)
            ],
            column_config={
                "user": st.column_config.NumberColumn("user (by PageRank)", format="%d"),
                "PageRank": st.column_config.NumberColumn(format="%.5f"),
                "by betweenness": st.column_config.NumberColumn(
                    "user (by betweenness)", format="%d"
                ),
                "betweenness": st.column_config.NumberColumn(format="%.4f"),
            },
            column_order=["user", "PageRank", "by betweenness", "betweenness"],
            hide_index=True,
            key="central_users",
        )


def show_communities(api: Api) -> None:
    st.subheader("Communities")
    communities = api.communities(limit=20)
    if not communities:
        st.info("No communities: the graph has no friendships.")
        return
    st.dataframe(
        [
            {
                "community": c.id,
                "members": c.size,
                "characteristic artists": ", ".join(a.name or str(a.id) for a in c.artists[:5]),
                "characteristic tags": ", ".join(t.name or str(t.id) for t in c.tags[:5]),
            }
            for c in communities
        ],
        hide_index=True,
        key="communities",
    )
    st.caption(
        "Characteristic = held by more of the community than of everybody (lift), largest first."
    )


def show_diversity(diversity: FriendsDiversity) -> None:
    st.subheader("Do users with more friends listen more diversely?")
    measure: Literal["entropy", "distinct_artists"] = st.radio(
        "Diversity measured as",
        options=["entropy", "distinct_artists"],
        format_func=lambda m: "entropy of plays" if m == "entropy" else "distinct artists",
        horizontal=True,
        key="diversity_measure",
    )
    correlation = getattr(diversity, measure)
    points = diversity.points or []
    if correlation.rho is None or not points:
        st.info("Too few users with friends and listens to measure this.")
        return
    direction = "more" if correlation.rho > 0 else "less"
    answer = (
        f"Spearman's ρ = **{correlation.rho:.3f}** over {correlation.n:,} users: "
        f"{strength(correlation.rho)} tendency"
    )
    if strength(correlation.rho) != "no":
        answer += f" for users with more friends to listen {direction} diversely"
    if correlation.p_value is not None:
        answer += f" (p = {correlation.p_value:.2g})"
    st.markdown(answer + ".")
    if measure == "distinct_artists":
        st.caption(
            "Most users list exactly 50 artists (the dataset keeps each user's top 50), "
            "so entropy says more."
        )
    st.plotly_chart(diversity_figure(points, correlation, measure), key="diversity")


def render(api: Api) -> None:
    st.title("Social graph")
    show_ego(api)
    with st.spinner("Measuring the friendship graph (once per data version)…"):
        summary = api.social_summary()
    show_global(summary)
    show_communities(api)
    show_diversity(summary.friends_vs_diversity)


run_page(render)
