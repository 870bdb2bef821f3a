"""The one connection implementation: cursors, page info and edges."""

from __future__ import annotations

import base64
from typing import Generic, TypeVar

import strawberry

from resolvers.errors import Invalid

NodeT = TypeVar("NodeT")


def encode_cursor(kind: str, key: object) -> str:
    return base64.urlsafe_b64encode(f"{kind}:{key}".encode()).decode()


def decode_cursor(kind: str, cursor: str | None) -> str | None:
    if cursor is None:
        return None
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
    except (ValueError, UnicodeDecodeError):
        raise Invalid(f"Malformed cursor: {cursor!r}", "after") from None
    prefix, _, key = text.partition(":")
    if prefix != kind or not key:
        raise Invalid(f"Cursor {cursor!r} does not belong to this list.", "after")
    return key


def decode_int_cursor(kind: str, cursor: str | None) -> int | None:
    key = decode_cursor(kind, cursor)
    if key is None:
        return None
    try:
        return int(key)
    except ValueError:
        raise Invalid(f"Malformed cursor: {cursor!r}", "after") from None


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[NodeT]):
    cursor: str
    node: NodeT


@strawberry.type
class Connection(Generic[NodeT]):
    edges: list[Edge[NodeT]]
    nodes: list[NodeT]
    page_info: PageInfo
    total_count: int
