"""A small app for the bearer check: the real services and error handlers, plus one
authenticated probe route (the job and study routes are tested in their own modules)."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from resolvers.context import Services
from rest_compat.authentication import AUTH_ROUTES
from rest_compat.bearer import authenticate, authenticated_unit_of_work
from rest_compat.encoding import json_response
from rest_compat.errors import EXCEPTION_HANDLERS

PROBE = "/qiita_db/probe/"
PROBE_UOW = "/qiita_db/probe-uow/"


async def whoami(request: Request) -> Response:
    principal = await authenticate(request)
    return json_response(
        {"kind": principal.kind, "email": principal.email, "client_id": principal.client_id}
    )


async def whoami_in_transaction(request: Request) -> Response:
    async with authenticated_unit_of_work(request) as ctx:
        return json_response({"kind": ctx.principal.kind})


def probe_app(services: Services) -> Starlette:
    app = Starlette(
        routes=[
            *AUTH_ROUTES,
            Route(PROBE, whoami, methods=["GET", "POST"]),
            Route(PROBE_UOW, whoami_in_transaction, methods=["GET"]),
        ],
        exception_handlers=EXCEPTION_HANDLERS,
    )
    app.router.redirect_slashes = False
    app.state.services = services
    return app
