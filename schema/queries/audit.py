"""The audit log root field (administrators only)."""

from __future__ import annotations

import datetime as dt

import strawberry

from resolvers.audit import AuditRecord, list_audit_entries
from resolvers.context import Context
from resolvers.pagination import Page, PageRequest
from schema.context import Info
from schema.relay import Connection, fetch_connection
from schema.types.audit import AuditLogEntry


@strawberry.type
class AuditQueries:
    @strawberry.field(
        description="Recorded writes, oldest first (`last: n` for the newest); admins only "
        "(others get FORBIDDEN)."
    )
    async def audit_log(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        actor: str | None = None,
        since: dt.datetime | None = None,
    ) -> Connection[AuditLogEntry]:
        async def fetch(ctx: Context, request: PageRequest) -> Page[AuditRecord]:
            return await list_audit_entries(ctx, request, actor=actor or None, since=since)

        return await fetch_connection(
            info, "AuditLogEntry", fetch, AuditLogEntry.from_record, first, after, last, before
        )
