"""A small graphql-transport-ws client."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

from tests.graphql_transport.live_server import LiveServer

PROTOCOL = "graphql-transport-ws"
RECEIVE_TIMEOUT = 10.0


async def receive(ws: ClientConnection) -> dict[str, Any]:
    """The next message, which must come in a text frame: browsers' graphql-ws clients
    (GraphiQL's) cannot read binary ones."""
    frame = await asyncio.wait_for(ws.recv(), RECEIVE_TIMEOUT)
    assert isinstance(frame, str), f"a binary WebSocket frame: {frame!r}"
    message: dict[str, Any] = json.loads(frame)
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
