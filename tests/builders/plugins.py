"""Plugins and their commands."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from db.models import (
    Account,
    Command,
    CommandOutput,
    CommandParameter,
    CommandParameterArtifactType,
    DefaultParameterSet,
    Software,
)
from resolvers.context import Services, unit_of_work
from tests.builders.accounts import make_software, unique
from tests.builders.seeded import BIOM, FASTQ

_serial = itertools.count(1)


@dataclass(frozen=True)
class PluginRows:
    plugin_id: int
    name: str
    version: str
    command_id: int


async def make_command(
    services: Services, software_id: int | None = None, *, name: str | None = None
) -> int:
    """A command of `software_id` (of a new software row when not given)."""
    if software_id is None:
        software_id = await make_software(services)
    async with services.sessions() as session, session.begin():
        command = Command(software_id=software_id, name=name or unique("command "))
        session.add(command)
        await session.flush()
        return command.id


async def make_plugin(services: Services, *, name: str | None = None) -> PluginRows:
    """A processing plugin with one command: an artifact input, two options, a BIOM output."""
    plugin_name = name or unique("Plugin ")
    async with services.sessions() as session, session.begin():
        software = Software(
            name=plugin_name, version="1.0", type="artifact transformation", active=True
        )
        session.add(software)
        await session.flush()
        command = Command(software_id=software.id, name="Pick closed-reference OTUs")
        session.add(command)
        await session.flush()
        artifact_parameter = CommandParameter(
            command_id=command.id, name="input_data", type="artifact", required=True, position=0
        )
        session.add_all(
            [
                artifact_parameter,
                CommandParameter(
                    command_id=command.id,
                    name="threads",
                    type="integer",
                    required=False,
                    default_value="1",
                    position=1,
                ),
                CommandParameter(
                    command_id=command.id,
                    name="similarity",
                    type="float",
                    required=False,
                    default_value="0.97",
                    position=2,
                ),
                CommandOutput(command_id=command.id, name="OTU table", artifact_type_id=BIOM),
                DefaultParameterSet(
                    command_id=command.id,
                    name="Defaults",
                    values={"threads": 1, "similarity": 0.97},
                ),
            ]
        )
        await session.flush()
        session.add(
            CommandParameterArtifactType(parameter_id=artifact_parameter.id, artifact_type_id=FASTQ)
        )
        return PluginRows(software.id, plugin_name, "1.0", command.id)


async def make_runnable_command(
    services: Services, *, start_script: str = "start_nothing", environment: str = ""
) -> tuple[int, int]:
    """A plugin with one command `Run` (required integer `n`) and a user: their ids."""
    serial = next(_serial)
    async with unit_of_work(services) as ctx:
        software = Software(
            name=f"Rules plugin {serial}",
            version="1",
            type="artifact transformation",
            active=True,
            start_script=start_script,
            environment_script=environment,
        )
        account = Account(
            email=f"rules{serial}@example.org",
            email_lower=f"rules{serial}@example.org",
            password_hash="x",
            level="user",
        )
        ctx.session.add_all([software, account])
        await ctx.session.flush()
        command = Command(software_id=software.id, name="Run", active=True)
        ctx.session.add(command)
        await ctx.session.flush()
        return command.id, account.id
