"""Without a mail server the mail is logged; `qiita-gateway user link` prints a new link."""

from __future__ import annotations

import logging
import re

import httpx
import pytest

from db.settings import Settings
from resolvers.context import Services
from tests.accounts.mail import LINK, sign_in
from tests.auth.test_cli import run_cli
from tests.builders.accounts import make_password_client, make_user
from tests.builders.callers import Callers, run_graphql
from tests.graphql.editing_builders import payload

INVITE = """mutation($input: InviteUserInput!) {
  inviteUser(input: $input) { user { email } userErrors { message } } }"""
VERIFY = """mutation($token: String!) {
  verifyEmail(input: {token: $token}) { user { email } userErrors { message } } }"""
PRINTED = re.compile(r"http://127\.0\.0\.1:21174/account/(verify|reset-password)\?token=(\w+)")
"""`run_cli` passes no public URL: the links are made from the default host and port."""
RESET = """mutation($token: String!, $password: String!) {
  resetPassword(input: {token: $token, password: $password}) {
    user { email } userErrors { message } } }"""


@pytest.fixture
def backend() -> str:
    """The CLI starts processes (seconds each): SQLite only; both databases run the
    resolvers these commands call in the other account tests."""
    return "sqlite"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.replace(smtp_host="")


async def test_the_mail_is_logged_with_its_link(
    client: httpx.AsyncClient, callers: Callers, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="resolvers.mail")

    result = await run_graphql(
        client, INVITE, {"input": {"email": "logged@example.org"}}, caller=callers.admin
    )

    assert payload(result, "inviteUser")["userErrors"] == []
    [record] = [r for r in caplog.records if r.name == "resolvers.mail"]
    assert record.levelno == logging.INFO
    assert "logged@example.org" in record.getMessage()
    assert LINK.search(record.getMessage()) is not None


async def test_user_link_prints_a_verification_link_that_works(
    client: httpx.AsyncClient, services: Services, settings: Settings
) -> None:
    account = await make_user(services, level="unverified")

    result = await run_cli(settings, "user", "link", account.email, "--verify")

    assert result.returncode == 0, result.stderr
    found = PRINTED.fullmatch(result.stdout.strip())
    assert found is not None, result.stdout
    assert found.group(1) == "verify"
    verified = await run_graphql(client, VERIFY, {"token": found.group(2)})
    assert payload(verified, "verifyEmail") == {
        "user": {"email": account.email},
        "userErrors": [],
    }


async def test_user_link_prints_a_reset_link_that_sets_the_password(
    client: httpx.AsyncClient, services: Services, settings: Settings
) -> None:
    account = await make_user(services)
    password_client = await make_password_client(services)

    result = await run_cli(settings, "user", "link", account.email, "--reset")

    assert result.returncode == 0, result.stderr
    found = PRINTED.fullmatch(result.stdout.strip())
    assert found is not None, result.stdout
    assert found.group(1) == "reset-password"
    reset = await run_graphql(client, RESET, {"token": found.group(2), "password": "brand-new-pw"})
    assert payload(reset, "resetPassword")["userErrors"] == []
    signed_in = await sign_in(client, password_client, account.email, "brand-new-pw")
    assert signed_in.status_code == 200


async def test_user_link_refuses_a_verified_account_and_an_unknown_one(
    services: Services, settings: Settings
) -> None:
    account = await make_user(services)

    verified = await run_cli(settings, "user", "link", account.email, "--verify")
    unknown = await run_cli(settings, "user", "link", "nobody@example.org", "--reset")

    assert verified.returncode == 2
    assert f"The e-mail address of {account.email} is verified already." in verified.stderr
    assert unknown.returncode == 2
    assert "No account with the e-mail nobody@example.org." in unknown.stderr
