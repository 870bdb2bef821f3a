"""Batch reads of artifacts and their DAG edges, applying `readable_artifacts_filter`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import InstrumentedAttribute

from db.models import Artifact, ArtifactParent, ProcessingJobInput
from resolvers.auth.access import readable_artifacts_filter
from resolvers.batch_grouping import one_per_key, values_per_key
from resolvers.batch_scope import ReadScope


def _readable(scope: ReadScope) -> ColumnElement[bool]:
    return readable_artifacts_filter(scope.principal)


async def artifacts_by_id(scope: ReadScope, ids: Sequence[int]) -> list[Artifact | None]:
    query = select(Artifact).where(Artifact.id.in_(ids), _readable(scope))
    return one_per_key(ids, await scope.scalars(query), lambda a: a.id)


async def artifacts_for_studies(scope: ReadScope, study_ids: Sequence[int]) -> list[list[Artifact]]:
    return await _artifacts_grouped_by(scope, Artifact.study_id, study_ids)


async def artifacts_for_preparations(
    scope: ReadScope, prep_ids: Sequence[int]
) -> list[list[Artifact]]:
    """Every artifact of each preparation's processing DAG."""
    return await _artifacts_grouped_by(scope, Artifact.prep_id, prep_ids)


async def artifacts_for_analyses(
    scope: ReadScope, analysis_ids: Sequence[int]
) -> list[list[Artifact]]:
    return await _artifacts_grouped_by(scope, Artifact.analysis_id, analysis_ids)


async def parents_for_artifacts(
    scope: ReadScope, artifact_ids: Sequence[int]
) -> list[list[Artifact]]:
    query = (
        select(ArtifactParent.artifact_id, Artifact)
        .join(Artifact, Artifact.id == ArtifactParent.parent_id)
        .where(ArtifactParent.artifact_id.in_(artifact_ids), _readable(scope))
        .order_by(Artifact.id)
    )
    return values_per_key(artifact_ids, await scope.rows(query))


async def children_for_artifacts(
    scope: ReadScope, artifact_ids: Sequence[int]
) -> list[list[Artifact]]:
    query = (
        select(ArtifactParent.parent_id, Artifact)
        .join(Artifact, Artifact.id == ArtifactParent.artifact_id)
        .where(ArtifactParent.parent_id.in_(artifact_ids), _readable(scope))
        .order_by(Artifact.id)
    )
    return values_per_key(artifact_ids, await scope.rows(query))


async def outputs_for_jobs(scope: ReadScope, job_ids: Sequence[str]) -> list[list[Artifact]]:
    """The artifacts each job produced."""
    return await _artifacts_grouped_by(scope, Artifact.produced_by_job_id, job_ids)


async def inputs_for_jobs(scope: ReadScope, job_ids: Sequence[str]) -> list[list[Artifact]]:
    """The artifacts each job takes as input."""
    query = (
        select(ProcessingJobInput.job_id, Artifact)
        .join(Artifact, Artifact.id == ProcessingJobInput.artifact_id)
        .where(ProcessingJobInput.job_id.in_(job_ids), _readable(scope))
        .order_by(Artifact.id)
    )
    return values_per_key(job_ids, await scope.rows(query))


async def _artifacts_grouped_by(
    scope: ReadScope, column: InstrumentedAttribute[Any], keys: Sequence[Any]
) -> list[list[Artifact]]:
    """Readable artifacts whose `column` is each of `keys`, by id."""
    query = select(column, Artifact).where(column.in_(keys), _readable(scope)).order_by(Artifact.id)
    return values_per_key(keys, await scope.rows(query))
