"""Running one mutation in one transaction and turning input problems into `userErrors`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from resolvers.context import Context
from resolvers.errors import Conflict, Invalid, NotFound
from schema.context import Info
from schema.errors import FieldPaths, UserError, user_errors

T = TypeVar("T")
RowT = TypeVar("RowT")
NodeT = TypeVar("NodeT")


async def run_mutation(
    info: Info,
    action: Callable[[Context], Awaitable[T]],
    *,
    paths: FieldPaths | None = None,
    not_found: str | None = None,
) -> tuple[T | None, list[UserError]]:
    """The action's result after commit, or None and the user errors after a rollback.

    Problems of the input (Invalid, Conflict, NotFound) become `userErrors` with their
    field paths (`paths`, `not_found`: see `user_errors`); the caller's rights
    (Forbidden, Unauthenticated) stay GraphQL errors.
    """
    try:
        async with info.context.unit_of_work() as ctx:
            result = await action(ctx)
    except (Invalid, Conflict, NotFound) as error:
        return None, user_errors(error, paths, not_found)
    return result, []


async def run_object_mutation(
    info: Info,
    action: Callable[[Context], Awaitable[RowT]],
    wrap: Callable[[RowT], NodeT],
    *,
    paths: FieldPaths | None = None,
    not_found: str | None = None,
) -> tuple[NodeT | None, list[UserError]]:
    """`run_mutation` for an action returning one row: the row as its GraphQL object."""
    row, errors = await run_mutation(info, action, paths=paths, not_found=not_found)
    return (wrap(row) if row is not None else None), errors
