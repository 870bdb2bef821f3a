"""`qiita-gateway token revoke`, `client list`, `user set-level`, `user set-password`,
run as real processes against the test's database."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys

import pytest

from db.models import Account
from db.settings import Settings
from resolvers.auth import tokens
from resolvers.auth.credentials import verify_password
from resolvers.context import Services
from tests.builders.accounts import (
    make_password_client,
    make_plugin_client,
    make_system_client,
    make_user,
    token_for,
)

TIMEOUT = 60


@pytest.fixture
def backend() -> str:
    """The commands only call resolvers, tested on both databases elsewhere; a process
    start costs seconds, so these run on SQLite only."""
    return "sqlite"


async def run_cli(
    settings: Settings, *args: str, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("QIITA_")}
    env["QIITA_DATA_DIR"] = str(settings.data_dir)
    env["QIITA_DATABASE_URL"] = settings.database_url
    return await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "gateway.cli", *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


def assert_one_line_error(result: subprocess.CompletedProcess[str], message: str) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1
    assert message in result.stderr


async def is_valid(services: Services, token: str) -> bool:
    tokens.forget_cached_tokens(services)
    try:
        await tokens.principal_for_token(services, token)
    except tokens.OAuthFailure:
        return False
    return True


async def account(services: Services, account_id: int) -> Account:
    async with services.sessions() as session:
        row = await session.get(Account, account_id)
    assert row is not None
    return row


async def test_token_revoke_client(settings: Settings, services: Services) -> None:
    plugin = await make_plugin_client(services)
    tokens = [await token_for(services, "plugin", client=plugin) for _ in range(2)]
    other = await token_for(services, "system")
    result = await run_cli(settings, "token", "revoke", "--client", plugin.client_id)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"Revoked 2 token(s) of client {plugin.client_id}.\n"
    assert [await is_valid(services, t) for t in tokens] == [False, False]
    assert await is_valid(services, other)


async def test_token_revoke_user_matches_the_email_in_any_case(
    settings: Settings, services: Services
) -> None:
    user = await make_user(services, email="Revoke.Me@example.org")
    token = await token_for(services, "user", account=user)
    result = await run_cli(settings, "token", "revoke", "--user", "revoke.me@EXAMPLE.org")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "Revoked 1 token(s) of user Revoke.Me@example.org.\n"
    assert not await is_valid(services, token)


async def test_token_revoke_needs_a_client_or_a_user(settings: Settings) -> None:
    assert_one_line_error(await run_cli(settings, "token", "revoke"), "--client")
    assert_one_line_error(
        await run_cli(settings, "token", "revoke", "--user", "nobody@example.org"),
        "No account with the e-mail nobody@example.org.",
    )


async def test_client_list_shows_kinds_and_never_secrets(
    settings: Settings, services: Services
) -> None:
    plugin = await make_plugin_client(services)
    system = await make_system_client(services)
    password = await make_password_client(services)
    result = await run_cli(settings, "client", "list", "--json")
    assert result.returncode == 0, result.stderr
    listed = {entry["client_id"]: entry for entry in json.loads(result.stdout)}
    assert listed[plugin.client_id]["kind"] == "plugin"
    assert listed[plugin.client_id]["plugin"].endswith(" 1.0")
    assert listed[system.client_id]["kind"] == "system"
    assert listed[password.client_id]["kind"] == "password"
    plain = await run_cli(settings, "client", "list")
    assert f"{system.client_id}  system\n" in plain.stdout
    for output in (result.stdout, plain.stdout):
        assert str(plugin.client_secret) not in output
        assert str(system.client_secret) not in output


async def test_user_set_level(settings: Settings, services: Services) -> None:
    user = await make_user(services, level="user")
    result = await run_cli(settings, "user", "set-level", user.email, "admin")
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"Account {user.email} is now admin.\n"
    assert (await account(services, user.id)).level == "admin"
    assert_one_line_error(
        await run_cli(settings, "user", "set-level", user.email, "emperor"),
        "Unknown user level 'emperor'",
    )


async def test_user_set_password_from_stdin_revokes_tokens(
    settings: Settings, services: Services
) -> None:
    user = await make_user(services)
    token = await token_for(services, "user", account=user)
    result = await run_cli(settings, "user", "set-password", user.email, stdin="brand-new-pass\n")
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"Password of {user.email} changed; its tokens are revoked.\n"
    assert "brand-new-pass" not in result.stdout + result.stderr
    assert verify_password("brand-new-pass", (await account(services, user.id)).password_hash)
    assert not await is_valid(services, token)


@pytest.mark.parametrize(
    ("stdin", "message"),
    [("short\n", "Invalid password: it must be at least 8 characters long."),
     ("", "no password on standard input")],
)  # fmt: skip
async def test_user_set_password_refuses_bad_input(
    settings: Settings, services: Services, stdin: str, message: str
) -> None:
    user = await make_user(services)
    before = (await account(services, user.id)).password_hash
    result = await run_cli(settings, "user", "set-password", user.email, stdin=stdin)
    assert_one_line_error(result, message)
    assert (await account(services, user.id)).password_hash == before
