"""What every phase shares: the source, the target connection, id maps, report, progress."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from sqlalchemy import JSON, FromClause, Table, insert
from sqlalchemy.ext.asyncio import AsyncConnection

from db.files import FileStore
from db.session import json_serializer
from gateway.qiita_import.report import ImportReport, Progress
from gateway.qiita_import.source import Source

Row = dict[str, Any]
COPIED_TABLES = {"sample", "prep_sample", "processing_job"}
"""The bulk tables, written with COPY on PostgreSQL."""


@dataclass(frozen=True)
class Mount:
    """A target data directory, as a source data directory maps onto it."""

    id: int
    mountpoint: str
    subdirectory: bool
    source_mountpoint: str


@dataclass
class IdMaps:
    """Source keys -> target keys, and Qiita's lookup ids -> names."""

    accounts: dict[str, int] = field(default_factory=dict)
    samples: dict[str, int] = field(default_factory=dict)
    data_types: dict[int, int] = field(default_factory=dict)
    artifact_types: dict[int, int] = field(default_factory=dict)
    filepath_types: dict[int, int] = field(default_factory=dict)
    timeseries_types: dict[int, int] = field(default_factory=dict)
    filter_methods: dict[int, int] = field(default_factory=dict)
    mounts: dict[int, Mount] = field(default_factory=dict)
    names: dict[str, dict[int, str]] = field(default_factory=dict)
    prep_roots: dict[int, int] = field(default_factory=dict)
    skipped_jobs: set[str] = field(default_factory=set)
    analyses: set[int] = field(default_factory=set)

    def name(self, lookup: str, key: int | None) -> str | None:
        return None if key is None else self.names.get(lookup, {}).get(key)


@dataclass
class ImportRun:
    source: Source
    target: AsyncConnection
    report: ImportReport
    progress: Progress
    files: FileStore
    source_data_dir: Path
    link_files: bool
    dry_run: bool
    started_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    ids: IdMaps = field(default_factory=IdMaps)
    placed: list[Path] = field(default_factory=list)

    async def insert(self, table: FromClause, rows: Iterable[Mapping[str, Any]]) -> int:
        batch = list(rows)
        if not batch:
            return 0
        target = cast(Table, table)
        if target.name in COPIED_TABLES and self.target.dialect.name == "postgresql":
            await self._copy(target, batch)
        else:
            await self.target.execute(insert(target), batch)
        return len(batch)

    async def _copy(self, table: Table, batch: list[Mapping[str, Any]]) -> None:
        """PostgreSQL's COPY on the target's own connection (inside its transaction): the
        bulk tables' rows carry every column they need, JSON columns as JSON text."""
        columns = list(batch[0])
        json_columns = {c for c in columns if isinstance(table.c[c].type, JSON)}
        records = [
            tuple(
                json_serializer(row[c]) if c in json_columns and row[c] is not None else row[c]
                for c in columns
            )
            for row in batch
        ]
        raw = await self.target.get_raw_connection()
        await raw.driver_connection.copy_records_to_table(  # type: ignore[union-attr]
            table.name, records=records, columns=columns
        )

    async def copy_table(
        self, resource: str, table: FromClause, query: str, mapper: Any, *, count_query: str = ""
    ) -> None:
        """Stream `query`, map each record (None: skipped, the mapper warned), insert in batches."""
        total = (
            int(await self.source.value(count_query))
            if count_query
            else int(await self.source.value(f"SELECT count(*) FROM ({query}) AS q"))
        )
        self.report.found(resource, total)
        self.progress.start(resource, total)
        async for records in self.source.batches(query):
            rows = [row for row in (mapper(record) for record in records) if row is not None]
            self.report.imported(resource, await self.insert(table, rows))
            self.progress.advance(len(records))
        self.progress.finish()


def naive_utc(value: dt.datetime | None) -> dt.datetime | None:
    """Qiita's naive timestamps, read as UTC."""
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def table_of(model: Any) -> Table:
    """A mapped class's table, typed as the Table it is."""
    return cast(Table, model.__table__)


Mapper = Callable[[Any], Row | None]


def positional(*names: str) -> Mapper:
    """A row mapper naming a record's values in order (the query selects exactly these)."""
    return lambda record: dict(zip(names, record, strict=True))


def renamed(**sources: str) -> Mapper:
    """A row mapper copying the source column `sources[name]` into each column `name`."""
    return lambda record: {name: record[source] for name, source in sources.items()}
