"""Every write made with a client token is logged at INFO: the client and what changed.

`ChangeRecorder` watches one unit of work's session (listeners on every session look for
it in `session.info`, so none is added per session): rows the ORM flushes (with their
primary keys) and bulk INSERT/UPDATE/DELETE statements (by table). After the commit,
`log_client_writes` writes one line per unit of work.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

if TYPE_CHECKING:
    from resolvers.context import Principal

logger = logging.getLogger(__name__)

MAX_KEYS_SHOWN = 10
RECORDER_KEY = "client_write_recorder"


def _key(instance: object) -> str:
    state = inspect(instance)
    values = state.mapper.primary_key_from_instance(instance)
    return ",".join("?" if value is None else str(value) for value in values)


class ChangeRecorder:
    """What one session changed: {(verb, table): keys} plus bulk statements per table."""

    def __init__(self, session: Session) -> None:
        self.rows: dict[tuple[str, str], dict[str, None]] = defaultdict(dict)
        self.bulk: dict[tuple[str, str], int] = defaultdict(int)
        session.info[RECORDER_KEY] = self

    def after_flush(self, session: Session) -> None:
        for verb, instances in (
            ("inserted", session.new),
            ("updated", session.dirty),
            ("deleted", session.deleted),
        ):
            for instance in instances:
                if verb == "updated" and not session.is_modified(instance):
                    continue
                table = getattr(instance, "__tablename__", type(instance).__name__)
                self.rows[(verb, str(table))][_key(instance)] = None

    def on_execute(self, state: ORMExecuteState) -> None:
        kinds = (
            ("inserted", state.is_insert),
            ("updated", state.is_update),
            ("deleted", state.is_delete),
        )
        verb = next((name for name, applies in kinds if applies), None)
        table: Any = getattr(state.statement, "table", None)
        if verb is not None and table is not None:
            self.bulk[(verb, str(table.name))] += 1

    def summary(self) -> str:
        parts: list[str] = []
        for (verb, table), found in sorted(self.rows.items()):
            keys = list(found)
            shown = ", ".join(keys[:MAX_KEYS_SHOWN])
            more = f" and {len(keys) - MAX_KEYS_SHOWN} more" if len(keys) > MAX_KEYS_SHOWN else ""
            parts.append(f"{verb} {table} {shown}{more}")
        for (verb, table), count in sorted(self.bulk.items()):
            parts.append(f"{verb} {table} rows ({count} statement{'s' * (count != 1)})")
        return "; ".join(parts)


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context: UOWTransaction) -> None:
    recorder = session.info.get(RECORDER_KEY)
    if recorder is not None:
        recorder.after_flush(session)


@event.listens_for(Session, "do_orm_execute")
def _on_execute(state: ORMExecuteState) -> None:
    recorder = state.session.info.get(RECORDER_KEY)
    if recorder is not None:
        recorder.on_execute(state)


def is_client_write(principal: Principal) -> bool:
    """A request authenticated with a client token (the server's own work has no client id)."""
    return principal.kind in ("plugin", "system") and principal.client_id is not None


def recorder_for(session: Session, principal: Principal) -> ChangeRecorder | None:
    """A recorder for a client's unit of work, when the line it feeds is logged at all."""
    if is_client_write(principal) and logger.isEnabledFor(logging.INFO):
        return ChangeRecorder(session)
    return None


def log_client_writes(principal: Principal, recorder: ChangeRecorder) -> None:
    summary = recorder.summary()
    if summary:
        plugin = " ".join(principal.plugin) if principal.plugin else "system client"
        logger.info("client %s (%s) changed: %s", principal.client_id, plugin, summary)
