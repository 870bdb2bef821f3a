"""Running one mutation in one transaction and turning `Invalid` into `userErrors`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from resolvers.context import Context
from resolvers.errors import Invalid
from schema.context import Info
from schema.errors import UserError, user_errors

T = TypeVar("T")
RowT = TypeVar("RowT")
NodeT = TypeVar("NodeT")


async def run_mutation(
    info: Info, action: Callable[[Context], Awaitable[T]]
) -> tuple[T | None, list[UserError]]:
    """The action's result after commit, or None and the user errors after a rollback."""
    try:
        async with info.context.unit_of_work() as ctx:
            result = await action(ctx)
    except Invalid as error:
        return None, user_errors(error)
    return result, []


async def run_object_mutation(
    info: Info, action: Callable[[Context], Awaitable[RowT]], wrap: Callable[[RowT], NodeT]
) -> tuple[NodeT | None, list[UserError]]:
    """`run_mutation` for an action returning one row: the row as its GraphQL object."""
    row, errors = await run_mutation(info, action)
    return (wrap(row) if row is not None else None), errors
