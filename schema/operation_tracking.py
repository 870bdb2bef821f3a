"""Names the GraphQL operation being executed on the request scope (audit log, metrics).

The audit origin is `<type> [<name>]: <root fields>`, e.g. `mutation CreateContact: createPerson`.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

from graphql import FieldNode, get_operation_ast
from strawberry.extensions import SchemaExtension

from db.request_scope import current_request


class OperationTracking(SchemaExtension):
    def on_execute(self) -> Iterator[None]:
        request = current_request.get()
        context = self.execution_context
        document = context.graphql_document
        operation = get_operation_ast(document, context.operation_name) if document else None
        if request is None or operation is None:
            yield
            return
        kind = operation.operation.value
        name = operation.name.value if operation.name else None
        fields = [
            selection.name.value
            for selection in operation.selection_set.selections
            if isinstance(selection, FieldNode)
        ]
        label = f"{kind} {name}" if name else kind
        request.operation = f"{label}: {', '.join(fields)}" if fields else label
        started = time.perf_counter()
        try:
            yield
        finally:
            request.operations.append((kind, name, time.perf_counter() - started))
