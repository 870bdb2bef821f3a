"""`qiita-gateway restore SRC`: check the backup and the target, restore, verify, migrate."""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
from pathlib import Path

from sqlalchemy import text

from db.migrate import head_revision, upgrade_database
from db.session import create_engine
from db.settings import Settings
from gateway.backup.manifest import (
    DATA,
    POSTGRES_DUMP,
    SQLITE_DUMP,
    BackupError,
    Manifest,
    package_version,
)
from gateway.backup.storage import (
    count_rows,
    data_files,
    database_kind,
    excluded_paths,
    pg_arguments,
    present_tables,
    run_tool,
    sqlite_path,
)


async def _database_tables(settings: Settings) -> set[str]:
    engine = create_engine(settings, pool=False)
    try:
        async with engine.connect() as connection:
            return await present_tables(connection)
    finally:
        await engine.dispose()


def _check_target(settings: Settings, force: bool) -> None:
    root = settings.resolved_data_dir
    excluded = excluded_paths(settings)
    has_files = next(data_files(root, excluded), None) is not None
    has_database = (
        sqlite_path(settings).is_file() and bool(asyncio.run(_database_tables(settings)))
        if database_kind(settings) == "sqlite"
        else bool(asyncio.run(_database_tables(settings)))
    )
    if (has_files or has_database) and not force:
        what = " and ".join(
            part
            for part, present in (("the data dir", has_files), ("the database", has_database))
            if present
        )
        raise BackupError(
            f"{what} already hold data: restore into an empty data dir and database, "
            "or pass --force to replace them"
        )


def _clear_data_dir(settings: Settings) -> None:
    root = settings.resolved_data_dir
    if not root.is_dir():
        return
    keep = excluded_paths(settings)
    for entry in root.iterdir():
        if entry in keep:
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()


def _restore_sqlite(settings: Settings, src: Path) -> None:
    target = sqlite_path(settings)
    for path in excluded_paths(settings):
        path.unlink(missing_ok=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(f"file:{src / SQLITE_DUMP}?mode=ro", uri=True)
    destination = sqlite3.connect(target)
    try:
        source.backup(destination)
    finally:
        destination.close()
        source.close()


async def _restore_postgres(settings: Settings, src: Path) -> None:
    engine = create_engine(settings, pool=False)
    try:
        async with engine.begin() as connection:
            schema = (await connection.execute(text("SELECT current_schema()"))).scalar_one()
            await connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            await connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    finally:
        await engine.dispose()
    args, env = pg_arguments(settings)
    await run_tool(
        [
            "pg_restore",
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            *args,
            str(src / POSTGRES_DUMP),
        ],
        env,
    )


async def _restored_counts(settings: Settings) -> dict[str, int]:
    engine = create_engine(settings, pool=False)
    try:
        async with engine.connect() as connection:
            counts, _ = await count_rows(connection)
            return counts
    finally:
        await engine.dispose()


def _check_source(manifest: Manifest, src: Path, settings: Settings) -> None:
    kind = database_kind(settings)
    if manifest.database != kind:
        raise BackupError(
            f"this backup holds a {manifest.database} database; the target is {kind} "
            "(restore into the same kind of database)"
        )
    dump = src / (SQLITE_DUMP if kind == "sqlite" else POSTGRES_DUMP)
    if not dump.is_file():
        raise BackupError(f"the backup is incomplete: {dump} is missing")
    known = _known_revisions()
    if manifest.migration not in known:
        raise BackupError(
            f"the backup's migration level {manifest.migration!r} is unknown to this version "
            f"({package_version()}, level {head_revision()}): restore with the version that "
            f"made it ({manifest.version})"
        )
    files = sum(1 for _ in data_files(src / DATA, set()))
    if files != manifest.files:
        raise BackupError(
            f"the backup is incomplete: {files} data files, the manifest lists {manifest.files}"
        )


def _known_revisions() -> set[str | None]:
    from alembic.script import ScriptDirectory

    from db.migrate import alembic_config

    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    return {revision.revision for revision in script.walk_revisions()}


def restore_backup(settings: Settings, src: Path, *, force: bool = False) -> Manifest:
    src = src.expanduser().resolve()
    if not src.is_dir():
        raise BackupError(f"{src} is not a backup folder")
    manifest = Manifest.load(src)
    _check_source(manifest, src, settings)
    root = settings.resolved_data_dir
    if src == root or src.is_relative_to(root):
        raise BackupError(f"the backup folder {src} must not be inside the data dir {root}")
    root.mkdir(parents=True, exist_ok=True)
    _check_target(settings, force)
    _clear_data_dir(settings)
    if manifest.database == "sqlite":
        _restore_sqlite(settings, src)
    else:
        asyncio.run(_restore_postgres(settings, src))
    counts = asyncio.run(_restored_counts(settings))
    if counts != manifest.counts:
        differing = sorted(
            name
            for name in set(counts) | set(manifest.counts)
            if counts.get(name) != manifest.counts.get(name)
        )
        raise BackupError(f"restored row counts differ from the manifest in: {differing}")
    if (src / DATA).is_dir():
        shutil.copytree(src / DATA, root, dirs_exist_ok=True)
    if manifest.migration != head_revision():
        upgrade_database(settings)
    return manifest
