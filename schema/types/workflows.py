"""The ProcessingWorkflow type: a DAG of processing jobs built and submitted together."""

from __future__ import annotations

import datetime as dt

import strawberry

from db.models import ProcessingWorkflow as WorkflowRow
from resolvers.auth.access import can_change_workflow
from schema.context import Info
from schema.relay import Node, global_id
from schema.types.jobs import ProcessingJob
from schema.types.users import User, load_user


@strawberry.type(
    description="A workflow: processing jobs connected by which output of one feeds which "
    "input of the next; built in construction, then submitted as a whole."
)
class ProcessingWorkflow(Node):
    workflow_id: int = strawberry.field(description="Qiita's integer id of the workflow.")
    name: str = strawberry.field(description="The workflow's name.")
    created_at: dt.datetime = strawberry.field(description="When the workflow was created.")
    row: strawberry.Private[WorkflowRow]

    @classmethod
    def from_row(cls, row: WorkflowRow) -> ProcessingWorkflow:
        return cls(
            id=global_id("ProcessingWorkflow", row.id),
            workflow_id=row.id,
            name=row.name,
            created_at=row.created_at,
            row=row,
        )

    @strawberry.field(description="The user who built the workflow.")
    async def owner(self, info: Info) -> User | None:
        return await load_user(info, self.row.account_id)

    @strawberry.field(description="The workflow's jobs the caller may read, oldest first.")
    async def jobs(self, info: Info) -> list[ProcessingJob]:
        rows = await info.context.loaders.jobs_for_workflow.load(self.workflow_id)
        return [ProcessingJob.from_row(row) for row in rows]

    @strawberry.field(description="The jobs that start the workflow (they take no job's output).")
    async def roots(self, info: Info) -> list[ProcessingJob]:
        ids = await info.context.loaders.roots_for_workflow.load(self.workflow_id)
        rows = await info.context.loaders.job_by_id.load_many(ids)
        return [ProcessingJob.from_row(row) for row in rows if row is not None]

    @strawberry.field(
        description="Whether steps can still be added and removed: all its roots are "
        "in construction (not submitted yet)."
    )
    async def in_construction(self, info: Info) -> bool:
        ids = await info.context.loaders.roots_for_workflow.load(self.workflow_id)
        rows = await info.context.loaders.job_by_id.load_many(ids)
        return bool(rows) and all(
            row is not None and row.status == "in_construction" for row in rows
        )

    @strawberry.field(
        description="Whether the caller may add and remove steps and submit the workflow: "
        "its owner or an admin."
    )
    def viewer_can_edit(self, info: Info) -> bool:
        return can_change_workflow(info.context.principal, self.row)


async def load_workflow(info: Info, workflow_id: int | None) -> ProcessingWorkflow | None:
    if workflow_id is None:
        return None
    row = await info.context.loaders.workflow_by_id.load(workflow_id)
    return ProcessingWorkflow.from_row(row) if row is not None else None
