"""What signed-in users change about their own account: password and profile.

Administrators may change another account's profile too (naming it by e-mail).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, fields

from db.models import Account
from resolvers.auth.access import can_manage_accounts, require_user
from resolvers.auth.account_admin import replace_password, require_account
from resolvers.auth.accounts import validate_password
from resolvers.auth.credentials import verify_password
from resolvers.context import Context
from resolvers.errors import Forbidden, Invalid, Unauthenticated, raise_problems

MAX_FIELD_LENGTH = 255


@dataclass(frozen=True)
class ProfileChanges:
    """The profile fields to change; None leaves a field as it is, "" clears a text field."""

    name: str | None = None
    affiliation: str | None = None
    address: str | None = None
    phone: str | None = None
    social_orcid: str | None = None
    social_researchgate: str | None = None
    social_googlescholar: str | None = None
    receive_processing_job_emails: bool | None = None


async def signed_in_account(ctx: Context) -> Account:
    account_id = require_user(ctx.principal, "change their account")
    account = await ctx.session.get(Account, account_id)
    if account is None:
        raise Unauthenticated("Your account no longer exists.")
    return account


async def change_password(ctx: Context, current_password: str, new_password: str) -> Account:
    """Replace the caller's password after checking the current one; revokes every token of
    the account, the one of this request included (sign in again)."""
    account = await signed_in_account(ctx)
    if not await asyncio.to_thread(verify_password, current_password, account.password_hash):
        raise Invalid("The current password is wrong.", field="current_password")
    validate_password(new_password)
    if new_password == current_password:
        raise Invalid("The new password is the current one.", field="new_password")
    await replace_password(ctx, account, new_password)
    return account


async def update_profile(
    ctx: Context, changes: ProfileChanges, email: str | None = None
) -> Account:
    """Change the profile of the caller, or of `email` (administrators only)."""
    account = await signed_in_account(ctx)
    if email is not None and email.strip().lower() != account.email_lower:
        if not can_manage_accounts(ctx.principal):
            raise Forbidden("Only an administrator may change another user's profile.")
        account = await require_account(ctx, email.strip())
    problems = []
    for item in fields(changes):
        value = getattr(changes, item.name)
        if isinstance(value, str) and len(value) > MAX_FIELD_LENGTH:
            problems.append(
                Invalid(f"At most {MAX_FIELD_LENGTH} characters, please.", field=item.name)
            )
    raise_problems(problems)
    for item in fields(changes):
        value = getattr(changes, item.name)
        if value is None:
            continue
        if isinstance(value, str):
            value = value.strip() or None
        setattr(account, item.name, value)
    await ctx.session.flush()
    return account
