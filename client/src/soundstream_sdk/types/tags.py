"""Tags (the dataset's ``tagValue``); names are unique ignoring case."""

from __future__ import annotations

from soundstream_sdk._models import SoundStreamModel


class Tag(SoundStreamModel):
    """A community tag."""

    id: int
    name: str


class TagArtist(SoundStreamModel):
    """An artist carrying a tag; ``count`` is how many assignments apply it there."""

    artist_id: int
    name: str
    count: int
