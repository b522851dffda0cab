"""Read-only aggregates: dataset statistics, charts, the weight distribution, tag trends and
user profiles.

Units: *plays* are listen weights (play counts of a user's top-50 artists, 1 to 352,698 on the
full data); *shares* are fractions in [0, 1]; *entropy* is in nats (natural log).
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, Field


class EntityCounts(BaseModel):
    artists: int
    users: int
    tags: int
    listens: int = Field(description="user_artists rows: (user, artist, weight).")
    tag_assignments: int = Field(description="user_taggedartists rows.")
    friendships: int = Field(description="Mutual friendships: pairs listed in both directions.")
    friendship_rows: int = Field(description="Directed user_friends rows (2 per friendship).")


class PlayStats(BaseModel):
    total: int = Field(description="Sum of every listen weight.")
    mean_per_listen: float
    median_per_listen: float = Field(description="The robust centre: weights are heavy-tailed.")
    min_per_listen: int | None
    max_per_listen: int | None


class ArtistConcentration(BaseModel):
    """How unequally plays spread over artists.

    The population is the artists with at least one listener (all 17,632 on the full data);
    artists nobody listens to are left out rather than counted as zeros, so adding an artist
    through the API does not move the Gini before anyone plays it.
    """

    artists: int = Field(description="Artists with at least one listener (the population).")
    gini: float = Field(description="0 = equal plays for all, → 1 = one artist takes all.")
    top_1pct_share: float = Field(description="Plays share of the top ceil(1%) of artists.")
    top_10pct_share: float = Field(description="Plays share of the top ceil(10%) of artists.")


class CountSummary(BaseModel):
    population: int = Field(description="How many units the mean and median are over.")
    mean: float
    median: float


class StatsPublic(BaseModel):
    data_version: int
    counts: EntityCounts
    plays: PlayStats
    artist_concentration: ArtistConcentration
    tags_per_artist: CountSummary = Field(
        description="Distinct tags per tagged artist (artists without tags are not counted)."
    )
    friends_per_user: CountSummary = Field(
        description="Friends per user, users without friends counted as 0."
    )


class ArtistChartBy(StrEnum):
    PLAYS = "plays"
    LISTENERS = "listeners"


class TagChartBy(StrEnum):
    ASSIGNMENTS = "assignments"
    ARTISTS = "artists"


class ArtistChartEntry(BaseModel):
    rank: int
    id: int
    name: str
    url: str | None
    picture_url: str | None
    plays: int
    listeners: int


class ArtistChartPublic(BaseModel):
    by: ArtistChartBy
    items: list[ArtistChartEntry]


class TagChartEntry(BaseModel):
    rank: int
    id: int
    name: str
    assignments: int = Field(description="Tag assignments (user, artist, tag, date).")
    artists: int = Field(description="Distinct artists carrying the tag.")


class TagChartPublic(BaseModel):
    by: TagChartBy
    items: list[TagChartEntry]


class HistogramBin(BaseModel):
    lower: float = Field(description="Inclusive lower edge, a power of 10^(1/bins_per_decade).")
    upper: float = Field(description="Exclusive upper edge.")
    count: int


class LogHistogram(BaseModel):
    values: int = Field(description="How many values were binned (zeros included).")
    zeros: int = Field(description="Values of 0, which no logarithmic bin can hold.")
    bins: list[HistogramBin]


class LorenzPoint(BaseModel):
    artists_share: float = Field(description="Cumulative share of artists, least played first.")
    plays_share: float = Field(description="Cumulative share of their plays.")


class WeightDistributionPublic(BaseModel):
    """Superstars versus the long tail, ready to plot on log axes."""

    bins_per_decade: int
    artist_plays: LogHistogram = Field(description="Plays per artist (artists with listeners).")
    listen_weights: LogHistogram = Field(description="Weight of each single listen.")
    lorenz: list[LorenzPoint] = Field(description="101 points, from (0, 0) to (1, 1).")
    gini: float


class TrendGranularity(StrEnum):
    YEAR = "year"
    MONTH = "month"


class TagTrendSeries(BaseModel):
    id: int
    name: str
    counts: list[int] = Field(description="Assignments per period, aligned with `periods`.")
    total: int


class TagTrendsPublic(BaseModel):
    granularity: TrendGranularity
    from_year: int | None = Field(description="First year shown (None when nothing to show).")
    to_year: int | None
    periods: list[str] = Field(description="'YYYY' or 'YYYY-MM', every period in the range.")
    series: list[TagTrendSeries]
    unknown_tags: list[str] = Field(default_factory=list)


class ProfileArtist(BaseModel):
    id: int
    name: str
    url: str | None
    picture_url: str | None
    weight: int = Field(description="The user's plays of this artist.")
    share: float = Field(description="Of the user's plays.")


class ProfileTag(BaseModel):
    id: int
    name: str
    weight: float = Field(
        description="Plays attributed to the tag: each artist's plays split over its tags in "
        "proportion to how often each was assigned to it (by anyone)."
    )
    share: float = Field(description="Of the user's plays (untagged artists count for no tag).")


class OwnTag(BaseModel):
    id: int
    name: str
    count: int = Field(description="Assignments of this tag made by the user.")


class Diversity(BaseModel):
    """How the user's plays spread over their (at most 50) artists.

    The number of artists says little (most users have exactly 50); the entropy of the plays
    says how evenly they listen.
    """

    distinct_artists: int
    entropy: float = Field(description="Shannon entropy of plays over artists, in nats.")
    normalised_entropy: float | None = Field(
        description="entropy / ln(artists with plays), 0..1; null below two artists."
    )


class UserProfilePublic(BaseModel):
    id: int
    total_plays: int
    friends: int
    diversity: Diversity
    top_artists: list[ProfileArtist]
    top_tags: list[ProfileTag] = Field(description="Tags of the artists the user plays.")
    own_tags: list[OwnTag] = Field(description="Tags the user assigned, most used first.")
