"""The Qiita side: one `REPEATABLE READ, READ ONLY` transaction, rows streamed in batches."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
import orjson
from sqlalchemy.engine import make_url

SUPPORTED_PATCHES = ("95.sql",)
DEFAULT_BATCH = 2000


def plain_dsn(url: str) -> str:
    """A libpq-style DSN from a (possibly SQLAlchemy-flavoured) PostgreSQL URL."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        raise ValueError(f"--source-url {url!r} is not a postgresql:// URL")
    return parsed.set(drivername="postgresql").render_as_string(hide_password=False)


class Source:
    """Read access to a Qiita database inside one snapshot."""

    def __init__(self, connection: asyncpg.Connection, batch_size: int) -> None:
        self.connection = connection
        self.batch_size = batch_size

    @classmethod
    @asynccontextmanager
    async def open(cls, url: str, batch_size: int = DEFAULT_BATCH) -> AsyncIterator[Source]:
        connection = await asyncpg.connect(plain_dsn(url), timeout=10)
        try:
            for name in ("json", "jsonb"):
                await connection.set_type_codec(
                    name,
                    encoder=lambda value: orjson.dumps(value).decode(),
                    decoder=orjson.loads,
                    schema="pg_catalog",
                )
            transaction = connection.transaction(isolation="repeatable_read", readonly=True)
            await transaction.start()
            try:
                yield cls(connection, batch_size)
            finally:
                await transaction.rollback()
        finally:
            await connection.close()

    async def batches(self, query: str, *args: Any) -> AsyncIterator[list[asyncpg.Record]]:
        """The rows of `query` through a server-side cursor, `batch_size` at a time."""
        cursor = await self.connection.cursor(query, *args)
        while rows := await cursor.fetch(self.batch_size):
            yield rows

    async def fetch(self, query: str, *args: Any) -> list[asyncpg.Record]:
        """All rows of a query known to be small (lookup tables, one template's links)."""
        return list(await self.connection.fetch(query, *args))

    async def value(self, query: str, *args: Any) -> Any:
        return await self.connection.fetchval(query, *args)

    async def count(self, table: str) -> int:
        return int(await self.value(f"SELECT count(*) FROM qiita.{table}"))

    async def has_table(self, name: str) -> bool:
        return bool(
            await self.value(
                "SELECT EXISTS (SELECT 1 FROM information_schema.tables "
                "WHERE table_schema = 'qiita' AND table_name = $1)",
                name,
            )
        )

    async def patch_level(self) -> str | None:
        """Qiita's database patch (`public.settings.current_patch`), None when absent."""
        exists = await self.value(
            "SELECT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = "
            "'public' AND table_name = 'settings' AND column_name = 'current_patch')"
        )
        if not exists:
            return None
        value = await self.value("SELECT current_patch FROM public.settings LIMIT 1")
        return None if value is None else str(value)
