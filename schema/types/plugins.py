"""Plugins (software) and their commands, parameters, outputs and parameter sets."""

from __future__ import annotations

import strawberry
from strawberry.scalars import JSON

from db.models import Command as CommandRow
from db.models import CommandOutput as CommandOutputRow
from db.models import CommandParameter as CommandParameterRow
from db.models import Software
from resolvers.plugins.parameter_types import parameter_choices, parameter_kind, typed_default
from schema.context import Info
from schema.relay import Node, global_id, require_found
from schema.types.enums import ParameterKind, PluginType
from schema.types.vocabulary import ArtifactType, load_artifact_type, load_artifact_types


@strawberry.type(description="A parameter of a command, with its type string as declared.")
class CommandParameter:
    name: str = strawberry.field(
        description="The parameter's name, as in `submitJob`'s parameters."
    )
    type: str = strawberry.field(
        description="The type as the plugin declared it (integer, choice:[...], artifact...); "
        "`kind`, `choices` and `artifactTypes` read it."
    )
    required: bool = strawberry.field(description="Whether a value must be given.")
    default_value: str | None = strawberry.field(
        description="The default as stored (text); `default` has it typed."
    )
    name_order: int | None = strawberry.field(
        description="The parameter's place when naming a parameter set, if any."
    )
    check_biom_merge: bool = strawberry.field(
        description="Whether the parameter counts when merging BIOM tables of an analysis."
    )
    row: strawberry.Private[CommandParameterRow]

    @classmethod
    def from_row(cls, row: CommandParameterRow) -> CommandParameter:
        return cls(
            name=row.name,
            type=row.type,
            required=row.required,
            default_value=row.default_value,
            name_order=row.name_order,
            check_biom_merge=row.check_biom_merge,
            row=row,
        )

    @strawberry.field(description="What the parameter takes; `type` is the declared text.")
    def kind(self) -> ParameterKind:
        return ParameterKind(parameter_kind(self.row.type))

    @strawberry.field(
        description="The allowed values of a CHOICE or MULTIPLE_CHOICE parameter; null for "
        "other kinds."
    )
    def choices(self) -> list[str] | None:
        return parameter_choices(self.row.type)

    @strawberry.field(
        description="The default as a value of the parameter's kind: a number for INTEGER and "
        "FLOAT, a boolean for BOOLEAN, a list for MULTIPLE_CHOICE, else text; null when there "
        "is none."
    )
    def default(self) -> JSON | None:
        value = typed_default(self.row)
        return None if value is None else JSON(value)

    @strawberry.field(description="For artifact parameters: the artifact types accepted.")
    async def artifact_types(self, info: Info) -> list[ArtifactType]:
        ids = await info.context.loaders.artifact_type_ids_for_parameter.load(self.row.id)
        return await load_artifact_types(info, ids)


@strawberry.type(description="An output of a command: a name and the artifact type it yields.")
class CommandOutput:
    name: str = strawberry.field(description="The output's name.")
    check_biom_merge: bool = strawberry.field(
        description="Whether the output counts when merging BIOM tables of an analysis."
    )
    row: strawberry.Private[CommandOutputRow]

    @strawberry.field(description="The type of the artifact it yields.")
    async def artifact_type(self, info: Info) -> ArtifactType | None:
        return await load_artifact_type(info, self.row.artifact_type_id)


@strawberry.type(description="A named set of values for a command's optional parameters.")
class DefaultParameterSet:
    parameter_set_id: int = strawberry.field(description="The parameter set's integer id.")
    name: str = strawberry.field(description="The set's name.")
    values: JSON = strawberry.field(
        description="The values, as a JSON object {parameter name: value}."
    )


@strawberry.type(description="A command of a plugin.")
class Command(Node):
    command_id: int = strawberry.field(description="Qiita's integer id, as in the REST routes.")
    name: str = strawberry.field(description="The command's name.")
    description: str = strawberry.field(description="What the command does.")
    active: bool = strawberry.field(description="Whether the command can be run.")
    is_analysis: bool = strawberry.field(
        description="Whether the command runs on analyses (not on study artifacts)."
    )
    ignore_parent_command: bool = strawberry.field(
        description="Whether the command's outputs do not depend on how the input was made."
    )
    row: strawberry.Private[CommandRow]

    @classmethod
    def from_row(cls, row: CommandRow) -> Command:
        return cls(
            id=global_id("Command", row.id),
            command_id=row.id,
            name=row.name,
            description=row.description,
            active=row.active,
            is_analysis=row.is_analysis,
            ignore_parent_command=row.ignore_parent_command,
            row=row,
        )

    @strawberry.field(description="The plugin the command belongs to.")
    async def plugin(self, info: Info) -> Plugin:
        found = await load_plugin(info, self.row.software_id)
        return require_found(found, "Plugin", self.row.software_id)

    @strawberry.field(description="Parameters in declaration order.")
    async def parameters(self, info: Info) -> list[CommandParameter]:
        rows = await info.context.loaders.parameters_for_command.load(self.command_id)
        return [CommandParameter.from_row(row) for row in rows]

    @strawberry.field(description="What the command produces.")
    async def outputs(self, info: Info) -> list[CommandOutput]:
        rows = await info.context.loaders.outputs_for_command.load(self.command_id)
        return [
            CommandOutput(name=r.name, check_biom_merge=r.check_biom_merge, row=r) for r in rows
        ]

    @strawberry.field(description="Named sets of values for the command's optional parameters.")
    async def default_parameter_sets(self, info: Info) -> list[DefaultParameterSet]:
        rows = await info.context.loaders.parameter_sets_for_command.load(self.command_id)
        return [
            DefaultParameterSet(parameter_set_id=r.id, name=r.name, values=JSON(r.values))
            for r in rows
        ]


@strawberry.type(description="A plugin (software): a processing or a type plugin.")
class Plugin(Node):
    plugin_id: int = strawberry.field(description="Qiita's software id.")
    name: str = strawberry.field(description="The plugin's name.")
    version: str = strawberry.field(description="The plugin's version.")
    description: str = strawberry.field(description="What the plugin does.")
    type: PluginType = strawberry.field(description="What the plugin provides.")
    active: bool = strawberry.field(
        description="Whether the plugin is active (its commands can run)."
    )
    deprecated: bool = strawberry.field(description="Whether the plugin is deprecated.")
    row: strawberry.Private[Software]

    @classmethod
    def from_row(cls, row: Software) -> Plugin:
        return cls(
            id=global_id("Plugin", row.id),
            plugin_id=row.id,
            name=row.name,
            version=row.version,
            description=row.description,
            type=PluginType(row.type),
            active=row.active,
            deprecated=row.deprecated,
            row=row,
        )

    @strawberry.field(description="The plugin's commands.")
    async def commands(self, info: Info) -> list[Command]:
        rows = await info.context.loaders.commands_for_plugin.load(self.plugin_id)
        return [Command.from_row(row) for row in rows]

    @strawberry.field(description="For type plugins: the artifact types they define.")
    async def artifact_types(self, info: Info) -> list[ArtifactType]:
        ids = await info.context.loaders.artifact_type_ids_for_plugin.load(self.plugin_id)
        return await load_artifact_types(info, ids)

    @strawberry.field(description="DOIs of the plugin's publications.")
    async def publications(self, info: Info) -> list[str]:
        return await info.context.loaders.publications_for_plugin.load(self.plugin_id)


async def load_command(info: Info, command_id: int | None) -> Command | None:
    if command_id is None:
        return None
    row = await info.context.loaders.command_by_id.load(command_id)
    return Command.from_row(row) if row is not None else None


async def load_plugin(info: Info, plugin_id: int | None) -> Plugin | None:
    if plugin_id is None:
        return None
    row = await info.context.loaders.plugin_by_id.load(plugin_id)
    return Plugin.from_row(row) if row is not None else None
