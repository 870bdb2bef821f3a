"""Self-registration (`QIITA_OPEN_REGISTRATION=1`): register, the mail, verify, sign in."""

from __future__ import annotations

import httpx
import pytest

from db.settings import Settings
from resolvers.context import Services
from tests.accounts.mail import Mailbox, link_token, sign_in
from tests.builders.accounts import make_password_client, make_user
from tests.builders.callers import run_graphql
from tests.graphql.editing_builders import payload

ERRORS = "userErrors { field message code }"
REGISTER = f"""mutation($input: RegisterInput!) {{
  register(input: $input) {{ user {{ email name }} {ERRORS} }} }}"""
VERIFY = f"""mutation($token: String!) {{
  verifyEmail(input: {{token: $token}}) {{ user {{ email }} {ERRORS} }} }}"""
PASSWORD = "a-good-password"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.replace(open_registration=True)


async def test_register_mail_verify_then_sign_in(
    client: httpx.AsyncClient, services: Services, mailbox: Mailbox
) -> None:
    password_client = await make_password_client(services)
    new = {"email": "New.User@example.org", "password": PASSWORD, "name": "New User"}

    result = await run_graphql(client, REGISTER, {"input": new})

    assert payload(result, "register") == {
        "user": {"email": "New.User@example.org", "name": "New User"},
        "userErrors": [],
    }
    mail = await mailbox.next_mail()
    assert mail["To"] == "New.User@example.org"
    assert mail["From"] == "qiita@example.org"
    assert mail["Subject"] == "Verify your e-mail address"
    token = link_token(mail)
    unverified = await sign_in(client, password_client, "new.user@example.org", PASSWORD)
    assert unverified.status_code == 400
    assert unverified.json()["error_description"] == "Oauth2 error: invalid user information"

    verified = await run_graphql(client, VERIFY, {"token": token})

    assert payload(verified, "verifyEmail") == {
        "user": {"email": "New.User@example.org"},
        "userErrors": [],
    }
    signed_in = await sign_in(client, password_client, "new.user@example.org", PASSWORD)
    assert signed_in.status_code == 200, signed_in.text
    assert signed_in.json()["token_type"] == "Bearer"
    again = await run_graphql(client, VERIFY, {"token": token})
    assert payload(again, "verifyEmail") == {
        "user": None,
        "userErrors": [
            {
                "field": ["input", "token"],
                "message": "This link was used already; ask for a new one.",
                "code": "INVALID",
            }
        ],
    }


async def test_register_refuses_a_taken_email_and_a_weak_password(
    client: httpx.AsyncClient, services: Services
) -> None:
    existing = await make_user(services)
    taken = {"email": existing.email.upper(), "password": PASSWORD}
    weak = {"email": "weak@example.org", "password": "short"}

    taken_result = payload(await run_graphql(client, REGISTER, {"input": taken}), "register")
    weak_result = payload(await run_graphql(client, REGISTER, {"input": weak}), "register")

    assert taken_result["user"] is None
    assert [e["code"] for e in taken_result["userErrors"]] == ["NOT_ALLOWED"]
    assert weak_result["userErrors"] == [
        {
            "field": ["input", "password"],
            "message": "Invalid password: it must be at least 8 characters long.",
            "code": "INVALID",
        }
    ]


async def test_a_made_up_verification_token_is_refused(client: httpx.AsyncClient) -> None:
    result = await run_graphql(client, VERIFY, {"token": "not-a-token"})

    assert payload(result, "verifyEmail")["userErrors"] == [
        {
            "field": ["input", "token"],
            "message": "This link is not valid; ask for a new one.",
            "code": "INVALID",
        }
    ]
