"""Guards for a public GraphQL endpoint: size, cost and the error code they answer with.

Depth, alias and token limits come from Strawberry's own extensions (see `schema.py`); this
module adds what Strawberry lacks:

- `QuerySizeLimiter` refuses a document larger than a byte budget before it is parsed.
- `QueryCostLimiter` computes the worst-case number of objects an operation can resolve
  from the ``first`` arguments on the path (a list of 20 friends each with 5 artists each with
  3 tags costs 20 + 20*5 + 20*5*3), following fragments and inline fragments so they cannot be
  used to hide cost, and refuses an operation above the budget. The cost is reported in the
  response's ``extensions`` either way.

Both run before execution, so a refused query costs no database work.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from graphql import (
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
)
from strawberry.extensions import SchemaExtension

COST_TOO_HIGH = "QUERY_TOO_COMPLEX"
QUERY_TOO_LARGE = "QUERY_TOO_LARGE"
PAGE_ARGUMENT = "first"


def _first_value(field: FieldNode, variables: Mapping[str, Any]) -> int | None:
    for argument in field.arguments or ():
        if argument.name.value != PAGE_ARGUMENT:
            continue
        value = argument.value
        if isinstance(value, IntValueNode):
            return int(value.value)
        if isinstance(value, VariableNode):
            found = variables.get(value.name.value)
            return int(found) if isinstance(found, int) else None
    return None


def query_cost(
    operation: OperationDefinitionNode,
    fragments: Mapping[str, FragmentDefinitionNode],
    variables: Mapping[str, Any] | None = None,
) -> int:
    """Worst-case number of field resolutions, multiplying by ``first`` down each path.

    A fragment already being expanded on the current path is not expanded again (a cyclic
    fragment is also a validation error; this keeps the walk finite regardless).
    """
    values = variables or {}

    def walk(selection_set: SelectionSetNode | None, multiplier: int, path: frozenset[str]) -> int:
        if selection_set is None:
            return 0
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += multiplier
                first = _first_value(selection, values)
                child = multiplier * max(first, 1) if first is not None else multiplier
                total += walk(selection.selection_set, child, path)
            elif isinstance(selection, InlineFragmentNode):
                total += walk(selection.selection_set, multiplier, path)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = fragments.get(name)
                if fragment is not None and name not in path:
                    total += walk(fragment.selection_set, multiplier, path | {name})
        return total

    return walk(operation.selection_set, 1, frozenset())


def _operations(document: Any, name: str | None) -> Iterator[OperationDefinitionNode]:
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode) and (
            name is None or (definition.name and definition.name.value == name)
        ):
            yield definition


class QueryCostLimiter(SchemaExtension):
    """Refuse operations whose worst-case cost exceeds ``budget``; report the cost."""

    def __init__(self, *, budget: int) -> None:
        self.budget = budget
        self.cost: int | None = None

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is not None:
            fragments = {
                d.name.value: d
                for d in document.definitions
                if isinstance(d, FragmentDefinitionNode)
            }
            costs = [
                query_cost(op, fragments, context.variables)
                for op in _operations(document, context.operation_name)
            ]
            self.cost = max(costs, default=0)
            if self.cost > self.budget:
                context.result = ExecutionResult(
                    data=None,
                    errors=[
                        GraphQLError(
                            f"query cost {self.cost} exceeds the budget of {self.budget}: "
                            "ask for fewer items with smaller `first` arguments",
                            extensions={
                                "code": COST_TOO_HIGH,
                                "cost": self.cost,
                                "budget": self.budget,
                            },
                        )
                    ],
                )
        yield

    def get_results(self) -> dict[str, Any]:
        if self.cost is None:
            return {}
        return {"cost": {"requested": self.cost, "budget": self.budget}}


class QuerySizeLimiter(SchemaExtension):
    """Refuse a query document longer than ``max_bytes`` before parsing it."""

    def __init__(self, *, max_bytes: int) -> None:
        self.max_bytes = max_bytes

    def on_operation(self) -> Iterator[None]:
        query = self.execution_context.query or ""
        size = len(query.encode("utf-8", "surrogatepass"))
        if size > self.max_bytes:
            raise GraphQLError(
                f"query document is {size} bytes; the limit is {self.max_bytes}",
                extensions={"code": QUERY_TOO_LARGE, "size": size, "limit": self.max_bytes},
            )
        yield
