"""`POST /qiita_db/authenticate/` (plugin-api.md §2.4).

Reads the form fields (query string and form body, last value wins) and the
`Authorization` header, and hands them to `resolvers.auth.tokens.request_token`.
Failures are `OAuthFailure`, answered by `rest_compat.errors`.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from resolvers.auth import tokens
from rest_compat.bearer import services_of
from rest_compat.encoding import json_response, read_arguments

TOKEN_FIELDS = ("grant_type", "client_id", "client_secret", "username", "password")


async def authenticate(request: Request) -> Response:
    arguments = await read_arguments(request)
    form = {name: value for name in TOKEN_FIELDS if (value := arguments.get(name)) is not None}
    token_request = tokens.TokenRequest(
        form=form,
        authorization=request.headers.get("authorization"),
        address=request.client.host if request.client else None,
    )
    issued = await tokens.request_token(services_of(request), token_request)
    response = json_response(issued.as_body())
    response.headers["Cache-Control"] = "no-store"  # RFC 6749 §5.1
    response.headers["Pragma"] = "no-cache"
    return response


AUTH_ROUTES: list[BaseRoute] = [
    Route("/qiita_db/authenticate/", authenticate, methods=["POST"]),
]
