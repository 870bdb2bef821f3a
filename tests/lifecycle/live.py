"""A real uvicorn on 127.0.0.1 for lifecycle tests, and waiting for what its jobs do.

The listening socket is bound (port 0) before the app is built, so the server's
public URL (which the launched plugin processes call back) is known up front.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import uvicorn
from sqlalchemy import select
from starlette.applications import Starlette

from db.models import Command, ProcessingJob, Software
from db.settings import Settings
from gateway.app import create_app
from gateway.job_runtime import JobRuntime
from resolvers.context import Services

START_TIMEOUT = 20.0
STOP_TIMEOUT = 15.0
JOB_TIMEOUT = 60.0


@dataclass(frozen=True)
class Live:
    app: Starlette
    settings: Settings
    url: str

    @property
    def services(self) -> Services:
        services: Services = self.app.state.services
        return services

    @property
    def jobs(self) -> JobRuntime:
        runtime: JobRuntime = self.app.state.jobs
        return runtime


def listening_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    return sock


def lifecycle_settings(settings: Settings, port: int, **changes: object) -> Settings:
    return settings.replace(
        port=port,
        public_url=f"http://127.0.0.1:{port}",
        launch_jobs=True,
        max_local_jobs=4,
        watchdog_interval=0.2,
        **changes,
    )


@asynccontextmanager
async def live_server(settings: Settings, **changes: object) -> AsyncIterator[Live]:
    sock = listening_socket()
    port = sock.getsockname()[1]
    effective = lifecycle_settings(settings, port, **changes)
    app = create_app(effective)
    server = uvicorn.Server(uvicorn.Config(app, lifespan="on", log_level="warning"))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        async with asyncio.timeout(START_TIMEOUT):
            while not server.started:
                if task.done():
                    task.result()
                    raise RuntimeError("uvicorn stopped before it started")
                await asyncio.sleep(0.01)
        yield Live(app=app, settings=effective, url=effective.public_url)
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, STOP_TIMEOUT)
        sock.close()


@asynccontextmanager
async def job_changes(services: Services) -> AsyncIterator[asyncio.Event]:
    """An event set whenever the server publishes a job change (cleared by the waiter)."""
    changed = asyncio.Event()

    async def listen() -> None:
        async for _ in services.events.subscribe("job"):
            changed.set()

    task = asyncio.create_task(listen())
    try:
        yield changed
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def wait_until(
    services: Services, check: Callable[[], Awaitable[bool]], *, within: float = JOB_TIMEOUT
) -> None:
    """Re-check `check` at every job event (and at least every 0.5 s) until it holds."""
    async with job_changes(services) as changed, asyncio.timeout(within):
        while True:
            changed.clear()
            if await check():
                return
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), 0.5)


async def job_row(services: Services, job_id: str) -> ProcessingJob:
    async with services.sessions() as session:
        job = await session.get(ProcessingJob, job_id)
        assert job is not None
        return job


async def wait_for_status(
    services: Services, job_id: str, *statuses: str, within: float = JOB_TIMEOUT
) -> ProcessingJob:
    async def reached() -> bool:
        return (await job_row(services, job_id)).status in statuses

    await wait_until(services, reached, within=within)
    return await job_row(services, job_id)


async def command_id(services: Services, plugin: str, name: str) -> int:
    async with services.sessions() as session:
        query = (
            select(Command.id)
            .join(Software, Software.id == Command.software_id)
            .where(Software.name == plugin, Command.name == name)
        )
        return (await session.execute(query)).scalar_one()


def launch_log(settings: Settings, job_id: str) -> str:
    path: Path = settings.resolved_data_dir / "working_dir" / job_id / "qiita-launch.log"
    return path.read_text() if path.exists() else ""
