"""Cancelling a processing job, which the web UI offers and REST does not."""

from __future__ import annotations

from db.models import JobStatus, ProcessingJob
from resolvers.auth.access import can_cancel_job, is_untrusted_plugin
from resolvers.context import Context
from resolvers.errors import Conflict, Forbidden
from resolvers.jobs.end import Cancelled, finish_job
from resolvers.jobs.lifecycle import get_job, load_job
from resolvers.plugins.trust import untrusted_plugin_message

CANCELLABLE: tuple[JobStatus, ...] = ("in_construction", "waiting", "queued", "running")
"""The statuses of unfinished jobs, which may be cancelled."""


async def cancel_job(ctx: Context, job_id: str) -> ProcessingJob:
    """End an unfinished job in error with a message naming who cancelled it (its workflow
    children fail with it, the job it validates is settled), then stop its process through
    the launcher once the change is committed.

    Only the user who submitted the job, or an admin, may cancel it.
    """
    job = await get_job(ctx, job_id)
    principal = ctx.principal
    if not can_cancel_job(principal, job):
        if is_untrusted_plugin(principal):
            raise Forbidden(untrusted_plugin_message(principal))
        raise Forbidden("Only the user who submitted a job, or an administrator, may cancel it.")
    if job.status not in CANCELLABLE:
        raise Conflict(f"Job {job.id} cannot be cancelled: it is already {job.status}.")
    external_id, launcher = job.external_id, ctx.launcher
    who = principal.email or f"client {principal.client_id}"
    if not await finish_job(ctx, job, Cancelled(who)):
        current = await load_job(ctx, job.id)
        raise Conflict(f"Job {job.id} cannot be cancelled: it is already {current.status}.")
    if external_id and launcher is not None:
        job_key = job.id

        async def stop_process() -> None:
            await launcher.cancel(external_id, job_id=job_key)

        ctx.after_commit(stop_process)
    return await load_job(ctx, job.id)
