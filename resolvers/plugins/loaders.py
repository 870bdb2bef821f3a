"""Batch reads of plugins (software), commands and their definitions: public."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from db.models import (
    Command,
    CommandOutput,
    CommandParameter,
    CommandParameterArtifactType,
    DefaultParameterSet,
    Software,
    SoftwareArtifactType,
    SoftwarePublication,
)
from resolvers.batch_grouping import many_per_key, one_per_key, values_per_key
from resolvers.batch_scope import ReadScope


async def plugins_by_id(scope: ReadScope, ids: Sequence[int]) -> list[Software | None]:
    query = select(Software).where(Software.id.in_(ids))
    return one_per_key(ids, await scope.scalars(query), lambda s: s.id)


async def commands_by_id(scope: ReadScope, ids: Sequence[int]) -> list[Command | None]:
    query = select(Command).where(Command.id.in_(ids))
    return one_per_key(ids, await scope.scalars(query), lambda c: c.id)


async def commands_for_plugins(scope: ReadScope, ids: Sequence[int]) -> list[list[Command]]:
    query = select(Command).where(Command.software_id.in_(ids)).order_by(Command.id)
    return many_per_key(ids, await scope.scalars(query), lambda c: c.software_id)


async def parameters_for_commands(
    scope: ReadScope, ids: Sequence[int]
) -> list[list[CommandParameter]]:
    """Parameters in declaration order."""
    query = (
        select(CommandParameter)
        .where(CommandParameter.command_id.in_(ids))
        .order_by(CommandParameter.position, CommandParameter.id)
    )
    return many_per_key(ids, await scope.scalars(query), lambda p: p.command_id)


async def artifact_type_ids_for_parameters(scope: ReadScope, ids: Sequence[int]) -> list[list[int]]:
    """The artifact types an `artifact` parameter accepts."""
    query = (
        select(
            CommandParameterArtifactType.parameter_id,
            CommandParameterArtifactType.artifact_type_id,
        )
        .where(CommandParameterArtifactType.parameter_id.in_(ids))
        .order_by(CommandParameterArtifactType.artifact_type_id)
    )
    return values_per_key(ids, await scope.rows(query))


async def commands_for_artifact_types(scope: ReadScope, ids: Sequence[int]) -> list[list[Command]]:
    """Active commands with an artifact parameter accepting each artifact type, by id."""
    query = (
        select(CommandParameterArtifactType.artifact_type_id, Command)
        .join(CommandParameter, CommandParameter.id == CommandParameterArtifactType.parameter_id)
        .join(Command, Command.id == CommandParameter.command_id)
        .where(CommandParameterArtifactType.artifact_type_id.in_(ids), Command.active)
        .distinct()
        .order_by(Command.id)
    )
    return values_per_key(ids, await scope.rows(query))


async def outputs_for_commands(scope: ReadScope, ids: Sequence[int]) -> list[list[CommandOutput]]:
    query = (
        select(CommandOutput).where(CommandOutput.command_id.in_(ids)).order_by(CommandOutput.id)
    )
    return many_per_key(ids, await scope.scalars(query), lambda o: o.command_id)


async def parameter_sets_for_commands(
    scope: ReadScope, ids: Sequence[int]
) -> list[list[DefaultParameterSet]]:
    query = (
        select(DefaultParameterSet)
        .where(DefaultParameterSet.command_id.in_(ids))
        .order_by(DefaultParameterSet.id)
    )
    return many_per_key(ids, await scope.scalars(query), lambda s: s.command_id)


async def artifact_type_ids_for_plugins(scope: ReadScope, ids: Sequence[int]) -> list[list[int]]:
    """The artifact types a type plugin defines and validates."""
    query = (
        select(SoftwareArtifactType.software_id, SoftwareArtifactType.artifact_type_id)
        .where(SoftwareArtifactType.software_id.in_(ids))
        .order_by(SoftwareArtifactType.artifact_type_id)
    )
    return values_per_key(ids, await scope.rows(query))


async def publications_for_plugins(scope: ReadScope, ids: Sequence[int]) -> list[list[str]]:
    """DOIs of each plugin's publications."""
    query = (
        select(SoftwarePublication.software_id, SoftwarePublication.doi)
        .where(SoftwarePublication.software_id.in_(ids))
        .order_by(SoftwarePublication.doi)
    )
    return values_per_key(ids, await scope.rows(query))
