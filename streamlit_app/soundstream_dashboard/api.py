"""The dashboard's only way to the data: `soundstream_sdk` against ``SOUNDSTREAM_URL``.

Every read is cached with `st.cache_data` under the API's *data version* (``/ready``), which
the server bumps with every write: a dashboard left open never shows numbers older than the
database, and nothing is fetched twice while nothing changes. The version itself is asked
for at most every few seconds, so a page rerun costs one small request when cached.

Cached functions take the API's URL and the version as arguments (they are the cache key)
and return plain SDK models, which pickle; paginated pages hold a live client and do not,
so search results are copied into `SearchResult` first.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import httpx
import streamlit as st
from soundstream_sdk import (
    DEFAULT_BASE_URL,
    APIConnectionError,
    APIStatusError,
    GraphQLError,
    SoundStream,
)
from soundstream_sdk.types import (
    Artist,
    ArtistChart,
    ArtistSearchHit,
    Community,
    EgoNetwork,
    Recommendations,
    SimilarArtists,
    SocialSummary,
    Stats,
    TagChart,
    TagTrends,
    UserProfile,
    UserSocial,
    WeightDistribution,
)

URL_ENV = "SOUNDSTREAM_URL"
VERSION_TTL_SECONDS = 3.0
# The first /social/summary on the full data computes betweenness and communities: allow it.
TIMEOUT = httpx.Timeout(120.0, connect=3.0)
# One retry hides a blip; more would keep a page spinning for seconds when the API is down.
MAX_RETRIES = 1

Strategy = Literal["hybrid", "cf", "social", "tags", "popular"]
Match = Literal["all", "any"]
SearchSort = Literal["plays", "listeners", "name", "relevance"]


def api_url() -> str:
    """Where the API is: ``SOUNDSTREAM_URL`` (set by ``soundstream up``), else the SDK's
    default. Read on every rerun so a test or a restarted API can point elsewhere."""
    return os.environ.get(URL_ENV) or DEFAULT_BASE_URL


_open_urls: set[str] = set()


@st.cache_resource(show_spinner=False)
def _client(url: str) -> SoundStream:
    # One connection pool per API address, shared by every session of this process.
    _open_urls.add(url)
    return SoundStream(base_url=url, timeout=TIMEOUT, max_retries=MAX_RETRIES)


@st.cache_data(ttl=VERSION_TTL_SECONDS, show_spinner=False)
def _data_version(url: str) -> int:
    return _client(url).ready().data_version


@dataclass(frozen=True, slots=True)
class SearchResult:
    """One page of a granular search, with what the server made of the request."""

    hits: list[ArtistSearchHit]
    total: int
    sort: str
    unknown_tags: list[str]
    unknown_exclude_tags: list[str]


@st.cache_data(show_spinner=False)
def _stats(url: str, version: int) -> Stats:
    return _client(url).stats()


@st.cache_data(show_spinner=False)
def _artist_chart(
    url: str, version: int, by: Literal["plays", "listeners"], limit: int
) -> ArtistChart:
    return _client(url).charts.artists(by=by, limit=limit)


@st.cache_data(show_spinner=False)
def _tag_chart(
    url: str, version: int, by: Literal["assignments", "artists"], limit: int
) -> TagChart:
    return _client(url).charts.tags(by=by, limit=limit)


@st.cache_data(show_spinner=False)
def _weight_distribution(url: str, version: int, bins_per_decade: int) -> WeightDistribution:
    return _client(url).analytics.weight_distribution(bins_per_decade=bins_per_decade)


@st.cache_data(show_spinner=False)
def _tag_trends(
    url: str,
    version: int,
    tags: tuple[str, ...],
    start: int | None,
    end: int | None,
    granularity: Literal["year", "month"],
) -> TagTrends:
    return _client(url).analytics.tag_trends(
        tags=list(tags), start=start, end=end, granularity=granularity
    )


@st.cache_data(show_spinner=False)
def _user_ids(url: str, version: int) -> list[int]:
    return [user.id for user in _client(url).users.list(limit=100)]


@st.cache_data(show_spinner=False)
def _profile(url: str, version: int, user_id: int, limit: int) -> UserProfile:
    return _client(url).users.profile(user_id, limit=limit)


@st.cache_data(show_spinner=False)
def _recommendations(
    url: str, version: int, user_id: int, strategy: Strategy, limit: int
) -> Recommendations:
    return _client(url).users.recommendations(user_id, strategy=strategy, limit=limit)


@st.cache_data(show_spinner=False)
def _similar_artists(url: str, version: int, artist_id: int, limit: int) -> SimilarArtists:
    return _client(url).artists.similar(artist_id, limit=limit)


@st.cache_data(show_spinner=False)
def _artists(url: str, version: int, artist_ids: tuple[int, ...]) -> dict[int, Artist]:
    return _client(url).graph.artists(artist_ids)


@st.cache_data(show_spinner=False)
def _search(
    url: str,
    version: int,
    tags: tuple[str, ...],
    match: Match,
    exclude_tags: tuple[str, ...],
    min_listeners: int | None,
    max_listeners: int | None,
    sort: SearchSort | None,
    limit: int,
) -> SearchResult:
    page = _client(url).artists.search(
        tags=list(tags) or None,
        match=match,
        exclude_tags=list(exclude_tags) or None,
        min_listeners=min_listeners,
        max_listeners=max_listeners,
        sort=sort,
        limit=limit,
    )
    return SearchResult(
        hits=list(page.items),
        total=page.total,
        sort=page.sort,
        unknown_tags=page.unknown_tags,
        unknown_exclude_tags=page.unknown_exclude_tags,
    )


@st.cache_data(show_spinner=False)
def _social_summary(url: str, version: int) -> SocialSummary:
    return _client(url).social.summary(include_points=True)


@st.cache_data(show_spinner=False)
def _communities(url: str, version: int, limit: int) -> list[Community]:
    return list(_client(url).social.communities(limit=limit).items)


@st.cache_data(show_spinner=False)
def _user_social(url: str, version: int, user_id: int) -> UserSocial:
    return _client(url).social.user(user_id)


@st.cache_data(show_spinner=False)
def _ego(url: str, version: int, user_id: int, radius: int, max_nodes: int) -> EgoNetwork:
    return _client(url).social.ego(user_id, radius=radius, max_nodes=max_nodes)


@dataclass(frozen=True, slots=True)
class Api:
    """The API at one data version: every read the pages make, cached under that version.

    Example:
        >>> api = connect()  # doctest: +SKIP
        >>> api.stats().counts.users  # doctest: +SKIP
        1892
    """

    url: str
    version: int

    def stats(self) -> Stats:
        return _stats(self.url, self.version)

    def artist_chart(self, by: Literal["plays", "listeners"], limit: int = 10) -> ArtistChart:
        return _artist_chart(self.url, self.version, by, limit)

    def tag_chart(self, by: Literal["assignments", "artists"], limit: int = 20) -> TagChart:
        return _tag_chart(self.url, self.version, by, limit)

    def weight_distribution(self, bins_per_decade: int = 4) -> WeightDistribution:
        return _weight_distribution(self.url, self.version, bins_per_decade)

    def tag_trends(
        self,
        tags: Sequence[str],
        *,
        start: int | None = None,
        end: int | None = None,
        granularity: Literal["year", "month"] = "year",
    ) -> TagTrends:
        return _tag_trends(self.url, self.version, tuple(tags), start, end, granularity)

    def user_ids(self) -> list[int]:
        """The first 100 user ids, to pick from (any other id can be typed)."""
        return _user_ids(self.url, self.version)

    def profile(self, user_id: int, limit: int = 10) -> UserProfile:
        return _profile(self.url, self.version, user_id, limit)

    def recommendations(
        self, user_id: int, strategy: Strategy = "hybrid", limit: int = 12
    ) -> Recommendations:
        return _recommendations(self.url, self.version, user_id, strategy, limit)

    def similar_artists(self, artist_id: int, limit: int = 10) -> SimilarArtists:
        return _similar_artists(self.url, self.version, artist_id, limit)

    def artists(self, artist_ids: Sequence[int]) -> dict[int, Artist]:
        """Name, URL and picture of each artist, in one GraphQL round trip."""
        return _artists(self.url, self.version, tuple(artist_ids))

    def search(
        self,
        *,
        tags: Sequence[str],
        match: Match = "all",
        exclude_tags: Sequence[str] = (),
        min_listeners: int | None = None,
        max_listeners: int | None = None,
        sort: SearchSort | None = None,
        limit: int = 100,
    ) -> SearchResult:
        return _search(
            self.url,
            self.version,
            tuple(tags),
            match,
            tuple(exclude_tags),
            min_listeners,
            max_listeners,
            sort,
            limit,
        )

    def social_summary(self) -> SocialSummary:
        """The global measures, with every user's (friends, diversity) point."""
        return _social_summary(self.url, self.version)

    def communities(self, limit: int = 20) -> list[Community]:
        return _communities(self.url, self.version, limit)

    def user_social(self, user_id: int) -> UserSocial:
        return _user_social(self.url, self.version, user_id)

    def ego(self, user_id: int, *, radius: int = 1, max_nodes: int = 60) -> EgoNetwork:
        return _ego(self.url, self.version, user_id, radius, max_nodes)


def connect() -> Api:
    """The API at its current data version.

    Raises:
        APIConnectionError: Nothing answers at the URL.
        InternalServerError: The API answers but its database is down or empty (503).
    """
    url = api_url()
    return Api(url=url, version=_data_version(url))


def disconnect() -> None:
    """Close the pooled connections of every cached client and forget the clients (a
    server shutting down waits for open keep-alive connections)."""
    for url in list(_open_urls):
        _client(url).close()
    _open_urls.clear()
    _client.clear()


def forget_data_version() -> None:
    """Ask the API for its data version on the next `connect` instead of within
    `VERSION_TTL_SECONDS` (what the TTL running out does)."""
    _data_version.clear()


def run_page(render: Callable[[Api], None]) -> None:
    """Run a page against the API, turning the failures a user can act on into a message.

    The API down, not ready or refusing a request is a state of the world, not a bug of
    the page: the user gets what happened and what to do, never a traceback. Errors the
    page expects (an unknown user id) are handled by the page itself, nearer their cause.
    """
    try:
        api = connect()
        render(api)
    except APIConnectionError as exc:
        st.error(
            f"**The SoundStream API does not answer at {api_url()}.** Start it with "
            "`soundstream up` (which serves this dashboard too), or point `SOUNDSTREAM_URL` at "
            f"a running API, then reload this page.\n\n_{exc}_",
            icon=":material/cloud_off:",
        )
    except APIStatusError as exc:
        st.error(
            f"**The API could not answer ({exc.status_code}{_title(exc)}).** {exc.detail}",
            icon=":material/error:",
        )
    except GraphQLError as exc:
        st.error(f"**The API's GraphQL endpoint refused a query.** {exc}", icon=":material/error:")


def _title(exc: APIStatusError) -> str:
    return f" {exc.title}" if exc.title else ""
