"""The ASGI GraphQL endpoint: GraphQL over HTTP, GraphiQL, and subscriptions over WebSocket.

HTTP follows the GraphQL-over-HTTP specification:
- queries by GET (`?query=...&variables=...`) or POST `application/json`; mutations by
  POST only (GET answers 405 with `Allow: POST`);
- the response media type is negotiated from `Accept`: `application/graphql-response+json`
  when the client accepts it (preferred on a tie), else `application/json`;
- with `application/graphql-response+json`, a request error (parse or validation: the
  response has no `data`) is a 400; with `application/json` every GraphQL response is a 200;
- malformed requests (body not JSON, no query) are a 400, a POST body that is not JSON a
  415, both with a GraphQL-shaped `{"errors": [{"message": ...}]}` body.

A browser asking for `/graphql` (Accept: text/html, no query) gets GraphiQL, served from
the package. WebSockets speak only `graphql-transport-ws`; the legacy `graphql-ws`
protocol is refused (it had authentication-bypass advisories). A socket authenticates
once, with the bearer token of its `connection_init` payload.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from datetime import timedelta
from typing import Any, cast

import orjson
from cross_web import AsyncHTTPRequestAdapter, HTTPException
from graphql import GraphQLError
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError, MissingQueryError
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.http.parse_content_type import parse_content_type
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType
from strawberry.types.unset import UNSET, UnsetType

from resolvers.auth import tokens
from resolvers.auth.oauth_errors import OAuthFailure
from resolvers.context import ANONYMOUS, Principal, Services
from schema import persisted_queries
from schema.context import GraphQLContext, build_context
from schema.graphiql_page import render_graphiql

logger = logging.getLogger(__name__)

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
JSON = "application/json"
CONNECTION_INIT_TIMEOUT = timedelta(seconds=30)
MAX_JSON_DEPTH = 64


class GraphQLView(GraphQL[GraphQLContext, None]):
    graphql_transport_ws_handler_class = persisted_queries.PersistedQueryTransportWS

    def __init__(self, schema: Any, services: Services) -> None:
        super().__init__(
            schema,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            connection_init_wait_timeout=CONNECTION_INIT_TIMEOUT,
        )
        self.services = services
        # Pages of the QIITA_CORS_ORIGINS origins may open subscription sockets too.
        self.allowed_origins = frozenset(services.settings.cors_origin_list)

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> GraphQLContext:
        """The caller from `Authorization: Bearer <token>`; anonymous without the header.

        A header that does not carry a valid token leaves the caller anonymous and sets
        `auth_error`, so every operation of the request fails with UNAUTHENTICATED.
        """
        principal, auth_error = ANONYMOUS, None
        authorization = request.headers.get("authorization")
        if authorization is not None:
            try:
                principal = await tokens.authenticate_bearer(self.services, authorization)
            except OAuthFailure as failure:
                auth_error = failure.description
        context = build_context(self.services, principal, auth_error=auth_error)
        if principal.is_authenticated:
            context.authorization = authorization
        return context

    # -- authentication of subscriptions ------------------------------------------------

    async def resolve_bearer(self, authorization: str) -> Principal | None:
        """The principal of an `Authorization` value, or None when it is not a valid token."""
        try:
            return await tokens.authenticate_bearer(self.services, authorization)
        except OAuthFailure:
            return None

    async def on_ws_connect(self, context: GraphQLContext) -> UnsetType | dict[str, object] | None:
        """Authenticate the socket from `connection_init`; refuse it (4403) otherwise."""
        params = getattr(context, "connection_params", None) or {}
        authorization = _authorization_from(params)
        if authorization is not None:
            principal = await self.resolve_bearer(authorization)
            if principal is None:
                logger.info("refused a subscription socket: invalid or expired token")
                raise ConnectionRejectionError({"message": "The token is invalid or expired."})
            context.principal = principal
            context.forget_loaders()
            context.auth_error, context.authorization = None, authorization
        if not context.principal.is_authenticated or context.auth_error is not None:
            logger.info("refused a subscription socket without a valid token")
            raise ConnectionRejectionError(
                {"message": 'Send {"Authorization": "Bearer <token>"} in connection_init.'}
            )
        return cast(UnsetType, UNSET)

    # -- GraphQL over HTTP --------------------------------------------------------------

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            websocket = WebSocket(scope, receive=receive, send=send)
            if await self.pick_websocket_subprotocol(websocket) is None:
                # Refused at the handshake (HTTP 403): only graphql-transport-ws is spoken.
                logger.info("refused a WebSocket without the graphql-transport-ws subprotocol")
                await self.reject_websocket(websocket)
                return
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        if scope["method"] == "HEAD":  # answered as GET; the server sends no body for HEAD
            scope = {**scope, "method": "GET"}
        request = Request(scope, receive=receive)
        media_type = negotiate_media_type(request.headers.get("accept"))
        request.state.graphql_media_type = media_type
        try:
            response = await self.run(request)
        except HTTPException as exc:
            response = _request_error_response(exc.status_code, exc.reason, media_type)
        await response(scope, receive, send)

    async def render_graphql_ide(self, request: Request) -> Response:
        return render_graphiql(request)

    async def get_sub_response(self, request: Request | WebSocket) -> Response:
        sub_response = await super().get_sub_response(request)
        sub_response.media_type = getattr(request.state, "graphql_media_type", JSON)
        request.state.graphql_sub_response = sub_response
        return sub_response

    def decode_json(self, data: str | bytes) -> object:
        """Strict UTF-8 JSON, nested at most `MAX_JSON_DEPTH` deep; else a 400 with a message."""
        try:
            document = orjson.loads(data)
        except orjson.JSONDecodeError:
            raise HTTPException(400, "Unable to parse request body as JSON") from None
        if json_depth_exceeds(document, MAX_JSON_DEPTH):
            raise HTTPException(400, f"The request JSON is nested over {MAX_JSON_DEPTH} deep.")
        return document

    def encode_json(self, data: object) -> str:
        """Compact JSON (orjson); what orjson refuses (integers over 64 bits) by json.

        Text, not bytes: WebSocket messages go out as text frames, which graphql-ws clients
        (GraphiQL's among them) require."""
        try:
            return orjson.dumps(data).decode()
        except orjson.JSONEncodeError:
            return json.dumps(data, separators=(",", ":"))

    async def parse_http_body(
        self, request: AsyncHTTPRequestAdapter
    ) -> GraphQLRequestData | list[GraphQLRequestData]:
        if request.method == "POST":
            content_type, _ = parse_content_type(request.content_type or "")
            if content_type != JSON:
                raise HTTPException(415, "Send GraphQL requests by POST as application/json.")
            body = await request.get_body()
            if not (body.encode() if isinstance(body, str) else body).lstrip().startswith(b"{"):
                raise HTTPException(400, "The request body must be a JSON object.")
        return await super().parse_http_body(request)

    async def execute_single(
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: Response,
        context: GraphQLContext,
        root_value: None,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        if context.auth_error is not None:
            error = GraphQLError(context.auth_error, extensions={"code": "UNAUTHENTICATED"})
            return ExecutionResult(data=None, errors=[error])
        resolved = await persisted_queries.resolve(self.services, request_data)
        if isinstance(resolved, ExecutionResult):
            return resolved
        request_data = resolved.request_data
        method = request_adapter.method
        allowed = OperationType.from_http(method) - {OperationType.SUBSCRIPTION}
        try:
            result = await self.schema.execute(
                request_data.query,
                root_value=root_value,
                variable_values=request_data.variables,
                context_value=context,
                operation_name=request_data.operation_name,
                allowed_operation_types=allowed,
                operation_extensions=request_data.extensions,
            )
        except InvalidOperationTypeError as exc:
            if exc.operation_type == OperationType.MUTATION:
                raise HTTPException(405, "Mutations are accepted only by POST.") from exc
            if exc.operation_type == OperationType.SUBSCRIPTION:
                return _request_error(
                    "Subscriptions are served over WebSocket (graphql-transport-ws)."
                )
            return _request_error(exc.as_http_error_reason(method))
        except CannotGetOperationTypeError as exc:
            return _request_error(exc.as_http_error_reason())
        except MissingQueryError as exc:
            raise HTTPException(400, "No GraphQL query found in the request.") from exc
        if resolved.register and not is_request_error(result):
            await persisted_queries.register(self.services, request_data)
        return result

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        body = await super().process_result(request, result)
        media_type = getattr(request.state, "graphql_media_type", JSON)
        if media_type == GRAPHQL_RESPONSE_JSON and is_request_error(result):
            body.pop("data", None)
            sub_response: Response = request.state.graphql_sub_response
            if _codes(result) == {"UNAUTHENTICATED"}:
                sub_response.status_code = 401
                sub_response.headers["www-authenticate"] = "Bearer"
            else:
                sub_response.status_code = 400
        return body

    def create_response(
        self,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        sub_response: Response,
    ) -> Response:
        response = super().create_response(response_data, sub_response)
        media_type = sub_response.media_type or JSON
        response.headers["content-type"] = media_type
        response.headers["vary"] = "Accept"
        return response


def json_depth_exceeds(document: object, limit: int) -> bool:
    """Whether lists and objects nest deeper than `limit` (walked without recursion)."""
    pending: list[tuple[object, int]] = [(document, 1)]
    while pending:
        value, depth = pending.pop()
        children: Any = value.values() if isinstance(value, dict) else value
        if isinstance(value, dict | list):
            if depth > limit:
                return True
            pending.extend((child, depth + 1) for child in children)
    return False


def is_request_error(result: ExecutionResult) -> bool:
    """A parse or validation error: nothing was executed, so there is no `data`."""
    return (
        result.data is None
        and bool(result.errors)
        and all(_is_request_level(error) for error in result.errors or ())
    )


def _is_request_level(error: GraphQLError) -> bool:
    return error.path is None


def _codes(result: ExecutionResult) -> set[object]:
    return {(error.extensions or {}).get("code") for error in result.errors or ()}


def _request_error(message: str) -> ExecutionResult:
    """A GraphQL request error: 200 in application/json, 400 in graphql-response+json."""
    return ExecutionResult(data=None, errors=[GraphQLError(message)])


def negotiate_media_type(accept: str | None) -> str:
    """The response media type for an `Accept` header (quality values as in RFC 9110 §12.5.1).

    `application/graphql-response+json` only when the client names it and rates it no
    lower than `application/json` (or refuses JSON): wildcards keep older clients on JSON.
    """
    ranges = _parse_accept(accept or "")
    named = ranges.get(GRAPHQL_RESPONSE_JSON)
    json_quality = _quality(ranges, JSON)
    if named is not None and named > 0 and named >= json_quality:
        return GRAPHQL_RESPONSE_JSON
    if json_quality == 0 and _quality(ranges, GRAPHQL_RESPONSE_JSON) > 0:
        return GRAPHQL_RESPONSE_JSON
    return JSON


def _parse_accept(accept: str) -> dict[str, float]:
    ranges: dict[str, float] = {}
    for item in accept.split(","):
        value, *params = (part.strip() for part in item.split(";"))
        if not value:
            continue
        quality = 1.0
        for param in params:
            name, _, raw = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = max(0.0, min(1.0, float(raw)))
                except ValueError:
                    quality = 0.0
        ranges[value.lower()] = quality
    return ranges


def _quality(ranges: Mapping[str, float], media_type: str) -> float:
    """The quality of the most specific range matching `media_type` (0 when none does)."""
    kind = media_type.partition("/")[0]
    for candidate in (media_type, f"{kind}/*", "*/*"):
        if candidate in ranges:
            return ranges[candidate]
    return 0.0 if ranges else 1.0


def _request_error_response(status_code: int, message: str, media_type: str) -> Response:
    headers = {"vary": "Accept"}
    if status_code == 405:
        headers["allow"] = "POST"
    body = json.dumps({"errors": [{"message": message}]}, separators=(",", ":"))
    return Response(body, status_code=status_code, media_type=media_type, headers=headers)


def _authorization_from(params: Mapping[str, Any]) -> str | None:
    """`Authorization` from connection_init: at top level (GraphiQL sends its headers there)
    or under `headers`, any letter case."""
    for source in (params, params.get("headers")):
        if isinstance(source, Mapping):
            for key, value in source.items():
                if isinstance(key, str) and key.lower() == "authorization":
                    return str(value)
    return None
