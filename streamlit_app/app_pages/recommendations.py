"""Recommendations: who a user is (profile, diversity), what the recommender suggests and
why, and the artists most like any of them."""

from __future__ import annotations

import streamlit as st
from soundstream_dashboard.api import Api, Strategy, run_page
from soundstream_dashboard.charts import profile_artists_figure
from soundstream_dashboard.pictures import picture_html
from soundstream_dashboard.reasons import md_escape, reason_text
from soundstream_dashboard.userpicker import pick_user
from soundstream_sdk import NotFoundError
from soundstream_sdk.types import Artist, Recommendation, UserProfile

STRATEGIES: dict[Strategy, str] = {
    "hybrid": "Hybrid",
    "cf": "Listeners like you",
    "social": "Friends",
    "tags": "Tags",
    "popular": "Popular",
}
CARDS_PER_ROW = 4


def show_profile(profile: UserProfile) -> None:
    diversity = profile.diversity
    row = st.columns(5)
    row[0].metric("Plays", f"{profile.total_plays:,}")
    row[1].metric("Friends", f"{profile.friends:,}")
    row[2].metric("Artists", f"{diversity.distinct_artists:,}", help="At most 50 in this dataset")
    row[3].metric(
        "Diversity (entropy)",
        f"{diversity.entropy:.2f}",
        help="Shannon entropy of the user's plays over their artists, in nats: 0 when one "
        "artist takes everything.",
    )
    normalised = diversity.normalised_entropy
    row[4].metric(
        "Evenness",
        "–" if normalised is None else f"{normalised:.0%}",
        help="Entropy over its maximum for this many artists: 100% = equal plays for all.",
    )
    left, right = st.columns([3, 2])
    if profile.top_artists:
        left.plotly_chart(profile_artists_figure(profile), key="profile_artists")
    else:
        left.info(f"User {profile.id} has no listens yet.")
    with right:
        st.markdown("**Top tags of their artists** (weighted by plays)")
        if profile.top_tags:
            st.markdown(
                " ".join(
                    f":red-badge[{md_escape(tag.name)} · {tag.share:.0%}]"
                    for tag in profile.top_tags
                )
            )
        else:
            st.caption("Their artists carry no tags.")
        if profile.own_tags:
            st.markdown("**Tags they applied themselves**")
            st.markdown(
                " ".join(
                    f":gray-badge[{md_escape(tag.name)} × {tag.count}]" for tag in profile.own_tags
                )
            )


def card(item: Recommendation, artist: Artist | None) -> None:
    name = item.name or (artist.name if artist else f"artist {item.artist_id}")
    # The key gives the card a stable CSS class (st-key-rec-card-<id>) for browser tests.
    with st.container(border=True, key=f"rec-card-{item.artist_id}"):
        st.markdown(
            picture_html(name, artist.picture_url if artist else None), unsafe_allow_html=True
        )
        if artist and artist.url:
            st.markdown(f"**[{md_escape(name)}]({artist.url})**")
        else:
            st.markdown(f"**{md_escape(name)}**")
        st.caption(f"score {item.score:.3f}")
        st.markdown("\n".join(f"- {md_escape(reason_text(r))}" for r in item.reasons) or "-")


def show_recommendations(
    api: Api, user_id: int, strategy: Strategy, limit: int
) -> list[Recommendation]:
    answer = api.recommendations(user_id, strategy, limit)
    st.subheader(f"Suggested for user {user_id}")
    source = f"model {answer.model_version}" if answer.model_version else "no trained model"
    st.caption(
        f"Strategy: {STRATEGIES.get(strategy, strategy)} · {source} · "
        "scores compare within this list only"
    )
    if answer.fallback:
        st.info(f"No trained model answered: {answer.fallback}.")
    if not answer.items:
        st.info("Nothing to suggest: this user already plays every artist the strategy knows.")
        return []
    artists = api.artists([item.artist_id for item in answer.items])
    for start in range(0, len(answer.items), CARDS_PER_ROW):
        columns = st.columns(CARDS_PER_ROW)
        for column, item in zip(columns, answer.items[start : start + CARDS_PER_ROW], strict=False):
            with column:
                card(item, artists.get(item.artist_id))
    return list(answer.items)


def show_similar(api: Api, choices: dict[int, str]) -> None:
    st.subheader("Similar artists")
    if not choices:
        return
    artist_id = st.selectbox(
        "Artists most like",
        options=list(choices),
        format_func=lambda key: choices[key],
        key="similar_to",
    )
    similar = api.similar_artists(artist_id, limit=10)
    if similar.fallback:
        st.caption(f"No trained model answered: {similar.fallback}.")
    if not similar.items:
        st.info(f"No artist is similar enough to {choices[artist_id]}.")
        return
    details = api.artists([item.artist_id for item in similar.items])
    st.dataframe(
        [
            {
                "artist": item.name
                or (details[item.artist_id].name if item.artist_id in details else ""),
                "similarity": item.score,
                "last.fm": details[item.artist_id].url if item.artist_id in details else None,
            }
            for item in similar.items
        ],
        column_config={
            "similarity": st.column_config.ProgressColumn(
                "similarity", min_value=0.0, max_value=1.0, format="%.3f"
            ),
            "last.fm": st.column_config.LinkColumn("last.fm", display_text="open"),
        },
        hide_index=True,
        key="similar_table",
    )


def render(api: Api) -> None:
    st.title("Recommendations")
    controls = st.columns([2, 4, 2])
    with controls[0]:
        user_id = pick_user(api, key="user")
    strategy = controls[1].radio(
        "Strategy",
        options=list(STRATEGIES),
        format_func=lambda key: STRATEGIES[key],
        horizontal=True,
        key="strategy",
    )
    limit = controls[2].slider(
        "Suggestions", min_value=4, max_value=24, value=12, step=4, key="limit"
    )
    if user_id is None:
        return
    try:
        profile = api.profile(user_id)
    except NotFoundError:
        st.warning(f"There is no user with ID {user_id}. Pick one from the list or try another ID.")
        return

    st.subheader(f"User {user_id}")
    show_profile(profile)
    items = show_recommendations(api, user_id, strategy, limit)

    choices = {item.artist_id: f"{item.name} (suggested)" for item in items if item.name}
    choices |= {artist.id: f"{artist.name} (they play it)" for artist in profile.top_artists}
    show_similar(api, choices)


run_page(render)
