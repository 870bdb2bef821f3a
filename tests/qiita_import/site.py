"""Qiita's own test database (shared/fixtures/qiita-2026.01) and the site imported from it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import asyncpg

from db.settings import Settings
from gateway.qiita_import import ImportOptions, ImportReport

FIXTURE = Path(__file__).resolve().parents[3] / "shared" / "fixtures" / "qiita-2026.01"


@dataclass(frozen=True)
class QiitaSource:
    url: str
    data_dir: Path

    def options(self, **kwargs: object) -> ImportOptions:
        return ImportOptions(source_url=self.url, source_data_dir=self.data_dir, **kwargs)  # type: ignore[arg-type]

    async def fetch(self, query: str, *args: object) -> list[asyncpg.Record]:
        """Rows of Qiita's database, to compare what the gateway answers with."""
        connection = await asyncpg.connect(self.url)
        try:
            return list(await connection.fetch(query, *args))
        finally:
            await connection.close()


@dataclass(frozen=True)
class ImportedSite:
    settings: Settings
    report: ImportReport
