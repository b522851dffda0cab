"""The arithmetic of the EDA notebook (``notebooks/eda.ipynb``), kept here so it is tested.

Concentration (Gini, Lorenz curve, top shares), a power-law fit of a heavy tail with a
lognormal comparison, Shannon entropy of plays, and taste clustering (TF-IDF, truncated SVD,
k-means, silhouette). Pure functions over numpy arrays and pandas frames: no I/O, no network.

Units: *plays* and *weights* are Last.fm play counts (listen weights, 1 to 352,698 on the full
data); entropies are in nats; shares are fractions in [0, 1].
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy import optimize, special, stats

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

# --------------------------------------------------------------------------- concentration


def _non_negative(values: ArrayLike) -> FloatArray:
    array = np.asarray(values, dtype=np.float64).ravel()
    if np.any(array < 0) or not np.all(np.isfinite(array)):
        raise ValueError("values must be finite and non-negative")
    return array


def gini(values: ArrayLike) -> float:
    """Gini coefficient of non-negative values; 0.0 for no values or an all-zero total.

    ``G = 2·Σ i·x_(i) / (n·Σ x) − (n + 1)/n`` over the values sorted ascending, i = 1..n: 0 is
    perfect equality, one value holding everything gives ``(n − 1)/n``. The same definition
    as the API's ``artist_concentration.gini``.

    >>> gini([1, 1, 1, 1])
    0.0
    >>> gini([0, 0, 0, 4])
    0.75
    """
    x = np.sort(_non_negative(values))
    n = x.size
    total = x.sum()
    if n == 0 or total == 0:
        return 0.0
    ranks = np.arange(1, n + 1, dtype=np.float64)
    return float(2.0 * np.dot(ranks, x) / (n * total) - (n + 1) / n)


def lorenz_curve(values: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """The Lorenz curve: ``(population_share, value_share)``, both from 0 to 1.

    Point i (i = 0..n) is the share of the total held by the i smallest values.

    >>> lorenz_curve([1, 3])
    (array([0. , 0.5, 1. ]), array([0.  , 0.25, 1.  ]))
    """
    x = np.sort(_non_negative(values))
    n = x.size
    population = np.linspace(0.0, 1.0, n + 1)
    total = x.sum()
    if n == 0 or total == 0:
        return population, population.copy()
    return population, np.concatenate(([0.0], np.cumsum(x) / total))


def top_share(values: ArrayLike, fraction: float) -> float:
    """Share of the total held by the largest ``ceil(fraction · n)`` values (at least one).

    The API's ``top_1pct_share`` / ``top_10pct_share`` use the same rule.

    >>> top_share([1, 1, 1, 7], 0.25)
    0.7
    """
    if not 0 < fraction <= 1:
        raise ValueError("fraction must be in (0, 1]")
    x = np.sort(_non_negative(values))
    n = x.size
    total = x.sum()
    if n == 0 or total == 0:
        return 0.0
    k = max(1, math.ceil(n * fraction - 1e-9))
    return float(x[n - k :].sum() / total)


def ccdf(values: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Empirical complementary CDF: the distinct values and ``P(X ≥ value)`` for each.

    >>> ccdf([1, 1, 2, 4])
    (array([1., 2., 4.]), array([1.  , 0.5 , 0.25]))
    """
    x = np.sort(np.asarray(values, dtype=np.float64).ravel())
    distinct, first = np.unique(x, return_index=True)
    return distinct, 1.0 - first / x.size


# --------------------------------------------------------------------------- power law


@dataclass(frozen=True)
class PowerLawFit:
    """A continuous power law ``p(x) = (α − 1)/x_min · (x/x_min)^−α`` fitted to ``x ≥ x_min``.

    ``ks`` is the Kolmogorov-Smirnov distance between the tail and the fit (the x_min chosen
    minimises it); ``n_tail`` of the ``n`` values are in the tail.
    """

    alpha: float
    xmin: float
    ks: float
    n_tail: int
    n: int

    @property
    def alpha_stderr(self) -> float:
        """Asymptotic standard error of α: ``(α − 1)/√n_tail`` (CSN 2009, eq. 3.2)."""
        return (self.alpha - 1.0) / math.sqrt(self.n_tail)

    @property
    def tail_fraction(self) -> float:
        return self.n_tail / self.n


def power_law_alpha(tail: ArrayLike, xmin: float) -> float:
    """Maximum-likelihood α of a continuous power law over ``tail`` (every value ≥ xmin > 0).

    ``α = 1 + n / Σ ln(x_i / x_min)`` (Clauset, Shalizi & Newman 2009, eq. 3.1).

    >>> round(power_law_alpha([1, 2, 4], 1), 4)  # 1 + 3 / (3 ln 2)
    2.4427
    """
    x = np.asarray(tail, dtype=np.float64).ravel()
    if xmin <= 0 or x.size == 0 or np.any(x < xmin):
        raise ValueError("need a non-empty tail with every value >= xmin > 0")
    log_sum = float(np.log(x / xmin).sum())
    if log_sum == 0:
        raise ValueError("every tail value equals xmin: alpha is undefined")
    return 1.0 + x.size / log_sum


def _ks_distance(tail_ascending: FloatArray, xmin: float, alpha: float) -> float:
    """KS distance between a sorted tail and the fitted power law's CDF."""
    k = tail_ascending.size
    fitted = 1.0 - (tail_ascending / xmin) ** (1.0 - alpha)
    upper = np.arange(1, k + 1) / k
    lower = np.arange(0, k) / k
    return float(max(np.max(upper - fitted), np.max(fitted - lower)))


def fit_power_law(values: ArrayLike, *, min_tail: int = 50) -> PowerLawFit:
    """Fit a power law to the tail of positive ``values``, choosing x_min by KS distance.

    Every distinct value leaving at least ``min_tail`` values in the tail is tried as x_min;
    α is its maximum-likelihood estimate, and the x_min whose fit is closest to the tail
    (smallest KS distance) wins — the method of Clauset, Shalizi & Newman (2009), in its
    continuous form (for integer counts this is accurate when x_min is in the hundreds, as
    for play counts; see their §3.1).

    Raises:
        ValueError: Fewer than ``min_tail`` positive values, or no valid x_min.
    """
    x = np.sort(np.asarray(values, dtype=np.float64).ravel())
    x = x[x > 0]
    n = x.size
    if n < max(min_tail, 2):
        raise ValueError(f"need at least {max(min_tail, 2)} positive values, got {n}")
    log_x = np.log(x)
    # suffix[i] = Σ log x[i:], so each candidate's α costs O(1).
    suffix = np.concatenate((np.cumsum(log_x[::-1])[::-1], [0.0]))
    candidates, starts = np.unique(x, return_index=True)
    best: PowerLawFit | None = None
    for xmin, start in zip(candidates, starts, strict=True):
        k = n - int(start)
        if k < min_tail:
            break
        log_sum = suffix[start] - k * math.log(xmin)
        if log_sum <= 0:
            continue
        alpha = 1.0 + k / log_sum
        ks = _ks_distance(x[start:], float(xmin), alpha)
        if best is None or ks < best.ks:
            best = PowerLawFit(alpha=float(alpha), xmin=float(xmin), ks=ks, n_tail=k, n=n)
    if best is None:
        raise ValueError("no x_min leaves a tail with distinct values")
    return best


def power_law_pdf(x: ArrayLike, fit: PowerLawFit) -> FloatArray:
    """The fitted density at ``x`` (meaningful for x ≥ x_min)."""
    values = np.asarray(x, dtype=np.float64)
    density: FloatArray = (fit.alpha - 1.0) / fit.xmin * (values / fit.xmin) ** (-fit.alpha)
    return density


def power_law_ccdf(x: ArrayLike, fit: PowerLawFit) -> FloatArray:
    """``P(X ≥ x | X ≥ x_min)`` under the fit: ``(x/x_min)^(1 − α)``."""
    values = np.asarray(x, dtype=np.float64)
    tail: FloatArray = (values / fit.xmin) ** (1.0 - fit.alpha)
    return tail


@dataclass(frozen=True)
class LognormalFit:
    """A lognormal truncated to ``x ≥ xmin``: ln x ~ Normal(mu, sigma) conditioned on the tail."""

    mu: float
    sigma: float
    xmin: float

    def logpdf(self, x: ArrayLike) -> FloatArray:
        values = np.asarray(x, dtype=np.float64)
        z = (np.log(values) - self.mu) / self.sigma
        z_min = (math.log(self.xmin) - self.mu) / self.sigma
        logpdf: FloatArray = (
            stats.norm.logpdf(z) - np.log(values * self.sigma) - stats.norm.logsf(z_min)
        )
        return logpdf

    def ccdf(self, x: ArrayLike) -> FloatArray:
        """``P(X ≥ x | X ≥ xmin)`` under the fit."""
        values = np.asarray(x, dtype=np.float64)
        z = (np.log(values) - self.mu) / self.sigma
        z_min = (math.log(self.xmin) - self.mu) / self.sigma
        tail: FloatArray = np.exp(stats.norm.logsf(z) - stats.norm.logsf(z_min))
        return tail


def fit_lognormal(tail: ArrayLike, xmin: float) -> LognormalFit:
    """Maximum-likelihood lognormal truncated at ``xmin`` for ``tail`` (every value ≥ xmin).

    Started from the moments of ln x; mu is kept within 50 of them so a near-power-law tail
    (where the likelihood keeps rising as mu → −∞) still gives a finite answer.
    """
    x = np.asarray(tail, dtype=np.float64).ravel()
    if xmin <= 0 or x.size < 2 or np.any(x < xmin):
        raise ValueError("need at least two tail values, every one >= xmin > 0")
    log_x = np.log(x)
    mu0, sigma0 = float(log_x.mean()), max(float(log_x.std()), 1e-3)

    def negative_loglik(params: FloatArray) -> float:
        fit = LognormalFit(mu=float(params[0]), sigma=math.exp(params[1]), xmin=xmin)
        value = -float(fit.logpdf(x).sum())
        return value if math.isfinite(value) else 1e300

    result = optimize.minimize(
        negative_loglik,
        x0=np.array([mu0, math.log(sigma0)]),
        method="L-BFGS-B",
        bounds=[(mu0 - 50.0, mu0 + 50.0), (math.log(1e-3), math.log(100.0))],
    )
    return LognormalFit(mu=float(result.x[0]), sigma=math.exp(float(result.x[1])), xmin=xmin)


@dataclass(frozen=True)
class LikelihoodRatio:
    """Vuong's test of a power law against a lognormal on the same tail.

    ``ratio`` is Σ ln p_power(x) − Σ ln p_lognormal(x): positive favours the power law,
    negative the lognormal. ``normalised`` is ratio / (σ·√n); ``p_value`` (two-sided) says
    whether its sign can be trusted (small: yes; large: the data cannot tell them apart).
    """

    ratio: float
    normalised: float
    p_value: float
    lognormal: LognormalFit

    @property
    def favours(self) -> str:
        return "power law" if self.ratio > 0 else "lognormal"

    def conclusion(self, significance: float = 0.1) -> str:
        """A short verdict: which fits better, or that the data cannot tell.

        >>> fit = LognormalFit(mu=0.0, sigma=1.0, xmin=1.0)
        >>> LikelihoodRatio(-5.0, -2.0, 0.01, fit).conclusion()
        'the lognormal fits significantly better (p = 0.01)'
        >>> LikelihoodRatio(1.0, 0.3, 0.7, fit).conclusion()
        'neither fits significantly better (p = 0.7)'
        """
        if self.p_value < significance:
            return f"the {self.favours} fits significantly better (p = {self.p_value:.2g})"
        return f"neither fits significantly better (p = {self.p_value:.2g})"


def compare_power_law_lognormal(values: ArrayLike, fit: PowerLawFit) -> LikelihoodRatio:
    """Log-likelihood ratio (Vuong) of ``fit`` against a truncated lognormal on its tail.

    ``p = erfc(|R| / √(2n σ²))`` (Clauset, Shalizi & Newman 2009, eq. C.6).
    """
    x = np.asarray(values, dtype=np.float64).ravel()
    tail = x[x >= fit.xmin]
    lognormal = fit_lognormal(tail, fit.xmin)
    pointwise = np.log(power_law_pdf(tail, fit)) - lognormal.logpdf(tail)
    ratio = float(pointwise.sum())
    sigma = float(pointwise.std())
    n = tail.size
    if sigma == 0:
        return LikelihoodRatio(ratio=ratio, normalised=0.0, p_value=1.0, lognormal=lognormal)
    normalised = ratio / (sigma * math.sqrt(n))
    p_value = float(special.erfc(abs(ratio) / math.sqrt(2 * n * sigma**2)))
    return LikelihoodRatio(ratio=ratio, normalised=normalised, p_value=p_value, lognormal=lognormal)


# --------------------------------------------------------------------------- diversity


def shannon_entropy(weights: ArrayLike) -> float:
    """Shannon entropy (nats) of the shares ``w / Σ w``; zeros are ignored, 0.0 for no plays.

    The API's per-user ``entropy`` uses the same definition.

    >>> round(shannon_entropy([1, 1, 1, 1]), 6)  # ln 4
    1.386294
    """
    w = _non_negative(weights)
    total = w.sum()
    if total == 0:
        return 0.0
    p = w[w > 0] / total
    return float(-(p * np.log(p)).sum())


def entropy_by_group(keys: ArrayLike, weights: ArrayLike) -> pd.Series:
    """Shannon entropy (nats) of each group's weights, indexed by the sorted group keys.

    Vectorised: one pass over the rows, however many groups.
    """
    frame = pd.DataFrame({"key": np.asarray(keys), "w": _non_negative(weights)})
    frame = frame[frame["w"] > 0]
    share = frame["w"] / frame.groupby("key")["w"].transform("sum")
    terms = -(share * np.log(share))
    result: pd.Series = terms.groupby(frame["key"]).sum().rename("entropy")
    return result


def partial_spearman(x: ArrayLike, y: ArrayLike, control: ArrayLike) -> float:
    """Spearman's rho of x and y with ``control`` partialled out (on ranks).

    ``(r_xy − r_xz·r_yz) / √((1 − r_xz²)(1 − r_yz²))`` with each r a Spearman rho: whether
    x and y still move together among units with the same rank of ``control``.
    """
    ranks = [stats.rankdata(np.asarray(v, dtype=np.float64)) for v in (x, y, control)]
    r = np.corrcoef(np.vstack(ranks))
    r_xy, r_xz, r_yz = r[0, 1], r[0, 2], r[1, 2]
    denominator = math.sqrt((1.0 - r_xz**2) * (1.0 - r_yz**2))
    if denominator == 0:
        raise ValueError("the control is a monotone function of x or y")
    return float((r_xy - r_xz * r_yz) / denominator)


# --------------------------------------------------------------------------- taste clusters


def taste_profiles(listens: pd.DataFrame, artist_tags: pd.DataFrame) -> pd.DataFrame:
    """Each user's taste as a weight per tag: Σ over their artists of play share × tag share.

    Args:
        listens: Columns ``user``, ``artist``, ``weight`` (plays).
        artist_tags: Columns ``artist``, ``tag``, ``count`` (how often the tag was given).

    Returns:
        A users × tags frame; a row sums to the share of the user's plays that went to
        tagged artists (1.0 when all were tagged, 0.0 when none). Users with no tagged
        artist keep an all-zero row.
    """
    plays = listens[["user", "artist", "weight"]].copy()
    plays["play_share"] = plays["weight"] / plays.groupby("user")["weight"].transform("sum")
    tags = artist_tags[["artist", "tag", "count"]].copy()
    tags["tag_share"] = tags["count"] / tags.groupby("artist")["count"].transform("sum")
    joined = plays.merge(tags, on="artist", how="inner")
    joined["value"] = joined["play_share"] * joined["tag_share"]
    matrix = joined.pivot_table(
        index="user", columns="tag", values="value", aggfunc="sum", fill_value=0.0
    )
    users = pd.Index(sorted(plays["user"].unique()), name="user")
    result: pd.DataFrame = matrix.reindex(index=users, fill_value=0.0)
    result.columns.name = "tag"
    return result


def tfidf(matrix: ArrayLike) -> FloatArray:
    """TF-IDF of a documents × terms matrix of non-negative weights, rows L2-normalised.

    ``tf`` is each row divided by its sum; ``idf = ln((1 + n)/(1 + df)) + 1`` with ``df`` the
    rows where the term is non-zero (scikit-learn's smooth idf). All-zero rows stay zero.
    """
    x = np.asarray(matrix, dtype=np.float64)
    if x.ndim != 2 or np.any(x < 0):
        raise ValueError("need a 2-D matrix of non-negative weights")
    n = x.shape[0]
    row_sums = x.sum(axis=1, keepdims=True)
    tf = np.divide(x, row_sums, out=np.zeros_like(x), where=row_sums > 0)
    df = (x > 0).sum(axis=0)
    idf = np.log((1.0 + n) / (1.0 + df)) + 1.0
    weighted = tf * idf
    norms = np.linalg.norm(weighted, axis=1, keepdims=True)
    result: FloatArray = np.divide(weighted, norms, out=np.zeros_like(weighted), where=norms > 0)
    return result


def truncated_svd(matrix: ArrayLike, components: int) -> tuple[FloatArray, FloatArray]:
    """The first ``components`` singular directions: ``(coordinates, explained_fraction)``.

    ``coordinates = U_k · S_k`` (rows projected on the top right-singular vectors, not
    centred, as for TF-IDF); ``explained_fraction`` is each component's share of the squared
    Frobenius norm. The sign of each component is fixed so its largest loading is positive.
    """
    x = np.asarray(matrix, dtype=np.float64)
    if not 1 <= components <= min(x.shape):
        raise ValueError(f"components must be in 1..{min(x.shape)}")
    u, s, vt = np.linalg.svd(x, full_matrices=False)
    signs = np.sign(vt[np.arange(vt.shape[0]), np.argmax(np.abs(vt), axis=1)])
    signs[signs == 0] = 1.0
    coordinates: FloatArray = (u[:, :components] * s[:components]) * signs[:components]
    total = float((s**2).sum())
    explained: FloatArray = (s[:components] ** 2) / total if total else np.zeros(components)
    return coordinates, explained


@dataclass(frozen=True)
class KMeansResult:
    """Cluster labels (0..k-1, largest cluster first), centroids and the within-cluster
    sum of squared distances (inertia)."""

    labels: IntArray
    centroids: FloatArray
    inertia: float

    @property
    def sizes(self) -> list[int]:
        return [int(v) for v in np.bincount(self.labels, minlength=len(self.centroids))]


def _squared_distances(x: FloatArray, centroids: FloatArray) -> FloatArray:
    distances: FloatArray = (
        (x**2).sum(axis=1)[:, None] - 2.0 * x @ centroids.T + (centroids**2).sum(axis=1)[None, :]
    )
    return np.maximum(distances, 0.0)


def _kmeans_plus_plus(x: FloatArray, k: int, rng: np.random.Generator) -> FloatArray:
    centroids = [x[rng.integers(x.shape[0])]]
    closest = _squared_distances(x, np.array(centroids))[:, 0]
    for _ in range(1, k):
        total = closest.sum()
        index = rng.choice(x.shape[0], p=closest / total) if total > 0 else rng.integers(len(x))
        centroids.append(x[index])
        closest = np.minimum(closest, _squared_distances(x, x[index][None, :])[:, 0])
    return np.array(centroids)


def kmeans(
    matrix: ArrayLike, k: int, *, seed: int = 0, n_init: int = 10, max_iter: int = 300
) -> KMeansResult:
    """Lloyd's k-means with k-means++ starts; the best of ``n_init`` runs (least inertia).

    Deterministic for a given ``seed``. An emptied cluster is re-seeded at the point
    farthest from its centroid. Labels are renumbered by cluster size, largest first.
    """
    x = np.asarray(matrix, dtype=np.float64)
    if not 1 <= k <= x.shape[0]:
        raise ValueError(f"k must be in 1..{x.shape[0]}")
    rng = np.random.default_rng(seed)
    best: tuple[float, IntArray, FloatArray] | None = None
    for _ in range(n_init):
        centroids = _kmeans_plus_plus(x, k, rng)
        labels = np.full(x.shape[0], -1, dtype=np.int64)
        for _ in range(max_iter):
            distances = _squared_distances(x, centroids)
            new_labels = distances.argmin(axis=1).astype(np.int64)
            if np.array_equal(new_labels, labels):
                break
            labels = new_labels
            for cluster in range(k):
                members = labels == cluster
                if members.any():
                    centroids[cluster] = x[members].mean(axis=0)
                else:
                    far = int(distances[np.arange(len(x)), labels].argmax())
                    centroids[cluster] = x[far]
        distances = _squared_distances(x, centroids)
        labels = distances.argmin(axis=1).astype(np.int64)
        inertia = float(distances[np.arange(len(x)), labels].sum())
        if best is None or inertia < best[0]:
            best = (inertia, labels, centroids.copy())
    assert best is not None  # n_init >= 1
    inertia, labels, centroids = best
    order = np.argsort(-np.bincount(labels, minlength=k), kind="stable")
    relabel = np.empty(k, dtype=np.int64)
    relabel[order] = np.arange(k)
    return KMeansResult(labels=relabel[labels], centroids=centroids[order], inertia=inertia)


def silhouette(matrix: ArrayLike, labels: ArrayLike) -> float:
    """Mean silhouette coefficient (Euclidean) of a clustering, in [-1, 1].

    For each point ``s = (b − a) / max(a, b)``, a = mean distance to its own cluster's other
    points, b = the smallest mean distance to another cluster; points alone in their
    cluster score 0 (Rousseeuw 1987).
    """
    x = np.asarray(matrix, dtype=np.float64)
    y = np.asarray(labels)
    clusters = np.unique(y)
    if not 2 <= clusters.size <= x.shape[0] - 1:
        raise ValueError("need between 2 and n - 1 clusters")
    distances = np.sqrt(_squared_distances(x, x))
    members = np.stack([y == c for c in clusters], axis=1).astype(np.float64)
    sums = distances @ members  # point × cluster: total distance to that cluster
    sizes = members.sum(axis=0)
    own = np.searchsorted(clusters, y)
    own_size = sizes[own]
    a = np.divide(
        sums[np.arange(len(x)), own], own_size - 1, out=np.zeros(len(x)), where=own_size > 1
    )
    means = sums / sizes
    means[np.arange(len(x)), own] = np.inf
    b = means.min(axis=1)
    score = np.where(own_size > 1, (b - a) / np.maximum(a, b), 0.0)
    return float(score.mean())


def characteristic_terms(
    matrix: ArrayLike, labels: ArrayLike, terms: Sequence[Any], n: int = 5
) -> dict[int, list[Any]]:
    """Each cluster's ``n`` terms with the largest mean weight (its centroid), best first."""
    x = np.asarray(matrix, dtype=np.float64)
    y = np.asarray(labels)
    if x.shape[1] != len(terms):
        raise ValueError("one term per column is needed")
    result: dict[int, list[Any]] = {}
    for cluster in np.unique(y):
        centroid = x[y == cluster].mean(axis=0)
        best = np.argsort(-centroid, kind="stable")[:n]
        result[int(cluster)] = [terms[i] for i in best if centroid[i] > 0]
    return result
