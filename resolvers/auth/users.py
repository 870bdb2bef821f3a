"""Users as the plugin API lists them (plugin-api.md §4.10, §4.11): never a password hash."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from db.models import Account
from resolvers.auth import access
from resolvers.context import Context
from resolvers.errors import NotFound


@dataclass(frozen=True)
class UserSummary:
    email: str
    name: str | None
    level: str


REFUSAL = "Only plugin clients and administrators may list users."


async def list_users(ctx: Context) -> list[UserSummary]:
    """Every user, in creation order."""
    access.require_plugin_api(ctx, REFUSAL)
    rows = await ctx.session.execute(
        select(Account.email, Account.name, Account.level).order_by(Account.id)
    )
    return [UserSummary(email, name, level) for email, name, level in rows]


async def get_user(ctx: Context, email: str) -> UserSummary:
    """One user by e-mail (case-insensitive); NotFound otherwise."""
    access.require_plugin_api(ctx, REFUSAL)
    row = (
        await ctx.session.execute(
            select(Account.email, Account.name, Account.level).where(
                Account.email_lower == email.lower()
            )
        )
    ).first()
    if row is None:
        raise NotFound(f"User not found: {email}")
    return UserSummary(row[0], row[1], row[2])
