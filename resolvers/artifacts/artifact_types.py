"""Artifact types, filepath types and the storage locations (mountpoints) that go with them."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from db.files import PathOutsideRoot
from db.models import ArtifactType, ArtifactTypeFilepathType, DataDirectory, FilepathType
from resolvers.auth import access
from resolvers.context import Context
from resolvers.errors import Forbidden, Invalid, NotFound

UPLOADS_KIND = "uploads"
MAX_TYPE_NAME_LENGTH = 64
TYPE_NAME = re.compile(r"[A-Za-z0-9]([A-Za-z0-9 _.+\-\[\]()]*[A-Za-z0-9_.+\-\[\]()])?")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class Mount:
    """The active storage location of a kind, resolved to an absolute folder."""

    data_directory_id: int
    mountpoint: str
    subdirectory: bool
    path: Path


async def get_artifact_type(ctx: Context, name: str) -> ArtifactType:
    """The artifact type called `name`; Invalid when there is none (it is always client input)."""
    query = select(ArtifactType).where(ArtifactType.name == name)
    found = (await ctx.session.execute(query)).scalar_one_or_none()
    if found is None:
        raise Invalid(f"Unknown artifact type: {name}", field="artifact_type")
    return found


async def filepath_types_by_name(ctx: Context, names: Iterable[str]) -> dict[str, FilepathType]:
    """Filepath types for `names`; Invalid naming every unknown one."""
    wanted = set(names)
    query = select(FilepathType).where(FilepathType.name.in_(wanted))
    found = {row.name: row for row in (await ctx.session.execute(query)).scalars()}
    unknown = sorted(wanted - found.keys())
    if unknown:
        raise Invalid(f"Unknown filepath type: {', '.join(unknown)}", field="filepath_type")
    return found


async def get_mount(ctx: Context, kind: str) -> Mount:
    """The active data directory of `kind` (an artifact type name or a fixed kind)."""
    query = select(DataDirectory).where(DataDirectory.kind == kind, DataDirectory.active)
    row = (await ctx.session.execute(query)).scalar_one_or_none()
    if row is None:
        raise NotFound(f"There is no active storage location for {kind!r}.")
    return Mount(
        data_directory_id=row.id,
        mountpoint=row.mountpoint,
        subdirectory=row.subdirectory,
        path=ctx.files.mount(row.mountpoint),
    )


async def list_artifact_type_mounts(ctx: Context) -> dict[str, str]:
    """Every artifact type with an active mount -> its absolute folder, plus `uploads` (§4.1)."""
    query = (
        select(ArtifactType.name, DataDirectory.mountpoint)
        .join(DataDirectory, DataDirectory.kind == ArtifactType.name)
        .where(DataDirectory.active)
        .order_by(ArtifactType.id)
    )
    rows = (await ctx.session.execute(query)).all()
    mounts = {name: str(ctx.files.mount(mountpoint)) for name, mountpoint in rows}
    uploads = await get_mount(ctx, UPLOADS_KIND)
    mounts[UPLOADS_KIND] = str(uploads.path)
    return mounts


async def create_artifact_type(
    ctx: Context,
    *,
    name: str,
    description: str,
    can_be_submitted_to_ebi: bool,
    can_be_submitted_to_vamps: bool,
    is_user_uploadable: bool,
    filepath_types: Sequence[tuple[str, bool]],
) -> bool:
    """Create a type, its filepath-type rules and its mountpoint folder; False if it exists.

    Plugin and system clients and admins only; the name becomes a folder, so it is checked
    first. An existing type is left untouched (plugin-api.md §4.2: registration re-posts
    every type).
    """
    if not access.can_define_vocabulary(ctx.principal):
        raise Forbidden("Artifact types are created by plugins, system clients and admins.")
    _check_type_name(ctx, name)
    existing = select(ArtifactType.id).where(ArtifactType.name == name)
    if (await ctx.session.execute(existing)).first() is not None:
        return False
    types = await filepath_types_by_name(ctx, [fp for fp, _ in filepath_types])
    artifact_type = ArtifactType(
        name=name,
        description=description,
        can_be_submitted_to_ebi=can_be_submitted_to_ebi,
        can_be_submitted_to_vamps=can_be_submitted_to_vamps,
        is_user_uploadable=is_user_uploadable,
    )
    ctx.session.add(artifact_type)
    await ctx.session.flush()
    rules = {types[fp].id: required for fp, required in filepath_types}
    ctx.session.add_all(
        ArtifactTypeFilepathType(
            artifact_type_id=artifact_type.id, filepath_type_id=fp_id, required=required
        )
        for fp_id, required in rules.items()
    )
    ctx.session.add(DataDirectory(kind=name, mountpoint=name, subdirectory=True, active=True))
    await ctx.session.flush()
    folder = ctx.files.inside(name)
    ctx.after_commit(lambda: folder.mkdir(parents=True, exist_ok=True))
    return True


def _check_type_name(ctx: Context, name: str) -> None:
    """Invalid unless `name` is a short, printable name that is also a plain folder name."""
    if not name.strip():
        raise Invalid("The artifact type name must not be empty.", field="type_name")
    if _CONTROL.search(name):
        raise Invalid(
            "The artifact type name must not contain control characters.", field="type_name"
        )
    if len(name) > MAX_TYPE_NAME_LENGTH:
        raise Invalid(
            f"The artifact type name is limited to {MAX_TYPE_NAME_LENGTH} characters.",
            field="type_name",
        )
    try:
        folder = ctx.files.inside(name)
    except PathOutsideRoot:
        folder = None
    if folder is None or folder.parent != ctx.files.root:
        raise Invalid(
            f"The artifact type name {name!r} cannot be used as a folder name.", field="type_name"
        )
    if not TYPE_NAME.fullmatch(name):
        raise Invalid(
            f"The artifact type name {name!r} may only hold letters, digits, spaces and "
            "_ . + - [ ] ( ), starting with a letter or digit and not ending with a space.",
            field="type_name",
        )


async def check_filepath_types(
    ctx: Context, artifact_type: ArtifactType, filepath_type_names: Sequence[str]
) -> None:
    """The server's own file checks: every type allowed for the artifact type, required present."""
    query = select(FilepathType.name, ArtifactTypeFilepathType.required).join(
        ArtifactTypeFilepathType, ArtifactTypeFilepathType.filepath_type_id == FilepathType.id
    )
    query = query.where(ArtifactTypeFilepathType.artifact_type_id == artifact_type.id)
    rules = {k: v for k, v in await ctx.session.execute(query)}
    given = set(filepath_type_names)
    not_allowed = sorted(given - rules.keys())
    if not_allowed:
        raise Invalid(
            f"Filepath type(s) {', '.join(not_allowed)} not supported by artifact type "
            f"{artifact_type.name}. Supported filepath types: {', '.join(sorted(rules))}",
            field="filepaths",
        )
    missing = sorted(fp for fp, required in rules.items() if required and fp not in given)
    if missing:
        raise Invalid(
            f"Missing required filepath type(s) for artifact type {artifact_type.name}: "
            f"{', '.join(missing)}",
            field="filepaths",
        )
