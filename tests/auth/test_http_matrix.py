"""The authorization matrix over HTTP, on the routes that exist: heartbeat
(`POST /qiita_db/jobs/<id>/heartbeat/`) and study reads (`GET /api/v1/study/<id>`)."""

from __future__ import annotations

import httpx
import pytest

from db.models import ProcessingJob
from resolvers.context import Services
from tests.builders.accounts import bearer, make_plugin_client, make_software, make_user, token_for
from tests.builders.jobs import make_job
from tests.builders.plugins import make_command
from tests.builders.studies import make_study

OAUTH_MISSING = {
    "error": "invalid_request",
    "error_description": "Oauth2 error: invalid access token",
}


async def token_of_kind(services: Services, kind: str, software_id: int) -> str | None:
    if kind == "anonymous":
        return None
    if kind == "plugin":
        client = await make_plugin_client(services, software_id=software_id)
        return await token_for(services, "plugin", client=client)
    return await token_for(services, kind)  # type: ignore[arg-type]


async def two_plugin_jobs(services: Services) -> tuple[int, ProcessingJob, ProcessingJob]:
    owner = await make_user(services)
    own, other = await make_software(services), await make_software(services)
    own_job = await make_job(services, await make_command(services, own), owner, status="running")
    other_job = await make_job(
        services, await make_command(services, other), owner, status="running"
    )
    return own, own_job, other_job


USER_TOKEN_WRITE = {
    "message": "Plugin-API writes need a client token (grant_type=client); "
    "a user's token may only read."
}

HEARTBEAT = {  # kind: (own plugin's job, another plugin's job); user tokens only read
    "plugin": (200, 403),
    "system": (200, 200),
    "admin": (403, 403),
    "user": (403, 403),
    "guest": (403, 403),
    "anonymous": (400, 400),
}


@pytest.mark.parametrize("kind", list(HEARTBEAT))
async def test_heartbeat_over_http(
    client: httpx.AsyncClient, services: Services, kind: str
) -> None:
    software_id, own_job, other_job = await two_plugin_jobs(services)
    token = await token_of_kind(services, kind, software_id)
    headers = bearer(token) if token else {}
    statuses = []
    for job in (own_job, other_job):
        response = await client.post(f"/qiita_db/jobs/{job.id}/heartbeat/", headers=headers)
        statuses.append(response.status_code)
        if response.status_code == 200:
            assert response.content == b""
        elif response.status_code == 400:
            assert response.json() == OAUTH_MISSING
        elif kind in ("plugin", "system"):
            assert "may not act on job" in response.text
        else:
            assert response.json() == USER_TOKEN_WRITE
    assert tuple(statuses) == HEARTBEAT[kind]


STUDY_READ = {  # kind: (public study, someone else's private study)
    "admin": (200, 200),
    "user": (200, 404),
    "guest": (200, 404),
    "plugin": (200, 200),
    "system": (200, 200),
}


@pytest.mark.parametrize("kind", list(STUDY_READ))
async def test_study_read_over_http(
    client: httpx.AsyncClient, services: Services, kind: str
) -> None:
    stranger = await make_user(services)
    public = await make_study(services, stranger, public=True)
    private = await make_study(services, stranger)
    token = await token_of_kind(services, kind, await make_software(services))
    assert token is not None
    statuses = []
    for study in (public, private):
        response = await client.get(f"/api/v1/study/{study}", headers=bearer(token))
        statuses.append(response.status_code)
    assert tuple(statuses) == STUDY_READ[kind]


async def test_owner_reads_own_private_study_over_http(
    client: httpx.AsyncClient, services: Services
) -> None:
    owner = await make_user(services)
    study = await make_study(services, owner)
    token = await token_for(services, "user", account=owner)
    response = await client.get(f"/api/v1/study/{study}", headers=bearer(token))
    assert response.status_code == 200


@pytest.mark.parametrize("method", ["GET", "HEAD"])
async def test_study_routes_refuse_requests_without_a_token(
    client: httpx.AsyncClient, services: Services, method: str
) -> None:
    study = await make_study(services, await make_user(services), public=True)
    response = await client.request(method, f"/api/v1/study/{study}")
    assert response.status_code == 400
    if method == "GET":
        assert response.json() == OAUTH_MISSING


async def test_head_on_a_plugin_route_is_authenticated_like_get(
    client: httpx.AsyncClient, services: Services
) -> None:
    """decisions.md: HEAD requires the same authentication as GET (Qiita answered 200)."""
    software_id, job, _ = await two_plugin_jobs(services)
    path = f"/qiita_db/jobs/{job.id}"
    refused = await client.head(path)
    assert refused.status_code == 400
    assert refused.content == b""
    token = await token_of_kind(services, "plugin", software_id)
    assert token is not None
    assert (await client.head(path, headers=bearer(token))).status_code == 200
