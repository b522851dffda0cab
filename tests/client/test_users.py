"""``client.users``: users, listens, friendships, tag assignments and profiles, live."""

from __future__ import annotations

import datetime as dt

import pytest
from soundstream_sdk import ConflictError, NotFoundError, SoundStream, UnprocessableEntityError
from soundstream_sdk.types import TagAssignment, User


def test_list_walks_every_user(client: SoundStream) -> None:
    assert [u.id for u in client.users.list(limit=2)] == [2, 3, 4, 5, 6]


def test_get_has_the_counts(client: SoundStream) -> None:
    assert client.users.get(2) == User(id=2, listen_count=3, friend_count=2, tag_assignment_count=5)


def test_artists_of_a_user_most_played_first(client: SoundStream) -> None:
    assert [(a.name, a.weight) for a in client.users.artists(2)] == [
        ("Radiohead", 1000),
        ("Muse", 500),
        ("Björk", 50),
    ]


def test_artists_of_a_user_in_another_order(client: SoundStream) -> None:
    assert [a.name for a in client.users.artists(2, sort="name")] == ["Björk", "Muse", "Radiohead"]
    assert [a.artist_id for a in client.users.artists(3, sort="-artist_id", limit=1)] == [7, 6, 4]


def test_get_listen(client: SoundStream) -> None:
    listen = client.users.get_listen(3, 6)
    assert (listen.user_id, listen.artist_id, listen.weight) == (3, 6, 5000)
    with pytest.raises(NotFoundError):
        client.users.get_listen(2, 6)


def test_friends_of_a_user(client: SoundStream) -> None:
    assert [(f.user_id, f.friend_id) for f in client.users.friends(2)] == [(2, 3), (2, 4)]


def test_tag_assignments_newest_first_and_filtered(client: SoundStream) -> None:
    assignments = list(client.users.tag_assignments(3))
    assert [(a.artist_name, a.tag_name, a.year) for a in assignments] == [
        ("Britney Spears", "pop", 2010),
        ("Radiohead", "rock", 2009),
    ]
    assert assignments[1].assigned_at == dt.datetime(2009, 6, 1, tzinfo=dt.UTC)
    only_indie = client.users.tag_assignments(2, tag_id=6)
    assert {a.artist_name for a in only_indie} == {"Radiohead", "Björk"}
    assert [a.tag_name for a in client.users.tag_assignments(2, artist_id=5)] == ["rock"]


def test_profile_values(client: SoundStream) -> None:
    profile = client.users.profile(2, limit=2)
    assert (profile.id, profile.total_plays, profile.friends) == (2, 1550, 2)
    assert [(a.name, a.weight) for a in profile.top_artists] == [("Radiohead", 1000), ("Muse", 500)]
    assert [t.name for t in profile.top_tags] == ["rock", "indie"]
    assert profile.diversity.distinct_artists == 3
    assert profile.top_artists[0].share == pytest.approx(1000 / 1550)


def test_create_gets_the_next_id_or_the_one_given(writer: SoundStream) -> None:
    assert writer.users.create().id == 7
    assert writer.users.create(id=100) == User(id=100)
    with pytest.raises(ConflictError):
        writer.users.create(id=2)


def test_delete_removes_the_user_and_their_friendships(writer: SoundStream) -> None:
    writer.users.delete(3)
    with pytest.raises(NotFoundError):
        writer.users.get(3)
    assert [f.friend_id for f in writer.users.friends(2)] == [4]


def test_set_listen_creates_then_replaces_and_delete_listen_removes(writer: SoundStream) -> None:
    created = writer.users.set_listen(6, 4, weight=42)
    assert (created.user_id, created.artist_id, created.weight) == (6, 4, 42)
    assert writer.users.set_listen(6, 4, weight=43).weight == 43
    assert writer.users.get_listen(6, 4).weight == 43
    writer.users.delete_listen(6, 4)
    assert list(writer.users.artists(6)) == []


def test_add_and_remove_a_friend_both_ways(writer: SoundStream) -> None:
    friendship = writer.users.add_friend(4, 6)
    assert (friendship.user_id, friendship.friend_id) == (4, 6)
    assert writer.users.add_friend(4, 6) == friendship  # again: harmless
    assert 4 in [f.friend_id for f in writer.users.friends(6)]
    writer.users.remove_friend(6, 4)
    assert [f.friend_id for f in writer.users.friends(4)] == [2]
    with pytest.raises(NotFoundError):
        writer.users.remove_friend(6, 4)


def test_befriending_oneself_is_invalid(writer: SoundStream) -> None:
    with pytest.raises(UnprocessableEntityError):
        writer.users.add_friend(2, 2)


def test_add_a_tag_assignment_by_name_on_a_day_then_remove_it(writer: SoundStream) -> None:
    assignment = writer.users.add_tag_assignment(
        5, 7, tag_name="French House", date=dt.date(2010, 5, 17)
    )
    assert isinstance(assignment, TagAssignment)
    assert (assignment.tag_name, assignment.tag_id) == ("French House", 9)
    assert (assignment.year, assignment.month, assignment.day) == (2010, 5, 17)
    with pytest.raises(ConflictError):
        writer.users.add_tag_assignment(5, 7, tag_id=9)
    writer.users.remove_tag_assignment(5, 7, 9)
    assert list(writer.users.tag_assignments(5, tag_id=9)) == []


def test_add_a_tag_assignment_by_id_at_a_timestamp(writer: SoundStream) -> None:
    assignment = writer.users.add_tag_assignment(6, 7, tag_id=3, timestamp=1235865600000)
    assert (assignment.artist_name, assignment.tag_name) == ("Daft Punk", "electronic")
    assert assignment.assigned_at == dt.datetime(2009, 3, 1, tzinfo=dt.UTC)
    writer.users.remove_tag_assignment(6, 7, 3, timestamp=1235865600000)
    assert [a.artist_id for a in writer.users.tag_assignments(6)] == [3]
