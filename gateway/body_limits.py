"""Request body limits: a 413 with a message before a body too large is read whole.

A declared `Content-Length` over the route's limit is refused before any of the body is
received; a body without one (chunked) is counted while the application reads it, and
reading stops with a 413 as soon as the count passes the limit.
"""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from db.settings import Settings

UPLOAD_PREFIXES = ("/api/v1/", "/cloud/push_file_to_central/", "/qiita_db/prep_template/")
SMALL_BODY_PATHS = ("/graphql", "/qiita_db/authenticate/")


class BodyTooLarge(Exception):
    """Raised from `receive` once a body passes its route's limit."""


def body_limit_for(settings: Settings, path: str) -> int:
    if path == "/uploads" or path.startswith("/uploads/"):
        return settings.max_upload_bytes  # tus: chunks of one upload, checked by the route too
    if path in SMALL_BODY_PATHS:
        return settings.max_graphql_body_bytes
    if path == "/api/v1" or path.startswith(UPLOAD_PREFIXES):
        return settings.max_upload_body_bytes
    return settings.max_body_bytes


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        limit = body_limit_for(self.settings, path)
        declared = _content_length(scope)
        if declared == -1:
            await _refuse(send, path, 400, "The Content-Length header is not a number.")
            return
        if declared is not None and declared > limit:
            await _refuse(send, path, 413, _too_large(limit))
            return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge
            return message

        async def watching_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, watching_send)
        except BodyTooLarge:
            if started:
                raise
            await _refuse(send, path, 413, _too_large(limit))


def _too_large(limit: int) -> str:
    return f"The request body is larger than the {limit} bytes this route accepts."


def _content_length(scope: Scope) -> int | None:
    """The declared length; None when absent, -1 when it is not a number."""
    for name, value in scope["headers"]:
        if name == b"content-length":
            text = value.decode("latin-1").strip()
            return int(text) if text.isascii() and text.isdigit() else -1
    return None


async def _refuse(send: Send, path: str, status: int, message: str) -> None:
    if path == "/graphql":
        code = "PAYLOAD_TOO_LARGE" if status == 413 else "BAD_REQUEST"
        document: object = {"errors": [{"message": message, "extensions": {"code": code}}]}
    else:
        document = {"message": message}
    body = json.dumps(document).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
