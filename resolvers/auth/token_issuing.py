"""Issuing access tokens: the token endpoint, tokens without a request, and the purge of
expired ones (plugin-api.md §2.4, decisions.md).

A token is 55 random alphanumerics; only its SHA-256 is stored (`oauth_token`), with its
client, grant, user and expiry. Every failure raises `OAuthFailure` with the contract's
error and description.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import logging
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, delete, insert, select, update

from db.models import Account, OAuthClient, OAuthRateLimit, OAuthToken, utcnow
from resolvers.auth.access import awaits_verification
from resolvers.auth.accounts import password_problem
from resolvers.auth.credentials import (
    hash_password,
    hash_token,
    new_token,
    password_needs_rehash,
    verify_password,
)
from resolvers.auth.oauth_errors import INVALID_CLIENT, INVALID_CLIENT_INFORMATION, OAuthFailure
from resolvers.auth.request_budget import RATE_WINDOW
from resolvers.auth.sign_in_throttle import (
    check_sign_in_allowed,
    clear_failed_sign_ins,
    record_failed_sign_in,
)
from resolvers.auth.token_cache import HasSessions
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

logger = logging.getLogger(__name__)


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


_CLIENTS = select(
    OAuthClient.client_id, OAuthClient.client_secret_hash, OAuthClient.software_id
).where(OAuthClient.client_id.in_(bindparam("ids", expanding=True)))


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
        connection = await session.connection()
        rows = await connection.execute(_CLIENTS, {"ids": list(client_ids)})
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
            if verified and account is not None and not awaits_verification(account.level):
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


_INSERT_TOKEN = insert(OAuthToken)


async def _store(services: HasSessions, granted: GrantedToken) -> None:
    now = utcnow()
    row = {
        "token_hash": hash_token(granted.access_token),
        "client_id": granted.client.client_id,
        "grant_type": granted.grant_type,
        "account_id": granted.user.account_id if granted.user else None,
        "issued_at": now,
        "expires_at": now + dt.timedelta(seconds=granted.expires_in),
    }
    async with services.sessions() as session, session.begin():
        await (await session.connection()).execute(_INSERT_TOKEN, row)  # not audited (db/audit.py)
    if services.token_cache.purge_due():
        await purge_expired_tokens(services)


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
