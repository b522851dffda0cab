"""Reading the first rows of a tally (`artist_tag_counts`) per parent without reading the
rest: the shared piece of an artist's top tags and a tag's top artists, for GraphQL's
batched loaders and REST's pages alike."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import BindParameter, Subquery, and_, func, select
from sqlalchemy.orm import InstrumentedAttribute, aliased

from server.db.models import ArtistTagCount


def tally_floors(
    parent_id: InstrumentedAttribute[int],
    tally_parent: InstrumentedAttribute[int],
    parent_ids: Collection[int] | BindParameter[Any],
    *,
    rank: int | BindParameter[int],
) -> Subquery:
    """Per existing parent: the ``rank``-th largest ``assignments`` among its
    `ArtistTagCount` rows (0 when it has fewer), as ``(parent, floor)``.

    For a statement built once and executed with parameters, ``parent_ids`` is an expanding
    parameter and ``rank`` a parameter.

    Why: keeping the first ``rank`` tallies of each parent in an order that breaks ties by
    name needs every row tied at the edge, but none of the thousands below it a popular
    artist or tag carries at scale. With an index on (parent, assignments) the floor is one
    backward index probe and the rows at or above it one index range: the work depends on
    the page, not on the parent's popularity.
    """
    probe = aliased(ArtistTagCount, name="probe")
    probe_parent: InstrumentedAttribute[int] = getattr(probe, tally_parent.key)
    floor = (
        select(probe.assignments)
        .where(probe_parent == parent_id)
        .order_by(probe.assignments.desc())
        .limit(1)
        .offset(rank - 1)
        .scalar_subquery()
    )
    return (
        select(parent_id.label("parent"), func.coalesce(floor, 0).label("floor"))
        .where(parent_id.in_(parent_ids))
        .subquery("floors")
    )


def at_or_above_floor(floors: Subquery, tally_parent: InstrumentedAttribute[int]) -> Any:
    return and_(tally_parent == floors.c.parent, ArtistTagCount.assignments >= floors.c.floor)
