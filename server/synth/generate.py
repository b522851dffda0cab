"""Draw a synthetic dataset N times larger in users and write it as the five ``.dat`` files.

How each file is drawn (``scale`` = N; every distribution is the real one, `RealShape`):

- **Users**: ``round(1,892 × N)``, ids 1..U.
- **Artists** (the catalogue grows sub-linearly, Heaps' law): ``A = 17,632 × N^β`` with β the
  exponent measured on user subsamples of the real data (≈ 0.63): a larger population listens
  to more distinct artists, but far fewer than N times more. Each artist's listener count is
  drawn from the real listeners-per-artist distribution and scaled by ``N^(1-β)`` (the mean
  listeners per artist grows as the catalogue grows slower than the users), stochastically
  rounded; so the *shape* of popularity — the share of listens on the top 1 % / 10 % of
  artists — is the real one at every scale. Artists that draw no listener are left out
  (ids keep their gaps, as the real ids do).
- **Listens** (``user_artists.dat``): each user's number of artists is drawn from the real
  artists-per-user distribution (top-50 lists: at most 50, mostly exactly 50); users and
  artists are matched by a bipartite configuration model (the users' slots against the
  artists' listener counts, shuffled), duplicate pairs re-matched a few rounds and the rest
  dropped. Weights are drawn from the real per-listen distribution (exact real values, by
  quantile) through a Gaussian copula with the artist's popularity (``WEIGHT_POPULARITY_RHO``):
  plays concentrate on popular artists more than listens do (real: top 1 % of artists 32 % of
  listens, 52 % of plays), and independent weights would lose that.
- **Tags** (``tags.dat``, ISO-8859-1): ``T = 11,946 × N^β_tags`` values; each tag's use count
  drawn from the real distribution (never-used tags included) and scaled like the artists'.
- **Tag assignments**: each user's number drawn from the real distribution; the artist is one
  of the user's own artists with the real probability (≈ 39 %), else any artist by listeners;
  the tag by its use count; the date (day, month, year) drawn from the real rows, one date per
  (user, artist) as the real files record a tagging session. Only artists and tags that exist
  are named, so the ingest quarantines nothing.
- **Friendships**: a configuration model on degrees drawn from the real degree distribution,
  then triadic closure: ``CLOSURE_SHARE`` of the edges join two friends of a common friend,
  which gives the real clustering (≈ 0.19) where a configuration model alone gives almost none
  at 190k users. Self-loops and duplicates are dropped; each friendship is written in both
  directions, as the real file does.

Deterministic: the same shape, scale and seed give the same bytes. Memory: the arrays of the
largest file (18 M tag assignments at 100×) are a few hundred MB; text is written in blocks.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt
from scipy.special import ndtr, ndtri

from server.synth import names
from server.synth.shape import (
    ARTISTS,
    TAGS,
    USER_ARTISTS,
    USER_FRIENDS,
    USER_TAGGED,
    IntArray,
    RealShape,
)

FloatArray = npt.NDArray[np.float64]
Progress = Callable[[str], None]

GENERATOR_VERSION = 1
MANIFEST = "synth.json"
WEIGHT_POPULARITY_RHO = 0.25
"""Copula correlation of a listen's weight with its artist's popularity, chosen so the top
1 % of artists take the real share of plays at 1× (0.52; measured: see tests/synth)."""
CLOSURE_SHARE = 0.27
"""Share of friendships drawn by triadic closure; gives the real mean clustering at 1×."""
REPAIR_ROUNDS = 8
WRITE_BLOCK_ROWS = 500_000
KEY_BITS = 21  # ids below 2^21 = 2 M per column: 3 columns fit an int64 key


def _silent(_step: str) -> None:
    return None


@dataclass(slots=True)
class SynthReport:
    """What `generate` wrote: sizes, parameters and seconds per phase."""

    scale: float
    seed: int
    users: int
    artists: int
    tags: int
    listens: int
    tag_assignments: int
    friendships: int
    artist_heaps: float
    tag_heaps: float
    generator_version: int = GENERATOR_VERSION
    seconds: dict[str, float] = field(default_factory=dict)


def _scaled_counts(real: IntArray, size: int, factor: float, rng: np.random.Generator) -> IntArray:
    """``size`` draws from ``real`` times ``factor``, rounded up or down at random (unbiased)."""
    drawn = rng.choice(real, size=size).astype(np.float64) * factor
    floor = np.floor(drawn)
    return (floor + (rng.random(size) < drawn - floor)).astype(np.int64)


def _duplicates(keys: IntArray) -> npt.NDArray[np.bool_]:
    """True for every occurrence of a key after its first (in array order)."""
    order = np.argsort(keys, kind="stable")
    sorted_keys = keys[order]
    repeat = np.zeros(keys.size, dtype=bool)
    repeat[1:] = sorted_keys[1:] == sorted_keys[:-1]
    out = np.zeros(keys.size, dtype=bool)
    out[order] = repeat
    return out


def _pair_key(a: IntArray, b: IntArray) -> IntArray:
    return (a << KEY_BITS) | b


def draw_listens(
    shape: RealShape, users: int, scale: float, rng: np.random.Generator
) -> tuple[IntArray, IntArray, IntArray, int]:
    """(user, artist, weight) sorted by user then artist, and the catalogue size drawn."""
    catalogue = max(1, round(shape.catalogue_artists * scale**shape.artist_heaps))
    listeners = _scaled_counts(
        shape.listeners_per_artist, catalogue, scale ** (1 - shape.artist_heaps), rng
    )
    # Every artist of the catalogue keeps a listener (as in the real data) even where the
    # scale-down rounds its count to 0 (scale < 1): the catalogue follows Heaps' law.
    listeners = np.clip(listeners, 1, users)
    slots = rng.choice(shape.artists_per_user, size=users)
    total = int(slots.sum())
    stubs = np.repeat(np.arange(catalogue, dtype=np.int64), listeners)
    if stubs.size > total:
        # Trim the surplus from the artists' second and later listeners first.
        first = np.ones(stubs.size, dtype=bool)
        first[1:] = stubs[1:] != stubs[:-1]
        keep = np.concatenate([np.flatnonzero(first), rng.permutation(np.flatnonzero(~first))])
        stubs = stubs[np.sort(keep[:total])]
    elif stubs.size < total:
        weights = listeners / max(1, listeners.sum())
        extra = rng.choice(catalogue, size=total - stubs.size, p=weights)
        stubs = np.concatenate([stubs, extra])
    owner = np.repeat(np.arange(users, dtype=np.int64), slots)
    artist = stubs[rng.permutation(stubs.size)]
    bad = _duplicates(_pair_key(owner, artist))
    for _ in range(REPAIR_ROUNDS):
        if not bad.any():
            break
        # Re-match the clashing slots among themselves, against every pair already kept.
        where = np.flatnonzero(bad)
        artist[where] = artist[where[rng.permutation(where.size)]]
        keys = _pair_key(owner, artist)
        kept = np.sort(keys[~bad])
        clash = np.isin(keys[where], kept) | _duplicates(keys[where])
        bad[where] = clash
    owner, artist = owner[~bad], artist[~bad]
    order = np.lexsort((artist, owner))
    owner, artist = owner[order], artist[order]
    weight = _draw_weights(shape, listeners[artist], rng)
    return owner + 1, artist + 1, weight, catalogue


def _draw_weights(shape: RealShape, popularity: IntArray, rng: np.random.Generator) -> IntArray:
    """Real weights by quantile, correlated (Gaussian copula) with the artist's popularity."""
    n = popularity.size
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    ranks = np.empty(n, dtype=np.float64)
    ranks[np.lexsort((rng.random(n), popularity))] = np.arange(n)
    z_pop = ndtri((ranks + 0.5) / n)
    rho = WEIGHT_POPULARITY_RHO
    z = rho * z_pop + np.sqrt(1 - rho * rho) * rng.standard_normal(n)
    quantile: FloatArray = np.asarray(ndtr(z), dtype=np.float64)
    index = np.minimum((quantile * shape.weights.size).astype(np.int64), shape.weights.size - 1)
    drawn: IntArray = shape.weights[index]
    return drawn


def draw_tagged(
    shape: RealShape,
    users: int,
    scale: float,
    listen_user: IntArray,
    listen_artist: IntArray,
    rng: np.random.Generator,
) -> tuple[IntArray, IntArray, int]:
    """Tag assignments as (rows, 6) [user, artist, tag, day, month, year], and the tag count.

    ``listen_user``/``listen_artist`` are the listens (1-based ids, sorted by user).
    """
    n_tags = max(1, round(shape.catalogue_tags * scale**shape.tag_heaps))
    uses = _scaled_counts(shape.uses_per_tag, n_tags, scale ** (1 - shape.tag_heaps), rng)
    if uses.sum() == 0:
        uses[:] = 1
    tag_cdf = np.cumsum(uses) / uses.sum()
    per_user = rng.choice(shape.tag_rows_per_user, size=users)
    owner = np.repeat(np.arange(1, users + 1, dtype=np.int64), per_user)
    rows = owner.size
    if rows == 0 or listen_user.size == 0:
        return np.zeros((0, 6), dtype=np.int64), np.zeros(0, dtype=np.int64), n_tags
    # The tagger's own artists: listens of user u are listen_*[start[u] : start[u] + count[u]].
    start = np.searchsorted(listen_user, np.arange(1, users + 2))
    count = start[1:] - start[:-1]
    own = (rng.random(rows) < shape.own_artist_share) & (count[owner - 1] > 0)
    pick = start[owner - 1] + (rng.random(rows) * count[owner - 1]).astype(np.int64)
    anywhere = rng.integers(0, listen_artist.size, size=rows)  # ∝ listeners
    artist = listen_artist[np.where(own, np.minimum(pick, listen_artist.size - 1), anywhere)]

    def draw_tag(size: int) -> IntArray:
        found = np.searchsorted(tag_cdf, rng.random(size), side="right")
        drawn: IntArray = np.minimum(found, n_tags - 1).astype(np.int64) + 1
        return drawn

    # Tags by a configuration model too: every tag gets its drawn number of uses exactly
    # (sampling with replacement would leave a third of the once-used tags unused).
    stubs = np.repeat(np.arange(1, n_tags + 1, dtype=np.int64), uses)
    if stubs.size >= rows:
        tag = stubs[rng.permutation(stubs.size)[:rows]]
    else:
        tag = np.concatenate([stubs, draw_tag(rows - stubs.size)])[rng.permutation(rows)]
    base = _pair_key(owner, artist)
    bad = _duplicates(_pair_key(base, tag))
    for _ in range(REPAIR_ROUNDS):
        if not bad.any():
            break
        where = np.flatnonzero(bad)
        tag[where] = draw_tag(where.size)
        keys = _pair_key(base, tag)
        kept = np.sort(keys[~bad])
        bad[where] = np.isin(keys[where], kept) | _duplicates(keys[where])
    owner, artist, tag = owner[~bad], artist[~bad], tag[~bad]
    order = np.lexsort((tag, artist, owner))
    owner, artist, tag = owner[order], artist[order], tag[order]
    # One date per (user, artist): a tagging session, as in the real files.
    first = np.ones(owner.size, dtype=bool)
    first[1:] = (owner[1:] != owner[:-1]) | (artist[1:] != artist[:-1])
    session = np.cumsum(first) - 1
    dates = shape.dates[rng.integers(0, shape.dates.shape[0], size=int(first.sum()))][session]
    table = np.column_stack([owner, artist, tag, dates])
    return table, uses, n_tags


def draw_friendships(
    shape: RealShape, users: int, rng: np.random.Generator
) -> npt.NDArray[np.int64]:
    """Undirected friendships as (edges, 2) with ``u < v``, 1-based, sorted."""
    degree = rng.choice(shape.degrees, size=users)
    friendless = rng.random(users) < shape.friendless_users / max(1, shape.users)
    degree[friendless] = 0
    degree = np.minimum(degree, max(0, users - 1))
    configured = rng.binomial(degree, 1 - CLOSURE_SHARE)
    stubs = np.repeat(np.arange(users, dtype=np.int64), configured)
    stubs = stubs[rng.permutation(stubs.size)]
    edges = _clean_edges(stubs[: stubs.size - stubs.size % 2].reshape(-1, 2))
    closures = round(CLOSURE_SHARE * degree.sum() / 2)
    if closures and edges.size:
        both = np.concatenate([edges, edges[:, ::-1]])
        both = both[np.lexsort((both[:, 1], both[:, 0]))]
        start = np.searchsorted(both[:, 0], np.arange(users + 1))
        deg = start[1:] - start[:-1]
        # A centre drawn ∝ degree (a random edge end), then two of its friends.
        centre = both[rng.integers(0, both.shape[0], size=closures), 0]
        centre = centre[deg[centre] >= 2]
        first = start[centre] + (rng.random(centre.size) * deg[centre]).astype(np.int64)
        shift = 1 + (rng.random(centre.size) * (deg[centre] - 1)).astype(np.int64)
        second = start[centre] + (first - start[centre] + shift) % deg[centre]
        extra = np.column_stack([both[first, 1], both[second, 1]])
        edges = _clean_edges(np.concatenate([edges, extra]))
    return edges + 1


def _clean_edges(pairs: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    pairs = np.sort(pairs, axis=1)
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    keys = np.unique(_pair_key(pairs[:, 0], pairs[:, 1]))
    return np.column_stack([keys >> KEY_BITS, keys & ((1 << KEY_BITS) - 1)])


def _write_lines(path: Path, header: str, lines: Iterable[str], encoding: str = "utf-8") -> None:
    with path.open("w", encoding=encoding, newline="\n") as handle:
        handle.write(header + "\n")
        for block in lines:
            handle.write(block)


def _int_blocks(table: npt.NDArray[np.int64]) -> Iterable[str]:
    """Tab-separated text of an integer table, ``WRITE_BLOCK_ROWS`` rows at a time."""
    template = "\t".join(["%d"] * table.shape[1]) + "\n"
    for offset in range(0, table.shape[0], WRITE_BLOCK_ROWS):
        rows = table[offset : offset + WRITE_BLOCK_ROWS].tolist()
        yield "".join(map(template.__mod__, map(tuple, rows)))


def generate(
    shape: RealShape,
    out: Path,
    *,
    scale: float,
    seed: int = 0,
    progress: Progress = _silent,
) -> SynthReport:
    """Write a synthetic dataset ``scale`` times the real one in users into ``out``."""
    if scale <= 0:
        raise ValueError("scale must be positive")
    out.mkdir(parents=True, exist_ok=True)
    seconds: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        seconds[name] = round(now - clock, 3)
        clock = now

    # One independent stream per part: changing how one part is drawn leaves the others alone.
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(6)]
    users = max(2, round(shape.users * scale))
    largest = max(users, shape.catalogue_artists * scale, shape.catalogue_tags * scale)
    if largest >= 1 << KEY_BITS:
        raise ValueError(f"scale {scale:g} is too large: ids must stay below {1 << KEY_BITS:,}")

    progress(f"listens for {users:,} users")
    listen_user, listen_artist, weight, _catalogue = draw_listens(shape, users, scale, streams[0])
    lap("listens")
    progress(f"tag assignments ({listen_user.size:,} listens drawn)")
    tagged, _uses, n_tags = draw_tagged(shape, users, scale, listen_user, listen_artist, streams[1])
    lap("tag_assignments")
    progress("friendships")
    edges = draw_friendships(shape, users, streams[2])
    lap("friendships")

    progress("writing artists.dat and tags.dat")
    artist_ids = np.unique(listen_artist).tolist()
    artist_names = names.artist_names(
        artist_ids,
        streams[3],
        quoted_share=shape.quoted_share,
        non_ascii_share=shape.non_ascii_share,
    )
    pictures = names.picture_urls(
        len(artist_ids), streams[4], missing_share=shape.missing_picture_share
    )
    _write_lines(
        out / ARTISTS,
        "id\tname\turl\tpictureURL",
        (
            "".join(
                f"{i}\t{n}\t{names.artist_url(n)}\t{p}\n"
                for i, n, p in zip(
                    artist_ids[o : o + WRITE_BLOCK_ROWS],
                    artist_names[o : o + WRITE_BLOCK_ROWS],
                    pictures[o : o + WRITE_BLOCK_ROWS],
                    strict=True,
                )
            )
            for o in range(0, len(artist_ids), WRITE_BLOCK_ROWS)
        ),
    )
    values = names.tag_values(n_tags, streams[5])
    _write_lines(
        out / TAGS,
        "tagID\ttagValue",
        ["".join(f"{i}\t{v}\n" for i, v in enumerate(values, 1))],
        encoding="iso-8859-1",
    )
    lap("write_catalogues")
    progress(f"writing user_artists.dat ({listen_user.size:,} rows)")
    _write_lines(
        out / USER_ARTISTS,
        "userID\tartistID\tweight",
        _int_blocks(np.column_stack([listen_user, listen_artist, weight])),
    )
    progress(f"writing user_taggedartists.dat ({tagged.shape[0]:,} rows)")
    _write_lines(
        out / USER_TAGGED, "userID\tartistID\ttagID\tday\tmonth\tyear", _int_blocks(tagged)
    )
    progress(f"writing user_friends.dat ({edges.shape[0]:,} friendships)")
    both = np.concatenate([edges, edges[:, ::-1]])
    both = both[np.lexsort((both[:, 1], both[:, 0]))]
    _write_lines(out / USER_FRIENDS, "userID\tfriendID", _int_blocks(both))
    lap("write_links")

    report = SynthReport(
        scale=scale,
        seed=seed,
        users=int(np.unique(np.concatenate([listen_user, tagged[:, 0], edges.ravel()])).size),
        artists=len(artist_ids),
        tags=n_tags,
        listens=int(listen_user.size),
        tag_assignments=int(tagged.shape[0]),
        friendships=int(edges.shape[0]),
        artist_heaps=round(shape.artist_heaps, 4),
        tag_heaps=round(shape.tag_heaps, 4),
        seconds=seconds,
    )
    manifest = {k: v for k, v in asdict(report).items() if k != "seconds"}
    (out / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return report
