"""Read-only aggregates: dataset statistics, charts, the weight distribution, tag trends and
user profiles.

Units: *plays* are listen weights (play counts, heavy-tailed: 1 to 352,698 on the full data);
*shares* are fractions in [0, 1]; *entropy* is in nats.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import Field

from soundstream_sdk._frames import frame_from_records, require_pandas
from soundstream_sdk._models import ItemsModel, SoundStreamModel

if TYPE_CHECKING:
    import pandas as pd


class EntityCounts(SoundStreamModel):
    artists: int
    users: int
    tags: int
    listens: int
    tag_assignments: int
    friendships: int
    friendship_rows: int


class PlayStats(SoundStreamModel):
    total: int
    mean_per_listen: float
    median_per_listen: float
    min_per_listen: int | None = None
    max_per_listen: int | None = None


class ArtistConcentration(SoundStreamModel):
    """How unequally plays spread over the artists that have listeners."""

    artists: int
    gini: float
    top_1pct_share: float
    top_10pct_share: float


class CountSummary(SoundStreamModel):
    population: int
    mean: float
    median: float


class Stats(SoundStreamModel):
    """Headline statistics of the whole dataset, for one ``data_version``."""

    data_version: int
    counts: EntityCounts
    plays: PlayStats
    artist_concentration: ArtistConcentration
    tags_per_artist: CountSummary
    friends_per_user: CountSummary


class ArtistChartEntry(SoundStreamModel):
    rank: int
    id: int
    name: str
    url: str | None = None
    picture_url: str | None = None
    plays: int
    listeners: int


class ArtistChart(ItemsModel):
    """Top artists ``by`` plays or listeners; ``.to_pandas()`` gives one row per entry."""

    by: str
    items: list[ArtistChartEntry]


class TagChartEntry(SoundStreamModel):
    rank: int
    id: int
    name: str
    assignments: int
    artists: int


class TagChart(ItemsModel):
    """Top tags ``by`` assignments or distinct artists."""

    by: str
    items: list[TagChartEntry]


class HistogramBin(SoundStreamModel):
    lower: float
    upper: float
    count: int


class LogHistogram(SoundStreamModel):
    values: int
    zeros: int
    bins: list[HistogramBin]


class LorenzPoint(SoundStreamModel):
    artists_share: float
    plays_share: float


class WeightDistribution(SoundStreamModel):
    """Superstars versus the long tail: log-binned plays, the Lorenz curve and the Gini."""

    bins_per_decade: int
    artist_plays: LogHistogram
    listen_weights: LogHistogram
    lorenz: list[LorenzPoint]
    gini: float


class TagTrendSeries(SoundStreamModel):
    id: int
    name: str
    counts: list[int]
    total: int


class TagTrends(SoundStreamModel):
    """Tag assignments per period (``'YYYY'`` or ``'YYYY-MM'``), one series per tag."""

    granularity: str
    from_year: int | None = None
    to_year: int | None = None
    periods: list[str]
    series: list[TagTrendSeries]
    unknown_tags: list[str] = Field(default_factory=list)

    def to_pandas(self) -> pd.DataFrame:
        """A period x tag table of counts, indexed by period (needs the ``pandas`` extra).

        Example:
            >>> trends = client.analytics.tag_trends(tags=["rock", "pop"])  # doctest: +SKIP
            >>> trends.to_pandas().plot()  # doctest: +SKIP
        """
        pandas = require_pandas()
        frame: pd.DataFrame = pandas.DataFrame(
            {series.name: series.counts for series in self.series},
            index=pandas.Index(self.periods, name="period"),
        )
        return frame


class ProfileArtist(SoundStreamModel):
    id: int
    name: str
    url: str | None = None
    picture_url: str | None = None
    weight: int
    share: float


class ProfileTag(SoundStreamModel):
    id: int
    name: str
    weight: float
    share: float


class OwnTag(SoundStreamModel):
    id: int
    name: str
    count: int


class Diversity(SoundStreamModel):
    distinct_artists: int
    entropy: float
    normalised_entropy: float | None = None


class UserProfile(SoundStreamModel):
    """A user's listening profile: top artists and tags, diversity, friends."""

    id: int
    total_plays: int
    friends: int
    diversity: Diversity
    top_artists: list[ProfileArtist]
    top_tags: list[ProfileTag]
    own_tags: list[OwnTag]

    def top_artists_frame(self) -> pd.DataFrame:
        """The top artists as a DataFrame (needs the ``pandas`` extra).

        Example:
            >>> client.users.profile(2).top_artists_frame()  # doctest: +SKIP
        """
        return frame_from_records(a.model_dump() for a in self.top_artists)
