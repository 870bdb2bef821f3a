"""Failed password sign-ins are throttled per account and per client address."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest
from asgi_lifespan import LifespanManager
from sqlalchemy import update
from starlette.applications import Starlette

from db.models import Account, SignInFailure, utcnow
from db.settings import Settings
from gateway.app import create_app
from resolvers.context import Services
from tests.builders.accounts import (
    DEFAULT_PASSWORD,
    ClientCredentials,
    make_password_client,
    make_user,
)

URL = "/qiita_db/authenticate/"
WRONG = "wrong-horse-42"


LIMIT = 3
"""Most tests lower the limit from its default of 10: each failure costs a password hash."""


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.replace(sign_in_max_failures=LIMIT)


@pytest.fixture
async def password_client(services: Services) -> ClientCredentials:
    return await make_password_client(services)


@pytest.fixture
async def user(services: Services) -> Account:
    return await make_user(services, email="Target@Example.org")


@asynccontextmanager
async def client_from(app: Starlette, address: str) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, client=(address, 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


async def sign_in(
    http: httpx.AsyncClient, client: ClientCredentials, email: str, password: str
) -> httpx.Response:
    form = {"grant_type": "password", "client_id": client.client_id, "username": email,
            "password": password}  # fmt: skip
    return await http.post(URL, data=form)


async def fail(http: httpx.AsyncClient, client: ClientCredentials, email: str, times: int) -> None:
    for _ in range(times):
        response = await sign_in(http, client, email, WRONG)
        assert response.status_code == 400, response.text


def assert_throttled(response: httpx.Response, seconds: int) -> None:
    assert response.status_code == 429
    assert response.headers["retry-after"] == str(seconds)
    body = response.json()
    assert body["error"] == "invalid_grant"
    assert f"try again in {seconds} seconds" in body["error_description"]


async def test_ten_failures_lock_the_account_with_retry_after(
    settings: Settings,
    password_client: ClientCredentials,
    user: Account,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="resolvers.auth.sign_in_throttle")
    app = create_app(settings.replace(sign_in_max_failures=Settings.sign_in_max_failures))
    async with LifespanManager(app):
        async with client_from(app, "203.0.113.7") as http:
            await fail(http, password_client, "target@example.org", 10)
            # Even the right password is refused while locked, and from any address.
            response = await sign_in(http, password_client, user.email, DEFAULT_PASSWORD)
            assert_throttled(response, 300)
        async with client_from(app, "198.51.100.1") as other:
            response = await sign_in(other, password_client, user.email, DEFAULT_PASSWORD)
            assert_throttled(response, 300)
    failures = [r.getMessage() for r in caplog.records if "failed sign-in" in r.getMessage()]
    assert len(failures) == 10
    assert all("target@example.org" in m and "203.0.113.7" in m for m in failures)
    assert all(r.levelno == logging.WARNING for r in caplog.records)
    assert not any(WRONG in r.getMessage() for r in caplog.records)


async def test_failures_from_one_address_lock_that_address(
    app: Starlette, services: Services, password_client: ClientCredentials, user: Account
) -> None:
    async with client_from(app, "203.0.113.8") as http:
        for index in range(LIMIT):
            await fail(http, password_client, f"nobody{index}@example.org", 1)
        assert_throttled(await sign_in(http, password_client, user.email, DEFAULT_PASSWORD), 300)
    async with client_from(app, "203.0.113.9") as elsewhere:
        response = await sign_in(elsewhere, password_client, user.email, DEFAULT_PASSWORD)
        assert response.status_code == 200


async def test_a_success_resets_the_account_count(
    app: Starlette, password_client: ClientCredentials, user: Account
) -> None:
    for round_ in range(2):
        async with client_from(app, f"203.0.113.{20 + round_}") as http:
            await fail(http, password_client, user.email, LIMIT - 1)
            response = await sign_in(http, password_client, user.email, DEFAULT_PASSWORD)
            assert response.status_code == 200


async def test_failures_outside_the_window_are_forgotten(
    app: Starlette, services: Services, password_client: ClientCredentials, user: Account
) -> None:
    async with client_from(app, "203.0.113.30") as http:
        await fail(http, password_client, user.email, LIMIT - 1)
        async with services.sessions() as session, session.begin():
            await session.execute(
                update(SignInFailure).values(window_start=utcnow().replace(year=2020))
            )
        await fail(http, password_client, user.email, LIMIT - 1)
        response = await sign_in(http, password_client, user.email, DEFAULT_PASSWORD)
        assert response.status_code == 200


async def test_repeated_lockouts_double(
    app: Starlette, services: Services, password_client: ClientCredentials, user: Account
) -> None:
    for round_, seconds in enumerate([300, 600, 1200]):
        async with client_from(app, f"203.0.113.{40 + round_}") as http:
            await fail(http, password_client, user.email, LIMIT)
            assert_throttled(await sign_in(http, password_client, user.email, WRONG), seconds)
        async with services.sessions() as session, session.begin():  # the lockout runs out
            await session.execute(update(SignInFailure).values(locked_until=utcnow()))


async def test_failures_count_across_workers(
    app: Starlette, settings: Settings, password_client: ClientCredentials, user: Account
) -> None:
    second = create_app(settings)
    async with LifespanManager(second):
        for index, worker in enumerate([app, second, app]):
            async with client_from(worker, f"198.51.100.{index}") as http:
                await fail(http, password_client, user.email, 1)
        async with client_from(second, "198.51.100.99") as http:
            assert_throttled(
                await sign_in(http, password_client, user.email, DEFAULT_PASSWORD), 300
            )
