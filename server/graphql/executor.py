"""A graphql-core executor that completes plain fields without the general machinery.

Why: the nested walk (user → friends → artists → tags) completes ~1,400 values per request,
and graphql-core spends ~10 µs on each whatever it holds — a resolve-info object, a path,
the resolver call through Strawberry's wrapper, then ``complete_value``'s chain of type
tests (non-null → list → leaf → abstract → object) — about half of the request's CPU.
Most of those values are *basic* fields: a Strawberry field with no resolver, arguments,
directives or extensions, which only reads an attribute (``edges``, ``node``, ``name``,
``weight``). Their completion depends only on the field's type, so it is decided once per
selection set (the "plan") and each object then costs a loop over the plan: read the
attribute, coerce a leaf, recurse into an object or a list of them.

Everything else — fields with resolvers or arguments (where the DataLoaders and Strawberry's
argument conversion, permissions and extensions live), abstract types, ``is_type_of``
checks, ``@defer``/``@stream``, middleware, an abort signal, and every value the fast path
does not expect (a null for a non-null field, an awaitable attribute, an exception) — goes
through graphql-core's own `execute_field`, so results and errors (message, path,
locations, null propagation) are graphql-core's; `tests/graphql/test_executor.py` runs
queries through both executors and compares the responses.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, NamedTuple

from graphql import (
    GraphQLField,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    is_leaf_type,
)
from graphql.execution.collect_fields import FieldDetailsList, GroupedFieldSet
from graphql.execution.executor import to_nodes
from graphql.pyutils import Path, Undefined, gather_with_cancel
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

# What a basic field's value is completed as.
LEAF, OBJECT, LEAF_LIST, OBJECT_LIST = range(4)


class Step(NamedTuple):
    """How one basic field of a selection set is completed (see the module docstring)."""

    parent_type: GraphQLObjectType
    field: GraphQLField
    resolve: Callable[..., Any]  # Strawberry's attribute reader for the field
    kind: int
    return_type: GraphQLOutputType  # the field's declared type, for errors
    non_null: bool  # the field's value may not be null
    named: GraphQLOutputType  # the leaf or object type (inside non-null and list)
    item_type: GraphQLOutputType | None  # a list's item type, for item errors
    item_non_null: bool


Plan = list[tuple[str, FieldDetailsList, Step | None]]


def _unwrap(type_: GraphQLOutputType) -> tuple[GraphQLOutputType, bool]:
    if isinstance(type_, GraphQLNonNull):
        return type_.of_type, True
    return type_, False


def _completable(type_: GraphQLOutputType) -> bool:
    """A leaf, or an object type whose values need no runtime type check."""
    return is_leaf_type(type_) or (
        isinstance(type_, GraphQLObjectType) and type_.is_type_of is None
    )


def _step(parent_type: GraphQLObjectType, fields: FieldDetailsList) -> Step | None:
    """The fast completion of a field, or None where graphql-core must complete it."""
    node = fields[0].node
    field = parent_type.fields.get(node.name.value)
    if field is None or field.args or not getattr(field.resolve, "_is_default", False):
        return None
    if any(details.node.arguments or details.node.directives for details in fields):
        return None
    inner, non_null = _unwrap(field.type)
    if isinstance(inner, GraphQLList):
        item, item_non_null = _unwrap(inner.of_type)
        if not _completable(item):
            return None
        kind = LEAF_LIST if is_leaf_type(item) else OBJECT_LIST
        return Step(
            parent_type,
            field,
            field.resolve,
            kind,
            field.type,
            non_null,
            item,
            inner.of_type,
            item_non_null,
        )
    if not _completable(inner):
        return None
    kind = LEAF if is_leaf_type(inner) else OBJECT
    return Step(parent_type, field, field.resolve, kind, field.type, non_null, inner, None, False)


class PlannedExecutor(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's execution context with the plain-field fast path (module docstring)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Keyed by the grouped field set's identity: graphql-core memoises those per
        # (type, selection) for the execution, and the plan keeps its key alive.
        self._plans: dict[int, tuple[GroupedFieldSet, Plan]] = {}
        # Strawberry passes a manager per request; it is empty unless an extension
        # resolves fields itself, which the fast path would bypass.
        middleware = self.middleware_manager
        self._fast = (middleware is None or not middleware.middlewares) and (
            self.abort_signal is None
        )

    def _plan(self, parent_type: GraphQLObjectType, grouped: GroupedFieldSet) -> Plan:
        found = self._plans.get(id(grouped))
        if found is None:
            plan = [(key, fields, _step(parent_type, fields)) for key, fields in grouped.items()]
            found = self._plans[id(grouped)] = (grouped, plan)
        return found[1]

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: GroupedFieldSet,
        position_context: Any,
    ) -> Any:
        # A position context means incremental delivery (@defer) is under way.
        if not self._fast or position_context is not None:
            return super().execute_fields(
                parent_type, source_value, path, grouped_field_set, position_context
            )
        results: dict[str, Any] = {}
        is_awaitable = self.is_awaitable
        awaitable_fields: list[str] = []
        try:
            for key, fields, step in self._plan(parent_type, grouped_field_set):
                if step is None:
                    result = self.execute_field(
                        parent_type, source_value, fields, Path(path, key, parent_type.name), None
                    )
                    if result is Undefined:
                        continue
                else:
                    result = self._complete_basic(
                        step, parent_type, source_value, path, key, fields
                    )
                results[key] = result
                if is_awaitable(result):
                    awaitable_fields.append(key)
        except Exception:
            if awaitable_fields:
                self.settle_in_background([results[key] for key in awaitable_fields])
            raise
        if not awaitable_fields:
            return results
        return self._await_fields(results, awaitable_fields)

    @staticmethod
    async def _await_fields(results: dict[str, Any], keys: list[str]) -> dict[str, Any]:
        if len(keys) == 1:
            results[keys[0]] = await results[keys[0]]
        else:
            awaited = await gather_with_cancel(*(results[key] for key in keys))
            results.update(zip(keys, awaited, strict=True))
        return results

    def _complete_basic(
        self,
        step: Step,
        parent_type: GraphQLObjectType,
        source: Any,
        path: Path | None,
        key: str,
        fields: FieldDetailsList,
    ) -> Any:
        value = step.resolve(source, None)
        if value is None and not step.non_null:
            return None
        kind = step.kind
        if (
            value is None
            or value is Undefined
            or isinstance(value, Exception)
            or self.is_awaitable(value)
            or (kind >= LEAF_LIST and not isinstance(value, (list, tuple)))
        ):
            # Reading the attribute again is harmless: graphql-core completes the
            # unexpected value (or reports it) exactly as it would have.
            return self.execute_field(
                parent_type, source, fields, Path(path, key, parent_type.name), None
            )
        if kind == LEAF:
            try:
                return self.complete_leaf_value(step.named, value)  # type: ignore[arg-type]
            except Exception as raw_error:
                field_path = Path(path, key, parent_type.name)
                self.handle_field_error(raw_error, step.return_type, fields, field_path)
                return None
        field_path = Path(path, key, parent_type.name)
        try:
            if kind == OBJECT:
                completed = self._complete_object(step.named, fields, field_path, value)  # type: ignore[arg-type]
            else:
                completed = self._complete_list(step, fields, field_path, value)
        except Exception as raw_error:
            self.handle_field_error(raw_error, step.return_type, fields, field_path)
            return None
        if self.is_awaitable(completed):
            return self._guard(completed, step.return_type, fields, field_path)
        return completed

    def _complete_object(
        self, type_: GraphQLObjectType, fields: FieldDetailsList, path: Path, value: Any
    ) -> Any:
        grouped, new_defer_usages, _forbidden = self.collect_subfields(type_, fields)
        return self.execute_collected_subfields(type_, value, path, grouped, new_defer_usages, None)

    def _complete_list(self, step: Step, fields: FieldDetailsList, path: Path, items: Any) -> Any:
        item_type = step.item_type
        assert item_type is not None
        is_awaitable = self.is_awaitable
        completed: list[Any] = []
        awaitable_indices: list[int] = []
        try:
            for index, item in enumerate(items):
                item_path = path.add_key(index, None)
                if is_awaitable(item):
                    # As graphql-core completes an awaitable item (it needs the info).
                    info = self.build_resolve_info(
                        step.field, to_nodes(fields), step.parent_type, path
                    )
                    completed.append(
                        self.complete_awaitable_list_item_value(
                            item, item_type, fields, info, item_path, None
                        )
                    )
                    awaitable_indices.append(index)
                    continue
                try:
                    if isinstance(item, Exception):
                        raise item
                    if item is None:
                        if step.item_non_null:
                            # graphql-core's message for a null where the item type
                            # forbids it.
                            msg = (
                                "Cannot return null for non-nullable field"
                                f" {step.parent_type}.{fields[0].node.name.value}."
                            )
                            raise TypeError(msg)
                        completed.append(None)
                        continue
                    if step.kind == LEAF_LIST:
                        completed.append(self.complete_leaf_value(step.named, item))  # type: ignore[arg-type]
                        continue
                    result = self._complete_object(step.named, fields, item_path, item)  # type: ignore[arg-type]
                except Exception as raw_error:
                    self.handle_field_error(raw_error, item_type, fields, item_path)
                    completed.append(None)
                    continue
                if is_awaitable(result):
                    completed.append(self._guard(result, item_type, fields, item_path))
                    awaitable_indices.append(index)
                else:
                    completed.append(result)
        except Exception:
            if awaitable_indices:
                self.settle_in_background([completed[i] for i in awaitable_indices])
            raise
        if not awaitable_indices:
            return completed
        return self._await_items(completed, awaitable_indices)

    @staticmethod
    async def _await_items(completed: list[Any], indices: list[int]) -> list[Any]:
        if len(indices) == 1:
            completed[indices[0]] = await completed[indices[0]]
        else:
            awaited = await gather_with_cancel(*(completed[i] for i in indices))
            for index, value in zip(indices, awaited, strict=True):
                completed[index] = value
        return completed

    async def _guard(
        self,
        awaitable: Awaitable[Any],
        return_type: GraphQLOutputType,
        fields: FieldDetailsList,
        path: Path,
    ) -> Any:
        try:
            return await awaitable
        except Exception as raw_error:
            self.handle_field_error(raw_error, return_type, fields, path)
            return None


__all__ = ["PlannedExecutor"]
