"""Plugins (software) and their commands: lookup, command creation and activation.

plugin-api.md §5.1-§5.4 and domain.md §2.9 (parameter types, defaults, parameter sets,
outputs). Registration from configuration files is resolvers/plugins/registration.py.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select

from db.models import (
    ArtifactType,
    Command,
    CommandOutput,
    CommandParameter,
    CommandParameterArtifactType,
    DefaultParameterSet,
    Publication,
    Software,
    SoftwareArtifactType,
    SoftwarePublication,
)
from resolvers.auth import access
from resolvers.context import Context
from resolvers.errors import Conflict, Forbidden, Invalid, NotFound
from resolvers.plugins.command_definitions import (
    CheckedDefinition,
    CommandDefinition,
    Parameter,
    check_definition,
)
from resolvers.plugins.registration import registration_in_progress


@dataclass(frozen=True)
class PluginDetails:
    software: Software
    commands: list[str]
    publications: list[tuple[str, str | None]]


@dataclass(frozen=True)
class CommandDetails:
    """A command as `GET .../commands/<name>/` describes it (plugin-api.md §5.3)."""

    command: Command
    required_parameters: dict[str, tuple[str, list[str | None]]]
    optional_parameters: dict[str, tuple[str, Any]]
    default_parameter_sets: dict[str, dict[str, Any]]
    outputs: list[tuple[str, str]]


async def find_plugin(ctx: Context, name: str, version: str) -> Software:
    """The plugin (name, version); NotFound otherwise."""
    query = select(Software).where(Software.name == name, Software.version == version)
    software = (await ctx.session.execute(query)).scalar_one_or_none()
    if software is None:
        raise NotFound(f"Plugin {name!r} version {version!r} does not exist.")
    return software


PLUGIN_API_REFUSAL = "Only plugin clients and administrators may use the plugin API."


def _require_own_plugin(ctx: Context, software: Software) -> None:
    if not access.can_change_plugin(ctx.principal, software.id):
        raise Forbidden(f"This client may not change plugin {software.name} {software.version}.")


async def get_plugin(ctx: Context, name: str, version: str) -> PluginDetails:
    """The plugin with the names of all its commands and its publications (§5.1)."""
    access.require_plugin_api(ctx, PLUGIN_API_REFUSAL)
    software = await find_plugin(ctx, name, version)
    commands = await ctx.session.execute(
        select(Command.name).where(Command.software_id == software.id).order_by(Command.id)
    )
    names = list(commands.scalars())
    if ctx.principal.software_id == software.id and await registration_in_progress(
        ctx, software.id
    ):
        names = []  # the plugin then sends every definition (plugin_registration.py)
    publications = await ctx.session.execute(
        select(Publication.doi, Publication.pubmed_id)
        .join(SoftwarePublication, SoftwarePublication.doi == Publication.doi)
        .where(SoftwarePublication.software_id == software.id)
        .order_by(Publication.doi)
    )
    return PluginDetails(software, names, [(doi, pubmed) for doi, pubmed in publications])


async def find_command(ctx: Context, software: Software, command_name: str) -> Command:
    query = select(Command).where(Command.software_id == software.id, Command.name == command_name)
    command = (await ctx.session.execute(query)).scalar_one_or_none()
    if command is None:
        raise NotFound(
            f"Command {command_name!r} of plugin {software.name!r} version "
            f"{software.version!r} does not exist."
        )
    return command


def decoded_default(parameter: CommandParameter) -> Any:
    """A stored default as clients see it: mchoice defaults are lists, others stored text."""
    value = parameter.default_value
    if value is not None and parameter.type.startswith("mchoice"):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


async def get_command(ctx: Context, name: str, version: str, command_name: str) -> CommandDetails:
    """The command's parameters, parameter sets and outputs (§5.3)."""
    access.require_plugin_api(ctx, PLUGIN_API_REFUSAL)
    command = await find_command(ctx, await find_plugin(ctx, name, version), command_name)
    parameters = (
        await ctx.session.execute(
            select(CommandParameter)
            .where(CommandParameter.command_id == command.id)
            .order_by(CommandParameter.position, CommandParameter.id)
        )
    ).scalars()
    accepted: dict[int, list[str]] = {}
    for parameter_id, type_name in await ctx.session.execute(
        select(CommandParameterArtifactType.parameter_id, ArtifactType.name)
        .join(ArtifactType, ArtifactType.id == CommandParameterArtifactType.artifact_type_id)
        .join(CommandParameter, CommandParameter.id == CommandParameterArtifactType.parameter_id)
        .where(CommandParameter.command_id == command.id)
    ):
        accepted.setdefault(parameter_id, []).append(type_name)
    required: dict[str, tuple[str, list[str | None]]] = {}
    optional: dict[str, tuple[str, Any]] = {}
    for parameter in parameters:
        if parameter.required:
            types: list[str | None] = [*sorted(accepted.get(parameter.id, []))] or [None]
            required[parameter.name] = (parameter.type, types)
        else:
            optional[parameter.name] = (parameter.type, decoded_default(parameter))
    sets = await ctx.session.execute(
        select(DefaultParameterSet.name, DefaultParameterSet.values)
        .where(DefaultParameterSet.command_id == command.id)
        .order_by(DefaultParameterSet.id)
    )
    outputs = await ctx.session.execute(
        select(CommandOutput.name, ArtifactType.name)
        .join(ArtifactType, ArtifactType.id == CommandOutput.artifact_type_id)
        .where(CommandOutput.command_id == command.id)
        .order_by(CommandOutput.id)
    )
    return CommandDetails(
        command=command,
        required_parameters=required,
        optional_parameters=optional,
        default_parameter_sets={n: dict(v) for n, v in sets},
        outputs=[(o, t) for o, t in outputs],
    )


async def activate_command(ctx: Context, name: str, version: str, command_name: str) -> None:
    """Set the command active (§5.4; POST and GET)."""
    software = await find_plugin(ctx, name, version)
    _require_own_plugin(ctx, software)
    command = await find_command(ctx, software, command_name)
    command.active = True
    await ctx.session.flush()


async def _artifact_type_ids(ctx: Context, names: set[str]) -> dict[str, int]:
    rows = await ctx.session.execute(
        select(ArtifactType.name, ArtifactType.id).where(ArtifactType.name.in_(names))
    )
    return {k: v for k, v in rows}


async def create_command(
    ctx: Context, name: str, version: str, definition: CommandDefinition
) -> Command:
    """Create an active command with its parameters, sets and outputs (§5.2).

    During the plugin's register run an existing command is updated to the definition.
    """
    software = await find_plugin(ctx, name, version)
    _require_own_plugin(ctx, software)
    existing = (
        await ctx.session.execute(
            select(Command).where(
                Command.software_id == software.id, Command.name == definition.name
            )
        )
    ).scalar_one_or_none()
    if existing is not None and not await registration_in_progress(ctx, software.id):
        raise Conflict(
            f"The command {definition.name!r} already exists in plugin {name} {version}."
        )
    checked = check_definition(definition, software.type)
    type_ids = await _artifact_type_ids(ctx, checked.artifact_types)
    for output_type in checked.outputs.values():
        if not isinstance(output_type, str) or output_type not in type_ids:
            raise Invalid(
                f"Error creating {name}, {definition.name}, {definition.description} - "
                f"Unknown artifact_type: {output_type}",
                field="outputs",
            )
    unknown = sorted({t for p in checked.parameters for t in p.artifact_types} - type_ids.keys())
    if unknown:
        raise Invalid(f"Unknown artifact type(s): {', '.join(unknown)}", field="parameters")
    command = await _write_command(ctx, software, existing, definition, checked, type_ids)
    if software.type == "artifact definition":
        await _link_types(
            ctx, software, {type_ids[t] for p in checked.parameters for t in p.artifact_types}
        )
    await ctx.session.flush()
    return command


async def _write_command(
    ctx: Context,
    software: Software,
    existing: Command | None,
    definition: CommandDefinition,
    checked: CheckedDefinition,
    type_ids: dict[str, int],
) -> Command:
    """Insert the command (or update `existing`) with its parameters, sets and outputs."""
    kept_outputs: set[str] = set()
    if existing is not None:
        command = existing
        command.description = definition.description
        command.active = True
        command.is_analysis = definition.analysis_only
        kept_outputs = await _clear_definition(ctx, command, checked.outputs, type_ids)
    else:
        command = Command(
            software_id=software.id,
            name=definition.name,
            description=definition.description,
            active=True,
            is_analysis=definition.analysis_only,
        )
        ctx.session.add(command)
    await ctx.session.flush()
    for position, p in enumerate(checked.parameters):
        await _add_parameter(ctx, command, position, p, type_ids)
    ctx.session.add_all(
        DefaultParameterSet(command_id=command.id, name=n, values=v)
        for n, v in checked.sets.items()
    )
    ctx.session.add_all(
        CommandOutput(command_id=command.id, name=o, artifact_type_id=type_ids[t])
        for o, t in checked.outputs.items()
        if o not in kept_outputs
    )
    return command


async def _add_parameter(
    ctx: Context, command: Command, position: int, p: Parameter, type_ids: dict[str, int]
) -> None:
    row = CommandParameter(
        command_id=command.id, name=p.name, type=p.type, required=p.required,
        default_value=p.default, name_order=p.name_order,
        check_biom_merge=p.check_biom_merge, position=position,
    )  # fmt: skip
    ctx.session.add(row)
    await ctx.session.flush()
    ctx.session.add_all(
        CommandParameterArtifactType(parameter_id=row.id, artifact_type_id=type_ids[t])
        for t in dict.fromkeys(p.artifact_types)
    )


async def _clear_definition(
    ctx: Context,
    command: Command,
    outputs: dict[str, Any],
    type_ids: dict[str, int],
) -> set[str]:
    """Make room for a new definition of `command` (re-registration).

    Parameters and parameter sets are replaced. Outputs that artifacts may name are kept
    and re-typed; their names are returned, so that only new outputs are inserted.
    """
    kept_names: set[str] = set()
    await ctx.session.execute(
        delete(DefaultParameterSet).where(DefaultParameterSet.command_id == command.id)
    )
    await ctx.session.execute(
        delete(CommandParameter).where(CommandParameter.command_id == command.id)
    )
    kept = (
        await ctx.session.execute(
            select(CommandOutput).where(CommandOutput.command_id == command.id)
        )
    ).scalars()
    for output in kept:
        if output.name in outputs:
            output.artifact_type_id = type_ids[outputs[output.name]]
            kept_names.add(output.name)
    await ctx.session.flush()
    return kept_names


async def _link_types(ctx: Context, software: Software, type_ids: set[int]) -> None:
    linked = set(
        (
            await ctx.session.execute(
                select(SoftwareArtifactType.artifact_type_id).where(
                    SoftwareArtifactType.software_id == software.id
                )
            )
        ).scalars()
    )
    ctx.session.add_all(
        SoftwareArtifactType(software_id=software.id, artifact_type_id=t)
        for t in sorted(type_ids - linked)
    )
