"""Administration of accounts and OAuth2 clients: user levels, passwords, client listing.

Only the system (the command line) and administrators may call these. A password
change revokes the account's tokens; a level change applies to existing tokens as
soon as their cached validation expires (`settings.token_cache_seconds`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import delete, select

from db.models import Account, OAuthClient, OAuthToken, Software
from resolvers.auth import access, tokens
from resolvers.auth.accounts import get_account_by_email, validate_level, validate_password
from resolvers.auth.credentials import hash_password
from resolvers.context import Context
from resolvers.errors import Forbidden, NotFound

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ClientSummary:
    client_id: str
    kind: str
    """`password` (no secret: users log in through it), `plugin` or `system`."""
    plugin: str | None
    """`<name> <version>` of the plugin a plugin client is bound to."""
    description: str


def _require_administrator(ctx: Context) -> None:
    if not access.can_manage_accounts(ctx.principal):
        raise Forbidden("Only an administrator may manage accounts and clients.")


async def require_account(ctx: Context, email: str) -> Account:
    account = await get_account_by_email(ctx, email)
    if account is None:
        raise NotFound(f"No account with the e-mail {email}.")
    return account


async def set_user_level(ctx: Context, email: str, level: str) -> Account:
    _require_administrator(ctx)
    validate_level(level)
    account = await require_account(ctx, email)
    account.level = level
    await ctx.session.flush()
    logger.info("account %s is now %s", account.email, level)
    return account


async def set_user_password(ctx: Context, email: str, password: str) -> Account:
    """Store the new password's hash and revoke the account's tokens."""
    _require_administrator(ctx)
    validate_password(password)
    account = await require_account(ctx, email)
    account.password_hash = hash_password(password)
    await ctx.session.execute(
        delete(OAuthToken)
        .where(OAuthToken.account_id == account.id)
        .execution_options(synchronize_session=False)
    )
    await ctx.session.flush()
    account_id = account.id
    ctx.after_commit(lambda: tokens.forget_cached_tokens(ctx, account_id=account_id))
    logger.info("password of account %s changed; its tokens are revoked", account.email)
    return account


async def list_clients(ctx: Context) -> list[ClientSummary]:
    _require_administrator(ctx)
    query = (
        select(OAuthClient, Software.name, Software.version)
        .outerjoin(Software, Software.id == OAuthClient.software_id)
        .order_by(OAuthClient.created_at, OAuthClient.client_id)
    )
    summaries = []
    for client, name, version in (await ctx.session.execute(query)).all():
        if client.client_secret_hash is None:
            kind = "password"
        elif client.software_id is not None:
            kind = "plugin"
        else:
            kind = "system"
        plugin = f"{name} {version}" if name is not None else None
        summaries.append(ClientSummary(client.client_id, kind, plugin, client.description))
    return summaries
