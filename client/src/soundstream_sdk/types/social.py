"""The friendship network: global measures, communities, one user's place, ego networks and
the artists friends would recommend.

A user's *degree* is their number of friends; PageRank scores sum to 1 over all users;
*lift* is a community's share of an item over everybody's share.
"""

from __future__ import annotations

from pydantic import Field

from soundstream_sdk._models import ItemsModel, SoundStreamModel


class UserScore(SoundStreamModel):
    user: int
    score: float


class DegreeCount(SoundStreamModel):
    degree: int
    users: int


class DegreeStats(SoundStreamModel):
    mean: float
    median: float
    max: int
    isolated: int
    distribution: list[DegreeCount]


class Components(SoundStreamModel):
    count: int
    giant_size: int
    sizes: list[int]


class ClusteringStats(SoundStreamModel):
    average: float
    transitivity: float


class PathStats(SoundStreamModel):
    diameter: int | None = None
    average_shortest_path: float | None = None
    exact: bool
    sources: int
    nodes: int


class CommunitiesSummary(SoundStreamModel):
    count: int
    modularity: float | None = None
    sizes: list[int]
    seed: int
    resolution: float


class SimilarityContrast(SoundStreamModel):
    friends: float | None = None
    random: float | None = None
    ratio: float | None = None


class TasteHomophily(SoundStreamModel):
    friend_pairs: int
    random_pairs: int
    jaccard: SimilarityContrast
    cosine: SimilarityContrast
    seed: int


class RankCorrelation(SoundStreamModel):
    rho: float | None = None
    p_value: float | None = None
    n: int


class DiversityPoint(SoundStreamModel):
    user: int
    friends: int
    distinct_artists: int
    entropy: float


class FriendsDiversity(SoundStreamModel):
    n: int
    distinct_artists: RankCorrelation
    entropy: RankCorrelation
    points: list[DiversityPoint] | None = None


class SocialSummary(SoundStreamModel):
    """Every global measure of the friendship graph, computed once per data version."""

    nodes: int
    edges: int
    density: float
    degrees: DegreeStats
    components: Components
    clustering: ClusteringStats
    degree_assortativity: float | None = None
    max_core: int
    paths: PathStats
    top_pagerank: list[UserScore]
    top_betweenness: list[UserScore]
    betweenness_exact: bool
    betweenness_sources: int
    communities: CommunitiesSummary
    homophily: TasteHomophily
    friends_vs_diversity: FriendsDiversity
    seed: int


class CharacteristicItem(SoundStreamModel):
    """An artist or tag a community holds more than everybody does."""

    id: int
    name: str | None = None
    lift: float
    support: int
    share: float
    global_share: float


class Community(SoundStreamModel):
    """A Louvain community: ``id`` is its index by size, largest first."""

    id: int
    size: int
    members_sample: list[int]
    artists: list[CharacteristicItem] = Field(default_factory=list)
    tags: list[CharacteristicItem] = Field(default_factory=list)


class UserSocial(SoundStreamModel):
    """Where one user sits in the friendship graph."""

    id: int
    degree: int
    clustering: float
    pagerank: float
    pagerank_rank: int
    pagerank_percentile: float
    community: int
    community_size: int
    core_number: int


class EgoNode(SoundStreamModel):
    """A user to draw; ``degree`` counts friends in the whole graph."""

    id: int
    degree: int
    distance: int
    pagerank: float
    community: int
    top_artists: list[str] = Field(default_factory=list)


class EgoNetwork(SoundStreamModel):
    """A user's ego network: ``nodes`` (ego first) and ``edges`` as ``(user, user)`` pairs,
    ready for pyvis's ``add_nodes``/``add_edges`` or ``networkx.Graph(edges)``."""

    ego: int
    radius: int
    nodes: list[EgoNode]
    edges: list[tuple[int, int]]
    total_nodes: int
    truncated: bool


class RecommendationContributor(SoundStreamModel):
    """A friend (``distance`` 1) or friend of a friend (2) who plays the artist."""

    user: int
    distance: int
    similarity: float
    contribution: float


class FriendRecommendation(SoundStreamModel):
    id: int
    name: str | None = None
    score: float
    contributors: list[RecommendationContributor] = Field(default_factory=list)
    contributors_total: int


class FriendRecommendations(ItemsModel):
    """Artists the user's friends play and the user does not, best first."""

    user: int
    items: list[FriendRecommendation]
