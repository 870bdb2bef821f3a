"""Keyset pages over an ordered key that may be a (value, unique tie-breaker) pair.

`resolvers.pagination.keyset_page` covers a single unique key; the lists here are
ordered by non-unique values too (time, title), so the cursor carries the value and
the row's id and the comparison is lexicographic.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, SQLColumnExpression, and_, func, or_, select

from resolvers.context import Context
from resolvers.pagination import Page, PageRequest, requested_page_size


@dataclass(frozen=True)
class Ordering:
    """Order by `value` (ascending unless `descending`), ties broken by the unique `tie`."""

    value: SQLColumnExpression[Any]
    tie: SQLColumnExpression[Any]
    descending: bool = False


def _beyond(ordering: Ordering, cursor: tuple[Any, Any], *, forward: bool) -> ColumnElement[bool]:
    value, tie = cursor
    ascending = forward != ordering.descending
    if ascending:
        return or_(ordering.value > value, and_(ordering.value == value, ordering.tie > tie))
    return or_(ordering.value < value, and_(ordering.value == value, ordering.tie < tie))


async def ordered_page(
    ctx: Context, query: Select[Any], ordering: Ordering, request: PageRequest
) -> Page[Any]:
    """One page of `query` (one ORM entity, access already applied); keys are (value, tie).

    One statement: the total count rides along as an uncorrelated scalar subquery
    (computed once); only an empty page past a cursor counts again on its own.
    """
    size = requested_page_size(ctx.settings, request)
    counted = select(func.count()).select_from(query.order_by(None).subquery())
    backwards = request.last is not None and request.first is None
    paged = query
    if request.after is not None:
        paged = paged.where(_beyond(ordering, request.after, forward=True))
    if request.before is not None:
        paged = paged.where(_beyond(ordering, request.before, forward=False))
    ascending = backwards == ordering.descending
    order = (
        [ordering.value, ordering.tie]
        if ascending
        else [
            ordering.value.desc(),
            ordering.tie.desc(),
        ]
    )
    total_column = counted.correlate(None).scalar_subquery().label("page_total")
    paged = (
        paged.add_columns(ordering.value, ordering.tie, total_column)
        .order_by(*order)
        .limit(size + 1)
    )
    rows = list((await ctx.session.execute(paged)).all())
    if rows:
        total = rows[0][3]
    elif request.after is None and request.before is None:
        total = 0
    else:
        total = (await ctx.session.execute(counted)).scalar_one()
    more = len(rows) > size
    rows = rows[:size]
    if backwards:
        rows.reverse()
    items = [row[0] for row in rows]
    keys = [(row[1], row[2]) for row in rows]
    if backwards:
        return Page(items, keys, total, request.before is not None, more)
    return Page(items, keys, total, more, request.after is not None)
