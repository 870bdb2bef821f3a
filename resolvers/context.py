"""The per-request context every resolver takes first, and the unit of work around it."""

from __future__ import annotations

import inspect
import logging
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db import file_journal
from db.audit import set_actor
from db.files import FileStore
from db.settings import Settings
from resolvers.auth.client_writes import log_client_writes, recorder_for
from resolvers.auth.token_cache import TokenCache
from resolvers.events import EventBus, NullEventBus
from resolvers.jobs.launching import Launcher

logger = logging.getLogger(__name__)

PrincipalKind = Literal["anonymous", "user", "plugin", "system"]
Callback = Callable[[], Awaitable[None] | None]


@dataclass(frozen=True)
class Principal:
    """Who is asking: a user (password grant), a plugin client, a system client, or nobody."""

    kind: PrincipalKind
    account_id: int | None = None
    email: str | None = None
    level: str | None = None
    client_id: str | None = None
    software_id: int | None = None
    plugin: tuple[str, str] | None = None
    """(name, version) of a plugin client's plugin."""
    trusted: bool = False
    """A plugin client whose plugin an admin has trusted (`qiita-gateway plugin trust`)."""

    @property
    def is_admin(self) -> bool:
        return self.kind == "user" and self.level in ("admin", "superuser")

    @property
    def is_authenticated(self) -> bool:
        return self.kind != "anonymous"

    @property
    def audit_name(self) -> str:
        """Who the audit log names: a user's e-mail, else the client id, else the kind."""
        return self.email or self.client_id or self.kind


ANONYMOUS = Principal(kind="anonymous")
SYSTEM = Principal(kind="system")
"""The server acting on its own behalf (start-up, CLI, background work)."""


@dataclass(frozen=True)
class Services:
    """What lives for the whole process: built by gateway's lifespan, shared by surfaces."""

    settings: Settings
    sessions: async_sessionmaker[AsyncSession]
    launcher: Launcher | None = None
    events: EventBus = field(default_factory=NullEventBus)
    token_cache: TokenCache = field(default_factory=TokenCache)
    """Validated bearer tokens of this process (resolvers/auth/token_cache.py)."""


@dataclass
class Context:
    settings: Settings
    sessions: async_sessionmaker[AsyncSession]
    session: AsyncSession
    principal: Principal = ANONYMOUS
    launcher: Launcher | None = None
    events: EventBus = field(default_factory=NullEventBus)
    after_commit_callbacks: list[Callback] = field(default_factory=list)
    on_rollback_callbacks: list[Callback] = field(default_factory=list)
    file_move_batch: str | None = None
    token_cache: TokenCache = field(default_factory=TokenCache)

    @property
    def files(self) -> FileStore:
        return FileStore.at(self.settings.data_dir, self.settings.resolved_working_dir)

    def after_commit(self, callback: Callback) -> None:
        """Run `callback` once the request's transaction has committed (events, launches)."""
        self.after_commit_callbacks.append(callback)

    def on_rollback(self, callback: Callback) -> None:
        """Run `callback` if the transaction fails (removing files written for it)."""
        self.on_rollback_callbacks.append(callback)

    def _file_move_batch(self) -> str:
        if self.file_move_batch is None:
            self.file_move_batch = uuid.uuid4().hex
        return self.file_move_batch

    def plan_move(self, source: Path, destination: Path) -> None:
        """Move `source` to `destination` once the transaction commits (db/file_journal.py)."""
        file_journal.plan_move(self.session, self._file_move_batch(), source, destination)

    def plan_removal(self, path: Path) -> None:
        """Remove `path` once the transaction commits, after the planned moves before it."""
        file_journal.plan_removal(self.session, self._file_move_batch(), path)


async def _run_all(callbacks: list[Callback], *, reverse: bool = False) -> None:
    for callback in reversed(callbacks) if reverse else callbacks:
        try:
            result = callback()
            if inspect.isawaitable(result):
                await result
        except Exception:
            logger.exception("callback %r failed", callback)


@asynccontextmanager
async def unit_of_work(
    services: Services, principal: Principal = ANONYMOUS
) -> AsyncIterator[Context]:
    """One transaction: commit on success, roll back on any error.

    After the commit, the file moves the transaction planned are carried out first (they
    stay journaled for replay if that fails), then the after-commit callbacks run.
    """
    async with services.sessions() as session:
        set_actor(session.sync_session, principal.audit_name, principal.kind)
        ctx = Context(
            settings=services.settings,
            sessions=services.sessions,
            session=session,
            principal=principal,
            launcher=services.launcher,
            events=services.events,
            token_cache=services.token_cache,
        )
        recorder = recorder_for(session.sync_session, principal)
        try:
            yield ctx
            await session.commit()
        except BaseException:
            await session.rollback()
            await _run_all(ctx.on_rollback_callbacks, reverse=True)
            raise
    if ctx.file_move_batch is not None:
        try:
            await file_journal.apply_batch(services.sessions, ctx.file_move_batch)
        except Exception:
            logger.exception("file moves of batch %s are left for replay", ctx.file_move_batch)
    if recorder is not None:
        log_client_writes(principal, recorder)
    await _run_all(ctx.after_commit_callbacks)
