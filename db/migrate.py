"""Alembic wiring: migrations ship inside the package so the installed CLI can upgrade."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from db.session import async_url
from db.settings import Settings

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", async_url(database_url).replace("%", "%%"))
    config.set_main_option("file_template", "%%(year)d-%%(month).2d-%%(day).2d_%%(slug)s_%%(rev)s")
    return config


def upgrade_database(settings: Settings, revision: str = "head") -> None:
    """Create or migrate the database to `revision` (blocking; runs its own event loop)."""
    settings.resolved_data_dir.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(settings.effective_database_url), revision)


def downgrade_database(settings: Settings, revision: str) -> None:
    command.downgrade(alembic_config(settings.effective_database_url), revision)


def head_revision() -> str | None:
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    return script.get_current_head()


def _current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


async def current_revision(engine: AsyncEngine) -> str | None:
    async with engine.connect() as connection:
        return await connection.run_sync(_current_revision)


async def pending_revisions(engine: AsyncEngine) -> list[str]:
    """Revisions an upgrade to head would apply, oldest first."""
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    current = await current_revision(engine)
    newest_first = script.iterate_revisions("heads", current)
    return [revision.revision for revision in reversed(list(newest_first))]


async def is_up_to_date(engine: AsyncEngine) -> bool:
    return await current_revision(engine) == head_revision()


def upgrade_database_blocking_safe(settings: Settings) -> None:
    """Run `upgrade_database` from inside a running event loop (in a worker thread)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        upgrade_database(settings)
        return
    raise RuntimeError("call upgrade_database via asyncio.to_thread from async code")
