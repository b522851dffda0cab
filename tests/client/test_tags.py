"""``client.tags`` against a live server."""

from __future__ import annotations

import pytest
from soundstream_sdk import ConflictError, NotFoundError, SoundStream
from soundstream_sdk.types import Tag

TAG_NAMES = ["rock", "pop", "electronic", "fußball", "tropicália", "indie", "comedy", "unused tag"]


def test_list_walks_every_tag_with_names_decoded(client: SoundStream) -> None:
    assert [t.name for t in client.tags.list(limit=3)] == TAG_NAMES


def test_get(client: SoundStream) -> None:
    assert client.tags.get(4) == Tag(id=4, name="fußball")
    with pytest.raises(NotFoundError):
        client.tags.get(99)


def test_artists_carrying_a_tag(client: SoundStream) -> None:
    assert [(a.artist_id, a.name, a.count) for a in client.tags.artists(1)] == [
        (4, "Radiohead", 2),
        (5, "Muse", 1),
    ]
    assert list(client.tags.artists(8)) == []


def test_create_update_delete(writer: SoundStream) -> None:
    created = writer.tags.create(name="shoegaze")
    assert created == Tag(id=9, name="shoegaze")
    assert writer.tags.create(name="dub", id=50).id == 50
    assert writer.tags.update(9, name="dream pop") == Tag(id=9, name="dream pop")
    writer.tags.delete(9)
    with pytest.raises(NotFoundError):
        writer.tags.get(9)


def test_names_are_unique_ignoring_case(writer: SoundStream) -> None:
    with pytest.raises(ConflictError):
        writer.tags.create(name="ROCK")
    with pytest.raises(ConflictError):
        writer.tags.update(2, name="Rock")


def test_deleting_a_tag_deletes_its_assignments(writer: SoundStream) -> None:
    writer.tags.delete(6)
    assert [t.name for t in writer.artists.tags(4)] == ["rock"]
