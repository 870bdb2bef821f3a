"""Typed command parameters and the commands that can take an artifact, for a job form."""

from __future__ import annotations

import httpx
import pytest

from db.models import CommandParameter
from resolvers.context import Services
from resolvers.plugins.parameter_types import parameter_choices, parameter_kind, typed_default
from tests.builders.callers import Callers, run_graphql
from tests.builders.plugins import make_plugin
from tests.builders.study_tree import make_study_tree

PARAMETERS = """
query($id: Int!) {
  artifact(artifactId: $id) {
    applicableCommands {
      commandId
      parameters { name kind choices default defaultValue artifactTypes { name } }
    }
  }
}
"""


async def test_parameters_are_typed_and_an_artifact_lists_the_commands_it_fits(
    client: httpx.AsyncClient, services: Services, callers: Callers
) -> None:
    plugin = await make_plugin(services)
    tree = await make_study_tree(services, callers.owner.account, command_id=plugin.command_id)
    fastq = await run_graphql(
        client, PARAMETERS, {"id": tree.root_artifact_id}, caller=callers.owner
    )
    assert "errors" not in fastq, fastq
    commands = fastq["data"]["artifact"]["applicableCommands"]
    [command] = [c for c in commands if c["commandId"] == plugin.command_id]
    assert command["parameters"] == [
        {
            "name": "input_data",
            "kind": "ARTIFACT",
            "choices": None,
            "default": None,
            "defaultValue": None,
            "artifactTypes": [{"name": "FASTQ"}],
        },
        {
            "name": "threads",
            "kind": "INTEGER",
            "choices": None,
            "default": 1,
            "defaultValue": "1",
            "artifactTypes": [],
        },
        {
            "name": "similarity",
            "kind": "FLOAT",
            "choices": None,
            "default": 0.97,
            "defaultValue": "0.97",
            "artifactTypes": [],
        },
    ]
    biom = await run_graphql(
        client, PARAMETERS, {"id": tree.child_artifact_id}, caller=callers.owner
    )
    commands = biom["data"]["artifact"]["applicableCommands"]
    assert plugin.command_id not in [c["commandId"] for c in commands]


@pytest.mark.parametrize(
    ("declared", "stored", "kind", "choices", "default"),
    [
        ('choice:["fast", "slow"]', "fast", "choice", ["fast", "slow"], "fast"),
        ('mchoice:["a", "b", 3]', '["a"]', "multiple_choice", ["a", "b", "3"], ["a"]),
        ("boolean", "True", "boolean", None, True),
        ("bool", "false", "boolean", None, False),
        ("reference", "1", "reference", None, "1"),
        ("prep_template", None, "preparation", None, None),
        ("integer", "not a number", "integer", None, None),
        ("surprise", "x", "other", None, "x"),
    ],
)
def test_declared_types_read_as_kinds_choices_and_defaults(
    declared: str, stored: str | None, kind: str, choices: list[str] | None, default: object
) -> None:
    parameter = CommandParameter(name="p", type=declared, default_value=stored)
    assert parameter_kind(declared) == kind
    assert parameter_choices(declared) == choices
    assert typed_default(parameter) == default
