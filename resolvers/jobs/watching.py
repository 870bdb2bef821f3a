"""What the watchers of a job event are shown: the job as committed, read once per event.

All subscribers of one event share one read of the job's row; what stays theirs is
whether their principal may read the job now (`readable_jobs_filter`), asked once per
event and principal, and not at all when the predicate is constant (admin rights).
"""

from __future__ import annotations

from functools import partial

from sqlalchemy import select
from sqlalchemy.sql.elements import True_

from db.models import ProcessingJob
from resolvers.auth.access import readable_jobs_filter
from resolvers.context import Principal, Services
from resolvers.events import Event


async def job_for_watcher(
    services: Services, principal: Principal, event: Event
) -> ProcessingJob | None:
    """The job `event` is about, or None when it is gone or `principal` may not read it."""
    job = await event.shared("job", partial(_committed_job, services, event.key))
    if job is None:
        return None
    readable = partial(_readable, services, principal, job.id)
    return job if await event.shared(("readable", principal), readable) else None


async def readable_job(
    services: Services, principal: Principal, job_id: str
) -> ProcessingJob | None:
    """The job as a watcher first sees it, or None when it is not one `principal` may read."""
    query = select(ProcessingJob).where(ProcessingJob.id == job_id, readable_jobs_filter(principal))
    async with services.sessions() as session:
        return (await session.execute(query)).scalar_one_or_none()


async def _committed_job(services: Services, job_id: str) -> ProcessingJob | None:
    async with services.sessions() as session:
        return await session.get(ProcessingJob, job_id)


async def _readable(services: Services, principal: Principal, job_id: str) -> bool:
    predicate = readable_jobs_filter(principal)
    if isinstance(predicate, True_):
        return True
    query = select(ProcessingJob.id).where(ProcessingJob.id == job_id, predicate)
    async with services.sessions() as session:
        return (await session.execute(query)).first() is not None
