"""Artists and what hangs off them: tags, listeners, search hits.

Ids are Last.fm's. *Plays* are sums of listen weights (play counts of users' top-50
artists); *listeners* are distinct users.
"""

from __future__ import annotations

from pydantic import Field

from soundstream_sdk._models import SoundStreamModel
from soundstream_sdk._pagination import AsyncPage, SyncPage


class Artist(SoundStreamModel):
    """An artist. ``url`` and ``picture_url`` are stored verbatim (Last.fm's encoding)."""

    id: int
    name: str
    url: str | None = None
    picture_url: str | None = None


class MatchedTag(SoundStreamModel):
    """A requested tag that a search hit carries; ``count`` is its assignments there."""

    id: int
    name: str
    count: int


class ArtistSearchHit(SoundStreamModel):
    """An artist found by `Artists.search`, with its plays, listeners and matched tags."""

    id: int
    name: str
    url: str | None = None
    picture_url: str | None = None
    plays: int
    listeners: int
    matched_tags: list[MatchedTag] = Field(default_factory=list)


class ArtistTag(SoundStreamModel):
    """A tag on an artist; ``count`` is how many assignments apply it there."""

    tag_id: int
    name: str
    count: int


class ArtistListener(SoundStreamModel):
    """A listener of an artist and their play count (``weight``)."""

    user_id: int
    weight: int


class ArtistSearchPage(SyncPage[ArtistSearchHit]):
    """A page of search hits, with what the server made of the request."""

    @property
    def sort(self) -> str:
        """The order applied (``relevance`` by default with tags, else ``plays``)."""
        return str(self.raw.get("sort", ""))

    @property
    def unknown_tags(self) -> list[str]:
        """Names in ``tags`` that name no tag."""
        return list(self.raw.get("unknown_tags", []))

    @property
    def unknown_exclude_tags(self) -> list[str]:
        """Names in ``exclude_tags`` that name no tag (ignored)."""
        return list(self.raw.get("unknown_exclude_tags", []))


class AsyncArtistSearchPage(AsyncPage[ArtistSearchHit]):
    """The async twin of `ArtistSearchPage`."""

    @property
    def sort(self) -> str:
        """The order applied (``relevance`` by default with tags, else ``plays``)."""
        return str(self.raw.get("sort", ""))

    @property
    def unknown_tags(self) -> list[str]:
        """Names in ``tags`` that name no tag."""
        return list(self.raw.get("unknown_tags", []))

    @property
    def unknown_exclude_tags(self) -> list[str]:
        """Names in ``exclude_tags`` that name no tag (ignored)."""
        return list(self.raw.get("unknown_exclude_tags", []))
