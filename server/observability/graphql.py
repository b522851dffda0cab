"""Counting GraphQL operations by type, name and outcome (a Strawberry extension)."""

from __future__ import annotations

from collections.abc import Iterator

from strawberry.extensions import SchemaExtension

from server.observability.metrics import Metrics


class GraphQLMetrics(SchemaExtension):
    """After each operation, count it in the app's `Metrics` (``app.state.metrics``).

    Outcome ``error`` means the response carried errors (refused by a limit, did not parse or
    validate, or a resolver failed); ``ok`` otherwise. A document that does not parse has type
    ``unknown``.
    """

    def on_operation(self) -> Iterator[None]:
        try:
            yield
        finally:
            self._count()

    def _count(self) -> None:
        context = self.execution_context
        request = getattr(context.context, "request", None)
        metrics: Metrics | None = getattr(request.app.state, "metrics", None) if request else None
        if metrics is None:
            return
        try:
            kind = context.operation_type.value
        except RuntimeError:  # no document: it did not parse (an error, recorded later)
            kind = "unknown"
        failed = (
            kind == "unknown"
            or bool(context.pre_execution_errors)
            or bool(context.result is not None and context.result.errors)
        )
        metrics.count_graphql_operation(kind, context.operation_name, "error" if failed else "ok")
