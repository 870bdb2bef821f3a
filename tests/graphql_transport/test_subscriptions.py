"""Subscriptions over a real WebSocket (graphql-transport-ws) on a live server."""

from __future__ import annotations

import json

import httpx
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from resolvers.auth import tokens
from resolvers.context import Principal, unit_of_work
from resolvers.jobs import lifecycle
from tests.builders.accounts import bearer, make_software, make_user, principal_for, token_for
from tests.builders.jobs import make_job
from tests.builders.plugins import make_command
from tests.graphql_transport.live_server import LiveServer, wait_for_subscribers
from tests.graphql_transport.ws import PROTOCOL, bearer_payload, graphql_socket, receive, subscribe

JOB_UPDATED = """
subscription Watch($jobId: String!) {
  jobUpdated(jobId: $jobId) { jobId status step heartbeat }
}
"""

JOBS_UPDATED = """
subscription WatchAll($filter: JobFilterInput) {
  jobsUpdated(filter: $filter) { jobId status step }
}
"""


async def _plugin(live: LiveServer, software_id: int) -> Principal:
    """The principal of a token issued to the plugin of `software_id`."""
    token = await token_for(live.services, "plugin", software_id=software_id)
    return await principal_for(live.services, token)


async def _heartbeat(live: LiveServer, plugin: Principal, job_id: str) -> None:
    """A heartbeat through the resolvers, as the job's plugin sends it."""
    async with unit_of_work(live.services, plugin) as ctx:
        await lifecycle.heartbeat_job(ctx, job_id)


async def test_job_updated_pushes_the_job_then_each_change_made_over_rest(
    live: LiveServer,
) -> None:
    owner = await make_user(live.services)
    token = await token_for(live.services, "user", account=owner)
    software_id = await make_software(live.services)
    command_id = await make_command(live.services, software_id)
    plugin_token = await token_for(live.services, "plugin", software_id=software_id)
    job_id = (await make_job(live.services, command_id, owner.id)).id
    plugin_http = httpx.AsyncClient(base_url=live.http_url, headers=bearer(plugin_token))

    async with plugin_http, graphql_socket(live, bearer_payload(token)) as ws:
        await subscribe(ws, "1", JOB_UPDATED, {"jobId": job_id})
        first = await receive(ws)
        assert (first["id"], first["type"]) == ("1", "next")
        assert first["payload"]["data"] == {
            "jobUpdated": {"jobId": job_id, "status": "QUEUED", "step": None, "heartbeat": None}
        }

        beat = await plugin_http.post(f"/qiita_db/jobs/{job_id}/heartbeat/")
        assert beat.status_code == 200
        running = (await receive(ws))["payload"]["data"]["jobUpdated"]
        assert running["status"] == "RUNNING"
        assert running["heartbeat"] is not None

        step = await plugin_http.post(
            f"/qiita_db/jobs/{job_id}/step/", content=json.dumps({"step": "Demultiplexing"})
        )
        assert step.status_code == 200
        stepped = (await receive(ws))["payload"]["data"]["jobUpdated"]
        assert (stepped["status"], stepped["step"]) == ("RUNNING", "Demultiplexing")

        await ws.send(json.dumps({"id": "1", "type": "complete"}))
        await wait_for_subscribers(live.services, "job", 0)


async def test_jobs_updated_pushes_only_readable_jobs_matching_the_filter(
    live: LiveServer,
) -> None:
    owner = await make_user(live.services)
    stranger = await make_user(live.services)
    token = await token_for(live.services, "user", account=owner)
    software_id = await make_software(live.services)
    command_id = await make_command(live.services, software_id)
    strangers_job = (await make_job(live.services, command_id, stranger.id)).id
    failing_job = (await make_job(live.services, command_id, owner.id)).id
    own_job = (await make_job(live.services, command_id, owner.id)).id
    plugin = await _plugin(live, software_id)

    async with graphql_socket(live, bearer_payload(token)) as ws:
        await subscribe(ws, "all", JOBS_UPDATED, {"filter": {"status": ["RUNNING"]}})
        await wait_for_subscribers(live.services, "job", 1)

        await _heartbeat(live, plugin, strangers_job)  # running, but not the caller's: skipped
        async with unit_of_work(live.services, plugin) as ctx:  # readable, not running: skipped
            await lifecycle.fail_job(ctx, failing_job, "Out of memory")
        await _heartbeat(live, plugin, own_job)

        message = await receive(ws)
        assert (message["id"], message["type"]) == ("all", "next")
        assert message["payload"]["data"] == {
            "jobsUpdated": {"jobId": own_job, "status": "RUNNING", "step": None}
        }


async def test_subscribing_to_a_job_of_someone_else_is_an_error(live: LiveServer) -> None:
    owner = await make_user(live.services)
    token = await token_for(live.services, "user")
    command_id = await make_command(live.services)
    job_id = (await make_job(live.services, command_id, owner.id)).id

    async with graphql_socket(live, bearer_payload(token)) as ws:
        await subscribe(ws, "1", JOB_UPDATED, {"jobId": job_id})
        message = await receive(ws)
        assert message["type"] == "next"
        assert message["payload"]["data"] is None
        [error] = message["payload"]["errors"]
        assert error["message"] == f"Job not found: {job_id}"
        assert error["extensions"] == {"code": "NOT_FOUND"}
        assert await receive(ws) == {"id": "1", "type": "complete"}


@pytest.mark.parametrize(
    "payload",
    [{}, {"Authorization": "Bearer not-a-token"}, {"headers": {"authorization": "Basic eA=="}}],
    ids=["no-token", "unknown-token", "not-bearer"],
)
async def test_socket_without_a_valid_token_is_closed_4403(
    live: LiveServer, payload: dict[str, object]
) -> None:
    async with connect(live.ws_url, subprotocols=[PROTOCOL], open_timeout=10) as ws:  # type: ignore[list-item]
        await ws.send(json.dumps({"type": "connection_init", "payload": payload}))
        with pytest.raises(ConnectionClosed) as closed:
            await receive(ws)
    assert closed.value.rcvd is not None
    assert (closed.value.rcvd.code, closed.value.rcvd.reason) == (4403, "Forbidden")


async def test_token_in_the_handshake_header_is_enough(live: LiveServer) -> None:
    owner = await make_user(live.services)
    token = await token_for(live.services, "user", account=owner)
    command_id = await make_command(live.services)
    job_id = (await make_job(live.services, command_id, owner.id)).id
    async with connect(
        live.ws_url,
        subprotocols=[PROTOCOL],  # type: ignore[list-item]
        additional_headers={"Authorization": f"Bearer {token}"},
        open_timeout=10,
    ) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
        assert await receive(ws) == {"type": "connection_ack"}
        await subscribe(ws, "1", JOB_UPDATED, {"jobId": job_id})
        assert (await receive(ws))["payload"]["data"]["jobUpdated"]["status"] == "QUEUED"


@pytest.mark.parametrize(
    "subprotocols", [["graphql-ws"], None], ids=["legacy-graphql-ws", "no-subprotocol"]
)
async def test_socket_without_graphql_transport_ws_is_refused_at_handshake(
    live: LiveServer, subprotocols: list[str] | None
) -> None:
    with pytest.raises(InvalidStatus) as refused:
        async with connect(live.ws_url, subprotocols=subprotocols, open_timeout=10):  # type: ignore[arg-type]
            pass
    assert refused.value.response.status_code == 403


async def test_jobs_updated_with_an_unknown_status_fails_at_once(live: LiveServer) -> None:
    token = await token_for(live.services, "user")
    async with graphql_socket(live, bearer_payload(token)) as ws:
        await subscribe(ws, "bad", JOBS_UPDATED, {"filter": {"status": ["sleeping"]}})
        message = await receive(ws)
        assert (message["id"], message["type"]) == ("bad", "error")
        [error] = message["payload"]
        assert "Value 'sleeping' does not exist in 'JobStatus' enum" in error["message"]
    await wait_for_subscribers(live.services, "job", 0)


async def test_closing_the_socket_ends_its_subscriptions(live: LiveServer) -> None:
    token = await token_for(live.services, "user")
    async with graphql_socket(live, bearer_payload(token)) as ws:
        await subscribe(ws, "a", JOBS_UPDATED, {})
        await subscribe(ws, "b", JOBS_UPDATED, {"filter": {"status": ["ERROR"]}})
        await wait_for_subscribers(live.services, "job", 2)
    await wait_for_subscribers(live.services, "job", 0)


async def test_revoking_the_token_ends_the_subscription_at_the_next_change(
    live: LiveServer,
) -> None:
    owner = await make_user(live.services)
    token = await token_for(live.services, "user", account=owner)
    software_id = await make_software(live.services)
    command_id = await make_command(live.services, software_id)
    job_id = (await make_job(live.services, command_id, owner.id)).id
    plugin = await _plugin(live, software_id)

    async with graphql_socket(live, bearer_payload(token)) as ws:
        await subscribe(ws, "1", JOB_UPDATED, {"jobId": job_id})
        assert (await receive(ws))["payload"]["data"]["jobUpdated"]["status"] == "QUEUED"
        await tokens.revoke_tokens(live.services, account_id=owner.id)
        await _heartbeat(live, plugin, job_id)
        message = await receive(ws)
        assert (message["id"], message["type"]) == ("1", "next")
        assert message["payload"]["errors"] == [
            {
                "message": "Oauth2 error: token has timed out",
                "extensions": {"code": "UNAUTHENTICATED"},
            }
        ]
        assert await receive(ws) == {"id": "1", "type": "complete"}


async def test_socket_from_a_page_of_another_origin_is_refused(live: LiveServer) -> None:
    with pytest.raises(InvalidStatus) as refused:
        async with connect(
            live.ws_url,
            subprotocols=[PROTOCOL],  # type: ignore[list-item]
            origin="http://elsewhere.example",  # type: ignore[arg-type]
            open_timeout=10,
        ):
            pass
    assert refused.value.response.status_code == 403


async def test_socket_from_the_servers_own_pages_is_accepted(live: LiveServer) -> None:
    token = await token_for(live.services, "user")
    async with connect(
        live.ws_url,
        subprotocols=[PROTOCOL],  # type: ignore[list-item]
        origin=live.http_url,  # type: ignore[arg-type]
        open_timeout=10,
    ) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": bearer_payload(token)}))
        assert await receive(ws) == {"type": "connection_ack"}


async def test_subscribing_to_a_malformed_job_id_is_not_found(live: LiveServer) -> None:
    token = await token_for(live.services, "user")
    async with graphql_socket(live, bearer_payload(token)) as ws:
        await subscribe(ws, "1", JOB_UPDATED, {"jobId": "not-a-uuid"})
        message = await receive(ws)
        assert message["payload"]["errors"] == [
            {"message": "Job not found: not-a-uuid", "extensions": {"code": "NOT_FOUND"}}
        ]
        assert await receive(ws) == {"id": "1", "type": "complete"}
