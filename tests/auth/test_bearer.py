"""The bearer check of every authenticated REST request (plugin-api.md §2.3)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
from asgi_lifespan import LifespanManager
from sqlalchemy import update
from starlette.applications import Starlette

from db.models import OAuthRateLimit, OAuthToken, utcnow
from db.session import create_engine, create_session_factory
from db.settings import Settings
from gateway.app import create_app
from resolvers.auth import tokens
from resolvers.auth.credentials import hash_token
from resolvers.context import Services
from tests.auth.probe import PROBE, PROBE_UOW, probe_app
from tests.builders.accounts import (
    DEFAULT_PASSWORD,
    bearer,
    make_password_client,
    make_plugin_client,
    make_user,
    token_for,
)

JSON = "application/json; charset=UTF-8"
TIMED_OUT = {"error": "invalid_grant", "error_description": "Oauth2 error: token has timed out"}
LIMIT_REACHED = {
    "error": "invalid_grant",
    "error_description": "Oauth2 error: daily request limit reached",
}


def assert_oauth_error(response: httpx.Response, body: dict[str, str]) -> None:
    assert response.status_code == 400
    assert response.headers["content-type"] == JSON
    assert response.json() == body


async def test_valid_token_identifies_the_plugin(
    probe: httpx.AsyncClient, services: Services
) -> None:
    plugin = await make_plugin_client(services)
    token = await token_for(services, "plugin", client=plugin)
    response = await probe.get(PROBE, headers=bearer(token))
    assert response.status_code == 200
    assert response.json() == {"kind": "plugin", "email": None, "client_id": plugin.client_id}


async def test_authenticated_unit_of_work_carries_the_caller(
    probe: httpx.AsyncClient, services: Services
) -> None:
    token = await token_for(services, "system")
    response = await probe.get(PROBE_UOW, headers=bearer(token))
    assert response.json() == {"kind": "system"}
    assert_oauth_error(await probe.get(PROBE_UOW), {
        "error": "invalid_request",
        "error_description": "Oauth2 error: invalid access token",
    })  # fmt: skip


async def test_no_authorization_header(probe: httpx.AsyncClient) -> None:
    response = await probe.get(PROBE)
    assert_oauth_error(
        response,
        {"error": "invalid_request", "error_description": "Oauth2 error: invalid access token"},
    )


async def test_malformed_authorization_header(probe: httpx.AsyncClient, services: Services) -> None:
    token = await token_for(services, "system")
    for header in ("", "Bearer", "bearer {token}", "BEARER {token}", "Token {token}",
                   "Bearer {token} extra"):  # fmt: skip
        response = await probe.get(PROBE, headers={"Authorization": header.format(token=token)})
        assert_oauth_error(
            response,
            {"error": "invalid_grant", "error_description": "Oauth2 error: invalid access token"},
        )


async def test_any_whitespace_separates_the_two_words(
    probe: httpx.AsyncClient, services: Services
) -> None:
    token = await token_for(services, "system")
    response = await probe.get(PROBE, headers={"Authorization": f"Bearer \t {token}"})
    assert response.status_code == 200


async def test_unknown_token_has_timed_out(probe: httpx.AsyncClient) -> None:
    for token in ("None", "x" * 55, "unknown"):
        assert_oauth_error(await probe.get(PROBE, headers=bearer(token)), TIMED_OUT)


async def test_head_is_authenticated_like_get(probe: httpx.AsyncClient, services: Services) -> None:
    response = await probe.head(PROBE)
    assert response.status_code == 400
    assert response.content == b""
    token = await token_for(services, "system")
    assert (await probe.head(PROBE, headers=bearer(token))).status_code == 200


async def test_expired_token_row_has_timed_out(
    probe: httpx.AsyncClient, services: Services
) -> None:
    token = await token_for(services, "system")
    assert (await probe.get(PROBE, headers=bearer(token))).status_code == 200
    async with services.sessions() as session, session.begin():
        await session.execute(
            update(OAuthToken)
            .where(OAuthToken.token_hash == hash_token(token))
            .values(expires_at=OAuthToken.issued_at)
        )
    # The in-process cache keeps the expiry: an expired token is refused even when cached.
    tokens._cache_for(services).clear()
    assert_oauth_error(await probe.get(PROBE, headers=bearer(token)), TIMED_OUT)


# --- expiry with a short lifetime ---------------------------------------------------------


@pytest.fixture
async def short_lived(settings: Settings) -> AsyncIterator[Starlette]:
    app = create_app(settings.replace(token_ttl=1))
    async with LifespanManager(app):
        yield app


async def test_token_with_short_lifetime_stops_working_and_a_fresh_one_works(
    short_lived: Starlette,
) -> None:
    services: Services = short_lived.state.services
    plugin = await make_plugin_client(services)
    form = {"grant_type": "client", "client_id": plugin.client_id,
            "client_secret": plugin.client_secret}  # fmt: skip
    transport = httpx.ASGITransport(app=probe_app(services))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        issued = (await http.post("/qiita_db/authenticate/", data=form)).json()
        assert issued["expires_in"] == 1
        token = issued["access_token"]
        assert (await http.get(PROBE, headers=bearer(token))).status_code == 200
        await asyncio.sleep(1.05)  # the lifetime itself is under test
        assert_oauth_error(await http.get(PROBE, headers=bearer(token)), TIMED_OUT)
        fresh = (await http.post("/qiita_db/authenticate/", data=form)).json()["access_token"]
        assert (await http.get(PROBE, headers=bearer(fresh))).status_code == 200
    assert await tokens.purge_expired_tokens(services) == 1


# --- revocation ----------------------------------------------------------------------------


async def test_revoked_token_stops_working_at_once_in_this_process(
    probe: httpx.AsyncClient, services: Services
) -> None:
    plugin = await make_plugin_client(services)
    token = await token_for(services, "plugin", client=plugin)
    assert (await probe.get(PROBE, headers=bearer(token))).status_code == 200
    assert await tokens.revoke_tokens(services, client_id=plugin.client_id) == 1
    assert_oauth_error(await probe.get(PROBE, headers=bearer(token)), TIMED_OUT)


async def refusal_of(services: Services, token: str) -> str | None:
    try:
        await tokens.principal_for_token(services, token)
    except tokens.OAuthFailure as failure:
        return failure.description
    return None


async def test_revoked_token_stops_working_on_another_worker_within_the_cache_time(
    settings: Settings,
) -> None:
    """Two workers: two engines and session factories over one database."""
    workers = []
    for _ in range(2):
        engine = create_engine(settings)
        workers.append((engine, Services(settings=settings.replace(token_cache_seconds=0.3),
                                         sessions=create_session_factory(engine))))  # fmt: skip
    try:
        (_, first), (_, second) = workers
        user = await make_user(first)
        token = await token_for(first, "user", account=user)
        assert (await tokens.principal_for_token(second, token)).email == user.email
        await tokens.revoke_tokens(first, account_id=user.id)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 3
        refusal = None
        while refusal is None and loop.time() < deadline:
            refusal = await refusal_of(second, token)
            if refusal is None:
                await asyncio.sleep(0.05)
        assert refusal == "Oauth2 error: token has timed out"
    finally:
        for engine, _ in workers:
            await engine.dispose()


# --- the password-grant daily limit -------------------------------------------------------


@pytest.fixture
async def limited(settings: Settings) -> AsyncIterator[Starlette]:
    app = create_app(settings.replace(daily_request_limit=3))
    async with LifespanManager(app):
        yield app


async def test_daily_limit_allows_exactly_the_configured_number(limited: Starlette) -> None:
    services: Services = limited.state.services
    user = await make_user(services)
    password_client = await make_password_client(services)
    form = {"grant_type": "password", "client_id": password_client.client_id,
            "username": user.email, "password": DEFAULT_PASSWORD}  # fmt: skip
    transport = httpx.ASGITransport(app=probe_app(services))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        token = (await http.post("/qiita_db/authenticate/", data=form)).json()["access_token"]
        statuses = [(await http.get(PROBE, headers=bearer(token))).status_code for _ in range(3)]
        assert statuses == [200, 200, 200]
        response = await http.get(PROBE, headers=bearer(token))
        assert_oauth_error(response, LIMIT_REACHED)
        # A second token of the same client and user shares the budget.
        other = (await http.post("/qiita_db/authenticate/", data=form)).json()["access_token"]
        assert (await http.get(PROBE, headers=bearer(other))).status_code == 400
        # Client-grant tokens are never limited.
        system = await token_for(services, "system")
        statuses = [(await http.get(PROBE, headers=bearer(system))).status_code for _ in range(5)]
        assert statuses == [200] * 5
    # A window older than 24 h starts over.
    async with services.sessions() as session, session.begin():
        await session.execute(
            update(OAuthRateLimit).values(window_start=utcnow() - tokens.RATE_WINDOW)
        )
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        assert (await http.get(PROBE, headers=bearer(token))).status_code == 200


async def test_daily_limit_is_exact_under_concurrency(limited: Starlette) -> None:
    services: Services = limited.state.services
    user = await make_user(services)
    token = await token_for(services, "user", account=user)
    principal = await tokens.principal_for_token(services, token)

    async def one() -> bool:
        try:
            await tokens.consume_daily_request(services, principal)
        except tokens.OAuthFailure:
            return False
        return True

    results = await asyncio.gather(*(one() for _ in range(12)))
    assert sum(results) == 3
