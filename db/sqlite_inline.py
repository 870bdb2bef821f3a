"""SQLite calls made in the event loop instead of a thread hop per call.

aiosqlite runs every call (cursor, execute, fetch, close, commit, rollback) on the
connection's own thread and wakes the event loop for its result: about 0.1 ms of CPU per
call, several calls per statement, while an indexed statement itself takes microseconds.
`InlineConnection` is aiosqlite's connection with the call made at once in the loop,
except where waiting is possible or the work is large:

- the connection's busy timeout is 0 in the loop, so a call that finds the database locked
  (by another process: this process's writers queue in `db.sqlite_writes`) fails at once;
  it is then made again on the connection's thread with the full busy timeout, as before;
- an `executemany` of many rows (bulk metadata writes) goes to the thread, so the loop
  keeps serving other requests meanwhile.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

import aiosqlite

SQLITE_BUSY = 5
BULK_ROWS = 100
"""An `executemany` of more rows than this runs on the connection's thread."""


def _is_bulk(fn: Callable[..., Any], args: tuple[Any, ...]) -> bool:
    if getattr(fn, "__name__", "") != "executemany" or len(args) < 2:
        return False
    rows = args[1]
    return not isinstance(rows, list) or len(rows) > BULK_ROWS


class InlineConnection(aiosqlite.Connection):
    """An aiosqlite connection whose calls run in the event loop (see the module docstring)."""

    busy_timeout_ms: int = 0

    async def _execute(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if not self._running or not self._connection:
            raise ValueError("Connection closed")
        if _is_bulk(fn, args):
            return await self._on_thread(fn, args, kwargs)
        try:
            return fn(*args, **kwargs)
        except sqlite3.OperationalError as exc:
            if getattr(exc, "sqlite_errorcode", 0) & 0xFF != SQLITE_BUSY:
                raise
        return await self._on_thread(fn, args, kwargs)

    async def _on_thread(self, fn: Callable[..., Any], args: tuple[Any, ...], kwargs: Any) -> Any:
        on_thread: Callable[..., Any] = super()._execute
        return await on_thread(self._waiting, fn, args, kwargs)

    def _waiting(self, fn: Callable[..., Any], args: tuple[Any, ...], kwargs: Any) -> Any:
        """`fn` on the connection's thread, with the busy timeout while it runs."""
        connection = self._conn
        connection.execute(f"PRAGMA busy_timeout={self.busy_timeout_ms}")
        try:
            return fn(*args, **kwargs)
        finally:
            connection.execute("PRAGMA busy_timeout=0")


def inline_connector(path: str, busy_timeout_ms: int) -> Callable[[], Any]:
    """An `async_creator` for SQLAlchemy: opens an `InlineConnection` to `path`."""

    async def create() -> InlineConnection:
        def connect() -> sqlite3.Connection:
            connection = sqlite3.connect(path, check_same_thread=False)
            connection.execute("PRAGMA busy_timeout=0")
            return connection

        connection = InlineConnection(connect, iter_chunk_size=64)
        connection.busy_timeout_ms = busy_timeout_ms
        connection._thread.daemon = True
        await connection
        return connection

    return create
