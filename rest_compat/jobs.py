"""`/qiita_db/jobs/...`: job lookup, heartbeat, step and completion (plugin-api.md §3)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from resolvers.jobs import completion, lifecycle
from rest_compat.bearer import authenticated_unit_of_work
from rest_compat.encoding import (
    MalformedBody,
    empty_response,
    json_response,
    read_json_document,
)
from rest_compat.qiita_routing import captured


async def get_job(request: Request) -> Response:
    """§3.1: command name, stored parameters, status and error message."""
    async with authenticated_unit_of_work(request) as ctx:
        summary = await lifecycle.get_job_summary(ctx, captured(request, "job_id"))
    return json_response(
        {
            "command": summary.command_name,
            "parameters": summary.parameters,
            "status": summary.status,
            "msg": summary.message,
        }
    )


async def heartbeat(request: Request) -> Response:
    """§3.2: the body is ignored (qiita_client sends none)."""
    async with authenticated_unit_of_work(request) as ctx:
        await lifecycle.heartbeat_job(ctx, captured(request, "job_id"))
    return empty_response()


async def step(request: Request) -> Response:
    """§3.3: raw JSON body `{"step": ...}`, whatever the Content-Type."""
    async with authenticated_unit_of_work(request) as ctx:
        job_id = lifecycle.parse_job_id(captured(request, "job_id"))
        body = await read_json_document(request)
        if not isinstance(body, dict) or not isinstance(body.get("step"), str):
            raise MalformedBody("The body must be a JSON object with a string 'step'.")
        await lifecycle.set_job_step(ctx, job_id, body["step"])
    return empty_response()


async def complete(request: Request) -> Response:
    """§3.4: raw JSON completion report, checked and applied at once."""
    async with authenticated_unit_of_work(request) as ctx:
        job_id = lifecycle.parse_job_id(captured(request, "job_id"))
        payload = await read_json_document(request)
        await completion.complete_job(ctx, job_id, payload)
    return empty_response()
