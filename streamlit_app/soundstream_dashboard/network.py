"""The ego network as a self-contained pyvis (vis.js) page, for `st.components.v1.html`.

The dashboard may run where the internet is not reachable, so vis.js is inlined
(``cdn_resources="in_line"``) and the Bootstrap links pyvis's template always adds are
stripped: the page loads nothing from anywhere.
"""

from __future__ import annotations

import json
import math
import re
from typing import Literal

from pyvis.network import Network
from soundstream_sdk.types import EgoNetwork, EgoNode

SizeBy = Literal["degree", "pagerank"]

# Colour-blind-friendly categorical palette (Okabe–Ito, then Tableau); communities beyond
# it reuse colours, which the legend and the hover text disambiguate.
PALETTE = (
    "#E69F00",
    "#56B4E9",
    "#009E73",
    "#F0E442",
    "#0072B2",
    "#D55E00",
    "#CC79A7",
    "#4E79A7",
    "#59A14F",
    "#B07AA1",
    "#FF9DA7",
    "#9C755F",
)
MIN_SIZE = 8.0
MAX_SIZE = 40.0
HEIGHT_PX = 560

_CDN_TAG = re.compile(
    r"<link[^>]*cdn\.jsdelivr\.net[^>]*/>|<script[^>]*cdn\.jsdelivr\.net[^>]*>\s*</script>",
    re.DOTALL,
)
_EMPTY_HEADING = re.compile(r"<center>\s*<h1>\s*</h1>\s*</center>")
_NODES_JSON = re.compile(r"nodes = new vis\.DataSet\((\[.*?\])\);", re.DOTALL)


def community_color(community: int) -> str:
    """The colour of a community (its index, largest community first)."""
    return PALETTE[community % len(PALETTE)]


def node_sizes(nodes: list[EgoNode], size_by: SizeBy) -> dict[int, float]:
    """Node radius from degree or PageRank, square-root scaled between `MIN_SIZE` and
    `MAX_SIZE` so the area grows with the measure and one hub does not dwarf the rest.

    Example:
        >>> from soundstream_sdk.types import EgoNode
        >>> nodes = [EgoNode(id=1, degree=1, distance=0, pagerank=0.1, community=0),
        ...          EgoNode(id=2, degree=4, distance=1, pagerank=0.2, community=0)]
        >>> node_sizes(nodes, "degree")
        {1: 8.0, 2: 40.0}
    """
    values = {node.id: float(getattr(node, size_by)) for node in nodes}
    roots = {key: math.sqrt(max(value, 0.0)) for key, value in values.items()}
    low, high = min(roots.values(), default=0.0), max(roots.values(), default=0.0)
    if high == low:
        return dict.fromkeys(roots, (MIN_SIZE + MAX_SIZE) / 2)
    return {
        key: round(MIN_SIZE + (MAX_SIZE - MIN_SIZE) * (root - low) / (high - low), 2)
        for key, root in roots.items()
    }


def node_title(node: EgoNode, ego: int) -> str:
    """The hover text of a node: who, how connected, which community, top artists."""
    who = f"User {node.id}" + (" (ego)" if node.id == ego else f", {node.distance} hop(s) away")
    lines = [
        who,
        f"{node.degree:,} friends · PageRank {node.pagerank:.5f}",
        f"community {node.community}",
    ]
    if node.top_artists:
        lines.append("Top artists: " + ", ".join(node.top_artists[:5]))
    return "\n".join(lines)


def ego_network_html(ego: EgoNetwork, *, size_by: SizeBy = "degree") -> str:
    """The ego network as one HTML page: nodes sized by ``size_by``, coloured by community,
    the ego drawn as a star, hover text with each user's top artists.

    Example:
        >>> html = ego_network_html(client.social.ego(2))  # doctest: +SKIP
        >>> len(nodes_in_html(html))  # doctest: +SKIP
        4
    """
    net = Network(
        height=f"{HEIGHT_PX}px",
        width="100%",
        bgcolor="#ffffff",
        font_color="#202124",
        cdn_resources="in_line",
    )
    sizes = node_sizes(ego.nodes, size_by)
    for node in ego.nodes:
        is_ego = node.id == ego.ego
        net.add_node(
            node.id,
            label=f"{node.id} (ego)" if is_ego else str(node.id),
            title=node_title(node, ego.ego),
            color={
                "background": community_color(node.community),
                "border": "#202124" if is_ego else community_color(node.community),
            },
            borderWidth=2 if is_ego else 1,
            # The ego is drawn large whatever its measure: it is what the picture is about.
            size=MAX_SIZE * 1.2 if is_ego else sizes[node.id],
            shape="star" if is_ego else "dot",
        )
    for source, target in ego.edges:
        net.add_edge(source, target, color="#c0c4c9", width=1)
    net.set_options(
        json.dumps(
            {
                "physics": {
                    "solver": "forceAtlas2Based",
                    "forceAtlas2Based": {"gravitationalConstant": -60, "springLength": 90},
                    "stabilization": {"iterations": 200, "fit": True},
                },
                "interaction": {"hover": True, "tooltipDelay": 120},
                "nodes": {"font": {"size": 12}},
            }
        )
    )
    page = net.generate_html()
    page = _CDN_TAG.sub("", page)
    return _EMPTY_HEADING.sub("", page)


def nodes_in_html(page: str) -> list[dict[str, object]]:
    """The vis.js nodes embedded in a page made by `ego_network_html` (for checks)."""
    found = _NODES_JSON.search(page)
    return list(json.loads(found.group(1))) if found else []
