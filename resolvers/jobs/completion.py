"""Completing a job: the plugin's report checked, then applied exactly once.

plugin-api.md §3.4 and plugin-lifecycle.md §5. The report is applied inside a savepoint:
when it cannot be applied (unknown output, missing file, no validator...) its writes and
file moves are undone and the job ends in error with the reason, as Qiita's completion
task does.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import func, select, update

from db.models import ProcessingJob, ProcessingJobValidator, utcnow
from resolvers.artifacts import archive
from resolvers.auth import access
from resolvers.context import Context
from resolvers.errors import DomainError, Forbidden
from resolvers.jobs import validators
from resolvers.jobs.completion_reports import CompletionReport, parse_completion_report
from resolvers.jobs.end import Failed, Succeeded, finish_job
from resolvers.jobs.lifecycle import (
    NOT_RUNNING_COMPLETE,
    job_software,
    load_job,
)

logger = logging.getLogger(__name__)


async def _claim_completion(ctx: Context, job: ProcessingJob) -> None:
    """Take the job's row for this completion; a second completion gets the 403 (§3.4).

    The conditional UPDATE serialises racing completions (row lock on PostgreSQL, the write
    lock on SQLite); the loser then sees the winner's committed validators or status.
    """
    claimed = await ctx.session.execute(
        update(ProcessingJob)
        .where(ProcessingJob.id == job.id, ProcessingJob.status == "running")
        .values(updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        raise Forbidden(NOT_RUNNING_COMPLETE)
    existing = await ctx.session.execute(
        select(func.count()).where(ProcessingJobValidator.job_id == job.id)
    )
    if existing.scalar_one() > 0:
        raise Forbidden(NOT_RUNNING_COMPLETE)


async def attempt(ctx: Context, action: Callable[[], Awaitable[None]]) -> DomainError | None:
    """Run `action` in a savepoint; on a domain error undo its writes and file moves."""
    rollbacks = len(ctx.on_rollback_callbacks)
    commits = len(ctx.after_commit_callbacks)
    savepoint = await ctx.session.begin_nested()
    try:
        await action()
        await savepoint.commit()
    except DomainError as error:
        await savepoint.rollback()
        undo = ctx.on_rollback_callbacks[rollbacks:]
        del ctx.on_rollback_callbacks[rollbacks:]
        del ctx.after_commit_callbacks[commits:]
        for callback in reversed(undo):
            result = callback()
            if result is not None:
                await result
        return error
    return None


async def complete_job(ctx: Context, job_id: str, payload: Any) -> None:
    """Apply a plugin's completion report exactly once (plugin-api.md §3.4, lifecycle §5).

    The report's shape is checked first (Invalid, nothing changes). A report that cannot be
    applied (unknown output, missing file, no validator...) ends the job in error with the
    reason, as Qiita's completion task does.
    """
    job = await load_job(ctx, job_id)
    await access.require_act_on_job(ctx, job)
    if job.status != "running":
        raise Forbidden(NOT_RUNNING_COMPLETE)
    report = parse_completion_report(payload)
    await _claim_completion(ctx, job)

    async def apply() -> None:
        await apply_completion(ctx, job, report)

    error = await attempt(ctx, apply)
    if error is not None:
        logger.info("completion of job %s failed: %s", job.id, error.message)
        await finish_job(ctx, job, Failed(error.message))


async def apply_completion(ctx: Context, job: ProcessingJob, report: CompletionReport) -> None:
    """Success/failure of a claimed running job (plugin-lifecycle.md §5.2)."""
    if report.archive:
        await archive.store_completion_archive(ctx, job, report.archive)
    if not report.success:
        await finish_job(ctx, job, Failed(report.error))
        return
    if not report.artifacts:
        await finish_job(ctx, job, Succeeded())
        return
    _, software = await job_software(ctx, job)
    if software.type == "artifact definition":
        output = list(report.artifacts.values())[-1]
        await validators.complete_validator(ctx, job, output)
    else:
        await validators.create_validators(ctx, job, report.artifacts)
