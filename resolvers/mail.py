"""Mails to users (verification, invitation, password reset) over SMTP.

A mail is handed over once the transaction that made its link has committed
(`send_after_commit`), and is sent in the background: a slow or failing mail server
never delays or fails the request; failures are logged. Without a mail server
(`QIITA_SMTP_HOST` empty) the mail is logged instead, link included, so an
administrator can pass it on (`qiita-gateway user link` prints a new one).
"""

from __future__ import annotations

import asyncio
import logging
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage

from db.settings import Settings
from resolvers.context import Context

logger = logging.getLogger(__name__)

SMTP_TIMEOUT = 30.0
_sending: set[asyncio.Task[None]] = set()


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    body: str
    link: str
    """The one secret the mail carries; logged when no mail server is set."""


def send_after_commit(ctx: Context, mail: Mail) -> None:
    """Send `mail` in the background once the current transaction has committed."""
    settings = ctx.settings
    ctx.after_commit(lambda: _dispatch(settings, mail))


def _dispatch(settings: Settings, mail: Mail) -> None:
    if not settings.smtp_host:
        logger.info(
            "no mail server (QIITA_SMTP_HOST): not sent to %s: %r, link %s",
            mail.to,
            mail.subject,
            mail.link,
        )
        return
    task = asyncio.get_running_loop().create_task(_send(settings, mail))
    _sending.add(task)
    task.add_done_callback(_sending.discard)


async def _send(settings: Settings, mail: Mail) -> None:
    try:
        await asyncio.to_thread(deliver, settings, mail)
    except (OSError, smtplib.SMTPException) as exc:
        logger.error(
            "could not send %r to %s through %s:%s: %s",
            mail.subject,
            mail.to,
            settings.smtp_host,
            settings.effective_smtp_port,
            exc,
        )
        return
    logger.info("sent %r to %s", mail.subject, mail.to)


async def wait_for_mails() -> None:
    """Wait until the mails being sent are sent (or failed): before a process ends."""
    while _sending:
        await asyncio.gather(*list(_sending), return_exceptions=True)


def compose(settings: Settings, mail: Mail) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.effective_smtp_from
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message.set_content(mail.body)
    return message


def deliver(settings: Settings, mail: Mail) -> None:
    """Send `mail` now (blocking): TLS as `QIITA_SMTP_TLS` says, a login when a user is set."""
    host, port = settings.smtp_host, settings.effective_smtp_port
    context = ssl.create_default_context()
    smtp: smtplib.SMTP
    if settings.smtp_tls == "tls":
        smtp = smtplib.SMTP_SSL(host, port, timeout=SMTP_TIMEOUT, context=context)
    else:
        smtp = smtplib.SMTP(host, port, timeout=SMTP_TIMEOUT)
    with smtp:
        if settings.smtp_tls == "starttls":
            smtp.starttls(context=context)
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password)
        smtp.send_message(compose(settings, mail))
