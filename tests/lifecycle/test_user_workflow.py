"""A workflow built and submitted through GraphQL runs on real plugin processes.

createWorkflow (Upper case on an artifact) -> addWorkflowStep (Upper case of the first
step's `upper` output) -> submitWorkflow: the first step is queued and launched, the
second waits, then takes the released output of the first and runs to its own released
artifact.
"""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import select

from db.models import Account, Artifact, ArtifactParent
from tests.builders.accounts import bearer, token_for
from tests.builders.studies import make_owned_study, make_root_artifact
from tests.lifecycle.live import Live, command_id, launch_log, wait_for_status

CREATE = """mutation($input: CreateWorkflowInput!) {
  createWorkflow(input: $input) { workflow { workflowId inConstruction roots { jobId } }
    userErrors { field message } } }"""
ADD = """mutation($input: AddWorkflowStepInput!) {
  addWorkflowStep(input: $input) { job { jobId status parameters parents { jobId } }
    userErrors { field message } } }"""
SUBMIT = """mutation($input: SubmitWorkflowInput!) {
  submitWorkflow(input: $input) {
    workflow { inConstruction jobs { jobId status } } userErrors { field message } } }"""
READ = """query($id: Int!) { workflow(workflowId: $id) {
  jobs { jobId status outputs { artifactId name } } } }"""


async def graphql(
    client: httpx.AsyncClient, token: str, query: str, variables: dict[str, Any]
) -> dict[str, Any]:
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables}, headers=bearer(token)
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    return body["data"]


async def test_a_two_step_workflow_runs_to_its_released_artifacts(live: Live) -> None:
    services = live.services
    owner = await make_owned_study(services)
    root = await make_root_artifact(services, owner, "soil\nwater\n")
    upper = await command_id(services, "Line tools", "Upper case")
    async with services.sessions() as session:
        account = await session.get(Account, owner.principal.account_id)
    assert account is not None
    token = await token_for(services, "user", account=account)

    async with httpx.AsyncClient(base_url=live.url, timeout=30) as client:
        created = await graphql(
            client,
            token,
            CREATE,
            {"input": {"commandId": str(upper), "parameters": {"input_data": root}}},
        )
        assert created["createWorkflow"]["userErrors"] == []
        workflow = created["createWorkflow"]["workflow"]
        assert workflow["inConstruction"] is True
        [first] = [job["jobId"] for job in workflow["roots"]]
        added = await graphql(
            client,
            token,
            ADD,
            {
                "input": {
                    "workflowId": str(workflow["workflowId"]),
                    "commandId": str(upper),
                    "parameters": {"suffix": "again"},
                    "parentJobId": first,
                    "parentOutputName": "upper",
                }
            },
        )
        step = added["addWorkflowStep"]["job"]
        assert step["status"] == "IN_CONSTRUCTION"
        assert step["parameters"]["input_data"] == [first, "upper"]
        assert step["parents"] == [{"jobId": first}]
        second = step["jobId"]

        submitted = await graphql(
            client, token, SUBMIT, {"input": {"workflowId": str(workflow["workflowId"])}}
        )
        statuses = {
            job["jobId"]: job["status"] for job in submitted["submitWorkflow"]["workflow"]["jobs"]
        }
        assert statuses[second] == "WAITING"
        assert statuses[first] in ("QUEUED", "RUNNING")

        done = await wait_for_status(services, second, "success", "error")
        assert done.status == "success", launch_log(live.settings, first) + launch_log(
            live.settings, second
        )
        assert done.pending is None
        read = await graphql(client, token, READ, {"id": workflow["workflowId"]})
    outputs = {job["jobId"]: job["outputs"] for job in read["workflow"]["jobs"]}
    [first_output] = outputs[first]
    [second_output] = outputs[second]
    assert done.parameters["input_data"] == str(first_output["artifactId"])
    async with services.sessions() as session:
        parent = (
            await session.execute(
                select(ArtifactParent.parent_id).where(
                    ArtifactParent.artifact_id == second_output["artifactId"]
                )
            )
        ).scalar_one()
        final = await session.get(Artifact, second_output["artifactId"])
    assert parent == first_output["artifactId"]
    assert final is not None
    assert final.visibility == "sandbox"
    data_dir = live.settings.resolved_data_dir
    assert (data_dir / "line_table" / str(final.id) / "again.txt").read_text() == "SOIL\nWATER\n"
