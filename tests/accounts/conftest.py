"""Fixtures of the account tests: a real SMTP server on loopback and settings that use it."""

from tests.accounts.mail import mailbox, settings

__all__ = ["mailbox", "settings"]
