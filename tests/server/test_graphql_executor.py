"""`PlannedExecutor` answers exactly as graphql-core's executor does.

Every query runs through both (the same Strawberry schema with either execution context)
and the responses — data, and each error's message, path and locations — must be equal:
first on a small schema built to reach every branch of the fast path and every way out of
it (nulls where the type forbids them, exceptions and awaitables held in attributes,
values that fail to serialise, errors deep inside lists, abstract types, directives), then
on the real schema and the full dataset, on both backends.
"""

from __future__ import annotations

import asyncio
import enum
import json
from collections.abc import Iterator
from typing import Any, TypeVar

import pytest
import strawberry
from fastapi.testclient import TestClient
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.types import ExecutionResult

from server.graphql.executor import PlannedExecutor
from server.graphql.rowcache import SharedList


@strawberry.enum
class Mood(enum.Enum):
    CALM = "calm"
    LOUD = "loud"


@strawberry.type
class Tag:
    name: str
    label: str | None = None
    weight: int = 0

    @strawberry.field
    def shout(self) -> str:
        """A resolver: a selection holding it is not memoised."""
        return self.name.upper()


@strawberry.interface
class Named:
    name: str


@strawberry.type
class Band(Named):
    members: int


@strawberry.type
class Solo(Named):
    instrument: str


T = TypeVar("T")


async def _later(value: T) -> T:
    await asyncio.sleep(0)
    return value


@strawberry.type
class Artist:
    name: str
    mood: Mood
    tags: list[Tag]
    maybe_tags: list[Tag | None] | None
    scores: list[int]
    tag: Tag
    maybe_tag: Tag | None
    shared_tags: list[Tag]
    broken_shared: list[Tag | None]
    held: strawberry.Private[Any] = None

    @strawberry.field
    def odd(self) -> str | None:
        """A field that raises: a resolver, so always the general path."""
        raise ValueError(f"odd {self.name}")

    @strawberry.field
    def strict_odd(self) -> str:
        raise ValueError(f"strict {self.name}")

    @strawberry.field
    def odd_list(self) -> list[Tag]:
        """A resolver answering null for a non-null list."""
        return None  # type: ignore[return-value]

    @strawberry.field
    async def odd_later(self) -> list[Tag] | None:
        await _later(None)
        raise ValueError(f"later {self.name}")

    @strawberry.field
    async def odd_later_items(self) -> list[Tag] | None:
        return [self.tags[0], None]  # type: ignore[list-item]

    @strawberry.field
    async def later_gaps(self, first: int = 2) -> list[Tag | None]:
        return await _later([*self.tags[:first], None])

    @strawberry.field
    async def later_tags(self, first: int) -> list[Tag]:
        return await _later(self.tags[:first])

    @strawberry.field
    def related(self) -> list[Named]:
        return [Band(name=f"{self.name} band", members=4), Solo(name=self.name, instrument="x")]


@strawberry.type
class Holder:
    """Attributes whose values the fast path must hand to graphql-core."""

    count: int  # holds None, or a value Int cannot serialise
    required: Tag  # holds None
    items: list[Tag]  # holds a None item, an exception, an awaitable
    maybe_items: list[Tag | None]
    numbers: list[int]  # holds a generator, or a value Int cannot serialise
    maybe_count: int | None


# What the loader cache hands to every request: the same list objects each time.
SHARED = SharedList([Tag(name="s0", weight=0), Tag(name="s1", label="L", weight=1)])
BROKEN = SharedList([Tag(name="ok"), ValueError("item failed")])  # an error in its place


def _artists() -> list[Artist]:
    tags = [Tag(name=f"t{i}", label=None if i % 2 else f"L{i}", weight=i) for i in range(4)]
    return [
        Artist(
            name=f"a{i}",
            mood=Mood.CALM if i % 2 else Mood.LOUD,
            tags=tags[: i + 1],
            maybe_tags=None if i == 1 else [tags[0], None, tags[1]],
            scores=[i, i * 10],
            tag=tags[i % 4],
            maybe_tag=None if i % 2 else tags[0],
            shared_tags=SHARED,
            broken_shared=BROKEN,
        )
        for i in range(5)
    ]


def _holder(case: str) -> Holder:
    tag = Tag(name="ok")
    values: dict[str, Any] = {
        "count": 1,
        "required": tag,
        "items": [tag],
        "maybe_items": [tag, None],
        "numbers": [1, 2],
        "maybe_count": None,
    }
    if case == "null_count":
        values["count"] = None
    elif case == "bad_count":
        values["count"] = "not a number"
    elif case == "null_required":
        values["required"] = None
    elif case == "null_item":
        values["items"] = [tag, None]
    elif case == "error_item":
        values["items"] = [tag, ValueError("item failed")]
    elif case == "error_value":
        values["required"] = ValueError("value failed")
    elif case == "awaitable_item":
        values["items"] = [tag, _later(Tag(name="late"))]
    elif case == "awaitable_value":
        values["required"] = _later(Tag(name="late"))
    elif case == "generator":
        values["numbers"] = (n for n in (3, 4))
    elif case == "bad_number":
        values["numbers"] = [1, "x"]
    elif case == "not_a_list":
        values["numbers"] = 7
    return Holder(**values)


@strawberry.type
class Query:
    @strawberry.field
    def artists(self) -> list[Artist]:
        return _artists()

    @strawberry.field
    async def later_artists(self) -> list[Artist]:
        return await _later(_artists())

    @strawberry.field
    def holder(self, case: str) -> Holder:
        return _holder(case)

    @strawberry.field
    def maybe_holder(self, case: str) -> Holder | None:
        return _holder(case)

    @strawberry.field
    def holders(self, case: str) -> list[Holder | None]:
        return [_holder("fine"), _holder(case)]


def _schema(executor: type[StrawberryGraphQLCoreExecutionContext]) -> strawberry.Schema:
    return strawberry.Schema(query=Query, types=[Band, Solo], execution_context_class=executor)


BASE = _schema(StrawberryGraphQLCoreExecutionContext)
PLANNED = _schema(PlannedExecutor)


def _response(result: ExecutionResult) -> str:
    errors = sorted(
        (json.dumps(error.formatted, sort_keys=True) for error in result.errors or []),
    )
    return json.dumps({"data": result.data, "errors": errors}, sort_keys=True)


def _both(query: str, variables: dict[str, Any] | None = None) -> tuple[str, str]:
    async def run() -> tuple[str, str]:
        base = await BASE.execute(query, variable_values=variables)
        planned = await PLANNED.execute(query, variable_values=variables)
        return _response(base), _response(planned)

    return asyncio.run(run())


ARTIST_FIELDS = """
    name mood __typename scores
    tags { name label weight }
    maybeTags { name label }
    tag { name } maybeTag { name label }
    laterTags(first: 2) { name weight }
    related { __typename name ... on Band { members } ... on Solo { instrument } }
"""

QUERIES = [
    "{ artists { " + ARTIST_FIELDS + " } }",
    "{ laterArtists { " + ARTIST_FIELDS + " } }",
    # aliases, the same field twice merged, fragments with and without type conditions
    """{ artists { n: name name tags { a: name b: name } ...F ... on Artist { mood } } }
       fragment F on Artist { tag { weight } maybeTag { ... on Tag { name } } }""",
    # @include/@skip, by variable and by literal
    """query Q($yes: Boolean!) { artists { name @include(if: $yes) mood @skip(if: $yes)
       tags @include(if: false) { name } tag @skip(if: false) { name } } }""",
    # an error inside every item of a list: nulls the field; a non-null one nulls the
    # nearest nullable ancestor (here: all of data)
    "{ artists { name odd tags { name } } }",
    "{ laterArtists { tags { name } odd laterTags(first: 1) { name } } }",
    "{ laterArtists { tags { name } strictOdd } }",
    # resolvers (planned: arguments coerced once) answering nulls, raising when awaited,
    # answering null items
    "{ artists { name oddList { name } } }",
    "{ laterArtists { name oddLater { name } laterGaps { name } } }",
    "{ artists { oddLaterItems { name } laterGaps(first: 3) { name weight } } }",
]

HOLDER_CASES = [
    "fine",
    "null_count",
    "bad_count",
    "null_required",
    "null_item",
    "error_item",
    "error_value",
    "awaitable_item",
    "awaitable_value",
    "generator",
    "bad_number",
    "not_a_list",
]

HOLDER_FIELDS = "count maybeCount required { name } items { name } maybeItems { name } numbers"


@pytest.mark.parametrize("query", QUERIES)
def test_same_response_as_graphql_core(query: str) -> None:
    base, planned = _both(query, {"yes": True})
    assert planned == base
    assert ('"data": null' in base) == ("strictOdd" in query or "oddList" in query)
    assert ('"errors": []' in base) == ("odd" not in query.lower())


@pytest.mark.parametrize("case", HOLDER_CASES)
@pytest.mark.parametrize("root", ["holder", "maybeHolder", "holders"])
def test_unexpected_values_are_completed_by_graphql_core(case: str, root: str) -> None:
    """Nulls for non-null fields and items, exceptions, awaitables, generators, values that
    do not serialise — each propagates (or is awaited, or is iterated) as graphql-core
    does, at every nullability of the parent."""
    base, planned = _both(f'{{ {root}(case: "{case}") {{ {HOLDER_FIELDS} }} }}')
    assert planned == base
    if case != "fine":
        clean = case in {"awaitable_item", "awaitable_value", "generator"}
        assert ('errors": []' in base) == clean


def test_plan_is_taken(monkeypatch: pytest.MonkeyPatch) -> None:
    """The comparisons above would pass trivially if every field fell back: here only the
    list of an interface type (`related`) is left to graphql-core's `execute_field`."""
    planned: list[str] = []
    general: list[str] = []
    step = PlannedExecutor._execute_step
    field = PlannedExecutor.execute_field

    def spy_step(self: PlannedExecutor, plan: Any, *args: Any) -> Any:
        planned.append(f"{plan.parent_type.name}.{plan.nodes[0].name.value}")
        return step(self, plan, *args)

    def spy_field(self: PlannedExecutor, parent_type: Any, *args: Any) -> Any:
        general.append(parent_type.name)
        return field(self, parent_type, *args)

    monkeypatch.setattr(PlannedExecutor, "_execute_step", spy_step)
    monkeypatch.setattr(PlannedExecutor, "execute_field", spy_field)
    base, planned_response = _both(
        "{ laterArtists { name tags { name } laterTags(first: 2) { name } related { name } } }"
    )
    assert planned_response == base
    assert general == ["Artist"] * 5
    # the root field, then per artist 4 fields, per tag 1 (1 + 2 + 3 + 4 + 4 tags, and
    # 1 + 2 + 2 + 2 + 2 of the first two)
    assert planned.count("Query.laterArtists") == 1
    assert planned.count("Artist.name") == planned.count("Artist.laterTags") == 5
    assert planned.count("Tag.name") == 14 + 9


def _planned(query: str) -> dict[str, Any]:
    result = asyncio.run(PLANNED.execute(query))
    assert not result.errors
    assert result.data is not None
    return result.data


def test_a_shared_list_is_completed_once_per_selection() -> None:
    """Five artists hold the same `SharedList`: its items are completed the first time and
    the completed list is reused — within the request and by the next one — while the
    answers stay graphql-core's."""
    SHARED.completed.clear()
    query = "{ artists { name sharedTags { name weight } } }"
    base, planned = _both(query)
    assert planned == base
    assert len(SHARED.completed) == 1
    first, again = _planned(query), _planned(query)
    lists = [a["sharedTags"] for a in first["artists"] + again["artists"]]
    assert lists[0] == [{"name": "s0", "weight": 0}, {"name": "s1", "weight": 1}]
    assert all(each is lists[0] for each in lists)  # the one completion, reused
    assert len(SHARED.completed) == 1


def test_each_selection_of_a_shared_list_has_its_own_completion() -> None:
    SHARED.completed.clear()
    names = _planned("{ artists { sharedTags { name } } }")
    aliased = _planned("{ artists { sharedTags { n: name label } } }")
    assert names["artists"][0]["sharedTags"] == [{"name": "s0"}, {"name": "s1"}]
    assert aliased["artists"][0]["sharedTags"] == [
        {"n": "s0", "label": None},
        {"n": "s1", "label": "L"},
    ]
    assert len(SHARED.completed) == 2


def test_a_shared_list_keeps_a_bounded_number_of_completions() -> None:
    SHARED.completed.clear()
    for n in range(SharedList.MAX_SHAPES + 3):
        data = _planned(f"{{ artists {{ sharedTags {{ a{n}: name }} }} }}")
        assert data["artists"][0]["sharedTags"][1] == {f"a{n}": "s1"}
    assert len(SHARED.completed) == SharedList.MAX_SHAPES


@pytest.mark.parametrize(
    "selection",
    [
        "sharedTags { name shout }",  # a resolver: it may answer differently next time
        "sharedTags { name @include(if: true) }",  # a directive
        "sharedTags { ... on Tag { name } } related { name }",
    ],
)
def test_shared_lists_under_resolvers_or_directives_are_not_memoised(selection: str) -> None:
    SHARED.completed.clear()
    base, planned = _both("{ artists { " + selection + " } }")
    assert planned == base
    assert "S0" in base or "shout" not in selection
    if "shout" in selection or "@include" in selection:
        assert SHARED.completed == {}
    else:  # an inline fragment on the item's own type is only a way to write the fields
        assert len(SHARED.completed) == 1


def test_a_shared_list_that_completes_with_an_error_is_not_kept() -> None:
    BROKEN.completed.clear()
    query = "{ artists { name brokenShared { name } } }"
    base, planned = _both(query)
    assert planned == base
    assert '"brokenShared": [{"name": "ok"}, null]' in base
    assert "item failed" in base
    assert BROKEN.completed == {}  # the next request reports the error again


@pytest.fixture(scope="module")
def schemas(full_client: TestClient) -> Iterator[strawberry.Schema]:
    schema = full_client.app.state.graphql_schema  # type: ignore[attr-defined]
    assert schema.execution_context_class is PlannedExecutor
    yield schema
    schema.execution_context_class = PlannedExecutor


REAL_QUERIES = [
    """{ user(id: 2) { id friendCount friends(first: 20) { totalCount pageInfo { hasNextPage
       endCursor } edges { cursor node { id topArtists(first: 5) { totalCount edges { weight
       node { id name plays listenerCount topTags(first: 3) { count node { id name } } } } } }
       } } } }""",
    """{ artist(id: 89) { name plays listenerCount topTags(first: 5) { count node { name
       artistCount } } similar(first: 3) { artistId name score } listeners(first: 3) {
       totalCount edges { weight node { id } } } taggedBy(first: 3) { totalCount edges { node
       { user { id } tag { name } artist { name } timestamp year } } } } }""",
    """{ tag(id: 73) { name artistCount topArtists(first: 5) { count node { name } }
       usage { period year month count } } }""",
    """{ searchArtists(first: 5, tags: ["rock", "indie"]) { totalCount sort unknownTags
       edges { cursor plays listeners node { name } matchedTags { __typename } } } }""",
    """{ user(id: 11) { diversity { distinctArtists entropy normalisedEntropy }
       socialMetrics { degree community communitySize } community { id size membersSample }
       topTags(first: 3) { count node { name } } } }""",
    "{ user(id: 999999) { id } artist(id: -1) { name } }",
    "{ users(first: 3) { totalCount edges { node { id friendCount } } } }",
    "{ topArtists(first: 5) { rank id name url plays listeners } }",
    "{ user(id: 2) { friends(first: -1) { totalCount } } }",
    "{ __schema { queryType { name } } __typename }",
]


@pytest.mark.parametrize("query", REAL_QUERIES)
def test_real_schema_same_response(
    full_client: TestClient, schemas: strawberry.Schema, query: str
) -> None:
    responses = []
    for executor in (StrawberryGraphQLCoreExecutionContext, PlannedExecutor):
        schemas.execution_context_class = executor
        response = full_client.post("/graphql", json={"query": query})
        assert response.status_code == 200, response.text
        responses.append(response.json())
    assert responses[1] == responses[0]
    # each query is valid (a validation error has no path) and answers data
    assert responses[0]["data"] is not None
    assert all("path" in error for error in responses[0].get("errors", []))
