"""No secret, password or token reaches a log record, even at DEBUG."""

from __future__ import annotations

import logging

import httpx
import pytest

from resolvers.auth import tokens
from resolvers.auth.credentials import hash_client_secret, hash_token
from resolvers.context import Services
from tests.builders.accounts import (
    DEFAULT_PASSWORD,
    bearer,
    make_password_client,
    make_plugin_client,
    make_user,
)


async def test_secrets_passwords_and_tokens_are_never_logged(
    client: httpx.AsyncClient, services: Services, caplog: pytest.LogCaptureFixture
) -> None:
    plugin = await make_plugin_client(services)
    password_client = await make_password_client(services)
    user = await make_user(services)
    assert plugin.client_secret is not None
    caplog.set_level(logging.DEBUG)

    url = "/qiita_db/authenticate/"
    client_form = {"grant_type": "client", "client_id": plugin.client_id,
                   "client_secret": plugin.client_secret}  # fmt: skip
    password_form = {"grant_type": "password", "client_id": password_client.client_id,
                     "username": user.email, "password": DEFAULT_PASSWORD}  # fmt: skip
    plugin_token = (await client.post(url, data=client_form)).json()["access_token"]
    user_token = (await client.post(url, data=password_form)).json()["access_token"]
    # Failures too: a wrong secret and a wrong password that resemble the real ones.
    await client.post(url, data=client_form | {"client_secret": plugin.client_secret[:-1]})
    await client.post(url, data=password_form | {"password": DEFAULT_PASSWORD + "x"})
    for token in (plugin_token, user_token, "unknown-token"):
        await client.post(f"/qiita_db/jobs/{'0' * 8}-0000-0000-0000-{'0' * 12}/heartbeat/",
                          headers=bearer(token))  # fmt: skip
        await client.post("/graphql", json={"query": "{ __typename }"}, headers=bearer(token))
    await tokens.revoke_tokens(services, client_id=plugin.client_id)
    await tokens.purge_expired_tokens(services)

    assert caplog.records, "expected the flow to log something at DEBUG"
    everything = "\n".join(
        f"{record.getMessage()} {record.args!r} {record.exc_text or ''}"
        for record in caplog.records
    )
    forbidden = {
        "client secret": plugin.client_secret,
        "password": DEFAULT_PASSWORD,
        "plugin token": plugin_token,
        "user token": user_token,
        "unknown token": "unknown-token",
    }
    for what, value in forbidden.items():
        assert value not in everything, f"a log record contains the {what}"
    # Our own records carry no hashes either (the database drivers' DEBUG echo of statement
    # parameters is the operator's call).
    ours = "\n".join(
        record.getMessage()
        for record in caplog.records
        if not record.name.startswith(("sqlalchemy", "aiosqlite", "asyncpg"))
    )
    for value in (hash_client_secret(plugin.client_secret), hash_token(plugin_token),
                  hash_token(user_token), user.password_hash):  # fmt: skip
        assert value not in ours
