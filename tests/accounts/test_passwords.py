"""Forgotten passwords (reset links: single use, expiring, no account leak) and changing one."""

from __future__ import annotations

import datetime as dt

import httpx
from sqlalchemy import func, select, update

from db.models import AccountLink, utcnow
from resolvers.context import Services
from tests.accounts.mail import Mailbox, link_token, sign_in
from tests.builders.accounts import DEFAULT_PASSWORD, bearer, make_password_client, make_user
from tests.builders.callers import Callers, error_codes, run_graphql
from tests.graphql.editing_builders import payload

ERRORS = "userErrors { field message code }"
FORGOT = f"""mutation($email: String!) {{
  requestPasswordReset(input: {{email: $email}}) {{ message {ERRORS} }} }}"""
RESET = f"""mutation($token: String!, $password: String!) {{
  resetPassword(input: {{token: $token, password: $password}}) {{ user {{ email }} {ERRORS} }} }}"""
CHANGE = f"""mutation($input: ChangePasswordInput!) {{
  changePassword(input: $input) {{ user {{ email }} {ERRORS} }} }}"""
NEW_PASSWORD = "a-new-password"


async def _links(services: Services) -> int:
    async with services.sessions() as session:
        return int((await session.execute(select(func.count(AccountLink.token_hash)))).scalar_one())


async def test_forgot_password_answers_the_same_for_unknown_and_known_emails(
    client: httpx.AsyncClient, services: Services, mailbox: Mailbox
) -> None:
    account = await make_user(services)

    unknown = await run_graphql(client, FORGOT, {"email": "nobody@example.org"})
    known = await run_graphql(client, FORGOT, {"email": account.email.upper()})
    again = await run_graphql(client, FORGOT, {"email": account.email})

    assert unknown == known == again
    assert payload(known, "requestPasswordReset") == {
        "message": "If an account has this e-mail address, "
        "a link to reset its password is on its way.",
        "userErrors": [],
    }
    mail = await mailbox.next_mail()
    assert (mail["To"], mail["Subject"]) == (account.email, "Reset your password")
    assert await _links(services) == 1  # the request right after the first mailed nothing


async def test_a_reset_link_sets_the_password_once_and_revokes_tokens(
    client: httpx.AsyncClient, services: Services, callers: Callers, mailbox: Mailbox
) -> None:
    password_client = await make_password_client(services)
    email = callers.owner.account.email
    await run_graphql(client, FORGOT, {"email": email})
    token = link_token(await mailbox.next_mail())

    reset = await run_graphql(client, RESET, {"token": token, "password": NEW_PASSWORD})
    reused = await run_graphql(client, RESET, {"token": token, "password": "another-password"})

    assert payload(reset, "resetPassword") == {"user": {"email": email}, "userErrors": []}
    assert payload(reused, "resetPassword") == {
        "user": None,
        "userErrors": [
            {
                "field": ["input", "token"],
                "message": "This link was used already; ask for a new one.",
                "code": "INVALID",
            }
        ],
    }
    assert (await sign_in(client, password_client, email, NEW_PASSWORD)).status_code == 200
    assert (await sign_in(client, password_client, email, DEFAULT_PASSWORD)).status_code == 400
    viewer = await run_graphql(client, "{ viewer { email } }", caller=callers.owner)
    assert error_codes(viewer) == ["UNAUTHENTICATED"]


async def test_an_expired_reset_link_is_refused(
    client: httpx.AsyncClient, services: Services, mailbox: Mailbox
) -> None:
    account = await make_user(services)
    await run_graphql(client, FORGOT, {"email": account.email})
    token = link_token(await mailbox.next_mail())
    async with services.sessions() as session, session.begin():
        past = utcnow() - dt.timedelta(seconds=1)
        await session.execute(update(AccountLink).values(expires_at=past))

    result = await run_graphql(client, RESET, {"token": token, "password": NEW_PASSWORD})

    assert payload(result, "resetPassword")["userErrors"] == [
        {
            "field": ["input", "token"],
            "message": "This link has expired; ask for a new one.",
            "code": "INVALID",
        }
    ]


async def test_a_weak_password_does_not_spend_the_link(
    client: httpx.AsyncClient, services: Services, mailbox: Mailbox
) -> None:
    account = await make_user(services)
    await run_graphql(client, FORGOT, {"email": account.email})
    token = link_token(await mailbox.next_mail())

    weak = await run_graphql(client, RESET, {"token": token, "password": "short"})
    good = await run_graphql(client, RESET, {"token": token, "password": NEW_PASSWORD})

    assert [e["field"] for e in payload(weak, "resetPassword")["userErrors"]] == [
        ["input", "password"]
    ]
    assert payload(good, "resetPassword")["userErrors"] == []


async def test_changing_the_password_revokes_the_tokens(
    client: httpx.AsyncClient, services: Services, callers: Callers
) -> None:
    password_client = await make_password_client(services)
    owner = callers.owner
    change = {"currentPassword": DEFAULT_PASSWORD, "newPassword": NEW_PASSWORD}

    result = await run_graphql(client, CHANGE, {"input": change}, caller=owner)

    assert payload(result, "changePassword") == {
        "user": {"email": owner.account.email},
        "userErrors": [],
    }
    after = await client.post(
        "/graphql", json={"query": "{ viewer { email } }"}, headers=bearer(owner.token)
    )
    assert error_codes(after.json()) == ["UNAUTHENTICATED"]
    signed_in = await sign_in(client, password_client, owner.account.email, NEW_PASSWORD)
    assert signed_in.status_code == 200


async def test_changing_the_password_needs_the_current_one_and_a_signed_in_user(
    client: httpx.AsyncClient, callers: Callers
) -> None:
    wrong = {"currentPassword": "not-my-password", "newPassword": NEW_PASSWORD}

    result = await run_graphql(client, CHANGE, {"input": wrong}, caller=callers.owner)
    anonymous = await run_graphql(client, CHANGE, {"input": wrong})

    assert payload(result, "changePassword")["userErrors"] == [
        {
            "field": ["input", "currentPassword"],
            "message": "The current password is wrong.",
            "code": "INVALID",
        }
    ]
    assert error_codes(anonymous) == ["UNAUTHENTICATED"]
