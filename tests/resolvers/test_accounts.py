"""Account and client creation rules (resolvers/auth/accounts.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from db.models import Account, Message, MessageRecipient, OAuthClient, Software, utcnow
from resolvers.auth.accounts import create_client, create_user, email_problem, password_problem
from resolvers.auth.credentials import hash_client_secret, verify_password
from resolvers.context import ANONYMOUS, Principal, Services, unit_of_work
from resolvers.errors import Conflict, Forbidden, Invalid

SYSTEM = Principal(kind="system")


@pytest.mark.parametrize(
    "email",
    ["a@b.c", "first.last+tag@example.org", "o'neil#1~x!$&()*,;=:-@sub-domain.example.org"],
)
def test_valid_emails(email: str) -> None:
    assert email_problem(email) is None


@pytest.mark.parametrize(
    ("email", "problem"),
    [
        ("ünï@example.org", "must contain only ASCII characters"),
        ('"quoted"@example.org', "must not contain a double quote"),
        ("a@b@example.org", "must contain exactly one @"),
        ("example.org", "must contain exactly one @"),
        ("@example.org", "needs a name before and a domain after the @"),
        ("name@", "needs a name before and a domain after the @"),
        (".name@example.org", "must not start or end the name before the @ with a dot"),
        ("name.@example.org", "must not start or end the name before the @ with a dot"),
        ("na me@example.org", "has a character that is not allowed before the @"),
        ("name@-example.org", "must not start or end the domain with a hyphen"),
        ("name@example.org-", "must not start or end the domain with a hyphen"),
        ("name@exa_mple.org", "may use only letters, digits, dots and hyphens in the domain"),
    ],
)
def test_invalid_emails_say_why(email: str, problem: str) -> None:
    assert email_problem(email) == problem


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("12345678", None),
        ("with-symbols!#", None),
        ("1234567", "must be at least 8 characters long"),
        ("pässwörd1", "must contain only ASCII characters"),
        ("has space", "must not contain spaces"),
        ("tab\tinside", "must not contain spaces"),
        ("back\\slash", "must not contain a backslash"),
    ],
)
def test_password_rules(password: str, problem: str | None) -> None:
    assert password_problem(password) == problem


async def test_sign_up_creates_an_unverified_account_with_a_code_and_current_messages(
    services: Services,
) -> None:
    async with unit_of_work(services, SYSTEM) as ctx:
        current = Message(body="Maintenance tonight", expires_at=utcnow() + dt.timedelta(days=1))
        expired = Message(body="Old news", expires_at=utcnow() - dt.timedelta(days=1))
        ctx.session.add_all([current, expired])
        await ctx.session.flush()
        current_id = current.id

    async with unit_of_work(services, ANONYMOUS) as ctx:
        account = await create_user(ctx, " New.User@Example.org ", "signup-pass-1")
        account_id = account.id

    async with services.sessions() as session:
        stored = await session.get(Account, account_id)
        delivered = (
            await session.execute(
                select(MessageRecipient.message_id).where(MessageRecipient.account_id == account_id)
            )
        ).scalars()
        delivered_ids = list(delivered)
    assert stored is not None
    assert (stored.email, stored.email_lower, stored.level) == (
        "New.User@Example.org",
        "new.user@example.org",
        "unverified",
    )
    assert stored.verify_code is not None
    assert len(stored.verify_code) == 20
    assert verify_password("signup-pass-1", stored.password_hash)
    assert delivered_ids == [current_id]


async def test_only_the_system_or_an_admin_creates_accounts_with_a_level(
    services: Services,
) -> None:
    with pytest.raises(Forbidden, match="Only an administrator"):
        async with unit_of_work(services, ANONYMOUS) as ctx:
            await create_user(ctx, "boss@example.org", "boss-pass-1", "admin")
    admin = Principal(kind="user", account_id=1, email="a@b.c", level="admin")
    async with unit_of_work(services, admin) as ctx:
        account = await create_user(ctx, "boss@example.org", "boss-pass-1", "user")
    assert account.level == "user"
    assert account.verify_code is None


async def test_email_differing_only_in_case_is_a_conflict_and_nothing_is_added(
    services: Services,
) -> None:
    async with unit_of_work(services, SYSTEM) as ctx:
        await create_user(ctx, "case@example.org", "case-pass-1", "user")
    with pytest.raises(Conflict, match="already exists"):
        async with unit_of_work(services, SYSTEM) as ctx:
            await create_user(ctx, "CASE@EXAMPLE.ORG", "case-pass-2", "user")
    async with services.sessions() as session:
        emails = (await session.execute(select(Account.email))).scalars().all()
    assert emails == ["case@example.org"]


async def test_invalid_input_names_the_field(services: Services) -> None:
    async with unit_of_work(services, SYSTEM) as ctx:
        with pytest.raises(Invalid) as bad_email:
            await create_user(ctx, "no-at", "valid-pass-1", "user")
        with pytest.raises(Invalid) as bad_level:
            await create_user(ctx, "x@example.org", "valid-pass-1", "boss")
        with pytest.raises(Invalid) as bad_password:
            await create_user(ctx, "x@example.org", "short", "user")
    assert (bad_email.value.field, bad_level.value.field, bad_password.value.field) == (
        "email",
        "level",
        "password",
    )


async def test_clients_store_only_a_secret_hash_and_password_clients_none(
    services: Services,
) -> None:
    async with unit_of_work(services, SYSTEM) as ctx:
        generated_id, generated_secret = await create_client(ctx)
        script_id, script_secret = await create_client(ctx, password_grant=True)
        fixed = await create_client(ctx, client_id="fixed-id", secret="fixed-secret")

    assert generated_secret is not None
    assert (len(generated_id), len(generated_secret)) == (50, 255)
    assert script_secret is None
    assert fixed == ("fixed-id", "fixed-secret")
    async with services.sessions() as session:
        rows = {c.client_id: c for c in (await session.execute(select(OAuthClient))).scalars()}
    assert rows[generated_id].client_secret_hash == hash_client_secret(generated_secret)
    assert rows[script_id].client_secret_hash is None
    assert rows["fixed-id"].client_secret_hash == hash_client_secret("fixed-secret")


async def test_a_plugin_has_at_most_one_client(services: Services) -> None:
    async with unit_of_work(services, SYSTEM) as ctx:
        software = Software(name="P", version="1", type="artifact transformation")
        ctx.session.add(software)
        await ctx.session.flush()
        software_id = software.id
        client_id, _ = await create_client(ctx, software_id=software_id)

    with pytest.raises(Conflict, match=f"Plugin {software_id} already has a client"):
        async with unit_of_work(services, SYSTEM) as ctx:
            await create_client(ctx, software_id=software_id)
    async with services.sessions() as session:
        bound = (
            await session.execute(
                select(OAuthClient.client_id).where(OAuthClient.software_id == software_id)
            )
        ).scalars()
        assert list(bound) == [client_id]


async def test_client_rules_refuse_contradictions_and_non_admins(services: Services) -> None:
    async with unit_of_work(services, SYSTEM) as ctx:
        with pytest.raises(Invalid, match="A password-grant client has no secret"):
            await create_client(ctx, password_grant=True, secret="x" * 10)
        with pytest.raises(Invalid, match="Invalid client id"):
            await create_client(ctx, client_id="has space")
    user = Principal(kind="user", account_id=1, email="u@example.org", level="user")
    with pytest.raises(Forbidden, match="Only an administrator may create OAuth2 clients"):
        async with unit_of_work(services, user) as ctx:
            await create_client(ctx)
