"""The one connection implementation: global ids, cursors, page info and edges."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Annotated, Any, Generic, TypeVar

import strawberry

from resolvers.context import Context
from resolvers.errors import Invalid, NotFound
from resolvers.pagination import Page, PageRequest, page_of_list

if TYPE_CHECKING:
    from schema.context import Info

NodeT = TypeVar("NodeT")
RowT = TypeVar("RowT")


@strawberry.interface(description="An object with a global id, fetchable with `node(id:)`.")
class Node:
    id: strawberry.ID = strawberry.field(description="The global id of the object.")


NOT_FOUND_NOTE = (
    " Missing or hidden: an error with `extensions.code` NOT_FOUND"
    " (`node(id:)` answers null instead)."
)
"""Appended to the description of each root lookup by key."""


def global_id(type_name: str, key: object) -> strawberry.ID:
    """`base64("<Type>:<key>")`, the Relay global id of an object."""
    return strawberry.ID(base64.urlsafe_b64encode(f"{type_name}:{key}".encode()).decode())


def parse_global_id(value: str) -> tuple[str, str]:
    """(type name, key) of a global id; NotFound when it is not one of ours."""
    try:
        text = base64.urlsafe_b64decode(value.encode()).decode()
    except (ValueError, UnicodeDecodeError, binascii.Error):
        raise NotFound(f"Not a valid id: {value!r}") from None
    type_name, sep, key = text.partition(":")
    if not sep or not type_name or not key:
        raise NotFound(f"Not a valid id: {value!r}")
    return type_name, key


MAX_KEY = 2**63 - 1
"""Integer keys are 64-bit on every database."""


def storable_int(text: str) -> int | None:
    """`text` as an integer key, or None unless it is ASCII digits within 64 bits."""
    if not text.isascii() or not text.isdigit() or len(text) > len(str(MAX_KEY)):
        return None
    number = int(text)
    return number if number <= MAX_KEY else None


def integer_key(type_name: str, value: str, field: str | None = None) -> int:
    """The integer key of a global id of `type_name`; a bare integer is accepted as well.

    NotFound (naming `field`, the input field it came from) when it is neither, or when
    it does not fit in 64 bits.
    """
    if value.isascii() and value.isdigit():
        number = storable_int(value)
    else:
        try:
            found_type, key = parse_global_id(value)
        except NotFound as error:
            raise NotFound(error.message, field) from None
        number = storable_int(key) if found_type == type_name else None
    if number is None:
        raise NotFound(f"Not a {type_name} id: {value!r}", field)
    return number


def job_key(value: str, field: str | None = None) -> str:
    """The UUID of a job from its UUID (any case) or its global id."""
    if len(value) == 36 and value.count("-") == 4:
        return value.lower()
    try:
        found_type, key = parse_global_id(value)
    except NotFound as error:
        raise NotFound(error.message, field) from None
    if found_type != "ProcessingJob":
        raise NotFound(f"Not a ProcessingJob id: {value!r}", field)
    return key


def require_found(value: NodeT | None, type_name: str, key: object) -> NodeT:
    """`value`, or NotFound naming what was asked for (missing or not readable alike)."""
    if value is None:
        raise NotFound(f"{type_name} not found: {key}")
    return value


def _encode_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return {"t": value.isoformat()}
    if isinstance(value, tuple):
        return [_encode_value(v) for v in value]
    return value


def _decode_value(value: Any) -> Any:
    if isinstance(value, dict) and set(value) == {"t"}:
        return dt.datetime.fromisoformat(value["t"])
    if isinstance(value, list):
        return tuple(_decode_value(v) for v in value)
    return value


def encode_cursor(kind: str, key: Any) -> str:
    """An opaque cursor naming its list (`kind`) and the key of the row it points at."""
    text = json.dumps([kind, _encode_value(key)], separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode()


def decode_cursor(kind: str, cursor: str | None, argument: str) -> Any:
    """The key inside `cursor`; Invalid when it is malformed or from another list or order."""
    if cursor is None:
        return None
    try:
        found_kind, key = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        key = _decode_value(key)
    except (ValueError, TypeError, binascii.Error):
        raise Invalid(f"Malformed cursor: {cursor!r}", argument) from None
    if found_kind != kind:
        raise Invalid(
            f"Cursor {cursor!r} belongs to another list or ordering; start again without it.",
            argument,
        )
    return key


def page_request(
    kind: str,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
) -> PageRequest:
    return PageRequest(
        first=first,
        after=decode_cursor(kind, after, "after"),
        last=last,
        before=decode_cursor(kind, before, "before"),
    )


First = Annotated[
    int | None,
    strawberry.argument(
        description="At most this many objects from the start (after `after`); the "
        "server's default page size when neither `first` nor `last` is given."
    ),
]
After = Annotated[
    str | None,
    strawberry.argument(description="Start after the object of this cursor (`endCursor`)."),
]
Last = Annotated[
    int | None,
    strawberry.argument(description="At most this many objects from the end (before `before`)."),
]
Before = Annotated[
    str | None,
    strawberry.argument(description="End before the object of this cursor (`startCursor`)."),
]


@strawberry.type(description="Where a page is in its list, and the cursors to move on.")
class PageInfo:
    has_next_page: bool = strawberry.field(description="Whether objects follow this page.")
    has_previous_page: bool = strawberry.field(description="Whether objects precede this page.")
    start_cursor: str | None = strawberry.field(
        description="The cursor of the page's first object; null for an empty page."
    )
    end_cursor: str | None = strawberry.field(
        description="The cursor of the page's last object; null for an empty page."
    )


@strawberry.type(description="An object of a page and its cursor.")
class Edge(Generic[NodeT]):
    cursor: str = strawberry.field(description="An opaque cursor for `after`/`before`.")
    node: NodeT = strawberry.field(description="The object.")


@strawberry.type(
    description="One page of a list (Relay connection), its page info and the total count."
)
class Connection(Generic[NodeT]):
    edges: list[Edge[NodeT]] = strawberry.field(description="The page's objects with cursors.")
    nodes: list[NodeT] = strawberry.field(description="The page's objects.")
    page_info: PageInfo = strawberry.field(description="Where the page is in the list.")
    total_count: int = strawberry.field(description="How many objects match, on all pages.")


def connection(kind: str, page: Page[RowT], wrap: Callable[[RowT], NodeT]) -> Connection[NodeT]:
    """Wrap a resolvers' `Page` of rows into a Connection of GraphQL objects."""
    nodes = [wrap(item) for item in page.items]
    cursors = [encode_cursor(kind, key) for key in page.keys]
    return Connection(
        edges=[Edge(cursor=c, node=n) for c, n in zip(cursors, nodes, strict=True)],
        nodes=nodes,
        page_info=PageInfo(
            has_next_page=page.has_next_page,
            has_previous_page=page.has_previous_page,
            start_cursor=cursors[0] if cursors else None,
            end_cursor=cursors[-1] if cursors else None,
        ),
        total_count=page.total_count,
    )


def list_connection(
    info: Info,
    kind: str,
    rows: Sequence[RowT],
    key: Callable[[RowT], Any],
    wrap: Callable[[RowT], NodeT],
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
) -> Connection[NodeT]:
    """A nested list field: the parent's whole list (from a loader) served one page at a time."""
    request = page_request(kind, first, after, last, before)
    page = page_of_list(info.context.settings, rows, [key(row) for row in rows], request)
    return connection(kind, page, wrap)


async def fetch_connection(
    info: Info,
    kind: str,
    fetch: Callable[[Context, PageRequest], Awaitable[Page[RowT]]],
    wrap: Callable[[RowT], NodeT],
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
) -> Connection[NodeT]:
    """A root list field: cursors decoded, one page fetched in a unit of work, rows wrapped."""
    request = page_request(kind, first, after, last, before)
    async with info.context.unit_of_work() as ctx:
        page = await fetch(ctx, request)
    return connection(kind, page, wrap)
