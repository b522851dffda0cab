"""What a recommendation list is built from (kept free of numpy so schemas can import it)."""

from __future__ import annotations

from enum import StrEnum


class Strategy(StrEnum):
    """``hybrid``: everything blended; ``cf``: the collaborative components only (EASE, ALS,
    item-kNN); ``social``: friends' listening; ``tags``: tag-profile similarity; ``popular``:
    most listeners. Every strategy fills a short list with the most listened artists."""

    HYBRID = "hybrid"
    CF = "cf"
    SOCIAL = "social"
    TAGS = "tags"
    POPULAR = "popular"
