"""File transfer for plugins that do not share the server's file system (plugin-api.md §6).

Every path is resolved (`..`, symlinks) and must stay inside a mountpoint of the data dir
or inside the working dir (`QIITA_WORKING_DIR`, which may lie elsewhere); never the
database file or the data dir's own files. Pushed folders below the working dir are kept
as they are, others are taken relative to the data dir (§6.2). Directories
are served only when they are registered as `directory`-type files (decisions.md) or listed
in the `files` of a Validate job in progress (its plugin downloads them, lifecycle §3.4).
"""

from __future__ import annotations

import io
import json
import os
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from db.files import PathOutsideRoot, is_below, resolve_client_path
from db.models import Command, DataDirectory, FilepathType, ProcessingJob, StoredFile
from resolvers.auth import access
from resolvers.context import Context
from resolvers.errors import Forbidden, Invalid, UnsafePath
from resolvers.files import client_files

OUTSIDE = "You cannot access files outside of the BASE_DATA_DIR of Qiita!"
NOT_IN_A_MOUNTPOINT = "You cannot access files outside of the storage folders of Qiita!"
NOT_PRESENT = "The requested file is not present in Qiita's BASE_DATA_DIR!"
NOT_A_SERVED_DIRECTORY = "You cannot access this directory!"
ALREADY_PRESENT = "The requested file is already present in Qiita's BASE_DATA_DIR!"
NO_FILES = "No files to upload defined!"
DIRECTORY_TYPES = ("directory", "html_summary_dir")
VALIDATE = "Validate"


@dataclass(frozen=True)
class FetchTarget:
    path: Path
    is_directory: bool


@dataclass(frozen=True)
class PushedFile:
    directory: str
    """The destination folder as sent (absolute, or relative to the data dir)."""
    filename: str
    content: bytes


def _require_rights(ctx: Context) -> None:
    access.require_plugin_api(ctx, "Only plugin clients and administrators may transfer files.")


async def _inside(ctx: Context, candidate: str) -> Path:
    """`candidate` resolved inside a mountpoint of the data dir or inside the working dir;
    never the database file (decisions.md)."""
    files = ctx.files
    try:
        path = resolve_client_path(files.root, candidate)
    except PathOutsideRoot:
        raise UnsafePath(OUTSIDE) from None
    if any(path.is_relative_to(database) for database in client_files.database_files(ctx)):
        raise UnsafePath(NOT_IN_A_MOUNTPOINT)
    if not path.is_relative_to(files.root):
        if is_below(path, files.working_dir) and not files.root.is_relative_to(path):
            return path
        raise UnsafePath(OUTSIDE)
    places = [*await client_files.mountpoint_folders(ctx), files.working_dir]
    if not any(path.is_relative_to(place) for place in places):
        raise UnsafePath(NOT_IN_A_MOUNTPOINT)
    return path


async def _is_registered_directory(ctx: Context, path: Path) -> bool:
    if not path.is_relative_to(ctx.files.root):
        return False
    parts = path.relative_to(ctx.files.root).parts
    if len(parts) < 2:
        return False
    query = (
        select(StoredFile.id)
        .join(DataDirectory, DataDirectory.id == StoredFile.data_directory_id)
        .join(FilepathType, FilepathType.id == StoredFile.filepath_type_id)
        .where(
            DataDirectory.mountpoint == parts[0],
            StoredFile.relpath == "/".join(parts[1:]),
            FilepathType.name.in_(DIRECTORY_TYPES),
        )
    )
    return (await ctx.session.execute(query)).first() is not None


def _listed_paths(files: Any) -> list[str]:
    try:
        decoded = json.loads(files) if isinstance(files, str) else files
    except ValueError:
        return []
    if not isinstance(decoded, dict):
        return []
    return [p for paths in decoded.values() if isinstance(paths, list) for p in paths
            if isinstance(p, str)]  # fmt: skip


async def _is_validator_input(ctx: Context, path: Path) -> bool:
    """A folder a Validate job in progress must read (https coupling, lifecycle §3.4)."""
    query = (
        select(ProcessingJob.parameters)
        .join(Command, Command.id == ProcessingJob.command_id)
        .where(Command.name == VALIDATE, ProcessingJob.status.in_(("queued", "running")))
    )
    for (parameters,) in await ctx.session.execute(query):
        for listed in _listed_paths((parameters or {}).get("files")):
            try:
                if resolve_client_path(ctx.files.root, listed) == path:
                    return True
            except PathOutsideRoot:
                continue
    return False


async def locate_fetch(ctx: Context, filepath: str) -> FetchTarget:
    """The file or registered directory at `/<filepath>` inside the data dir (§6.1)."""
    _require_rights(ctx)
    path = await _inside(ctx, "/" + filepath.lstrip("/"))
    if not path.exists():
        raise Forbidden(NOT_PRESENT)
    if path.is_dir():
        served = await _is_registered_directory(ctx, path) or await _is_validator_input(ctx, path)
        if not served:
            raise Forbidden(NOT_A_SERVED_DIRECTORY)
        return FetchTarget(path, True)
    return FetchTarget(path, False)


def zip_directory(folder: Path) -> bytes:
    """The folder's files in a ZIP archive, paths relative to the folder, symlinks skipped."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_symlink() or not path.is_file():
                continue
            archive.write(path, path.relative_to(folder).as_posix())
    return buffer.getvalue()


async def _destination(ctx: Context, item: PushedFile) -> Path:
    root = str(ctx.files.root)
    working_dir = str(ctx.files.working_dir)
    folder = item.directory
    name = os.path.basename(item.filename)
    if not name or name in (".", ".."):
        raise Invalid(f"The file name {item.filename!r} cannot be stored.")
    if folder.startswith(working_dir + os.sep) and not ctx.files.working_dir.is_relative_to(root):
        return await _inside(ctx, os.path.join(folder, name))
    if folder == root or folder.startswith(root + os.sep):
        folder = folder[len(root) :]
    relative = folder.lstrip("/")
    return await _inside(ctx, os.path.join(relative, name) if relative else name)


def _remover(path: Path) -> Callable[[], None]:
    def remove() -> None:
        path.unlink(missing_ok=True)

    return remove


async def store_pushed_files(ctx: Context, files: Sequence[PushedFile]) -> list[Path]:
    """Write each file to `<data dir>/<directory>/<filename>` (§6.2); all or nothing."""
    _require_rights(ctx)
    if not files:
        raise Invalid(NO_FILES)
    destinations = [await _destination(ctx, item) for item in files]
    if len(set(destinations)) != len(destinations):
        raise Forbidden(ALREADY_PRESENT)
    for destination in destinations:
        if destination.exists() or destination.is_symlink():
            raise Forbidden(ALREADY_PRESENT)
    written: list[Path] = []
    for destination, item in zip(destinations, files, strict=True):
        destination.parent.mkdir(parents=True, exist_ok=True)
        with destination.open("xb") as handle:
            handle.write(item.content)
        written.append(destination)
        ctx.on_rollback(_remover(destination))
    return written
