"""`/qiita_db/plugins/...`: plugin and command lookup, command creation and activation (§5)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from resolvers.plugins import command_definitions, commands
from rest_compat.bearer import authenticated_unit_of_work
from rest_compat.encoding import (
    empty_response,
    json_response,
    parse_boolean,
    parse_json_field,
    read_arguments,
)
from rest_compat.qiita_routing import captured


def _plugin_key(request: Request) -> tuple[str, str]:
    return captured(request, "name"), captured(request, "version")


async def get_plugin(request: Request) -> Response:
    async with authenticated_unit_of_work(request) as ctx:
        details = await commands.get_plugin(ctx, *_plugin_key(request))
    software = details.software
    return json_response(
        {
            "name": software.name,
            "version": software.version,
            "description": software.description,
            "commands": details.commands,
            "publications": [
                {"DOI": doi, "PubMed": pubmed} for doi, pubmed in details.publications
            ],
            "type": software.type,
            "active": software.active,
        }
    )


async def get_command(request: Request) -> Response:
    async with authenticated_unit_of_work(request) as ctx:
        details = await commands.get_command(
            ctx, *_plugin_key(request), captured(request, "command")
        )
    return json_response(
        {
            "name": details.command.name,
            "description": details.command.description,
            "required_parameters": {k: list(v) for k, v in details.required_parameters.items()},
            "optional_parameters": {k: list(v) for k, v in details.optional_parameters.items()},
            "default_parameter_sets": details.default_parameter_sets,
            "outputs": [list(pair) for pair in details.outputs],
        }
    )


async def create_command(request: Request) -> Response:
    """Form fields, the structured ones as JSON text (plugin-api.md §5.2)."""
    async with authenticated_unit_of_work(request) as ctx:
        args = await read_arguments(request)
        name = args.require("name")
        description = args.require("description")
        required = parse_json_field(args.require("required_parameters"), "required_parameters")
        optional = parse_json_field(args.require("optional_parameters"), "optional_parameters")
        sets = parse_json_field(args.require("default_parameter_sets"), "default_parameter_sets")
        outputs_text = args.get("outputs")
        outputs = parse_json_field(outputs_text, "outputs") if outputs_text else None
        analysis_only_text = args.get("analysis_only")
        analysis_only = (
            parse_boolean(analysis_only_text, "analysis_only") if analysis_only_text else False
        )
        definition = command_definitions.CommandDefinition(
            name=name,
            description=description,
            required_parameters=required,
            optional_parameters=optional,
            default_parameter_sets=sets,
            outputs=outputs,
            analysis_only=analysis_only,
        )
        await commands.create_command(ctx, *_plugin_key(request), definition)
    return empty_response()


async def activate_command(request: Request) -> Response:
    """POST (what clients send) and GET (the founding list) alike (decisions.md)."""
    async with authenticated_unit_of_work(request) as ctx:
        await commands.activate_command(ctx, *_plugin_key(request), captured(request, "command"))
    return empty_response()
