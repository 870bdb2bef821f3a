"""A default workflow queued by `POST /qiita_db/artifact/` runs end to end on real plugins.

plugin-api.md §4.5 (`add_default_workflow`), plugin-lifecycle.md §5.3 step 4: the type
plugin's Validate attaches the new artifact to the preparation, the first workflow job gets
it as input and runs, and its released output feeds the second job.
"""

from __future__ import annotations

import json

import httpx
from sqlalchemy import select

from db.models import (
    Artifact,
    ArtifactType,
    CommandOutput,
    CommandParameter,
    DefaultParameterSet,
    DefaultWorkflow,
    DefaultWorkflowDataType,
    DefaultWorkflowEdge,
    DefaultWorkflowEdgeConnection,
    DefaultWorkflowNode,
    ProcessingJob,
)
from resolvers.context import Principal, Services, unit_of_work
from tests.builders.accounts import token_for
from tests.builders.studies import make_owned_study
from tests.lifecycle.live import Live, command_id, launch_log, wait_for_status


async def make_upper_twice_workflow(services: Services) -> None:
    """line_table -> Upper case -> Upper case, for data type 1."""
    upper = await command_id(services, "Line tools", "Upper case")
    async with unit_of_work(services, Principal(kind="system")) as ctx:
        session = ctx.session
        line_table = (
            await session.execute(select(ArtifactType.id).where(ArtifactType.name == "line_table"))
        ).scalar_one()
        defaults = (
            await session.execute(
                select(DefaultParameterSet.id).where(DefaultParameterSet.command_id == upper)
            )
        ).scalar_one()
        workflow = DefaultWorkflow(name="Shout twice", artifact_type_id=line_table)
        session.add(workflow)
        await session.flush()
        session.add(DefaultWorkflowDataType(workflow_id=workflow.id, data_type_id=1))
        first = DefaultWorkflowNode(workflow_id=workflow.id, default_parameter_set_id=defaults)
        second = DefaultWorkflowNode(workflow_id=workflow.id, default_parameter_set_id=defaults)
        session.add_all([first, second])
        await session.flush()
        edge = DefaultWorkflowEdge(parent_node_id=first.id, child_node_id=second.id)
        session.add(edge)
        await session.flush()
        output = (
            await session.execute(
                select(CommandOutput.id).where(
                    CommandOutput.command_id == upper, CommandOutput.name == "upper"
                )
            )
        ).scalar_one()
        parameter = (
            await session.execute(
                select(CommandParameter.id).where(
                    CommandParameter.command_id == upper, CommandParameter.name == "input_data"
                )
            )
        ).scalar_one()
        session.add(
            DefaultWorkflowEdgeConnection(
                edge_id=edge.id, parent_output_id=output, child_parameter_id=parameter
            )
        )


async def test_injected_artifact_runs_through_the_default_workflow(live: Live) -> None:
    services = live.services
    owner = await make_owned_study(services)
    await make_upper_twice_workflow(services)
    source = services.settings.resolved_data_dir / "uploads" / str(owner.study_id) / "in.txt"
    source.parent.mkdir(parents=True, exist_ok=True)
    source.write_text("a\n")
    token = await token_for(services, "system")
    async with httpx.AsyncClient(base_url=live.url) as client:
        response = await client.post(
            "/qiita_db/artifact/",
            data={
                "user_email": str(owner.principal.email),
                "artifact_type": "line_table",
                "files": json.dumps({"plain_text": [str(source)]}),
                "prep_id": str(owner.prep_id),
                "command_artifact_name": "lines",
                "add_default_workflow": "true",
            },
            headers={"Authorization": f"Bearer {token}"},
        )
    assert response.status_code == 200, response.text
    validator_id = response.json()["job_id"]
    async with services.sessions() as session:
        validator = await session.get(ProcessingJob, validator_id)
        assert validator is not None
        steps = list(
            (
                await session.execute(
                    select(ProcessingJob)
                    .where(
                        ProcessingJob.workflow_id == validator.workflow_id,
                        ProcessingJob.id != validator_id,
                    )
                    .order_by(ProcessingJob.created_at, ProcessingJob.id)
                )
            ).scalars()
        )
    assert len(steps) == 2
    first, second = steps

    done = await wait_for_status(services, second.id, "success", "error")
    assert done.status == "success", launch_log(live.settings, first.id) + launch_log(
        live.settings, second.id
    )
    async with services.sessions() as session:
        artifacts = (
            await session.execute(select(Artifact).where(Artifact.prep_id == owner.prep_id))
        ).scalars()
        by_job = {a.produced_by_job_id: a for a in artifacts}
        first_done = await session.get(ProcessingJob, first.id)
    assert (await wait_for_status(services, validator_id, "success")).status == "success"
    assert first_done is not None
    assert first_done.status == "success"
    assert first_done.parameters["input_data"] == str(by_job[None].id)
    assert by_job[None].name == "lines"
    assert done.parameters["input_data"] == str(by_job[first.id].id)
    assert done.pending is None
    assert set(by_job) == {None, first.id, second.id}
