"""``client.artists`` against a live server over the small fixture (tests/fixtures/small)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from soundstream_sdk import NotFoundError, SoundStream, SyncPage
from soundstream_sdk.types import Artist, ArtistSearchHit

ALL_ARTISTS = [
    '"Weird Al" Yankovic',
    "Royce da 5'9\"",
    "Björk",
    "Radiohead",
    "Muse",
    "Britney Spears",
    "Daft Punk",
    "Unheard Artist",
]


@pytest.fixture
def counted(read_url: str) -> Iterator[tuple[SoundStream, list[httpx.Request]]]:
    """A client whose requests are recorded."""
    sent: list[httpx.Request] = []
    http = httpx.Client(event_hooks={"request": [sent.append]})
    with http, SoundStream(base_url=read_url, http_client=http) as client:
        yield client, sent


def test_get_returns_a_typed_artist_with_the_name_verbatim(client: SoundStream) -> None:
    artist = client.artists.get(1)
    assert isinstance(artist, Artist)
    assert artist.to_dict() == {
        "id": 1,
        "name": '"Weird Al" Yankovic',
        "url": artist.url,
        "picture_url": "http://img.example/1.png",
    }
    assert client.artists.get(3).url == "http://www.last.fm/music/Bj%C3%B6rk"


def test_get_of_an_unknown_artist_raises_not_found(client: SoundStream) -> None:
    with pytest.raises(NotFoundError, match="artist 999"):
        client.artists.get(999)


def test_iterating_a_list_follows_every_page(
    counted: tuple[SoundStream, list[httpx.Request]],
) -> None:
    client, sent = counted
    names = [artist.name for artist in client.artists.list(limit=3)]
    assert names == ALL_ARTISTS
    assert [(r.url.params["limit"], r.url.params.get("offset", "0")) for r in sent] == [
        ("3", "0"),
        ("3", "3"),
        ("3", "6"),
    ]


def test_a_page_tells_its_place_and_fetches_the_next(client: SoundStream) -> None:
    page = client.artists.list(limit=3, offset=3)
    assert isinstance(page, SyncPage)
    assert (page.total, page.limit, page.offset) == (8, 3, 3)
    assert [a.id for a in page.items] == [4, 5, 6]
    assert page.has_next_page()
    last = page.get_next_page()
    assert [a.id for a in last.items] == [7, 8]
    assert not last.has_next_page()
    with pytest.raises(RuntimeError, match="no next page"):
        last.get_next_page()


def test_iter_pages_yields_each_page_once(client: SoundStream) -> None:
    sizes = [len(page.items) for page in client.artists.list(limit=3).iter_pages()]
    assert sizes == [3, 3, 2]


def test_a_list_past_the_end_is_empty(client: SoundStream) -> None:
    page = client.artists.list(offset=100)
    assert (page.items, page.total, list(page)) == ([], 8, [])


def test_search_all_tags_with_a_listener_floor(client: SoundStream) -> None:
    hits = client.artists.search(tags=["rock", "indie"], match="all", min_listeners=2)
    assert [(h.name, h.plays, h.listeners) for h in hits] == [("Radiohead", 1300, 3)]
    assert hits.sort == "relevance"
    assert isinstance(hits.items[0], ArtistSearchHit)
    assert [(t.name, t.count) for t in hits.items[0].matched_tags] == [("rock", 2), ("indie", 1)]


def test_search_any_tag_excluding_one_sorted_by_name(client: SoundStream) -> None:
    hits = client.artists.search(tags="rock,pop", match="any", exclude_tags=["indie"], sort="name")
    assert [h.name for h in hits] == ["Britney Spears", "Daft Punk", "Muse"]
    assert hits.sort == "name"


def test_search_reports_unknown_tags(client: SoundStream) -> None:
    hits = client.artists.search(tags=["pop", "nope"], match="any", exclude_tags=["zilch"])
    assert hits.unknown_tags == ["nope"]
    assert hits.unknown_exclude_tags == ["zilch"]
    assert {h.name for h in hits} == {"Britney Spears", "Daft Punk"}


def test_search_by_name_and_plays(client: SoundStream) -> None:
    assert [h.name for h in client.artists.search(q="PUNK")] == ["Daft Punk"]
    window = client.artists.search(min_plays=50, max_plays=1000, sort="plays")
    assert [h.name for h in window] == ["Daft Punk", "Muse", "Björk"]


def test_search_restricted_to_tagging_years(client: SoundStream) -> None:
    hits = client.artists.search(tags=["rock"], tagged_from=2009, tagged_to=2009)
    assert {h.name: [t.count for t in h.matched_tags] for h in hits} == {
        "Radiohead": [1],
        "Muse": [1],
    }


def test_search_results_paginate_across_pages(client: SoundStream) -> None:
    hits = client.artists.search(tags=["rock", "pop"], match="any", limit=1)
    assert (len(hits.items), hits.total) == (1, 4)
    assert [h.name for h in hits] == ["Britney Spears", "Radiohead", "Daft Punk", "Muse"]
    assert all(page.sort == "relevance" for page in hits.iter_pages())


def test_tags_of_an_artist_most_assigned_first(client: SoundStream) -> None:
    assert [(t.tag_id, t.name, t.count) for t in client.artists.tags(4)] == [
        (1, "rock", 2),
        (6, "indie", 1),
    ]


def test_listeners_of_an_artist_most_plays_first(client: SoundStream) -> None:
    assert [(x.user_id, x.weight) for x in client.artists.listeners(4)] == [
        (2, 1000),
        (3, 200),
        (5, 100),
    ]
    assert list(client.artists.listeners(8)) == []


def test_create_with_the_next_id_then_read_it_back(writer: SoundStream) -> None:
    created = writer.artists.create(name="Portishead", url="http://www.last.fm/music/Portishead")
    assert (created.id, created.name, created.picture_url) == (9, "Portishead", None)
    assert writer.artists.get(9) == created


def test_create_with_an_explicit_id(writer: SoundStream) -> None:
    assert writer.artists.create(name="Air", id=500).id == 500


def test_update_changes_only_the_fields_given(writer: SoundStream) -> None:
    updated = writer.artists.update(4, name="Radiohead (UK)")
    assert updated.name == "Radiohead (UK)"
    assert updated.url == "http://www.last.fm/music/Radiohead"
    cleared = writer.artists.update(4, picture_url=None)
    assert (cleared.name, cleared.picture_url) == ("Radiohead (UK)", None)


def test_replace_sets_every_field(writer: SoundStream) -> None:
    replaced = writer.artists.replace(4, name="Radiohead")
    assert (replaced.url, replaced.picture_url) == (None, None)


def test_delete_removes_the_artist_and_its_listens(writer: SoundStream) -> None:
    writer.artists.delete(4)
    with pytest.raises(NotFoundError):
        writer.artists.get(4)
    assert [a.artist_id for a in writer.users.artists(2)] == [5, 3]
