"""Throttling of failed password sign-ins, per account and per client address.

After `settings.sign_in_max_failures` failures within `settings.sign_in_window_seconds`,
sign-ins of that account (or from that address) are locked for
`settings.sign_in_lockout_seconds`, doubled for each further lockout (at most a day). A
successful sign-in clears the account's record; a record whose last failure is a day old
starts over. The records live in the database (`sign_in_failure`), so every worker sees
the same counts; each change is one conditional UPDATE that takes the row's write lock
first, so concurrent failures are all counted.

    check_sign_in_allowed(services, email, address)    raises SignInThrottled when locked
    record_failed_sign_in(services, email, address)    counts, locks, logs at WARNING
    clear_failed_sign_ins(services, email)             after a successful sign-in
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from typing import Protocol

from sqlalchemy import case, delete, func, literal, select, tuple_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.models import SignInFailure, utcnow
from db.models.base import UTCDateTime
from db.settings import Settings
from resolvers.auth.oauth_errors import SignInThrottled

logger = logging.getLogger(__name__)

ACCOUNT = "account"
ADDRESS = "address"
MAX_LOCKOUT = dt.timedelta(days=1)
"""The longest lockout, and the quiet time after which a record starts over."""


class HasSessions(Protocol):
    @property
    def settings(self) -> Settings: ...

    @property
    def sessions(self) -> async_sessionmaker[AsyncSession]: ...


def _keys(email: str, address: str | None) -> list[tuple[str, str]]:
    keys = [(ACCOUNT, email.lower())]
    if address:
        keys.append((ADDRESS, address))
    return keys


async def check_sign_in_allowed(services: HasSessions, email: str, address: str | None) -> None:
    """SignInThrottled (with the seconds to wait) while the account or address is locked."""
    now = utcnow()
    keys = tuple_(SignInFailure.scope, SignInFailure.subject).in_(_keys(email, address))
    async with services.sessions() as session:
        latest = (
            await session.execute(
                select(func.max(SignInFailure.locked_until)).where(
                    keys, SignInFailure.locked_until > now
                )
            )
        ).scalar_one_or_none()
    if latest is not None:
        raise SignInThrottled(max(1, math.ceil((latest - now).total_seconds())))


async def record_failed_sign_in(services: HasSessions, email: str, address: str | None) -> None:
    """Count a failed sign-in against the account and the address; lock either at the limit."""
    logger.warning("failed sign-in for account %s from address %s", email, address or "unknown")
    for scope, subject in _keys(email, address):
        for _attempt in range(5):
            try:
                await _count_failure(services, scope, subject)
                break
            except IntegrityError:
                continue  # another worker inserted the first record at the same instant


async def clear_failed_sign_ins(services: HasSessions, email: str) -> None:
    async with services.sessions() as session, session.begin():
        await session.execute(
            delete(SignInFailure).where(
                SignInFailure.scope == ACCOUNT, SignInFailure.subject == email.lower()
            )
        )


async def _count_failure(services: HasSessions, scope: str, subject: str) -> None:
    settings = services.settings
    now = utcnow()
    window_floor = now - dt.timedelta(seconds=settings.sign_in_window_seconds)
    quiet_floor = now - MAX_LOCKOUT
    stamp = literal(now, UTCDateTime())
    key = (SignInFailure.scope == scope, SignInFailure.subject == subject)
    new_window = SignInFailure.window_start <= window_floor
    async with services.sessions() as session, session.begin():
        counted = await session.execute(
            update(SignInFailure)
            .where(*key)
            .values(
                failures=case((new_window, 1), else_=SignInFailure.failures + 1),
                window_start=case((new_window, stamp), else_=SignInFailure.window_start),
                lockouts=case(
                    (SignInFailure.last_failure_at <= quiet_floor, 0),
                    else_=SignInFailure.lockouts,
                ),
                last_failure_at=stamp,
            )
            .execution_options(synchronize_session=False)
        )
        if counted.rowcount == 0:  # type: ignore[attr-defined]
            session.add(
                SignInFailure(
                    scope=scope, subject=subject, failures=1, window_start=now, lockouts=0,
                    locked_until=None, last_failure_at=now,
                )
            )  # fmt: skip
            await session.flush()
        row = (
            await session.execute(
                select(SignInFailure.failures, SignInFailure.lockouts).where(*key)
            )
        ).one()
        if row.failures < settings.sign_in_max_failures:
            return
        lockout = min(
            dt.timedelta(seconds=settings.sign_in_lockout_seconds) * 2 ** min(row.lockouts, 20),
            MAX_LOCKOUT,
        )
        await session.execute(
            update(SignInFailure)
            .where(*key)
            .values(failures=0, lockouts=row.lockouts + 1, locked_until=now + lockout)
            .execution_options(synchronize_session=False)
        )
    logger.warning(
        "locked sign-ins of %s %s for %d s after %d failures",
        scope, subject, lockout.total_seconds(), row.failures,
    )  # fmt: skip
