"""`/qiita_db/users/` and `/qiita_db/user/<email>/data/` (plugin-api.md §4.10, §4.11).

The password hash is never sent (decisions.md).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from resolvers.auth import users
from rest_compat.bearer import authenticated_unit_of_work
from rest_compat.encoding import json_response
from rest_compat.qiita_routing import captured


async def list_users(request: Request) -> Response:
    async with authenticated_unit_of_work(request) as ctx:
        found = await users.list_users(ctx)
    return json_response({"data": [{"email": u.email, "name": u.name} for u in found]})


async def get_user(request: Request) -> Response:
    async with authenticated_unit_of_work(request) as ctx:
        user = await users.get_user(ctx, captured(request, "email"))
    return json_response({"data": {"email": user.email, "level": user.level, "name": user.name}})
