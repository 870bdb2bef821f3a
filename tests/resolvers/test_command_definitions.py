"""`create_command`: the edge rules of parameter declarations (domain.md §2.9)."""

from __future__ import annotations

from sqlalchemy import select

from db.models import CommandParameter, SoftwareArtifactType
from resolvers.context import Services, unit_of_work
from resolvers.plugins import command_definitions, commands
from tests.builders.accounts import make_software
from tests.builders.world import SYSTEM


async def test_declarations_become_required_or_optional_by_the_rules(services: Services) -> None:
    software_id = await make_software(
        services, name="Types", version="1", software_type="artifact definition"
    )
    definition = command_definitions.CommandDefinition(
        name="Generate HTML summary",
        description="d",
        required_parameters={
            "input_data": ['artifact:["BIOM", "FASTQ"]', None],
            "level": ["integer", 3],
        },
        optional_parameters={
            "other_input": ['artifact:["BIOM"]', None],
            "note": ["string", None],
            "depth": ["integer", "10", 2, True],
        },
    )
    async with unit_of_work(services, SYSTEM) as ctx:
        command = await commands.create_command(ctx, "Types", "1", definition)
        rows = (
            await ctx.session.execute(
                select(CommandParameter).where(CommandParameter.command_id == command.id)
            )
        ).scalars()
        by_name = {row.name: row for row in rows}
        linked = (
            await ctx.session.execute(
                select(SoftwareArtifactType.artifact_type_id)
                .where(SoftwareArtifactType.software_id == software_id)
                .order_by(SoftwareArtifactType.artifact_type_id)
            )
        ).scalars()
        linked_ids = list(linked)
    assert {name: row.required for name, row in by_name.items()} == {
        "input_data": True,
        "level": False,  # a required entry with a default is stored as optional
        "other_input": True,  # an artifact parameter is always required
        "note": False,  # optional even with a null default
        "depth": False,
    }
    assert (by_name["level"].default_value, by_name["depth"].default_value) == ("3", "10")
    assert (by_name["depth"].name_order, by_name["depth"].check_biom_merge) == (2, True)
    assert by_name["input_data"].type == "artifact"
    assert linked_ids == [3, 7]  # FASTQ and BIOM are linked to the type plugin
