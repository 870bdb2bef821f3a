"""Steps shared by the commands: create and migrate the database, run work in it."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from db.migrate import pending_revisions, upgrade_database
from db.session import check_database_url, create_engine, create_session_factory
from db.settings import Settings
from gateway.cli_commands.registry import CommandError
from gateway.progress import SILENT, Progress
from resolvers.context import SYSTEM, Context, Services, unit_of_work

T = TypeVar("T")


def database_label(settings: Settings) -> str:
    return str(settings.as_redacted_dict()["database_url"])


def ensure_database(settings: Settings, progress: Progress = SILENT) -> None:
    """Create the data dir and the database, and migrate it to the newest revision."""
    check_database_url(settings.effective_database_url)
    try:
        settings.resolved_data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CommandError(
            f"cannot create the data dir {settings.resolved_data_dir}: {exc}"
        ) from None
    try:
        asyncio.run(_connect(settings))
    except (SQLAlchemyError, OSError) as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise CommandError(
            f"cannot open the database {database_label(settings)}: {reason} "
            "(check QIITA_DATABASE_URL / --database-url)"
        ) from None
    revisions = asyncio.run(_pending_revisions(settings))
    if progress.total is not None:
        progress.total += len(revisions)
    for revision in revisions:
        progress.step(f"migrating to revision {revision}")
        upgrade_database(settings, revision)


async def _pending_revisions(settings: Settings) -> list[str]:
    engine = create_engine(settings, pool=False)
    try:
        return await pending_revisions(engine)
    finally:
        await engine.dispose()


async def _connect(settings: Settings) -> None:
    """Open one connection: an unreachable or unusable database fails here, before migrating."""
    engine = create_engine(settings, pool=False)
    try:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    finally:
        await engine.dispose()


async def in_unit_of_work(settings: Settings, work: Callable[[Context], Awaitable[T]]) -> T:
    """Run `work` in one transaction acting as the system (the database must be migrated)."""
    engine = create_engine(settings, pool=False)
    try:
        services = Services(settings=settings, sessions=create_session_factory(engine))
        async with unit_of_work(services, SYSTEM) as ctx:
            return await work(ctx)
    finally:
        await engine.dispose()


def run_in_database(settings: Settings, work: Callable[[Context], Awaitable[T]]) -> T:
    """Migrate if needed, then run `work` in one transaction acting as the system."""
    ensure_database(settings)
    return asyncio.run(in_unit_of_work(settings, work))


def with_services(settings: Settings, work: Callable[[Services], Awaitable[T]]) -> T:
    """Migrate if needed, then run `work` with services of its own (no server needed)."""
    ensure_database(settings)

    async def run() -> T:
        engine = create_engine(settings, pool=False)
        try:
            return await work(Services(settings=settings, sessions=create_session_factory(engine)))
        finally:
            await engine.dispose()

    return asyncio.run(run())
