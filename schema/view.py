"""The ASGI GraphQL endpoint: builds the per-request context."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL

from resolvers.context import ANONYMOUS, Services
from schema.context import GraphQLContext


class GraphQLView(GraphQL[GraphQLContext, None]):
    def __init__(self, schema: Any, services: Services) -> None:
        super().__init__(
            schema,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
        )
        self.services = services

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> GraphQLContext:
        return GraphQLContext(services=self.services, principal=ANONYMOUS)
