"""`AsyncSoundStream` is the twin of `SoundStream`: the same methods, the same answers."""

from __future__ import annotations

import inspect
from typing import Any

import pytest
from soundstream_sdk import AsyncPage, AsyncPaginator, AsyncSoundStream, SoundStream, SyncPage
from soundstream_sdk._models import SoundStreamModel

pytestmark = pytest.mark.anyio

NAMESPACES = ["artists", "users", "tags", "charts", "analytics", "social", "graph"]

# (method path, args, kwargs): every read method, with arguments that give non-empty answers.
READ_CALLS: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = [
    ("health", (), {}),
    ("ready", (), {}),
    ("stats", (), {}),
    ("artists.get", (4,), {}),
    ("artists.list", (), {"limit": 3}),
    ("artists.search", (), {"tags": ["rock", "pop"], "match": "any", "limit": 2}),
    ("artists.tags", (3,), {}),
    ("artists.listeners", (4,), {"limit": 1}),
    ("users.get", (2,), {}),
    ("users.list", (), {"limit": 2}),
    ("users.artists", (2,), {"sort": "name"}),
    ("users.get_listen", (2, 4), {}),
    ("users.friends", (5,), {}),
    ("users.tag_assignments", (2,), {"limit": 2}),
    ("users.profile", (3,), {"limit": 2}),
    ("tags.get", (5,), {}),
    ("tags.list", (), {"limit": 3}),
    ("tags.artists", (2,), {}),
    ("charts.artists", (), {"by": "listeners", "limit": 3}),
    ("charts.tags", (), {"by": "artists", "limit": 3}),
    ("analytics.tag_trends", (), {"tags": ["rock", "pop"], "granularity": "month"}),
    ("analytics.weight_distribution", (), {"bins_per_decade": 3}),
    ("graph.user_network", (5,), {"friends": 3}),
    ("graph.social_circle", (3,), {}),
    ("social.summary", (), {"include_points": True}),
    ("social.communities", (), {"min_support": 1, "limit": 1}),
    ("social.user", (6,), {}),
    ("social.ego", (5,), {"max_nodes": 3}),
    ("social.friend_recommendations", (6,), {}),
    ("users.recommendations", (3,), {"limit": 3, "strategy": "social"}),
    ("users.similar", (5,), {}),
    ("artists.similar", (7,), {"limit": 2}),
]


def method(client: object, dotted: str) -> Any:
    target = client
    for part in dotted.split("."):
        target = getattr(target, part)
    return target


def public_methods(obj: object) -> dict[str, inspect.Signature]:
    return {
        name: inspect.signature(member)
        for name, member in inspect.getmembers(obj, callable)
        if not name.startswith("_")
    }


def as_plain(value: Any) -> Any:
    if isinstance(value, SoundStreamModel):
        return value.to_dict()
    return [item.to_dict() for item in value]


def test_every_namespace_has_the_same_methods_and_parameters() -> None:
    sync, async_ = SoundStream(), AsyncSoundStream()
    for namespace in NAMESPACES:
        sync_methods = public_methods(getattr(sync, namespace))
        async_methods = public_methods(getattr(async_, namespace))
        assert sync_methods.keys() == async_methods.keys(), namespace
        for name, signature in sync_methods.items():
            assert list(signature.parameters) == list(async_methods[name].parameters), name
    top_level = {"health", "ready", "stats", "graphql", "with_options", "close"}
    assert top_level <= public_methods(sync).keys()
    assert top_level <= public_methods(async_).keys()
    sync.close()


@pytest.mark.parametrize(("dotted", "args", "kwargs"), READ_CALLS, ids=[c[0] for c in READ_CALLS])
async def test_async_answers_equal_sync_answers(
    client: SoundStream,
    async_client: AsyncSoundStream,
    dotted: str,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> None:
    sync_result = method(client, dotted)(*args, **kwargs)
    async_call = method(async_client, dotted)(*args, **kwargs)
    if isinstance(async_call, AsyncPaginator):
        assert isinstance(sync_result, SyncPage)
        async_result: Any = [item async for item in async_call]
    else:
        async_result = await async_call
    expected = as_plain(sync_result)
    assert expected  # a parity test over empty answers would prove little
    assert as_plain(async_result) == expected


async def test_awaiting_a_list_gives_its_first_page(async_client: AsyncSoundStream) -> None:
    page = await async_client.artists.list(limit=3)
    assert isinstance(page, AsyncPage)
    assert ([a.id for a in page.items], page.total) == ([1, 2, 3], 8)
    assert page.has_next_page()
    second = await page.get_next_page()
    assert [a.id for a in second.items] == [4, 5, 6]
    assert [len(p.items) async for p in page.iter_pages()] == [3, 3, 2]
    assert [a.id async for a in second] == [4, 5, 6, 7, 8]


async def test_an_awaited_search_page_keeps_its_envelope(async_client: AsyncSoundStream) -> None:
    page = await async_client.artists.search(tags=["rock", "nope"], match="any", sort="plays")
    assert (page.sort, page.unknown_tags) == ("plays", ["nope"])
    assert [hit.name for hit in page.items] == ["Radiohead", "Muse"]


async def test_async_writes(async_writer: AsyncSoundStream) -> None:
    artist = await async_writer.artists.create(name="Portishead")
    assert (await async_writer.artists.update(artist.id, url="http://x.example")).url == (
        "http://x.example"
    )
    assert (await async_writer.artists.replace(artist.id, name="P")).url is None
    tag = await async_writer.tags.create(name="trip hop")
    assert (await async_writer.tags.update(tag.id, name="trip-hop")).name == "trip-hop"
    user = await async_writer.users.create()
    assert (await async_writer.users.set_listen(user.id, artist.id, weight=9)).weight == 9
    assignment = await async_writer.users.add_tag_assignment(user.id, artist.id, tag_id=tag.id)
    assert assignment.tag_name == "trip-hop"
    assert (await async_writer.users.add_friend(user.id, 2)).friend_id == 2
    assert [f.friend_id async for f in async_writer.users.friends(user.id)] == [2]
    await async_writer.users.remove_friend(user.id, 2)
    await async_writer.users.remove_tag_assignment(user.id, artist.id, tag.id)
    await async_writer.users.delete_listen(user.id, artist.id)
    assert [a async for a in async_writer.users.artists(user.id)] == []
    await async_writer.tags.delete(tag.id)
    await async_writer.artists.delete(artist.id)
    await async_writer.users.delete(user.id)
    assert (await async_writer.stats()).counts.artists == 8
