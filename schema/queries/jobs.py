"""Queries over processing jobs."""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Annotated

import strawberry

from db.models import ProcessingJob as JobRow
from resolvers.context import Context
from resolvers.jobs.listing import JobFilter, job_ordering, search_jobs
from resolvers.pagination import Page, PageRequest
from schema.context import Info
from schema.queries.studies import OrderDirection
from schema.relay import (
    NOT_FOUND_NOTE,
    After,
    Before,
    Connection,
    First,
    Last,
    fetch_connection,
    integer_key,
    require_found,
)
from schema.types.enums import JobStatus
from schema.types.jobs import ProcessingJob, load_job
from schema.types.workflows import ProcessingWorkflow, load_workflow


@strawberry.input(description="Conditions a job must meet (all of them).")
class JobFilterInput:
    status: list[JobStatus] | None = strawberry.field(
        default=None, description="Jobs in any of these statuses."
    )
    plugin_id: strawberry.ID | None = strawberry.field(
        default=None, description="A Plugin id (global, or Qiita's software id)."
    )
    command_id: strawberry.ID | None = strawberry.field(
        default=None, description="A Command id (global, or Qiita's command id)."
    )
    user_email: str | None = strawberry.field(
        default=None, description="Jobs submitted by this e-mail address."
    )
    created_after: dt.datetime | None = strawberry.field(
        default=None, description="Jobs created at or after this time."
    )
    created_before: dt.datetime | None = strawberry.field(
        default=None, description="Jobs created before this time."
    )
    include_hidden: bool = strawberry.field(
        default=True, description="Whether hidden jobs are listed too."
    )

    def to_filter(self) -> JobFilter:
        """The resolvers' filter; NotFound when a plugin or command id is not one."""
        return JobFilter(
            statuses=(
                [status.value for status in self.status] if self.status is not None else None
            ),
            plugin_id=integer_key("Plugin", self.plugin_id) if self.plugin_id else None,
            command_id=integer_key("Command", self.command_id) if self.command_id else None,
            user_email=self.user_email,
            created_after=self.created_after,
            created_before=self.created_before,
            include_hidden=self.include_hidden,
        )


@strawberry.enum(description="What jobs are sorted by.")
class JobOrderField(Enum):
    CREATED_AT = strawberry.enum_value(
        "created_at", description="By creation time, ties broken by id."
    )


@strawberry.input(description="The order of a job list.")
class JobOrder:
    field: JobOrderField = strawberry.field(
        default=JobOrderField.CREATED_AT, description="What to sort by."
    )
    direction: OrderDirection = strawberry.field(
        default=OrderDirection.DESC, description="Newest first (DESC) or oldest first (ASC)."
    )


@strawberry.type
class JobQueries:
    @strawberry.field(description="A processing job by its UUID." + NOT_FOUND_NOTE)
    async def job(
        self,
        info: Info,
        job_id: Annotated[
            str, strawberry.argument(description="The job UUID (`ProcessingJob.jobId`), any case.")
        ],
    ) -> ProcessingJob | None:
        return require_found(await load_job(info, job_id.lower()), "Job", job_id)

    @strawberry.field(description="A workflow of processing jobs by its id." + NOT_FOUND_NOTE)
    async def workflow(
        self,
        info: Info,
        workflow_id: Annotated[
            int, strawberry.argument(description="Qiita's integer id of the workflow.")
        ],
    ) -> ProcessingWorkflow | None:
        return require_found(await load_workflow(info, workflow_id), "Workflow", workflow_id)

    @strawberry.field(description="Jobs the caller may read, by creation time (newest first).")
    async def jobs(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        where: Annotated[
            JobFilterInput | None,
            strawberry.argument(description="Only the jobs that meet these conditions."),
        ] = None,
        order_by: Annotated[
            JobOrder | None,
            strawberry.argument(description="The order; newest first when not given."),
        ] = None,
        direction: Annotated[
            OrderDirection,
            strawberry.argument(
                description="Newest first (DESC) or oldest first (ASC); ignored when `orderBy` "
                "is given.",
                deprecation_reason="Use `orderBy: {direction: ...}`, as on `studies`.",
            ),
        ] = OrderDirection.DESC,
    ) -> Connection[ProcessingJob]:
        given = where or JobFilterInput()
        if order_by is not None:
            direction = order_by.direction
        ordering = job_ordering(descending=direction is OrderDirection.DESC)

        async def fetch(ctx: Context, request: PageRequest) -> Page[JobRow]:
            # the filter after the cursors: a bad cursor is reported before a bad id
            return await search_jobs(ctx, given.to_filter(), ordering, request)

        kind = f"ProcessingJob:created_at:{direction.value}"
        return await fetch_connection(
            info, kind, fetch, ProcessingJob.from_row, first, after, last, before
        )
