"""`/qiita_db/jobs/...` (plugin-api.md §3): lookup, heartbeat, step, completion."""

from __future__ import annotations

import asyncio
import uuid

import httpx
from sqlalchemy import select

from db.models import ProcessingJob
from resolvers.context import Services
from tests.builders.accounts import bearer
from tests.builders.world import World, make_world_job
from tests.graphql_transport.live_server import wait_for_subscribers
from tests.rest_compat.media import HTML, JSON


async def job_row(services: Services, job_id: str) -> ProcessingJob:
    async with services.sessions() as session:
        job = (
            await session.execute(select(ProcessingJob).where(ProcessingJob.id == job_id))
        ).scalar_one()
        return job


async def test_get_job_reports_command_parameters_status(
    client: httpx.AsyncClient, services: Services, world: World
) -> None:
    job_id = await make_world_job(services, world)
    response = await client.get(f"/qiita_db/jobs/{job_id}", headers=bearer(world.deblur.token))
    assert response.status_code == 200
    assert response.headers["content-type"] == JSON
    assert response.json() == {
        "command": "Deblur",
        "parameters": {
            "Demultiplexed sequences": world.fastq_id,
            "Threads": "1",
            "Trim length": "150",
        },
        "status": "queued",
        "msg": "",
    }


async def test_get_job_accepts_other_uuid_spellings(
    client: httpx.AsyncClient, services: Services, world: World
) -> None:
    job_id = await make_world_job(services, world)
    response = await client.get(
        f"/qiita_db/jobs/{job_id.upper()}", headers=bearer(world.deblur.token)
    )
    assert response.status_code == 200
    assert response.json()["status"] == "queued"


async def test_get_job_unknown_malformed_and_trailing_slash_are_404(
    client: httpx.AsyncClient, world: World
) -> None:
    unknown = str(uuid.uuid4())
    for path, shown in [
        (f"/qiita_db/jobs/{unknown}", unknown),
        ("/qiita_db/jobs/not-a-uuid", "not-a-uuid"),
        (f"/qiita_db/jobs/{unknown}/", f"{unknown}/"),
    ]:
        response = await client.get(path, headers=bearer(world.deblur.token))
        assert response.status_code == 404, path
        assert response.headers["content-type"] == JSON
        assert response.json() == {"message": f"Job not found: {shown}"}


async def test_get_job_without_token_is_oauth_400(client: httpx.AsyncClient, world: World) -> None:
    response = await client.get(f"/qiita_db/jobs/{uuid.uuid4()}")
    assert response.status_code == 400
    assert response.json() == {
        "error": "invalid_request",
        "error_description": "Oauth2 error: invalid access token",
    }


async def test_head_on_job_needs_a_token(client: httpx.AsyncClient, world: World) -> None:
    response = await client.head(f"/qiita_db/jobs/{uuid.uuid4()}")
    assert response.status_code == 400


async def test_first_heartbeat_moves_queued_to_running(
    client: httpx.AsyncClient, services: Services, world: World
) -> None:
    job_id = await make_world_job(services, world)
    response = await client.post(
        f"/qiita_db/jobs/{job_id}/heartbeat/", headers=bearer(world.deblur.token)
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == HTML
    assert response.content == b""
    job = await job_row(services, job_id)
    assert job.status == "running"
    assert job.heartbeat is not None


async def test_heartbeat_on_running_updates_timestamp(
    client: httpx.AsyncClient, services: Services, world: World
) -> None:
    job_id = await make_world_job(services, world, status="running")
    response = await client.post(
        f"/qiita_db/jobs/{job_id}/heartbeat/", headers=bearer(world.deblur.token)
    )
    assert response.status_code == 200
    job = await job_row(services, job_id)
    assert (job.status, job.heartbeat is not None) == ("running", True)


async def test_heartbeat_refused_outside_queued_and_running(
    client: httpx.AsyncClient, services: Services, world: World
) -> None:
    for status in ("in_construction", "waiting", "success", "error"):
        job_id = await make_world_job(services, world, status=status)
        response = await client.post(
            f"/qiita_db/jobs/{job_id}/heartbeat/", headers=bearer(world.deblur.token)
        )
        assert response.status_code == 403
        assert response.headers["content-type"] == JSON
        assert response.json() == {
            "message": f"Can't execute heartbeat on job: not running: {status}"
        }
        assert (await job_row(services, job_id)).status == status


async def test_heartbeat_unknown_job_is_404(client: httpx.AsyncClient, world: World) -> None:
    job_id = str(uuid.uuid4())
    response = await client.post(
        f"/qiita_db/jobs/{job_id}/heartbeat/", headers=bearer(world.deblur.token)
    )
    assert response.status_code == 404
    assert response.json() == {"message": f"Job not found: {job_id}"}


async def test_heartbeat_without_trailing_slash_is_405(
    client: httpx.AsyncClient, services: Services, world: World
) -> None:
    job_id = await make_world_job(services, world)
    response = await client.post(
        f"/qiita_db/jobs/{job_id}/heartbeat", headers=bearer(world.deblur.token)
    )
    assert response.status_code == 405
    assert response.content == b""
    assert (await job_row(services, job_id)).status == "queued"


async def test_heartbeat_by_another_plugin_is_403(
    client: httpx.AsyncClient, services: Services, world: World
) -> None:
    job_id = await make_world_job(services, world)
    response = await client.post(
        f"/qiita_db/jobs/{job_id}/heartbeat/", headers=bearer(world.type_plugin.token)
    )
    assert response.status_code == 403
    assert response.json() == {
        "message": f"This client may not act on job {job_id}: "
        "its command belongs to another plugin."
    }
    assert (await job_row(services, job_id)).status == "queued"


async def test_step_sets_the_step_of_a_running_job(
    client: httpx.AsyncClient, services: Services, world: World
) -> None:
    job_id = await make_world_job(services, world, status="running")
    response = await client.post(
        f"/qiita_db/jobs/{job_id}/step/",
        content=b'{"step": "Step 1 of 4: Collecting information"}',
        headers=bearer(world.deblur.token),
    )
    assert response.status_code == 200
    assert response.content == b""
    assert (await job_row(services, job_id)).step == "Step 1 of 4: Collecting information"


async def test_step_refused_unless_running(
    client: httpx.AsyncClient, services: Services, world: World
) -> None:
    job_id = await make_world_job(services, world, status="queued")
    response = await client.post(
        f"/qiita_db/jobs/{job_id}/step/", content=b'{"step": "x"}',
        headers=bearer(world.deblur.token),
    )  # fmt: skip
    assert response.status_code == 403
    assert response.json() == {
        "message": "Cannot change the step of a job whose status is not 'running'"
    }
    assert (await job_row(services, job_id)).step is None


async def test_step_with_bad_body_is_400(
    client: httpx.AsyncClient, services: Services, world: World
) -> None:
    job_id = await make_world_job(services, world, status="running")
    for body, message in [
        (b"{not json", "The request body is not valid JSON: "),
        (b'{"other": 1}', "The body must be a JSON object with a string 'step'."),
    ]:
        response = await client.post(
            f"/qiita_db/jobs/{job_id}/step/", content=body, headers=bearer(world.deblur.token)
        )
        assert response.status_code == 400
        assert response.headers["content-type"] == JSON
        assert response.json()["message"].startswith(message)
    assert (await job_row(services, job_id)).step is None


async def test_step_unknown_job_is_404(client: httpx.AsyncClient, world: World) -> None:
    response = await client.post(
        "/qiita_db/jobs/abc/step/", content=b'{"step": "x"}', headers=bearer(world.deblur.token)
    )
    assert response.status_code == 404
    assert response.json() == {"message": "Job not found: abc"}


async def test_heartbeat_publishes_a_job_event_after_commit(
    client: httpx.AsyncClient, services: Services, world: World
) -> None:
    job_id = await make_world_job(services, world)
    stream = services.events.subscribe("job")
    first = asyncio.ensure_future(anext(stream))
    try:
        await wait_for_subscribers(services, "job", 1)
        response = await client.post(
            f"/qiita_db/jobs/{job_id}/heartbeat/", headers=bearer(world.deblur.token)
        )
        assert response.status_code == 200
        seen = [await asyncio.wait_for(first, 10)]
        while seen[-1].data.get("status") != "running" and len(seen) < 5:
            # the job's creation may still be on its way (PostgreSQL delivers after commit)
            seen.append(await asyncio.wait_for(anext(stream), 10))
        event = seen[-1]
        assert (event.topic, event.key, event.data["status"]) == ("job", job_id, "running")
    finally:
        first.cancel()
        await stream.aclose()  # type: ignore[attr-defined]
