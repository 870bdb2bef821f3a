"""The filtered list of processing jobs behind `Query.jobs`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, select

from db.models import Account, Command, ProcessingJob, Software
from db.models.jobs import JOB_STATUSES
from resolvers.auth.access import readable_jobs_filter
from resolvers.context import Context
from resolvers.errors import Invalid
from resolvers.keyset import Ordering, ordered_page
from resolvers.pagination import Page, PageRequest


@dataclass(frozen=True)
class JobFilter:
    statuses: Sequence[str] | None = None
    plugin_id: int | None = None
    command_id: int | None = None
    user_email: str | None = None
    created_after: dt.datetime | None = None
    created_before: dt.datetime | None = None
    include_hidden: bool = True
    job_ids: Sequence[str] | None = None
    """Only these jobs (the subscriptions re-check one changed job against a filter)."""


def job_ordering(*, descending: bool = False) -> Ordering:
    """Jobs in creation order; the id breaks ties, so the order is stable."""
    return Ordering(ProcessingJob.created_at, ProcessingJob.id, descending)


async def search_jobs(
    ctx: Context, where: JobFilter, ordering: Ordering, page: PageRequest
) -> Page[ProcessingJob]:
    """Jobs the caller may read that match `where`, one keyset page."""
    conditions: list[ColumnElement[bool]] = [readable_jobs_filter(ctx.principal)]
    if where.statuses is not None:
        unknown = sorted(set(where.statuses) - set(JOB_STATUSES))
        if unknown:
            raise Invalid(
                f"Unknown job status {', '.join(unknown)}; expected among "
                f"{', '.join(JOB_STATUSES)}.",
                "status",
            )
        conditions.append(ProcessingJob.status.in_(list(where.statuses)))
    if where.plugin_id is not None:
        conditions.append(
            ProcessingJob.command_id.in_(
                select(Command.id)
                .join(Software, Software.id == Command.software_id)
                .where(Software.id == where.plugin_id)
            )
        )
    if where.command_id is not None:
        conditions.append(ProcessingJob.command_id == where.command_id)
    if where.user_email is not None:
        conditions.append(
            ProcessingJob.account_id.in_(
                select(Account.id).where(Account.email_lower == where.user_email.lower())
            )
        )
    if where.created_after is not None:
        conditions.append(ProcessingJob.created_at >= where.created_after)
    if where.created_before is not None:
        conditions.append(ProcessingJob.created_at < where.created_before)
    if not where.include_hidden:
        conditions.append(ProcessingJob.hidden.is_(False))
    if where.job_ids is not None:
        conditions.append(ProcessingJob.id.in_(list(where.job_ids)))
    query = select(ProcessingJob).where(*conditions)
    return await ordered_page(ctx, query, ordering, page)
