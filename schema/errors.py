"""Domain errors to GraphQL errors, in one place; `Invalid` to `userErrors` in mutations."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any, cast

import strawberry
from graphql import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionContext, ExecutionResult, StreamExecutionResult

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


def unexpected_cause(error: GraphQLError) -> BaseException | None:
    """The exception behind an unexpected error; None for what a client caused (a domain
    error, a bad document, a refused limit), which is answered but never logged."""
    original: Any = error.original_error
    if original is None or isinstance(original, DomainError):
        return None
    if isinstance(original, GraphQLError) and original.original_error is None:
        return None
    return cast(BaseException, original)


class GatewaySchema(strawberry.Schema):
    """Logs only unexpected errors, once each, with their traceback.

    Strawberry's default logs every error at ERROR on `strawberry.execution`, client
    errors included; a 4xx is not a failure of the server (style.md, gateway/ logging).
    """

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        for error in errors:
            cause = unexpected_cause(error)
            if cause is not None:
                logger.error(
                    "unexpected error in GraphQL operation %s at %s",
                    execution_context.operation_name if execution_context else None,
                    ".".join(str(part) for part in error.path or ()) or "(root)",
                    exc_info=cause,
                )


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

    def on_stream_result(self, result: StreamExecutionResult) -> Iterator[None]:
        """Each result pushed over a socket (every subscription event), translated alike."""
        if isinstance(result, ExecutionResult) and result.errors:
            result.errors = [self._translate(error) for error in result.errors]
        yield

    def _translate(self, error: GraphQLError) -> GraphQLError:
        original: Any = error.original_error
        if isinstance(original, DomainError):
            return GraphQLError(
                original.message,
                nodes=error.nodes,
                path=error.path,
                original_error=None,
                extensions={"code": original.code},
            )
        if unexpected_cause(error) is None:
            return error
        # logged by `GatewaySchema.process_errors`, before this masking
        message = UNEXPECTED if self.production else f"{UNEXPECTED} {type(original).__name__}"
        return GraphQLError(
            message,
            nodes=error.nodes,
            path=error.path,
            original_error=None,
            extensions={"code": "INTERNAL_SERVER_ERROR"},
        )
