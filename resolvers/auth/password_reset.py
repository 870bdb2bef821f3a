"""Forgotten passwords: a reset link by mail, then a new password through it.

Asking for a reset answers the same whether or not the e-mail has an account, and
mails at most one link per account every `RESEND_INTERVAL` (further requests are
silently ignored), so the form neither reveals accounts nor floods a mailbox.
Setting the password through the link also verifies the e-mail address (the mail
reached its owner) and is how an invited user sets their first password.
"""

from __future__ import annotations

import datetime as dt
import logging

from db.models import Account, utcnow
from resolvers.auth.account_admin import replace_password
from resolvers.auth.account_links import last_link_at, mail_link, use_link
from resolvers.auth.accounts import get_account_by_email, validate_password
from resolvers.auth.registration import mark_verified
from resolvers.context import Context

logger = logging.getLogger(__name__)

RESEND_INTERVAL = dt.timedelta(seconds=60)


async def request_password_reset(ctx: Context, email: str) -> None:
    """Mail a reset link when `email` has an account and none was mailed just before."""
    account = await get_account_by_email(ctx, email.strip())
    if account is None:
        logger.info("password reset asked for an e-mail without account")
        return
    last = await last_link_at(ctx, account.id, "reset")
    if last is not None and utcnow() - last < RESEND_INTERVAL:
        logger.info("password reset of %s asked again too soon: no new mail", account.email)
        return
    await mail_link(ctx, account, "reset")
    logger.info("password reset link mailed to %s", account.email)


async def reset_password(ctx: Context, token: str, password: str) -> Account:
    """Spend a reset or invitation link: set the password, verify the e-mail, revoke tokens."""
    validate_password(password)
    account = await use_link(ctx, token, ("reset", "invite"))
    mark_verified(account)
    await replace_password(ctx, account, password)
    return account
