"""Job rows written straight to the database, for rule tests that need no plugin process."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    Command,
    ProcessingJob,
    ProcessingJobInput,
    ProcessingJobValidator,
)
from resolvers.context import Services, unit_of_work


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
