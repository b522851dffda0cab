"""Plotly figures built from SDK answers: pure functions, no Streamlit, no requests.

Plays are heavy-tailed (one listen weight ranges from 1 to 352,698 on the full data), so
distributions are drawn on log axes and relationships are summarised with rank statistics
(the API's Spearman rho) rather than Pearson's r.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal

import plotly.graph_objects as go
from soundstream_sdk.types import (
    ArtistChart,
    DegreeCount,
    DiversityPoint,
    LogHistogram,
    RankCorrelation,
    TagChart,
    TagTrends,
    UserProfile,
    WeightDistribution,
)

ACCENT = "#d51007"  # Last.fm red
SECOND = "#1f77b4"
MUTED = "#9aa0a6"
HEIGHT = 420


def _layout(fig: go.Figure, title: str, *, height: int = HEIGHT) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left", "font": {"size": 16}},
        height=height,
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
        template="plotly_white",
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "right", "x": 1},
    )
    return fig


def _log_axis(title: str) -> dict[str, object]:
    # One labelled tick per power of ten: plotly's default labels 2 and 5 of every decade,
    # which crowds an axis spanning five of them.
    return {"type": "log", "title": title, "dtick": 1, "exponentformat": "none"}


def compact(value: float) -> str:
    """A count for an axis or a label: 15000 -> '15k', 1300000 -> '1.3M'.

    Example:
        >>> compact(15000), compact(1_300_000), compact(950)
        ('15k', '1.3M', '950')
    """
    for threshold, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= threshold:
            return f"{value / threshold:.3g}{suffix}"
    return f"{value:.3g}"


def artist_chart_figure(chart: ArtistChart, metric: Literal["plays", "listeners"]) -> go.Figure:
    """The top artists as horizontal bars, first at the top. (Their pictures go beside the
    chart as HTML, see `pictures.picture_strip_html`: a Plotly image with a dead URL draws
    a broken-image icon.)"""
    entries = chart.items
    values = [getattr(entry, metric) for entry in entries]
    ranks = [entry.rank for entry in entries]
    fig = go.Figure(
        go.Bar(
            x=values,
            y=ranks,
            orientation="h",
            marker_color=ACCENT if metric == "plays" else SECOND,
            text=[compact(v) for v in values],
            textposition="inside",
            insidetextanchor="end",
            customdata=[[e.name, e.plays, e.listeners] for e in entries],
            hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]:,} plays<br>"
            "%{customdata[2]:,} listeners<extra></extra>",
        )
    )
    fig.update_yaxes(
        tickvals=ranks,
        ticktext=[f"{entry.rank}. {entry.name}" for entry in entries],
        autorange="reversed",
    )
    fig.update_xaxes(title=metric)
    return _layout(fig, f"Top {len(entries)} artists by {metric}")


def tag_chart_figure(chart: TagChart) -> go.Figure:
    """The top tags by assignments, with how many distinct artists carry each."""
    entries = chart.items
    fig = go.Figure(
        go.Bar(
            x=[e.assignments for e in entries],
            y=[e.name for e in entries],
            orientation="h",
            marker_color=ACCENT,
            customdata=[[e.artists] for e in entries],
            hovertemplate="<b>%{y}</b><br>%{x:,} assignments<br>"
            "%{customdata[0]:,} artists<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title="tag assignments")
    return _layout(fig, f"Top {len(entries)} tags")


def _bin_points(histogram: LogHistogram) -> tuple[list[float], list[int], list[str]]:
    # Empty bins are dropped: a log axis has no place for zero.
    xs, ys, labels = [], [], []
    for b in histogram.bins:
        if b.count > 0:
            xs.append(math.sqrt(b.lower * b.upper))
            ys.append(b.count)
            labels.append(f"{compact(b.lower)}–{compact(b.upper)}")
    return xs, ys, labels


def weight_distribution_figure(distribution: WeightDistribution) -> go.Figure:
    """How many artists (by total plays) and how many listens (by weight) fall in each
    logarithmic bin, on log–log axes: a heavy tail shows as a long straight slope."""
    fig = go.Figure()
    for histogram, name, color in (
        (distribution.artist_plays, "artists by total plays", ACCENT),
        (distribution.listen_weights, "listens by play count", SECOND),
    ):
        xs, ys, labels = _bin_points(histogram)
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines+markers",
                name=name,
                line={"color": color},
                customdata=labels,
                hovertemplate="%{customdata} plays: %{y:,}<extra>" + name + "</extra>",
            )
        )
    fig.update_xaxes(**_log_axis("plays (log scale)"))
    fig.update_yaxes(**_log_axis("count per bin (log scale)"))
    return _layout(fig, "Plays per artist and per listen, log–log")


def lorenz_figure(distribution: WeightDistribution) -> go.Figure:
    """The Lorenz curve of plays over artists, against perfect equality, with the Gini."""
    points = distribution.lorenz
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=[0, 1],
            y=[0, 1],
            mode="lines",
            name="equal plays for all",
            line={"color": MUTED, "dash": "dash"},
            hoverinfo="skip",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=[p.artists_share for p in points],
            y=[p.plays_share for p in points],
            mode="lines",
            name="Lorenz curve",
            line={"color": ACCENT, "width": 3},
            fill="tonexty",
            fillcolor="rgba(213,16,7,0.12)",
            hovertemplate="the least played %{x:.0%} of artists<br>"
            "take %{y:.1%} of plays<extra></extra>",
        )
    )
    fig.add_annotation(
        x=0.05,
        y=0.95,
        xref="paper",
        yref="paper",
        xanchor="left",
        showarrow=False,
        text=f"<b>Gini {distribution.gini:.3f}</b>",
        font={"size": 18, "color": ACCENT},
    )
    fig.update_xaxes(title="share of artists (least played first)", tickformat=".0%", range=[0, 1])
    fig.update_yaxes(title="share of plays", tickformat=".0%", range=[0, 1])
    return _layout(fig, "Superstars vs the long tail: Lorenz curve")


def trend_figure(trends: TagTrends) -> go.Figure:
    """Assignments per period, one line per tag."""
    fig = go.Figure()
    for series in trends.series:
        fig.add_trace(
            go.Scatter(
                x=trends.periods,
                y=series.counts,
                mode="lines+markers",
                name=series.name,
                hovertemplate="%{x}: %{y:,} assignments<extra>" + series.name + "</extra>",
            )
        )
    fig.update_xaxes(title=trends.granularity, type="category")
    fig.update_yaxes(title="tag assignments", rangemode="tozero")
    return _layout(fig, f"Tag assignments per {trends.granularity}")


def profile_artists_figure(profile: UserProfile) -> go.Figure:
    """A user's top artists by their own play counts, with each one's share of the user's
    plays."""
    artists = profile.top_artists
    fig = go.Figure(
        go.Bar(
            x=[a.weight for a in artists],
            y=[a.name for a in artists],
            orientation="h",
            marker_color=ACCENT,
            text=[f"{a.share:.0%}" for a in artists],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="<b>%{y}</b><br>%{x:,} plays<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title="plays")
    return _layout(fig, f"Top artists of user {profile.id}", height=360)


def degree_figure(distribution: Sequence[DegreeCount]) -> go.Figure:
    """Users per number of friends, on log–log axes."""
    shown = [d for d in distribution if d.degree > 0]
    fig = go.Figure(
        go.Scatter(
            x=[d.degree for d in shown],
            y=[d.users for d in shown],
            mode="markers",
            marker={"color": SECOND, "size": 7},
            hovertemplate="%{x} friends: %{y:,} users<extra></extra>",
        )
    )
    fig.update_xaxes(**_log_axis("friends (log scale)"))
    fig.update_yaxes(**_log_axis("users (log scale)"))
    return _layout(fig, "Degree distribution", height=360)


def log_fit(xs: Sequence[float], ys: Sequence[float]) -> tuple[float, float] | None:
    """Least-squares ``y = a + b * log10(x)`` over the points with ``x > 0``; None when
    fewer than two distinct x remain.

    Example:
        >>> log_fit([1, 10, 100], [1.0, 2.0, 3.0])
        (1.0, 1.0)
    """
    pairs = [(math.log10(x), y) for x, y in zip(xs, ys, strict=True) if x > 0]
    if len({lx for lx, _ in pairs}) < 2:
        return None
    n = len(pairs)
    mean_x = sum(lx for lx, _ in pairs) / n
    mean_y = sum(y for _, y in pairs) / n
    sxx = sum((lx - mean_x) ** 2 for lx, _ in pairs)
    sxy = sum((lx - mean_x) * (y - mean_y) for lx, y in pairs)
    slope = sxy / sxx
    return round(mean_y - slope * mean_x, 12), round(slope, 12)


def diversity_figure(
    points: Sequence[DiversityPoint],
    correlation: RankCorrelation,
    measure: Literal["entropy", "distinct_artists"] = "entropy",
) -> go.Figure:
    """Number of friends against listening diversity, one dot per user, with the API's
    Spearman rho and a least-squares trend on log(friends).

    Friend counts are heavy-tailed, hence the log x axis; the rho is a rank statistic, so
    it does not depend on that choice.
    """
    xs = [p.friends for p in points]
    ys = [float(getattr(p, measure)) for p in points]
    label = "Shannon entropy of plays (nats)" if measure == "entropy" else "distinct artists"
    fig = go.Figure(
        go.Scatter(
            x=xs,
            y=ys,
            mode="markers",
            name="users",
            marker={"color": SECOND, "size": 6, "opacity": 0.45},
            customdata=[p.user for p in points],
            hovertemplate="user %{customdata}<br>%{x} friends<br>%{y:.3f}<extra></extra>",
        )
    )
    fit = log_fit(xs, ys)
    if fit is not None:
        intercept, slope = fit
        low = min(x for x in xs if x > 0)
        high = max(xs)
        line_x = [low * (high / low) ** (i / 40) for i in range(41)]
        fig.add_trace(
            go.Scatter(
                x=line_x,
                y=[intercept + slope * math.log10(x) for x in line_x],
                mode="lines",
                name="trend (least squares on log friends)",
                line={"color": ACCENT, "width": 3},
                hoverinfo="skip",
            )
        )
    fig.update_xaxes(**_log_axis("friends (log scale)"))
    fig.update_yaxes(title=label)
    rho = "n/a" if correlation.rho is None else f"{correlation.rho:.3f}"
    p_value = "" if correlation.p_value is None else f", p = {correlation.p_value:.2g}"
    title = f"Friends vs diversity: Spearman ρ = {rho}{p_value} (n = {correlation.n:,})"
    return _layout(fig, title, height=460)
