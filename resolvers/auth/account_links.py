"""Single-use links mailed to an account: verify its e-mail, reset or set its password.

The secret in a link is random (55 characters); only its SHA-256 is stored
(`account_link`). A link expires (`QIITA_VERIFICATION_LINK_TTL` for verification and
invitation, `QIITA_RESET_LINK_TTL` for a reset) and is spent by its first use: the
row is marked used by one conditional UPDATE, so two requests racing with the same
link cannot both succeed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Literal

from sqlalchemy import select, update

from db.models import Account, AccountLink, utcnow
from db.settings import Settings
from resolvers.auth.credentials import hash_token, new_token
from resolvers.context import Context
from resolvers.errors import Invalid
from resolvers.mail import Mail, send_after_commit

Purpose = Literal["verify", "reset", "invite"]

PAGES: dict[Purpose, str] = {
    "verify": "account/verify",
    "reset": "account/reset-password",
    "invite": "account/reset-password",
}
"""Where each link points, under the public URL; a frontend serves these pages."""

SUBJECTS: dict[Purpose, str] = {
    "verify": "Verify your e-mail address",
    "reset": "Reset your password",
    "invite": "You are invited: set your password",
}

TEXTS: dict[Purpose, str] = {
    "verify": "Welcome to Qiita. To verify your e-mail address, open this link:",
    "reset": "Someone (we hope you) asked to reset the password of your Qiita account. "
    "To choose a new password, open this link:",
    "invite": "An administrator created a Qiita account for you. "
    "To choose your password and sign in, open this link:",
}


def link_lifetime(settings: Settings, purpose: Purpose) -> int:
    return settings.reset_link_ttl if purpose == "reset" else settings.verification_link_ttl


def link_url(settings: Settings, purpose: Purpose, token: str) -> str:
    return f"{settings.effective_public_url}/{PAGES[purpose]}?token={token}"


async def issue_link(ctx: Context, account: Account, purpose: Purpose) -> str:
    """A new link secret for `account`; only its hash is stored."""
    token = new_token()
    now = utcnow()
    ctx.session.add(
        AccountLink(
            token_hash=hash_token(token),
            account_id=account.id,
            purpose=purpose,
            created_at=now,
            expires_at=now + dt.timedelta(seconds=link_lifetime(ctx.settings, purpose)),
        )
    )
    await ctx.session.flush()
    return token


async def mail_link(ctx: Context, account: Account, purpose: Purpose) -> str:
    """Issue a link and mail it to the account once the transaction commits; returns the URL."""
    url = link_url(ctx.settings, purpose, await issue_link(ctx, account, purpose))
    hours = max(1, link_lifetime(ctx.settings, purpose) // 3600)
    body = (
        f"{TEXTS[purpose]}\n\n{url}\n\n"
        f"The link works once and expires in {hours} hour(s). "
        "If you did not expect this mail, ignore it.\n"
    )
    send_after_commit(ctx, Mail(to=account.email, subject=SUBJECTS[purpose], body=body, link=url))
    return url


async def last_link_at(ctx: Context, account_id: int, purpose: Purpose) -> dt.datetime | None:
    query = select(AccountLink.created_at).where(
        AccountLink.account_id == account_id, AccountLink.purpose == purpose
    )
    latest = (await ctx.session.execute(query.order_by(AccountLink.created_at.desc()))).first()
    return latest[0] if latest is not None else None


async def use_link(ctx: Context, token: str, purposes: Sequence[Purpose]) -> Account:
    """The account of an unused, unexpired link of one of `purposes`, which is now spent."""
    token_hash = hash_token(token.strip())
    row = await ctx.session.get(AccountLink, token_hash)
    now = utcnow()
    if row is None or row.purpose not in purposes:
        raise Invalid("This link is not valid; ask for a new one.", field="token")
    if row.used_at is not None:
        raise Invalid("This link was used already; ask for a new one.", field="token")
    if row.expires_at <= now:
        raise Invalid("This link has expired; ask for a new one.", field="token")
    spent = await ctx.session.execute(
        update(AccountLink)
        .where(AccountLink.token_hash == token_hash, AccountLink.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if getattr(spent, "rowcount", 0) != 1:
        raise Invalid("This link was used already; ask for a new one.", field="token")
    account = await ctx.session.get(Account, row.account_id)
    if account is None:  # the account was removed since: the link cascaded away with it
        raise Invalid("This link is not valid; ask for a new one.", field="token")
    return account


async def spend_links(ctx: Context, account_id: int, purposes: Sequence[Purpose]) -> None:
    """Mark every unused link of `purposes` of the account used (after a password change)."""
    await ctx.session.execute(
        update(AccountLink)
        .where(
            AccountLink.account_id == account_id,
            AccountLink.purpose.in_(purposes),
            AccountLink.used_at.is_(None),
        )
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
