"""Access tokens: issuing, validating, rate limiting, revoking and purging.

plugin-api.md §2 and decisions.md. A token is 55 random alphanumerics; only its
SHA-256 is stored (`oauth_token`), with its client, grant, user and expiry.

    request_token(services, TokenRequest) -> IssuedToken    the token endpoint
    issue_token(services, client_id=..., account_id=...)     issue without a request
    principal_for_token(services, token) -> Principal        one indexed lookup, cached
    authenticate_bearer(services, header) -> Principal       the whole bearer check
    revoke_tokens(services, client_id=..., account_id=...)   and purge_expired_tokens

Every failure raises `OAuthFailure` with the contract's error and description.
Validated tokens are trusted in process for `settings.token_cache_seconds`, so a
revoked or expired token stops working on every worker within that time (expiry
itself is checked on every use, cached or not).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import logging
import time
import weakref
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.durability import commit_without_waiting_for_disk
from db.models import Account, OAuthClient, OAuthRateLimit, OAuthToken, Software, utcnow
from db.settings import Settings
from resolvers.auth.accounts import password_problem
from resolvers.auth.credentials import (
    hash_password,
    hash_token,
    new_token,
    password_needs_rehash,
    verify_password,
)
from resolvers.auth.oauth_errors import (
    DAILY_LIMIT_REACHED,
    INVALID_ACCESS_TOKEN,
    INVALID_CLIENT,
    INVALID_CLIENT_INFORMATION,
    INVALID_GRANT,
    INVALID_REQUEST,
    TOKEN_TIMED_OUT,
    OAuthFailure,
)
from resolvers.auth.sign_in_throttle import (
    check_sign_in_allowed,
    clear_failed_sign_ins,
    record_failed_sign_in,
)
from resolvers.auth.token_server import (
    PASSWORD_GRANT_TYPE,
    Credentials,
    GrantedToken,
    KnownClient,
    KnownUser,
    TokenRequest,
    TokenServer,
    basic_client_id,
)
from resolvers.context import Principal

logger = logging.getLogger(__name__)

__all__ = [
    "IssuedToken",
    "OAuthFailure",
    "TokenRequest",
    "authenticate_bearer",
    "consume_daily_request",
    "forget_cached_tokens",
    "issue_token",
    "principal_for_token",
    "purge_expired_tokens",
    "request_token",
    "revoke_tokens",
]

RATE_WINDOW = dt.timedelta(hours=24)
PURGE_INTERVAL_SECONDS = 60.0
CACHE_MAX_ENTRIES = 10_000
UNVERIFIED = "unverified"


class HasSessions(Protocol):
    """`Services` or a resolver `Context`: both carry settings and a session factory."""

    @property
    def settings(self) -> Settings: ...

    @property
    def sessions(self) -> async_sessionmaker[AsyncSession]: ...


@dataclass(frozen=True)
class IssuedToken:
    access_token: str = field(repr=False)
    expires_in: int
    token_type: str = "Bearer"

    def as_body(self) -> dict[str, Any]:
        return {
            "access_token": self.access_token,
            "token_type": self.token_type,
            "expires_in": self.expires_in,
        }


# --- issuing -------------------------------------------------------------------------


@functools.cache
def _decoy_hash() -> str:
    return hash_password("decoy password for timing")


async def _rehash_password(
    services: HasSessions, account_id: int, old_hash: str, password: str
) -> None:
    """Replace a verified hash of another scheme (bcrypt from Qiita) by the gateway's own."""
    new_hash = await asyncio.to_thread(hash_password, password)
    async with services.sessions() as session, session.begin():
        await session.execute(
            update(Account)
            .where(Account.id == account_id, Account.password_hash == old_hash)
            .values(password_hash=new_hash)
        )
    logger.info("password hash of account %s upgraded to Argon2id", account_id)


async def _load_credentials(services: HasSessions, request: TokenRequest) -> Credentials:
    """Everything the grant may look at: the named clients and, for a password grant,
    the account if its password verifies (the slow hash runs off the event loop)."""
    form = request.form
    client_ids = {
        cid for cid in (form.get("client_id"), basic_client_id(request.authorization)) if cid
    }
    username, password = form.get("username"), form.get("password")
    wants_user = (
        request.authorization is None
        and form.get("grant_type") == PASSWORD_GRANT_TYPE
        and bool(username and password and form.get("client_id"))
    )
    if wants_user:
        assert username is not None
        await check_sign_in_allowed(services, username, request.address)
    async with services.sessions() as session:
        rows = (
            await session.execute(select(OAuthClient).where(OAuthClient.client_id.in_(client_ids)))
        ).scalars()
        clients = {
            row.client_id: KnownClient(row.client_id, row.client_secret_hash, row.software_id)
            for row in rows
        }
        account = None
        if wants_user:
            assert username is not None
            account = (
                await session.execute(
                    select(Account).where(Account.email_lower == username.lower())
                )
            ).scalar_one_or_none()
    user = None
    if wants_user:
        assert username is not None
        assert password is not None
        # A password failing the policy gets the same error as a wrong one (no hash run).
        if password_problem(password) is None:
            stored = account.password_hash if account is not None else _decoy_hash()
            verified = await asyncio.to_thread(verify_password, password, stored)
            if verified and account is not None and password_needs_rehash(stored):
                await _rehash_password(services, account.id, stored, password)
            if verified and account is not None and account.level != UNVERIFIED:
                user = KnownUser(account.id, account.email, account.level)
        if user is None:
            await record_failed_sign_in(services, username, request.address)
        else:
            await clear_failed_sign_ins(services, username)
    return Credentials(clients=clients, user=user)


async def request_token(services: HasSessions, request: TokenRequest) -> IssuedToken:
    """`POST /qiita_db/authenticate/`: run the grant, store and return the new token."""
    credentials = await _load_credentials(services, request)
    granted = TokenServer(credentials, services.settings.token_ttl).grant(request)
    await _store(services, granted)
    logger.info(
        "issued a %s-grant token to client %s%s",
        granted.grant_type,
        granted.client.client_id,
        f" for {granted.user.email}" if granted.user else "",
    )
    return IssuedToken(access_token=granted.access_token, expires_in=granted.expires_in)


async def issue_token(
    services: HasSessions, *, client_id: str, account_id: int | None = None
) -> IssuedToken:
    """A token for a known client (and user, making it a password-grant token) without
    checking credentials: for the command line and tests."""
    async with services.sessions() as session:
        client = await session.get(OAuthClient, client_id)
        account = await session.get(Account, account_id) if account_id is not None else None
    if client is None:
        raise OAuthFailure(INVALID_CLIENT, INVALID_CLIENT_INFORMATION)
    granted = GrantedToken(
        access_token=new_token(),
        expires_in=services.settings.token_ttl,
        client=KnownClient(client.client_id, client.client_secret_hash, client.software_id),
        user=KnownUser(account.id, account.email, account.level) if account else None,
        grant_type=PASSWORD_GRANT_TYPE if account else "client",
    )
    await _store(services, granted)
    return IssuedToken(access_token=granted.access_token, expires_in=granted.expires_in)


async def _store(services: HasSessions, granted: GrantedToken) -> None:
    now = utcnow()
    async with services.sessions() as session, session.begin():
        session.add(
            OAuthToken(
                token_hash=hash_token(granted.access_token),
                client_id=granted.client.client_id,
                grant_type=granted.grant_type,
                account_id=granted.user.account_id if granted.user else None,
                issued_at=now,
                expires_at=now + dt.timedelta(seconds=granted.expires_in),
            )
        )
    if _purge_due(services):
        await purge_expired_tokens(services)


# --- validating ----------------------------------------------------------------------


@dataclass(frozen=True)
class _CachedToken:
    principal: Principal
    expires_at: dt.datetime
    cached_at: float


_caches: weakref.WeakKeyDictionary[object, dict[str, _CachedToken]] = weakref.WeakKeyDictionary()
_last_purge: weakref.WeakKeyDictionary[object, float] = weakref.WeakKeyDictionary()


def _cache_for(services: HasSessions) -> dict[str, _CachedToken]:
    """One cache per database (per session factory), so tests with many apps stay apart."""
    return _caches.setdefault(services.sessions, {})


def _purge_due(services: HasSessions) -> bool:
    now = time.monotonic()
    last = _last_purge.get(services.sessions)
    if last is not None and now - last < PURGE_INTERVAL_SECONDS:
        return False
    _last_purge[services.sessions] = now
    return True


def _principal(
    client_id: str,
    software_id: int | None,
    account: tuple[int, str, str] | None,
    *,
    plugin: tuple[str, str] | None = None,
    trusted: bool = False,
) -> Principal:
    if account is not None:
        account_id, email, level = account
        return Principal(
            kind="user", account_id=account_id, email=email, level=level, client_id=client_id
        )
    if software_id is not None:
        return Principal(
            kind="plugin",
            client_id=client_id,
            software_id=software_id,
            plugin=plugin,
            trusted=trusted,
        )
    return Principal(kind="system", client_id=client_id)


async def principal_for_token(services: HasSessions, token: str) -> Principal:
    """Who a bearer token belongs to; `OAuthFailure` (timed out) when unknown or expired."""
    key = hash_token(token)
    cache = _cache_for(services)
    now = utcnow()
    cached = cache.get(key)
    if cached is not None:
        fresh = time.monotonic() - cached.cached_at < services.settings.token_cache_seconds
        if fresh and cached.expires_at > now:
            return cached.principal
        del cache[key]
    query = (
        select(
            OAuthToken.client_id,
            OAuthToken.expires_at,
            OAuthClient.software_id,
            Account.id,
            Account.email,
            Account.level,
            Software.name,
            Software.version,
            Software.trusted,
        )
        .join(OAuthClient, OAuthClient.client_id == OAuthToken.client_id)
        .outerjoin(Account, Account.id == OAuthToken.account_id)
        .outerjoin(Software, Software.id == OAuthClient.software_id)
        .where(OAuthToken.token_hash == key)
    )
    async with services.sessions() as session:
        row = (await session.execute(query)).first()
    if row is None or row.expires_at <= now:
        raise OAuthFailure(INVALID_GRANT, TOKEN_TIMED_OUT)
    account = (row.id, row.email, row.level) if row.id is not None else None
    plugin = (row.name, row.version) if row.name is not None else None
    principal = _principal(
        row.client_id, row.software_id, account, plugin=plugin, trusted=bool(row.trusted)
    )
    if len(cache) >= CACHE_MAX_ENTRIES:
        cache.clear()
    cache[key] = _CachedToken(principal, row.expires_at, time.monotonic())
    return principal


def bearer_token(header: str | None) -> str:
    """The token of an `Authorization: Bearer <token>` header (plugin-api.md §2.3)."""
    if header is None:
        raise OAuthFailure(INVALID_REQUEST, INVALID_ACCESS_TOKEN)
    words = header.split()
    if len(words) != 2 or words[0] != "Bearer":
        raise OAuthFailure(INVALID_GRANT, INVALID_ACCESS_TOKEN)
    return words[1]


async def authenticate_bearer(services: HasSessions, header: str | None) -> Principal:
    """The bearer check of every authenticated request, in the contract's order:
    header shape, token validity, then the password-grant daily limit."""
    principal = await principal_for_token(services, bearer_token(header))
    await consume_daily_request(services, principal)
    return principal


# --- the password-grant daily limit ---------------------------------------------------


async def consume_daily_request(services: HasSessions, principal: Principal) -> None:
    """Count one request of a password-grant token; `OAuthFailure` once the configured
    number of requests in the current 24 h window has been used.

    Exactly `settings.daily_request_limit` requests succeed per window (decisions.md).
    Conditional UPDATEs keep the count right across workers; the window starts with the
    first counted request and a new one starts once it is 24 h old.
    """
    if principal.kind != "user" or principal.client_id is None or principal.account_id is None:
        return
    limit = services.settings.daily_request_limit
    if limit <= 0:
        raise OAuthFailure(INVALID_GRANT, DAILY_LIMIT_REACHED)
    for _attempt in range(5):
        try:
            counted = await _count_request(
                services, principal.client_id, principal.account_id, limit
            )
        except IntegrityError:
            continue  # another worker opened the window at the same instant: count again
        if counted is None:
            continue  # the window changed between two statements: count again
        if counted:
            return
        break
    raise OAuthFailure(INVALID_GRANT, DAILY_LIMIT_REACHED)


async def _count_request(
    services: HasSessions, client_id: str, account_id: int, limit: int
) -> bool | None:
    """True: counted; False: the budget of the current window is used up; None: retry."""
    now = utcnow()
    window_floor = now - RATE_WINDOW
    key = (OAuthRateLimit.client_id == client_id, OAuthRateLimit.account_id == account_id)
    async with services.sessions() as session, session.begin():
        await commit_without_waiting_for_disk(session)
        taken = await session.execute(
            update(OAuthRateLimit)
            .where(*key, OAuthRateLimit.window_start > window_floor, OAuthRateLimit.remaining > 0)
            .values(remaining=OAuthRateLimit.remaining - 1)
            .execution_options(synchronize_session=False)
        )
        if taken.rowcount == 1:  # type: ignore[attr-defined]
            return True
        renewed = await session.execute(
            update(OAuthRateLimit)
            .where(*key, OAuthRateLimit.window_start <= window_floor)
            .values(window_start=now, remaining=limit - 1)
            .execution_options(synchronize_session=False)
        )
        if renewed.rowcount == 1:  # type: ignore[attr-defined]
            return True
        current = (
            await session.execute(
                select(OAuthRateLimit.window_start, OAuthRateLimit.remaining).where(*key)
            )
        ).first()
        if current is not None:
            exhausted = current.window_start > window_floor and current.remaining <= 0
            return False if exhausted else None
        session.add(
            OAuthRateLimit(
                client_id=client_id, account_id=account_id, window_start=now, remaining=limit - 1
            )
        )
    return True


# --- revoking and purging --------------------------------------------------------------


async def revoke_tokens(
    services: HasSessions, *, client_id: str | None = None, account_id: int | None = None
) -> int:
    """Delete every token of a client and/or a user; returns how many were revoked.

    This process forgets them at once; other workers within `token_cache_seconds`.
    """
    if client_id is None and account_id is None:
        raise ValueError("name a client or a user whose tokens to revoke")
    statement = delete(OAuthToken)
    if client_id is not None:
        statement = statement.where(OAuthToken.client_id == client_id)
    if account_id is not None:
        statement = statement.where(OAuthToken.account_id == account_id)
    async with services.sessions() as session, session.begin():
        result = await session.execute(statement.execution_options(synchronize_session=False))
    forget_cached_tokens(services, client_id=client_id, account_id=account_id)
    count = int(result.rowcount)  # type: ignore[attr-defined]
    logger.info("revoked %d token(s) (client %s, account %s)", count, client_id, account_id)
    return count


def forget_cached_tokens(
    services: HasSessions, *, client_id: str | None = None, account_id: int | None = None
) -> None:
    """Drop this process's cached validations of a client's and/or a user's tokens
    (of every token when neither is given)."""
    cache = _cache_for(services)
    for key, entry in list(cache.items()):
        if (client_id is None or entry.principal.client_id == client_id) and (
            account_id is None or entry.principal.account_id == account_id
        ):
            cache.pop(key, None)


async def purge_expired_tokens(services: HasSessions) -> int:
    """Delete expired tokens and rate-limit windows that are over; returns tokens deleted."""
    now = utcnow()
    async with services.sessions() as session, session.begin():
        tokens = await session.execute(
            delete(OAuthToken)
            .where(OAuthToken.expires_at <= now)
            .execution_options(synchronize_session=False)
        )
        await session.execute(
            delete(OAuthRateLimit)
            .where(OAuthRateLimit.window_start <= now - RATE_WINDOW)
            .execution_options(synchronize_session=False)
        )
    count = int(tokens.rowcount)  # type: ignore[attr-defined]
    if count:
        logger.info("purged %d expired token(s)", count)
    return count
