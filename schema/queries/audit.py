"""The audit log root field (administrators only)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry

from resolvers.audit import AuditRecord, list_audit_entries
from resolvers.context import Context
from resolvers.pagination import Page, PageRequest
from schema.context import Info
from schema.relay import After, Before, Connection, First, Last, fetch_connection
from schema.types.audit import AuditLogEntry


@strawberry.type(description="The audit log (administrators only).")
class AuditQueries:
    @strawberry.field(
        description="Recorded writes, oldest first (`last: n` for the newest); admins only "
        "(others get FORBIDDEN)."
    )
    async def audit_log(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        actor: Annotated[
            str | None,
            strawberry.argument(description="Only the writes of this e-mail or client id."),
        ] = None,
        since: Annotated[
            dt.datetime | None,
            strawberry.argument(description="Only the writes at or after this time."),
        ] = None,
    ) -> Connection[AuditLogEntry]:
        async def fetch(ctx: Context, request: PageRequest) -> Page[AuditRecord]:
            return await list_audit_entries(ctx, request, actor=actor or None, since=since)

        return await fetch_connection(
            info, "AuditLogEntry", fetch, AuditLogEntry.from_record, first, after, last, before
        )
