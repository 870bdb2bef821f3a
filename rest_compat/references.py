"""`/qiita_db/references/<id>/` (plugin-api.md §4.12)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from resolvers.artifacts import references
from rest_compat.bearer import authenticated_unit_of_work
from rest_compat.encoding import json_response
from rest_compat.qiita_routing import captured_int


async def get_reference(request: Request) -> Response:
    async with authenticated_unit_of_work(request) as ctx:
        reference_id = captured_int(request, "reference_id", "Reference")
        details = await references.get_reference(ctx, reference_id)
    return json_response(
        {
            "name": details.reference.name,
            "version": details.reference.version,
            "files": {fp_type: str(path) for fp_type, path in details.files.items()},
        }
    )
