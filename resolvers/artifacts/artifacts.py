"""Artifacts: the one creation function, reads, and HTML summaries.

`create_artifact` is used by every path that makes an artifact: validator release,
direct creation after a Validate job, the plugin injection route, the `/apitest/` route
and the study API's upload route. Files are moved into the type's mountpoint only after
the transaction that wrote their rows has committed, through the file-move journal
(db/file_journal.py), so a crash at any moment leaves no file without its row.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select, update

from db.models import (
    Analysis,
    Artifact,
    ArtifactParent,
    ArtifactType,
    DataDirectory,
    DataType,
    EbiRunAccession,
    FilepathType,
    PrepTemplate,
    Sample,
    StoredFile,
    Study,
)
from resolvers.artifacts.artifact_files import PlannedFile, destination_of, plan_files, store_files
from resolvers.artifacts.artifact_types import (
    check_filepath_types,
    filepath_types_by_name,
    get_artifact_type,
    get_mount,
)
from resolvers.auth import access
from resolvers.context import Context
from resolvers.errors import Forbidden, Invalid, NotFound, Taken

logger = logging.getLogger(__name__)

HTML_SUMMARY = "html_summary"
MAX_ID = 2**63 - 1
HTML_SUMMARY_DIR = "html_summary_dir"


@dataclass(frozen=True)
class ArtifactFile:
    """A stored file of an artifact, as clients see it."""

    id: int
    filepath_type: str
    path: Path
    size: int
    checksum: str


@dataclass(frozen=True)
class ArtifactDetails:
    """An artifact with the names and links the plugin API and GraphQL expose."""

    artifact: Artifact
    type_name: str
    data_type: str
    can_be_submitted_to_ebi: bool
    can_be_submitted_to_vamps: bool
    ebi_run_accessions: dict[str, str]
    parents: list[int]
    files: list[ArtifactFile]


async def _data_type_id(ctx: Context, name: str) -> int:
    found = (
        await ctx.session.execute(select(DataType.id).where(DataType.name == name))
    ).scalar_one_or_none()
    if found is None:
        raise Invalid(f"Unknown data type: {name}", field="data_type")
    return found


def _inherited_visibility(visibilities: Sequence[str]) -> str:
    """sandbox > private > awaiting_approval > public (decisions.md: approval is kept)."""
    for candidate in ("sandbox", "private", "awaiting_approval"):
        if candidate in visibilities:
            return candidate
    return "public"


async def _place_by_parents(ctx: Context, artifact: Artifact, parent_ids: Sequence[int]) -> None:
    out_of_range = [str(p) for p in parent_ids if not 0 < p <= MAX_ID]
    if out_of_range:
        raise Invalid(f"Unknown parent artifact(s): {', '.join(out_of_range)}", field="parents")
    rows = (
        (await ctx.session.execute(select(Artifact).where(Artifact.id.in_(parent_ids))))
        .scalars()
        .all()
    )
    by_id = {row.id: row for row in rows}
    missing = [str(p) for p in parent_ids if p not in by_id]
    if missing:
        raise Invalid(f"Unknown parent artifact(s): {', '.join(missing)}", field="parents")
    parents = [by_id[p] for p in parent_ids]
    studies = {p.study_id for p in parents}
    analyses = {p.analysis_id for p in parents}
    if None not in studies and len(studies) == 1:
        data_types = {p.data_type_id for p in parents}
        if len(data_types) != 1:
            raise Invalid("All the parents of an artifact must have the same data type.")
        artifact.study_id = parents[0].study_id
        artifact.prep_id = parents[0].prep_id
        artifact.data_type_id = parents[0].data_type_id
    elif None not in analyses and len(analyses) == 1 and studies == {None}:
        artifact.analysis_id = parents[0].analysis_id
        data_types = {p.data_type_id for p in parents}
        artifact.data_type_id = (
            parents[0].data_type_id
            if len(data_types) == 1
            else await _data_type_id(ctx, "Multiomic")
        )
    else:
        raise Invalid("All the parents of an artifact must come from one study or one analysis.")
    artifact.visibility = _inherited_visibility([p.visibility for p in parents])


async def _attach_to_prep(ctx: Context, artifact: Artifact, prep_id: int) -> None:
    prep = await ctx.session.get(PrepTemplate, prep_id)
    if prep is None:
        raise NotFound(f"Prep template {prep_id} does not exist.")
    artifact.study_id = prep.study_id
    artifact.prep_id = prep.id
    artifact.data_type_id = prep.data_type_id
    artifact.visibility = "sandbox"


async def _claim_prep_root(ctx: Context, prep_id: int, artifact_id: int) -> None:
    claimed = await ctx.session.execute(
        update(PrepTemplate)
        .where(PrepTemplate.id == prep_id, PrepTemplate.artifact_id.is_(None))
        .values(artifact_id=artifact_id)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        raise Taken(f"Prep template {prep_id} already has an artifact associated", "prep_id")


async def _place(
    ctx: Context,
    artifact: Artifact,
    parents: Sequence[int],
    prep_id: int | None,
    analysis_id: int | None,
    data_type: str | None,
) -> None:
    """Give a new artifact its one origin: parents, a preparation, or an analysis/data type."""
    if parents:
        await _place_by_parents(ctx, artifact, parents)
    elif prep_id is not None:
        await _attach_to_prep(ctx, artifact, prep_id)
    else:
        if analysis_id is not None:
            if await ctx.session.get(Analysis, analysis_id) is None:
                raise NotFound(f"Analysis {analysis_id} does not exist.")
            artifact.analysis_id = analysis_id
        artifact.data_type_id = await _data_type_id(ctx, data_type or "Job Output Folder")


async def store_server_file(
    ctx: Context, *, mount_kind: str, owner: dict[str, int], owner_id: int, source: Path,
    filepath_type: str,
) -> StoredFile:  # fmt: skip
    """Register a file the server wrote itself (an analysis's mapping file) and journal its
    move into the `mount_kind` mount."""
    types = await filepath_types_by_name(ctx, [filepath_type])
    planned = [PlannedFile(source, types[filepath_type].id, filepath_type)]
    mount = await get_mount(ctx, mount_kind)
    rows = await store_files(ctx, mount=mount, owner=owner, owner_id=owner_id, planned=planned)
    return rows[0]


def _require_one_origin(
    parents: Sequence[int],
    prep_id: int | None,
    analysis_id: int | None,
    data_type: str | None,
    command_id: int | None,
) -> None:
    origins = sum([bool(parents), prep_id is not None, analysis_id is not None or bool(data_type)])
    if origins != 1:
        raise Invalid(
            "An artifact needs exactly one origin: parents, a preparation, or an analysis "
            "or data type."
        )
    if bool(parents) != (command_id is not None):
        raise Invalid("Parents and processing parameters must be given together.")


async def create_artifact(
    ctx: Context,
    *,
    artifact_type: str,
    files: Sequence[tuple[str, str]],
    name: str | None = None,
    prep_id: int | None = None,
    parents: Sequence[int] = (),
    command_id: int | None = None,
    command_parameters: dict[str, Any] | None = None,
    analysis_id: int | None = None,
    data_type: str | None = None,
    job_id: str | None = None,
    command_output_id: int | None = None,
    files_root: Path | None = None,
    check_files: bool = False,
    written_by_server: bool = False,
) -> Artifact:
    """Create an artifact from files (path, filepath type) (plugin-lifecycle.md §6).

    Exactly one origin: `parents` (with `command_id`/`command_parameters`), `prep_id`,
    or `analysis_id` and/or `data_type`. Files must come from where clients put files
    (`client_files`; only from `files_root` when given) and are moved to
    `<type mountpoint>/<artifact id>/`. `check_files` applies
    the server's own filepath-type rules (used when no type plugin validates the files).
    `written_by_server`: the files are the server's own, written below `files_root`.
    """
    _require_one_origin(parents, prep_id, analysis_id, data_type, command_id)
    type_row = await get_artifact_type(ctx, artifact_type)
    planned = await plan_files(ctx, files, files_root, by_server=written_by_server)
    if check_files:
        await check_filepath_types(ctx, type_row, [p.filepath_type for p in planned])
    mount = await get_mount(ctx, type_row.name)

    artifact = Artifact(
        name=name if name else "noname",
        artifact_type_id=type_row.id,
        command_id=command_id,
        command_parameters=command_parameters if command_id is not None else None,
        produced_by_job_id=job_id,
        command_output_id=command_output_id,
        visibility="sandbox",
    )
    await _place(ctx, artifact, parents, prep_id, analysis_id, data_type)
    ctx.session.add(artifact)
    await ctx.session.flush()
    if prep_id is not None and not parents:
        await _claim_prep_root(ctx, prep_id, artifact.id)
    ctx.session.add_all(ArtifactParent(artifact_id=artifact.id, parent_id=p) for p in parents)
    await store_files(
        ctx, mount=mount, owner={"artifact_id": artifact.id}, owner_id=artifact.id, planned=planned
    )
    logger.info("artifact %s (%s) created", artifact.id, type_row.name)
    return artifact


async def get_artifact(ctx: Context, artifact_id: int) -> Artifact:
    """The artifact if it exists and the caller may read it; NotFound otherwise."""
    artifact = await ctx.session.get(Artifact, artifact_id)
    if artifact is None or not await access.can_read_artifact(ctx, artifact_id):
        raise NotFound(f"Artifact not found: {artifact_id}")
    return artifact


async def files_of_artifact(ctx: Context, artifact_id: int) -> list[ArtifactFile]:
    """The artifact's files with absolute paths, in id order."""
    query = (
        select(StoredFile, FilepathType.name, DataDirectory.mountpoint)
        .join(FilepathType, FilepathType.id == StoredFile.filepath_type_id)
        .join(DataDirectory, DataDirectory.id == StoredFile.data_directory_id)
        .where(StoredFile.artifact_id == artifact_id)
        .order_by(StoredFile.id)
    )
    return [
        ArtifactFile(
            id=row.id,
            filepath_type=fp_type,
            path=ctx.files.root / mountpoint / row.relpath,
            size=row.size,
            checksum=row.checksum,
        )
        for row, fp_type, mountpoint in await ctx.session.execute(query)
    ]


async def get_artifact_details(ctx: Context, artifact_id: int) -> ArtifactDetails:
    """Everything `GET /qiita_db/artifacts/<id>/` reports (plugin-api.md §4.3)."""
    artifact = await get_artifact(ctx, artifact_id)
    type_row = await ctx.session.get(ArtifactType, artifact.artifact_type_id)
    data_type = await ctx.session.get(DataType, artifact.data_type_id)
    assert type_row is not None
    assert data_type is not None
    parents = (
        await ctx.session.execute(
            select(ArtifactParent.parent_id)
            .where(ArtifactParent.artifact_id == artifact.id)
            .order_by(ArtifactParent.parent_id)
        )
    ).scalars()
    accessions = await ctx.session.execute(
        select(Sample.sample_name, EbiRunAccession.accession)
        .join(Sample, Sample.id == EbiRunAccession.sample_id)
        .where(EbiRunAccession.artifact_id == artifact.id)
        .order_by(Sample.sample_name)
    )
    return ArtifactDetails(
        artifact=artifact,
        type_name=type_row.name,
        data_type=data_type.name,
        can_be_submitted_to_ebi=type_row.can_be_submitted_to_ebi,
        can_be_submitted_to_vamps=type_row.can_be_submitted_to_vamps,
        ebi_run_accessions={k: v for k, v in accessions},
        parents=list(parents),
        files=await files_of_artifact(ctx, artifact.id),
    )


async def set_html_summary(
    ctx: Context, artifact_id: int, html: str, directory: str | None = None
) -> list[ArtifactFile]:
    """Replace the artifact's HTML summary by `html` (and `directory`) (plugin-api.md §4.4).

    After commit, the new files are moved into the artifact's folder (replacing old ones of
    the same name), then the other old ones are removed (db/file_journal.py).
    """
    artifact = await get_artifact(ctx, artifact_id)
    access.require_plugin_api_writer(ctx.principal)
    type_row = await ctx.session.get(ArtifactType, artifact.artifact_type_id)
    assert type_row is not None
    files = [(html, HTML_SUMMARY)] + ([(directory, HTML_SUMMARY_DIR)] if directory else [])
    planned = await plan_files(ctx, files, None)
    old = [
        f
        for f in await files_of_artifact(ctx, artifact.id)
        if f.filepath_type in (HTML_SUMMARY, HTML_SUMMARY_DIR)
    ]
    if old:
        await ctx.session.execute(delete(StoredFile).where(StoredFile.id.in_([f.id for f in old])))
        await ctx.session.flush()
    mount = await get_mount(ctx, type_row.name)
    new_paths = {destination_of(mount, artifact.id, p.source)[1] for p in planned}
    if any(p.source in new_paths for p in planned):
        raise Invalid("The new HTML summary must not be the artifact's current one.")
    replaced = [f.path for f in old if f.path in new_paths]
    for path in (f.path for f in old if f.path not in new_paths):
        ctx.plan_removal(path)
    await store_files(
        ctx,
        mount=mount,
        owner={"artifact_id": artifact.id},
        owner_id=artifact.id,
        planned=planned,
        replacing=replaced,
    )
    return await files_of_artifact(ctx, artifact.id)


async def biom_artifacts_by_study(ctx: Context, visibility: str) -> dict[int, list[int]]:
    """Per readable study, its BIOM artifacts of `visibility` (public or private) (§4.13)."""
    if visibility not in ("public", "private"):
        raise Forbidden("You can only request public or private studies")
    readable = select(Study.id).where(access.readable_studies_filter(ctx.principal))
    query = (
        select(Artifact.study_id, Artifact.id)
        .join(ArtifactType, ArtifactType.id == Artifact.artifact_type_id)
        .where(
            ArtifactType.name == "BIOM",
            Artifact.visibility == visibility,
            Artifact.study_id.in_(readable),
        )
        .order_by(Artifact.study_id, Artifact.id)
    )
    result: dict[int, list[int]] = {}
    for study_id, artifact_id in await ctx.session.execute(query):
        if study_id is not None:
            result.setdefault(study_id, []).append(artifact_id)
    return result
