"""The artist search over the full dataset against an oracle computed in Python from the raw
link tables (``user_taggedartists``, ``user_artists``), never from the summary tallies the
search reads: totals, order (ties included) and matched counts, on both backends."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from server.services.search import SEARCH_WINDOW
from tests.conftest import count_statements

URL = "/api/v1/artists/search"


def engine_of(client: TestClient) -> Engine:
    engine: Engine = client.app.state.database.engine  # type: ignore[attr-defined]
    return engine


def oracle(
    engine: Engine,
    tags: list[str],
    *,
    match_all: bool,
    year_from: int | None = None,
    year_to: int | None = None,
) -> list[tuple[int, int, int, int, list[tuple[int, int]]]]:
    """Every match as ``(id, matched names, matched assignments, plays, [(tag, n)])`` in
    relevance order: matched names, assignments, plays descending, then id."""
    with engine.connect() as conn:
        names = {
            str(value).lower(): int(tag_id)
            for tag_id, value in conn.execute(text('SELECT "tagID", "tagValue" FROM tags'))
        }
        wanted = [names[tag.lower()] for tag in tags]
        per_artist: dict[int, dict[int, int]] = defaultdict(dict)
        rows = conn.execute(text('SELECT "artistID", "tagID", year FROM user_taggedartists')).all()
        for artist_id, tag_id, year in rows:
            if tag_id not in wanted:
                continue
            if year_from is not None and (year is None or year < year_from):
                continue
            if year_to is not None and (year is None or year > year_to):
                continue
            counts = per_artist[int(artist_id)]
            counts[int(tag_id)] = counts.get(int(tag_id), 0) + 1
        plays = {
            int(a): int(p)
            for a, p in conn.execute(
                text('SELECT "artistID", SUM(weight) FROM user_artists GROUP BY "artistID"')
            )
        }
    hits = []
    for artist_id, counts in per_artist.items():
        if match_all and len(counts) < len(set(wanted)):
            continue
        matched = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        hits.append(
            (artist_id, len(counts), sum(counts.values()), plays.get(artist_id, 0), matched)
        )
    hits.sort(key=lambda h: (-h[1], -h[2], -h[3], h[0]))
    return hits


def api(client: TestClient, **params: Any) -> dict[str, Any]:
    response = client.get(URL, params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


CASES = [
    (["rock", "alternative"], True, None, None),
    (["pop", "dance", "electronic"], True, None, None),
    (["indie", "seen live"], True, None, None),
    (["metal", "jazz"], False, None, None),
    (["rock", "pop"], True, 2009, 2010),
]


@pytest.mark.parametrize(("tags", "match_all", "year_from", "year_to"), CASES)
@pytest.mark.parametrize("offset", [0, 40])
def test_search_agrees_with_the_raw_rows(
    full_client: TestClient,
    tags: list[str],
    match_all: bool,
    year_from: int | None,
    year_to: int | None,
    offset: int,
) -> None:
    expected = oracle(
        engine_of(full_client), tags, match_all=match_all, year_from=year_from, year_to=year_to
    )
    params: dict[str, Any] = {
        "tags": ",".join(tags),
        "match": "all" if match_all else "any",
        "limit": 25,
        "offset": offset,
    }
    if year_from is not None:
        params["tagged_from"] = year_from
        params["tagged_to"] = year_to
    body = api(full_client, **params)
    assert body["total"] == len(expected)
    page = expected[offset : offset + 25]
    assert len(page) > 0
    assert [hit["id"] for hit in body["items"]] == [h[0] for h in page]
    assert [hit["plays"] for hit in body["items"]] == [h[3] for h in page]
    assert [[(m["id"], m["count"]) for m in hit["matched_tags"]] for hit in body["items"]] == [
        h[4] for h in page
    ]


@pytest.mark.parametrize("offset", [0, 120])
def test_an_intersection_with_another_criterion_agrees_with_the_raw_rows(
    full_client: TestClient, offset: int
) -> None:
    """match=all with a plays bound is ranked in SQL (not from the postings): the
    intersection carries each tag's count to the page, whose matched tags are the raw rows'."""
    tags = ["rock", "alternative"]
    expected = [h for h in oracle(engine_of(full_client), tags, match_all=True) if h[3] >= 500]
    body = api(full_client, tags=",".join(tags), min_plays=500, limit=25, offset=offset)
    page = expected[offset : offset + 25]
    assert body["total"] == len(expected) > offset + 25
    assert [hit["id"] for hit in body["items"]] == [h[0] for h in page]
    assert [[(m["id"], m["count"]) for m in hit["matched_tags"]] for hit in body["items"]] == [
        h[4] for h in page
    ]


def test_pages_inside_and_past_the_window_agree_with_the_raw_rows(
    full_client: TestClient,
) -> None:
    """Pages within the first `SEARCH_WINDOW` results are cut from one cached window, pages
    ending past it are read on their own: both, and pages straddling the window's end, are
    the oracle's slices."""
    tags = ["rock", "alternative"]
    expected = [h[0] for h in oracle(engine_of(full_client), tags, match_all=True)]
    assert len(expected) > SEARCH_WINDOW + 20
    full_client.app.state.cache.clear()  # type: ignore[attr-defined]
    for limit, offset in ((20, 20), (20, 0), (7, 93), (1, 99), (20, 90), (3, 100), (100, 0)):
        body = api(full_client, tags=",".join(tags), match="all", limit=limit, offset=offset)
        assert [hit["id"] for hit in body["items"]] == expected[offset : offset + limit]
        assert (body["limit"], body["offset"], body["total"]) == (limit, offset, len(expected))


@pytest.mark.parametrize("sort", ["plays", "listeners", "relevance"])
def test_browsing_without_criteria_agrees_with_the_filtered_path(
    full_client: TestClient, sort: str
) -> None:
    """With no criterion the page comes from the tally's index; ``min_plays=0`` (a bound
    every artist meets) takes the general path, which must give the same pages."""
    for offset in (0, 17_600):  # the last page crosses into artists nobody ranked
        fast = api(full_client, sort=sort, limit=50, offset=offset)
        general = api(full_client, sort=sort, limit=50, offset=offset, min_plays=0)
        assert fast["total"] == general["total"] == 17_632
        assert fast["items"] == general["items"]
        assert len(fast["items"]) == (32 if offset else 50)


def _raw_counts(engine: Engine) -> tuple[dict[int, str], dict[int, int], dict[int, set[int]]]:
    """Names, plays and tag ids per artist, from the raw tables."""
    with engine.connect() as conn:
        names = {int(i): str(n) for i, n in conn.execute(text("SELECT id, name FROM artists"))}
        plays = {
            int(a): int(p)
            for a, p in conn.execute(
                text('SELECT "artistID", SUM(weight) FROM user_artists GROUP BY "artistID"')
            )
        }
        tagged: dict[int, set[int]] = defaultdict(set)
        for artist_id, tag_id in conn.execute(
            text('SELECT "artistID", "tagID" FROM user_taggedartists')
        ):
            tagged[int(artist_id)].add(int(tag_id))
    return names, plays, tagged


@pytest.mark.parametrize(
    "params",
    [
        {"q": "the", "sort": "plays"},
        {"q": "the", "sort": "name"},
        {"q": "an", "sort": "listeners", "min_plays": 1000},
        {"tags": "rock,pop", "match": "any", "sort": "plays"},
        # relevance: the page reads the candidates that can reach it, and counts them all
        {"tags": "rock", "match": "any"},
        {"tags": "rock,alternative", "match": "all"},  # the postings, then the page's artists
    ],
)
def test_a_full_first_page_counts_its_matches_in_its_own_statement(
    full_client: TestClient, params: dict[str, Any]
) -> None:
    """A first page counts its matches in the same statement (``count(*) OVER ()`` where
    it ranks every match, the candidates' count on a relevance page; the intersection's
    size when the tags' postings rank it): its total is the raw rows' count, and one
    statement reads artists."""
    engine = engine_of(full_client)
    names, plays, tagged = _raw_counts(engine)
    with engine.connect() as conn:
        tag_ids = {
            str(v).lower(): int(i)
            for i, v in conn.execute(text('SELECT "tagID", "tagValue" FROM tags'))
        }
    expected = set(names)
    if "q" in params:
        expected = {a for a in expected if params["q"] in names[a].lower()}
    if "min_plays" in params:
        expected = {a for a in expected if plays.get(a, 0) >= params["min_plays"]}
    if "tags" in params:
        wanted = {tag_ids[t] for t in params["tags"].split(",")}
        if params["match"] == "all":
            expected = {a for a in expected if wanted <= tagged.get(a, set())}
        else:
            expected = {a for a in expected if tagged.get(a, set()) & wanted}
    assert len(expected) > SEARCH_WINDOW  # a full first window
    full_client.app.state.cache.clear()  # type: ignore[attr-defined]
    api(full_client, q="zzzz")  # warm the pool and the SQLite functions
    with count_statements(engine) as statements:
        body = api(full_client, limit=20, **params)
    assert body["total"] == len(expected)
    assert len(body["items"]) == 20
    assert len([s for s in statements if "artists" in s]) == 1


@pytest.mark.parametrize(
    "q",
    [
        *["ck r", "the b", "ro  c", "% the", "_ x", "\\ a", "a%b c", "   ", "é ro"],
        *["rock", "mini", 'the"', "ab", "bjö"],  # SQLite's name index; too short; not ASCII
        *["ab*", "-ro", "near(", "a and b", "^the"],  # FTS5 query syntax, literal in a phrase
    ],
)
def test_a_name_piece_with_spaces_or_like_characters_matches_exactly(
    full_client: TestClient, q: str
) -> None:
    """Pieces with spaces take the spaceless prefilter on PostgreSQL, ASCII pieces of three
    characters or more SQLite's trigram table; LIKE's own characters stay literal: every
    answer is a 200 whose total is the raw names' count."""
    names, _plays, _tagged = _raw_counts(engine_of(full_client))
    expected = sum(q.lower() in name.lower() for name in names.values())
    body = api(full_client, q=q, limit=100)
    assert body["total"] == expected
    assert len(body["items"]) == min(expected, 100)
    assert all(q.lower() in hit["name"].lower() for hit in body["items"])
