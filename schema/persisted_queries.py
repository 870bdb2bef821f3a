"""Automatic Persisted Queries as Apollo Client and urql speak them, and the allow-list.

A request may carry `extensions.persistedQuery = {"version": 1, "sha256Hash": <hex>}`:
- without `query`: the stored document runs, or the error `PersistedQueryNotFound`
  (`extensions.code` PERSISTED_QUERY_NOT_FOUND) asks the client to send it once;
- with `query`: the hash is checked against the document, which is stored once it
  has parsed and validated.
With `persisted_queries_only`, a document that is not stored is refused
(`PERSISTED_QUERY_NOT_IN_LIST`) and nothing is stored from requests. Operations over
WebSocket (graphql-transport-ws `subscribe`) follow the same rules, except that documents
are never stored from a socket.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, cast

from graphql import GraphQLError
from strawberry.http import GraphQLRequestData
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import SubscribeMessage
from strawberry.types import ExecutionResult

from resolvers.context import Services
from resolvers.persisted_queries import document_hash, find_document, store_document

NOT_FOUND = "PersistedQueryNotFound"
NOT_FOUND_CODE = "PERSISTED_QUERY_NOT_FOUND"
NOT_IN_LIST = "PersistedQueryNotInList"
NOT_IN_LIST_CODE = "PERSISTED_QUERY_NOT_IN_LIST"
BAD_REQUEST_CODE = "BAD_USER_INPUT"


@dataclass(frozen=True)
class ResolvedRequest:
    request_data: GraphQLRequestData
    register: bool
    """Store the document once it has run without a request error."""


def _error(message: str, code: str) -> ExecutionResult:
    return ExecutionResult(data=None, errors=[GraphQLError(message, extensions={"code": code})])


def _persisted_query(extensions: dict[str, Any] | None) -> object:
    return (extensions or {}).get("persistedQuery")


async def resolve(
    services: Services, request_data: GraphQLRequestData
) -> ResolvedRequest | ExecutionResult:
    """The request with its document filled in, or the error to answer with."""
    only = services.settings.persisted_queries_only
    persisted = _persisted_query(request_data.extensions)
    if persisted is None:
        if not only or request_data.query is None:
            return ResolvedRequest(request_data, register=False)
        if await find_document(services, document_hash(request_data.query)) is None:
            return _error(NOT_IN_LIST, NOT_IN_LIST_CODE)
        return ResolvedRequest(request_data, register=False)
    if not isinstance(persisted, dict) or persisted.get("version") != 1:
        return _error("Unsupported persisted query version: send version 1.", BAD_REQUEST_CODE)
    sha256 = persisted.get("sha256Hash")
    if not isinstance(sha256, str) or not sha256:
        return _error("persistedQuery.sha256Hash must be a hex string.", BAD_REQUEST_CODE)
    sha256 = sha256.lower()
    if request_data.query is not None:
        if document_hash(request_data.query) != sha256:
            return _error("provided sha does not match query", BAD_REQUEST_CODE)
        if only and await find_document(services, sha256) is None:
            return _error(NOT_IN_LIST, NOT_IN_LIST_CODE)
        return ResolvedRequest(request_data, register=not only)
    document = await find_document(services, sha256)
    if document is None:
        return _error(NOT_IN_LIST, NOT_IN_LIST_CODE) if only else _error(NOT_FOUND, NOT_FOUND_CODE)
    return ResolvedRequest(dataclasses.replace(request_data, query=document), register=False)


async def register(services: Services, request_data: GraphQLRequestData) -> None:
    if request_data.query is not None:
        await store_document(services, request_data.query)


class PersistedQueryTransportWS(BaseGraphQLTransportWSHandler[Any, Any]):
    """graphql-transport-ws with persisted queries and the allow-list on `subscribe`."""

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        payload = message.get("payload")
        services: Services | None = getattr(self.view, "services", None)
        if services is None or not isinstance(payload, dict):
            await super().handle_subscribe(message)
            return
        request_data = GraphQLRequestData(
            query=payload.get("query"),
            variables=payload.get("variables"),
            operation_name=payload.get("operationName"),
            extensions=payload.get("extensions"),
        )
        resolved = await resolve(services, request_data)
        if isinstance(resolved, ExecutionResult):
            errors = [error.formatted for error in resolved.errors or ()]
            await self.send_message({"id": message["id"], "type": "error", "payload": errors})
            return
        query = resolved.request_data.query
        await super().handle_subscribe(
            cast(SubscribeMessage, {**message, "payload": {**payload, "query": query}})
        )
