"""Recording every write in the audit log, inside the transaction that makes it.

Sessions from `db.session.create_session_factory` are `AuditedSession`s: after each
flush, one `audit_log` row per inserted, updated (with the changed columns) or deleted
object; for each Core INSERT/UPDATE/DELETE run through the session, one row naming the
table and the number of rows it matched. The actor is what `set_actor` put on the
session (the unit of work does it for its principal), else `system`; the origin and
request id come from `db.request_scope`.

Not recorded: writes to the audit log itself, OAuth tokens and sign-in budgets
(`oauth_token`, `oauth_rate_limit`: credentials, written on every sign-in), and
statements run with the execution option `audit=False` (job heartbeats); raw SQL text.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

from db.models import Base
from db.models.base import utcnow
from db.request_scope import current_request

NOT_AUDITED = frozenset({"audit_log", "oauth_token", "oauth_rate_limit", "alembic_version"})
ACTOR_KEY = "audit_actor"
AUDIT_TABLE = Base.metadata.tables["audit_log"]
MAX_KEY_LENGTH = 200


class AuditedSession(Session):
    """A session whose writes are recorded in the audit log (see the module docstring)."""


def set_actor(session: Session, actor: str, kind: str) -> None:
    session.info[ACTOR_KEY] = (actor, kind)


def _entry(session: Session, action: str, target: str, target_id: str | None,
           details: dict[str, Any]) -> dict[str, Any]:  # fmt: skip
    actor, kind = session.info.get(ACTOR_KEY, ("system", "system"))
    request = current_request.get()
    origin = request.origin if request is not None else None
    return {
        "at": utcnow(),
        "actor": actor[:320],
        "actor_kind": kind,
        "action": action,
        "target": target[:64],
        "target_id": target_id,
        "origin": origin[:200] if origin else None,
        "request_id": request.request_id if request is not None else None,
        "details": details,
    }


def _key_of(instance: object) -> str | None:
    state = inspect(instance)
    values = state.mapper.primary_key_from_instance(instance)
    if any(value is None for value in values):
        return None
    return "/".join(str(value) for value in values)[:MAX_KEY_LENGTH]


def _changed_columns(instance: object) -> list[str]:
    state = inspect(instance)
    return sorted(
        attribute.key
        for attribute in state.attrs
        if attribute.key in state.mapper.columns and attribute.history.has_changes()
    )


@event.listens_for(AuditedSession, "after_flush")
def _record_flush(session: Session, _context: UOWTransaction) -> None:
    entries: list[dict[str, Any]] = []
    for action, instances in (
        ("insert", session.new),
        ("update", session.dirty),
        ("delete", session.deleted),
    ):
        for instance in instances:
            table = inspect(instance).mapper.persist_selectable.name
            if table in NOT_AUDITED:
                continue
            details: dict[str, Any] = {}
            if action == "update":
                columns = _changed_columns(instance)
                if not columns:
                    continue
                details["columns"] = columns
            entries.append(_entry(session, action, table, _key_of(instance), details))
    if entries:
        session.connection().execute(insert(AUDIT_TABLE), entries)


@event.listens_for(AuditedSession, "do_orm_execute")
def _record_statement(state: ORMExecuteState) -> Any:
    if not (state.is_insert or state.is_update or state.is_delete):
        return None
    if state.execution_options.get("audit", True) is False:
        return None
    table = getattr(state.statement, "table", None)
    name = getattr(table, "name", None)
    if not isinstance(name, str) or name in NOT_AUDITED:
        return None
    result = state.invoke_statement()
    action = "insert" if state.is_insert else "update" if state.is_update else "delete"
    rows = getattr(result, "rowcount", None)
    details = {"rows": rows} if isinstance(rows, int) and rows >= 0 else {}
    if action == "insert" and isinstance(state.parameters, list):
        details.setdefault("rows", len(state.parameters))
    session = state.session
    session.connection().execute(
        insert(AUDIT_TABLE), [_entry(session, action, name, None, details)]
    )
    return result
