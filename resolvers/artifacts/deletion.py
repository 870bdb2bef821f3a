"""Renaming and deleting a study artifact, as the web UI does (domain.md §3.3, §3.8).

An artifact is deleted only when nothing depends on it: it is not public, has no children
(delete those first), is in no analysis, was not submitted to EBI or VAMPS, and no queued,
running or waiting job reads it. The refusal names every blocker at once.

The rows go in the request's transaction; the files after commit, through the file-move
journal: a study's root artifact (uploaded files) gives its raw files back to the study's
upload folder and its derived files are removed; any other artifact's files are removed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from db.models import (
    Account,
    Analysis,
    AnalysisSample,
    Artifact,
    ArtifactParent,
    ArtifactType,
    EbiRunAccession,
    PrepTemplate,
    ProcessingJob,
    ProcessingJobInput,
    StoredFile,
)
from resolvers.artifacts.artifact_types import get_mount
from resolvers.artifacts.artifacts import files_of_artifact, get_artifact
from resolvers.auth.access import require_edit_study
from resolvers.context import Context
from resolvers.errors import Conflict, Invalid, NotFound, Required

ACTIVE_JOB_STATUSES = ("queued", "running", "waiting")
MAX_NAME_LENGTH = 255
DERIVED_FILE_TYPES = frozenset(
    {
        "preprocessed_fasta",
        "preprocessed_fastq",
        "preprocessed_demux",
        "directory",
        "log",
        "html_summary",
        "html_summary_dir",
        "tgz",
        "qzv",
        "qza",
    }
)


@dataclass(frozen=True)
class DeletedArtifact:
    artifact_id: int
    study_id: int


async def _study_artifact(ctx: Context, artifact_id: int) -> Artifact:
    """A readable study artifact whose study the caller may edit."""
    artifact = await get_artifact(ctx, artifact_id)
    if artifact.study_id is None:
        raise Invalid(
            "Only study artifacts are renamed and deleted here; analysis artifacts go with "
            "their analysis.",
            "artifact_id",
        )
    await require_edit_study(ctx, artifact.study_id)
    return artifact


async def rename_artifact(ctx: Context, artifact_id: int, name: str) -> Artifact:
    """Give a study artifact a new name (its study's editors)."""
    artifact = await _study_artifact(ctx, artifact_id)
    clean = name.strip()
    if not clean:
        raise Required("The name must not be empty.", "name")
    if len(clean) > MAX_NAME_LENGTH or any(ord(c) < 32 for c in clean):
        raise Invalid(
            f"A name is at most {MAX_NAME_LENGTH} characters, without control characters.",
            "name",
        )
    if clean != artifact.name:
        artifact.name = clean
        await ctx.session.flush()
    return artifact


async def deletion_blockers(ctx: Context, artifact: Artifact) -> list[str]:
    """Why the artifact cannot be deleted now, each as a phrase; empty when it can."""
    blockers = []
    if artifact.visibility == "public":
        blockers.append("it is public")
    children_query = (
        select(ArtifactParent.artifact_id)
        .where(ArtifactParent.parent_id == artifact.id)
        .order_by(ArtifactParent.artifact_id)
    )
    children = list((await ctx.session.execute(children_query)).scalars())
    if children:
        blockers.append(f"it has child artifacts ({', '.join(map(str, children))})")
    analyses = (
        await ctx.session.execute(
            select(Analysis.id, Account.email)
            .join(AnalysisSample, AnalysisSample.analysis_id == Analysis.id)
            .join(Account, Account.id == Analysis.owner_id)
            .where(AnalysisSample.artifact_id == artifact.id)
            .distinct()
            .order_by(Analysis.id)
        )
    ).all()
    if analyses:
        named = ", ".join(f"{analysis_id} of {email}" for analysis_id, email in analyses)
        blockers.append(f"it is used in analyses ({named})")
    accessions = select(EbiRunAccession.artifact_id).where(
        EbiRunAccession.artifact_id == artifact.id
    )
    if artifact.submitted_to_vamps or (await ctx.session.execute(accessions)).first():
        blockers.append("it was submitted to EBI or VAMPS")
    jobs = (
        await ctx.session.execute(
            select(ProcessingJob.id)
            .join(ProcessingJobInput, ProcessingJobInput.job_id == ProcessingJob.id)
            .where(
                ProcessingJobInput.artifact_id == artifact.id,
                ProcessingJob.status.in_(ACTIVE_JOB_STATUSES),
            )
            .order_by(ProcessingJob.id)
        )
    ).scalars()
    active = list(jobs)
    if active:
        blockers.append(f"jobs are using it ({', '.join(active)})")
    return blockers


def _free_name(folder: Path, name: str, taken: set[Path]) -> Path:
    """`folder/name`, or `folder/<stem>.<n><suffix>` when that is used on disk or planned."""
    candidate = folder / name
    stem, suffix = Path(name).stem, Path(name).suffix
    counter = 1
    while candidate in taken or candidate.exists():
        candidate = folder / f"{stem}.{counter}{suffix}"
        counter += 1
    taken.add(candidate)
    return candidate


async def _plan_files(ctx: Context, artifact: Artifact, *, back_to_uploads: bool) -> None:
    """Journal what happens to the artifact's files and folder once the rows are gone."""
    uploads = ctx.files.uploads(artifact.study_id) if artifact.study_id is not None else None
    taken: set[Path] = set()
    for stored in await files_of_artifact(ctx, artifact.id):
        if back_to_uploads and uploads and stored.filepath_type not in DERIVED_FILE_TYPES:
            ctx.plan_move(stored.path, _free_name(uploads, stored.path.name, taken))
        else:
            ctx.plan_removal(stored.path)
    type_row = await ctx.session.get(ArtifactType, artifact.artifact_type_id)
    assert type_row is not None
    try:
        mount = await get_mount(ctx, type_row.name)
    except NotFound:  # no folder of its own to remove
        return
    if mount.subdirectory:
        ctx.plan_removal(mount.path / str(artifact.id))


async def delete_artifact(ctx: Context, artifact_id: int) -> DeletedArtifact:
    """Delete a study artifact nothing depends on (its study's editors)."""
    artifact = await _study_artifact(ctx, artifact_id)
    blockers = await deletion_blockers(ctx, artifact)
    if blockers:
        raise Conflict(f"Artifact {artifact_id} cannot be deleted: {'; '.join(blockers)}.")
    study_id = artifact.study_id
    assert study_id is not None
    roots = select(PrepTemplate.id).where(PrepTemplate.artifact_id == artifact.id)
    is_root = (await ctx.session.execute(roots)).first() is not None
    await _plan_files(ctx, artifact, back_to_uploads=is_root)
    await ctx.session.execute(delete(StoredFile).where(StoredFile.artifact_id == artifact.id))
    await ctx.session.execute(
        delete(ProcessingJobInput).where(ProcessingJobInput.artifact_id == artifact.id)
    )
    await ctx.session.execute(
        delete(ArtifactParent).where(ArtifactParent.artifact_id == artifact.id)
    )
    await ctx.session.execute(
        update(PrepTemplate).where(PrepTemplate.artifact_id == artifact.id).values(artifact_id=None)
    )
    await ctx.session.delete(artifact)  # through the ORM: the audit log names the artifact
    try:
        await ctx.session.flush()
    except IntegrityError:  # a concurrent request linked something to it meanwhile
        raise Conflict(
            f"Artifact {artifact_id} changed while it was being deleted; try again."
        ) from None
    return DeletedArtifact(artifact_id=artifact_id, study_id=study_id)
