"""`POST /apitest/reset/`: back to the freshly seeded database (plugin-api.md §7).

Every row that is not seeded vocabulary goes, the id counters restart (so a
reloaded demo gets study 1 and artifact 1 again, as plugin test suites expect),
every token is dropped, and after commit the files below the data directory's
mountpoints are removed. A site imported from Qiita in test mode goes back to the state
right after the import instead: the import's snapshot (db/snapshot.py) is loaded again,
rows and files.
"""

from __future__ import annotations

import logging
import shutil

from sqlalchemy import Table, delete, func, select, text, update

from db.models import (
    ArtifactType,
    ArtifactTypeFilepathType,
    Base,
    DataDirectory,
    DataType,
    EnvironmentalPackage,
    FilepathType,
    InvestigationTypeTerm,
    MetadataRestriction,
    PrepTemplate,
    ServerSetting,
    TimeseriesType,
)
from db.snapshot import SNAPSHOT_DIR, file_restorer, has_snapshot, restore_rows
from resolvers.apitest.operations import require_test_client
from resolvers.context import Context

logger = logging.getLogger(__name__)

# The largest ids the seed migration (0002) gives each vocabulary; rows past them were
# added later (by plugins registering their artifact types, for instance) and go.
SEEDED_MAX_ID = {
    DataType.__table__: 12,
    FilepathType.__table__: 25,
    ArtifactType.__table__: 10,
    DataDirectory.__table__: 19,
}
KEPT_WHOLE = {
    TimeseriesType.__table__,
    EnvironmentalPackage.__table__,
    InvestigationTypeTerm.__table__,
    MetadataRestriction.__table__,
    ServerSetting.__table__,
}


async def _restart_id_counter(ctx: Context, table: Table) -> None:
    if "id" not in table.c or not table.c.id.autoincrement:
        return
    if ctx.session.get_bind().dialect.name == "sqlite":
        await ctx.session.execute(
            text("DELETE FROM sqlite_sequence WHERE name = :name"), {"name": table.name}
        )
        return
    largest = (await ctx.session.execute(select(func.max(table.c.id)))).scalar_one()
    await ctx.session.execute(
        text("SELECT setval(pg_get_serial_sequence(:name, 'id'), :next, false)"),
        {"name": table.name, "next": (largest or 0) + 1},
    )


async def reset_database(ctx: Context) -> None:
    """Delete everything but the seeded vocabulary; restart id counters; files go after commit."""
    require_test_client(ctx)
    await ctx.session.execute(update(PrepTemplate).values(artifact_id=None))
    for table in reversed(Base.metadata.sorted_tables):
        if table in KEPT_WHOLE:
            continue
        statement = delete(table)
        if table is ArtifactTypeFilepathType.__table__:
            statement = statement.where(
                table.c.artifact_type_id > SEEDED_MAX_ID[ArtifactType.__table__]
            )
        elif table in SEEDED_MAX_ID:
            statement = statement.where(table.c.id > SEEDED_MAX_ID[table])
        await ctx.session.execute(statement)
        await _restart_id_counter(ctx, table)

    root = ctx.files.root

    def remove_files() -> None:
        if not root.is_dir():
            return
        for mount in root.iterdir():
            if not mount.is_dir() or mount.name == SNAPSHOT_DIR:
                continue
            for entry in mount.iterdir():
                if entry.is_dir() and not entry.is_symlink():
                    shutil.rmtree(entry, ignore_errors=True)
                else:
                    entry.unlink(missing_ok=True)
        logger.info("test reset: files below %s removed", root)

    ctx.after_commit(remove_files)
    if has_snapshot(root):
        await restore_rows(await ctx.session.connection(), root)
        ctx.after_commit(file_restorer(root))
    logger.info("test reset: database back to its seeded state")
