"""Job rows written straight to the database, for rule tests that need no plugin process."""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    Account,
    Command,
    ProcessingJob,
    ProcessingJobInput,
    ProcessingJobValidator,
    Software,
    utcnow,
)
from resolvers.context import Services, unit_of_work

_serial = itertools.count(1)


async def make_command(
    services: Services, *, start_script: str = "start_nothing", environment: str = ""
) -> tuple[int, int]:
    """A plugin with one command `Run` (required integer `n`) and a user: their ids."""
    serial = next(_serial)
    async with unit_of_work(services) as ctx:
        software = Software(
            name=f"Rules plugin {serial}",
            version="1",
            type="artifact transformation",
            active=True,
            start_script=start_script,
            environment_script=environment,
        )
        account = Account(
            email=f"rules{serial}@example.org",
            email_lower=f"rules{serial}@example.org",
            password_hash="x",
            level="user",
        )
        ctx.session.add_all([software, account])
        await ctx.session.flush()
        command = Command(software_id=software.id, name="Run", active=True)
        ctx.session.add(command)
        await ctx.session.flush()
        return command.id, account.id


async def add_job(
    services: Services,
    command_id: int,
    account_id: int,
    *,
    status: str,
    launcher: str | None = None,
    external_id: str | None = None,
    heartbeat_age: float | None = None,
    age: float = 0.0,
    **values: Any,
) -> str:
    now = utcnow()
    job = ProcessingJob(
        id=str(uuid.uuid4()),
        account_id=account_id,
        command_id=command_id,
        parameters={},
        status=status,
        launcher=launcher,
        external_id=external_id,
        heartbeat=None if heartbeat_age is None else now - dt.timedelta(seconds=heartbeat_age),
        updated_at=now - dt.timedelta(seconds=age),
        **values,
    )
    async with unit_of_work(services) as ctx:
        ctx.session.add(job)
    return job.id


async def read_job(services: Services, job_id: str) -> ProcessingJob:
    async with services.sessions() as session:
        job = await session.get(ProcessingJob, job_id)
        assert job is not None
        return job


async def set_external_id(services: Services, job_id: str, external_id: str) -> None:
    async with unit_of_work(services) as ctx:
        job = await ctx.session.get(ProcessingJob, job_id)
        assert job is not None
        job.external_id = external_id


async def validators_of(session: AsyncSession, job_id: str) -> list[ProcessingJob]:
    """The Validate jobs created for `job_id`'s outputs."""
    query = (
        select(ProcessingJob)
        .join(ProcessingJobValidator, ProcessingJobValidator.validator_id == ProcessingJob.id)
        .where(ProcessingJobValidator.job_id == job_id)
    )
    return list((await session.execute(query)).scalars())


async def summary_job_of(session: AsyncSession, artifact_id: int) -> ProcessingJob:
    """The one `Generate HTML summary` job whose input is the artifact."""
    query = (
        select(ProcessingJob)
        .join(ProcessingJobInput, ProcessingJobInput.job_id == ProcessingJob.id)
        .join(Command, Command.id == ProcessingJob.command_id)
        .where(
            ProcessingJobInput.artifact_id == artifact_id,
            Command.name == "Generate HTML summary",
        )
    )
    return (await session.execute(query)).scalar_one()
