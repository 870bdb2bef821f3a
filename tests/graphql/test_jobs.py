"""Processing jobs over GraphQL: lookup, filters and stable keyset pages."""

from __future__ import annotations

import datetime as dt

import httpx

from resolvers.context import Services
from tests.builders.callers import Callers, error_codes, run_graphql
from tests.builders.plugins import make_plugin
from tests.builders.study_tree import make_study_tree

JOBS = """query($where: JobFilterInput, $after: String, $first: Int) {
  jobs(first: $first, after: $after, where: $where) {
    totalCount nodes { jobId status user { email } command { commandId } }
    pageInfo { hasNextPage endCursor } } }"""


async def test_job_by_uuid_with_command_and_outputs(
    client: httpx.AsyncClient, services: Services, callers: Callers
) -> None:
    tree = await make_study_tree(services, callers.owner.account)
    query = """query($id: String!) { job(jobId: $id) {
        jobId status step parameters user { email } outputs { artifactId type { name } }
        command { name parameters {
            name type required defaultValue artifactTypes { name } } } } }"""
    result = await run_graphql(client, query, {"id": tree.job_id.upper()}, caller=callers.owner)
    assert "errors" not in result, result
    job = result["data"]["job"]
    assert job["jobId"] == tree.job_id
    assert job["parameters"] == {
        "input_data": tree.root_artifact_id,
        "threads": 1,
        "similarity": 0.97,
    }
    assert job["user"] == {"email": callers.owner.account.email}
    assert job["outputs"] == [{"artifactId": tree.child_artifact_id, "type": {"name": "BIOM"}}]
    assert job["command"]["parameters"][0] == {
        "name": "input_data",
        "type": "artifact",
        "required": True,
        "defaultValue": None,
        "artifactTypes": [{"name": "FASTQ"}],
    }
    hidden = await run_graphql(client, query, {"id": tree.job_id}, caller=callers.other)
    assert hidden["data"] == {"job": None}
    assert error_codes(hidden) == ["NOT_FOUND"]


async def test_jobs_filter_by_status_plugin_command_user_and_time(
    client: httpx.AsyncClient, services: Services, callers: Callers
) -> None:
    plugin = await make_plugin(services)
    start = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    queued = await make_study_tree(
        services,
        callers.owner.account,
        command_id=plugin.command_id,
        job_status="queued",
        job_created_at=start,
    )
    done = await make_study_tree(
        services, callers.other.account, job_created_at=start + dt.timedelta(days=2)
    )

    async def ids(where: dict[str, object]) -> list[str]:
        result = await run_graphql(
            client, JOBS, {"where": where, "first": 10}, caller=callers.admin
        )
        assert "errors" not in result, result
        return [node["jobId"] for node in result["data"]["jobs"]["nodes"]]

    assert await ids({}) == [done.job_id, queued.job_id]
    assert await ids({"status": ["QUEUED", "RUNNING"]}) == [queued.job_id]
    assert await ids({"pluginId": str(plugin.plugin_id)}) == [queued.job_id]
    assert await ids({"commandId": str(plugin.command_id)}) == [queued.job_id]
    assert await ids({"userEmail": callers.other.account.email}) == [done.job_id]
    assert await ids({"createdAfter": "2025-01-02T00:00:00+00:00"}) == [done.job_id]
    assert await ids({"createdBefore": "2025-01-02T00:00:00+00:00"}) == [queued.job_id]
    owner_view = await run_graphql(client, JOBS, {"first": 10}, caller=callers.owner)
    assert [n["jobId"] for n in owner_view["data"]["jobs"]["nodes"]] == [queued.job_id]


async def test_jobs_keyset_pages_are_stable_when_times_tie(
    client: httpx.AsyncClient, services: Services, callers: Callers
) -> None:
    moment = dt.datetime(2025, 3, 1, tzinfo=dt.UTC)
    plugin = await make_plugin(services)
    trees = [
        await make_study_tree(
            services,
            callers.owner.account,
            command_id=plugin.command_id,
            job_created_at=moment,
            samples=1,
        )
        for _ in range(5)
    ]
    seen: list[str] = []
    after = None
    for _ in range(5):
        result = await run_graphql(client, JOBS, {"first": 2, "after": after}, caller=callers.owner)
        page = result["data"]["jobs"]
        assert page["totalCount"] == 5
        seen += [node["jobId"] for node in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == sorted((tree.job_id for tree in trees), reverse=True)


async def test_anonymous_sees_jobs_of_public_artifacts_only(
    client: httpx.AsyncClient, services: Services, callers: Callers
) -> None:
    public = await make_study_tree(services, callers.owner.account, visibility="public")
    await make_study_tree(services, callers.owner.account)
    result = await run_graphql(client, JOBS, {"first": 10}, caller=callers.anonymous)
    assert [n["jobId"] for n in result["data"]["jobs"]["nodes"]] == [public.job_id]
    assert result["data"]["jobs"]["nodes"][0]["user"] == {"email": callers.owner.account.email}
