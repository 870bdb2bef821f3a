"""Racing requests on one job: state stays consistent and completion happens once."""

from __future__ import annotations

import asyncio

import httpx
from sqlalchemy import func, select

from db.models import Artifact, ProcessingJob, ProcessingJobValidator
from resolvers.context import Services
from tests.builders.accounts import bearer
from tests.builders.world import World, completion, make_world_job
from tests.rest_compat.test_completion import deblur_outputs, run_validator, validators_of

PARALLEL_HEARTBEATS = 50


async def test_fifty_parallel_heartbeats_all_succeed_and_leave_it_running(
    client: httpx.AsyncClient, services: Services, world: World
) -> None:
    job_id = await make_world_job(services, world, status="queued")
    url = f"/qiita_db/jobs/{job_id}/heartbeat/"
    responses = await asyncio.gather(
        *(client.post(url, headers=bearer(world.deblur.token)) for _ in range(PARALLEL_HEARTBEATS))
    )
    assert [r.status_code for r in responses] == [200] * PARALLEL_HEARTBEATS
    async with services.sessions() as session:
        job = await session.get(ProcessingJob, job_id)
        assert job is not None
        assert job.status == "running"
        assert job.heartbeat is not None


async def test_two_parallel_completes_make_one_set_of_validators(
    client: httpx.AsyncClient, services: Services, world: World
) -> None:
    job_id = await make_world_job(services, world, status="running")
    body = completion(deblur_outputs(services, job_id)).encode()
    url = f"/qiita_db/jobs/{job_id}/complete/"
    responses = await asyncio.gather(
        *(client.post(url, content=body, headers=bearer(world.deblur.token)) for _ in range(2))
    )
    assert sorted(r.status_code for r in responses) == [200, 403]
    refused = next(r for r in responses if r.status_code == 403)
    assert refused.json() == {"message": "Can't complete job: not in a running state"}
    async with services.sessions() as session:
        count = await session.execute(
            select(func.count()).where(ProcessingJobValidator.job_id == job_id)
        )
        assert count.scalar_one() == 2
        job = await session.get(ProcessingJob, job_id)
        assert job is not None
        assert job.status == "running"


async def test_two_validators_finishing_together_release_once(
    client: httpx.AsyncClient, services: Services, world: World
) -> None:
    job_id = await make_world_job(services, world, status="running")
    body = completion(deblur_outputs(services, job_id)).encode()
    await client.post(
        f"/qiita_db/jobs/{job_id}/complete/", content=body, headers=bearer(world.deblur.token)
    )
    validators = await validators_of(services, job_id)
    responses = await asyncio.gather(*(run_validator(client, world, v) for v in validators))
    assert [r.status_code for r in responses] == [200, 200]
    async with services.sessions() as session:
        made = await session.execute(
            select(func.count()).where(Artifact.produced_by_job_id == job_id)
        )
        assert made.scalar_one() == 2
        job = await session.get(ProcessingJob, job_id)
        assert job is not None
        assert job.status == "success"
