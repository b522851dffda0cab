"""The summary tables (`server.db.summaries`) equal a fresh GROUP BY of their sources after
an ingest, after every kind of write the API makes (cascades included), after plain SQL, and
after the migration that introduces them — on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, inspect, text

from server.db import summaries
from server.db.engine import create_db_engine
from server.db.migrate import downgrade, upgrade
from server.ingest.service import run_ingest
from tests.conftest import SMALL_DATA
from tests.server.conftest import API


def drift(engine: Engine, revision: int = summaries.CURRENT) -> dict[str, int]:
    with engine.connect() as conn:
        return summaries.drift(conn, revision=revision)


def stats(engine: Engine, artist_id: int) -> tuple[int, int] | None:
    with engine.connect() as conn:
        row = conn.execute(
            text('SELECT plays, listeners FROM artist_stats WHERE "artistID" = :a'),
            {"a": artist_id},
        ).one_or_none()
    return None if row is None else (int(row[0]), int(row[1]))


def tag_count(engine: Engine, artist_id: int, tag_id: int) -> int | None:
    with engine.connect() as conn:
        value = conn.execute(
            text(
                'SELECT assignments FROM artist_tag_counts WHERE "artistID" = :a AND "tagID" = :t'
            ),
            {"a": artist_id, "t": tag_id},
        ).scalar_one_or_none()
    return None if value is None else int(value)


TALLIES_CLEAN = {"artist_stats": 0, "artist_tag_counts": 0}
CLEAN = {**TALLIES_CLEAN, "artist_search": 0}
INSERT_ASSIGNMENTS = (
    'INSERT INTO user_taggedartists ("userID", "artistID", "tagID", "timestamp") VALUES'
)


def seed(engine: Engine, *, artists: str, tags: str, assignments: str, listens: str = "") -> None:
    """Users 1 and 2, then the given rows (SQL ``VALUES`` lists), written before a migration
    that must carry them into its tallies."""
    with engine.begin() as conn:
        conn.execute(text('INSERT INTO users ("userID") VALUES (1), (2)'))
        conn.execute(text(f"INSERT INTO artists (id, name) VALUES {artists}"))
        conn.execute(text(f'INSERT INTO tags ("tagID", "tagValue") VALUES {tags}'))
        if listens:
            conn.execute(
                text(f'INSERT INTO user_artists ("userID", "artistID", weight) VALUES {listens}')
            )
        conn.execute(text(f"{INSERT_ASSIGNMENTS} {assignments}"))


@contextmanager
def seeded_at(
    revision: str, url: str, *, artists: str, tags: str, assignments: str, listens: str = ""
) -> Iterator[Engine]:
    """The new database ``url`` migrated to ``revision`` and holding the given rows (`seed`),
    for a migration after it to carry into its tallies."""
    upgrade(url, revision)
    engine = create_db_engine(url)
    try:
        seed(engine, artists=artists, tags=tags, assignments=assignments, listens=listens)
        yield engine
    finally:
        engine.dispose()


def test_ingest_fills_the_summaries(engine: Engine) -> None:
    assert drift(engine) == CLEAN
    # tests/fixtures/small: Radiohead (4) has listens 1000 (user 2) + others; rock (1) twice.
    with engine.connect() as conn:
        expected = conn.execute(
            text('SELECT SUM(weight), COUNT(*) FROM user_artists WHERE "artistID" = 4')
        ).one()
    assert stats(engine, 4) == (int(expected[0]), int(expected[1]))
    assert tag_count(engine, 4, 1) == 2


def test_listen_writes_keep_artist_stats(
    client: TestClient, engine: Engine, auth: dict[str, str]
) -> None:
    before = stats(engine, 8)
    plays, listeners = before or (0, 0)
    assert client.put(f"{API}/users/6/artists/8", json={"weight": 7}, headers=auth).is_success
    assert stats(engine, 8) == (plays + 7, listeners + 1)
    assert client.put(f"{API}/users/6/artists/8", json={"weight": 10}, headers=auth).is_success
    assert stats(engine, 8) == (plays + 10, listeners + 1)
    assert client.delete(f"{API}/users/6/artists/8", headers=auth).status_code == 204
    assert stats(engine, 8) == before
    assert drift(engine) == CLEAN


def test_an_artists_last_listener_leaves_no_row(
    client: TestClient, engine: Engine, auth: dict[str, str]
) -> None:
    created = client.post(f"{API}/artists", json={"name": "Nobody Yet"}, headers=auth).json()
    artist_id = int(created["id"])
    assert stats(engine, artist_id) is None
    client.put(f"{API}/users/2/artists/{artist_id}", json={"weight": 3}, headers=auth)
    assert stats(engine, artist_id) == (3, 1)
    client.delete(f"{API}/users/2/artists/{artist_id}", headers=auth)
    assert stats(engine, artist_id) is None
    body = client.get(f"{API}/artists/{artist_id}").json()
    assert (body.get("plays", 0), body.get("listeners", 0)) == (0, 0)


def test_tag_assignment_writes_keep_counts(
    client: TestClient, engine: Engine, auth: dict[str, str]
) -> None:
    assert tag_count(engine, 4, 1) == 2
    response = client.post(
        f"{API}/users/6/tag-assignments", json={"artist_id": 4, "tag_id": 1}, headers=auth
    )
    assert response.status_code == 201
    assert tag_count(engine, 4, 1) == 3
    assert client.delete(f"{API}/users/6/tag-assignments/4/1", headers=auth).status_code == 204
    assert tag_count(engine, 4, 1) == 2
    assert client.delete(f"{API}/users/2/tag-assignments/4/6", headers=auth).status_code == 204
    assert tag_count(engine, 4, 6) is None
    assert drift(engine) == CLEAN


@pytest.mark.parametrize("path", ["/users/2", "/artists/4", "/tags/1"])
def test_cascading_deletes_keep_summaries(
    client: TestClient, engine: Engine, auth: dict[str, str], path: str
) -> None:
    assert client.delete(f"{API}{path}", headers=auth).status_code == 204
    assert drift(engine) == CLEAN
    if path == "/artists/4":
        assert stats(engine, 4) is None
        assert tag_count(engine, 4, 1) is None
    if path == "/tags/1":
        assert tag_count(engine, 4, 1) is None


def test_plain_sql_is_followed(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(text('UPDATE user_artists SET weight = weight + 1 WHERE "userID" = 2'))
        conn.execute(
            text('UPDATE user_artists SET "artistID" = 8 WHERE "userID" = 3 AND "artistID" = 7')
        )
        conn.execute(text('UPDATE user_taggedartists SET "tagID" = 7 WHERE "userID" = 3'))
        conn.execute(text('DELETE FROM user_taggedartists WHERE "userID" = 2'))
    assert drift(engine) == CLEAN


def search_row(engine: Engine, artist_id: int) -> tuple[str, int, int] | None:
    with engine.connect() as conn:
        row = conn.execute(
            text('SELECT name, plays, listeners FROM artist_search WHERE "artistID" = :a'),
            {"a": artist_id},
        ).one_or_none()
    return None if row is None else (str(row[0]), int(row[1]), int(row[2]))


def found_by_name(client: TestClient, piece: str) -> list[tuple[str, int, int]]:
    items = client.get(f"{API}/artists/search", params={"q": piece}).json()["items"]
    return [(i["name"], i["plays"], i["listeners"]) for i in items]


def test_search_rows_follow_artists_and_their_listens(
    client: TestClient, engine: Engine, auth: dict[str, str]
) -> None:
    """Every artist has its row, from creation (unlistened: 0 and 0) through listens,
    renames (API and plain SQL, an id change included) to deletion; the name search reads
    the figures from it."""
    created = client.post(f"{API}/artists", json={"name": "Quux Quartet"}, headers=auth).json()
    artist_id = int(created["id"])
    assert search_row(engine, artist_id) == ("Quux Quartet", 0, 0)
    assert found_by_name(client, "quux q") == [("Quux Quartet", 0, 0)]
    client.put(f"{API}/users/2/artists/{artist_id}", json={"weight": 30}, headers=auth)
    client.put(f"{API}/users/3/artists/{artist_id}", json={"weight": 12}, headers=auth)
    assert search_row(engine, artist_id) == ("Quux Quartet", 42, 2)
    response = client.patch(f"{API}/artists/{artist_id}", json={"name": "Quux Trio"}, headers=auth)
    assert response.status_code == 200
    assert found_by_name(client, "quux") == [("Quux Trio", 42, 2)]
    assert found_by_name(client, "quartet") == []
    client.delete(f"{API}/users/3/artists/{artist_id}", headers=auth)
    assert search_row(engine, artist_id) == ("Quux Trio", 30, 1)
    client.delete(f"{API}/users/2/artists/{artist_id}", headers=auth)
    assert search_row(engine, artist_id) == ("Quux Trio", 0, 0)
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE artists SET name = 'Quux Duo', id = 99001 WHERE id = :a"), {"a": artist_id}
        )
    assert search_row(engine, artist_id) is None
    assert search_row(engine, 99001) == ("Quux Duo", 0, 0)
    assert drift(engine) == CLEAN
    assert client.delete(f"{API}/artists/99001", headers=auth).status_code == 204
    assert search_row(engine, 99001) is None
    assert drift(engine) == CLEAN


def artist_tag_names(client: TestClient, artist_id: int) -> list[str]:
    return [t["name"] for t in client.get(f"{API}/artists/{artist_id}/tags").json()["items"]]


def graphql_top_tag(client: TestClient, artist_id: int) -> str:
    query = "query($id: Int!) { artist(id: $id) { topTags(first: 1) { node { name } } } }"
    response = client.post("/graphql", json={"query": query, "variables": {"id": artist_id}})
    return str(response.json()["data"]["artist"]["topTags"][0]["node"]["name"])


def test_renamed_tags_are_followed_and_reorder_ties(
    client: TestClient, engine: Engine, auth: dict[str, str]
) -> None:
    """The tally's copy of a tag's name follows a rename through the API and through plain
    SQL, so ties at an artist's top still break by the current name (artist 3 carries
    electronic, indie and tropicália once each)."""
    assert artist_tag_names(client, 3) == ["electronic", "indie", "tropicália"]
    assert graphql_top_tag(client, 3) == "electronic"
    response = client.put(f"{API}/tags/6", json={"name": "acoustic"}, headers=auth)
    assert response.status_code == 200
    assert artist_tag_names(client, 3) == ["acoustic", "electronic", "tropicália"]
    assert graphql_top_tag(client, 3) == "acoustic"
    assert drift(engine) == CLEAN
    with engine.begin() as conn:
        conn.execute(text('UPDATE tags SET "tagValue" = \'ambient\' WHERE "tagID" = 3'))
        names = conn.execute(
            text('SELECT "tagValue" FROM artist_tag_counts WHERE "tagID" = 3')
        ).scalars()
        assert set(names) == {"ambient"}
    assert drift(engine) == CLEAN


def test_postgres_truncate_empties_the_summaries(
    new_database_url: Callable[[str, str], str],
) -> None:
    """TRUNCATE fires no row trigger; a statement trigger follows it (SQLite has none)."""
    url = new_database_url("postgresql", "summary_truncate")
    engine = create_db_engine(url)
    try:
        run_ingest(engine, SMALL_DATA)
        with engine.begin() as conn:
            conn.execute(text("TRUNCATE user_artists, user_taggedartists"))
        assert drift(engine) == CLEAN
        with engine.connect() as conn:
            left = conn.execute(text("SELECT COUNT(*) FROM artist_tag_counts")).scalar_one()
        assert left == 0
        with engine.connect() as conn:
            figures = conn.execute(text("SELECT MAX(plays), COUNT(*) FROM artist_search")).one()
        assert (figures[0], figures[1] > 0) == (0, True)  # every artist, none listened to
        with engine.begin() as conn:
            conn.execute(text("TRUNCATE artists CASCADE"))
        assert drift(engine) == CLEAN
        with engine.connect() as conn:
            assert conn.execute(text("SELECT COUNT(*) FROM artist_search")).scalar_one() == 0
    finally:
        engine.dispose()


def test_the_migration_backfills_an_existing_database(
    backend: str, new_database_url: Callable[[str, str], str]
) -> None:
    url = new_database_url(backend, "summary_migrate")
    with seeded_at(
        "0001",
        url,
        artists="(10, 'a'), (11, 'b')",
        tags="(5, 'x')",
        listens="(1, 10, 4), (2, 10, 6), (2, 11, 1)",
        assignments="(1, 10, 5, 1), (2, 10, 5, 2)",
    ) as engine:
        upgrade(url)
        assert stats(engine, 10) == (10, 2)
        assert stats(engine, 11) == (1, 1)
        assert tag_count(engine, 10, 5) == 2
        with engine.begin() as conn:
            conn.execute(text('DELETE FROM user_artists WHERE "artistID" = 11'))
        assert stats(engine, 11) is None
        assert drift(engine) == CLEAN


def test_the_tag_name_migration_refills_the_tally_and_goes_back(
    backend: str, new_database_url: Callable[[str, str], str]
) -> None:
    """0006 makes the tally again with the tags' names from the rows already there, with
    triggers that copy and follow names; its downgrade gives 0005's tally back, counting."""
    url = new_database_url(backend, "summary_tag_names")
    with seeded_at(
        "0005",
        url,
        artists="(10, 'a')",
        tags="(5, 'x'), (6, 'y')",
        assignments="(1, 10, 5, 1), (2, 10, 5, 2), (2, 10, 6, 3)",
    ) as engine:
        upgrade(url, "0006")
        with engine.begin() as conn:
            rows = conn.execute(
                text(
                    'SELECT "tagID", assignments, "tagValue" FROM artist_tag_counts '
                    'WHERE "artistID" = 10 ORDER BY "tagID"'
                )
            ).all()
            assert [tuple(r) for r in rows] == [(5, 2, "x"), (6, 1, "y")]
            conn.execute(text(f"{INSERT_ASSIGNMENTS} (1, 10, 6, 4)"))
            conn.execute(text('UPDATE tags SET "tagValue" = \'z\' WHERE "tagID" = 5'))
        assert drift(engine, summaries.NAMED_TALLY) == TALLIES_CLEAN
        downgrade(url, "0005")
        assert tag_count(engine, 10, 5) == 2
        assert tag_count(engine, 10, 6) == 2
        with engine.begin() as conn:
            conn.execute(text('DELETE FROM user_taggedartists WHERE "tagID" = 6'))
        assert tag_count(engine, 10, 6) is None
        upgrade(url)
        assert drift(engine) == CLEAN


def test_the_search_rows_migration_fills_them_and_goes_back(
    backend: str, new_database_url: Callable[[str, str], str]
) -> None:
    """0007 gives every artist already there its row (the unlistened one too) and triggers
    that follow writes; its downgrade drops them and gives the name indexes back to
    ``artists``; the upgrade after it is clean."""
    url = new_database_url(backend, "summary_search_rows")
    with seeded_at(
        "0006",
        url,
        artists="(10, 'Alpha Beat'), (11, 'Beta Band'), (12, 'Gamma')",
        tags="(5, 'x')",
        listens="(1, 10, 4), (2, 10, 6), (2, 11, 1)",
        assignments="(1, 10, 5, 1)",
    ) as engine:
        upgrade(url, "0007")
        assert search_row(engine, 10) == ("Alpha Beat", 10, 2)
        assert search_row(engine, 12) == ("Gamma", 0, 0)
        with engine.begin() as conn:
            conn.execute(
                text('INSERT INTO user_artists ("userID", "artistID", weight) VALUES (1, 12, 5)')
            )
        assert search_row(engine, 12) == ("Gamma", 5, 1)
        assert drift(engine) == CLEAN
        downgrade(url, "0006")
        with engine.begin() as conn:  # no trigger left behind names the dropped table
            conn.execute(
                text('INSERT INTO user_artists ("userID", "artistID", weight) VALUES (1, 11, 2)')
            )
            conn.execute(text("UPDATE artists SET name = 'Gamma Ray' WHERE id = 12"))
        indexes = {ix["name"] for ix in inspect(engine).get_indexes("artists")}
        assert "ix_artists_name_search" in indexes
        if backend == "postgresql":
            assert "ix_artists_name_spaceless" in indexes
        assert drift(engine, summaries.NAMED_TALLY) == TALLIES_CLEAN
        upgrade(url)
        assert search_row(engine, 11) == ("Beta Band", 3, 2)
        assert search_row(engine, 12) == ("Gamma Ray", 5, 1)
        assert drift(engine) == CLEAN


def test_reingest_rebuilds_and_keeps_triggers(small_db_url: str) -> None:
    engine = create_db_engine(small_db_url)
    try:
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM artist_stats"))  # drifted on purpose
        assert drift(engine)["artist_stats"] > 0
        run_ingest(engine, SMALL_DATA, replace=True)
        assert drift(engine) == CLEAN
        with engine.begin() as conn:
            conn.execute(text('UPDATE user_artists SET weight = weight * 2 WHERE "artistID" = 4'))
        assert drift(engine) == CLEAN
    finally:
        engine.dispose()
