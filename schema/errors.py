"""Domain errors to GraphQL errors, in one place; input problems to typed `userErrors`."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from enum import Enum
from typing import Any, cast

import strawberry
from graphql import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionContext, ExecutionResult, StreamExecutionResult
from strawberry.utils.str_converters import to_camel_case

from resolvers.errors import (
    AlreadySet,
    Conflict,
    DomainError,
    Invalid,
    InvalidInput,
    NotFound,
    Required,
    Taken,
)

logger = logging.getLogger(__name__)

UNEXPECTED = "Unexpected error."


@strawberry.enum(description="What is wrong with a mutation's input, as `UserError.code`.")
class UserErrorCode(Enum):
    INVALID = strawberry.enum_value(
        "invalid", description="The value breaks a rule (format, range, vocabulary...)."
    )
    REQUIRED = strawberry.enum_value(
        "required", description="A value that must be given is missing or empty."
    )
    TAKEN = strawberry.enum_value(
        "taken",
        description="The value must be unique and is already used, or what it would set once "
        "is already set (a study title, a person, a preparation's artifact).",
    )
    NOT_FOUND = strawberry.enum_value(
        "not_found", description="The object the value names does not exist or is hidden from you."
    )
    NOT_ALLOWED = strawberry.enum_value(
        "not_allowed",
        description="The object is in a state that does not allow this change "
        "(a finished job, an archived artifact...).",
    )


@strawberry.type(description="A problem with the input of a mutation; nothing was changed.")
class UserError:
    field: list[str] | None = strawberry.field(
        description='The path to the input field at fault, such as `["input", "title"]`; '
        "null when the problem is not one field's."
    )
    message: str = strawberry.field(description="What is wrong, as a sentence for a person.")
    code: UserErrorCode = strawberry.field(description="What is wrong, for a program.")


INPUT = strawberry.argument(description="What to change; see the input type.")


def user_errors_field() -> Any:
    """`userErrors` of a mutation payload."""
    return strawberry.field(
        description="Every problem of the input; empty when the mutation succeeded. "
        "When not empty, nothing was changed and the payload's object is null."
    )


InputError = Invalid | Conflict | NotFound
"""Domain errors reported as `userErrors` by mutations (rights stay GraphQL errors)."""

FieldPaths = Mapping[str, Sequence[str]] | Callable[[str], Sequence[str] | None]
"""Resolver field names to their path in the GraphQL input, where they differ."""


def field_path(
    field: str | None, paths: FieldPaths, default: str | None = None
) -> list[str] | None:
    """The GraphQL path of a resolver's field name: `paths`, else `["input", camelCase]`."""
    name = field or default
    if name is None:
        return None
    found = paths(name) if callable(paths) else paths.get(name)
    if found is not None:
        return list(found)
    return ["input", to_camel_case(name)]


def user_error_code(error: InputError) -> UserErrorCode:
    if isinstance(error, Required):
        return UserErrorCode.REQUIRED
    if isinstance(error, Taken | AlreadySet):
        return UserErrorCode.TAKEN
    if isinstance(error, NotFound):
        return UserErrorCode.NOT_FOUND
    if isinstance(error, Conflict):
        return UserErrorCode.NOT_ALLOWED
    return UserErrorCode.INVALID


def user_errors(
    error: InputError, paths: FieldPaths | None = None, not_found: str | None = None
) -> list[UserError]:
    """Each problem of `error` as a `UserError`; `not_found` is the field a NotFound
    without one is about (the object the mutation acts on)."""
    problems: tuple[InputError, ...] = (
        error.problems if isinstance(error, InvalidInput) else (error,)
    )
    return [
        UserError(
            field=field_path(
                problem.field,
                paths or {},
                not_found if isinstance(problem, NotFound) else None,
            ),
            message=problem.message,
            code=user_error_code(problem),
        )
        for problem in problems
    ]


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
