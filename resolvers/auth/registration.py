"""Creating accounts from outside: self-registration, invitations, e-mail verification.

Self-registration (`QIITA_OPEN_REGISTRATION`) is off by default: administrators invite
users instead. Either way the account starts `unverified` (it cannot sign in) and gets
a link by mail; verifying the e-mail, or setting the password from an invitation,
makes it a `user`. An unverified user who lost the mail asks for a password reset: setting
the password through that link verifies the e-mail too.
"""

from __future__ import annotations

import logging

from db.models import Account
from resolvers.auth.access import awaits_verification
from resolvers.auth.account_admin import require_account, require_administrator
from resolvers.auth.account_links import Purpose, issue_link, link_url, mail_link, use_link
from resolvers.auth.accounts import create_user, validate_email
from resolvers.auth.credentials import random_alphanumeric
from resolvers.context import Context
from resolvers.errors import Conflict

logger = logging.getLogger(__name__)

UNVERIFIED = "unverified"
VERIFIED_LEVEL = "user"
UNUSABLE_PASSWORD_LENGTH = 64


async def register(
    ctx: Context,
    email: str,
    password: str,
    *,
    name: str | None = None,
    affiliation: str | None = None,
) -> Account:
    """A new unverified account, mailed a verification link; only with open registration."""
    if not ctx.settings.open_registration:
        raise Conflict(
            "Registration is closed on this server: ask an administrator for an invitation."
        )
    account = await create_user(ctx, email, password, UNVERIFIED, _blank(name), _blank(affiliation))
    await mail_link(ctx, account, "verify")
    logger.info("account %s registered; verification link mailed", account.email)
    return account


async def verify_email(ctx: Context, token: str) -> Account:
    """Spend a verification link: its unverified account becomes a user."""
    account = await use_link(ctx, token, ("verify",))
    mark_verified(account)
    return account


def mark_verified(account: Account) -> None:
    """An unverified account becomes a user (other levels are kept)."""
    if awaits_verification(account.level):
        account.level = VERIFIED_LEVEL
        account.verify_code = None
        logger.info("account %s verified its e-mail address", account.email)


async def invite_user(
    ctx: Context,
    email: str,
    *,
    name: str | None = None,
    affiliation: str | None = None,
) -> Account:
    """An unverified account without a usable password, mailed a link to set one
    (administrators only)."""
    require_administrator(ctx)
    validate_email(email.strip())
    unusable = random_alphanumeric(UNUSABLE_PASSWORD_LENGTH)  # nobody knows it; the link sets one
    account = await create_user(ctx, email, unusable, UNVERIFIED, _blank(name), _blank(affiliation))
    await mail_link(ctx, account, "invite")
    logger.info("account %s invited by %s", account.email, ctx.principal.audit_name)
    return account


async def link_for_administrator(ctx: Context, email: str, purpose: Purpose) -> str:
    """A new verification or reset link for an administrator to pass on (nothing is mailed):
    for servers without a mail server. A verification link needs an unverified account."""
    require_administrator(ctx)
    account = await require_account(ctx, email.strip())
    if purpose == "verify" and not awaits_verification(account.level):
        raise Conflict(f"The e-mail address of {account.email} is verified already.")
    url = link_url(ctx.settings, purpose, await issue_link(ctx, account, purpose))
    logger.info("%s link for %s made by %s", purpose, account.email, ctx.principal.audit_name)
    return url


def _blank(value: str | None) -> str | None:
    return value.strip() or None if value is not None else None
