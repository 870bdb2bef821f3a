"""Watchdog and start-up reconciliation rules, with real processes and the local launcher."""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator

import pytest

from db.models import LogEntry, ProcessingJobValidator
from gateway.launchers.local import JOB_ID_VARIABLE, LocalLauncher
from gateway.watchdog import Watchdog
from resolvers.context import Services, unit_of_work
from resolvers.jobs.submission import AWAITING_LAUNCH
from tests.builders.jobs import make_job
from tests.builders.plugins import make_runnable_command
from tests.lifecycle.job_rows import read_job, set_external_id

DEAD_PID = "999999999"


def watchdog_for(services: Services, **settings: object) -> Watchdog:
    changed = Services(settings=services.settings.replace(**settings), sessions=services.sessions)
    return Watchdog(changed, LocalLauncher(2))


async def message(services: Services, job_id: str) -> str:
    job = await read_job(services, job_id)
    async with services.sessions() as session:
        entry = await session.get(LogEntry, job.error_log_id)
        assert entry is not None
        return entry.msg


@contextlib.asynccontextmanager
async def live_process(job_id: str) -> AsyncIterator[str]:
    """A process that belongs to `job_id` (its environment says so), stopped afterwards."""
    process = await asyncio.create_subprocess_exec(
        "sleep", "30", env={**os.environ, JOB_ID_VARIABLE: job_id}
    )
    try:
        yield str(process.pid)
    finally:
        process.kill()
        await process.wait()


async def test_startup_fails_running_jobs_whose_process_is_gone(services: Services) -> None:
    command, user = await make_runnable_command(services)
    job = (await make_job(
        services, command, user, status="running", launcher="local", external_id=DEAD_PID,
        heartbeat_age=1,
    )).id  # fmt: skip
    result = await watchdog_for(services).reconcile(startup=True)
    assert result.failed == [job]
    assert (await read_job(services, job)).status == "error"
    assert await message(services, job) == (
        f"The job's process (local id {DEAD_PID}) was gone when the server restarted."
    )


async def test_startup_keeps_jobs_whose_process_is_alive(services: Services) -> None:
    command, user = await make_runnable_command(services)
    job = (await make_job(services, command, user, status="queued", launcher="local")).id
    async with live_process(job) as pid:
        await set_external_id(services, job, pid)
        result = await watchdog_for(services).reconcile(startup=True)
    assert result.kept == [job]
    assert (await read_job(services, job)).status == "queued"


@pytest.mark.parametrize(("recovery", "status"), [("error", "error"), ("requeue", "queued")])
async def test_queued_job_whose_process_is_gone_follows_the_recovery_setting(
    services: Services, recovery: str, status: str
) -> None:
    command, user = await make_runnable_command(services)
    job = (
        await make_job(
            services, command, user, status="queued", launcher="local", external_id=DEAD_PID
        )
    ).id
    await watchdog_for(services, recovery=recovery).reconcile(startup=True)
    row = await read_job(services, job)
    assert row.status == status
    if recovery == "requeue":
        assert (row.launcher, row.external_id) == (AWAITING_LAUNCH, None)


async def test_claim_without_process_is_queued_again_only_after_a_grace_period(
    services: Services,
) -> None:
    command, user = await make_runnable_command(services)
    fresh = (await make_job(services, command, user, status="queued", launcher="local")).id
    stale = (await make_job(services, command, user, status="queued", launcher="local", age=60)).id
    result = await watchdog_for(services).reconcile(startup=False)
    assert result.requeued == [stale]
    assert (await read_job(services, fresh)).launcher == "local"
    assert (await read_job(services, stale)).launcher == AWAITING_LAUNCH


async def test_heartbeat_timeout_fails_a_running_job_only_once_its_process_is_gone(
    services: Services,
) -> None:
    command, user = await make_runnable_command(services)
    recent = (await make_job(
        services, command, user, status="running", launcher="local", external_id=DEAD_PID,
        heartbeat_age=10, age=10,
    )).id  # fmt: skip
    stale_dead = (await make_job(
        services, command, user, status="running", launcher="local", external_id=DEAD_PID,
        heartbeat_age=700, age=700,
    )).id  # fmt: skip
    stale_alive = (
        await make_job(
            services, command, user, status="running", launcher="local", heartbeat_age=700, age=700
        )
    ).id
    async with live_process(stale_alive) as pid:
        await set_external_id(services, stale_alive, pid)
        result = await watchdog_for(services, heartbeat_timeout=600).reconcile(startup=False)
    assert result.failed == [stale_dead]
    assert (await read_job(services, recent)).status == "running"
    assert (await read_job(services, stale_alive)).status == "running"
    assert await message(services, stale_dead) == (
        f"No heartbeat for more than 600 s and the job's process (local id {DEAD_PID}) "
        "is gone (gone)."
    )


async def test_jobs_waiting_for_validators_and_foreign_jobs_are_exempt(
    services: Services,
) -> None:
    command, user = await make_runnable_command(services)
    validating = (await make_job(
        services, command, user, status="running", launcher="local", external_id=DEAD_PID,
        heartbeat_age=700, age=700,
    )).id  # fmt: skip
    validator = (await make_job(services, command, user, status="waiting")).id
    async with unit_of_work(services) as ctx:
        ctx.session.add(ProcessingJobValidator(job_id=validating, validator_id=validator))
    forced = (
        await make_job(services, command, user, status="running", heartbeat_age=700, age=700)
    ).id
    slurm = (await make_job(
        services, command, user, status="running", launcher="slurm", external_id="12",
        heartbeat_age=700, age=700,
    )).id  # fmt: skip
    result = await watchdog_for(services, heartbeat_timeout=600).reconcile(startup=True)
    assert result.failed == []
    for job in (validating, forced, slurm):
        assert (await read_job(services, job)).status == "running"
    assert (await read_job(services, validator)).status == "waiting"
