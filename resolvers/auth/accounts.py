"""Accounts and OAuth2 clients: who may exist, and with which credentials (domain.md §2.1, §2.2).

E-mails are stored as given and compared case-insensitively through
`Account.email_lower`. Passwords are stored only as Argon2 hashes, client
secrets only as SHA-256 hashes.
"""

from __future__ import annotations

import re
import string

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from db.models import USER_LEVELS, Account, Message, MessageRecipient, OAuthClient, Software, utcnow
from resolvers.auth import access
from resolvers.auth.credentials import (
    CLIENT_ID_LENGTH,
    CLIENT_SECRET_LENGTH,
    hash_client_secret,
    hash_password,
    new_client_id,
    new_client_secret,
    random_alphanumeric,
)
from resolvers.context import Context
from resolvers.errors import Conflict, Forbidden, Invalid, NotFound

MIN_PASSWORD_LENGTH = 8
VERIFY_CODE_LENGTH = 20
LOCAL_PART_CHARACTERS = frozenset(string.ascii_letters + string.digits + "#_~!$&'()*+,;=:.-")
DOMAIN_CHARACTERS = frozenset(string.ascii_letters + string.digits + ".-")
CREDENTIAL_PATTERN = re.compile(r"[!-~]+")
"""Client ids and secrets: printable ASCII without spaces."""


def email_problem(email: str) -> str | None:
    """Why `email` is not a valid account e-mail, or None when it is."""
    if not email.isascii():
        return "must contain only ASCII characters"
    if '"' in email:
        return "must not contain a double quote"
    if email.count("@") != 1:
        return "must contain exactly one @"
    local, domain = email.split("@")
    if not local or not domain:
        return "needs a name before and a domain after the @"
    if local.startswith(".") or local.endswith("."):
        return "must not start or end the name before the @ with a dot"
    if not set(local) <= LOCAL_PART_CHARACTERS:
        return "has a character that is not allowed before the @"
    if domain.startswith("-") or domain.endswith("-"):
        return "must not start or end the domain with a hyphen"
    if not set(domain) <= DOMAIN_CHARACTERS:
        return "may use only letters, digits, dots and hyphens in the domain"
    return None


def password_problem(password: str) -> str | None:
    """Why `password` is not acceptable, or None when it is."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"must be at least {MIN_PASSWORD_LENGTH} characters long"
    if not password.isascii():
        return "must contain only ASCII characters"
    if any(character.isspace() for character in password):
        return "must not contain spaces"
    if "\\" in password:
        return "must not contain a backslash"
    return None


def validate_email(email: str) -> str:
    problem = email_problem(email)
    if problem is not None:
        raise Invalid(f"Invalid e-mail address {email!r}: it {problem}.", field="email")
    return email


def validate_password(password: str) -> str:
    problem = password_problem(password)
    if problem is not None:
        raise Invalid(f"Invalid password: it {problem}.", field="password")
    return password


def validate_level(level: str) -> str:
    if level not in USER_LEVELS:
        raise Invalid(
            f"Unknown user level {level!r}; use one of: {', '.join(USER_LEVELS)}.", field="level"
        )
    return level


def _may_assign_levels(ctx: Context) -> bool:
    return access.can_manage_accounts(ctx.principal)


async def get_account_by_email(ctx: Context, email: str) -> Account | None:
    query = select(Account).where(Account.email_lower == email.lower())
    return (await ctx.session.execute(query)).scalar_one_or_none()


async def create_user(
    ctx: Context,
    email: str,
    password: str,
    level: str = "unverified",
    name: str | None = None,
    affiliation: str | None = None,
) -> Account:
    """A new account. Anyone may sign up (unverified); only the system or an admin sets levels.

    Unverified accounts get a verification code; every unexpired message is
    delivered to the new account.
    """
    email = validate_email(email.strip())
    validate_password(password)
    validate_level(level)
    if level != "unverified" and not _may_assign_levels(ctx):
        raise Forbidden("Only an administrator may create accounts with a user level.")
    if await get_account_by_email(ctx, email) is not None:
        raise Conflict(f"An account with the e-mail {email} already exists.")
    account = Account(
        email=email,
        email_lower=email.lower(),
        level=level,
        password_hash=hash_password(password),
        name=name,
        affiliation=affiliation,
        verify_code=random_alphanumeric(VERIFY_CODE_LENGTH) if level == "unverified" else None,
    )
    try:
        async with ctx.session.begin_nested():
            ctx.session.add(account)
            await ctx.session.flush()
    except IntegrityError:
        raise Conflict(f"An account with the e-mail {email} already exists.") from None
    now = utcnow()
    current = select(Message.id).where(or_(Message.expires_at.is_(None), Message.expires_at > now))
    for message_id in (await ctx.session.execute(current)).scalars():
        ctx.session.add(MessageRecipient(message_id=message_id, account_id=account.id))
    await ctx.session.flush()
    return account


async def find_software_id(ctx: Context, name: str, version: str) -> int:
    """The id of the plugin registered as (name, version); NotFound otherwise."""
    query = select(Software.id).where(Software.name == name, Software.version == version)
    software_id = (await ctx.session.execute(query)).scalar_one_or_none()
    if software_id is None:
        raise NotFound(f"No plugin {name} {version} is registered.")
    return software_id


def _validate_credential(value: str, field: str, max_length: int) -> str:
    if not CREDENTIAL_PATTERN.fullmatch(value) or len(value) > max_length:
        label = "client id" if field == "client_id" else "client secret"
        raise Invalid(
            f"Invalid {label}: use 1 to {max_length} printable ASCII characters without spaces.",
            field=field,
        )
    return value


async def create_client(
    ctx: Context,
    *,
    software_id: int | None = None,
    client_id: str | None = None,
    secret: str | None = None,
    password_grant: bool = False,
    description: str = "",
) -> tuple[str, str | None]:
    """A new OAuth2 client; returns its id and its secret (None for a password-grant client).

    A password-grant client has no secret (scripts acting as a user); any
    other client authenticates with its secret, and is bound to a plugin when
    `software_id` is given (a plugin has at most one client). Missing ids and
    secrets are generated. Only the system or an admin may create clients.
    """
    if not _may_assign_levels(ctx):
        raise Forbidden("Only an administrator may create OAuth2 clients.")
    if password_grant and secret is not None:
        raise Invalid("A password-grant client has no secret; drop the secret.", field="secret")
    if password_grant and software_id is not None:
        raise Invalid(
            "A password-grant client cannot be bound to a plugin; drop one of the two.",
            field="software_id",
        )
    client_id = (
        new_client_id()
        if client_id is None
        else _validate_credential(client_id, "client_id", CLIENT_ID_LENGTH)
    )
    if not password_grant:
        secret = (
            new_client_secret()
            if secret is None
            else _validate_credential(secret, "secret", CLIENT_SECRET_LENGTH)
        )
    if await ctx.session.get(OAuthClient, client_id) is not None:
        raise Conflict(f"A client with the id {client_id} already exists.")
    if software_id is not None:
        if await ctx.session.get(Software, software_id) is None:
            raise NotFound(f"Plugin {software_id} does not exist.")
        bound = select(OAuthClient.client_id).where(OAuthClient.software_id == software_id)
        if (await ctx.session.execute(bound)).first() is not None:
            raise Conflict(f"Plugin {software_id} already has a client.")
    client = OAuthClient(
        client_id=client_id,
        client_secret_hash=None if secret is None else hash_client_secret(secret),
        software_id=software_id,
        description=description,
    )
    try:
        async with ctx.session.begin_nested():
            ctx.session.add(client)
            await ctx.session.flush()
    except IntegrityError:
        raise Conflict(f"A client with the id {client_id} already exists.") from None
    return client_id, secret
