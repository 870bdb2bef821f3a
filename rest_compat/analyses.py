"""`/qiita_db/analysis/<id>/metadata/` (plugin-api.md §4.14).

Served as `application/json` (decisions.md: JSON always says so; QUIRK 16 dropped).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from resolvers.analyses.metadata import read_analysis_metadata
from rest_compat.bearer import authenticated_unit_of_work
from rest_compat.encoding import json_response
from rest_compat.qiita_routing import captured_int


async def get_metadata(request: Request) -> Response:
    async with authenticated_unit_of_work(request) as ctx:
        analysis_id = captured_int(request, "analysis_id", "Analysis")
        metadata = await read_analysis_metadata(ctx, analysis_id)
    return json_response(metadata)
