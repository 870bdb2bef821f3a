"""One import: refuse early, run the phases in one target transaction, undo files on failure."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import asyncpg
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from db.files import FileStore
from db.id_counters import advance_id_counters
from db.models import Account, DataDirectory, Software, Study
from db.session import create_engine
from db.settings import Settings
from db.snapshot import snapshot_dir, write_snapshot
from gateway.qiita_import.accounts import import_accounts, import_clients
from gateway.qiita_import.analyses import import_analyses, import_analysis_links
from gateway.qiita_import.artifacts import import_artifacts
from gateway.qiita_import.files import import_files, remove_placed
from gateway.qiita_import.jobs import import_job_links, import_jobs, import_logs
from gateway.qiita_import.metadata import import_preparations, import_samples
from gateway.qiita_import.not_modelled import list_not_modelled
from gateway.qiita_import.report import ImportReport, Progress
from gateway.qiita_import.software import import_references, import_software
from gateway.qiita_import.source import SUPPORTED_PATCHES, Source
from gateway.qiita_import.state import ImportRun
from gateway.qiita_import.studies import import_studies
from gateway.qiita_import.vocabulary import import_vocabulary
from resolvers.apitest.reset import KEPT_WHOLE

Phase = Callable[[ImportRun], Awaitable[None]]

PHASES: list[Phase] = [
    import_vocabulary,
    import_accounts,
    import_software,
    import_clients,
    import_references,
    import_studies,
    import_samples,
    import_preparations,
    import_logs,
    import_analyses,
    import_jobs,
    import_artifacts,
    import_job_links,
    import_analysis_links,
    import_files,
    list_not_modelled,
]


class ImportRefused(Exception):
    """The import cannot start (source or target unsuitable) or the target refused a row;
    nothing was written."""


@dataclass(frozen=True)
class ImportOptions:
    source_url: str
    source_data_dir: Path
    link_files: bool = False
    dry_run: bool = False


async def _check_source(source: Source) -> None:
    if not await source.has_table("study"):
        raise ImportRefused("the source database has no qiita schema (no table qiita.study)")
    patch = await source.patch_level()
    if patch not in SUPPORTED_PATCHES:
        raise ImportRefused(
            f"the source database is at Qiita patch {patch or 'unknown'}; "
            f"supported: {', '.join(SUPPORTED_PATCHES)}"
        )


async def _check_target_empty(run: ImportRun) -> None:
    counts = {
        "studies": Study.__table__,
        "accounts": Account.__table__,
        "plugins": Software.__table__,
    }
    found = []
    for label, table in counts.items():
        number = (await run.target.execute(select(func.count()).select_from(table))).scalar_one()
        if number:
            found.append(f"{number} {label}")
    if found:
        raise ImportRefused(
            "the target database is not empty (" + ", ".join(found) + "); "
            "import into a freshly migrated database"
        )


async def run_import(
    settings: Settings, options: ImportOptions, progress_stream: TextIO | None = None
) -> ImportReport:
    """Import everything; the target is unchanged unless the whole import succeeded."""
    if not options.source_data_dir.is_dir():
        raise ImportRefused(f"--source-data-dir {options.source_data_dir} is not a directory")
    report = ImportReport(dry_run=options.dry_run)
    engine = create_engine(settings, pool=False)
    try:
        try:
            source_context = Source.open(options.source_url)
            source = await source_context.__aenter__()
        except (OSError, asyncpg.PostgresError, ValueError) as exc:
            raise ImportRefused(f"cannot read the source database: {exc}") from None
        try:
            await _check_source(source)
            async with engine.connect() as target:
                run = ImportRun(
                    source=source,
                    target=target,
                    report=report,
                    progress=Progress(progress_stream),
                    files=FileStore.at(settings.resolved_data_dir),
                    source_data_dir=options.source_data_dir,
                    link_files=options.link_files,
                    dry_run=options.dry_run,
                )
                await _import_into(run)
        finally:
            await source_context.__aexit__(None, None, None)
        if settings.test_mode and not options.dry_run:
            async with engine.connect() as connection:
                await write_snapshot(connection, settings.resolved_data_dir, KEPT_WHOLE)
            report.note(
                "test mode: POST /apitest/reset/ returns to this state "
                f"(snapshot in {snapshot_dir(settings.resolved_data_dir)})"
            )
    finally:
        await engine.dispose()
    return report


async def _import_into(run: ImportRun) -> None:
    """Every phase in one transaction of the target: committed when all succeed (and not a dry
    run), else rolled back with the files placed so far removed."""
    transaction = await run.target.begin()
    run.report.note("Qiita's timestamps (no time zone) are read as UTC")
    try:
        await _check_target_empty(run)
        for phase in PHASES:
            try:
                await phase(run)
            except SQLAlchemyError as exc:
                reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()
                raise ImportRefused(
                    f"the import failed in {phase.__name__}: "
                    f"{reason[0] if reason else type(exc).__name__}; "
                    "nothing was written"
                ) from exc
        await advance_id_counters(run.target)
        if run.dry_run:
            await transaction.rollback()
        else:
            mountpoints = list(
                (
                    await run.target.execute(
                        select(DataDirectory.mountpoint).where(DataDirectory.active)
                    )
                ).scalars()
            )
            await transaction.commit()
            run.files.ensure_layout(mountpoints)
    except BaseException:
        await transaction.rollback()
        remove_placed(run.placed)
        raise
