"""The audit log as GraphQL objects."""

from __future__ import annotations

import datetime as dt

import strawberry
from strawberry.scalars import JSON

from resolvers.audit import AuditRecord


@strawberry.type(description="One recorded write: who, what, when, from which request.")
class AuditLogEntry:
    entry_id: int = strawberry.field(description="Position in the log (grows with time).")
    at: dt.datetime = strawberry.field(description="When the write was committed.")
    actor: str = strawberry.field(
        description="A user's e-mail, a client id (plugins, system clients), or `system`."
    )
    actor_kind: str = strawberry.field(description="user, plugin, system or anonymous.")
    action: str = strawberry.field(description="insert, update or delete.")
    target: str = strawberry.field(description="The table written.")
    target_id: str | None = strawberry.field(
        description="The row's key (`a/b` when composite); null for statements over many rows."
    )
    origin: str | None = strawberry.field(
        description="The route template or GraphQL operation of the request; null outside one."
    )
    request_id: str | None = strawberry.field(
        description="The `X-Request-ID` of the request that wrote it; null outside one."
    )
    details: JSON = strawberry.field(
        description="`columns` changed by an update; `rows` written by a statement."
    )

    @classmethod
    def from_record(cls, record: AuditRecord) -> AuditLogEntry:
        return cls(
            entry_id=record.id,
            at=record.at,
            actor=record.actor,
            actor_kind=record.actor_kind,
            action=record.action,
            target=record.target,
            target_id=record.target_id,
            origin=record.origin,
            request_id=record.request_id,
            details=JSON(record.details),
        )
