"""The watchdog: jobs whose process is gone, at start-up and whenever heartbeats stop.

At start-up every `queued` or `running` job a launcher owns is checked with
that launcher. Afterwards, every `watchdog_interval` seconds, the jobs whose
last heartbeat (or, before the first one, last change) is older than
`heartbeat_timeout` are checked. A job is only touched when its launcher says
the process is gone: a `running` job then ends in `error`; a `queued` job (its
plugin never started work) is queued again when `recovery = "requeue"`, else
ends in `error`. A job claimed by a worker that died before starting its
process is always queued again: it never ran. Jobs that wait for their
validators, and `waiting` validators, are exempt. Nothing is launched twice:
re-queueing clears the claim, and only a fresh claim launches. Each round also
settles workflow jobs still `waiting` for a parent that has already finished,
and removes partial uploads that expired.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from dataclasses import dataclass, field

from db.models import utcnow
from resolvers.context import SYSTEM, Services, unit_of_work
from resolvers.files.uploads import expire_partial_uploads
from resolvers.jobs.dispatch import LaunchedJob, fail_launched_job, launched_jobs, requeue_job
from resolvers.jobs.launching import ALIVE_STATES, Launcher, LaunchState
from resolvers.jobs.submission import settle_waiting_children

logger = logging.getLogger(__name__)

CLAIM_GRACE = dt.timedelta(seconds=10)
"""How long a claimed job may go without an external id before its claim counts as lost."""


@dataclass
class Reconciliation:
    kept: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    requeued: list[str] = field(default_factory=list)


class Watchdog:
    def __init__(self, services: Services, launcher: Launcher) -> None:
        self.services = services
        self.launcher = launcher
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="qiita-watchdog")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.services.settings.watchdog_interval)
            try:
                await self.reconcile(startup=False)
                async with unit_of_work(self.services, SYSTEM) as ctx:
                    await settle_waiting_children(ctx)
            except Exception:
                logger.exception("the job watchdog failed")
            self.remove_expired_uploads()

    def remove_expired_uploads(self) -> list[str]:
        """Partial uploads past `upload_expiry` are deleted from the staging area."""
        try:
            removed = expire_partial_uploads(self.services.settings)
        except OSError:
            logger.exception("removing expired partial uploads failed")
            return []
        if removed:
            logger.info("watchdog: %d expired partial uploads removed", len(removed))
        return removed

    async def reconcile(self, *, startup: bool) -> Reconciliation:
        settings = self.services.settings
        now = utcnow()
        timeout = dt.timedelta(seconds=settings.heartbeat_timeout)
        async with unit_of_work(self.services, SYSTEM) as ctx:
            jobs = await launched_jobs(ctx, stale_before=None if startup else now - timeout)
            if not startup:
                unlaunched = await launched_jobs(ctx, stale_before=now - CLAIM_GRACE)
                known = {job.job_id for job in jobs}
                jobs += [j for j in unlaunched if j.external_id is None and j.job_id not in known]
        result = Reconciliation()
        for job in jobs:
            if job.launcher != self.launcher.name:
                logger.warning(
                    "job %s was launched by %r, not by the configured %r launcher: not checked",
                    job.job_id,
                    job.launcher,
                    self.launcher.name,
                )
                continue
            if job.external_id is None and now - job.updated_at < CLAIM_GRACE:
                result.kept.append(job.job_id)
                continue
            state = await self._state(job)
            if state in ALIVE_STATES:
                result.kept.append(job.job_id)
                continue
            await self._act(job, state, startup=startup, result=result)
        if result.failed or result.requeued:
            logger.info(
                "watchdog%s: %d kept, %d failed, %d queued again",
                " (start-up)" if startup else "",
                len(result.kept),
                len(result.failed),
                len(result.requeued),
            )
        return result

    async def _state(self, job: LaunchedJob) -> LaunchState:
        if job.external_id is None:
            return "gone"
        try:
            return await self.launcher.status(job.external_id, job_id=job.job_id)
        except Exception as exc:
            logger.warning("cannot check job %s with its launcher: %s", job.job_id, exc)
            return "pending"

    async def _act(
        self, job: LaunchedJob, state: LaunchState, *, startup: bool, result: Reconciliation
    ) -> None:
        settings = self.services.settings
        never_started = job.external_id is None
        if job.status == "queued" and (never_started or settings.recovery == "requeue"):
            async with unit_of_work(self.services, SYSTEM) as ctx:
                if await requeue_job(ctx, job.job_id):
                    result.requeued.append(job.job_id)
            return
        process = f"{job.launcher} id {job.external_id}"
        if startup:
            message = f"The job's process ({process}) was gone when the server restarted."
        elif job.status == "running":
            message = (
                f"No heartbeat for more than {settings.heartbeat_timeout} s and the job's "
                f"process ({process}) is gone ({state})."
            )
        else:
            message = f"The job's process ({process}) ended before the job started ({state})."
        async with unit_of_work(self.services, SYSTEM) as ctx:
            if await fail_launched_job(ctx, job.job_id, message):
                result.failed.append(job.job_id)
