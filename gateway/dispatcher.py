"""The dispatcher: claims submitted jobs and starts them through the launcher.

It wakes up when a job is queued on this worker (the `job` events of the bus)
and polls the database every `poll_interval` seconds for jobs queued by other
workers or re-queued by recovery. It only claims as many jobs as the launcher
has free slots, so the rest stay queued, in submission order. Local processes
that end are reported back here: a non-zero exit fails the job with the
process' output.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from gateway.launchers.exits import ProcessExit
from resolvers.context import SYSTEM, Services, unit_of_work
from resolvers.jobs.dispatch import claim_job, claimable_jobs, fail_launched_job, record_launch
from resolvers.jobs.launching import Launcher

logger = logging.getLogger(__name__)

BATCH = 20
MAX_ROUNDS = 50
"""Bound on claim rounds per wake-up; the next poll continues where this one stopped."""


class Dispatcher:
    def __init__(
        self, services: Services, launcher: Launcher, *, poll_interval: float = 1.0
    ) -> None:
        self.services = services
        self.launcher = launcher
        self.poll_interval = poll_interval
        self._wakeup = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []

    def start(self) -> None:
        self._tasks = [
            asyncio.create_task(self._run(), name="qiita-dispatcher"),
            asyncio.create_task(self._listen(), name="qiita-dispatcher-events"),
        ]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []

    def wake(self) -> None:
        self._wakeup.set()

    async def _listen(self) -> None:
        async for event in self.services.events.subscribe("job"):
            if event.data.get("status") == "queued":
                self.wake()

    async def _run(self) -> None:
        while True:
            self._wakeup.clear()
            try:
                await self.dispatch_once()
            except Exception:
                logger.exception("dispatching queued jobs failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wakeup.wait(), self.poll_interval)

    def _capacity(self) -> int:
        slots = self.launcher.free_slots()
        return BATCH if slots is None else min(slots, BATCH)

    async def dispatch_once(self) -> int:
        """Claim and launch queued jobs while the launcher has room; the number launched."""
        launched = 0
        for _ in range(MAX_ROUNDS):
            capacity = self._capacity()
            if capacity <= 0:
                break
            async with unit_of_work(self.services, SYSTEM) as ctx:
                job_ids = await claimable_jobs(ctx, capacity)
            if not job_ids:
                break
            for job_id in job_ids:
                if self._capacity() <= 0:
                    return launched
                if await self.launch(job_id):
                    launched += 1
        return launched

    async def launch(self, job_id: str) -> bool:
        """Claim `job_id` and start it; False when another worker claimed it first."""
        name = self.launcher.name
        async with unit_of_work(self.services, SYSTEM) as ctx:
            request = await claim_job(ctx, job_id, name)
        if request is None:
            return False
        try:
            external_id = await self.launcher.submit(request)
        except Exception as exc:
            logger.warning("job %s could not be launched: %s", job_id, exc)
            async with unit_of_work(self.services, SYSTEM) as ctx:
                await fail_launched_job(
                    ctx, job_id, f"Error launching job {job_id} with the {name} launcher: {exc}"
                )
            return True
        async with unit_of_work(self.services, SYSTEM) as ctx:
            await record_launch(ctx, job_id, name, external_id)
        return True

    async def on_process_exit(self, exit: ProcessExit) -> None:
        """A local job process ended: a failure ends its job in `error`."""
        try:
            if exit.returncode != 0:
                message = (
                    f"error from launch_{self.launcher.name} when launching cmd='{exit.command}'"
                    f"\nexit status {exit.returncode}\n{exit.output}"
                )
                statuses: tuple[str, ...] = ("queued", "running")
            else:
                message = (
                    f"The plugin process of job {exit.job_id} exited before starting the job "
                    f"(it never sent a heartbeat). Its output:\n{exit.output}"
                )
                statuses = ("queued",)
            async with unit_of_work(self.services, SYSTEM) as ctx:
                await fail_launched_job(
                    ctx, exit.job_id, message, external_id=exit.external_id, statuses=statuses
                )
        finally:
            self.wake()
