"""What backup and restore both read: the database's kind and path, its rows, the data files."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import func, select, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncConnection

from db.models import Base
from db.settings import Settings
from gateway.backup.manifest import SQLITE_SUFFIXES, TOOL_TIMEOUT, BackupError


def database_url(settings: Settings) -> URL:
    return make_url(settings.effective_database_url)


def database_kind(settings: Settings) -> str:
    return "sqlite" if database_url(settings).get_backend_name() == "sqlite" else "postgresql"


def sqlite_path(settings: Settings) -> Path:
    database = database_url(settings).database
    if not database or database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up or restored")
    return Path(database).expanduser().resolve()


def excluded_paths(settings: Settings) -> set[Path]:
    if database_kind(settings) != "sqlite":
        return set()
    path = sqlite_path(settings)
    return {path.with_name(path.name + suffix) for suffix in SQLITE_SUFFIXES}


def data_files(root: Path, excluded: set[Path]) -> Iterator[Path]:
    if not root.is_dir():
        return
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            path = Path(folder) / name
            if path not in excluded:
                yield path


def is_empty_folder(path: Path) -> bool:
    return not path.exists() or (path.is_dir() and not any(path.iterdir()))


# -- counting rows ----------------------------------------------------------------------------


def _table_names() -> list[str]:
    return [table.name for table in Base.metadata.sorted_tables]


def count_sqlite_file(path: Path) -> tuple[dict[str, int], str | None]:
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


async def present_tables(connection: AsyncConnection) -> set[str]:
    if connection.dialect.name == "sqlite":
        query = "SELECT name FROM sqlite_master WHERE type = 'table'"
    else:
        query = "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
    return {row[0] for row in await connection.execute(text(query))}


async def count_rows(connection: AsyncConnection) -> tuple[dict[str, int], str | None]:
    """Rows of each of our tables the database has, and its migration level."""
    present = await present_tables(connection)
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


def pg_arguments(settings: Settings) -> tuple[list[str], dict[str, str]]:
    """libpq options for pg_dump/pg_restore; the password goes through the environment."""
    url = database_url(settings)
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


async def run_tool(argv: list[str], env: dict[str, str]) -> None:
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
