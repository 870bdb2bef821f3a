"""Transactions whose loss in a database crash is harmless may skip waiting for the disk.

On PostgreSQL, `SET LOCAL synchronous_commit TO off` lets the commit return before the
write-ahead log reaches the disk: a crash of the database server (not of the gateway) may
lose the last fraction of a second of such commits, never corrupt anything. Used for job
heartbeats and the password-grant request counter, written on every request they cover.
SQLite commits are left as they are.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

_RELAXED = text("SET LOCAL synchronous_commit TO off")


async def commit_without_waiting_for_disk(session: AsyncSession) -> None:
    """Call inside the transaction, before its first write."""
    bind = session.bind
    if bind is not None and bind.dialect.name == "postgresql":
        await session.execute(_RELAXED)
