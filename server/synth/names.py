"""Synthetic artist and tag names in the real files' formats.

Names are built from syllables: a unique *core* spells the id in base ``len(SYLLABLES)``, and a
seeded decoration (``The ...``, ``... & the ...``, a quoted nickname, a non-ASCII letter) keeps
the ingest honest about what the real names contain: double quotes that a csv reader with
default quoting would swallow, UTF-8 in ``artists.dat`` and ISO-8859-1 in ``tags.dat``.
"""

from __future__ import annotations

from urllib.parse import quote_plus

import numpy as np

SYLLABLES = (
    "ka", "ro", "mi", "na", "te", "lu", "vo", "shi", "da", "ren", "bo", "zu", "el", "an", "qui",
    "sol", "mar", "tek", "ny", "gra", "fen", "dor", "li", "ax", "po", "sun", "ve", "ri", "co",
    "ja", "mo", "xi", "ul", "be", "tor", "ha", "wen", "is", "go", "fu",
)  # fmt: skip
# Letters real names carry (Röyksopp, Café Del Mar, Mötley Crüe, Sigur Rós...).
ACCENTED = ("ö", "é", "ü", "ø", "á", "å", "ñ", "ß", "ó", "ç")
# Tag values are ISO-8859-1: only letters that encoding has.
TAG_SUFFIXES = (" rock", " pop", " metal", "core", " wave", " jazz", " folk", " electronic")
TAG_PREFIXES = ("post-", "neo-", "dark ", "indie ", "80s ", "lo-fi ")
CJK = ("東京", "音楽", "夢", "星", "月光")
PICTURE_HOST = "http://userserve-ak.last.fm/serve/252/"
ARTIST_URL = "http://www.last.fm/music/"


def core(number: int) -> str:
    """A unique pronounceable word for ``number`` >= 0 (base-40 digits as syllables)."""
    base = len(SYLLABLES)
    parts = [SYLLABLES[number % base]]
    number //= base
    while number:
        parts.append(SYLLABLES[number % base])
        number //= base
    return "".join(reversed(parts))


def artist_names(
    ids: list[int],
    rng: np.random.Generator,
    *,
    quoted_share: float,
    non_ascii_share: float,
) -> list[str]:
    """One name per artist id; ``quoted_share`` of them hold a ``"``, ``non_ascii_share`` a
    non-ASCII letter (shares measured on the real ``artists.dat``)."""
    draws = rng.random((len(ids), 3))
    names: list[str] = []
    for artist_id, (style, odd, pick) in zip(ids, draws.tolist(), strict=True):
        word = core(artist_id).capitalize()
        if odd < non_ascii_share:
            if pick < 0.2:
                word = f"{word} {CJK[int(pick * 25) % len(CJK)]}"
            else:
                vowel = ACCENTED[int(pick * 100) % len(ACCENTED)]
                word = word[:-1] + vowel if len(word) > 2 else word + vowel
        if odd > 1 - quoted_share:
            name = f'{core(artist_id + 7).capitalize()} "{word}" {core(artist_id // 3 + 11)}'
        elif style < 0.15:
            name = f"The {word}s"
        elif style < 0.22:
            name = f"{word} & the {core(artist_id * 7 + 3).capitalize()}s"
        elif style < 0.30:
            name = f"DJ {word}"
        elif style < 0.65:
            name = f"{word} {core(artist_id * 13 + 5).capitalize()}"
        else:
            name = word
        names.append(name)
    return names


def artist_url(name: str) -> str:
    return ARTIST_URL + quote_plus(name)


def picture_urls(count: int, rng: np.random.Generator, *, missing_share: float) -> list[str]:
    """Last.fm picture URLs (``.jpg``, some ``.png``); ``missing_share`` of them empty."""
    numbers = rng.integers(1000, 60_000_000, size=count).tolist()
    kind = rng.random(count).tolist()
    return [
        "" if k < missing_share else f"{PICTURE_HOST}{n}.{'png' if k > 0.9 else 'jpg'}"
        for n, k in zip(numbers, kind, strict=True)
    ]


def tag_values(count: int, rng: np.random.Generator) -> list[str]:
    """``count`` distinct tag values, lower case, encodable in ISO-8859-1.

    Unique by construction: the core is unique and has neither space nor hyphen, prefixes end
    with one of them and suffixes start with a space or are a fixed ending after the core.
    """
    draws = rng.random((count, 3)).tolist()
    values: list[str] = []
    seen: set[str] = set()
    for number, (style, odd, pick) in enumerate(draws):
        word = core(number)
        if odd < 0.03:
            vowel = ACCENTED[int(pick * 100) % len(ACCENTED)]
            word = word + vowel
        if style < 0.25:
            value = word + TAG_SUFFIXES[int(pick * 80) % len(TAG_SUFFIXES)]
        elif style < 0.40:
            value = TAG_PREFIXES[int(pick * 60) % len(TAG_PREFIXES)] + word
        else:
            value = word
        if value in seen:  # cannot happen by the argument above; cheap insurance
            value = f"{word} {number}"
        seen.add(value)
        values.append(value)
    return values
