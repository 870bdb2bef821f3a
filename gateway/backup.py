"""`qiita-gateway backup DEST` and `restore SRC`: the database and the data dir, consistent.

A backup is a folder holding:

- `manifest.json`: format, package version, migration level, time, database kind,
  row counts per table and the number and size of the data files;
- `database.sqlite` (SQLite, written with SQLite's online backup API, so the server
  may keep running) or `database.dump` (PostgreSQL, `pg_dump --format=custom` run in
  the snapshot the row counts were taken in);
- `data/`: the data dir's files, the SQLite database file excepted.

The database is copied first, then the files: a file written meanwhile is copied
too (no row names it), a file deleted meanwhile is missing (`qiita-gateway fsck`).
Restore refuses a target that already holds data unless forced, restores a backup
of the same database kind, checks the row counts and files against the manifest,
then migrates the database when the backup comes from an older version.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from sqlalchemy import func, select, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncConnection

from db.migrate import head_revision, upgrade_database
from db.models import Base
from db.session import create_engine
from db.settings import Settings

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_DUMP = "database.sqlite"
POSTGRES_DUMP = "database.dump"
DATA = "data"
SQLITE_SUFFIXES = ("", "-wal", "-shm", "-journal")
TOOL_TIMEOUT = 3600


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why."""


@dataclass
class Manifest:
    format: int
    version: str
    migration: str | None
    created_at: str
    database: str
    counts: dict[str, int]
    files: int
    bytes: int
    excluded: list[str] = field(default_factory=list)

    def save(self, folder: Path) -> None:
        (folder / MANIFEST).write_text(json.dumps(asdict(self), indent=2, sort_keys=True) + "\n")

    @classmethod
    def load(cls, folder: Path) -> Manifest:
        path = folder / MANIFEST
        try:
            data = json.loads(path.read_text())
            manifest = cls(**data)
        except FileNotFoundError:
            raise BackupError(f"{folder} is not a backup: it has no {MANIFEST}") from None
        except (ValueError, TypeError) as exc:
            raise BackupError(f"{path} is not a valid backup manifest: {exc}") from None
        if manifest.format != FORMAT:
            raise BackupError(
                f"{path}: backup format {manifest.format} is not supported (expected {FORMAT})"
            )
        return manifest


def package_version() -> str:
    try:
        return version("qiita-gateway")
    except PackageNotFoundError:
        return "unknown"


def _url(settings: Settings) -> URL:
    return make_url(settings.effective_database_url)


def _kind(settings: Settings) -> str:
    return "sqlite" if _url(settings).get_backend_name() == "sqlite" else "postgresql"


def _sqlite_path(settings: Settings) -> Path:
    database = _url(settings).database
    if not database or database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up or restored")
    return Path(database).expanduser().resolve()


def _excluded_paths(settings: Settings) -> set[Path]:
    if _kind(settings) != "sqlite":
        return set()
    path = _sqlite_path(settings)
    return {path.with_name(path.name + suffix) for suffix in SQLITE_SUFFIXES}


def _data_files(root: Path, excluded: set[Path]) -> Iterator[Path]:
    if not root.is_dir():
        return
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            path = Path(folder) / name
            if path not in excluded:
                yield path


def _is_empty_folder(path: Path) -> bool:
    return not path.exists() or (path.is_dir() and not any(path.iterdir()))


# -- counting rows ----------------------------------------------------------------------------


def _table_names() -> list[str]:
    return [table.name for table in Base.metadata.sorted_tables]


def _count_sqlite_file(path: Path) -> tuple[dict[str, int], str | None]:
    connection = sqlite3.connect(path)
    try:
        present = {
            row[0]
            for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        counts = {
            name: int(connection.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0])
            for name in _table_names()
            if name in present
        }
        revision = (
            connection.execute("SELECT version_num FROM alembic_version").fetchone()
            if "alembic_version" in present
            else None
        )
    finally:
        connection.close()
    return counts, revision[0] if revision else None


async def _present_tables(connection: AsyncConnection) -> set[str]:
    if connection.dialect.name == "sqlite":
        query = "SELECT name FROM sqlite_master WHERE type = 'table'"
    else:
        query = "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
    return {row[0] for row in await connection.execute(text(query))}


async def _count_rows(connection: AsyncConnection) -> tuple[dict[str, int], str | None]:
    """Rows of each of our tables the database has, and its migration level."""
    present = await _present_tables(connection)
    counts: dict[str, int] = {}
    for table in Base.metadata.sorted_tables:
        if table.name in present:
            counts[table.name] = int(
                (await connection.execute(select(func.count()).select_from(table))).scalar_one()
            )
    revision = (
        (await connection.execute(text("SELECT version_num FROM alembic_version"))).first()
        if "alembic_version" in present
        else None
    )
    return counts, revision[0] if revision else None


# -- PostgreSQL tools -------------------------------------------------------------------------


def _pg_arguments(settings: Settings) -> tuple[list[str], dict[str, str]]:
    """libpq options for pg_dump/pg_restore; the password goes through the environment."""
    url = _url(settings)
    args = [f"--dbname={url.database}"]
    if url.host:
        args.append(f"--host={url.host}")
    if url.port:
        args.append(f"--port={url.port}")
    if url.username:
        args.append(f"--username={url.username}")
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return args, env


async def _run_tool(argv: list[str], env: dict[str, str]) -> None:
    try:
        process = await asyncio.create_subprocess_exec(
            *argv,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
    except FileNotFoundError:
        raise BackupError(f"{argv[0]} is not installed (PostgreSQL client tools)") from None
    _, stderr = await asyncio.wait_for(process.communicate(), TOOL_TIMEOUT)
    if process.returncode != 0:
        message = stderr.decode(errors="replace").strip().splitlines()
        raise BackupError(
            f"{argv[0]} exited with {process.returncode}: {message[-1] if message else ''}"
        )


# -- backup -----------------------------------------------------------------------------------


def _backup_sqlite(settings: Settings, dest: Path) -> tuple[dict[str, int], str | None]:
    source_path = _sqlite_path(settings)
    if not source_path.is_file():
        raise BackupError(f"the database {source_path} does not exist")
    source = sqlite3.connect(source_path)
    target = sqlite3.connect(dest / SQLITE_DUMP)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()
    return _count_sqlite_file(dest / SQLITE_DUMP)


async def _backup_postgres(settings: Settings, dest: Path) -> tuple[dict[str, int], str | None]:
    """Counts and dump from one snapshot: pg_dump joins the counting transaction's snapshot."""
    engine = create_engine(settings, pool=False)
    try:
        async with engine.connect() as connection:
            await connection.execution_options(isolation_level="REPEATABLE READ")
            snapshot = (await connection.execute(text("SELECT pg_export_snapshot()"))).scalar_one()
            counts, revision = await _count_rows(connection)
            args, env = _pg_arguments(settings)
            await _run_tool(
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
    if not _is_empty_folder(dest):
        raise BackupError(f"the backup folder {dest} exists and is not empty")
    dest.mkdir(parents=True, exist_ok=True)
    kind = _kind(settings)
    if kind == "sqlite":
        counts, revision = _backup_sqlite(settings, dest)
    else:
        counts, revision = asyncio.run(_backup_postgres(settings, dest))
    excluded = _excluded_paths(settings)
    files = 0
    size = 0
    for path in _data_files(root, excluded):
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


# -- restore ----------------------------------------------------------------------------------


async def _database_tables(settings: Settings) -> set[str]:
    engine = create_engine(settings, pool=False)
    try:
        async with engine.connect() as connection:
            return await _present_tables(connection)
    finally:
        await engine.dispose()


def _check_target(settings: Settings, force: bool) -> None:
    root = settings.resolved_data_dir
    excluded = _excluded_paths(settings)
    has_files = next(_data_files(root, excluded), None) is not None
    has_database = (
        _sqlite_path(settings).is_file() and bool(asyncio.run(_database_tables(settings)))
        if _kind(settings) == "sqlite"
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
    keep = _excluded_paths(settings)
    for entry in root.iterdir():
        if entry in keep:
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()


def _restore_sqlite(settings: Settings, src: Path) -> None:
    target = _sqlite_path(settings)
    for path in _excluded_paths(settings):
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
    args, env = _pg_arguments(settings)
    await _run_tool(
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
            counts, _ = await _count_rows(connection)
            return counts
    finally:
        await engine.dispose()


def _check_source(manifest: Manifest, src: Path, settings: Settings) -> None:
    kind = _kind(settings)
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
    files = sum(1 for _ in _data_files(src / DATA, set()))
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


def summary(manifest: Manifest) -> str:
    """One line for the commands' output."""
    return (
        f"{manifest.database} database at migration {manifest.migration}, "
        f"{sum(manifest.counts.values())} rows, {manifest.files} data files "
        f"({manifest.bytes} bytes), taken {manifest.created_at}"
    )
