"""A real uvicorn on 127.0.0.1, port 0, served from the test's own event loop.

Serving from the test's loop lets a test call resolvers with the server's own services
(the same engine and event bus) while a WebSocket client or a browser talks to it.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import uvicorn
from starlette.applications import Starlette

from resolvers.context import Services

START_TIMEOUT = 20.0
STOP_TIMEOUT = 10.0


@dataclass(frozen=True)
class LiveServer:
    app: Starlette
    port: int

    @property
    def http_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/graphql"

    @property
    def services(self) -> Services:
        services: Services = self.app.state.services
        return services


@asynccontextmanager
async def serve(app: Starlette) -> AsyncIterator[LiveServer]:
    config = uvicorn.Config(
        app, host="127.0.0.1", port=0, lifespan="on", log_level="warning", ws="websockets-sansio"
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    loop = asyncio.get_running_loop()
    deadline = loop.time() + START_TIMEOUT
    while not server.started:
        if task.done():
            task.result()
            raise RuntimeError("uvicorn stopped before it started")
        if loop.time() > deadline:
            raise TimeoutError("uvicorn did not start")
        await asyncio.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield LiveServer(app=app, port=port)
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, STOP_TIMEOUT)


async def wait_for_subscribers(services: Services, topic: str, count: int) -> None:
    """Until exactly `count` subscribers listen on `topic` in the server (bounded)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 10.0
    while services.events.subscriber_count(topic) != count:  # type: ignore[attr-defined]
        if loop.time() > deadline:
            raise TimeoutError(f"not {count} subscribers on {topic!r} within 10 s")
        await asyncio.sleep(0.01)
