"""Refusals, dry runs, failures half-way and damaged files: the target stays as it was,
and every problem is reported."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from db.models import Account, ProcessingJob, StoredFile, Study
from db.session import create_engine
from db.settings import Settings
from gateway import cli
from gateway.qiita_import import ImportRefused, run_import, runner
from gateway.qiita_import.state import ImportRun
from tests import databases
from tests.qiita_import.site import QiitaSource


def row_counts(settings: Settings) -> dict[str, int]:
    async def count() -> dict[str, int]:
        engine = create_engine(settings, pool=False)
        try:
            async with engine.connect() as connection:
                return {
                    model.__tablename__: (
                        await connection.execute(select(func.count()).select_from(model))
                    ).scalar_one()
                    for model in (Account, Study, ProcessingJob, StoredFile)
                }
        finally:
            await engine.dispose()

    return asyncio.run(count())


def files_below(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def cli_args(settings: Settings, source: QiitaSource, *extra: str) -> list[str]:
    return [
        "import-qiita", "--database-url", settings.effective_database_url,
        "--data-dir", str(settings.resolved_data_dir), "--source-url", source.url,
        "--source-data-dir", str(source.data_dir), *extra,
    ]  # fmt: skip


def test_dry_run_writes_nothing_and_reports_the_same(
    settings: Settings, qiita_source: QiitaSource, capsys: pytest.CaptureFixture[str]
) -> None:
    before = row_counts(settings)
    assert cli.main(cli_args(settings, qiita_source, "--dry-run")) == 0
    dry = capsys.readouterr().out.strip()
    assert dry.startswith("Dry run (nothing written):\n")
    assert row_counts(settings) == before
    assert [p for p in files_below(settings.resolved_data_dir) if "sqlite" not in p.name] == []

    report = asyncio.run(run_import(settings, qiita_source.options()))
    real = report.render().replace("Imported:", "Dry run (nothing written):", 1)
    snapshot_note = [line for line in real.splitlines() if line.startswith("- test mode:")]
    assert len(snapshot_note) == 1
    assert real.replace("\n" + snapshot_note[0], "") == dry
    assert row_counts(settings)["processing_job"] == report.resources["jobs"].imported > 0


def test_refused_on_a_non_empty_target(
    settings: Settings, qiita_source: QiitaSource, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["user", "add", "someone@example.org", "--password", "Long-password-1",
                     "--database-url", settings.effective_database_url,
                     "--data-dir", str(settings.resolved_data_dir)]) == 0  # fmt: skip
    capsys.readouterr()
    before = row_counts(settings)
    assert cli.main(cli_args(settings, qiita_source)) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        "qiita-gateway: error: the target database is not empty (1 accounts); "
        "import into a freshly migrated database"
    ]
    assert row_counts(settings) == before


def test_refused_on_an_unsupported_patch_level(
    settings: Settings, qiita_source: QiitaSource, capsys: pytest.CaptureFixture[str]
) -> None:
    source_name = make_url(qiita_source.url).database
    older = f"qg_qiita_older_{databases.RUN_TAG}"
    databases.run_admin(
        f'DROP DATABASE IF EXISTS "{older}"', f'CREATE DATABASE "{older}" TEMPLATE "{source_name}"'
    )
    older_url = make_url(qiita_source.url).set(database=older).render_as_string(False)
    try:
        asyncio.run(set_patch(older_url, "94.sql"))
        older_source = QiitaSource(url=older_url, data_dir=qiita_source.data_dir)
        assert cli.main(cli_args(settings, older_source)) == 2
    finally:
        databases.drop_postgres(older)
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        "qiita-gateway: error: the source database is at Qiita patch 94.sql; supported: 95.sql"
    ]
    assert row_counts(settings) == {"account": 0, "study": 0, "processing_job": 0, "stored_file": 0}


async def set_patch(url: str, patch: str) -> None:
    connection = await asyncpg.connect(url)
    try:
        await connection.execute("UPDATE public.settings SET current_patch = $1", patch)
    finally:
        await connection.close()


def test_failure_half_way_leaves_the_target_unchanged(
    settings: Settings, qiita_source: QiitaSource, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def fail(run: ImportRun) -> None:
        assert run.placed, "files were placed before the failure"
        raise RuntimeError("injected failure")

    phases = list(runner.PHASES)
    phases.insert(phases.index(runner.import_files) + 1, fail)
    monkeypatch.setattr(runner, "PHASES", phases)
    before = row_counts(settings)
    with pytest.raises(RuntimeError, match="injected failure"):
        asyncio.run(run_import(settings, qiita_source.options()))
    assert row_counts(settings) == before
    assert [p for p in files_below(settings.resolved_data_dir) if "sqlite" not in p.name] == []


def test_missing_and_damaged_files_are_warnings_and_files_can_be_linked(
    settings: Settings, qiita_source: QiitaSource, tmp_path: Path
) -> None:
    data = tmp_path / "qiita-data"
    shutil.copytree(qiita_source.data_dir, data)
    (data / "raw_data" / "1_s_G1_L001_sequences.fastq.gz").write_bytes(b"not the same bytes")
    (data / "BIOM" / "7" / "biom_table.biom").unlink()
    options = runner.ImportOptions(
        source_url=qiita_source.url, source_data_dir=data, link_files=True
    )
    report = asyncio.run(run_import(settings, options))
    warnings = report.resources["files"].warnings
    assert any(
        w.startswith("filepath 1: ") and "Qiita recorded 2125826711" in w for w in warnings
    ), warnings
    assert any(w.startswith("filepath 22: ") and w.endswith("is missing") for w in warnings)
    assert row_counts(settings)["study"] == 1
    placed = settings.resolved_data_dir / "raw_data" / "1_s_G1_L001_sequences.fastq.gz"
    assert placed.read_bytes() == b"not the same bytes"
    assert placed.stat().st_ino == (data / "raw_data" / placed.name).stat().st_ino
    assert (settings.resolved_data_dir / "uploads").is_dir()


def test_refused_when_the_source_is_unreachable(settings: Settings, tmp_path: Path) -> None:
    options = runner.ImportOptions(
        source_url="postgresql://postgres@127.0.0.1:1/none", source_data_dir=tmp_path
    )
    with pytest.raises(ImportRefused, match="cannot read the source database"):
        asyncio.run(run_import(settings, options))


def test_a_row_the_target_refuses_is_one_line_and_nothing_is_written(
    settings: Settings,
    qiita_source: QiitaSource,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def duplicate_study(run: ImportRun) -> None:
        await run.insert(Study.__table__, [{"id": 1, "title": "again"}])

    phases = list(runner.PHASES)
    phases.insert(phases.index(runner.import_files) + 1, duplicate_study)
    monkeypatch.setattr(runner, "PHASES", phases)
    assert cli.main(cli_args(settings, qiita_source)) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert [line for line in err if not line.startswith("import-qiita: ")] == err[-1:]
    assert err[-1].startswith("qiita-gateway: error: the import failed in duplicate_study: ")
    assert err[-1].endswith("; nothing was written")
    assert row_counts(settings) == {"account": 0, "study": 0, "processing_job": 0, "stored_file": 0}
    assert [p for p in files_below(settings.resolved_data_dir) if "sqlite" not in p.name] == []
