"""Keyset pagination over an ordered unique key, shared by every list resolver."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Select, func, select

from db.settings import Settings
from resolvers.context import Context
from resolvers.errors import Invalid

T = TypeVar("T")


@dataclass(frozen=True)
class PageRequest:
    """`first/after` or `last/before` over a key; cursors are key values (already decoded)."""

    first: int | None = None
    after: Any = None
    last: int | None = None
    before: Any = None


@dataclass(frozen=True)
class Page(Generic[T]):
    items: Sequence[T]
    keys: Sequence[Any]
    total_count: int
    has_next_page: bool
    has_previous_page: bool


def requested_page_size(settings: Settings, request: PageRequest) -> int:
    """The requested page size, defaulted, refused when negative or over `max_page_size`:
    the one rule for every paged list."""
    if request.first is not None and request.last is not None:
        raise Invalid("Pass either first or last, not both.", "first")
    size = request.first if request.first is not None else request.last
    field = "first" if request.first is not None else "last"
    if size is None:
        return settings.default_page_size
    if size < 0:
        raise Invalid("Page size must not be negative.", field)
    if size > settings.max_page_size:
        raise Invalid(
            f"Page size {size} is over the limit of {settings.max_page_size}; "
            "ask for fewer and follow the cursors.",
            field,
        )
    return size


async def keyset_page(
    ctx: Context,
    query: Select[Any],
    key: ColumnElement[Any],
    request: PageRequest,
) -> Page[Any]:
    """One page of `query` (already filtered, access included) ordered by the unique `key`.

    The query must select one ORM entity (or one column); `key` must be a unique column of it.
    """
    size = requested_page_size(ctx.settings, request)
    total = (
        await ctx.session.execute(select(func.count()).select_from(query.order_by(None).subquery()))
    ).scalar_one()
    backwards = request.last is not None and request.first is None
    paged = query
    if request.after is not None:
        paged = paged.where(key > request.after)
    if request.before is not None:
        paged = paged.where(key < request.before)
    paged = paged.order_by(key.desc() if backwards else key).limit(size + 1)
    rows = list((await ctx.session.execute(paged)).scalars().all())
    more = len(rows) > size
    rows = rows[:size]
    if backwards:
        rows.reverse()
    keys = [_key_of(row, key) for row in rows]
    if backwards:
        return Page(rows, keys, total, request.before is not None, more)
    return Page(rows, keys, total, more, request.after is not None)


def page_of_list(
    settings: Settings, items: Sequence[T], keys: Sequence[Any], request: PageRequest
) -> Page[T]:
    """One page of a whole list (in its order, `keys` unique), with the keyset semantics of
    `keyset_page`: cursors name the key of an item; Invalid when it is not in the list."""
    size = requested_page_size(settings, request)
    position = {key: index for index, key in enumerate(keys)}
    start, end = 0, len(items)
    for cursor, argument in ((request.after, "after"), (request.before, "before")):
        if cursor is not None and cursor not in position:
            raise Invalid(f"Cursor of `{argument}` is not in this list; start again.", argument)
    if request.after is not None:
        start = position[request.after] + 1
    if request.before is not None:
        end = position[request.before]
    window = list(range(start, max(start, end)))
    backwards = request.last is not None and request.first is None
    more = len(window) > size
    chosen = window[-size:] if backwards and size else window[:size] if size else []
    page_items = [items[index] for index in chosen]
    page_keys = [keys[index] for index in chosen]
    if backwards:
        return Page(page_items, page_keys, len(items), request.before is not None, more)
    return Page(page_items, page_keys, len(items), more, request.after is not None)


def _key_of(row: Any, key: ColumnElement[Any]) -> Any:
    name = getattr(key, "key", None)
    if name is not None and hasattr(row, name):
        return getattr(row, name)
    return row
