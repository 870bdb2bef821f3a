"""`submitJob` reads its inputs with the caller's read rule: an artifact (or a parent job)
the caller may not read is answered exactly like one that does not exist, and nothing
is created, queued or launched."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import func, select

from db.models import ProcessingJob
from resolvers.context import Services
from tests.builders.callers import Callers, run_graphql
from tests.builders.plugins import make_plugin
from tests.builders.study_tree import make_study_tree

SUBMIT_JOB = """mutation($input: SubmitJobInput!) {
  submitJob(input: $input) { job { jobId } userErrors { field message } } }"""
MISSING_ID = 987_654_321


async def submit(
    client: httpx.AsyncClient, callers: Callers, command_id: int, value: Any
) -> dict[str, Any]:
    result = await run_graphql(
        client,
        SUBMIT_JOB,
        {"input": {"commandId": str(command_id), "parameters": {"input_data": value}}},
        caller=callers.other,
    )
    payload: dict[str, Any] = result["data"]["submitJob"]
    return payload


async def job_count(services: Services) -> int:
    async with services.sessions() as session:
        return int((await session.execute(select(func.count(ProcessingJob.id)))).scalar() or 0)


def refusal(message: str) -> dict[str, Any]:
    return {
        "job": None,
        "userErrors": [{"field": ["input", "parameters", "input_data"], "message": message}],
    }


async def test_an_unreadable_artifact_is_answered_like_a_missing_one(
    client: httpx.AsyncClient, services: Services, callers: Callers
) -> None:
    plugin = await make_plugin(services)
    tree = await make_study_tree(services, callers.owner.account, command_id=plugin.command_id)
    before = await job_count(services)

    missing = await submit(client, callers, plugin.command_id, MISSING_ID)
    assert missing == refusal(f"Parameter 'input_data': artifact {MISSING_ID} does not exist")
    private = await submit(client, callers, plugin.command_id, tree.root_artifact_id)
    assert private == refusal(
        f"Parameter 'input_data': artifact {tree.root_artifact_id} does not exist"
    )
    assert await job_count(services) == before


async def test_the_type_of_an_unreadable_artifact_is_not_revealed(
    client: httpx.AsyncClient, services: Services, callers: Callers
) -> None:
    """The command takes FASTQ; the private BIOM artifact is still just "does not exist"."""
    plugin = await make_plugin(services)
    tree = await make_study_tree(services, callers.owner.account, command_id=plugin.command_id)
    payload = await submit(client, callers, plugin.command_id, tree.child_artifact_id)
    assert payload == refusal(
        f"Parameter 'input_data': artifact {tree.child_artifact_id} does not exist"
    )
    owner = await run_graphql(
        client,
        SUBMIT_JOB,
        {
            "input": {
                "commandId": str(plugin.command_id),
                "parameters": {"input_data": tree.child_artifact_id},
            }
        },
        caller=callers.owner,
    )
    [error] = owner["data"]["submitJob"]["userErrors"]
    assert "is BIOM" in error["message"]  # the owner may read it, and is told why it is wrong


async def test_an_unreadable_parent_job_is_answered_like_a_missing_one(
    client: httpx.AsyncClient, services: Services, callers: Callers
) -> None:
    plugin = await make_plugin(services)
    tree = await make_study_tree(services, callers.owner.account, command_id=plugin.command_id)
    before = await job_count(services)
    payload = await submit(client, callers, plugin.command_id, [tree.job_id, "OTU table"])
    assert payload == refusal(f"Parameter 'input_data': job {tree.job_id} does not exist")
    assert await job_count(services) == before


async def test_a_public_artifact_can_be_used_by_anyone_signed_in(
    client: httpx.AsyncClient, services: Services, callers: Callers
) -> None:
    plugin = await make_plugin(services)
    tree = await make_study_tree(
        services, callers.owner.account, command_id=plugin.command_id, visibility="public"
    )
    payload = await submit(client, callers, plugin.command_id, tree.root_artifact_id)
    assert payload["userErrors"] == []
    assert payload["job"]["jobId"]
