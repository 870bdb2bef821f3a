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
    _loaders: Loaders | None = field(default=None, init=False, repr=False)

    @property
    def loaders(self) -> Loaders:
        """Built per request on first use: DataLoader caches never outlive one operation's
        caller, and an operation that loads nothing nested builds none."""
        if self._loaders is None:
            scope = ReadScope(self.services.settings, self.services.sessions, self.principal)
            self._loaders = Loaders(scope)
        return self._loaders

    def forget_loaders(self) -> None:
        """The next load starts from empty caches, as `principal` is then (a subscription's
        next push, a socket authenticated after it opened)."""
        self._loaders = None

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
