"""Batch reads of processing jobs, applying `readable_jobs_filter`."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import aliased

from db.models import (
    LogEntry,
    ProcessingJob,
    ProcessingJobInput,
    ProcessingJobParent,
    ProcessingJobValidator,
    ProcessingWorkflow,
    ProcessingWorkflowRoot,
)
from resolvers.auth.access import readable_jobs_filter, readable_workflows_filter
from resolvers.batch_grouping import one_per_key, values_per_key
from resolvers.batch_scope import ReadScope


def _readable(scope: ReadScope) -> ColumnElement[bool]:
    return readable_jobs_filter(scope.principal)


async def jobs_by_id(scope: ReadScope, ids: Sequence[str]) -> list[ProcessingJob | None]:
    query = select(ProcessingJob).where(ProcessingJob.id.in_(ids), _readable(scope))
    return one_per_key(ids, await scope.scalars(query), lambda j: j.id)


async def jobs_for_artifacts(
    scope: ReadScope, artifact_ids: Sequence[int]
) -> list[list[ProcessingJob]]:
    """The jobs that take each artifact as an input, oldest first."""
    link = aliased(ProcessingJobInput)  # the access predicate has its own input subquery
    query = (
        select(link.artifact_id, ProcessingJob)
        .join(ProcessingJob, ProcessingJob.id == link.job_id)
        .where(link.artifact_id.in_(artifact_ids), _readable(scope))
        .order_by(ProcessingJob.created_at, ProcessingJob.id)
    )
    return values_per_key(artifact_ids, await scope.rows(query))


async def validators_for_jobs(
    scope: ReadScope, job_ids: Sequence[str]
) -> list[list[ProcessingJob]]:
    """The Validate jobs created for each job's outputs."""
    query = (
        select(ProcessingJobValidator.job_id, ProcessingJob)
        .join(ProcessingJob, ProcessingJob.id == ProcessingJobValidator.validator_id)
        .where(ProcessingJobValidator.job_id.in_(job_ids), _readable(scope))
        .order_by(ProcessingJob.created_at, ProcessingJob.id)
    )
    return values_per_key(job_ids, await scope.rows(query))


async def log_entries_by_id(scope: ReadScope, ids: Sequence[int]) -> list[LogEntry | None]:
    """Error log entries; reached only through a job or analysis the caller may read."""
    query = select(LogEntry).where(LogEntry.id.in_(ids))
    return one_per_key(ids, await scope.scalars(query), lambda e: e.id)


async def workflows_by_id(scope: ReadScope, ids: Sequence[int]) -> list[ProcessingWorkflow | None]:
    query = select(ProcessingWorkflow).where(
        ProcessingWorkflow.id.in_(ids), readable_workflows_filter(scope.principal)
    )
    return one_per_key(ids, await scope.scalars(query), lambda w: w.id)


async def jobs_for_workflows(
    scope: ReadScope, workflow_ids: Sequence[int]
) -> list[list[ProcessingJob]]:
    """The readable steps of each workflow, oldest first."""
    query = (
        select(ProcessingJob.workflow_id, ProcessingJob)
        .where(ProcessingJob.workflow_id.in_(workflow_ids), _readable(scope))
        .order_by(ProcessingJob.created_at, ProcessingJob.id)
    )
    return values_per_key(workflow_ids, await scope.rows(query))


async def roots_for_workflows(scope: ReadScope, workflow_ids: Sequence[int]) -> list[list[str]]:
    query = (
        select(ProcessingWorkflowRoot.workflow_id, ProcessingWorkflowRoot.job_id)
        .where(ProcessingWorkflowRoot.workflow_id.in_(workflow_ids))
        .order_by(ProcessingWorkflowRoot.job_id)
    )
    return values_per_key(workflow_ids, await scope.rows(query))


async def parents_for_jobs(scope: ReadScope, job_ids: Sequence[str]) -> list[list[str]]:
    """The ids of each job's parent jobs in its workflow."""
    query = (
        select(ProcessingJobParent.child_id, ProcessingJobParent.parent_id)
        .where(ProcessingJobParent.child_id.in_(job_ids))
        .order_by(ProcessingJobParent.parent_id)
    )
    return values_per_key(job_ids, await scope.rows(query))
