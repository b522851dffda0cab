"""A graphql-core executor that completes each selection set from a plan made once.

Why: the nested walk (user → friends → artists → tags) completes ~1,400 values per request,
and graphql-core spends several µs on each whatever it holds — per field a resolve-info
object, a path, the arguments coerced again from the AST, then ``complete_value``'s chain of
type tests (non-null → list → leaf → abstract → object) and, for a list, a call per item
through three more methods — about half of the request's CPU at 100× (profiled). All of
that depends only on the selection set and the schema, which are the same for every object
a list holds: so it is decided once per selection set (the "plan": per field its resolver,
its arguments coerced once, and how its value is completed) and each object then costs a
loop over the plan.

A field keeps its resolver and everything Strawberry wraps around it (argument conversion,
permissions, field extensions, the DataLoaders); a *basic* field (no resolver, arguments or
extensions: it only reads an attribute) is read without building a resolve info. The plan
covers fields whose type is a leaf, an object type or a list of either; graphql-core's own
`execute_field` handles the rest — abstract types, nested lists, fields whose arguments do
not coerce, fields with directives (``@defer``/``@stream`` included), and every operation
when an extension resolves fields (middleware) or an abort signal is set. Within a planned
field every value the plan does not expect (a null for a non-null type, an exception, an
awaitable held in an attribute, a list that is not a list, a failed ``is_type_of``) is
completed by graphql-core's ``complete_value``, so results and errors (message, path,
locations, null propagation) are graphql-core's: `tests/server/test_graphql_executor.py`
runs queries through both executors and compares the responses.

A list the loader cache shares between requests (`SharedList`: an artist's top tags) is
completed once per selection *shape* and the result kept on the list, when that selection
reads attributes only — leaves, and objects through basic fields all the way down
(`Step.shape`): the same immutable objects under the same selection complete to the same
JSON, so a head artist's tags are not turned into response data again by every request.
A completion that reported an error or holds an awaitable is never kept.

One difference by design: the coerced arguments of a field are computed once per
selection set and shared by its calls (graphql-core coerces them per call). They are equal
values; a resolver that mutated an argument in place would see the change in the next
call. No resolver here does.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable
from typing import Any, NamedTuple, TypeVar

from graphql import (
    FieldNode,
    GraphQLField,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    is_leaf_type,
)
from graphql.execution.collect_fields import FieldDetailsList, GroupedFieldSet
from graphql.execution.values import get_argument_values
from graphql.pyutils import Path, Undefined, gather_with_cancel
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from server.graphql.rowcache import SharedList

Info = GraphQLResolveInfo[Any]

# How a planned field's value is completed.
LEAF, OBJECT, LEAF_LIST, OBJECT_LIST = range(4)


class Step(NamedTuple):
    """How one field of a selection set is resolved and completed (module docstring)."""

    parent_type: GraphQLObjectType
    field: GraphQLField
    nodes: list[FieldNode]
    resolve: Callable[..., Any]
    args: dict[str, Any] | None  # None: a basic field, read without a resolve info
    kind: int
    return_type: GraphQLOutputType  # the field's declared type
    non_null: bool
    named: Any  # the leaf or object type inside the non-null and list wrappers
    item_type: GraphQLOutputType | None  # a list's declared item type
    item_non_null: bool
    shape: Hashable | None  # what the value's completion depends on besides the value
    # itself, when that is only the selection: a leaf, or objects read through basic
    # fields all the way down (the key of `SharedList.completed`); None otherwise


Plan = list[tuple[str, FieldDetailsList, Step | None]]


def _unwrap(type_: GraphQLOutputType) -> tuple[GraphQLOutputType, bool]:
    if isinstance(type_, GraphQLNonNull):
        return type_.of_type, True
    return type_, False


C = TypeVar("C", dict[str, Any], list[Any])


async def _await_into(container: C, keys: list[Any]) -> C:
    """``container`` (an object's fields or a list's items) with its awaitables at ``keys``
    replaced by their values, awaited together — one alone without a gather, as
    graphql-core does."""
    if len(keys) == 1:
        container[keys[0]] = await container[keys[0]]
    else:
        awaited = await gather_with_cancel(*(container[key] for key in keys))
        for key, value in zip(keys, awaited, strict=True):
            container[key] = value
    return container


class PlannedExecutor(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's execution context with planned selection sets (module docstring)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Keyed by the grouped field set's identity: graphql-core memoises those per
        # (type, selection) for the execution, and the plan keeps its key alive.
        self._plans: dict[int, tuple[GroupedFieldSet, Plan]] = {}
        self._field_errors = 0
        # Strawberry passes a middleware manager per request; it is empty unless an
        # extension resolves fields itself, which planned fields would bypass.
        middleware = self.middleware_manager
        self._planned = (middleware is None or not middleware.middlewares) and (
            self.abort_signal is None
        )

    def _plan(self, parent_type: GraphQLObjectType, grouped: GroupedFieldSet) -> Plan:
        found = self._plans.get(id(grouped))
        if found is None:
            plan = [
                (key, fields, self._step(parent_type, fields)) for key, fields in grouped.items()
            ]
            found = self._plans[id(grouped)] = (grouped, plan)
        return found[1]

    def _step(self, parent_type: GraphQLObjectType, fields: FieldDetailsList) -> Step | None:
        """The planned resolution of a field, or None where graphql-core must do it."""
        first = fields[0]
        field = parent_type.fields.get(first.node.name.value)
        if field is None or any(details.node.directives for details in fields):
            return None
        inner, non_null = _unwrap(field.type)
        item_type: GraphQLOutputType | None = None
        item_non_null = False
        if isinstance(inner, GraphQLList):
            item_type = inner.of_type
            named, item_non_null = _unwrap(item_type)
            kind = LEAF_LIST if is_leaf_type(named) else OBJECT_LIST
        else:
            named = inner
            kind = LEAF if is_leaf_type(named) else OBJECT
        shape: Hashable | None
        if isinstance(named, GraphQLObjectType):
            shape = self._shape(named, fields)
        elif is_leaf_type(named):
            shape = (named.name,)
        else:
            return None
        resolve = field.resolve or self.field_resolver
        args: dict[str, Any] | None = None
        if not (getattr(resolve, "_is_default", False) and not field.args):
            try:
                args = (
                    get_argument_values(
                        field,
                        first.node,
                        self.variable_values,
                        first.fragment_variable_values,
                        self.hide_suggestions,
                    )
                    if field.args or first.node.arguments
                    else {}
                )
            except Exception:
                return None  # graphql-core reports the error at each place it occurs
        nodes = [details.node for details in fields]
        return Step(
            parent_type,
            field,
            nodes,
            resolve,
            args,
            kind,
            field.type,
            non_null,
            named,
            item_type,
            item_non_null,
            shape,
        )

    def _shape(self, type_: GraphQLObjectType, fields: FieldDetailsList) -> Hashable | None:
        """`Step.shape` of an object type's selection: its fields' names and shapes if
        every one is basic (an attribute read), else None."""
        grouped, deferred, _forbidden = self.collect_subfields(type_, fields)
        if deferred:
            return None
        parts: list[Hashable] = []
        for key, subfields, step in self._plan(type_, grouped):
            if step is None or step.args is not None or step.shape is None:
                return None
            parts.append((key, subfields[0].node.name.value, step.shape))
        return (type_.name, tuple(parts))

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: GroupedFieldSet,
        position_context: Any,
    ) -> Any:
        # A position context means incremental delivery (@defer) is under way.
        if not self._planned or position_context is not None:
            return super().execute_fields(
                parent_type, source_value, path, grouped_field_set, position_context
            )
        results: dict[str, Any] = {}
        is_awaitable = self.is_awaitable
        awaitable_fields: list[str] = []
        try:
            for key, fields, step in self._plan(parent_type, grouped_field_set):
                field_path = Path(path, key, parent_type.name)
                if step is None:
                    result = self.execute_field(parent_type, source_value, fields, field_path, None)
                    if result is Undefined:
                        continue
                else:
                    result = self._execute_step(step, source_value, fields, field_path)
                results[key] = result
                if is_awaitable(result):
                    awaitable_fields.append(key)
        except Exception:
            if awaitable_fields:
                self.settle_in_background([results[key] for key in awaitable_fields])
            raise
        if not awaitable_fields:
            return results
        return _await_into(results, awaitable_fields)

    def _info(self, step: Step, path: Path) -> Info:
        return self.build_resolve_info(step.field, step.nodes, step.parent_type, path)

    def _execute_step(self, step: Step, source: Any, fields: FieldDetailsList, path: Path) -> Any:
        """graphql-core's `execute_field`, with the plan's arguments and completion."""
        info: Info | None = None
        try:
            if step.args is None:
                value = step.resolve(source, None)
            else:
                info = self._info(step, path)
                value = step.resolve(source, info, **step.args)
            if self.is_awaitable(value):
                return self._complete_awaited(step, fields, path, value, info)
            completed = self._complete(step, fields, path, value, info)
        except Exception as raw_error:
            self.handle_field_error(raw_error, step.return_type, fields, path)
            return None
        if self.is_awaitable(completed):
            return self._guard(completed, step.return_type, fields, path)
        return completed

    async def _complete_awaited(
        self,
        step: Step,
        fields: FieldDetailsList,
        path: Path,
        value: Awaitable[Any],
        info: Info | None,
    ) -> Any:
        try:
            completed = self._complete(step, fields, path, await value, info)
            if self.is_awaitable(completed):
                completed = await completed
        except Exception as raw_error:
            self.handle_field_error(raw_error, step.return_type, fields, path)
            return None
        return completed

    def _complete(
        self,
        step: Step,
        fields: FieldDetailsList,
        path: Path,
        value: Any,
        info: Info | None,
    ) -> Any:
        """``complete_value`` for the value the plan expects; graphql-core's otherwise."""
        if value is None and not step.non_null:
            return None
        kind = step.kind
        if kind == LEAF and value is not None and not isinstance(value, Exception):
            return self.complete_leaf_value(step.named, value)
        if kind == OBJECT and self._plain_object(step, value, path, info):
            return self._complete_object(step.named, fields, path, value)
        if kind >= LEAF_LIST and isinstance(value, (list, tuple)):
            if step.shape is not None and isinstance(value, SharedList):
                return self._complete_shared(step, fields, path, value, info)
            return self._complete_list(step, fields, path, value, info)
        info = info or self._info(step, path)
        return self.complete_value(step.return_type, fields, info, path, value, None)

    def _complete_shared(
        self,
        step: Step,
        fields: FieldDetailsList,
        path: Path,
        value: SharedList,
        info: Info | None,
    ) -> Any:
        """A shared list's completion for this shape: kept on the list the first time it
        completes without an error or an awaitable, reused after that."""
        shape = step.shape
        done = value.completed.get(shape)
        if done is None:
            errors = self._field_errors
            done = self._complete_list(step, fields, path, value, info)
            if self._field_errors == errors and not self.is_awaitable(done):
                value.keep(shape, done)
        return done

    def handle_field_error(
        self,
        raw_error: Exception,
        return_type: GraphQLOutputType,
        field_details_list: FieldDetailsList,
        path: Path,
    ) -> None:
        self._field_errors += 1  # what `_complete_shared` watches
        super().handle_field_error(raw_error, return_type, field_details_list, path)

    def _plain_object(self, step: Step, value: Any, path: Path, info: Info | None) -> bool:
        """Whether ``value`` is completed as the plan's object type without graphql-core:
        neither a null nor an exception, and accepted by ``is_type_of``."""
        if value is None or isinstance(value, Exception):
            return False
        is_type_of = step.named.is_type_of
        if is_type_of is None:
            return True
        accepted = is_type_of(value, info or self._info(step, path))
        return accepted is True

    def _complete_object(
        self, type_: GraphQLObjectType, fields: FieldDetailsList, path: Path, value: Any
    ) -> Any:
        return self.collect_and_execute_subfields(type_, fields, path, value, None)

    def _complete_list(
        self,
        step: Step,
        fields: FieldDetailsList,
        path: Path,
        items: list[Any] | tuple[Any, ...],
        info: Info | None,
    ) -> Any:
        """graphql-core's ``complete_iterable_value`` for a list without ``@stream``."""
        item_type = step.item_type
        assert item_type is not None
        is_awaitable = self.is_awaitable
        leaves = step.kind == LEAF_LIST
        completed: list[Any] = []
        awaitable_indices: list[int] = []
        try:
            for index, item in enumerate(items):
                item_path = path.add_key(index, None)
                if is_awaitable(item):  # it reports its own errors
                    info = info or self._info(step, path)
                    completed.append(
                        self.complete_awaitable_list_item_value(
                            item, item_type, fields, info, item_path, None
                        )
                    )
                    awaitable_indices.append(index)
                    continue
                try:
                    if item is None and not step.item_non_null:
                        completed.append(None)
                        continue
                    if leaves and item is not None and not isinstance(item, Exception):
                        completed.append(self.complete_leaf_value(step.named, item))
                        continue
                    if not leaves and self._plain_object(step, item, path, info):
                        result = self._complete_object(step.named, fields, item_path, item)
                    else:
                        info = info or self._info(step, path)
                        result = self.complete_value(item_type, fields, info, item_path, item, None)
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
        return _await_into(completed, awaitable_indices)

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
