"""Registration is closed by default; administrators invite users, who set their password."""

from __future__ import annotations

import httpx

from resolvers.context import Services
from tests.accounts.mail import Mailbox, link_token, sign_in
from tests.builders.accounts import make_password_client
from tests.builders.callers import Callers, error_codes, run_graphql
from tests.graphql.editing_builders import payload

ERRORS = "userErrors { field message code }"
REGISTER = f"""mutation($input: RegisterInput!) {{
  register(input: $input) {{ user {{ email }} {ERRORS} }} }}"""
INVITE = f"""mutation($input: InviteUserInput!) {{
  inviteUser(input: $input) {{ user {{ email name level }} {ERRORS} }} }}"""
RESET = f"""mutation($token: String!, $password: String!) {{
  resetPassword(input: {{token: $token, password: $password}}) {{ user {{ email }} {ERRORS} }} }}"""
VIEWER = "{ viewer { email level } }"
PASSWORD = "chosen-by-invitee"


async def test_registration_is_closed_by_default(client: httpx.AsyncClient) -> None:
    new = {"email": "someone@example.org", "password": "a-good-password"}

    result = await run_graphql(client, REGISTER, {"input": new})

    assert payload(result, "register") == {
        "user": None,
        "userErrors": [
            {
                "field": None,
                "message": "Registration is closed on this server: "
                "ask an administrator for an invitation.",
                "code": "NOT_ALLOWED",
            }
        ],
    }


async def test_an_invited_user_sets_a_password_through_the_mail_and_signs_in(
    client: httpx.AsyncClient, services: Services, callers: Callers, mailbox: Mailbox
) -> None:
    password_client = await make_password_client(services)
    invitation = {"email": "invitee@example.org", "name": "In Vitee"}

    result = await run_graphql(client, INVITE, {"input": invitation}, caller=callers.admin)

    assert payload(result, "inviteUser") == {
        "user": {"email": "invitee@example.org", "name": "In Vitee", "level": "UNVERIFIED"},
        "userErrors": [],
    }
    mail = await mailbox.next_mail()
    assert (mail["To"], mail["Subject"]) == (
        "invitee@example.org",
        "You are invited: set your password",
    )
    token = link_token(mail)
    reset = await run_graphql(client, RESET, {"token": token, "password": PASSWORD})
    assert payload(reset, "resetPassword") == {
        "user": {"email": "invitee@example.org"},
        "userErrors": [],
    }
    signed_in = await sign_in(client, password_client, "invitee@example.org", PASSWORD)
    assert signed_in.status_code == 200, signed_in.text
    headers = {"Authorization": f"Bearer {signed_in.json()['access_token']}"}
    viewer = await client.post("/graphql", json={"query": VIEWER}, headers=headers)
    assert viewer.json() == {"data": {"viewer": {"email": "invitee@example.org", "level": "USER"}}}


async def test_only_administrators_invite(client: httpx.AsyncClient, callers: Callers) -> None:
    invitation = {"email": "invitee@example.org"}

    as_user = await run_graphql(client, INVITE, {"input": invitation}, caller=callers.owner)
    anonymous = await run_graphql(client, INVITE, {"input": invitation})

    assert error_codes(as_user) == ["FORBIDDEN"]
    assert error_codes(anonymous) == ["FORBIDDEN"]
