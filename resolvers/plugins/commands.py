"""Plugins (software) and their commands: lookup, command creation and activation.

plugin-api.md §5.1-§5.4 and domain.md §2.9 (parameter types, defaults, parameter sets,
outputs). Registration from configuration files is resolvers/plugins/registration.py.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
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
from resolvers.plugins.registration import registration_in_progress

SIMPLE_TYPES = frozenset(
    {"string", "integer", "float", "boolean", "bool", "reference", "prep_template", "analysis"}
)
LIST_TYPES = frozenset({"choice", "mchoice", "artifact"})
VALIDATE = "Validate"
VALIDATE_EXTRAS = (("name", "dflt_name"), ("provenance", None))
"""Optional string parameters every Validate command of a type plugin gets (§5.2)."""


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


@dataclass(frozen=True)
class CommandDefinition:
    """A command as a plugin declares it (plugin-api.md §5.2), JSON fields decoded."""

    name: str
    description: str
    required_parameters: Any
    optional_parameters: Any
    default_parameter_sets: Any = None
    outputs: Any = None
    analysis_only: bool = False


@dataclass
class _Parameter:
    name: str
    type: str
    required: bool
    default: str | None
    name_order: int | None = None
    check_biom_merge: bool = False
    artifact_types: list[str] = field(default_factory=list)


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


def _malformed(detail: str) -> Invalid:
    return Invalid(f"Malformed parameters dictionary: {detail}", field="parameters")


def _list_values(kind: str, spec: str, name: str) -> list[Any]:
    try:
        values = json.loads(spec)
    except ValueError:
        raise _malformed(f"the type of {name!r} ({kind}:{spec}) must end in a JSON list") from None
    if not isinstance(values, list) or not values:
        raise _malformed(f"the type of {name!r} ({kind}:{spec}) must end in a non-empty list")
    return values


def _default_text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, list | dict):
        return json.dumps(value)
    return str(value)


def _parse_parameter(name: str, spec: Any, *, declared_optional: bool) -> _Parameter:
    if not isinstance(spec, list) or len(spec) not in (2, 4):
        raise _malformed(
            f"parameter {name!r} must be [type, default] or "
            "[type, default, name_order, check_biom_merge]"
        )
    kind, default = spec[0], spec[1]
    if not isinstance(kind, str):
        raise _malformed(f"the type of parameter {name!r} must be a string")
    name_order = spec[2] if len(spec) == 4 else None
    check_biom_merge = bool(spec[3]) if len(spec) == 4 else False
    if name_order is not None and (not isinstance(name_order, int) or isinstance(name_order, bool)):
        raise _malformed(f"the name order of parameter {name!r} must be an integer or null")
    base, colon, rest = kind.partition(":")
    if base in SIMPLE_TYPES and not colon:
        required = not declared_optional and default is None
        return _Parameter(name, base, required, _default_text(default), name_order,
                          check_biom_merge)  # fmt: skip
    if base not in LIST_TYPES or not colon:
        raise Invalid(f"Unknown parameter type {kind!r} for parameter {name!r}", field=name)
    values = _list_values(base, rest, name)
    if base == "artifact":
        if not all(isinstance(v, str) for v in values):
            raise _malformed(f"the artifact types of {name!r} must be strings")
        return _Parameter(name, "artifact", True, None, name_order, check_biom_merge,
                          artifact_types=list(values))  # fmt: skip
    if base == "choice":
        if default is not None and default not in values:
            raise Invalid(
                f"The default value {default!r} of parameter {name!r} is not one of {values}",
                field=name,
            )
        required = not declared_optional and default is None
        return _Parameter(name, kind, required, _default_text(default), name_order,
                          check_biom_merge)  # fmt: skip
    if isinstance(default, str):
        try:
            default = json.loads(default)
        except ValueError:
            raise Invalid(
                f"The default of mchoice parameter {name!r} must be a JSON list", field=name
            ) from None
    if default is not None and (
        not isinstance(default, list) or any(item not in values for item in default)
    ):
        raise Invalid(
            f"The default value {default!r} of parameter {name!r} is not a subset of {values}",
            field=name,
        )
    required = not declared_optional and default is None
    return _Parameter(name, kind, required, _default_text(default), name_order, check_biom_merge)


def _parse_parameters(definition: CommandDefinition) -> list[_Parameter]:
    parsed: dict[str, _Parameter] = {}
    for label, group, optional in (
        ("required_parameters", definition.required_parameters, False),
        ("optional_parameters", definition.optional_parameters, True),
    ):
        if not isinstance(group, dict):
            raise _malformed(f"{label} must be a JSON object")
        for name, spec in group.items():
            if name in parsed:
                raise _malformed(f"parameter {name!r} is declared twice")
            parsed[name] = _parse_parameter(name, spec, declared_optional=optional)
    if not parsed:
        raise Invalid("A command needs at least one parameter.", field="required_parameters")
    return list(parsed.values())


def _parameter_sets(raw: Any, parameters: list[_Parameter]) -> dict[str, dict[str, Any]]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise Invalid("default_parameter_sets must be a JSON object or null.",
                      field="default_parameter_sets")  # fmt: skip
    defaults: dict[str, Any] = {}
    for p in parameters:
        if not p.required:
            defaults[p.name] = json.loads(p.default) if (
                p.default is not None and p.type.startswith("mchoice")
            ) else p.default  # fmt: skip
    sets: dict[str, dict[str, Any]] = {}
    seen: list[dict[str, Any]] = []
    for set_name, values in raw.items():
        if not isinstance(values, dict):
            raise Invalid(f"Parameter set {set_name!r} must be an object.",
                          field="default_parameter_sets")  # fmt: skip
        unknown = sorted(set(values) - set(defaults))
        if unknown:
            raise Invalid(
                f"Parameter set {set_name!r} has parameters that are not optional parameters "
                f"of the command: {', '.join(unknown)}",
                field="default_parameter_sets",
            )
        filled = {**defaults, **values}
        if filled in seen:
            raise Invalid(f"Parameter set {set_name!r} duplicates another set of the command.",
                          field="default_parameter_sets")  # fmt: skip
        seen.append(filled)
        sets[set_name] = dict(sorted(filled.items()))
    return sets


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
    parameters = _parse_parameters(definition)
    if software.type == "artifact definition" and definition.name == VALIDATE:
        for extra, default in VALIDATE_EXTRAS:
            if all(p.name != extra for p in parameters):
                parameters.append(_Parameter(extra, "string", False, default))
    sets = _parameter_sets(definition.default_parameter_sets, parameters)
    outputs = definition.outputs or {}
    if not isinstance(outputs, dict):
        raise Invalid("outputs must be a JSON object of output name -> artifact type.",
                      field="outputs")  # fmt: skip
    wanted = {t for p in parameters for t in p.artifact_types}
    wanted |= {t for t in outputs.values() if isinstance(t, str)}
    type_ids = await _artifact_type_ids(ctx, wanted)
    for output_type in outputs.values():
        if not isinstance(output_type, str) or output_type not in type_ids:
            raise Invalid(
                f"Error creating {name}, {definition.name}, {definition.description} - "
                f"Unknown artifact_type: {output_type}",
                field="outputs",
            )
    unknown = sorted({t for p in parameters for t in p.artifact_types} - type_ids.keys())
    if unknown:
        raise Invalid(f"Unknown artifact type(s): {', '.join(unknown)}", field="parameters")

    kept_outputs: set[str] = set()
    if existing is not None:
        command = existing
        command.description = definition.description
        command.active = True
        command.is_analysis = definition.analysis_only
        kept_outputs = await _clear_definition(ctx, command, outputs, type_ids)
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
    for position, p in enumerate(parameters):
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
    ctx.session.add_all(
        DefaultParameterSet(command_id=command.id, name=n, values=v) for n, v in sets.items()
    )
    ctx.session.add_all(
        CommandOutput(command_id=command.id, name=o, artifact_type_id=type_ids[t])
        for o, t in outputs.items()
        if o not in kept_outputs
    )
    if software.type == "artifact definition":
        await _link_types(
            ctx, software, {type_ids[t] for p in parameters for t in p.artifact_types}
        )
    await ctx.session.flush()
    return command


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
