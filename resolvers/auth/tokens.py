"""Access tokens: validating, revoking, and the entry points of issuing and rate limiting.

plugin-api.md §2 and decisions.md. A token is 55 random alphanumerics; only its
SHA-256 is stored (`oauth_token`), with its client, grant, user and expiry.

    request_token(services, TokenRequest) -> IssuedToken    the token endpoint
    issue_token(services, client_id=..., account_id=...)     issue without a request
    principal_for_token(services, token) -> Principal        one indexed lookup, cached
    authenticate_bearer(services, header) -> Principal       the whole bearer check
    revoke_tokens(services, client_id=..., account_id=...)   and purge_expired_tokens

Issuing lives in `token_issuing`, the password-grant budget in `request_budget`, the
cache in `token_cache`. Every failure raises `OAuthFailure` with the contract's error and
description. Validated tokens are trusted in process (the `TokenCache` of the app's
services) for `settings.token_cache_seconds`, so a revoked or expired token stops working
on every worker within that time (expiry itself is checked on every use, cached or not).
"""

from __future__ import annotations

import logging

from sqlalchemy import bindparam, delete, select

from db.models import Account, OAuthClient, OAuthToken, Software, utcnow
from resolvers.auth.credentials import hash_token
from resolvers.auth.oauth_errors import (
    INVALID_ACCESS_TOKEN,
    INVALID_GRANT,
    INVALID_REQUEST,
    TOKEN_TIMED_OUT,
    OAuthFailure,
)
from resolvers.auth.request_budget import RATE_WINDOW, consume_daily_request
from resolvers.auth.token_cache import CachedToken, HasSessions
from resolvers.auth.token_issuing import (
    IssuedToken,
    issue_token,
    purge_expired_tokens,
    request_token,
)
from resolvers.auth.token_server import TokenRequest
from resolvers.context import Principal

logger = logging.getLogger(__name__)

__all__ = [
    "RATE_WINDOW",
    "HasSessions",
    "IssuedToken",
    "OAuthFailure",
    "TokenRequest",
    "authenticate_bearer",
    "bearer_token",
    "consume_daily_request",
    "forget_cached_tokens",
    "issue_token",
    "principal_for_token",
    "purge_expired_tokens",
    "request_token",
    "revoke_tokens",
]


def _cache_for(services: HasSessions) -> dict[str, CachedToken]:
    """The cached validations of `services`' database, by token hash."""
    return services.token_cache.entries


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


_TOKEN_LOOKUP = (
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
    .where(OAuthToken.token_hash == bindparam("token_hash"))
)


async def principal_for_token(services: HasSessions, token: str) -> Principal:
    """Who a bearer token belongs to; `OAuthFailure` (timed out) when unknown or expired."""
    key = hash_token(token)
    now = utcnow()
    cache = services.token_cache
    cached = cache.fresh(key, services.settings.token_cache_seconds, now)
    if cached is not None:
        return cached
    async with services.sessions() as session:
        connection = await session.connection()
        row = (await connection.execute(_TOKEN_LOOKUP, {"token_hash": key})).first()
    if row is None or row.expires_at <= now:
        raise OAuthFailure(INVALID_GRANT, TOKEN_TIMED_OUT)
    account = (row.id, row.email, row.level) if row.id is not None else None
    plugin = (row.name, row.version) if row.name is not None else None
    principal = _principal(
        row.client_id, row.software_id, account, plugin=plugin, trusted=bool(row.trusted)
    )
    cache.put(key, principal, row.expires_at)
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
    services.token_cache.forget(client_id=client_id, account_id=account_id)
