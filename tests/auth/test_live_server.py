"""End to end over a real socket: a uvicorn on 127.0.0.1 (port 0), spoken to with the
exact bytes qiita_client (through `requests`) sends: a form-encoded token request,
then `Authorization: Bearer <token>` on every call, re-authenticating on a timed-out token.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from urllib.parse import urlencode

import pytest

from db.settings import Settings
from gateway.app import create_app
from tests.builders.accounts import make_plugin_client, make_user
from tests.builders.jobs import make_job
from tests.builders.plugins import make_command
from tests.graphql_transport.live_server import LiveServer, serve

IO_TIMEOUT = 10.0
REQUESTS_HEADERS = {
    "User-Agent": "python-requests/2.32.3",
    "Accept-Encoding": "gzip, deflate",
    "Accept": "*/*",
    "Connection": "keep-alive",
}


@pytest.fixture
async def live(settings: Settings) -> AsyncIterator[LiveServer]:
    async with serve(create_app(settings)) as server:
        yield server


async def raw_request(
    port: int, method: str, path: str, headers: dict[str, str], body: bytes = b""
) -> tuple[int, dict[str, str], bytes]:
    """One HTTP/1.1 exchange over a fresh TCP connection; (status, headers, body)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        if body or method == "POST":
            lines.append(f"Content-Length: {len(body)}")
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        await writer.drain()
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), IO_TIMEOUT)
        status_line, *header_lines = head.decode("latin-1").rstrip("\r\n").split("\r\n")
        received = {}
        for line in header_lines:
            name, _, value = line.partition(":")
            received[name.strip().lower()] = value.strip()
        length = int(received.get("content-length", "0"))
        payload = await asyncio.wait_for(reader.readexactly(length), IO_TIMEOUT)
        return int(status_line.split()[1]), received, payload
    finally:
        writer.close()
        await writer.wait_closed()


async def authenticate(port: int, client_id: str, client_secret: str) -> str:
    """As qiita_client's `_fetch_token`: requests.post(url, data={...}) without a header."""
    form = urlencode(
        {"client_id": client_id, "client_secret": client_secret, "grant_type": "client"}
    ).encode()
    headers = REQUESTS_HEADERS | {"Content-Type": "application/x-www-form-urlencoded"}
    status, received, body = await raw_request(
        port, "POST", "/qiita_db/authenticate/", headers, form
    )
    assert status == 200
    assert received["content-type"] == "application/json; charset=UTF-8"
    payload = json.loads(body)
    assert payload["token_type"] == "Bearer"
    assert payload["expires_in"] == 3600
    return str(payload["access_token"])


async def test_qiita_client_flow_over_a_real_socket(live: LiveServer) -> None:
    services = live.services
    plugin = await make_plugin_client(services)
    assert plugin.software_id is not None
    assert plugin.client_secret is not None
    job = await make_job(
        services, await make_command(services, plugin.software_id, name="Split libraries"),
        await make_user(services), status="running", parameters={"input": 1},
    )  # fmt: skip

    token = await authenticate(live.port, plugin.client_id, plugin.client_secret)
    headers = REQUESTS_HEADERS | {"Authorization": f"Bearer {token}"}
    status, received, body = await raw_request(
        live.port, "GET", f"/qiita_db/jobs/{job.id}", headers
    )
    assert status == 200
    assert received["content-type"] == "application/json; charset=UTF-8"
    assert json.loads(body) == {
        "command": "Split libraries",
        "parameters": {"input": 1},
        "status": "running",
        "msg": "",
    }

    # A client whose first authentication failed sends `Bearer None`; the timed-out
    # answer makes it authenticate again and repeat the request once.
    stale = REQUESTS_HEADERS | {"Authorization": "Bearer None"}
    status, received, body = await raw_request(live.port, "GET", f"/qiita_db/jobs/{job.id}", stale)
    assert status == 400
    assert json.loads(body) == {
        "error": "invalid_grant",
        "error_description": "Oauth2 error: token has timed out",
    }
    fresh = await authenticate(live.port, plugin.client_id, plugin.client_secret)
    retry = REQUESTS_HEADERS | {"Authorization": f"Bearer {fresh}"}
    status, _, _ = await raw_request(
        live.port, "POST", f"/qiita_db/jobs/{job.id}/heartbeat/", retry
    )
    assert status == 200


async def test_wrong_secret_over_a_real_socket(live: LiveServer) -> None:
    plugin = await make_plugin_client(live.services)
    form = urlencode(
        {"client_id": plugin.client_id, "client_secret": "wrong", "grant_type": "client"}
    ).encode()
    headers = REQUESTS_HEADERS | {"Content-Type": "application/x-www-form-urlencoded"}
    status, _, body = await raw_request(live.port, "POST", "/qiita_db/authenticate/", headers, form)
    assert status == 400
    assert json.loads(body) == {
        "error": "invalid_client",
        "error_description": "Oauth2 error: invalid client information",
    }
