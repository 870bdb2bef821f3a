"""`/qiita_db/artifacts/types/`: mountpoints of every type, and type creation (§4.1, §4.2)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from resolvers.artifacts import artifact_types
from rest_compat.bearer import authenticated_unit_of_work
from rest_compat.encoding import (
    MalformedBody,
    empty_response,
    json_response,
    parse_boolean,
    parse_json_field,
    read_arguments,
)


async def list_types(request: Request) -> Response:
    async with authenticated_unit_of_work(request) as ctx:
        mounts = await artifact_types.list_artifact_type_mounts(ctx)
    return json_response(mounts)


def _filepath_types(text: str) -> list[tuple[str, bool]]:
    value = parse_json_field(text, "filepath_types")
    if not isinstance(value, list) or not all(
        isinstance(item, list) and len(item) == 2 and isinstance(item[0], str) for item in value
    ):
        raise MalformedBody("Argument filepath_types must be a JSON list of [name, required]")
    return [(name, bool(required)) for name, required in value]


async def create_type(request: Request) -> Response:
    """Idempotent: an existing type answers an empty 200 too and is left as it is."""
    async with authenticated_unit_of_work(request) as ctx:
        args = await read_arguments(request)
        name = args.get_raw("type_name")  # the resolver refuses control characters
        if name is None:  # decisions.md: the documented name `name` is accepted too
            name = args.get_raw("name")
        if name is None:
            args.require("type_name")
        assert name is not None
        description = args.require("description")
        ebi = parse_boolean(args.require("can_be_submitted_to_ebi"), "can_be_submitted_to_ebi")
        vamps = parse_boolean(
            args.require("can_be_submitted_to_vamps"), "can_be_submitted_to_vamps"
        )
        uploadable = parse_boolean(args.require("is_user_uploadable"), "is_user_uploadable")
        filepath_types = _filepath_types(args.require("filepath_types"))
        await artifact_types.create_artifact_type(
            ctx,
            name=name,
            description=description,
            can_be_submitted_to_ebi=ebi,
            can_be_submitted_to_vamps=vamps,
            is_user_uploadable=uploadable,
            filepath_types=filepath_types,
        )
    return empty_response()
