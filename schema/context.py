"""The GraphQL request context: the resolvers' services, the caller and the request's loaders."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field

import strawberry

from db.settings import Settings
from resolvers.batch_scope import ReadScope
from resolvers.context import Context, Principal, Services, unit_of_work
from schema.loaders import Loaders


@dataclass
class GraphQLContext:
    services: Services
    principal: Principal
    auth_error: str | None = None
    """Set when a token was sent but is not valid (reported as UNAUTHENTICATED)."""
    connection_params: dict[str, object] | None = None
    """A subscription socket's `connection_init` payload (set by the WebSocket handler)."""
    authorization: str | None = None
    """The `Authorization` value the caller was authenticated with: long-lived
    subscriptions check it again before each push (expired or revoked tokens stop them)."""
    loaders: Loaders = field(init=False)
    """Built per request: DataLoader caches never outlive one operation's caller."""

    def __post_init__(self) -> None:
        self.loaders = Loaders(
            ReadScope(
                settings=self.services.settings,
                sessions=self.services.sessions,
                principal=self.principal,
            )
        )

    @property
    def settings(self) -> Settings:
        return self.services.settings

    def unit_of_work(self) -> AbstractAsyncContextManager[Context]:
        """A transaction for one root field or one mutation."""
        return unit_of_work(self.services, self.principal)


def build_context(
    services: Services, principal: Principal, *, auth_error: str | None = None
) -> GraphQLContext:
    """The context of one GraphQL request or subscription, with fresh loaders."""
    return GraphQLContext(services=services, principal=principal, auth_error=auth_error)


Info = strawberry.Info[GraphQLContext, None]
