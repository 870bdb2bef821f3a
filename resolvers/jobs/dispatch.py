"""Rules behind launching: claiming submitted jobs, recording launches, failures, recovery.

A submitted job is `queued` with `launcher = AWAITING_LAUNCH`. A worker claims it
with one conditional UPDATE (`... WHERE status = 'queued' AND launcher =
AWAITING_LAUNCH`): on PostgreSQL the row lock makes every other worker's UPDATE
match nothing, on SQLite writes are serialised, so exactly one worker launches a
given job. The claim is committed before the process starts; the external id is
recorded right after.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from sqlalchemy import and_, exists, or_, select, update

from db.models import Command, JobStatus, ProcessingJob, ProcessingJobValidator, Software, utcnow
from resolvers.context import Context
from resolvers.jobs.end import Failed, finish_job
from resolvers.jobs.launching import LaunchRequest
from resolvers.jobs.lifecycle import load_job, publish_job_event
from resolvers.jobs.submission import AWAITING_LAUNCH

logger = logging.getLogger(__name__)

LAUNCH_LOG_NAME = "qiita-launch.log"
"""The file in the job's directory that receives the process' stdout and stderr."""


@dataclass(frozen=True)
class LaunchedJob:
    """A queued or running job some launcher owns."""

    job_id: str
    status: JobStatus
    launcher: str
    external_id: str | None
    heartbeat: dt.datetime | None
    updated_at: dt.datetime


async def claimable_jobs(ctx: Context, limit: int) -> list[str]:
    """Submitted, unclaimed jobs in submission order."""
    query = (
        select(ProcessingJob.id)
        .where(ProcessingJob.status == "queued", ProcessingJob.launcher == AWAITING_LAUNCH)
        .order_by(ProcessingJob.updated_at, ProcessingJob.id)
        .limit(limit)
    )
    return list((await ctx.session.execute(query)).scalars())


async def claim_job(ctx: Context, job_id: str, launcher_name: str) -> LaunchRequest | None:
    """Claim `job_id` for `launcher_name`; None when another worker got it first."""
    result = await ctx.session.execute(
        update(ProcessingJob)
        .where(
            ProcessingJob.id == job_id,
            ProcessingJob.status == "queued",
            ProcessingJob.launcher == AWAITING_LAUNCH,
        )
        .values(launcher=launcher_name, external_id=None, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return None
    row = (
        await ctx.session.execute(
            select(Software.environment_script, Software.start_script, Command.resources)
            .join(Command, Command.software_id == Software.id)
            .join(ProcessingJob, ProcessingJob.command_id == Command.id)
            .where(ProcessingJob.id == job_id)
        )
    ).one()
    job_dir = ctx.files.job_dir(job_id)
    return LaunchRequest(
        job_id=job_id,
        argv_setup=row.environment_script,
        argv=[row.start_script, ctx.settings.effective_public_url, job_id, str(job_dir)],
        job_dir=job_dir,
        log_path=job_dir / LAUNCH_LOG_NAME,
        resources={str(k): str(v) for k, v in (row.resources or {}).items()},
    )


async def record_launch(ctx: Context, job_id: str, launcher_name: str, external_id: str) -> None:
    result = await ctx.session.execute(
        update(ProcessingJob)
        .where(ProcessingJob.id == job_id, ProcessingJob.launcher == launcher_name)
        .values(external_id=external_id, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount == 1:  # type: ignore[attr-defined]
        publish_job_event(ctx, job_id, external_id=external_id)


async def fail_launched_job(
    ctx: Context,
    job_id: str,
    message: str,
    *,
    external_id: str | None = None,
    statuses: tuple[JobStatus, ...] = ("queued", "running"),
) -> bool:
    """Fail a job in one of `statuses` (its process failed or vanished).

    With `external_id`, only while the job still belongs to that process.
    """
    job = await load_job(ctx, job_id, lock=True)
    if job.status not in statuses:
        return False
    if external_id is not None and job.external_id not in (None, external_id):
        return False
    if await _has_validators(ctx, job_id):
        return False
    return await finish_job(ctx, job, Failed(message))


async def requeue_job(ctx: Context, job_id: str) -> bool:
    """Hand a `queued` job whose process never ran back to the dispatchers."""
    result = await ctx.session.execute(
        update(ProcessingJob)
        .where(
            ProcessingJob.id == job_id,
            ProcessingJob.status == "queued",
            ProcessingJob.launcher.is_not(None),
            ProcessingJob.launcher != AWAITING_LAUNCH,
        )
        .values(launcher=AWAITING_LAUNCH, external_id=None, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return False
    logger.info("job %s queued again for launch", job_id)
    publish_job_event(ctx, job_id, status="queued")
    return True


async def launched_jobs(ctx: Context, *, stale_before: dt.datetime | None) -> list[LaunchedJob]:
    """Queued or running jobs owned by a launcher; with `stale_before`, only those
    whose last sign of life (heartbeat, else last change) is older than it.

    Jobs whose outputs are being validated are left out: their process has ended and
    they wait for their validators, not for a heartbeat.
    """
    conditions = [
        ProcessingJob.status.in_(("queued", "running")),
        ~exists(
            select(ProcessingJobValidator.job_id).where(
                ProcessingJobValidator.job_id == ProcessingJob.id
            )
        ),
        ProcessingJob.launcher.is_not(None),
        ProcessingJob.launcher != AWAITING_LAUNCH,
    ]
    if stale_before is not None:
        conditions.append(
            or_(
                and_(ProcessingJob.heartbeat.is_not(None), ProcessingJob.heartbeat < stale_before),
                and_(ProcessingJob.heartbeat.is_(None), ProcessingJob.updated_at < stale_before),
            )
        )
    query = (
        select(
            ProcessingJob.id,
            ProcessingJob.status,
            ProcessingJob.launcher,
            ProcessingJob.external_id,
            ProcessingJob.heartbeat,
            ProcessingJob.updated_at,
        )
        .where(*conditions)
        .order_by(ProcessingJob.updated_at)
    )
    return [
        LaunchedJob(
            job_id=row.id,
            status=row.status,
            launcher=row.launcher,
            external_id=row.external_id,
            heartbeat=row.heartbeat,
            updated_at=row.updated_at,
        )
        for row in await ctx.session.execute(query)
    ]


async def _has_validators(ctx: Context, job_id: str) -> bool:
    query = select(ProcessingJobValidator.job_id).where(ProcessingJobValidator.job_id == job_id)
    return (await ctx.session.execute(query)).first() is not None
