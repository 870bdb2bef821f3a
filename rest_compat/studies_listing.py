"""`/qiita_db/studies/<visibility>` (plugin-api.md §4.13): BIOM artifacts per study."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from resolvers.artifacts import artifacts
from rest_compat.bearer import authenticated_unit_of_work
from rest_compat.encoding import json_response
from rest_compat.qiita_routing import captured


async def list_biom_artifacts(request: Request) -> Response:
    async with authenticated_unit_of_work(request) as ctx:
        by_study = await artifacts.biom_artifacts_by_study(ctx, captured(request, "visibility"))
    return json_response({"data": {str(study): ids for study, ids in by_study.items()}})
