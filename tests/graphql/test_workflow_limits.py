"""A step that would make a workflow produce more than `max_artifacts_in_workflow` artifacts
is refused, and the workflow stays as it was."""

from __future__ import annotations

import httpx
import pytest

from db.settings import Settings
from resolvers.context import Services
from tests.graphql.test_workflows import ADD, CREATE, call, demo


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.replace(max_artifacts_in_workflow=1)


async def test_a_step_over_the_limit_is_refused(
    client: httpx.AsyncClient, services: Services
) -> None:
    world = await demo(services)
    created, codes = await call(
        client,
        CREATE,
        world.owner,
        commandId=str(world.commands["Split libraries FASTQ"]),
        parameters={"input_data": world.raw18},
    )
    assert codes == []
    assert created is not None
    workflow = created["workflow"]
    refused, codes = await call(
        client,
        ADD,
        world.owner,
        workflowId=str(workflow["workflowId"]),
        commandId=str(world.commands["Pick closed-reference OTUs"]),
        parameters={},
        parentJobId=workflow["roots"][0]["jobId"],
        parentOutputName="demultiplexed",
    )
    assert refused == {
        "job": None,
        "userErrors": [
            {
                "field": ["input", "commandId"],
                "message": "The workflow would create 2 artifacts, more than the 1 allowed in "
                "one workflow (max_artifacts_in_workflow).",
                "code": "INVALID",
            }
        ],
    }
