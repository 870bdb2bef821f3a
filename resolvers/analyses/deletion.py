"""Deleting an analysis with its artifacts (domain.md §3.8, the `delete_analysis` job).

Refused for a cart, while a public artifact belongs to it (public artifacts are never
deleted) and while an unfinished job uses one of its artifacts. Rows go first; the files
of the artifacts and of the analysis are removed once the transaction has committed,
through the file-move journal (db/file_journal.py).
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import delete, select

from db.models import (
    Analysis,
    Artifact,
    DataDirectory,
    ProcessingJob,
    ProcessingJobInput,
    StoredFile,
)
from resolvers.analyses.sharing import find_analysis
from resolvers.auth import access
from resolvers.context import Context
from resolvers.errors import Conflict

UNFINISHED = ("in_construction", "queued", "running", "waiting")


async def _files(ctx: Context, analysis_id: int, artifact_ids: list[int]) -> list[Path]:
    """The files of the analysis and its artifacts, and the artifacts' own folders."""
    query = (
        select(DataDirectory.mountpoint, StoredFile.relpath, StoredFile.artifact_id)
        .join(DataDirectory, DataDirectory.id == StoredFile.data_directory_id)
        .where((StoredFile.analysis_id == analysis_id) | StoredFile.artifact_id.in_(artifact_ids))
    )
    paths: list[Path] = []
    for mountpoint, relpath, artifact_id in await ctx.session.execute(query):
        mount = ctx.files.root / mountpoint
        paths.append(mount / relpath)
        folder = mount / str(artifact_id)
        if artifact_id is not None and relpath.startswith(f"{artifact_id}/"):
            paths.append(folder)
    return list(dict.fromkeys(paths))


async def _check_deletable(ctx: Context, analysis: Analysis, artifact_ids: list[int]) -> None:
    if analysis.is_default:
        raise Conflict("A cart (default analysis) cannot be deleted; empty it instead.")
    public = (
        await ctx.session.execute(
            select(Artifact.id).where(
                Artifact.id.in_(artifact_ids), Artifact.visibility == "public"
            )
        )
    ).first()
    if public is not None:
        raise Conflict(f"Analysis {analysis.id} is public; public artifacts are never deleted.")
    busy = (
        (
            await ctx.session.execute(
                select(ProcessingJob.id)
                .join(ProcessingJobInput, ProcessingJobInput.job_id == ProcessingJob.id)
                .where(
                    ProcessingJobInput.artifact_id.in_(artifact_ids),
                    ProcessingJob.status.in_(UNFINISHED),
                )
                .order_by(ProcessingJob.id)
            )
        )
        .scalars()
        .all()
    )
    if busy:
        raise Conflict(
            f"Analysis {analysis.id} cannot be deleted while these jobs use its artifacts: "
            f"{', '.join(sorted(set(busy)))}."
        )


async def delete_analysis(ctx: Context, analysis_id: int) -> int:
    """Delete the analysis, its artifacts and its files; returns its id."""
    access.require_authenticated(ctx)
    analysis = await find_analysis(ctx, analysis_id)
    await access.require_delete_analysis(ctx, analysis)
    artifact_ids = list(
        (
            await ctx.session.execute(
                select(Artifact.id).where(Artifact.analysis_id == analysis.id)
            )
        ).scalars()
    )
    await _check_deletable(ctx, analysis, artifact_ids)
    paths = await _files(ctx, analysis.id, artifact_ids)
    await ctx.session.execute(
        delete(StoredFile)
        .where((StoredFile.analysis_id == analysis.id) | StoredFile.artifact_id.in_(artifact_ids))
        .execution_options(synchronize_session=False)
    )
    await ctx.session.execute(
        delete(Artifact)
        .where(Artifact.id.in_(artifact_ids))
        .execution_options(synchronize_session=False)
    )
    await ctx.session.delete(analysis)
    await ctx.session.flush()
    for path in paths:
        ctx.plan_removal(path)
    return analysis_id
