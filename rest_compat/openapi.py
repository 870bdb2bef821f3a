"""The OpenAPI 3.1 document of the REST routes, generated from the route table.

Paths, methods and path parameters come from the routes the app serves (so the document
cannot name a route that does not exist); words, bodies and statuses from
`rest_compat.route_docs`. A route without an entry there is a programming error.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from starlette.routing import BaseRoute, Route

from rest_compat.route_docs import JSON, OAUTH_ERROR, ROUTE_DOCS, Query, Reply, RouteDoc

OPENAPI_VERSION = "3.1.0"
DOCUMENTED_PREFIXES = ("/qiita_db/", "/cloud/", "/apitest/", "/api/v1/")
PARAMETER = re.compile(r"{([A-Za-z_][A-Za-z0-9_]*)(?::([A-Za-z_]+))?}")
CONVERTOR_SCHEMAS: dict[str, dict[str, Any]] = {
    "int": {"type": "integer", "minimum": 0},
    # Starlette's `path` convertor is `.*`: a line feed never matches the route.
    "path": {"type": "string", "pattern": "^[^\\n]*$"},
    "str": {"type": "string"},
    "qiita_categories": {"type": "string", "pattern": "^[A-Za-z0-9.:,_-]*$"},
    "qiita_sample": {"type": "string", "pattern": "^[A-Za-z0-9.-]+$"},
}
OAUTH_REPLY = Reply(
    "No, malformed, unknown or expired token (`Oauth2 error: ...`).", JSON, OAUTH_ERROR
)
DESCRIPTION = (
    "Qiita's REST routes as this server answers them. Every GET route also answers HEAD "
    "with the same token rules (except `/cloud`). Routes are tried in the order listed; "
    "captures may contain `/`; trailing slashes matter and are never redirected."
)


class UndocumentedRoute(LookupError):
    pass


def route_operations(routes: Iterable[BaseRoute]) -> list[tuple[str, str]]:
    """(method, route path) of every documented REST route, HEAD left out."""
    found: list[tuple[str, str]] = []
    for route in routes:
        if not isinstance(route, Route) or not route.path.startswith(DOCUMENTED_PREFIXES):
            continue
        for method in sorted(route.methods or ()):
            if method != "HEAD" and (method, route.path) not in found:
                found.append((method, route.path))
    return found


def openapi_path(route_path: str) -> str:
    return PARAMETER.sub(lambda match: "{" + match.group(1) + "}", route_path)


def _path_parameters(route_path: str) -> list[dict[str, Any]]:
    return [
        {
            "name": name,
            "in": "path",
            "required": True,
            "schema": CONVERTOR_SCHEMAS.get(convertor or "str", {"type": "string"}),
        }
        for name, convertor in PARAMETER.findall(route_path)
    ]


def _response(replies: Sequence[Reply]) -> dict[str, Any]:
    response: dict[str, Any] = {"description": " ".join(reply.description for reply in replies)}
    content: dict[str, list[dict[str, Any]]] = {}
    for reply in replies:
        if reply.media_type is not None:
            content.setdefault(reply.media_type, []).append(reply.schema or {})
    if content:
        response["content"] = {
            media_type: {"schema": schemas[0] if len(schemas) == 1 else {"oneOf": schemas}}
            for media_type, schemas in content.items()
        }
    return response


def _operation(method: str, route_path: str, doc: RouteDoc) -> dict[str, Any]:
    replies = {status: list(found) for status, found in doc.replies.items()}
    if doc.bearer:
        replies.setdefault(400, []).insert(0, OAUTH_REPLY)
    operation: dict[str, Any] = {
        "operationId": _operation_id(method, route_path),
        "summary": doc.summary,
        "tags": list(doc.tags),
        "parameters": _path_parameters(route_path) + [_query_parameter(q) for q in doc.query],
        "responses": {str(status): _response(replies[status]) for status in sorted(replies)},
    }
    if doc.description:
        operation["description"] = doc.description
    if doc.body is not None:
        operation["requestBody"] = {
            "required": True,
            "description": doc.body.description,
            "content": {doc.body.media_type: {"schema": doc.body.schema}},
        }
    operation["security"] = [{"bearer": []}] if doc.bearer else []
    return operation


def _query_parameter(query: Query) -> dict[str, Any]:
    return {
        "name": query.name,
        "in": "query",
        "required": query.required,
        "description": query.description,
        "schema": {"type": "string"},
    }


def _operation_id(method: str, route_path: str) -> str:
    words = re.findall(r"[A-Za-z0-9]+", PARAMETER.sub(r"by_\1", route_path))
    return "_".join([method.lower(), *words])


def openapi_document(routes: Iterable[BaseRoute], version: str) -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for method, route_path in route_operations(routes):
        doc = ROUTE_DOCS.get((method, route_path))
        if doc is None:
            raise UndocumentedRoute(f"{method} {route_path} has no entry in route_docs")
        paths.setdefault(openapi_path(route_path), {})[method.lower()] = _operation(
            method, route_path, doc
        )
    return {
        "openapi": OPENAPI_VERSION,
        "info": {"title": "qiita-gateway REST API", "version": version, "description": DESCRIPTION},
        "paths": paths,
        "components": {
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A token from POST /qiita_db/authenticate/.",
                }
            }
        },
    }
