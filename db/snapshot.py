"""A snapshot of every row and of the data dir's mount files, taken right after an import
in test mode and restored by the test-mode reset (`POST /apitest/reset/`)."""

from __future__ import annotations

import asyncio
import datetime as dt
import shutil
from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import DateTime, FromClause, Table, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from db.id_counters import advance_id_counters
from db.models import Base, PrepTemplate
from db.models.base import UTCDateTime

SNAPSHOT_DIR = ".import-snapshot"
ROWS_FILE = "rows.json"
FILES_DIR = "files"
DEFERRED = ("prep_template", "artifact_id")
"""A column of a foreign-key cycle, set once every table is back."""


def snapshot_dir(data_dir: Path) -> Path:
    return data_dir / SNAPSHOT_DIR


def has_snapshot(data_dir: Path) -> bool:
    return (snapshot_dir(data_dir) / ROWS_FILE).is_file()


def _datetime_columns(table: Table) -> set[str]:
    return {c.name for c in table.c if isinstance(c.type, UTCDateTime | DateTime)}


def _write_files(data_dir: Path, rows: bytes) -> None:
    folder = snapshot_dir(data_dir)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    (folder / ROWS_FILE).write_bytes(rows)
    for mount in data_dir.iterdir():
        if mount.is_dir() and mount.name != SNAPSHOT_DIR:
            shutil.copytree(mount, folder / FILES_DIR / mount.name, symlinks=True)


async def write_snapshot(
    connection: AsyncConnection, data_dir: Path, skip: Collection[FromClause] = ()
) -> None:
    """Every table's rows (but `skip`'s, which a reset keeps) and a copy of every mount's
    files, replacing an older snapshot."""
    rows: dict[str, list[dict[str, Any]]] = {}
    for table in Base.metadata.sorted_tables:
        if table in skip:
            continue
        result = await connection.execute(select(table))
        rows[table.name] = [dict(row._mapping) for row in result]
    await asyncio.to_thread(
        _write_files, data_dir, orjson.dumps(rows, option=orjson.OPT_NON_STR_KEYS)
    )


def _decode(table: Table, row: dict[str, Any], datetimes: set[str]) -> dict[str, Any]:
    return {
        key: dt.datetime.fromisoformat(value) if key in datetimes and value else value
        for key, value in row.items()
    }


async def restore_rows(connection: AsyncConnection, data_dir: Path) -> None:
    """Insert every snapshot row missing from the database, then move the id counters on."""
    path = snapshot_dir(data_dir) / ROWS_FILE
    saved: dict[str, list[dict[str, Any]]] = orjson.loads(await asyncio.to_thread(path.read_bytes))
    deferred: list[dict[str, Any]] = []
    for table in Base.metadata.sorted_tables:
        rows = saved.get(table.name, [])
        if not rows:
            continue
        keys = list(table.primary_key.columns)
        present = {tuple(r) for r in await connection.execute(select(*keys))}
        datetimes = _datetime_columns(table)
        missing = [
            _decode(table, row, datetimes)
            for row in rows
            if tuple(row[c.name] for c in keys) not in present
        ]
        if table.name == DEFERRED[0]:
            deferred = [row for row in missing if row[DEFERRED[1]] is not None]
            missing = [row | {DEFERRED[1]: None} for row in missing]
        if missing:
            await connection.execute(insert(table), missing)
    for row in deferred:
        await connection.execute(
            update(PrepTemplate)
            .where(PrepTemplate.id == row["id"])
            .values(artifact_id=row[DEFERRED[1]])
        )
    await advance_id_counters(connection)


def file_restorer(data_dir: Path) -> Callable[[], None]:
    """Copies the snapshot's files back below the data dir (run once the mounts are empty)."""
    source = snapshot_dir(data_dir) / FILES_DIR

    def restore() -> None:
        if source.is_dir():
            shutil.copytree(source, data_dir, symlinks=True, dirs_exist_ok=True)

    return restore


__all__ = ["SNAPSHOT_DIR", "file_restorer", "has_snapshot", "restore_rows", "write_snapshot"]
