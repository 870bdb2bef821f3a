"""The only place that builds engines and session factories."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import orjson
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import NullPool

from db.audit import AuditedSession
from db.settings import Settings, SettingsError
from db.sqlite_inline import inline_connector
from db.sqlite_writes import queue_writers
from db.statement_count import count_statements_of

SessionFactory = async_sessionmaker[AsyncSession]

SQLITE_BUSY_TIMEOUT_MS = 30_000
POOL_OVERFLOW = 4
"""Connections opened beyond the pool's size under a burst, and closed when returned."""


def _sqlite_pragmas(busy_timeout_ms: int) -> Callable[[Any, Any], None]:
    def set_pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    return set_pragmas


def _inline_sqlite_path(url: str) -> str | None:
    """The file of a plain SQLite URL, whose connections may run in the event loop."""
    parsed = make_url(url)
    if parsed.query or parsed.database in (None, "", ":memory:"):
        return None
    return parsed.database


def json_serializer(value: Any) -> str:
    """JSON text for JSON columns: non-ASCII kept as is, so SQL key extraction sees real keys."""
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


def check_database_url(url: str) -> None:
    """Refuse URLs whose driver we cannot use, naming the variable to fix."""
    try:
        parsed = make_url(url)
    except Exception:
        raise SettingsError(f"QIITA_DATABASE_URL={url!r} is not a database URL") from None
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise SettingsError(
            f"QIITA_DATABASE_URL={url!r}: only SQLite and PostgreSQL databases are supported"
        )


def async_url(url: str) -> str:
    """The async form of a URL: plain sqlite/postgresql URLs get aiosqlite/asyncpg."""
    check_database_url(url)
    parsed = make_url(url)
    if parsed.drivername == "sqlite":
        parsed = parsed.set(drivername="sqlite+aiosqlite")
    elif parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+asyncpg")
    return parsed.render_as_string(hide_password=False)


def create_engine(settings: Settings, *, pool: bool = True) -> AsyncEngine:
    url = async_url(settings.effective_database_url)
    kwargs: dict[str, Any] = {
        "json_serializer": json_serializer,
        "json_deserializer": orjson.loads,
    }
    busy_timeout_ms = SQLITE_BUSY_TIMEOUT_MS
    if url.startswith("sqlite"):
        settings.resolved_data_dir.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
        path = _inline_sqlite_path(url)
        if path is not None:
            kwargs["async_creator"] = inline_connector(path, SQLITE_BUSY_TIMEOUT_MS)
            busy_timeout_ms = 0
    if not pool:
        kwargs["poolclass"] = NullPool
    else:
        kwargs["pool_size"] = settings.database_pool_size
        kwargs["max_overflow"] = POOL_OVERFLOW
    engine = create_async_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas(busy_timeout_ms))
        if pool:
            queue_writers(engine, SQLITE_BUSY_TIMEOUT_MS / 1000)
    if settings.count_sql_statements:
        count_statements_of(engine)
    return engine


async def warm_pool(engine: AsyncEngine, connections: int) -> None:
    """Open `connections` pooled connections at once, so no request waits for one."""
    opened = 0
    everyone_in = asyncio.Event()

    async def hold() -> None:
        nonlocal opened
        async with engine.connect():
            opened += 1
            if opened == connections:
                everyone_in.set()
            await everyone_in.wait()

    holders = [asyncio.create_task(hold()) for _ in range(connections)]
    try:
        await asyncio.gather(*holders)
    finally:
        everyone_in.set()
        await asyncio.gather(*holders, return_exceptions=True)


def create_session_factory(engine: AsyncEngine) -> SessionFactory:
    """Sessions whose writes are recorded in the audit log (`db.audit`)."""
    return async_sessionmaker(
        engine, expire_on_commit=False, autoflush=False, sync_session_class=AuditedSession
    )
