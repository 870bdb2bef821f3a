"""The ProcessingJob type (also what the `jobUpdated` subscription yields)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.scalars import JSON

from db.models import ProcessingJob as JobRow
from resolvers.auth.access import can_cancel_job
from resolvers.jobs.cancellation import CANCELLABLE
from schema.context import Info
from schema.relay import Node, global_id
from schema.types.enums import JobStatus
from schema.types.users import User, load_user

if TYPE_CHECKING:
    from schema.types.artifacts import Artifact
    from schema.types.plugins import Command
    from schema.types.workflows import ProcessingWorkflow


@strawberry.type(description="A processing job: one run of a command on some artifacts.")
class ProcessingJob(Node):
    job_id: str = strawberry.field(description="The job's UUID, as in the REST routes.")
    status: JobStatus = strawberry.field(description="Where the job is in its life cycle.")
    step: str | None = strawberry.field(description="Free-text progress reported by the plugin.")
    hidden: bool = strawberry.field(
        description="Whether the job is hidden from job lists by default."
    )
    heartbeat: dt.datetime | None = strawberry.field(
        description="When the plugin last reported the job alive."
    )
    external_id: str | None = strawberry.field(
        description="The job's id in the system that runs it (a Slurm job id...)."
    )
    parameters: JSON = strawberry.field(description="The command's parameter values.")
    created_at: dt.datetime = strawberry.field(description="When the job was created.")
    updated_at: dt.datetime = strawberry.field(description="When the job last changed.")
    row: strawberry.Private[JobRow]

    @classmethod
    def from_row(cls, row: JobRow) -> ProcessingJob:
        return cls(
            id=global_id("ProcessingJob", row.id),
            job_id=row.id,
            status=JobStatus(row.status),
            step=row.step,
            hidden=row.hidden,
            heartbeat=row.heartbeat,
            external_id=row.external_id,
            parameters=JSON(row.parameters),
            created_at=row.created_at,
            updated_at=row.updated_at,
            row=row,
        )

    @strawberry.field(description="The command the job runs.")
    async def command(
        self, info: Info
    ) -> Annotated[Command, strawberry.lazy("schema.types.plugins")] | None:
        from schema.types.plugins import load_command

        return await load_command(info, self.row.command_id)

    @strawberry.field(
        description="Whether the caller may cancel the job now (`cancelJob`): its submitter "
        "or an admin, while it is unfinished."
    )
    def viewer_can_cancel(self, info: Info) -> bool:
        return self.row.status in CANCELLABLE and can_cancel_job(info.context.principal, self.row)

    @strawberry.field(description="Who submitted the job.")
    async def user(self, info: Info) -> User | None:
        return await load_user(info, self.row.account_id)

    @strawberry.field(description="The error message when the job failed.")
    async def error_message(self, info: Info) -> str | None:
        if self.row.error_log_id is None:
            return None
        entry = await info.context.loaders.log_entry_by_id.load(self.row.error_log_id)
        return entry.msg if entry is not None else None

    @strawberry.field(description="The artifacts the job takes as input.")
    async def inputs(
        self, info: Info
    ) -> list[Annotated[Artifact, strawberry.lazy("schema.types.artifacts")]]:
        from schema.types.artifacts import Artifact

        rows = await info.context.loaders.inputs_for_job.load(self.job_id)
        return [Artifact.from_row(row) for row in rows]

    @strawberry.field(description="The artifacts the job produced.")
    async def outputs(
        self, info: Info
    ) -> list[Annotated[Artifact, strawberry.lazy("schema.types.artifacts")]]:
        from schema.types.artifacts import Artifact

        rows = await info.context.loaders.outputs_for_job.load(self.job_id)
        return [Artifact.from_row(row) for row in rows]

    @strawberry.field(description="The workflow the job is a step of, when it is one.")
    async def workflow(
        self, info: Info
    ) -> Annotated[ProcessingWorkflow, strawberry.lazy("schema.types.workflows")] | None:
        from schema.types.workflows import load_workflow

        return await load_workflow(info, self.row.workflow_id)

    @strawberry.field(
        description="The jobs of its workflow whose outputs the job takes (it waits for them)."
    )
    async def parents(self, info: Info) -> list[ProcessingJob]:
        ids = await info.context.loaders.parents_for_job.load(self.job_id)
        rows = await info.context.loaders.job_by_id.load_many(ids)
        return [ProcessingJob.from_row(row) for row in rows if row is not None]

    @strawberry.field(description="The Validate jobs created for the job's outputs.")
    async def validators(self, info: Info) -> list[ProcessingJob]:
        rows = await info.context.loaders.validators_for_job.load(self.job_id)
        return [ProcessingJob.from_row(row) for row in rows]


async def load_job(info: Info, job_id: str | None) -> ProcessingJob | None:
    if job_id is None:
        return None
    row = await info.context.loaders.job_by_id.load(job_id)
    return ProcessingJob.from_row(row) if row is not None else None
