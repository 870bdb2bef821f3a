"""`qiita-gateway backup DEST`: the database first, then the data files, then the manifest."""

from __future__ import annotations

import asyncio
import datetime as dt
import shutil
import sqlite3
from pathlib import Path

from sqlalchemy import text

from db.session import create_engine
from db.settings import Settings
from gateway.backup.manifest import (
    DATA,
    FORMAT,
    POSTGRES_DUMP,
    SQLITE_DUMP,
    BackupError,
    Manifest,
    package_version,
)
from gateway.backup.storage import (
    count_rows,
    count_sqlite_file,
    data_files,
    database_kind,
    excluded_paths,
    is_empty_folder,
    pg_arguments,
    run_tool,
    sqlite_path,
)


def _backup_sqlite(settings: Settings, dest: Path) -> tuple[dict[str, int], str | None]:
    source_path = sqlite_path(settings)
    if not source_path.is_file():
        raise BackupError(f"the database {source_path} does not exist")
    source = sqlite3.connect(source_path)
    target = sqlite3.connect(dest / SQLITE_DUMP)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()
    return count_sqlite_file(dest / SQLITE_DUMP)


async def _backup_postgres(settings: Settings, dest: Path) -> tuple[dict[str, int], str | None]:
    """Counts and dump from one snapshot: pg_dump joins the counting transaction's snapshot."""
    engine = create_engine(settings, pool=False)
    try:
        async with engine.connect() as connection:
            await connection.execution_options(isolation_level="REPEATABLE READ")
            snapshot = (await connection.execute(text("SELECT pg_export_snapshot()"))).scalar_one()
            counts, revision = await count_rows(connection)
            args, env = pg_arguments(settings)
            await run_tool(
                [
                    "pg_dump",
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--snapshot={snapshot}",
                    f"--file={dest / POSTGRES_DUMP}",
                    *args,
                ],
                env,
            )
            await connection.rollback()
    finally:
        await engine.dispose()
    return counts, revision


def create_backup(settings: Settings, dest: Path) -> Manifest:
    dest = dest.expanduser().resolve()
    root = settings.resolved_data_dir
    if dest == root or dest.is_relative_to(root):
        raise BackupError(f"the backup folder {dest} must not be inside the data dir {root}")
    if not is_empty_folder(dest):
        raise BackupError(f"the backup folder {dest} exists and is not empty")
    dest.mkdir(parents=True, exist_ok=True)
    kind = database_kind(settings)
    if kind == "sqlite":
        counts, revision = _backup_sqlite(settings, dest)
    else:
        counts, revision = asyncio.run(_backup_postgres(settings, dest))
    excluded = excluded_paths(settings)
    files = 0
    size = 0
    for path in data_files(root, excluded):
        target = dest / DATA / path.relative_to(root)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            shutil.copy2(path, target)
        except FileNotFoundError:
            continue  # deleted while copying
        files += 1
        size += target.stat().st_size
    manifest = Manifest(
        format=FORMAT,
        version=package_version(),
        migration=revision,
        created_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        database=kind,
        counts=counts,
        files=files,
        bytes=size,
        excluded=sorted(path.name for path in excluded if path.parent == root),
    )
    manifest.save(dest)
    return manifest
