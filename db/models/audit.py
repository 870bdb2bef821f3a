"""The audit log: one row per written row (or per Core statement), in the write's transaction."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import NO_REUSE, Base, IntPK, UTCDateTime, utcnow

AUDIT_ACTIONS = ("insert", "update", "delete")


class AuditEntry(Base):
    __tablename__ = "audit_log"
    __table_args__ = NO_REUSE

    id: Mapped[IntPK]
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(320), index=True)
    """A user's e-mail, `client:<id>` for plugin and system clients, `system`, `anonymous`."""
    actor_kind: Mapped[str] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(8))
    target: Mapped[str] = mapped_column(String(64))
    """The table written."""
    target_id: Mapped[str | None] = mapped_column(String(200))
    """The written row's primary key (`a/b` for composite keys); none for Core statements."""
    origin: Mapped[str | None] = mapped_column(String(200))
    """`POST /route/{template}` or `mutation name` of the request; none outside requests."""
    request_id: Mapped[str | None] = mapped_column(String(128))
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    """`columns` changed by an update; `rows` matched by a Core statement."""
