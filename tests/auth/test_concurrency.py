"""Many token requests at once: all succeed, on SQLite too (no "database is locked")."""

from __future__ import annotations

import asyncio

import httpx
from sqlalchemy import func, select

from db.models import OAuthToken
from resolvers.auth import tokens
from resolvers.context import Services
from tests.factories import make_plugin_client

CONCURRENT_REQUESTS = 200


async def test_200_concurrent_token_requests_all_succeed_with_distinct_valid_tokens(
    client: httpx.AsyncClient, services: Services
) -> None:
    plugin = await make_plugin_client(services)
    form = {
        "grant_type": "client",
        "client_id": plugin.client_id,
        "client_secret": plugin.client_secret,
    }
    responses = await asyncio.gather(
        *(client.post("/qiita_db/authenticate/", data=form) for _ in range(CONCURRENT_REQUESTS))
    )
    assert [r.status_code for r in responses] == [200] * CONCURRENT_REQUESTS
    issued = {r.json()["access_token"] for r in responses}
    assert len(issued) == CONCURRENT_REQUESTS
    principals = await asyncio.gather(*(tokens.principal_for_token(services, t) for t in issued))
    assert {p.client_id for p in principals} == {plugin.client_id}
    async with services.sessions() as session:
        stored = (await session.execute(select(func.count()).select_from(OAuthToken))).scalar()
    assert stored == CONCURRENT_REQUESTS
