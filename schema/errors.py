"""Domain errors to GraphQL errors, in one place."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from resolvers.errors import DomainError

logger = logging.getLogger(__name__)

UNEXPECTED = "Unexpected error."


class DomainErrorExtension(SchemaExtension):
    """Gives domain errors their `extensions.code`; masks everything else as unexpected."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is None or not result.errors:
            return
        result.errors = [self._translate(error) for error in result.errors]

    @staticmethod
    def _translate(error: GraphQLError) -> GraphQLError:
        original: Any = error.original_error
        if original is None:
            return error
        if isinstance(original, DomainError):
            return GraphQLError(
                original.message,
                nodes=error.nodes,
                path=error.path,
                original_error=None,
                extensions={"code": original.code},
            )
        logger.error("unexpected error in GraphQL resolver", exc_info=original)
        return GraphQLError(
            UNEXPECTED,
            nodes=error.nodes,
            path=error.path,
            original_error=None,
            extensions={"code": "INTERNAL_SERVER_ERROR"},
        )
