"""The social graph's results, generated from the REST schemas with Strawberry's Pydantic
integration (one definition of every field and its description)."""

from __future__ import annotations

import strawberry
from strawberry.experimental.pydantic import type as pydantic_type

from server.schemas import social as schemas


@pydantic_type(model=schemas.UserScore, all_fields=True, name="UserScore")
class UserScore:
    pass


@pydantic_type(model=schemas.DegreeCount, all_fields=True, name="DegreeCount")
class DegreeCount:
    pass


@pydantic_type(model=schemas.DegreeStats, all_fields=True, name="DegreeStats")
class DegreeStats:
    pass


@pydantic_type(model=schemas.ComponentsPublic, all_fields=True, name="Components")
class Components:
    pass


@pydantic_type(model=schemas.ClusteringStats, all_fields=True, name="ClusteringStats")
class ClusteringStats:
    pass


@pydantic_type(model=schemas.PathStatsPublic, all_fields=True, name="PathStats")
class PathStats:
    pass


@pydantic_type(model=schemas.CommunitiesSummary, all_fields=True, name="CommunitiesSummary")
class CommunitiesSummary:
    pass


@pydantic_type(model=schemas.SimilarityContrastPublic, all_fields=True, name="SimilarityContrast")
class SimilarityContrast:
    pass


@pydantic_type(model=schemas.TasteHomophilyPublic, all_fields=True, name="TasteHomophily")
class TasteHomophily:
    pass


@pydantic_type(model=schemas.RankCorrelationPublic, all_fields=True, name="RankCorrelation")
class RankCorrelation:
    pass


@pydantic_type(model=schemas.DiversityPoint, all_fields=True, name="DiversityPoint")
class DiversityPoint:
    pass


@pydantic_type(model=schemas.FriendsDiversityPublic, all_fields=True, name="FriendsDiversity")
class FriendsDiversity:
    pass


@pydantic_type(model=schemas.SocialSummaryPublic, all_fields=True, name="SocialSummary")
class SocialSummary:
    pass


@pydantic_type(model=schemas.CharacteristicItem, all_fields=True, name="CharacteristicItem")
class CharacteristicItem:
    pass


@pydantic_type(model=schemas.CommunityPublic, all_fields=True, name="Community")
class Community:
    pass


@pydantic_type(model=schemas.UserSocialPublic, all_fields=True, name="SocialMetrics")
class SocialMetrics:
    pass


@pydantic_type(model=schemas.EgoNode, all_fields=True, name="EgoNode")
class EgoNode:
    pass


@strawberry.type(description="A friendship inside an ego network.")
class EgoEdge:
    source: int
    target: int


@strawberry.type(description="A user's friends (and theirs, radius 2), ready to draw.")
class EgoNetwork:
    ego: int
    radius: int
    nodes: list[EgoNode]
    edges: list[EgoEdge]
    total_nodes: int = strawberry.field(description="Users within the radius before the cap.")
    truncated: bool


@pydantic_type(
    model=schemas.RecommendationContributor, all_fields=True, name="RecommendationContributor"
)
class RecommendationContributor:
    pass


@pydantic_type(model=schemas.FriendRecommendation, all_fields=True, name="FriendRecommendation")
class FriendRecommendation:
    pass


def ego_from_model(model: schemas.EgoNetworkPublic) -> EgoNetwork:
    return EgoNetwork(
        ego=model.ego,
        radius=model.radius,
        nodes=[EgoNode.from_pydantic(node) for node in model.nodes],
        edges=[EgoEdge(source=u, target=v) for u, v in model.edges],
        total_nodes=model.total_nodes,
        truncated=model.truncated,
    )
