"""One writer at a time on SQLite, queued in the event loop instead of polling the file lock.

SQLite lets one connection write at a time; the others wait in its busy handler, which
sleeps up to 100 ms between attempts, so under concurrent writes some requests wait seconds
while the lock is free most of the time. Here a connection takes a process-wide
`asyncio.Lock` just before its first write statement (where SQLite takes its write lock:
the driver begins the transaction there) and gives it back when it returns to the pool
(sessions return it when their transaction ends), so
writers of one process queue in order and start as soon as the previous one commits.
Other processes still meet at SQLite's own lock. A writer that waits longer than the busy
timeout goes on without the lock and lets SQLite decide, as before.
"""

from __future__ import annotations

import asyncio
import weakref
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, ExecutionContext
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.util import await_

HOLDS = "holds_sqlite_write_lock"
WRITE_WORDS = ("INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "DROP", "ALTER")


class WriterQueue:
    def __init__(self, timeout_seconds: float) -> None:
        self.timeout_seconds = timeout_seconds
        self._locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
            weakref.WeakKeyDictionary()
        )

    def lock(self) -> asyncio.Lock:
        loop = asyncio.get_running_loop()
        found = self._locks.get(loop)
        if found is None:
            found = self._locks[loop] = asyncio.Lock()
        return found

    async def acquire(self) -> bool:
        lock = self.lock()
        if not lock.locked():
            return await lock.acquire()  # free: taken at once, without a timeout task
        try:
            await asyncio.wait_for(lock.acquire(), self.timeout_seconds)
        except TimeoutError:
            return False
        return True

    def before_execute(
        self,
        conn: Connection,
        _cursor: Any,
        statement: str,
        _parameters: Any,
        context: ExecutionContext | None,
        _executemany: bool,
    ) -> None:
        if conn.info.get(HOLDS) is not None or not _is_write(statement, context):
            return
        conn.info[HOLDS] = self.lock() if await_(self.acquire()) else False

    def release(self, _dbapi_connection: Any, record: Any, *_args: Any) -> None:
        held = record.info.pop(HOLDS, None) if record is not None else None
        if held:
            held.release()


def _is_write(statement: str, context: ExecutionContext | None) -> bool:
    flags = ("isinsert", "isupdate", "isdelete")
    if context is not None and any(getattr(context, flag, False) for flag in flags):
        return True
    return statement.lstrip()[:7].upper().startswith(WRITE_WORDS)


def queue_writers(engine: AsyncEngine, timeout_seconds: float) -> None:
    queue = WriterQueue(timeout_seconds)
    sync_engine = engine.sync_engine
    event.listen(sync_engine, "before_cursor_execute", queue.before_execute)
    for name in ("checkin", "invalidate", "close"):
        event.listen(sync_engine.pool, name, queue.release)
