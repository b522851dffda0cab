"""Communities of friends (Louvain) and what their members listen to more than everyone else.

Why lift with every member weighing the same: plays are extremely concentrated (one listen weight
reaches 352,698), so a community's *play* share of an artist is often one fan's obsession. Here
each member's artists (and tags) form a profile summing to 1, the community's share of an item is
the mean of its members' profiles, and lift is that share over the same mean across everyone
partitioned. Lift rewards rare items, so an item must also be held by a minimum number of
members (``min_support``, and ``min_support_fraction`` of the community) to be listed: one
member's niche artist is not the community's taste.
"""

# `G` for a graph is NetworkX's own convention (and STYLE.md's); pep8-naming flags it.

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

import networkx as nx

from graph.taste import Listens, as_profiles

__all__ = [
    "CharacteristicItem",
    "CommunityProfile",
    "Partition",
    "TagRow",
    "community_profiles",
    "louvain_partition",
]

TagRow = tuple[int, int, float]
"""``(user_id, tag_id, count)``: how many times a user applied a tag."""


@dataclass(frozen=True)
class Partition:
    """Communities (sorted members, largest community first) and the partition's modularity.

    ``modularity`` is ``None`` for a graph without edges, where it is undefined.
    """

    communities: list[list[int]]
    modularity: float | None
    seed: int
    resolution: float

    def membership(self) -> dict[int, int]:
        """``{user_id: community index}``, e.g. to colour an ego network."""
        return {user: i for i, members in enumerate(self.communities) for user in members}


@dataclass(frozen=True)
class CharacteristicItem:
    """An artist or tag over-represented in a community.

    ``share`` and ``global_share`` are the mean member profile weight of the item in the
    community and in the whole population; ``lift = share / global_share``; ``support`` is the
    number of members who have the item. ``name`` is ``None`` unless names were passed in.
    """

    id: int
    name: str | None
    lift: float
    support: int
    share: float
    global_share: float


@dataclass(frozen=True)
class CommunityProfile:
    """One community: its members and its most characteristic artists and tags."""

    community: int
    size: int
    members: list[int]
    artists: list[CharacteristicItem]
    tags: list[CharacteristicItem]


def louvain_partition(G: nx.Graph, *, seed: int = 0, resolution: float = 1.0) -> Partition:
    """Louvain communities of the friendship graph, deterministic for a given seed.

    Communities are sorted by size (descending), then by smallest member id, so their indices
    are stable. Isolated users form communities of one.

    Parameters
    ----------
    G : networkx.Graph
        Undirected friendship graph.
    seed : int
        Seed of Louvain's node order.
    resolution : float
        Above 1 favours smaller communities, below 1 larger ones; the modularity reported is
        at the same resolution.

    Examples
    --------
    >>> G = nx.barbell_graph(4, 0)  # two 4-cliques joined by the edge 3-4
    >>> p = louvain_partition(G, seed=0)
    >>> p.communities, round(p.modularity, 3)
    ([[0, 1, 2, 3], [4, 5, 6, 7]], 0.423)
    """
    if G.is_directed():
        raise nx.NetworkXNotImplemented("louvain_partition expects an undirected graph")
    found = nx.community.louvain_communities(G, seed=seed, resolution=resolution)
    communities = sorted((sorted(c) for c in found), key=lambda c: (-len(c), c[0]))
    modularity = (
        float(nx.community.modularity(G, communities, resolution=resolution))
        if G.number_of_edges()
        else None
    )
    return Partition(communities, modularity, seed=seed, resolution=resolution)


def community_profiles(
    communities: Sequence[Collection[int]],
    listens: Listens,
    *,
    tag_rows: Iterable[TagRow] | None = None,
    artist_names: Mapping[int, str] | None = None,
    tag_names: Mapping[int, str] | None = None,
    top: int = 10,
    min_support: int = 3,
    min_support_fraction: float = 0.05,
) -> list[CommunityProfile]:
    """Size, members, and the artists and tags with the highest lift, for each community.

    Parameters
    ----------
    communities : sequence of collections of int
        User ids per community, e.g. ``louvain_partition(G).communities``. Together they are
        the population that global shares are measured over.
    listens : rows or profiles
        ``(user_id, artist_id, plays)`` rows, or :func:`graph.taste.taste_profiles`. A member's
        artist profile gives each of their artists the same weight (plays are not used: see the
        module docstring).
    tag_rows : iterable of (int, int, float), optional
        ``(user_id, tag_id, count)``: how often each user applied each tag (aggregate
        ``user_taggedartists.dat`` by user and tag). Without them, ``tags`` is empty. Why the
        members' own tags and not their artists' tags: every user of this dataset has tagged,
        and artist-derived tags, tried on the real data, surfaced one-artist oddities
        ("icarly", "autechre") where members' own tags gave genres.
    artist_names, tag_names : mapping of int to str, optional
        Names to put beside the ids.
    top : int
        Number of artists and of tags per community.
    min_support : int
        An item must be held by at least this many members...
    min_support_fraction : float
        ...and by at least this fraction of the community (the larger bound applies).

    Returns
    -------
    list of CommunityProfile
        In the order of ``communities``; ``community`` is the index in it.

    Examples
    --------
    >>> listens = [(1, 10, 5), (2, 10, 9), (3, 11, 4), (4, 11, 8), (1, 12, 1), (3, 12, 1)]
    >>> rock, pop = community_profiles([[1, 2], [3, 4]], listens, min_support=2,
    ...                                artist_names={10: "Rock band", 11: "Pop star"})
    >>> rock.artists[0].name, rock.artists[0].lift, rock.artists[0].support
    ('Rock band', 2.0, 2)
    >>> [a.id for a in pop.artists]  # artist 12 has one listener per community: below support
    [11]
    """
    if top < 0 or min_support < 1 or not 0 <= min_support_fraction <= 1:
        raise ValueError("need top >= 0, min_support >= 1 and 0 <= min_support_fraction <= 1")
    population = {user for members in communities for user in members}
    profiles = as_profiles(listens)
    artist_profiles = {
        user: dict.fromkeys(profiles[user], 1.0 / len(profiles[user]))
        for user in population
        if profiles.get(user)
    }
    tag_profiles = _tag_profiles(tag_rows, population) if tag_rows is not None else {}
    artist_global, _ = _mean_profile(artist_profiles, population)
    tag_global, _ = _mean_profile(tag_profiles, population)
    result = []
    for index, members in enumerate(communities):
        needed = max(min_support, math.ceil(min_support_fraction * len(members)))
        result.append(
            CommunityProfile(
                community=index,
                size=len(members),
                members=sorted(members),
                artists=_characteristic(
                    artist_profiles, members, artist_global, needed, top, artist_names
                ),
                tags=_characteristic(tag_profiles, members, tag_global, needed, top, tag_names),
            )
        )
    return result


def _normalised(counts: Mapping[int, float]) -> dict[int, float]:
    total = sum(counts.values())
    return {item: value / total for item, value in counts.items()} if total > 0 else {}


def _tag_profiles(tag_rows: Iterable[TagRow], population: set[int]) -> dict[int, dict[int, float]]:
    """Each user's tag profile: their tag counts, normalised to sum to 1."""
    counts: dict[int, dict[int, float]] = {}
    for user, tag, count in tag_rows:
        if count < 0:
            raise ValueError(f"negative count {count} for user {user}, tag {tag}")
        if count and user in population:
            bag = counts.setdefault(user, {})
            bag[tag] = bag.get(tag, 0) + count
    return {user: _normalised(bag) for user, bag in counts.items()}


def _mean_profile(
    profiles: Mapping[int, Mapping[int, float]], members: Iterable[int]
) -> tuple[dict[int, float], dict[int, int]]:
    """Mean profile over the members that have one, and how many members hold each item."""
    total: dict[int, float] = {}
    support: dict[int, int] = {}
    counted = 0
    for user in members:
        profile = profiles.get(user)
        if not profile:
            continue
        counted += 1
        for item, weight in profile.items():
            total[item] = total.get(item, 0.0) + weight
            support[item] = support.get(item, 0) + 1
    return {item: value / counted for item, value in total.items()}, support


def _characteristic(
    profiles: Mapping[int, Mapping[int, float]],
    members: Collection[int],
    global_shares: Mapping[int, float],
    needed: int,
    top: int,
    names: Mapping[int, str] | None,
) -> list[CharacteristicItem]:
    shares, support = _mean_profile(profiles, members)
    candidates = [
        CharacteristicItem(
            id=item,
            name=names.get(item) if names is not None else None,
            lift=share / global_shares[item],
            support=support[item],
            share=share,
            global_share=global_shares[item],
        )
        for item, share in shares.items()
        if support[item] >= needed
    ]
    candidates.sort(key=lambda c: (-c.lift, -c.support, c.id))
    return candidates[:top]
