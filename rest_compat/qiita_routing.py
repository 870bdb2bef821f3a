"""Routing the way Qiita routes (plugin-api.md §1.2), and decoding what routes capture.

Routes are tried in order and the first whose *path* matches wins: a path match with
another method is that route's 405, never a reason to try later routes. Captures are
greedy (they may contain `/`); ids are parsed afterwards, and a malformed id is a 404
(decisions.md).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Match, Route
from starlette.types import Scope

from resolvers.errors import NotFound
from rest_compat.encoding import MAX_ID

Endpoint = Callable[[Request], Awaitable[Response]]


class QiitaRoute(Route):
    """A Starlette route that claims every request whose path it matches.

    `handlers` maps methods to endpoints; a GET handler answers HEAD too (authenticated
    the same way, decisions.md) unless `head` is false (`/cloud`, plugin-api.md §6).
    """

    def __init__(self, path: str, handlers: Mapping[str, Endpoint], *, head: bool = True) -> None:
        table = dict(handlers)
        if head and "GET" in table:
            table["HEAD"] = table["GET"]

        async def dispatch(request: Request) -> Response:
            return await table[request.method](request)

        super().__init__(path, dispatch, methods=list(table))
        if not head and self.methods is not None:
            self.methods.discard("HEAD")

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        match, child = super().matches(scope)
        if match is Match.PARTIAL:
            return Match.FULL, child
        return match, child


def captured(request: Request, name: str) -> str:
    """A capture as text; one holding a NUL character names nothing (404)."""
    value = request.path_params[name]
    assert isinstance(value, str)
    if "\x00" in value:
        raise NotFound(f"Not found: {value!r}")
    return value


def captured_int(request: Request, name: str, what: str) -> int:
    """An integer id from a greedy capture; anything else names nothing: 404."""
    text = captured(request, name)
    if not text.isascii() or not text.isdigit() or int(text) > MAX_ID:
        raise NotFound(f"{what} not found: {text}")
    return int(text)
