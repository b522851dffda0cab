"""Pure NetworkX functions over the friendship and listening graphs (no database, no web).

Inputs are plain rows (tuples as read from the ``.dat`` files or the database) or NetworkX
graphs; outputs are dataclasses, dicts and lists that a service layer serialises. Nothing here
reads files, talks to a database or keeps state between calls (a test enforces it), so results
can be cached by the caller per data version.

Modules: :mod:`~graph.build` (rows to graphs), :mod:`~graph.taste` (play profiles and
similarity), :mod:`~graph.metrics`, :mod:`~graph.communities`, :mod:`~graph.homophily`,
:mod:`~graph.diversity`, :mod:`~graph.ego`, :mod:`~graph.recommend`.
"""

from graph.build import ARTIST, USER, FriendRow, friendship_graph, listening_graph
from graph.communities import (
    CharacteristicItem,
    CommunityProfile,
    Partition,
    TagRow,
    community_profiles,
    louvain_partition,
)
from graph.diversity import (
    DiversityPoint,
    FriendsDiversity,
    ListeningDiversity,
    RankCorrelation,
    friends_vs_diversity,
    listening_diversity,
)
from graph.ego import EgoNetwork, EgoNode, ego_network
from graph.errors import UnknownUserError
from graph.homophily import SimilarityContrast, TasteHomophily, taste_homophily
from graph.metrics import (
    ComponentStats,
    GraphSummary,
    PathStats,
    RankedNode,
    average_clustering,
    betweenness,
    clustering,
    component_stats,
    core_numbers,
    degree_assortativity,
    degree_distribution,
    degrees,
    pagerank,
    path_stats,
    summary,
    top_nodes,
)
from graph.recommend import ArtistRecommendation, Contribution, recommend_artists
from graph.taste import (
    ListenRow,
    Listens,
    Profiles,
    cosine_similarity,
    jaccard_similarity,
    taste_profiles,
)

__all__ = [
    "ARTIST",
    "USER",
    "ArtistRecommendation",
    "CharacteristicItem",
    "CommunityProfile",
    "ComponentStats",
    "Contribution",
    "DiversityPoint",
    "EgoNetwork",
    "EgoNode",
    "FriendRow",
    "FriendsDiversity",
    "GraphSummary",
    "ListenRow",
    "ListeningDiversity",
    "Listens",
    "Partition",
    "PathStats",
    "Profiles",
    "RankCorrelation",
    "RankedNode",
    "SimilarityContrast",
    "TagRow",
    "TasteHomophily",
    "UnknownUserError",
    "average_clustering",
    "betweenness",
    "clustering",
    "community_profiles",
    "component_stats",
    "core_numbers",
    "cosine_similarity",
    "degree_assortativity",
    "degree_distribution",
    "degrees",
    "ego_network",
    "friends_vs_diversity",
    "friendship_graph",
    "jaccard_similarity",
    "listening_diversity",
    "listening_graph",
    "louvain_partition",
    "pagerank",
    "path_stats",
    "recommend_artists",
    "summary",
    "taste_homophily",
    "taste_profiles",
    "top_nodes",
]
