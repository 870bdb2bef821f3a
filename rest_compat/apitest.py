"""`/apitest/...`: routes for plugin test suites, mounted only in test mode (plugin-api.md §7)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from resolvers.apitest import operations
from rest_compat.bearer import authenticate, authenticated_unit_of_work
from rest_compat.encoding import (
    MalformedBody,
    empty_response,
    json_response,
    parse_id,
    parse_json_field,
    read_arguments,
)


async def create_job(request: Request) -> Response:
    """A job in `in_construction` (or the given status), never launched."""
    async with authenticated_unit_of_work(request) as ctx:
        args = await read_arguments(request)
        job_id = await operations.create_test_job(
            ctx,
            user_email=args.get("user") or operations.DEFAULT_TEST_USER,
            command=parse_json_field(args.require("command"), "command"),
            parameters=parse_json_field(args.require("parameters"), "parameters"),
            status=args.get("status") or None,
        )
    return json_response({"job": job_id})


def _optional_id(text: str | None, name: str) -> int | None:
    return parse_id(text, name) if text else None


async def create_artifact(request: Request) -> Response:
    """An artifact made directly from files, without a Validate job."""
    async with authenticated_unit_of_work(request) as ctx:
        args = await read_arguments(request)
        parents_text = args.get("parents")
        parents = parse_json_field(parents_text, "parents") if parents_text else []
        if not isinstance(parents, list) or not all(
            isinstance(p, int) and not isinstance(p, bool) for p in parents
        ):
            raise MalformedBody("Argument parents must be a JSON list of artifact ids")
        artifact_id = await operations.create_test_artifact(
            ctx,
            filepaths=parse_json_field(args.require("filepaths"), "filepaths"),
            artifact_type=args.require("type"),
            prep_id=_optional_id(args.get("prep"), "prep"),
            analysis_id=_optional_id(args.get("analysis"), "analysis"),
            name=args.get("name") or None,
            data_type=args.get("data_type") or None,
            parents=parents,
            job_id=args.get("job_id") or None,
        )
    return json_response({"artifact": artifact_id})


async def reset(request: Request) -> Response:
    """The database back to its seeded state, every token dropped (`drop_labcontrol` ignored)."""
    principal = await authenticate(request)
    await request.app.state.reset_database(principal)
    return empty_response()


async def reload_plugins(request: Request) -> Response:
    """Load every plugin configuration file with update, activate and register each."""
    async with authenticated_unit_of_work(request) as ctx:
        operations.require_test_client(ctx)
    errors = await request.app.state.reload_plugins()
    operations.check_plugin_reload(errors)
    return empty_response()
