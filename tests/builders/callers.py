"""Callers (accounts with tokens) and posting a GraphQL document as one of them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from db.models import Account
from resolvers.context import Principal, Services
from tests.builders.accounts import PrincipalKind, bearer, make_user, token_for


@dataclass(frozen=True)
class Caller:
    account: Account | None
    token: str | None

    @property
    def headers(self) -> dict[str, str]:
        return bearer(self.token) if self.token else {}

    @property
    def principal(self) -> Principal:
        """The signed-in account as the principal resolvers are called with."""
        assert self.account is not None, "an anonymous caller has no account"
        account = self.account
        return Principal(
            kind="user", account_id=account.id, email=account.email, level=account.level
        )


@dataclass(frozen=True)
class SignedInCaller(Caller):
    account: Account
    token: str


@dataclass(frozen=True)
class Callers:
    owner: SignedInCaller
    shared: SignedInCaller
    other: SignedInCaller
    admin: SignedInCaller
    anonymous: Caller


async def make_caller(services: Services, level: str = "user") -> SignedInCaller:
    account = await make_user(services, level=level)
    kind: PrincipalKind = "admin" if level == "admin" else "user"
    return SignedInCaller(account, await token_for(services, kind, account=account))


async def make_callers(services: Services) -> Callers:
    return Callers(
        owner=await make_caller(services),
        shared=await make_caller(services),
        other=await make_caller(services),
        admin=await make_caller(services, "admin"),
        anonymous=Caller(None, None),
    )


async def run_graphql(
    client: httpx.AsyncClient,
    query: str,
    variables: dict[str, Any] | None = None,
    *,
    caller: Caller | None = None,
    extensions: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """POST the document; the transport must answer 200 with a JSON body."""
    body: dict[str, Any] = {"query": query, "variables": variables or {}}
    if extensions is not None:
        body["extensions"] = extensions
    response = await client.post("/graphql", json=body, headers=caller.headers if caller else {})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    result: dict[str, Any] = response.json()
    return result


def error_codes(result: dict[str, Any]) -> list[str]:
    return [error["extensions"]["code"] for error in result.get("errors", [])]
