"""Summary statistics of a dataset directory, and the real-vs-synthetic comparison.

The statistics are the shape the generator promises to keep (see `server.synth.generate`):
sizes per user, the concentration of listens and plays, the weight distribution, tag
popularity and years, the friendship graph's degrees, clustering and components. They are
computed with numpy/scipy straight from the ``.dat`` files, so they run on a 100× dataset
(clustering is averaged over a seeded sample of nodes there).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from server.synth.datfiles import read_int_table
from server.synth.shape import ARTISTS, TAGS, USER_ARTISTS, USER_FRIENDS, USER_TAGGED

CLUSTERING_SAMPLE = 3000
SAMPLE_SEED = 0


def _count_rows(path: Path) -> int:
    with path.open("rb") as handle:
        lines = sum(block.count(b"\n") for block in iter(lambda: handle.read(1 << 22), b""))
    return lines - 1


def _top_share(values: npt.NDArray[np.float64] | npt.NDArray[np.int64], fraction: float) -> float:
    ordered = np.sort(values)[::-1]
    top = max(1, int(ordered.size * fraction))
    return float(ordered[:top].sum() / max(ordered.sum(), 1))


def _mean_clustering(adjacency: sp.csr_matrix, nodes: npt.NDArray[np.int64]) -> float:
    """Mean local clustering coefficient over ``nodes`` (0 for degree < 2, as NetworkX)."""
    values = []
    for node in nodes.tolist():
        friends = adjacency.indices[adjacency.indptr[node] : adjacency.indptr[node + 1]]
        k = friends.size
        if k < 2:
            values.append(0.0)
            continue
        links = adjacency[friends][:, friends].nnz / 2
        values.append(2 * links / (k * (k - 1)))
    return float(np.mean(values)) if values else 0.0


def summarise(data_dir: Path) -> dict[str, float]:
    """The comparison statistics of the dataset in ``data_dir``."""
    listens = read_int_table(data_dir / USER_ARTISTS, 3)
    tagged = read_int_table(data_dir / USER_TAGGED, 6)
    friends = read_int_table(data_dir / USER_FRIENDS, 2)
    users = np.unique(np.concatenate([listens[:, 0], tagged[:, 0], friends.ravel()]))
    stats: dict[str, float] = {
        "users": float(users.size),
        "artists": float(_count_rows(data_dir / ARTISTS)),
        "tags": float(_count_rows(data_dir / TAGS)),
        "listens": float(listens.shape[0]),
        "tag_assignments": float(tagged.shape[0]),
        "friendships": float(friends.shape[0] / 2),
    }
    _, per_user = np.unique(listens[:, 0], return_counts=True)
    artists, listeners = np.unique(listens[:, 1], return_counts=True)
    plays = np.bincount(np.searchsorted(artists, listens[:, 1]), weights=listens[:, 2])
    weights = listens[:, 2]
    stats |= {
        "listens_per_user": float(listens.shape[0] / max(1, users.size)),
        "users_with_50_artists_share": float((per_user == 50).mean()),
        "max_artists_per_user": float(per_user.max()),
        "weight_median": float(np.median(weights)),
        "weight_p90": float(np.percentile(weights, 90)),
        "weight_p99": float(np.percentile(weights, 99)),
        "listeners_per_artist_median": float(np.median(listeners)),
        "top1pct_artists_listens_share": _top_share(listeners, 0.01),
        "top1pct_artists_plays_share": _top_share(plays, 0.01),
        "top10pct_artists_plays_share": _top_share(plays, 0.10),
    }
    _, uses = np.unique(tagged[:, 2], return_counts=True)
    _, rows_per_user = np.unique(tagged[:, 0], return_counts=True)
    years = tagged[:, 5]
    stats |= {
        "tag_assignments_per_user": float(tagged.shape[0] / max(1, users.size)),
        "tag_rows_per_tagger_median": float(np.median(rows_per_user)),
        "tags_used_share": float(uses.size / max(1, stats["tags"])),
        "top1pct_tags_share": _top_share(uses, 0.01),
        "tag_year_2005_2011_share": float(((years >= 2005) & (years <= 2011)).mean()),
        "tag_year_median": float(np.median(years)),
        "tag_year_2010_share": float((years == 2010).mean()),
    }
    index = np.searchsorted(users, friends)
    adjacency = sp.csr_matrix(
        (np.ones(index.shape[0], dtype=np.int8), (index[:, 0], index[:, 1])),
        shape=(users.size, users.size),
    )
    degree = np.diff(adjacency.indptr)
    connected = np.flatnonzero(degree > 0)
    rng = np.random.default_rng(SAMPLE_SEED)
    sample = (
        connected
        if connected.size <= CLUSTERING_SAMPLE
        else rng.choice(connected, CLUSTERING_SAMPLE, replace=False)
    )
    sub = adjacency[connected][:, connected]
    n_components, labels = connected_components(sub, directed=False)
    giant = np.bincount(labels).max() if labels.size else 0
    stats |= {
        "degree_mean": float(degree[connected].mean()) if connected.size else 0.0,
        "degree_median": float(np.median(degree[connected])) if connected.size else 0.0,
        "degree_p99": float(np.percentile(degree[connected], 99)) if connected.size else 0.0,
        "clustering_mean": _mean_clustering(adjacency, sample),
        "giant_component_share": float(giant / max(1, connected.size)),
        "components": float(n_components),
    }
    return stats


@dataclass(frozen=True, slots=True)
class Tolerance:
    """How far a synthetic statistic may be from the real one at 1×: relative (share of the
    real value) or absolute (for shares and coefficients)."""

    relative: float | None = None
    absolute: float | None = None

    def holds(self, real: float, synthetic: float) -> bool:
        gap = abs(synthetic - real)
        if self.relative is not None and gap <= self.relative * abs(real):
            return True
        return self.absolute is not None and gap <= self.absolute

    def describe(self) -> str:
        if self.relative is not None:
            return f"±{self.relative:.0%}"
        return f"±{self.absolute:g}"


# Compared at 1×; sizes that grow by design with the scale (artists, tags, components) are
# reported but only bounded per user.
TOLERANCES: dict[str, Tolerance] = {
    "users": Tolerance(relative=0.01),
    "listens_per_user": Tolerance(relative=0.03),
    "users_with_50_artists_share": Tolerance(absolute=0.04),
    "max_artists_per_user": Tolerance(absolute=0),
    "weight_median": Tolerance(relative=0.08),
    "weight_p90": Tolerance(relative=0.10),
    "weight_p99": Tolerance(relative=0.20),
    "listeners_per_artist_median": Tolerance(absolute=1),
    "top1pct_artists_listens_share": Tolerance(absolute=0.05),
    "top1pct_artists_plays_share": Tolerance(absolute=0.07),
    "top10pct_artists_plays_share": Tolerance(absolute=0.05),
    "tag_assignments_per_user": Tolerance(relative=0.15),
    "tag_rows_per_tagger_median": Tolerance(relative=0.20),
    "tags_used_share": Tolerance(absolute=0.08),
    "top1pct_tags_share": Tolerance(absolute=0.07),
    "tag_year_2005_2011_share": Tolerance(absolute=0.001),
    "tag_year_median": Tolerance(absolute=0),
    "tag_year_2010_share": Tolerance(absolute=0.03),
    "degree_mean": Tolerance(relative=0.10),
    "degree_median": Tolerance(relative=0.25),
    "degree_p99": Tolerance(relative=0.20),
    "clustering_mean": Tolerance(absolute=0.04),
    "giant_component_share": Tolerance(absolute=0.03),
}


@dataclass(frozen=True, slots=True)
class Comparison:
    name: str
    real: float
    synthetic: float
    tolerance: str
    holds: bool | None  # None: reported, not bounded


def compare(real: dict[str, float], synthetic: dict[str, float]) -> list[Comparison]:
    """One row per statistic, with whether it lies within `TOLERANCES` (at 1×)."""
    rows = []
    for name, value in real.items():
        tolerance = TOLERANCES.get(name)
        rows.append(
            Comparison(
                name=name,
                real=value,
                synthetic=synthetic.get(name, float("nan")),
                tolerance=tolerance.describe() if tolerance else "-",
                holds=tolerance.holds(value, synthetic[name]) if tolerance else None,
            )
        )
    return rows
