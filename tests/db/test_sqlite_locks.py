"""A SQLite file whose write lock another process holds: a write waits for it (up to the busy
timeout) without stopping the event loop, and goes through once the lock is released."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from db.session import create_engine
from db.settings import Settings


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_a_write_waits_for_another_process_lock_while_the_loop_keeps_serving(
    settings: Settings,
) -> None:
    engine = create_engine(settings)
    async with engine.connect() as connection:  # opened (and in WAL mode) before the lock
        await connection.execute(text("SELECT 1"))
    path = make_url(settings.effective_database_url).database
    assert path is not None
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # the write lock, as another process holds it
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.01)

    async def write() -> None:
        async with engine.begin() as connection:
            await connection.execute(text("CREATE TABLE lock_probe (x INTEGER)"))

    ticker = asyncio.create_task(tick())
    try:
        writing = asyncio.create_task(write())
        await asyncio.sleep(0.5)
        assert not writing.done()
        assert ticks >= 10  # the event loop kept running while the write waited
        other.execute("COMMIT")
        await asyncio.wait_for(writing, 20)
        async with engine.connect() as connection:
            found = await connection.execute(text("SELECT count(*) FROM lock_probe"))
            assert found.scalar() == 0
    finally:
        ticker.cancel()
        other.close()
        await engine.dispose()
