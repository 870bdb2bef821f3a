"""Accounts, OAuth2 clients and tokens:

    user = await make_user(services, level="admin")
    plugin = await make_plugin_client(services)                # binds a new software row
    token = await token_for(services, "plugin", software_id=plugin.software_id)
    await client.get("/qiita_db/...", headers=bearer(token))

`token_for` kinds: "user", "admin", "guest", "unverified" (password grant, via a
password client), "plugin", "system" (client grant).
"""

from __future__ import annotations

import functools
import itertools
import uuid
from dataclasses import dataclass, field
from typing import Literal

from db.models import Account, OAuthClient, Software
from resolvers.auth import tokens
from resolvers.auth.credentials import (
    hash_client_secret,
    hash_password,
    new_client_id,
    new_client_secret,
)
from resolvers.context import Principal, Services, unit_of_work

DEFAULT_PASSWORD = "correct-horse-9"
PrincipalKind = Literal["user", "admin", "guest", "unverified", "plugin", "system"]

_counter = itertools.count(1)


def unique(prefix: str) -> str:
    return f"{prefix}{next(_counter)}{uuid.uuid4().hex[:6]}"


@functools.cache
def _password_hash(password: str) -> str:
    return hash_password(password)


@dataclass(frozen=True)
class ClientCredentials:
    client_id: str
    client_secret: str | None = field(repr=False)
    software_id: int | None = None


async def make_user(
    services: Services,
    *,
    email: str | None = None,
    level: str = "user",
    password: str = DEFAULT_PASSWORD,
    name: str | None = None,
) -> Account:
    email = email or f"{unique('user')}@example.org"
    async with services.sessions() as session, session.begin():
        account = Account(
            email=email,
            email_lower=email.lower(),
            level=level,
            password_hash=_password_hash(password),
            name=name,
        )
        session.add(account)
    return account


async def make_principal(services: Services, email: str, level: str = "user") -> Principal:
    """An account (no usable password) as the principal resolvers are called with."""
    async with unit_of_work(services) as ctx:
        account = Account(email=email, email_lower=email.lower(), level=level, password_hash="x")
        ctx.session.add(account)
        await ctx.session.flush()
        return Principal(kind="user", account_id=account.id, email=email, level=level)


async def make_software(
    services: Services,
    *,
    name: str | None = None,
    version: str = "1.0",
    software_type: str = "artifact transformation",
) -> int:
    async with services.sessions() as session, session.begin():
        software = Software(
            name=name or unique("plugin-"), version=version, type=software_type, active=True
        )
        session.add(software)
        await session.flush()
        return software.id


async def _make_client(
    services: Services, *, secret: str | None, software_id: int | None
) -> ClientCredentials:
    client_id = new_client_id()
    async with services.sessions() as session, session.begin():
        session.add(
            OAuthClient(
                client_id=client_id,
                client_secret_hash=hash_client_secret(secret) if secret is not None else None,
                software_id=software_id,
            )
        )
    return ClientCredentials(client_id, secret, software_id)


async def make_password_client(services: Services) -> ClientCredentials:
    return await _make_client(services, secret=None, software_id=None)


async def make_system_client(services: Services) -> ClientCredentials:
    return await _make_client(services, secret=new_client_secret(), software_id=None)


async def make_plugin_client(
    services: Services, *, software_id: int | None = None
) -> ClientCredentials:
    """A client bound to `software_id` (a new software row when not given)."""
    if software_id is None:
        software_id = await make_software(services)
    return await _make_client(services, secret=new_client_secret(), software_id=software_id)


async def token_for(
    services: Services,
    principal_kind: PrincipalKind = "user",
    *,
    account: Account | None = None,
    client: ClientCredentials | None = None,
    software_id: int | None = None,
) -> str:
    """A bearer token for a principal of the given kind, issued through `resolvers.auth.tokens`."""
    if principal_kind in ("plugin", "system"):
        if client is None:
            client = (
                await make_plugin_client(services, software_id=software_id)
                if principal_kind == "plugin"
                else await make_system_client(services)
            )
        issued = await tokens.issue_token(services, client_id=client.client_id)
        return issued.access_token
    if account is None:
        level = "user" if principal_kind == "user" else principal_kind
        account = await make_user(services, level=level)
    client = client or await make_password_client(services)
    issued = await tokens.issue_token(services, client_id=client.client_id, account_id=account.id)
    return issued.access_token


async def principal_for(services: Services, token: str) -> Principal:
    return await tokens.principal_for_token(services, token)


def bearer(token: str) -> dict[str, str]:
    """Request headers carrying `token`, as qiita_client sends them."""
    return {"Authorization": f"Bearer {token}"}
