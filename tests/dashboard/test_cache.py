"""Reads are cached under the API's data version: the same version never asks twice, a
write (which bumps the version) shows up as soon as the version is asked for again."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from soundstream_dashboard import api as dashboard_api
from soundstream_sdk import SoundStream

from tests.conftest import API_KEY, make_settings
from tests.dashboard.conftest import metrics, page
from tests.server.live import live_server


@pytest.fixture
def writable_api(small_db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    with live_server(make_settings(small_db_url)) as base:
        monkeypatch.setenv("SOUNDSTREAM_URL", base)
        yield base
        dashboard_api.disconnect()


def add_a_listen(base: str) -> None:
    with SoundStream(base_url=base, api_key=API_KEY) as writer:
        writer.users.set_listen(6, 7, weight=5)  # user 6 had no listens


def test_reads_at_one_version_are_served_from_the_cache(writable_api: str) -> None:
    before = dashboard_api.connect()
    assert before.stats().counts.listens == 11
    add_a_listen(writable_api)
    assert before.stats().counts.listens == 11  # same version: no request, same answer
    dashboard_api.forget_data_version()  # as when the version's short TTL runs out
    after = dashboard_api.connect()
    assert after.version == before.version + 1
    assert after.stats().counts.listens == 12


def test_a_page_shows_a_write_once_the_version_moves_on(writable_api: str) -> None:
    at = page("overview").run()
    assert metrics(at)["Listens"] == "11"
    add_a_listen(writable_api)
    dashboard_api.forget_data_version()
    at.run()
    assert not at.exception
    assert metrics(at)["Listens"] == "12"
