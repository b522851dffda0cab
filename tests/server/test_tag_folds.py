"""``tag_folds``: every tag's case-folded name, written with the tag by the migration, the
ingest and the API, and what the search and trends look tag names up in — one indexed
statement instead of a directory of every name per worker (docs/scaling.md)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from server.db.engine import create_db_engine
from server.db.migrate import downgrade, upgrade
from server.db.models import fold_tag_name
from server.ingest.service import run_ingest
from tests.conftest import SMALL_DATA, count_statements
from tests.server.conftest import API


def folds(engine: Engine) -> dict[int, str]:
    with engine.connect() as conn:
        rows = conn.execute(text('SELECT "tagID", folded FROM tag_folds'))
        return {int(tag_id): str(folded) for tag_id, folded in rows}


def tags(engine: Engine) -> dict[int, str]:
    with engine.connect() as conn:
        rows = conn.execute(text('SELECT "tagID", "tagValue" FROM tags'))
        return {int(tag_id): str(value) for tag_id, value in rows}


def search(client: TestClient, **params: Any) -> dict[str, Any]:
    response = client.get(f"{API}/artists/search", params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_folding_is_unicode_case_folding() -> None:
    assert fold_tag_name("TROPICÁLIA") == "tropicália"
    assert fold_tag_name("Straße") == fold_tag_name("STRASSE") == "strasse"
    assert fold_tag_name("ΣΊΣΥΦΟΣ") == fold_tag_name("σίσυφος")


def test_the_migration_folds_every_existing_tag_in_batches(
    backend: str, new_database_url: Callable[[str, str], str]
) -> None:
    url = new_database_url(backend, "folds")
    upgrade(url, "0007")
    engine = create_db_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(
                text(
                    'INSERT INTO tags ("tagID", "tagValue") VALUES '
                    "(1, 'TROPICÁLIA'), (2, 'Straße'), (3, 'rock')"
                )
            )
            # more than one batch of the migration's (20,000)
            conn.execute(
                text(
                    "WITH RECURSIVE n(i) AS (SELECT 10 UNION ALL SELECT i + 1 FROM n "
                    'WHERE i < 20012) INSERT INTO tags ("tagID", "tagValue") '
                    "SELECT i, 'Tag ' || CAST(i AS TEXT) FROM n"
                )
            )
        upgrade(url)
        found = folds(engine)
        assert found == {tag_id: value.casefold() for tag_id, value in tags(engine).items()}
        assert len(found) == 3 + 20003
        assert (found[1], found[2], found[20012]) == ("tropicália", "strasse", "tag 20012")
        downgrade(url, "0007")
        assert len(tags(engine)) == 3 + 20003  # the tags themselves stay
    finally:
        engine.dispose()


def test_the_ingest_writes_a_fold_for_every_tag_stubs_included(
    backend: str, new_database_url: Callable[[str, str], str], tmp_path: Path
) -> None:
    url = new_database_url(backend, "foldsingest")
    engine = create_db_engine(url)
    data = tmp_path / "data"
    data.mkdir()
    for source in SMALL_DATA.iterdir():
        (data / source.name).write_bytes(source.read_bytes())
    # an assignment of a tag no file defines: kept as a stub tag, which is folded too
    with (data / "user_taggedartists.dat").open("a", encoding="latin-1") as f:
        f.write("2\t1\t777\t1\t1\t2010\n")
    try:
        report = run_ingest(engine, data, orphans="stub")
        assert report.stub_tags == 1
        found = folds(engine)
        assert found == {tag_id: value.casefold() for tag_id, value in tags(engine).items()}
        assert found[4] == "fussball"
        assert found[777] == "[unknown tag 777]"
    finally:
        engine.dispose()


def test_api_writes_keep_the_folds(
    client: TestClient, engine: Engine, auth: dict[str, str]
) -> None:
    created = client.post(f"{API}/tags", json={"name": "Straße Punk"}, headers=auth).json()
    assert folds(engine)[created["id"]] == "strasse punk"
    # the fold is what the uniqueness rule reads: another case of the name is taken
    taken = client.post(f"{API}/tags", json={"name": "STRASSE PUNK"}, headers=auth)
    assert taken.status_code == 409
    renamed = client.put(f"{API}/tags/{created['id']}", json={"name": "Ambient"}, headers=auth)
    assert renamed.status_code == 200
    assert folds(engine)[created["id"]] == "ambient"
    assert client.post(f"{API}/tags", json={"name": "Straße Punk"}, headers=auth).status_code == 201
    assert client.delete(f"{API}/tags/{created['id']}", headers=auth).status_code == 204
    assert created["id"] not in folds(engine)
    assert folds(engine) == {tag_id: value.casefold() for tag_id, value in tags(engine).items()}


def test_tagging_with_a_new_word_creates_the_tag_with_its_fold(
    client: TestClient, engine: Engine, auth: dict[str, str]
) -> None:
    response = client.post(
        f"{API}/users/2/tag-assignments",
        json={"artist_id": 1, "tag_name": "Shoegaze"},
        headers=auth,
    )
    assert response.status_code == 201, response.text
    assert "shoegaze" in folds(engine).values()
    body = search(client, tags="SHOEGAZE")
    assert [hit["id"] for hit in body["items"]] == [1]


def test_a_renamed_tag_is_searched_by_its_new_name(
    client: TestClient, auth: dict[str, str]
) -> None:
    assert [h["id"] for h in search(client, tags="FUSSBALL")["items"]] == [2]
    assert client.put(f"{API}/tags/4", json={"name": "Soccer"}, headers=auth).status_code == 200
    assert [h["id"] for h in search(client, tags="soccer")["items"]] == [2]
    body = search(client, tags="fußball")
    assert (body["items"], body["unknown_tags"]) == ([], ["fußball"])


def test_a_search_looks_its_names_up_instead_of_reading_every_tag(
    client: TestClient, engine: Engine
) -> None:
    client.app.state.cache.clear()  # type: ignore[attr-defined]
    with count_statements(engine) as statements:
        body = search(client, tags="ROCK,InDiE,nonesuch", match="any")
    assert body["unknown_tags"] == ["nonesuch"]
    named = [s for s in statements if "tag_folds" in s]
    assert len(named) == 1  # every name in one statement
    # no statement reads the tags without a condition (the old per-worker directory did)
    assert not [s for s in statements if "FROM tags" in s and "WHERE" not in s]
    with count_statements(engine) as statements:
        search(client, tags="nonesuch,indie,Rock", match="any", sort="plays")
    assert not [s for s in statements if "tag_folds" in s]  # the names are cached per version


def test_tag_trends_find_names_in_any_case(client: TestClient) -> None:
    response = client.get(f"{API}/analytics/tag-trends", params={"tags": "FUSSBALL,Rock"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert [s["name"] for s in body["series"]] == ["fußball", "rock"]
