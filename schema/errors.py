"""Domain errors to GraphQL errors, in one place; `Invalid` to `userErrors` in mutations."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from resolvers.errors import DomainError, Invalid

logger = logging.getLogger(__name__)

UNEXPECTED = "Unexpected error."


@strawberry.type(description="A problem with the input of a mutation; nothing was changed.")
class UserError:
    field: list[str] | None = strawberry.field(
        description="The path to the input field at fault, when known."
    )
    message: str
    code: str


def user_errors(error: Invalid) -> list[UserError]:
    field = [error.field] if error.field else None
    return [UserError(field=field, message=error.message, code=error.code)]


class DomainErrorExtension(SchemaExtension):
    """Gives domain errors their `extensions.code`; masks everything else as unexpected."""

    def __init__(self, *, production: bool = True) -> None:
        self.production = production

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is None or not result.errors:
            return
        result.errors = [self._translate(error) for error in result.errors]

    def _translate(self, error: GraphQLError) -> GraphQLError:
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
        if isinstance(original, GraphQLError) and original.original_error is None:
            return error
        logger.error("unexpected error in GraphQL resolver", exc_info=original)
        message = UNEXPECTED if self.production else f"{UNEXPECTED} {type(original).__name__}"
        return GraphQLError(
            message,
            nodes=error.nodes,
            path=error.path,
            original_error=None,
            extensions={"code": "INTERNAL_SERVER_ERROR"},
        )
