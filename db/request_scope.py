"""What the request being served is: its id and its origin, for log lines and the audit log.

The gateway's request middleware sets `current_request` for each HTTP request; the
GraphQL layer names the operation on the same object. Work outside a request (the
CLI, the dispatcher, the watchdog) sees None.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field


@dataclass
class RequestScope:
    request_id: str
    describe_route: Callable[[], str | None] = lambda: None
    """`METHOD /route/{template}` of the matched route (never the raw path), once routed."""
    operation: str | None = None
    """`mutation createStudy`-like label of the GraphQL operation being executed."""
    operations: list[tuple[str, str | None, float]] = field(default_factory=list)
    """GraphQL operations executed: (type, client-given name, seconds), for the metrics."""

    @property
    def route(self) -> str | None:
        return self.describe_route()

    @property
    def origin(self) -> str | None:
        return self.operation or self.route


current_request: ContextVar[RequestScope | None] = ContextVar("qiita_request", default=None)


def current_request_id() -> str | None:
    scope = current_request.get()
    return scope.request_id if scope is not None else None
