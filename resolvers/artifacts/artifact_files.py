"""The files of artifacts: checking what a client hands over, then registering the files
and journalling their moves into the type's mountpoint (db/file_journal.py)."""

from __future__ import annotations

import os
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

from db.files import content_size, crc32_checksum
from db.models import StoredFile
from resolvers.artifacts.artifact_types import Mount, filepath_types_by_name
from resolvers.context import Context
from resolvers.errors import Conflict, Invalid
from resolvers.files import client_files


def destination_of(mount: Mount, owner_id: int, source: Path) -> tuple[str, Path]:
    """Where a file of `owner_id` lands in `mount`: its relative path and its full path."""
    relpath = f"{owner_id}/{source.name}" if mount.subdirectory else f"{owner_id}_{source.name}"
    return relpath, mount.path / relpath


@dataclass(frozen=True)
class PlannedFile:
    """A file handed by a client, checked, about to be moved into a mount."""

    source: Path
    filepath_type_id: int
    filepath_type: str


def _server_file(raw_path: str, root: Path | None) -> Path | None:
    path = Path(raw_path).resolve()
    return path if root is not None and path.is_relative_to(root) else None


async def plan_files(
    ctx: Context, files: Sequence[tuple[str, str]], root: Path | None, *, by_server: bool = False
) -> list[PlannedFile]:
    """Check the (path, filepath type) pairs a client hands: inside the client's folders
    (only `root` when given), existing, distinct names, known filepath types.

    `by_server`: the server wrote the files itself below `root` (an analysis's merged
    tables), so the rule on what clients may hand over does not apply."""
    if not files:
        raise Invalid("An artifact needs at least one file.", field="filepaths")
    types = await filepath_types_by_name(ctx, [fp_type for _, fp_type in files])
    folders = await client_files.client_folders(ctx)
    planned: list[PlannedFile] = []
    names: set[str] = set()
    for raw_path, fp_type in files:
        source = _server_file(raw_path, root) if by_server else None
        if source is None:
            source = await client_files.resolve_handed_file(
                ctx, raw_path, folders=folders, within=root
            )
        if not source.exists():
            raise Invalid(f"No such file or directory: {raw_path}", field="filepaths")
        if source.name in names:
            raise Invalid(f"Two files of the artifact are named {source.name}.", field="filepaths")
        names.add(source.name)
        planned.append(PlannedFile(source, types[fp_type].id, fp_type))
    return planned


def _require_writable_folders(source: Path, destination: Path) -> None:
    try:
        destination.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise Invalid(f"Cannot create {destination.parent}: {exc.strerror}") from None
    for folder in (source.parent, destination.parent):
        if not os.access(folder, os.W_OK | os.X_OK):
            raise Invalid(f"Cannot move {source} to {destination}: {folder} is not writable")


async def store_files(
    ctx: Context,
    *,
    mount: Mount,
    owner: dict[str, int],
    owner_id: int,
    planned: Sequence[PlannedFile],
    replacing: Collection[Path] = (),
) -> list[StoredFile]:
    """Register files and journal their moves into the mount, done once the rows commit.

    A destination must not exist yet, unless it is in `replacing` (the move replaces it).
    Folders that the moves cannot write to are refused now, while the transaction can
    still fail as a whole.
    """
    rows: list[StoredFile] = []
    for item in planned:
        relpath, destination = destination_of(mount, owner_id, item.source)
        if destination.exists() and destination not in replacing:
            raise Conflict(f"The destination {destination} already exists.")
        _require_writable_folders(item.source, destination)
        row = StoredFile(
            data_directory_id=mount.data_directory_id,
            relpath=relpath,
            filepath_type_id=item.filepath_type_id,
            checksum=crc32_checksum(item.source),
            size=content_size(item.source),
            **owner,
        )
        ctx.session.add(row)
        rows.append(row)
        ctx.plan_move(item.source, destination)
    await ctx.session.flush()
    return rows
