"""Building workflows through GraphQL on the demo data: steps wired output to input, the
rules of construction, who may build, and a preparation's default workflow."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import select

from db.models import Account, Artifact, Command, PrepTemplate, ProcessingJob
from gateway.demo import load_demo
from gateway.demo_data import OWNER
from resolvers.context import SYSTEM, Services, unit_of_work
from tests.builders.accounts import token_for
from tests.builders.callers import Caller, Callers, SignedInCaller, make_caller, run_graphql

CREATE = """mutation($input: CreateWorkflowInput!) {
  createWorkflow(input: $input) {
    workflow { workflowId name inConstruction viewerCanEdit roots { jobId } }
    userErrors { field message code } } }"""
ADD = """mutation($input: AddWorkflowStepInput!) {
  addWorkflowStep(input: $input) {
    job { jobId status parameters parents { jobId } workflow { workflowId } }
    userErrors { field message code } } }"""
REMOVE = """mutation($input: RemoveWorkflowStepInput!) {
  removeWorkflowStep(input: $input) { workflow { jobs { jobId } }
    userErrors { field message code } } }"""
SUBMIT = """mutation($input: SubmitWorkflowInput!) {
  submitWorkflow(input: $input) { workflow { inConstruction jobs { jobId status } }
    userErrors { field message code } } }"""
DEFAULT = """mutation($input: AddDefaultWorkflowInput!) {
  addDefaultWorkflow(input: $input) {
    workflow { workflowId name inConstruction roots { jobId }
      jobs { jobId status parameters command { name } parents { jobId } } }
    userErrors { field message code } } }"""


class Demo:
    def __init__(self, owner: SignedInCaller, commands: dict[str, int], raw18: int) -> None:
        self.owner, self.commands, self.raw18 = owner, commands, raw18


async def demo(services: Services) -> Demo:
    async with unit_of_work(services, SYSTEM) as ctx:
        await load_demo(ctx)
    async with services.sessions() as session:
        owner = (
            await session.execute(select(Account).where(Account.email == OWNER.email))
        ).scalar_one()
        commands = dict((await session.execute(select(Command.name, Command.id))).all())
        raw18 = (
            await session.execute(select(Artifact.id).where(Artifact.name == "Raw 18S reads"))
        ).scalar_one()
    return Demo(
        SignedInCaller(owner, await token_for(services, "user", account=owner)), commands, raw18
    )


async def call(
    client: httpx.AsyncClient, document: str, caller: Caller, **input: Any
) -> tuple[dict[str, Any] | None, list[str]]:
    result = await run_graphql(client, document, {"input": input}, caller=caller)
    if result.get("errors"):
        return None, [error["extensions"]["code"] for error in result["errors"]]
    payload: dict[str, Any] = next(iter(result["data"].values()))
    return payload, [error["code"] for error in payload["userErrors"]]


async def split_then_pick(client: httpx.AsyncClient, world: Demo) -> tuple[int, str, str]:
    created, codes = await call(
        client,
        CREATE,
        world.owner,
        commandId=str(world.commands["Split libraries FASTQ"]),
        parameters={"input_data": world.raw18},
        name="Split and pick",
    )
    assert codes == [], created
    assert created is not None
    workflow = created["workflow"]
    assert (workflow["name"], workflow["inConstruction"], workflow["viewerCanEdit"]) == (
        "Split and pick",
        True,
        True,
    )
    [root] = [job["jobId"] for job in workflow["roots"]]
    added, codes = await call(
        client,
        ADD,
        world.owner,
        workflowId=str(workflow["workflowId"]),
        commandId=str(world.commands["Pick closed-reference OTUs"]),
        parameters={"similarity": 0.97},
        parentJobId=root,
        parentOutputName="demultiplexed",
    )
    assert codes == [], added
    assert added is not None
    step = added["job"]
    assert step["parameters"]["input_data"] == [root, "demultiplexed"]
    assert step["parents"] == [{"jobId": root}]
    assert step["workflow"] == {"workflowId": workflow["workflowId"]}
    return workflow["workflowId"], root, step["jobId"]


async def test_steps_are_wired_and_removed_only_in_construction(
    client: httpx.AsyncClient, services: Services
) -> None:
    world = await demo(services)
    workflow_id, root, step = await split_then_pick(client, world)
    wrong, codes = await call(
        client,
        ADD,
        world.owner,
        workflowId=str(workflow_id),
        commandId=str(world.commands["Pick closed-reference OTUs"]),
        parameters={},
        parentJobId=root,
        parentOutputName="no such output",
    )
    assert codes == ["INVALID"]
    assert wrong is not None
    assert wrong["userErrors"][0]["field"] == ["input", "parameters", "input_data"]

    refused, codes = await call(client, REMOVE, world.owner, jobId=root)
    assert codes == ["NOT_ALLOWED"], refused
    removed, codes = await call(client, REMOVE, world.owner, jobId=step)
    assert codes == []
    assert removed is not None
    assert removed["workflow"]["jobs"] == [{"jobId": root}]
    gone, codes = await call(client, REMOVE, world.owner, jobId=root, cascade=True)
    assert codes == []
    assert gone == {"workflow": None, "userErrors": []}
    async with services.sessions() as session:
        assert await session.get(ProcessingJob, root) is None

    workflow_id, root, step = await split_then_pick(client, world)
    submitted, codes = await call(client, SUBMIT, world.owner, workflowId=str(workflow_id))
    assert codes == []
    assert submitted is not None
    assert submitted["workflow"]["inConstruction"] is False
    statuses = {job["jobId"]: job["status"] for job in submitted["workflow"]["jobs"]}
    assert statuses == {root: "QUEUED", step: "WAITING"}
    _, codes = await call(client, SUBMIT, world.owner, workflowId=str(workflow_id))
    assert codes == ["NOT_ALLOWED"]
    _, codes = await call(client, REMOVE, world.owner, jobId=step, cascade=True)
    assert codes == ["NOT_ALLOWED"]


async def test_who_may_build_a_workflow(
    client: httpx.AsyncClient, services: Services, callers: Callers
) -> None:
    world = await demo(services)
    workflow_id, root, _ = await split_then_pick(client, world)
    guest = await make_caller(services, "guest")
    add = {
        "workflowId": str(workflow_id),
        "commandId": str(world.commands["Pick closed-reference OTUs"]),
        "parameters": {},
        "parentJobId": root,
        "parentOutputName": "demultiplexed",
    }
    for caller, expected in [
        (callers.other, ["NOT_FOUND"]),
        (guest, ["FORBIDDEN"]),
        (callers.anonymous, ["UNAUTHENTICATED"]),
        (callers.admin, []),
    ]:
        _, codes = await call(client, ADD, caller, **add)
        assert codes == expected, caller
    for caller, expected in [(guest, ["FORBIDDEN"]), (callers.anonymous, ["FORBIDDEN"])]:
        _, codes = await call(
            client,
            CREATE,
            caller,
            commandId=str(world.commands["Split libraries FASTQ"]),
            parameters={"input_data": 1},
        )
        assert codes == expected, caller
    _, codes = await call(client, SUBMIT, callers.other, workflowId=str(workflow_id))
    assert codes == ["NOT_FOUND"]


async def test_a_preparation_gets_the_steps_of_its_default_workflow_it_lacks(
    client: httpx.AsyncClient, services: Services, callers: Callers
) -> None:
    world = await demo(services)
    async with services.sessions() as session:
        preps = dict(
            (await session.execute(select(PrepTemplate.artifact_id, PrepTemplate.id))).all()
        )
        processed = (
            await session.execute(
                select(Artifact.prep_id).where(Artifact.name == "OTU table 16S (97%)")
            )
        ).scalar_one()
    prep18 = preps[world.raw18]
    added, codes = await call(client, DEFAULT, world.owner, prepId=str(prep18))
    assert codes == [], added
    assert added is not None
    workflow = added["workflow"]
    assert workflow["name"] == "Amplicon upstream workflow"
    assert workflow["inConstruction"] is True
    split, pick = workflow["jobs"]
    assert workflow["roots"] == [{"jobId": split["jobId"]}]
    assert split["command"]["name"] == "Split libraries FASTQ"
    assert split["parameters"]["input_data"] == world.raw18
    assert pick["command"]["name"] == "Pick closed-reference OTUs"
    assert pick["parameters"]["input_data"] == [split["jobId"], "demultiplexed"]
    assert pick["parents"] == [{"jobId": split["jobId"]}]
    assert {job["status"] for job in workflow["jobs"]} == {"IN_CONSTRUCTION"}

    complete, codes = await call(client, DEFAULT, world.owner, prepId=str(processed))
    assert complete == {
        "workflow": None,
        "userErrors": [
            {
                "field": ["input", "prepId"],
                "message": "This preparation is complete",
                "code": "INVALID",
            }
        ],
    }
    _, codes = await call(client, DEFAULT, callers.other, prepId=str(prep18))
    assert codes == ["FORBIDDEN"]  # the demo study is public: read, not changed
