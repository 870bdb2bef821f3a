"""`/qiita_db/archive/observations/`: look up and store archived features (§5.5, §5.6)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from resolvers.artifacts import archive
from rest_compat.bearer import authenticated_unit_of_work
from rest_compat.encoding import (
    MissingArgument,
    json_response,
    parse_json_field,
    read_arguments,
)


async def lookup(request: Request) -> Response:
    """`job_id` plus the repeated raw `features` field."""
    async with authenticated_unit_of_work(request) as ctx:
        args = await read_arguments(request)
        job_id = args.require("job_id")
        if "features" not in args:
            raise MissingArgument("features")
        found = await archive.lookup_features(ctx, job_id, args.get_list("features"))
    return json_response(found)


async def store(request: Request) -> Response:
    """`path` = the job id, `value` (or the documented `req_value`) = JSON feature -> value."""
    async with authenticated_unit_of_work(request) as ctx:
        args = await read_arguments(request)
        job_id = args.require("path")
        text = args.get("value")
        if text is None:  # decisions.md: the documented name is accepted too
            text = args.get("req_value")
        if text is None:
            raise MissingArgument("value")
        stored = await archive.store_features(ctx, job_id, parse_json_field(text, "value"))
    return json_response(stored)
