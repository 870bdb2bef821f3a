"""A live server for the fuzz tests: uvicorn in a thread, the demo loaded, tokens issued."""

from __future__ import annotations

import asyncio
import threading

import uvicorn

from db.settings import Settings
from gateway.app import create_app
from gateway.demo import load_demo
from resolvers.auth.tokens import issue_token
from resolvers.context import SYSTEM, Services, unit_of_work
from tests.builders.accounts import make_system_client

START_TIMEOUT = 30.0


class FuzzServer:
    """uvicorn in a thread with its own event loop; the demo loaded, an admin and a client token."""

    def __init__(self, settings: Settings) -> None:
        self.app = create_app(settings)
        self.server = uvicorn.Server(
            uvicorn.Config(self.app, host="127.0.0.1", port=0, log_level="warning")
        )
        self.admin_token = ""
        self.client_token = ""
        self.thread = threading.Thread(target=asyncio.run, args=(self._run(),), daemon=True)
        self.ready = threading.Event()

    async def _run(self) -> None:
        task = asyncio.create_task(self.server.serve())
        for _ in range(int(START_TIMEOUT / 0.05)):
            if self.server.started or task.done():
                break
            await asyncio.sleep(0.05)
        if self.server.started:
            services: Services = self.app.state.services
            async with unit_of_work(services, SYSTEM) as ctx:
                await load_demo(ctx)
            self.admin_token = (
                await issue_token(services, client_id="qiita-demo-password-client", account_id=1)
            ).access_token
            client = await make_system_client(services)
            self.client_token = (
                await issue_token(services, client_id=client.client_id)
            ).access_token
        self.ready.set()
        await task

    @property
    def url(self) -> str:
        port = self.server.servers[0].sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"

    def __enter__(self) -> FuzzServer:
        self.thread.start()
        if not self.ready.wait(START_TIMEOUT) or not self.admin_token:
            raise RuntimeError("the fuzzing server did not start")
        return self

    def __exit__(self, *_: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)
