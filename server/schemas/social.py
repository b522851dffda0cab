"""The social network as the API shows it: global metrics, communities, one user's place in the
graph, their ego network and the artists their friends would recommend.

Units: a user's *degree* is their number of friends; *PageRank* scores sum to 1 over all users;
*clustering* is the share of a user's friend pairs who are friends too; *lift* is a community's
share of an item over everybody's share (see `graph.communities`); *entropy* is in nats.
Ids are Last.fm's.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from server.schemas.pagination import Page

# --- /social/summary -------------------------------------------------------------------------


class UserScore(BaseModel):
    """A user and their score in a "top users by ..." list."""

    user: int
    score: float


class DegreeCount(BaseModel):
    degree: int = Field(description="A number of friends.")
    users: int = Field(description="How many users have exactly that many friends.")


class DegreeStats(BaseModel):
    """Friends per user. Heavy-tailed: read the median beside the mean."""

    mean: float
    median: float
    max: int
    isolated: int = Field(description="Users without any friend.")
    distribution: list[DegreeCount] = Field(description="Ascending degree; for a log-log plot.")


class ComponentsPublic(BaseModel):
    count: int = Field(description="Connected components (an isolated user is one).")
    giant_size: int = Field(description="Users in the largest component.")
    sizes: list[int] = Field(description="Every component's size, largest first.")


class ClusteringStats(BaseModel):
    average: float = Field(description="Mean local clustering (users with < 2 friends count 0).")
    transitivity: float = Field(description="Closed triads over all triads, graph-wide.")


class PathStatsPublic(BaseModel):
    """Hop distances inside the giant component (distances between components are undefined).

    With ``exact`` false, ``sources`` users were sampled: the average is an estimate and the
    diameter a lower bound. Both are null for an empty graph.
    """

    diameter: int | None
    average_shortest_path: float | None
    exact: bool
    sources: int = Field(description="BFS sources used.")
    nodes: int = Field(description="Users in the giant component.")


class CommunitiesSummary(BaseModel):
    """Louvain communities (seeded, so stable for a given data version)."""

    count: int
    modularity: float | None = Field(description="Null for a graph without friendships.")
    sizes: list[int] = Field(description="Largest first; the index is the community id.")
    seed: int
    resolution: float


class SimilarityContrastPublic(BaseModel):
    friends: float | None = Field(description="Mean similarity of friend pairs.")
    random: float | None = Field(description="Mean similarity of random non-friend pairs.")
    ratio: float | None = Field(description="friends / random; > 1: friends are more alike.")


class TasteHomophilyPublic(BaseModel):
    """Do friends listen alike? Jaccard of artist sets and cosine of log1p play vectors."""

    friend_pairs: int
    random_pairs: int
    jaccard: SimilarityContrastPublic
    cosine: SimilarityContrastPublic
    seed: int


class RankCorrelationPublic(BaseModel):
    """Spearman's rho; rho and p are null when undefined (n < 3 or a constant variable)."""

    rho: float | None
    p_value: float | None
    n: int


class DiversityPoint(BaseModel):
    """One user of the friends-versus-diversity scatter plot."""

    user: int
    friends: int
    distinct_artists: int
    entropy: float = Field(description="Shannon entropy of the user's play shares, in nats.")


class FriendsDiversityPublic(BaseModel):
    """Do users with more friends listen more broadly? Users with plays only."""

    n: int
    distinct_artists: RankCorrelationPublic = Field(
        description="Friends vs distinct artists (nearly constant: the data keeps a top 50)."
    )
    entropy: RankCorrelationPublic = Field(description="Friends vs entropy of plays.")
    points: list[DiversityPoint] | None = Field(
        default=None, description="Every user's point; only with `include_points=true`."
    )


class SocialSummaryPublic(BaseModel):
    """Every global measure of the friendship graph, computed once per data version."""

    nodes: int = Field(description="Users (with or without friends).")
    edges: int = Field(description="Friendships (each stored twice, counted once).")
    density: float
    degrees: DegreeStats
    components: ComponentsPublic
    clustering: ClusteringStats
    degree_assortativity: float | None = Field(
        description="Correlation of the degrees at both ends of a friendship; null if undefined."
    )
    max_core: int = Field(description="The largest k with a non-empty k-core.")
    paths: PathStatsPublic
    top_pagerank: list[UserScore]
    top_betweenness: list[UserScore]
    betweenness_exact: bool
    betweenness_sources: int
    communities: CommunitiesSummary
    homophily: TasteHomophilyPublic
    friends_vs_diversity: FriendsDiversityPublic
    seed: int = Field(description="Seed of every sampled or randomised measure.")


# --- /social/communities ---------------------------------------------------------------------


class CharacteristicItem(BaseModel):
    """An artist or tag the community holds more than everybody does (``lift > 1`` usually).

    Each member weighs the same (their items share 1), so one fan's plays do not make a
    community's taste.
    """

    id: int
    name: str | None = Field(description="Null only if the artist or tag has no row.")
    lift: float = Field(description="share / global_share.")
    support: int = Field(description="Members who have the item.")
    share: float = Field(description="Mean member weight of the item in the community.")
    global_share: float = Field(description="The same mean over every user.")


class CommunityPublic(BaseModel):
    id: int = Field(description="Index by size, largest first (ties: smallest member id).")
    size: int
    members_sample: list[int] = Field(
        description="Up to 20 members, the most central (PageRank) first."
    )
    artists: list[CharacteristicItem] = Field(description="Highest lift first (listens).")
    tags: list[CharacteristicItem] = Field(
        description="Highest lift first (the tags members applied themselves)."
    )


CommunitiesPage = Page[CommunityPublic]


# --- /users/{id}/social, /ego, /friend-recommendations ---------------------------------------


class UserSocialPublic(BaseModel):
    """Where one user sits in the friendship graph."""

    id: int
    degree: int = Field(description="Number of friends.")
    clustering: float = Field(description="Share of the user's friend pairs who are friends.")
    pagerank: float
    pagerank_rank: int = Field(description="1 = highest; equal scores share a rank.")
    pagerank_percentile: float = Field(
        description="Percentage of the other users with a lower PageRank (0–100)."
    )
    community: int = Field(description="Community id (see /social/communities).")
    community_size: int
    core_number: int = Field(description="Largest k such that the user is in the k-core.")


class EgoNode(BaseModel):
    """A user to draw; ``degree`` is counted in the whole graph, not in the drawing."""

    id: int
    degree: int
    distance: int = Field(description="Hops from the ego (0 for the ego itself).")
    pagerank: float
    community: int
    top_artists: list[str] = Field(description="Names of the user's ≤3 most played artists.")


class EgoNetworkPublic(BaseModel):
    """Nodes (ego first, then by distance, degree descending, id) and the friendships among
    them. ``edges`` are ``[user, user]`` pairs, ready for pyvis's ``add_edges``."""

    ego: int
    radius: int
    nodes: list[EgoNode]
    edges: list[tuple[int, int]]
    total_nodes: int = Field(description="Users within the radius before the max_nodes cap.")
    truncated: bool = Field(description="True when the cap left some of them out.")


class RecommendationContributor(BaseModel):
    """A friend (distance 1) or friend of a friend (2) who listens to the artist."""

    user: int
    distance: int
    similarity: float = Field(description="Their taste similarity to the user (log1p cosine).")
    contribution: float = Field(description="Their term of the score (after discounting).")


class FriendRecommendation(BaseModel):
    id: int = Field(description="Artist id.")
    name: str | None
    score: float
    contributors: list[RecommendationContributor] = Field(
        description="The top 5 contributors, largest contribution first."
    )
    contributors_total: int


class FriendRecommendationsPublic(BaseModel):
    """Artists the user's friends play and the user does not, best first."""

    user: int
    items: list[FriendRecommendation]
