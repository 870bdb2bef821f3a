"""What a batch function needs: the session factory, the caller and the settings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, Select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.settings import Settings
from resolvers.context import Principal


@dataclass(frozen=True)
class ReadScope:
    """Reads on behalf of `principal`, each through a short session of its own."""

    settings: Settings
    sessions: async_sessionmaker[AsyncSession]
    principal: Principal

    async def scalars(self, query: Select[Any]) -> list[Any]:
        async with self.sessions() as session:
            return list((await session.execute(query)).scalars().all())

    async def rows(self, query: Select[Any]) -> Sequence[Row[Any]]:
        async with self.sessions() as session:
            return (await session.execute(query)).all()
