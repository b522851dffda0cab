"""Recommendation reasons as sentences, and text made safe for Streamlit markdown.

The API returns evidence (which of the user's artists, which friends, which tags); an
analyst reads "because you play Radiohead", so the wording lives here, in one place, and is
tested without a browser.
"""

from __future__ import annotations

from soundstream_sdk.types import (
    FriendsReason,
    PopularReason,
    RecommendationReason,
    SimilarArtistsReason,
    TagsReason,
)

MAX_NAMED = 3
_MARKDOWN_SPECIALS = str.maketrans({ch: f"\\{ch}" for ch in "\\`*_{}[]<>()#+-.!|~$:"})


def md_escape(text: str) -> str:
    """``text`` shown literally inside Streamlit markdown (artist names hold ``*``, ``_``,
    ``[``, ``$``...; Streamlit would otherwise render them as emphasis, links or LaTeX).

    Example:
        >>> md_escape("*NSYNC")
        '\\\\*NSYNC'
    """
    return text.translate(_MARKDOWN_SPECIALS)


def join_names(names: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``: the way a sentence lists things.

    Example:
        >>> join_names(["Radiohead", "Muse", "Björk"])
        'Radiohead, Muse and Björk'
    """
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def reason_text(reason: RecommendationReason) -> str:
    """One reason in words.

    Example:
        >>> from soundstream_sdk.types import FriendsReason, ReasonUser
        >>> reason_text(FriendsReason(kind="friends", users=[ReasonUser(user_id=3)], total=3))
        '3 friends play it'
    """
    if isinstance(reason, SimilarArtistsReason):
        names = [a.name or f"artist {a.artist_id}" for a in reason.artists[:MAX_NAMED]]
        return f"because you play {join_names(names)}" if names else "listeners like you play it"
    if isinstance(reason, FriendsReason):
        total = reason.total or len(reason.users)
        if total == 1 and reason.users:
            return f"your friend {reason.users[0].user_id} plays it"
        return f"{total} friends play it"
    if isinstance(reason, TagsReason):
        names = [t.name or f"tag {t.tag_id}" for t in reason.tags[:MAX_NAMED]]
        return f"tagged {join_names(names)} like your favourites"
    if isinstance(reason, PopularReason):
        noun = "listener" if reason.listeners == 1 else "listeners"
        return f"popular with everyone ({reason.listeners:,} {noun})"
    return reason.kind.replace("_", " ")
