"""Deleting file rows and removing their files after commit, through the file-move journal.

The rows go inside the request's transaction; each file is journaled for removal in the
same transaction (db/file_journal.py) and removed only once the transaction has committed,
so a crash never leaves a row without its file.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import ColumnElement, delete, select

from db.models import DataDirectory, StoredFile
from resolvers.context import Context


async def remove_stored_files(ctx: Context, condition: ColumnElement[bool]) -> list[Path]:
    """Delete the `stored_file` rows matching `condition`; their files go after commit."""
    query = (
        select(StoredFile.id, DataDirectory.mountpoint, StoredFile.relpath)
        .join(DataDirectory, DataDirectory.id == StoredFile.data_directory_id)
        .where(condition)
        .order_by(StoredFile.id)
    )
    rows = (await ctx.session.execute(query)).all()
    if not rows:
        return []
    await ctx.session.execute(delete(StoredFile).where(StoredFile.id.in_([r.id for r in rows])))
    paths = [ctx.files.root / mountpoint / relpath for _, mountpoint, relpath in rows]
    for path in paths:
        ctx.plan_removal(path)
    return paths
