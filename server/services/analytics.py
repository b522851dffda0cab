"""Analytics use cases shared by REST and GraphQL: stats, charts, the weight distribution, tag
trends and user profiles.

Everything but the per-user profile is an aggregate over a whole table, so it is computed once
per data version through `ResultCache` and served from memory afterwards. Python only sees
small inputs: frequency tables and the ~17k per-artist totals (Gini, Lorenz and histograms),
once per data version.

Each function takes an optional ``data_version``: the REST layer has already read it for the
ETag, and passing it on keeps a cached answer at exactly one SQL statement per request.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Sequence

from pydantic import BaseModel
from sqlalchemy.orm import Session

from server.db.meta import get_data_version
from server.db.models import fold_tag_name
from server.errors import InvalidInputError, NotFoundError
from server.repositories import analytics as repo
from server.schemas.analytics import (
    ArtistChartBy,
    ArtistChartEntry,
    ArtistChartPublic,
    ArtistConcentration,
    CountSummary,
    Diversity,
    EntityCounts,
    HistogramBin,
    LogHistogram,
    LorenzPoint,
    OwnTag,
    PlayStats,
    ProfileArtist,
    ProfileTag,
    StatsPublic,
    TagChartBy,
    TagChartEntry,
    TagChartPublic,
    TagTrendSeries,
    TagTrendsPublic,
    TrendGranularity,
    UserProfilePublic,
    WeightDistributionPublic,
)
from server.services.cache import ResultCache
from server.services.search import find_tags, normalise_names, resolve_tag_names

LORENZ_POINTS = 100
MAX_TREND_PERIODS = 1200
"""A hundred years by month: a longer series is a mistake, and would be a big response."""
MAX_TREND_TAGS = 10

Frequencies = repo.Frequencies


# --- pure statistics -------------------------------------------------------------------------


def mean_of_frequencies(freq: Frequencies) -> float:
    """Mean of the values a ``(value, how many)`` table describes; 0.0 when it is empty."""
    n = sum(count for _, count in freq)
    return sum(value * count for value, count in freq) / n if n else 0.0


def median_of_frequencies(freq: Frequencies) -> float:
    """Median of the values of an ascending ``(value, how many)`` table; 0.0 when empty.

    >>> median_of_frequencies([(1, 2), (5, 1), (9, 1)])
    3.0
    """
    n = sum(count for _, count in freq)
    if n == 0:
        return 0.0
    wanted = ((n - 1) // 2, n // 2)  # the same index twice when n is odd
    found: list[int] = []
    seen = 0
    for value, count in freq:
        seen += count
        while len(found) < 2 and wanted[len(found)] < seen:
            found.append(value)
        if len(found) == 2:
            break
    return (found[0] + found[1]) / 2


def gini(ascending: Sequence[int]) -> float:
    """Gini coefficient of non-negative values sorted ascending; 0.0 for no or zero values.

    G = 2·Σ i·x_i / (n·Σ x) − (n + 1)/n with i = 1..n; 0 is perfect equality and one value
    holding everything gives (n − 1)/n.

    >>> gini([1, 1, 1, 1])
    0.0
    >>> gini([0, 0, 0, 4])
    0.75
    """
    n = len(ascending)
    total = sum(ascending)
    if n == 0 or total == 0:
        return 0.0
    weighted = sum(rank * value for rank, value in enumerate(ascending, start=1))
    return 2 * weighted / (n * total) - (n + 1) / n


def top_share(ascending: Sequence[int], fraction: float) -> float:
    """Share of the total held by the largest ``ceil(fraction · n)`` values (at least one)."""
    n = len(ascending)
    total = sum(ascending)
    if n == 0 or total == 0:
        return 0.0
    k = max(1, math.ceil(n * fraction - 1e-9))
    return sum(ascending[n - k :]) / total


def lorenz_curve(ascending: Sequence[int], points: int = LORENZ_POINTS) -> list[LorenzPoint]:
    """``points + 1`` points of the Lorenz curve, from (0, 0) to (1, 1).

    Point i is the share of plays held by the least-played ``round(i / points · n)`` artists.
    """
    n = len(ascending)
    total = sum(ascending)
    cumulative = [0]
    for value in ascending:
        cumulative.append(cumulative[-1] + value)
    curve: list[LorenzPoint] = []
    for i in range(points + 1):
        x = i / points
        if n == 0 or total == 0:
            curve.append(LorenzPoint(artists_share=x, plays_share=x))
            continue
        k = round(x * n)
        curve.append(LorenzPoint(artists_share=k / n, plays_share=cumulative[k] / total))
    return curve


def log_edges(max_value: int, bins_per_decade: int) -> list[float]:
    """Edges 10^(k/b) from 1 until one exceeds ``max_value``; whole powers of ten are exact."""
    edges: list[float] = []
    k = 0
    while True:
        edge = 10 ** (k / bins_per_decade)
        if abs(edge - round(edge)) < 1e-9 * edge:
            edge = float(round(edge))
        edges.append(edge)
        if edge > max_value:
            return edges
        k += 1


def log_histogram(freq: Frequencies, bins_per_decade: int) -> LogHistogram:
    """Bin an ascending ``(value, how many)`` table of non-negative integers on a log scale.

    Bin k holds 10^(k/b) ≤ value < 10^((k+1)/b); empty bins inside the range are kept so a
    plot has no gaps. Zeros, which no logarithmic bin holds, are counted apart.
    """
    values = sum(count for _, count in freq)
    zeros = sum(count for value, count in freq if value <= 0)
    positive = [(value, count) for value, count in freq if value > 0]
    if not positive:
        return LogHistogram(values=values, zeros=zeros, bins=[])
    edges = log_edges(positive[-1][0], bins_per_decade)
    counts = [0] * (len(edges) - 1)
    for value, count in positive:
        counts[bisect_right(edges, value) - 1] += count
    bins = [
        HistogramBin(lower=edges[k], upper=edges[k + 1], count=counts[k])
        for k in range(len(counts))
    ]
    return LogHistogram(values=values, zeros=zeros, bins=bins)


def shannon_entropy(weights: Iterable[int]) -> tuple[float, float | None]:
    """``(H, H / ln n)`` of the distribution the weights define, in nats.

    Zero weights carry no probability and do not count towards n. The normalised value is
    None below two positive weights, where ln n is 0 and evenness means nothing.

    >>> shannon_entropy([5, 5])
    (0.6931471805599453, 1.0)
    """
    positive = [w for w in weights if w > 0]
    total = sum(positive)
    if total == 0:
        return 0.0, None
    entropy = -sum((w / total) * math.log(w / total) for w in positive)
    entropy = max(entropy, 0.0)  # -0.0 and rounding noise for a single artist
    if len(positive) < 2:
        return entropy, None
    return entropy, min(entropy / math.log(len(positive)), 1.0)


# --- cached building blocks ------------------------------------------------------------------


class ArtistPlayTotals(BaseModel):
    """Plays per artist with ≥1 listener, ascending: the input of Gini, Lorenz, histogram."""

    plays: list[int]


class ListenWeightFrequencies(BaseModel):
    counts: list[tuple[int, int]]


def _version(session: Session, data_version: int | None) -> int:
    return get_data_version(session) if data_version is None else data_version


def _artist_play_totals(session: Session, cache: ResultCache, version: int) -> list[int]:
    return cache.get_or_compute(
        "artist-play-totals",
        {},
        version,
        lambda: ArtistPlayTotals(plays=repo.artist_play_totals(session)),
        ArtistPlayTotals,
    ).plays


def _listen_weight_frequencies(session: Session, cache: ResultCache, version: int) -> Frequencies:
    return cache.get_or_compute(
        "listen-weight-frequencies",
        {},
        version,
        lambda: ListenWeightFrequencies(counts=repo.listen_weight_frequencies(session)),
        ListenWeightFrequencies,
    ).counts


# --- use cases -------------------------------------------------------------------------------


def get_stats(
    session: Session, cache: ResultCache, *, data_version: int | None = None
) -> StatsPublic:
    """Dataset-wide counts and distributions (see `StatsPublic` for each definition)."""
    version = _version(session, data_version)

    def compute() -> StatsPublic:
        counts = repo.entity_counts(session)
        weights = _listen_weight_frequencies(session, cache, version)
        plays = _artist_play_totals(session, cache, version)
        tags_per_artist = repo.tags_per_artist_frequencies(session)
        friends_per_user = repo.friends_per_user_frequencies(session)
        return StatsPublic(
            data_version=version,
            counts=EntityCounts(
                artists=counts.artists,
                users=counts.users,
                tags=counts.tags,
                listens=counts.listens,
                tag_assignments=counts.tag_assignments,
                friendships=counts.mutual_friendships,
                friendship_rows=counts.friendship_rows,
            ),
            plays=PlayStats(
                total=sum(value * n for value, n in weights),
                mean_per_listen=mean_of_frequencies(weights),
                median_per_listen=median_of_frequencies(weights),
                min_per_listen=weights[0][0] if weights else None,
                max_per_listen=weights[-1][0] if weights else None,
            ),
            artist_concentration=ArtistConcentration(
                artists=len(plays),
                gini=gini(plays),
                top_1pct_share=top_share(plays, 0.01),
                top_10pct_share=top_share(plays, 0.10),
            ),
            tags_per_artist=_summary(tags_per_artist),
            friends_per_user=_summary(friends_per_user),
        )

    return cache.get_or_compute("stats", {}, version, compute, StatsPublic)


def _summary(freq: Frequencies) -> CountSummary:
    return CountSummary(
        population=sum(n for _, n in freq),
        mean=mean_of_frequencies(freq),
        median=median_of_frequencies(freq),
    )


def artist_chart(
    session: Session,
    cache: ResultCache,
    *,
    by: ArtistChartBy = ArtistChartBy.PLAYS,
    limit: int = 10,
    data_version: int | None = None,
) -> ArtistChartPublic:
    """The ``limit`` most played (or most listened-to) artists."""
    version = _version(session, data_version)

    def compute() -> ArtistChartPublic:
        rows = repo.top_artists(session, by_listeners=by is ArtistChartBy.LISTENERS, limit=limit)
        return ArtistChartPublic(
            by=by,
            items=[
                ArtistChartEntry(
                    rank=rank,
                    id=row.id,
                    name=row.name,
                    url=row.url,
                    picture_url=row.picture_url,
                    plays=row.plays,
                    listeners=row.listeners,
                )
                for rank, row in enumerate(rows, start=1)
            ],
        )

    args = {"by": by.value, "limit": limit}
    return cache.get_or_compute("chart-artists", args, version, compute, ArtistChartPublic)


def tag_chart(
    session: Session,
    cache: ResultCache,
    *,
    by: TagChartBy = TagChartBy.ASSIGNMENTS,
    limit: int = 10,
    data_version: int | None = None,
) -> TagChartPublic:
    """The ``limit`` tags with the most assignments (or the most distinct artists)."""
    version = _version(session, data_version)

    def compute() -> TagChartPublic:
        rows = repo.top_tags(session, by_artists=by is TagChartBy.ARTISTS, limit=limit)
        return TagChartPublic(
            by=by,
            items=[
                TagChartEntry(
                    rank=rank,
                    id=row.id,
                    name=row.name,
                    assignments=row.assignments,
                    artists=row.artists,
                )
                for rank, row in enumerate(rows, start=1)
            ],
        )

    args = {"by": by.value, "limit": limit}
    return cache.get_or_compute("chart-tags", args, version, compute, TagChartPublic)


def weight_distribution(
    session: Session,
    cache: ResultCache,
    *,
    bins_per_decade: int = 1,
    data_version: int | None = None,
) -> WeightDistributionPublic:
    """Log-binned histograms of per-artist plays and per-listen weights, Lorenz curve, Gini."""
    if not 1 <= bins_per_decade <= 10:
        raise InvalidInputError("bins_per_decade must be between 1 and 10")
    version = _version(session, data_version)

    def compute() -> WeightDistributionPublic:
        plays = _artist_play_totals(session, cache, version)
        weights = _listen_weight_frequencies(session, cache, version)
        artist_freq = sorted(Counter(plays).items())
        return WeightDistributionPublic(
            bins_per_decade=bins_per_decade,
            artist_plays=log_histogram(artist_freq, bins_per_decade),
            listen_weights=log_histogram(weights, bins_per_decade),
            lorenz=lorenz_curve(plays),
            gini=gini(plays),
        )

    args = {"bins_per_decade": bins_per_decade}
    return cache.get_or_compute(
        "weight-distribution", args, version, compute, WeightDistributionPublic
    )


def tag_trends(
    session: Session,
    cache: ResultCache,
    tags: Iterable[str],
    *,
    from_year: int | None = None,
    to_year: int | None = None,
    granularity: TrendGranularity = TrendGranularity.YEAR,
    data_version: int | None = None,
) -> TagTrendsPublic:
    """Assignments per tag per year (or month), every period present (0 when none).

    Omitted bounds default to the first and last year in which any of the tags was assigned.
    Unknown names are reported in ``unknown_tags``; when no name is known, `NotFoundError`.
    Raises `InvalidInputError` for from > to, no or too many tags, or too many periods.
    """
    names = normalise_names(tags)
    if not names:
        raise InvalidInputError("tags must name at least one tag")
    if len(names) > MAX_TREND_TAGS:
        raise InvalidInputError(f"at most {MAX_TREND_TAGS} tags per trend query")
    if from_year is not None and to_year is not None and from_year > to_year:
        raise InvalidInputError(f"from ({from_year}) is greater than to ({to_year})")
    monthly = granularity is TrendGranularity.MONTH
    if from_year is not None and to_year is not None:
        _check_periods(from_year, to_year, monthly=monthly)
    version = _version(session, data_version)
    groups, unknown = resolve_tag_names(find_tags(session, cache, version, names), names)
    if not groups:
        raise NotFoundError(
            "no tag is named " + ", ".join(repr(name) for name in unknown),
            unknown_tags=unknown,
        )
    # One series per requested name, shown as its first tag; a name that several tags share
    # (differing only by case) is their sum.
    series_heads = [group[0] for group in groups]

    def compute() -> TagTrendsPublic:
        rows = repo.tag_assignment_counts(
            session,
            sorted({tag_id for group in groups for tag_id, _ in group}),
            from_year=from_year,
            to_year=to_year,
            monthly=monthly,
        )
        years = [year for _, year, _, _ in rows]
        first = from_year if from_year is not None else (min(years) if years else None)
        last = to_year if to_year is not None else (max(years) if years else None)
        if first is None or last is None:
            periods: list[tuple[int, int]] = []
        else:
            _check_periods(first, last, monthly=monthly)
            periods = [
                (year, month)
                for year in range(first, last + 1)
                for month in (range(1, 13) if monthly else (0,))
            ]
        index = {period: i for i, period in enumerate(periods)}
        group_of = {tag_id: g for g, group in enumerate(groups) for tag_id, _ in group}
        counts = [[0] * len(periods) for _ in groups]
        for tag_id, year, month, n in rows:
            slot = index.get((year, month))
            if slot is not None:
                counts[group_of[tag_id]][slot] += n
        return TagTrendsPublic(
            granularity=granularity,
            from_year=first,
            to_year=last,
            periods=[f"{y:04d}-{m:02d}" if monthly else f"{y:04d}" for y, m in periods],
            series=[
                TagTrendSeries(id=tag_id, name=name, counts=row, total=sum(row))
                for (tag_id, name), row in zip(series_heads, counts, strict=True)
            ],
            unknown_tags=unknown,
        )

    args = {
        "tags": [fold_tag_name(name) for name in names],
        "from": from_year,
        "to": to_year,
        "granularity": granularity.value,
    }
    result = cache.get_or_compute("tag-trends", args, version, compute, TagTrendsPublic)
    if result.unknown_tags != unknown:  # same names, other spelling: report theirs
        result = result.model_copy(update={"unknown_tags": unknown})
    return result


def _check_periods(first: int, last: int, *, monthly: bool) -> None:
    periods = (last - first + 1) * (12 if monthly else 1)
    if periods > MAX_TREND_PERIODS:
        raise InvalidInputError(
            f"{periods} periods requested; at most {MAX_TREND_PERIODS} (narrow from/to or "
            "use granularity=year)"
        )


def user_profile(
    session: Session,
    cache: ResultCache,
    user_id: int,
    *,
    limit: int = 10,
    data_version: int | None = None,
) -> UserProfilePublic:
    """One user's listening profile; `NotFoundError` when the user does not exist.

    Four indexed queries over one user's rows (≤ 50 listens, their artists' tags): a few
    milliseconds, cached per data version all the same because dashboards ask again and again.
    """
    version = _version(session, data_version)
    args = {"user": user_id, "limit": limit}
    return cache.get_or_compute(
        "user-profile",
        args,
        version,
        lambda: _user_profile(session, user_id, limit),
        UserProfilePublic,
    )


def _user_profile(session: Session, user_id: int, limit: int) -> UserProfilePublic:
    friends = repo.user_friend_count(session, user_id)
    if friends is None:
        raise NotFoundError(f"user {user_id} does not exist")
    listens = repo.user_listens(session, user_id)
    total = sum(row.weight for row in listens)
    entropy, normalised = shannon_entropy(row.weight for row in listens)

    def share(weight: float) -> float:
        return weight / total if total else 0.0

    return UserProfilePublic(
        id=user_id,
        total_plays=total,
        friends=friends,
        diversity=Diversity(
            distinct_artists=len(listens), entropy=entropy, normalised_entropy=normalised
        ),
        top_artists=[
            ProfileArtist(
                id=row.artist_id,
                name=row.name,
                url=row.url,
                picture_url=row.picture_url,
                weight=row.weight,
                share=share(row.weight),
            )
            for row in listens[:limit]
        ],
        top_tags=[
            ProfileTag(id=tag_id, name=name, weight=weight, share=share(weight))
            for tag_id, name, weight in repo.user_weighted_tags(session, user_id, limit=limit)
        ],
        own_tags=[
            OwnTag(id=tag_id, name=name, count=count)
            for tag_id, name, count in repo.user_own_tags(session, user_id, limit=limit)
        ],
    )
