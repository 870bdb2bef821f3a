"""The outermost middleware: a request id per request, and request metrics per route template.

The id is the caller's `X-Request-ID` when it is a sane token, else a new one; it is
sent back as `X-Request-ID` on every response and is visible to log lines and audit
rows written while the request is served (`db.request_scope`).
"""

from __future__ import annotations

import re
import time
import uuid

from starlette.applications import Starlette
from starlette.datastructures import MutableHeaders
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from db.request_scope import RequestScope, current_request
from gateway.metrics import RequestMetrics

_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
UNMATCHED = "unmatched"


def request_id_from(scope: Scope) -> str:
    for name, value in scope.get("headers", ()):
        if name == b"x-request-id":
            text = bytes(value).decode("latin-1").strip()
            if _SANE_REQUEST_ID.fullmatch(text):
                return text
            break
    return uuid.uuid4().hex


def route_template(scope: Scope) -> str:
    """The matched route's pattern (a mount's prefix for mounted apps), never the raw path."""
    route = scope.get("route")
    path = getattr(route, "path", None) if isinstance(route, BaseRoute) else None
    return path if isinstance(path, str) else UNMATCHED


class RequestTracking:
    def __init__(self, app: ASGIApp, metrics: RequestMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        request = RequestScope(
            request_id=request_id_from(scope),
            describe_route=lambda: f"{scope.get('method', 'WEBSOCKET')} {route_template(scope)}",
        )
        token = current_request.set(request)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                MutableHeaders(scope=message)["X-Request-ID"] = request.request_id
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            if scope["type"] == "http":
                self.metrics.observe_request(
                    scope["method"], route_template(scope), status, time.perf_counter() - started
                )
            for kind, name, seconds in request.operations:
                self.metrics.observe_operation(kind, self.metrics.operation_name(name), seconds)
            current_request.reset(token)


class TrackedStarlette(Starlette):
    """Starlette with `RequestTracking` outside every other middleware (server errors too)."""

    request_metrics: RequestMetrics

    def build_middleware_stack(self) -> ASGIApp:
        return RequestTracking(super().build_middleware_stack(), self.request_metrics)
