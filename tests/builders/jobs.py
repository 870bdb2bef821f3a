"""Processing jobs, written straight to the database (no plugin process runs them)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from db.models import Account, ProcessingJob, utcnow
from resolvers.context import Services


async def make_job(
    services: Services,
    command_id: int,
    account: Account | int,
    *,
    status: str = "queued",
    parameters: dict[str, Any] | None = None,
    heartbeat_age: float | None = None,
    age: float = 0.0,
    **values: Any,
) -> ProcessingJob:
    """A job of `command_id` for `account`; `heartbeat_age` and `age` (seconds) date its last
    heartbeat and its last change back; `values` sets other columns (launcher, ...)."""
    now = utcnow()
    job = ProcessingJob(
        id=str(uuid.uuid4()),
        account_id=account if isinstance(account, int) else account.id,
        command_id=command_id,
        parameters=parameters or {},
        status=status,
        heartbeat=None if heartbeat_age is None else now - dt.timedelta(seconds=heartbeat_age),
        updated_at=now - dt.timedelta(seconds=age),
        **values,
    )
    async with services.sessions() as session, session.begin():
        session.add(job)
    return job
