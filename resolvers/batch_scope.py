"""What a batch function needs: the session factory, the caller and the settings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

from sqlalchemy import Row, Select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.settings import Settings
from resolvers.context import Principal

AnySelect: TypeAlias = Select[*tuple[Any, ...]]
AnyRow: TypeAlias = Row[*tuple[Any, ...]]


@dataclass(frozen=True)
class ReadScope:
    """Reads on behalf of `principal`, each through a short session of its own."""

    settings: Settings
    sessions: async_sessionmaker[AsyncSession]
    principal: Principal

    async def scalars(self, query: AnySelect) -> list[Any]:
        async with self.sessions() as session:
            return list((await session.execute(query)).scalars().all())

    async def rows(self, query: AnySelect) -> Sequence[AnyRow]:
        async with self.sessions() as session:
            return (await session.execute(query)).all()
