"""Accounts, OAuth2 clients, tokens, rate limits and user messages."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Enum, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.models.base import NO_REUSE, Base, CreatedAt, IntPK

USER_LEVELS = ("admin", "dev", "superuser", "user", "unverified", "guest", "wet-lab admin")
GRANT_TYPES = ("client", "password")
ACCOUNT_LINK_PURPOSES = ("verify", "reset", "invite")
MESSAGE_KINDS = ("notice", "job_succeeded", "job_failed", "study_shared", "analysis_shared")

UserLevel = Enum(*USER_LEVELS, name="user_level", native_enum=False, create_constraint=True)


class Account(Base):
    __tablename__ = "account"
    __table_args__ = NO_REUSE

    id: Mapped[IntPK]
    email: Mapped[str] = mapped_column(unique=True)
    email_lower: Mapped[str] = mapped_column(unique=True)
    level: Mapped[str] = mapped_column(UserLevel, default="unverified")
    password_hash: Mapped[str]
    name: Mapped[str | None]
    affiliation: Mapped[str | None]
    address: Mapped[str | None]
    phone: Mapped[str | None]
    verify_code: Mapped[str | None]
    reset_code: Mapped[str | None]
    reset_code_at: Mapped[dt.datetime | None]
    receive_processing_job_emails: Mapped[bool] = mapped_column(default=False)
    social_orcid: Mapped[str | None]
    social_researchgate: Mapped[str | None]
    social_googlescholar: Mapped[str | None]
    created_at: Mapped[CreatedAt]


class OAuthClient(Base):
    """A client: NULL secret hash means a password-grant client (scripts acting as a user)."""

    __tablename__ = "oauth_client"

    client_id: Mapped[str] = mapped_column(String(50), primary_key=True)
    client_secret_hash: Mapped[str | None]
    software_id: Mapped[int | None] = mapped_column(
        ForeignKey("software.id", ondelete="CASCADE"), unique=True
    )
    description: Mapped[str] = mapped_column(default="")
    created_at: Mapped[CreatedAt]


class OAuthToken(Base):
    __tablename__ = "oauth_token"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    client_id: Mapped[str] = mapped_column(
        ForeignKey("oauth_client.client_id", ondelete="CASCADE"), index=True
    )
    grant_type: Mapped[str] = mapped_column(
        Enum(*GRANT_TYPES, name="grant_type", native_enum=False, create_constraint=True)
    )
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("account.id", ondelete="CASCADE"), index=True
    )
    issued_at: Mapped[CreatedAt]
    expires_at: Mapped[dt.datetime] = mapped_column(index=True)


class OAuthRateLimit(Base):
    """Password-grant request budget of one (client, user) pair for a 24 h window."""

    __tablename__ = "oauth_rate_limit"

    client_id: Mapped[str] = mapped_column(
        ForeignKey("oauth_client.client_id", ondelete="CASCADE"), primary_key=True
    )
    account_id: Mapped[int] = mapped_column(
        ForeignKey("account.id", ondelete="CASCADE"), primary_key=True
    )
    window_start: Mapped[dt.datetime]
    remaining: Mapped[int]


class SignInFailure(Base):
    """Recent failed password sign-ins of one account or one client address.

    `scope` is `account` (subject: the lower-cased e-mail, whether or not such an account
    exists) or `address` (subject: the client's IP address). Every worker reads and
    writes these rows, so throttling holds across processes.
    """

    __tablename__ = "sign_in_failure"

    scope: Mapped[str] = mapped_column(String(16), primary_key=True)
    subject: Mapped[str] = mapped_column(String(320), primary_key=True)
    failures: Mapped[int]
    window_start: Mapped[dt.datetime]
    lockouts: Mapped[int]
    locked_until: Mapped[dt.datetime | None]
    last_failure_at: Mapped[dt.datetime]


class AccountLink(Base):
    """A single-use secret mailed to an account: verify its e-mail, reset or set (invite)
    its password. Only the SHA-256 of the secret is stored; `used_at` marks it spent."""

    __tablename__ = "account_link"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("account.id", ondelete="CASCADE"), index=True
    )
    purpose: Mapped[str] = mapped_column(
        Enum(
            *ACCOUNT_LINK_PURPOSES,
            name="account_link_purpose",
            native_enum=False,
            create_constraint=True,
        )
    )
    created_at: Mapped[CreatedAt]
    expires_at: Mapped[dt.datetime]
    used_at: Mapped[dt.datetime | None]


class Message(Base):
    """A message to users: a notice from the administrators (to every account), or a
    notice to one user about their job (`job_id`) or a study or analysis shared with them."""

    __tablename__ = "message"
    __table_args__ = NO_REUSE

    id: Mapped[IntPK]
    body: Mapped[str]
    created_at: Mapped[CreatedAt]
    expires_at: Mapped[dt.datetime | None]
    kind: Mapped[str] = mapped_column(String(32), default="notice", server_default="notice")
    job_id: Mapped[str | None] = mapped_column(String(36))
    study_id: Mapped[int | None]
    analysis_id: Mapped[int | None]


class MessageRecipient(Base):
    __tablename__ = "message_recipient"

    message_id: Mapped[int] = mapped_column(
        ForeignKey("message.id", ondelete="CASCADE"), primary_key=True
    )
    account_id: Mapped[int] = mapped_column(
        ForeignKey("account.id", ondelete="CASCADE"), primary_key=True
    )
    read: Mapped[bool] = mapped_column(default=False)

    __table_args__ = (Index("ix_message_recipient_account", "account_id"),)

    account: Mapped[Account] = relationship(lazy="raise")
