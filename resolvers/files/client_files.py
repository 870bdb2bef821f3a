"""Where files that clients hand over may come from (decisions.md).

Completion outputs, HTML summaries, injected artifacts, test-mode artifacts and files
attached through `/api/v1` are handed over as paths. A path is resolved first (`..` and
symlinks followed), then accepted only when it lies strictly inside a folder where clients
legitimately put files:

- the working dir (`QIITA_WORKING_DIR`), where every job gets its output folder;
- the folders of `QIITA_PLUGIN_OUTPUT_ROOTS`, which a site adds for plugins that write
  elsewhere;
- the upload folders (`<uploads mount>/<study>/`).

Inside the data dir only the upload folders, the working dir and configured roots below it
count, and never a server-managed mountpoint (artifact folders, templates, ...); the
database file is refused wherever it is, and so is any folder that holds one of these
places. A handed-over folder must not contain links that lead out of it. Users (as opposed
to plugin and system clients) hand over only files of the upload folders of studies they
may change.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from db.files import FLAT_MOUNTS, PathOutsideRoot, is_below, links_leaving, resolve_client_path
from db.models import DataDirectory
from resolvers.artifacts.artifact_types import get_mount
from resolvers.auth import access
from resolvers.context import Context
from resolvers.errors import UnsafePath

ROOTS_SETTING = "QIITA_PLUGIN_OUTPUT_ROOTS"
UPLOADS = "uploads"
CLIENT_MOUNTS = (UPLOADS, "working_dir")
DATABASE_COMPANIONS = ("", "-wal", "-shm", "-journal")


@dataclass(frozen=True)
class ClientFolders:
    """The places of the rule, resolved once per request."""

    data_dir: Path
    uploads: Path
    allowed: tuple[Path, ...]
    """Working dir, configured roots, the uploads mount."""
    managed: tuple[Path, ...]
    """Mountpoints inside the data dir that only the server writes."""
    database_files: tuple[Path, ...]

    @property
    def landmarks(self) -> tuple[Path, ...]:
        """Places a handed-over path must neither be nor contain."""
        return (self.data_dir, *self.allowed, *self.managed, *self.database_files)


def database_files(ctx: Context) -> tuple[Path, ...]:
    """The SQLite database and its journal files (none on PostgreSQL)."""
    database = ctx.settings.database_file
    if database is None:
        return ()
    return tuple(database.with_name(database.name + suffix) for suffix in DATABASE_COMPANIONS)


async def _mountpoints(ctx: Context) -> dict[Path, str]:
    """Every mountpoint folder below the data dir (registered and the fixed layout) -> kind."""
    found: dict[Path, str] = {}
    rows = (await ctx.session.execute(select(DataDirectory.mountpoint, DataDirectory.kind))).all()
    for name, kind in [*((n, n) for n in FLAT_MOUNTS), *rows]:
        try:
            folder = ctx.files.mount(name)
        except PathOutsideRoot:
            continue
        if found.get(folder) not in CLIENT_MOUNTS:
            found[folder] = kind
    return found


async def mountpoint_folders(ctx: Context) -> list[Path]:
    """Every mountpoint folder below the data dir: registered ones and the fixed layout."""
    return sorted(await _mountpoints(ctx))


async def client_folders(ctx: Context) -> ClientFolders:
    files = ctx.files
    uploads = (await get_mount(ctx, UPLOADS)).path
    mounts = await _mountpoints(ctx)
    managed = tuple(folder for folder, kind in mounts.items() if kind not in CLIENT_MOUNTS)
    roots = ctx.settings.resolved_plugin_output_roots
    return ClientFolders(
        data_dir=files.root,
        uploads=uploads,
        allowed=(files.working_dir, *roots, uploads),
        managed=managed,
        database_files=database_files(ctx),
    )


def _acceptable(folders: ClientFolders, path: Path) -> bool:
    if any(place.is_relative_to(path) for place in folders.landmarks):
        return False
    if not any(is_below(path, folder) for folder in folders.allowed):
        return False
    if path.is_relative_to(folders.data_dir):
        inner = [f for f in folders.allowed if is_below(f, folders.data_dir)]
        if not any(is_below(path, folder) for folder in inner):
            return False
        if any(path.is_relative_to(mount) for mount in folders.managed):
            return False
    return True


async def _user_may_hand_over(ctx: Context, folders: ClientFolders, path: Path) -> bool:
    """Users hand over files of the upload folders of studies they may change."""
    if not is_below(path, folders.uploads):
        return False
    study = path.relative_to(folders.uploads).parts[0]
    if not study.isdigit() or len(study) > 18:
        return False
    return is_below(path, folders.uploads / study) and await access.can_edit_study(ctx, int(study))


def outside_message(raw: str, folders: Iterable[Path]) -> str:
    listed = ", ".join(str(folder) for folder in folders)
    return (
        f"The path {raw} is outside of the folder it must be in ({listed}); "
        f"a site allows further folders with {ROOTS_SETTING}."
    )


def _confined(places: ClientFolders, raw: str, within: Path | None) -> Path:
    """The rule's file-system part: resolve, then accept or raise UnsafePath."""
    inner = within.resolve() if within is not None else None
    refusal = UnsafePath(outside_message(raw, (inner,) if inner else places.allowed))
    try:
        path = resolve_client_path(places.data_dir, raw)
    except PathOutsideRoot:
        raise refusal from None
    if not _acceptable(places, path) or (inner is not None and not is_below(path, inner)):
        raise refusal
    if path.is_dir():
        leaving = links_leaving(path)
        if leaving:
            raise UnsafePath(f"The folder {raw} holds links that lead out of it: {leaving[0]}")
    return path


async def resolve_handed_file(
    ctx: Context,
    raw: str,
    *,
    folders: ClientFolders | None = None,
    within: Path | None = None,
) -> Path:
    """The resolved path of a file or folder a client hands over; UnsafePath when the rule
    refuses it. `within` narrows the allowed places to that one folder.
    """
    places = folders if folders is not None else await client_folders(ctx)
    path = _confined(places, raw, within)
    if not access.has_plugin_api_rights(ctx.principal):
        if not await _user_may_hand_over(ctx, places, path):
            raise UnsafePath(outside_message(raw, places.allowed))
    return path


async def check_handed_files(ctx: Context, paths: Iterable[str]) -> None:
    """Every path passes `resolve_handed_file` (existence is checked when files move)."""
    folders = await client_folders(ctx)
    for raw in paths:
        await resolve_handed_file(ctx, raw, folders=folders)
