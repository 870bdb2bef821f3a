"""Batch read behind `Artifact.viewerCanDelete`: the rules of resolvers/artifacts/deletion.py
as one SQL predicate, for a page of artifacts at once."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import exists, select

from db.models import (
    AnalysisSample,
    Artifact,
    ArtifactParent,
    EbiRunAccession,
    ProcessingJob,
    ProcessingJobInput,
    Study,
)
from resolvers.artifacts.deletion import ACTIVE_JOB_STATUSES
from resolvers.auth.access import editable_studies_filter
from resolvers.batch_scope import ReadScope


async def deletable_flags_for_artifacts(scope: ReadScope, ids: Sequence[int]) -> list[bool]:
    """Whether the caller may delete each artifact now (see `delete_artifact`)."""
    active_jobs = (
        select(ProcessingJobInput.job_id)
        .join(ProcessingJob, ProcessingJob.id == ProcessingJobInput.job_id)
        .where(
            ProcessingJobInput.artifact_id == Artifact.id,
            ProcessingJob.status.in_(ACTIVE_JOB_STATUSES),
        )
    )
    query = (
        select(Artifact.id)
        .join(Study, Study.id == Artifact.study_id)
        .where(
            Artifact.id.in_(ids),
            editable_studies_filter(scope.principal),
            Artifact.visibility != "public",
            ~Artifact.submitted_to_vamps,
            ~exists(
                select(ArtifactParent.artifact_id).where(ArtifactParent.parent_id == Artifact.id)
            ),
            ~exists(
                select(AnalysisSample.analysis_id).where(AnalysisSample.artifact_id == Artifact.id)
            ),
            ~exists(
                select(EbiRunAccession.sample_id).where(EbiRunAccession.artifact_id == Artifact.id)
            ),
            ~exists(active_jobs),
        )
    )
    deletable = set(await scope.scalars(query))
    return [artifact_id in deletable for artifact_id in ids]
