"""The GraphQL request context: the resolvers' services plus the caller."""

from __future__ import annotations

from dataclasses import dataclass

import strawberry

from resolvers.context import Principal, Services


@dataclass
class GraphQLContext:
    services: Services
    principal: Principal
    auth_error: str | None = None
    """Set when a token was sent but is not valid (reported as UNAUTHENTICATED)."""
    connection_params: dict[str, object] | None = None
    """A subscription socket's `connection_init` payload (set by the WebSocket handler)."""


Info = strawberry.Info[GraphQLContext, None]
