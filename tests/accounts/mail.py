"""A real SMTP server on 127.0.0.1 that keeps the mails it receives, and account helpers."""

from __future__ import annotations

import asyncio
import queue
import re
import socket
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from db.settings import Settings
from tests.builders.accounts import ClientCredentials

MAIL_TIMEOUT = 10.0
PUBLIC_URL = "https://qiita.example.org"
LINK = re.compile(re.escape(PUBLIC_URL) + r"/account/[a-z-]+\?token=([A-Za-z0-9]+)")
TOKEN_URL = "/qiita_db/authenticate/"


class Mailbox:
    """What the SMTP server received, in order."""

    def __init__(self) -> None:
        self._mails: queue.Queue[EmailMessage] = queue.Queue()
        self.port = 0

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or b""
        mail = message_from_bytes(content, policy=policy.default)
        assert isinstance(mail, EmailMessage)
        self._mails.put(mail)
        return "250 OK"

    async def next_mail(self) -> EmailMessage:
        return await asyncio.to_thread(self._mails.get, timeout=MAIL_TIMEOUT)

    def count(self) -> int:
        return self._mails.qsize()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    box = Mailbox()
    box.port = free_port()
    controller = Controller(box, hostname="127.0.0.1", port=box.port)
    controller.start()
    try:
        yield box
    finally:
        controller.stop()


@pytest.fixture
def settings(database_url: str, tmp_path: Path, mailbox: Mailbox) -> Settings:
    """The default settings (registration closed), mail through the test's SMTP server."""
    return Settings(
        data_dir=tmp_path / "data",
        database_url=database_url,
        plugins_dir=tmp_path / "plugins",
        test_mode=True,
        launch_jobs=False,
        public_url=PUBLIC_URL,
        smtp_host="127.0.0.1",
        smtp_port=mailbox.port,
        smtp_tls="none",
        smtp_from="qiita@example.org",
    )


def link_token(mail: EmailMessage) -> str:
    body = mail.get_body(("plain",))
    assert body is not None
    found = LINK.search(body.get_content())
    assert found is not None, body.get_content()
    return found.group(1)


async def sign_in(
    client: httpx.AsyncClient, password_client: ClientCredentials, email: str, password: str
) -> httpx.Response:
    form = {
        "grant_type": "password",
        "client_id": password_client.client_id,
        "username": email,
        "password": password,
    }
    return await client.post(TOKEN_URL, data=form)


def payload(result: dict[str, Any], mutation: str) -> dict[str, Any]:
    assert "errors" not in result, result
    data: dict[str, Any] = result["data"][mutation]
    return data
