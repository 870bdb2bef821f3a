"""A live server per test, job rows, and a small graphql-transport-ws client."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection, connect

from db.models import Command, ProcessingJob
from db.settings import Settings
from gateway.app import create_app
from resolvers.context import Services
from tests.factories import make_software, unique
from tests.graphql_transport.live_server import LiveServer, serve

PROTOCOL = "graphql-transport-ws"
RECEIVE_TIMEOUT = 10.0


@pytest.fixture
async def live(settings: Settings) -> AsyncIterator[LiveServer]:
    async with serve(create_app(settings)) as server:
        yield server


async def make_command(services: Services) -> tuple[int, int]:
    """A new software with one command: (software_id, command_id)."""
    software_id = await make_software(services)
    async with services.sessions() as session, session.begin():
        command = Command(software_id=software_id, name=unique("command-"))
        session.add(command)
        await session.flush()
        return software_id, command.id


async def make_job(
    services: Services, *, account_id: int, command_id: int, status: str = "queued"
) -> str:
    job_id = str(uuid.uuid4())
    async with services.sessions() as session, session.begin():
        session.add(
            ProcessingJob(id=job_id, account_id=account_id, command_id=command_id, status=status)
        )
    return job_id


async def receive(ws: ClientConnection) -> dict[str, Any]:
    message: dict[str, Any] = json.loads(await asyncio.wait_for(ws.recv(), RECEIVE_TIMEOUT))
    return message


@asynccontextmanager
async def graphql_socket(
    live: LiveServer, payload: dict[str, Any] | None = None
) -> AsyncIterator[ClientConnection]:
    """An acknowledged graphql-transport-ws connection, `payload` sent in connection_init."""
    async with connect(live.ws_url, subprotocols=[PROTOCOL], open_timeout=10) as ws:  # type: ignore[list-item]
        await ws.send(json.dumps({"type": "connection_init", "payload": payload or {}}))
        ack = await receive(ws)
        assert ack == {"type": "connection_ack"}
        yield ws


async def subscribe(
    ws: ClientConnection, operation_id: str, query: str, variables: dict[str, Any]
) -> None:
    message = {"query": query, "variables": variables}
    await ws.send(json.dumps({"id": operation_id, "type": "subscribe", "payload": message}))


def bearer_payload(token: str) -> dict[str, Any]:
    return {"Authorization": f"Bearer {token}"}
