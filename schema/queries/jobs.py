"""Queries over processing jobs."""

from __future__ import annotations

import datetime as dt

import strawberry

from resolvers.errors import NotFound
from resolvers.listing.jobs import JobFilter, job_ordering, search_jobs
from schema.context import Info
from schema.queries.studies import OrderDirection
from schema.relay import Connection, connection, integer_key, page_request
from schema.types.jobs import ProcessingJob, load_job


@strawberry.input(description="Conditions a job must meet (all of them).")
class JobFilterInput:
    status: list[str] | None = strawberry.field(
        default=None,
        description="Any of: in_construction, queued, running, waiting, success, error.",
    )
    plugin_id: strawberry.ID | None = strawberry.field(
        default=None, description="A Plugin id (global, or Qiita's software id)."
    )
    command_id: strawberry.ID | None = strawberry.field(
        default=None, description="A Command id (global, or Qiita's command id)."
    )
    user_email: str | None = None
    created_after: dt.datetime | None = None
    created_before: dt.datetime | None = None
    include_hidden: bool = True


@strawberry.type
class JobQueries:
    @strawberry.field(description="A processing job by its UUID.")
    async def job(self, info: Info, job_id: str) -> ProcessingJob | None:
        job = await load_job(info, job_id.lower())
        if job is None:
            raise NotFound(f"Job not found: {job_id}")
        return job

    @strawberry.field(description="Jobs the caller may read, by creation time (newest first).")
    async def jobs(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        where: JobFilterInput | None = None,
        direction: OrderDirection = OrderDirection.DESC,
    ) -> Connection[ProcessingJob]:
        kind = f"ProcessingJob:created_at:{direction.value}"
        request = page_request(kind, first, after, last, before)
        given = where or JobFilterInput()
        conditions = JobFilter(
            statuses=given.status,
            plugin_id=integer_key("Plugin", given.plugin_id) if given.plugin_id else None,
            command_id=integer_key("Command", given.command_id) if given.command_id else None,
            user_email=given.user_email,
            created_after=given.created_after,
            created_before=given.created_before,
            include_hidden=given.include_hidden,
        )
        ordering = job_ordering(descending=direction is OrderDirection.DESC)
        async with info.context.unit_of_work() as ctx:
            page = await search_jobs(ctx, conditions, ordering, request)
        return connection(kind, page, ProcessingJob.from_row)
