"""The in-process cache of validated tokens, one per `Services` (so one per database).

`Services` (and every `Context` of a unit of work) carries its `TokenCache`: tests that
build many apps over many databases keep their caches apart, and dropping the app drops
its cache. Entries are trusted for `settings.token_cache_seconds` (expiry itself is
checked on every use); `forget` drops a client's or a user's entries at once.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.settings import Settings

if TYPE_CHECKING:
    from resolvers.context import Principal

MAX_ENTRIES = 10_000
PURGE_INTERVAL_SECONDS = 60.0


@dataclass(frozen=True)
class CachedToken:
    principal: Principal
    expires_at: dt.datetime
    cached_at: float


@dataclass
class TokenCache:
    entries: dict[str, CachedToken] = field(default_factory=dict)
    """By token hash."""
    last_purge: float | None = None
    """When this process last deleted expired tokens (monotonic clock)."""

    def fresh(self, key: str, max_age: float, now: dt.datetime) -> Principal | None:
        """The cached principal of a token hash, if cached within `max_age` s and unexpired."""
        cached = self.entries.get(key)
        if cached is None:
            return None
        if time.monotonic() - cached.cached_at < max_age and cached.expires_at > now:
            return cached.principal
        self.entries.pop(key, None)
        return None

    def put(self, key: str, principal: Principal, expires_at: dt.datetime) -> None:
        if len(self.entries) >= MAX_ENTRIES:
            self.entries.clear()
        self.entries[key] = CachedToken(principal, expires_at, time.monotonic())

    def forget(self, *, client_id: str | None = None, account_id: int | None = None) -> None:
        """Drop the entries of a client's and/or a user's tokens (every entry when neither)."""
        for key, entry in list(self.entries.items()):
            if (client_id is None or entry.principal.client_id == client_id) and (
                account_id is None or entry.principal.account_id == account_id
            ):
                self.entries.pop(key, None)

    def purge_due(self) -> bool:
        """True at most once per `PURGE_INTERVAL_SECONDS` (and the first time)."""
        now = time.monotonic()
        if self.last_purge is not None and now - self.last_purge < PURGE_INTERVAL_SECONDS:
            return False
        self.last_purge = now
        return True


class HasSessions(Protocol):
    """`Services` or a resolver `Context`: settings, a session factory, the token cache."""

    @property
    def settings(self) -> Settings: ...

    @property
    def sessions(self) -> async_sessionmaker[AsyncSession]: ...

    @property
    def token_cache(self) -> TokenCache: ...
