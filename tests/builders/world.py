"""The plugin-API world: a type plugin, a processing plugin, a study with
sample information, a preparation with a root FASTQ artifact, and jobs.

Plugins and commands are made through the resolvers (as registration makes them); the
study rows are written directly.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from db.models import (
    Account,
)
from resolvers.artifacts import artifact_types, artifacts
from resolvers.context import Principal, Services, unit_of_work
from resolvers.files import client_files
from resolvers.jobs import lifecycle
from resolvers.plugins import command_definitions, commands
from tests.builders.accounts import make_plugin_client, make_software, token_for
from tests.builders.studies import make_study_with_prep

SYSTEM = Principal(kind="system")
_serial = itertools.count(1)

TYPE_PLUGIN = ("BIOM type", "2.1.4 - Qiime2")
PROCESSING_PLUGIN = ("Deblur", "2021.09")

VALIDATE_DEFINITION = command_definitions.CommandDefinition(
    name="Validate",
    description="Validates a new artifact",
    required_parameters={
        "template": ["prep_template", None],
        "analysis": ["analysis", None],
        "files": ["string", None],
        "artifact_type": ["string", None],
    },
    optional_parameters={},
    default_parameter_sets=None,
    outputs=None,
)
SUMMARY_DEFINITION = command_definitions.CommandDefinition(
    name="Generate HTML summary",
    description="Generates the HTML summary",
    required_parameters={"input_data": ['artifact:["BIOM"]', None]},
    optional_parameters={},
    default_parameter_sets=None,
)
DEBLUR_DEFINITION = command_definitions.CommandDefinition(
    name="Deblur",
    description="Deblurring of sequences",
    required_parameters={"Demultiplexed sequences": ['artifact:["FASTQ"]', None]},
    optional_parameters={
        "Trim length": ["integer", "150", 1, True],
        "Threads": ["integer", "1"],
    },
    default_parameter_sets={"Defaults": {"Trim length": "150"}},
    outputs={"deblur final table": "BIOM", "deblur reference hit table": "BIOM"},
)


@dataclass(frozen=True)
class Plugin:
    software_id: int
    name: str
    version: str
    token: str


@dataclass(frozen=True)
class World:
    owner_id: int
    owner_email: str
    study_id: int
    prep_id: int
    fastq_id: int
    type_plugin: Plugin
    deblur: Plugin
    deblur_command_id: int
    system_token: str


async def make_type_plugin(services: Services, *, with_summary: bool = True) -> Plugin:
    name, version = TYPE_PLUGIN
    software_id = await make_software(
        services, name=name, version=version, software_type="artifact definition"
    )
    client = await make_plugin_client(services, software_id=software_id)
    async with unit_of_work(services, SYSTEM) as ctx:
        await commands.create_command(ctx, name, version, VALIDATE_DEFINITION)
        if with_summary:
            await commands.create_command(ctx, name, version, SUMMARY_DEFINITION)
    token = await token_for(services, "plugin", client=client)
    return Plugin(software_id, name, version, token)


async def make_deblur(services: Services) -> tuple[Plugin, int]:
    name, version = PROCESSING_PLUGIN
    software_id = await make_software(services, name=name, version=version)
    client = await make_plugin_client(services, software_id=software_id)
    async with unit_of_work(services, SYSTEM) as ctx:
        command = await commands.create_command(ctx, name, version, DEBLUR_DEFINITION)
        command_id = command.id
    token = await token_for(services, "plugin", client=client)
    return Plugin(software_id, name, version, token), command_id


def write_file(path: Path, content: str = "content\n") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content)
    return path


async def make_fastq(services: Services, prep_id: int, folder: Path) -> int:
    """The preparation's root FASTQ artifact, from two files in `folder`."""
    forward = write_file(folder / "s1_R1.fastq", "@r1\nACGT\n+\nIIII\n")
    barcodes = write_file(folder / "s1_I1.fastq", "@r1\nAAAA\n+\nIIII\n")
    async with unit_of_work(services, SYSTEM) as ctx:
        artifact = await artifacts.create_artifact(
            ctx,
            artifact_type="FASTQ",
            files=[(str(forward), "raw_forward_seqs"), (str(barcodes), "raw_barcodes")],
            name="Raw data 1",
            prep_id=prep_id,
        )
        return artifact.id


async def make_world(services: Services, tmp_path: Path) -> World:
    async with unit_of_work(services, SYSTEM) as ctx:
        serial = next(_serial)
        email = f"Owner{serial}@Foo.bar"
        owner = Account(email=email, email_lower=email.lower(), level="user", password_hash="x",
                        name="Owner")  # fmt: skip
        ctx.session.add(owner)
        await ctx.session.flush()
        owner_id = owner.id
    study_id, prep_id = await make_study_with_prep(services, owner_id, ["SKB1", "SKB2", "SKM4"])
    uploads = services.settings.resolved_data_dir / "uploads" / str(study_id)
    fastq_id = await make_fastq(services, prep_id, uploads)
    type_plugin = await make_type_plugin(services)
    deblur, command_id = await make_deblur(services)
    return World(
        owner_id=owner_id,
        owner_email=email,
        study_id=study_id,
        prep_id=prep_id,
        fastq_id=fastq_id,
        type_plugin=type_plugin,
        deblur=deblur,
        deblur_command_id=command_id,
        system_token=await token_for(services, "system"),
    )


async def make_world_job(
    services: Services,
    world: World,
    *,
    status: str = "queued",
    parameters: dict[str, Any] | None = None,
) -> str:
    """A Deblur job on the world's FASTQ artifact."""
    values = parameters if parameters is not None else {
        "Demultiplexed sequences": world.fastq_id, "Trim length": "150",
    }  # fmt: skip
    async with unit_of_work(services, SYSTEM) as ctx:
        job = await lifecycle.insert_job(
            ctx,
            command_id=world.deblur_command_id,
            account_id=world.owner_id,
            parameters=values,
            status=status,
        )
        return job.id


def job_dir(services: Services, job_id: str) -> Path:
    return services.settings.resolved_data_dir / "working_dir" / job_id


def completion(outputs: dict[str, list[tuple[Path, str]]], artifact_type: str = "BIOM") -> str:
    """The raw body qiita_client posts for a successful job."""
    return json.dumps(
        {
            "success": True,
            "error": "",
            "artifacts": {
                name: {
                    "artifact_type": artifact_type,
                    "filepaths": [[str(path), fp_type] for path, fp_type in files],
                    "archive": {},
                }
                for name, files in outputs.items()
            },
        }
    )


def refusal(services: Services, path: str | Path) -> dict[str, str]:
    """The body of the 403 for a handed-over path outside the client folders."""
    data_dir = services.settings.resolved_data_dir
    folders = [
        services.settings.resolved_working_dir,
        *services.settings.resolved_plugin_output_roots,
        data_dir / "uploads",
    ]
    return {"message": client_files.outside_message(str(path), folders)}


async def mount_of(services: Services, kind: str) -> Path:
    async with unit_of_work(services, SYSTEM) as ctx:
        return (await artifact_types.get_mount(ctx, kind)).path


async def make_owner(services: Services) -> int:
    serial = next(_serial)
    email = f"owner{serial}@foo.bar"
    async with unit_of_work(services, SYSTEM) as ctx:
        owner = Account(email=email, email_lower=email, level="user", password_hash="x")
        ctx.session.add(owner)
        await ctx.session.flush()
        return owner.id


async def make_job_for(
    services: Services,
    plugin: str,
    version: str,
    command: str,
    owner_id: int,
    parameters: dict[str, Any],
    *,
    status: str = "queued",
) -> str:
    """A job of a command found by plugin and command name (made by registration)."""
    async with unit_of_work(services, SYSTEM) as ctx:
        software = await commands.find_plugin(ctx, plugin, version)
        row = await commands.find_command(ctx, software, command)
        job = await lifecycle.insert_job(
            ctx, command_id=row.id, account_id=owner_id, parameters=parameters, status=status
        )
        return job.id
