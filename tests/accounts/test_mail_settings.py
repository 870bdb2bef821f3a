"""The mail settings: defaults, checks, the password masked; an unreachable mail server is
logged and never fails the request."""

from __future__ import annotations

import asyncio
import logging

import httpx
import pytest

from db.settings import Settings, SettingsError, load_settings
from resolvers.mail import wait_for_mails
from tests.accounts.mail import free_port
from tests.builders.callers import Callers, run_graphql
from tests.graphql.editing_builders import payload

INVITE = """mutation($input: InviteUserInput!) {
  inviteUser(input: $input) { user { email } userErrors { message } } }"""


def test_mail_settings_defaults_checks_and_masking() -> None:
    defaults = load_settings({})
    tls = load_settings({"QIITA_SMTP_TLS": "tls", "QIITA_PUBLIC_URL": "https://qiita.example.org"})
    secret = load_settings({"QIITA_SMTP_PASSWORD": "hunter22"})

    assert (defaults.open_registration, defaults.smtp_host, defaults.smtp_tls) == (
        False,
        "",
        "starttls",
    )
    assert (defaults.effective_smtp_port, tls.effective_smtp_port) == (25, 465)
    assert tls.effective_smtp_from == "qiita-gateway@qiita.example.org"
    assert secret.as_redacted_dict()["smtp_password"] == "***"
    assert "hunter22" not in repr(secret)
    with pytest.raises(SettingsError, match="QIITA_SMTP_TLS='ssl' is not valid"):
        load_settings({"QIITA_SMTP_TLS": "ssl"})
    with pytest.raises(SettingsError, match="account link lifetimes"):
        load_settings({"QIITA_RESET_LINK_TTL": "0"})


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.replace(smtp_port=free_port())  # nothing listens there


async def test_an_unreachable_mail_server_is_logged_not_a_failed_request(
    client: httpx.AsyncClient, callers: Callers, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="resolvers.mail")

    result = await run_graphql(
        client, INVITE, {"input": {"email": "unlucky@example.org"}}, caller=callers.admin
    )
    await asyncio.wait_for(wait_for_mails(), 30)

    assert payload(result, "inviteUser") == {
        "user": {"email": "unlucky@example.org"},
        "userErrors": [],
    }
    [failure] = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert failure.getMessage().startswith(
        "could not send 'You are invited: set your password' to unlucky@example.org"
    )
    assert "token=" not in failure.getMessage()
