"""Reference databases as plugins read them (plugin-api.md §4.12)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from db.models import DataDirectory, FilepathType, Reference, StoredFile
from resolvers.auth import access
from resolvers.context import Context
from resolvers.errors import NotFound

REFERENCE_FILE_TYPES = ("reference_seqs", "reference_tax", "reference_tree")


@dataclass(frozen=True)
class ReferenceDetails:
    reference: Reference
    files: dict[str, Path]
    """Filepath type -> absolute path, for the types the reference has."""


async def get_reference(ctx: Context, reference_id: int) -> ReferenceDetails:
    """The reference's name, version and files by type; NotFound otherwise."""
    access.require_authenticated(ctx)
    reference = await ctx.session.get(Reference, reference_id)
    if reference is None:
        raise NotFound(f"Reference not found: {reference_id}")
    rows = await ctx.session.execute(
        select(FilepathType.name, DataDirectory.mountpoint, StoredFile.relpath)
        .join(FilepathType, FilepathType.id == StoredFile.filepath_type_id)
        .join(DataDirectory, DataDirectory.id == StoredFile.data_directory_id)
        .where(StoredFile.reference_id == reference.id)
        .order_by(StoredFile.id)
    )
    files: dict[str, Path] = {}
    for fp_type, mountpoint, relpath in rows:
        if fp_type in REFERENCE_FILE_TYPES:
            files[fp_type] = ctx.files.root / mountpoint / relpath
    return ReferenceDetails(reference, files)
