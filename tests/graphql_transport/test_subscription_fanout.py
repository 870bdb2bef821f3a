"""Several subscribers of one job event: each sees what its own access allows."""

from __future__ import annotations

import asyncio

from sqlalchemy import delete, select

from db.models import Artifact, ProcessingJobInput, StudyShare
from resolvers.context import Principal, unit_of_work
from resolvers.jobs import lifecycle
from tests.builders.accounts import make_software, make_user, principal_for, token_for
from tests.builders.jobs import make_job
from tests.builders.plugins import make_command
from tests.builders.studies import make_study
from tests.graphql_transport.live_server import LiveServer, wait_for_subscribers
from tests.graphql_transport.ws import bearer_payload, graphql_socket, receive, subscribe

JOB_UPDATED = "subscription W($jobId: String!) { jobUpdated(jobId: $jobId) { jobId status } }"
JOBS_UPDATED = "subscription A { jobsUpdated { jobId status } }"


async def _plugin(live: LiveServer, software_id: int) -> Principal:
    token = await token_for(live.services, "plugin", software_id=software_id)
    return await principal_for(live.services, token)


async def _heartbeat(live: LiveServer, plugin: Principal, job_id: str) -> None:
    async with unit_of_work(live.services, plugin) as ctx:
        await lifecycle.heartbeat_job(ctx, job_id)


async def test_a_watcher_who_loses_access_is_ended_while_the_owner_still_gets_the_push(
    live: LiveServer,
) -> None:
    owner = await make_user(live.services)
    reader = await make_user(live.services)
    study_id = await make_study(live.services, owner, shared_with=[reader])
    software_id = await make_software(live.services)
    command_id = await make_command(live.services, software_id)
    job_id = (await make_job(live.services, command_id, owner.id)).id
    async with live.services.sessions() as session, session.begin():
        artifact_id = (
            await session.execute(select(Artifact.id).where(Artifact.study_id == study_id))
        ).scalar_one()
        session.add(ProcessingJobInput(job_id=job_id, artifact_id=artifact_id))
    owner_token = await token_for(live.services, "user", account=owner)
    reader_token = await token_for(live.services, "user", account=reader)

    async with (
        graphql_socket(live, bearer_payload(owner_token)) as owners,
        graphql_socket(live, bearer_payload(reader_token)) as readers,
    ):
        for ws in (owners, readers):
            await subscribe(ws, "1", JOB_UPDATED, {"jobId": job_id})
            assert (await receive(ws))["payload"]["data"]["jobUpdated"]["status"] == "QUEUED"
        async with live.services.sessions() as session, session.begin():
            await session.execute(delete(StudyShare).where(StudyShare.account_id == reader.id))

        await _heartbeat(live, await _plugin(live, software_id), job_id)

        pushed = await receive(owners)
        assert pushed["payload"]["data"] == {"jobUpdated": {"jobId": job_id, "status": "RUNNING"}}
        assert await receive(readers) == {"id": "1", "type": "complete"}


async def test_jobs_updated_subscribers_of_one_event_each_get_only_their_own_jobs(
    live: LiveServer,
) -> None:
    first, second = await make_user(live.services), await make_user(live.services)
    software_id = await make_software(live.services)
    command_id = await make_command(live.services, software_id)
    firsts = (await make_job(live.services, command_id, first.id)).id
    seconds = (await make_job(live.services, command_id, second.id)).id
    tokens = [await token_for(live.services, "user", account=user) for user in (first, second)]

    async with (
        graphql_socket(live, bearer_payload(tokens[0])) as one,
        graphql_socket(live, bearer_payload(tokens[1])) as other,
    ):
        await subscribe(one, "a", JOBS_UPDATED, {})
        await subscribe(other, "a", JOBS_UPDATED, {})
        await wait_for_subscribers(live.services, "job", 2)

        plugin = await _plugin(live, software_id)
        await _heartbeat(live, plugin, firsts)
        await _heartbeat(live, plugin, seconds)

        got = await asyncio.gather(receive(one), receive(other))
        assert [message["payload"]["data"]["jobsUpdated"]["jobId"] for message in got] == [
            firsts,
            seconds,
        ]
