"""Batch reads of user accounts."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from db.models import Account
from resolvers.batch_grouping import one_per_key
from resolvers.batch_scope import ReadScope


async def accounts_by_id(scope: ReadScope, ids: Sequence[int]) -> list[Account | None]:
    """Accounts by id; which of their fields a caller sees is `can_see_account_details`."""
    query = select(Account).where(Account.id.in_(ids))
    return one_per_key(ids, await scope.scalars(query), lambda a: a.id)


async def accounts_by_email(scope: ReadScope, emails: Sequence[str]) -> list[Account | None]:
    """Accounts by e-mail, compared case-insensitively (decisions.md)."""
    lowered = [email.lower() for email in emails]
    query = select(Account).where(Account.email_lower.in_(lowered))
    found = {a.email_lower: a for a in await scope.scalars(query)}
    return [found.get(email) for email in lowered]
