"""Reading the audit log (administrators only); `db.audit` writes it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from db.models import AuditEntry
from resolvers.auth import access
from resolvers.context import Context
from resolvers.errors import Forbidden
from resolvers.pagination import Page, PageRequest, keyset_page


@dataclass(frozen=True)
class AuditRecord:
    id: int
    at: dt.datetime
    actor: str
    actor_kind: str
    action: str
    target: str
    target_id: str | None
    origin: str | None
    request_id: str | None
    details: dict[str, Any]


def _record(row: AuditEntry) -> AuditRecord:
    return AuditRecord(
        id=row.id,
        at=row.at,
        actor=row.actor,
        actor_kind=row.actor_kind,
        action=row.action,
        target=row.target,
        target_id=row.target_id,
        origin=row.origin,
        request_id=row.request_id,
        details=dict(row.details or {}),
    )


async def list_audit_entries(
    ctx: Context,
    request: PageRequest,
    *,
    actor: str | None = None,
    since: dt.datetime | None = None,
) -> Page[AuditRecord]:
    """Entries oldest first (`last: n` gives the newest), by actor (any case) and time."""
    if not access.can_read_audit_log(ctx.principal):
        raise Forbidden("Only administrators may read the audit log.")
    query = select(AuditEntry)
    if actor:
        query = query.where(func.lower(AuditEntry.actor) == actor.lower())
    if since is not None:
        if since.tzinfo is None:
            since = since.replace(tzinfo=dt.UTC)
        query = query.where(AuditEntry.at >= since)
    page = await keyset_page(ctx, query, AuditEntry.__table__.c.id, request)
    return Page(
        items=[_record(row) for row in page.items],
        keys=page.keys,
        total_count=page.total_count,
        has_next_page=page.has_next_page,
        has_previous_page=page.has_previous_page,
    )
