"""Counting the SQL statements a request runs (QIITA_COUNT_SQL_STATEMENTS, for benchmarks).

`counting()` opens a count for the current task and the tasks it starts; every statement
sent through an engine built with the setting on adds one to the innermost open count.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine


class StatementCount:
    __slots__ = ("statements",)

    def __init__(self) -> None:
        self.statements = 0


_current: ContextVar[StatementCount | None] = ContextVar("sql_statement_count", default=None)


@contextmanager
def counting() -> Iterator[StatementCount]:
    count = StatementCount()
    token = _current.set(count)
    try:
        yield count
    finally:
        _current.reset(token)


def _count_statement(*_args: Any) -> None:
    count = _current.get()
    if count is not None:
        count.statements += 1


def count_statements_of(engine: AsyncEngine) -> None:
    event.listen(engine.sync_engine, "before_cursor_execute", _count_statement)
