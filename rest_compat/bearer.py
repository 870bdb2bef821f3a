"""The bearer check every legacy REST endpoint runs first (plugin-api.md §2.3).

Usage in an endpoint module::

    from rest_compat.bearer import authenticate, authenticated_unit_of_work

    async def get_job(request: Request) -> Response:
        principal = await authenticate(request)          # just the caller
        ...

    async def heartbeat(request: Request) -> Response:
        async with authenticated_unit_of_work(request) as ctx:   # caller + transaction
            await lifecycle.heartbeat_job(ctx, request.path_params["job_id"])
        return empty_response()

Both raise `OAuthFailure`, which `rest_compat.errors` answers with the contract's
400 `{"error": ..., "error_description": ...}` (plugin-api.md §1.5, shape A).
Services come from `request.state.services` (lifespan state) or
`request.app.state.services`. HEAD reaches the same endpoint as GET, so it is
authenticated the same way (decisions.md).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from starlette.requests import HTTPConnection, Request
from starlette.responses import Response

from resolvers.auth import access, tokens
from resolvers.context import Context, Principal, Services, unit_of_work

Endpoint = Callable[[Request], Awaitable[Response]]


def services_of(connection: HTTPConnection) -> Services:
    services = getattr(connection.state, "services", None)
    if services is None:
        services = connection.app.state.services
    assert isinstance(services, Services)
    return services


async def authenticate(request: HTTPConnection) -> Principal:
    """The caller of a legacy REST request; `OAuthFailure` when the token is missing,
    malformed, unknown, expired, or over its daily limit. Checked once per request."""
    known = getattr(request.state, "principal", None)
    if isinstance(known, Principal):
        return known
    principal = await tokens.authenticate_bearer(
        services_of(request), request.headers.get("authorization")
    )
    request.state.principal = principal
    return principal


def client_write(endpoint: Endpoint) -> Endpoint:
    """A plugin-API write: refused (403) unless the token is a client's (decisions.md)."""

    async def guarded(request: Request) -> Response:
        access.require_plugin_api_writer(await authenticate(request))
        return await endpoint(request)

    return guarded


@asynccontextmanager
async def authenticated_unit_of_work(request: HTTPConnection) -> AsyncIterator[Context]:
    """Authenticate, then one transaction as that caller (`resolvers.context.unit_of_work`)."""
    principal = await authenticate(request)
    async with unit_of_work(services_of(request), principal) as ctx:
        yield ctx
