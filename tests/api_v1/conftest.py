"""Fixtures for `/api/v1` tests: an owner with a token, a study, helpers over HTTP."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from db.models import Account
from resolvers.context import Principal, Services
from tests.api_v1.builders import add_study
from tests.factories import bearer, make_user, token_for


@dataclass(frozen=True)
class Caller:
    account: Account
    principal: Principal
    headers: dict[str, str]


async def make_caller(services: Services, level: str = "user") -> Caller:
    account = await make_user(services, level=level)
    token = await token_for(services, "user", account=account)
    principal = Principal(
        kind="user", account_id=account.id, email=account.email, level=account.level
    )
    return Caller(account, principal, bearer(token))


@pytest.fixture
async def owner(services: Services) -> Caller:
    return await make_caller(services)


@pytest.fixture
async def study_id(services: Services, owner: Caller) -> int:
    return await add_study(services, owner.principal)


async def patch(
    client: httpx.AsyncClient, caller: Caller, study_id: int, body: object
) -> httpx.Response:
    return await client.patch(
        f"/api/v1/study/{study_id}/samples", json=body, headers=caller.headers
    )


def read_lines(path: str | Path) -> list[str]:
    """The lines of a small file the server wrote (test-side, synchronous on purpose)."""
    return Path(path).read_text().splitlines()
