"""The daily request budget of password-grant tokens (decisions.md).

Exactly `settings.daily_request_limit` requests succeed per client and user in a 24 h
window; the window starts with the first counted request. Client-grant tokens have no
budget.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import IntegrityError

from db.durability import commit_without_waiting_for_disk
from db.models import OAuthRateLimit, utcnow
from resolvers.auth.oauth_errors import DAILY_LIMIT_REACHED, INVALID_GRANT, OAuthFailure
from resolvers.auth.token_cache import HasSessions
from resolvers.context import Principal

RATE_WINDOW = dt.timedelta(hours=24)


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


_KEY = (
    OAuthRateLimit.client_id == bindparam("client"),
    OAuthRateLimit.account_id == bindparam("account"),
)
_TAKE = (
    update(OAuthRateLimit)
    .where(*_KEY, OAuthRateLimit.window_start > bindparam("floor"), OAuthRateLimit.remaining > 0)
    .values(remaining=OAuthRateLimit.remaining - 1)
)
_RENEW = (
    update(OAuthRateLimit)
    .where(*_KEY, OAuthRateLimit.window_start <= bindparam("floor"))
    .values(window_start=bindparam("now"), remaining=bindparam("left"))
)
_CURRENT = select(OAuthRateLimit.window_start, OAuthRateLimit.remaining).where(*_KEY)


async def _count_request(
    services: HasSessions, client_id: str, account_id: int, limit: int
) -> bool | None:
    """True: counted; False: the budget of the current window is used up; None: retry."""
    now = utcnow()
    window_floor = now - RATE_WINDOW
    values = {"client": client_id, "account": account_id, "floor": window_floor}
    async with services.sessions() as session, session.begin():
        await commit_without_waiting_for_disk(session)
        connection = await session.connection()
        if (await connection.execute(_TAKE, values)).rowcount == 1:
            return True
        renew = {**values, "now": now, "left": limit - 1}
        if (await connection.execute(_RENEW, renew)).rowcount == 1:
            return True
        current = (await connection.execute(_CURRENT, values)).first()
        if current is not None:
            exhausted = current.window_start > window_floor and current.remaining <= 0
            return False if exhausted else None
        session.add(
            OAuthRateLimit(
                client_id=client_id, account_id=account_id, window_start=now, remaining=limit - 1
            )
        )
    return True
