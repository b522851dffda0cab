"""Social-network use cases shared by REST and GraphQL: global metrics, communities, and one
user's place, neighbourhood and friend-based artist recommendations.

Everything is derived from a snapshot of the database taken once per data version, so the
costly work (PageRank, clustering, k-cores, Louvain: ~0.6 s on the full data; exact betweenness
and distances for the summary: ~1.5 s) runs once, and a per-user request only walks the user's
neighbourhood on top of it. A write to friendships or listens bumps the data version, which
names new cache entries: nothing is invalidated by hand and nothing stale is served.

How the NetworkX graph is cached: `ResultCache` may copy its values to Redis as JSON through
the declared Pydantic type, and an ``nx.Graph`` is not JSON. Instead of a second, in-process
memo beside the cache, the cached value is `SocialGraphData` — the plain rows (users, edges,
play profiles, artist names), which *are* JSON — and the graph is a private attribute rebuilt
from them in ``model_post_init`` (~20 ms) whenever the model is built: after computing, and
after a Redis hit in another worker. The in-process tier keeps the very object, so within a
process the graph is built once per data version; across processes Redis spares the SQL and
the precomputed metrics. Callers treat every cached object, graph included, as read-only.

Cached entries per data version: ``social-graph`` and ``social-metrics`` (shared by all
routes), ``social-summary``, ``social-communities`` per ``min_support``, and
``social-friend-recommendations`` per user (the 100 best, sliced to each ``limit``, so the
number of entries is bounded by the number of users). Ego networks are not cached: they cost
~3 ms (p95, radius 2, 100 nodes) from the cached graph, and caching every ``max_nodes`` would
let cheap entries evict the expensive ones from the LRU.

Every function takes an optional ``data_version``: the REST layer has already read it for the
ETag, and passing it on keeps a warm answer at exactly one SQL statement.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import networkx as nx
from pydantic import BaseModel, ConfigDict, PrivateAttr
from sqlalchemy.orm import Session

from graph import (
    CharacteristicItem as GraphCharacteristicItem,
)
from graph import (
    RankCorrelation,
    SimilarityContrast,
    clustering,
    community_profiles,
    core_numbers,
    degrees,
    ego_network,
    friends_vs_diversity,
    friendship_graph,
    louvain_partition,
    pagerank,
    recommend_artists,
    summary,
    taste_homophily,
    taste_profiles,
)
from server.db.meta import get_data_version
from server.errors import InvalidInputError
from server.repositories import recommend as recommend_repo
from server.repositories import social as repo
from server.repositories import users as users_repo
from server.schemas.pagination import Page, PageParams
from server.schemas.social import (
    CharacteristicItem,
    ClusteringStats,
    CommunitiesSummary,
    CommunityPublic,
    ComponentsPublic,
    DegreeCount,
    DegreeStats,
    DiversityPoint,
    EgoNetworkPublic,
    EgoNode,
    FriendRecommendation,
    FriendRecommendationsPublic,
    FriendsDiversityPublic,
    PathStatsPublic,
    RankCorrelationPublic,
    RecommendationContributor,
    SimilarityContrastPublic,
    SocialSummaryPublic,
    TasteHomophilyPublic,
    UserScore,
    UserSocialPublic,
)
from server.services.cache import ResultCache
from server.services.users import user_not_found

log = logging.getLogger("soundstream.social")

SEED = 0
"""Seed of Louvain, of the homophily baseline and of any sampling: same data, same answers."""
MEMBERS_SAMPLE = 20
TOP_ARTISTS_PER_NODE = 3
COMMUNITY_ITEMS = 10
DEFAULT_MIN_SUPPORT = 3
MAX_MIN_SUPPORT = 1000
MAX_RECOMMENDATIONS = 100
MAX_EGO_NODES = 500
PAGERANK_DECIMALS = 12
"""Users symmetric in the graph get PageRanks differing by float noise (~1e-17); ranks compare
scores rounded to this many decimals so such users share a rank (scores are ~1/users)."""

T = TypeVar("T")


# --- cached building blocks ------------------------------------------------------------------


class SocialGraphData(BaseModel):
    """The network's rows at one data version, and the friendship graph built from them.

    ``profiles`` are plays per artist per user; ``artist_names`` cover every artist somebody
    plays. ``graph`` is derived (see the module docstring) and is not part of the JSON.
    """

    model_config = ConfigDict(frozen=True)

    users: list[int]
    edges: list[tuple[int, int]]
    profiles: dict[int, dict[int, int]]
    artist_names: dict[int, str]
    _graph: Any = PrivateAttr(default=None)

    def model_post_init(self, context: Any, /) -> None:
        self._graph = friendship_graph(self.edges, users=self.users)

    @property
    def graph(self) -> nx.Graph:
        """The undirected friendship graph; every user is a node. Read-only."""
        return self._graph


class SocialMetrics(BaseModel):
    """Per-user measures and the communities, computed once per data version."""

    users: dict[int, UserSocialPublic]
    pagerank: dict[int, float]
    membership: dict[int, int]
    top_artists: dict[int, list[str]]
    communities: list[list[int]]
    modularity: float | None
    seed: int
    resolution: float


class SocialCommunities(BaseModel):
    communities: list[CommunityPublic]


def _version(session: Session, data_version: int | None) -> int:
    return get_data_version(session) if data_version is None else data_version


def _timed(what: str, version: int, compute: Callable[[], T]) -> Callable[[], T]:
    """``compute``, logging how long it took: these are the cold-start costs to watch."""

    def run() -> T:
        started = time.perf_counter()
        value = compute()
        log.info("%s for data version %d in %.3f s", what, version, time.perf_counter() - started)
        return value

    return run


def graph_data(session: Session, cache: ResultCache, version: int) -> SocialGraphData:
    """The snapshot every social feature starts from (four full-table reads when cold)."""

    def build() -> SocialGraphData:
        network = friendship_graph(repo.friendship_rows(session), users=repo.user_ids(session))
        # Built from trusted rows: skip validating ~100k entries (~50 ms on the full data).
        return SocialGraphData.model_construct(
            users=list(network.nodes),
            edges=[(int(u), int(v)) for u, v in network.edges],
            profiles={
                user: {artist: int(plays) for artist, plays in plays_by_artist.items()}
                for user, plays_by_artist in taste_profiles(repo.listen_rows(session)).items()
            },
            artist_names=repo.listened_artist_names(session),
        )

    return cache.get_or_compute(
        "social-graph", {}, version, _timed("social graph", version, build), SocialGraphData
    )


def metrics(session: Session, cache: ResultCache, version: int) -> SocialMetrics:
    """Degree, clustering, PageRank (with rank), core number and community of every user."""

    def build() -> SocialMetrics:
        data = graph_data(session, cache, version)
        network = data.graph
        degree = degrees(network)
        local = clustering(network)
        scores = pagerank(network)
        cores = core_numbers(network)
        partition = louvain_partition(network, seed=SEED)
        membership = partition.membership()
        ranks = pagerank_ranks(scores)
        users = {
            user: UserSocialPublic(
                id=user,
                degree=degree[user],
                clustering=local[user],
                pagerank=scores[user],
                pagerank_rank=ranks[user][0],
                pagerank_percentile=ranks[user][1],
                community=membership[user],
                community_size=len(partition.communities[membership[user]]),
                core_number=cores[user],
            )
            for user in network
        }
        return SocialMetrics(
            users=users,
            pagerank=scores,
            membership=membership,
            top_artists={
                user: top_artist_names(plays, data.artist_names)
                for user, plays in data.profiles.items()
            },
            communities=partition.communities,
            modularity=partition.modularity,
            seed=partition.seed,
            resolution=partition.resolution,
        )

    return cache.get_or_compute(
        "social-metrics", {}, version, _timed("social metrics", version, build), SocialMetrics
    )


def pagerank_ranks(scores: Mapping[int, float]) -> dict[int, tuple[int, float]]:
    """``{user: (rank, percentile)}``: rank 1 is the highest score and equal scores share a
    rank; the percentile is the percentage of the *other* users with a lower score.

    >>> pagerank_ranks({1: 0.5, 2: 0.25, 3: 0.25})
    {1: (1, 100.0), 2: (2, 0.0), 3: (2, 0.0)}
    """
    ordered = sorted((-round(s, PAGERANK_DECIMALS), u) for u, s in scores.items())
    n = len(ordered)
    result: dict[int, tuple[int, float]] = {}
    start = 0
    while start < n:
        end = start
        while end < n and ordered[end][0] == ordered[start][0]:
            end += 1
        percentile = 100.0 * (n - end) / (n - 1) if n > 1 else 0.0
        for _, user in ordered[start:end]:
            result[user] = (start + 1, percentile)
        start = end
    return result


def top_artist_names(plays: Mapping[int, float], names: Mapping[int, str]) -> list[str]:
    """Names of the most played artists (ties by artist id), at most `TOP_ARTISTS_PER_NODE`."""
    ranked = sorted(plays, key=lambda artist: (-plays[artist], artist))
    return [names[a] for a in ranked if a in names][:TOP_ARTISTS_PER_NODE]


# --- use cases -------------------------------------------------------------------------------


def social_summary(
    session: Session,
    cache: ResultCache,
    *,
    include_points: bool = False,
    data_version: int | None = None,
) -> SocialSummaryPublic:
    """Global measures, communities, taste homophily and friends-versus-diversity.

    ``include_points`` adds the scatter points (one per user with plays: ~1,900 on the full
    data); the cached value always has them, so either answer costs the same when warm.
    """
    version = _version(session, data_version)

    def build() -> SocialSummaryPublic:
        data = graph_data(session, cache, version)
        measured = metrics(session, cache, version)
        return _summary(data, measured)

    result = cache.get_or_compute(
        "social-summary",
        {},
        version,
        _timed("social summary", version, build),
        SocialSummaryPublic,
    )
    if include_points:
        return result
    diversity = result.friends_vs_diversity.model_copy(update={"points": None})
    return result.model_copy(update={"friends_vs_diversity": diversity})


def _summary(data: SocialGraphData, measured: SocialMetrics) -> SocialSummaryPublic:
    network = data.graph
    s = summary(network, seed=SEED)
    homophily = taste_homophily(network, data.profiles, seed=SEED)
    diversity = friends_vs_diversity(network, data.profiles)
    return SocialSummaryPublic(
        nodes=s.nodes,
        edges=s.edges,
        density=s.density,
        degrees=DegreeStats(
            mean=s.degree_mean,
            median=s.degree_median,
            max=s.degree_max,
            isolated=s.isolated,
            distribution=[
                DegreeCount(degree=degree, users=users)
                for degree, users in s.degree_distribution.items()
            ],
        ),
        components=ComponentsPublic(
            count=s.components.count, giant_size=s.components.giant_size, sizes=s.components.sizes
        ),
        clustering=ClusteringStats(average=s.average_clustering, transitivity=s.transitivity),
        degree_assortativity=s.degree_assortativity,
        max_core=s.max_core,
        paths=PathStatsPublic(
            diameter=s.paths.diameter,
            average_shortest_path=s.paths.average_shortest_path,
            exact=s.paths.exact,
            sources=s.paths.sources,
            nodes=s.paths.nodes,
        ),
        top_pagerank=[UserScore(user=r.node, score=r.value) for r in s.top_pagerank],
        top_betweenness=[UserScore(user=r.node, score=r.value) for r in s.top_betweenness],
        betweenness_exact=s.betweenness_exact,
        betweenness_sources=s.betweenness_sources,
        communities=CommunitiesSummary(
            count=len(measured.communities),
            modularity=measured.modularity,
            sizes=[len(members) for members in measured.communities],
            seed=measured.seed,
            resolution=measured.resolution,
        ),
        homophily=TasteHomophilyPublic(
            friend_pairs=homophily.friend_pairs,
            random_pairs=homophily.random_pairs,
            jaccard=_contrast(homophily.jaccard),
            cosine=_contrast(homophily.cosine),
            seed=homophily.seed,
        ),
        friends_vs_diversity=FriendsDiversityPublic(
            n=diversity.n,
            distinct_artists=_correlation(diversity.distinct_artists),
            entropy=_correlation(diversity.entropy),
            points=[
                DiversityPoint(
                    user=p.user,
                    friends=p.friends,
                    distinct_artists=p.distinct_artists,
                    entropy=p.entropy,
                )
                for p in diversity.points
            ],
        ),
        seed=s.seed,
    )


def _contrast(value: SimilarityContrast) -> SimilarityContrastPublic:
    return SimilarityContrastPublic(friends=value.friends, random=value.random, ratio=value.ratio)


def _correlation(value: RankCorrelation) -> RankCorrelationPublic:
    return RankCorrelationPublic(rho=value.rho, p_value=value.p_value, n=value.n)


def list_communities(
    session: Session,
    cache: ResultCache,
    params: PageParams,
    *,
    min_support: int = DEFAULT_MIN_SUPPORT,
    data_version: int | None = None,
) -> Page[CommunityPublic]:
    """One page of the Louvain communities, largest first, with their characteristic artists
    and tags (names resolved).

    ``min_support``: an artist or tag must be held by at least this many members (and by 5 %
    of the community) to be listed, so one member's niche is not the community's taste.
    Raises `InvalidInputError` outside 1–1000.
    """
    if not 1 <= min_support <= MAX_MIN_SUPPORT:
        raise InvalidInputError(f"min_support must be between 1 and {MAX_MIN_SUPPORT}")
    version = _version(session, data_version)

    def build() -> SocialCommunities:
        return _communities(session, cache, version, min_support)

    found = cache.get_or_compute(
        "social-communities",
        {"min_support": min_support},
        version,
        _timed("social communities", version, build),
        SocialCommunities,
    ).communities
    return Page[CommunityPublic](
        items=found[params.offset : params.offset + params.limit],
        total=len(found),
        limit=params.limit,
        offset=params.offset,
    )


def _communities(
    session: Session, cache: ResultCache, version: int, min_support: int
) -> SocialCommunities:
    data = graph_data(session, cache, version)
    measured = metrics(session, cache, version)
    profiles = community_profiles(
        measured.communities,
        data.profiles,
        tag_rows=repo.user_tag_counts(session),
        artist_names=data.artist_names,
        top=COMMUNITY_ITEMS,
        min_support=min_support,
    )
    tag_names = repo.tag_names(session, {item.id for p in profiles for item in p.tags})
    scores = measured.pagerank
    return SocialCommunities(
        communities=[
            CommunityPublic(
                id=profile.community,
                size=profile.size,
                members_sample=sorted(profile.members, key=lambda u: (-scores[u], u))[
                    :MEMBERS_SAMPLE
                ],
                artists=[_item(item, item.name) for item in profile.artists],
                tags=[_item(item, tag_names.get(item.id)) for item in profile.tags],
            )
            for profile in profiles
        ]
    )


def _item(item: GraphCharacteristicItem, name: str | None) -> CharacteristicItem:
    return CharacteristicItem(
        id=item.id,
        name=name,
        lift=item.lift,
        support=item.support,
        share=item.share,
        global_share=item.global_share,
    )


def user_social(
    session: Session, cache: ResultCache, user_id: int, *, data_version: int | None = None
) -> UserSocialPublic:
    """The user's degree, clustering, PageRank (rank, percentile), community and core number.

    A lookup in the cached metrics. Raises `NotFoundError` for a user that does not exist.
    """
    version = _version(session, data_version)
    found = metrics(session, cache, version).users.get(user_id)
    if found is None:
        raise user_not_found(user_id)
    return found


def user_ego_network(
    session: Session,
    cache: ResultCache,
    user_id: int,
    *,
    radius: int = 1,
    max_nodes: int = 100,
    data_version: int | None = None,
) -> EgoNetworkPublic:
    """The user's friends (radius 1) or friends and friends of friends (2), at most
    ``max_nodes`` of them with the ego, each with PageRank, community and top artists.

    Raises `InvalidInputError` for a radius other than 1 or 2 or ``max_nodes`` outside
    1–500, `NotFoundError` for a user that does not exist.
    """
    if radius not in (1, 2):
        raise InvalidInputError(f"radius must be 1 or 2, got {radius}")
    if not 1 <= max_nodes <= MAX_EGO_NODES:
        raise InvalidInputError(f"max_nodes must be between 1 and {MAX_EGO_NODES}")
    version = _version(session, data_version)
    data = graph_data(session, cache, version)
    measured = metrics(session, cache, version)
    if user_id not in data.graph:
        raise user_not_found(user_id)
    ego = ego_network(
        data.graph,
        user_id,
        radius=radius,
        max_nodes=max_nodes,
        pagerank=measured.pagerank,
        communities=measured.membership,
        top_artists=measured.top_artists,
    )
    return EgoNetworkPublic(
        ego=ego.ego,
        radius=ego.radius,
        nodes=[
            EgoNode(
                id=node.id,
                degree=node.degree,
                distance=node.distance,
                pagerank=measured.pagerank[node.id],
                community=measured.membership[node.id],
                top_artists=node.top_artists or [],
            )
            for node in ego.nodes
        ],
        edges=ego.edges,
        total_nodes=ego.total_nodes,
        truncated=ego.truncated,
    )


RecommendationRow = tuple[int, str | None, float, int, tuple[tuple[int, int, float, float], ...]]
"""``(artist id, name, score, contributors in all, ((user, distance, similarity, contribution),
...))``: one recommendation as plain values."""


class RankedRecommendations(BaseModel):
    """A user's best friend recommendations, cached as tuples rather than models.

    Why: there is one entry per user, and CPython's collector stops tracking tuples of plain
    values, whereas 100 models with their contributors are ~700 objects that every full
    collection walks again (times 1,892 users). Models are built per request, for ``limit``.
    """

    rows: list[RecommendationRow]


def _two_hops(session: Session, user_id: int) -> tuple[nx.Graph, Mapping[int, Mapping[int, float]]]:
    """The user's friends and friends of friends with their friendships and listens: all
    `graph.recommend_artists` reads (it walks two hops), so its answer equals the one over
    the whole snapshot (`graph_data`) — a test compares them.

    Why not the snapshot: built cold, it reads every friendship and listen (67 s at 100x
    the data on SQLite, again after every write) for an answer that needs a few thousand
    rows; the global metrics still use it, since they are global.
    """
    if not users_repo.exists(session, user_id):
        raise user_not_found(user_id)
    friends = {u for row in repo.friendship_rows_touching(session, [user_id]) for u in row}
    network = friendship_graph(
        repo.friendship_rows_touching(session, friends | {user_id}), users=[user_id]
    )
    near = nx.single_source_shortest_path_length(network, user_id, cutoff=2)
    return network, taste_profiles(repo.listen_rows_of(session, near))


def friend_recommendations(
    session: Session,
    cache: ResultCache,
    user_id: int,
    *,
    limit: int = 10,
    data_version: int | None = None,
) -> FriendRecommendationsPublic:
    """Artists the user's friends (and, at half weight, friends of friends) play and the user
    does not, scored by the friends' taste similarity to the user (see `graph.recommend`).

    A hub's two-hop neighbourhood makes this tens of milliseconds to compute, so the 100 best
    are cached per user and sliced. Raises `InvalidInputError` for ``limit`` outside 1–100,
    `NotFoundError` for a user that does not exist.
    """
    if not 1 <= limit <= MAX_RECOMMENDATIONS:
        raise InvalidInputError(f"limit must be between 1 and {MAX_RECOMMENDATIONS}")
    version = _version(session, data_version)

    def build() -> RankedRecommendations:
        network, profiles = _two_hops(session, user_id)
        found = recommend_artists(network, profiles, user_id, k=MAX_RECOMMENDATIONS)
        names = recommend_repo.artist_names(session, [rec.artist for rec in found])
        return RankedRecommendations.model_construct(
            rows=[
                (
                    rec.artist,
                    names.get(rec.artist),
                    rec.score,
                    rec.contributors_total,
                    tuple(
                        (c.user, c.distance, c.similarity, c.contribution) for c in rec.contributors
                    ),
                )
                for rec in found
            ]
        )

    ranked = cache.get_or_compute(
        "social-friend-recommendations",
        {"user": user_id},
        version,
        build,
        RankedRecommendations,
    )
    return FriendRecommendationsPublic(
        user=user_id,
        items=[
            FriendRecommendation(
                id=artist,
                name=name,
                score=score,
                contributors=[
                    RecommendationContributor(
                        user=user, distance=distance, similarity=similarity, contribution=amount
                    )
                    for user, distance, similarity, amount in contributors
                ],
                contributors_total=total,
            )
            for artist, name, score, total, contributors in ranked.rows[:limit]
        ],
    )
