"""Batch reads of artifacts and their DAG edges, applying `readable_artifacts_filter`."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, select

from db.models import Artifact, ArtifactParent, ProcessingJobInput
from resolvers.access import readable_artifacts_filter
from resolvers.loaders.grouping import many_per_key, one_per_key
from resolvers.loaders.scope import ReadScope


def _readable(scope: ReadScope) -> ColumnElement[bool]:
    return readable_artifacts_filter(scope.principal)


async def artifacts_by_id(scope: ReadScope, ids: Sequence[int]) -> list[Artifact | None]:
    query = select(Artifact).where(Artifact.id.in_(ids), _readable(scope))
    return one_per_key(ids, await scope.scalars(query), lambda a: a.id)


async def artifacts_for_studies(scope: ReadScope, study_ids: Sequence[int]) -> list[list[Artifact]]:
    query = (
        select(Artifact)
        .where(Artifact.study_id.in_(study_ids), _readable(scope))
        .order_by(Artifact.id)
    )
    return many_per_key(study_ids, await scope.scalars(query), lambda a: a.study_id)


async def artifacts_for_preparations(
    scope: ReadScope, prep_ids: Sequence[int]
) -> list[list[Artifact]]:
    """Every artifact of each preparation's processing DAG."""
    query = (
        select(Artifact)
        .where(Artifact.prep_id.in_(prep_ids), _readable(scope))
        .order_by(Artifact.id)
    )
    return many_per_key(prep_ids, await scope.scalars(query), lambda a: a.prep_id)


async def artifacts_for_analyses(
    scope: ReadScope, analysis_ids: Sequence[int]
) -> list[list[Artifact]]:
    query = (
        select(Artifact)
        .where(Artifact.analysis_id.in_(analysis_ids), _readable(scope))
        .order_by(Artifact.id)
    )
    return many_per_key(analysis_ids, await scope.scalars(query), lambda a: a.analysis_id)


async def parents_for_artifacts(
    scope: ReadScope, artifact_ids: Sequence[int]
) -> list[list[Artifact]]:
    query = (
        select(ArtifactParent.artifact_id, Artifact)
        .join(Artifact, Artifact.id == ArtifactParent.parent_id)
        .where(ArtifactParent.artifact_id.in_(artifact_ids), _readable(scope))
        .order_by(Artifact.id)
    )
    groups = many_per_key(artifact_ids, await scope.rows(query), lambda row: row[0])
    return [[row[1] for row in group] for group in groups]


async def children_for_artifacts(
    scope: ReadScope, artifact_ids: Sequence[int]
) -> list[list[Artifact]]:
    query = (
        select(ArtifactParent.parent_id, Artifact)
        .join(Artifact, Artifact.id == ArtifactParent.artifact_id)
        .where(ArtifactParent.parent_id.in_(artifact_ids), _readable(scope))
        .order_by(Artifact.id)
    )
    groups = many_per_key(artifact_ids, await scope.rows(query), lambda row: row[0])
    return [[row[1] for row in group] for group in groups]


async def outputs_for_jobs(scope: ReadScope, job_ids: Sequence[str]) -> list[list[Artifact]]:
    """The artifacts each job produced."""
    query = (
        select(Artifact)
        .where(Artifact.produced_by_job_id.in_(job_ids), _readable(scope))
        .order_by(Artifact.id)
    )
    return many_per_key(job_ids, await scope.scalars(query), lambda a: a.produced_by_job_id)


async def inputs_for_jobs(scope: ReadScope, job_ids: Sequence[str]) -> list[list[Artifact]]:
    """The artifacts each job takes as input."""
    query = (
        select(ProcessingJobInput.job_id, Artifact)
        .join(Artifact, Artifact.id == ProcessingJobInput.artifact_id)
        .where(ProcessingJobInput.job_id.in_(job_ids), _readable(scope))
        .order_by(Artifact.id)
    )
    groups = many_per_key(job_ids, await scope.rows(query), lambda row: row[0])
    return [[row[1] for row in group] for group in groups]
