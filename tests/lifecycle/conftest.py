"""Lifecycle fixtures: a real uvicorn on 127.0.0.1 whose plugins are real processes.

The listening socket is bound (port 0) before the app is built, so the server's
public URL — which the launched plugin processes call back — is known up front.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from sqlalchemy import select
from starlette.applications import Starlette

from db.models import (
    Account,
    Command,
    PrepTemplate,
    ProcessingJob,
    SampleTemplate,
    Software,
    Study,
    StudyPerson,
)
from db.settings import Settings
from gateway.app import create_app
from gateway.job_runtime import JobRuntime
from resolvers.artifacts.artifacts import create_artifact
from resolvers.context import Principal, Services, unit_of_work
from tests.lifecycle.plugin_files import write_fixture_plugins

START_TIMEOUT = 20.0
STOP_TIMEOUT = 15.0
JOB_TIMEOUT = 60.0
_serial = itertools.count(1)


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


@pytest.fixture
async def live(settings: Settings) -> AsyncIterator[Live]:
    """A live server with the fixture plugins registered from their configuration files."""
    write_fixture_plugins(settings.resolved_plugins_dir)
    async with live_server(settings, heartbeat_timeout=2) as server:
        report = await asyncio.wait_for(server.jobs.registration_finished(), JOB_TIMEOUT)
        assert report is not None
        assert report.errors == []
        assert report.registered == ["Line types 1.0", "Line tools 0.1"]
        yield server


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


@dataclass(frozen=True)
class Owner:
    principal: Principal
    study_id: int
    prep_id: int


async def make_study(services: Services) -> Owner:
    serial = next(_serial)
    async with unit_of_work(services) as ctx:
        account = Account(
            email=f"owner{serial}@example.org",
            email_lower=f"owner{serial}@example.org",
            level="user",
            password_hash="x",
        )
        person = StudyPerson(name=f"PI {serial}", email="pi@example.org", affiliation="Lab")
        ctx.session.add_all([account, person])
        await ctx.session.flush()
        study = Study(
            owner_id=account.id,
            title=f"Lifecycle study {serial}",
            alias="lifecycle",
            description="d",
            abstract="a",
            principal_investigator_id=person.id,
            metadata_complete=False,
            mixs_compliant=False,
        )
        ctx.session.add(study)
        await ctx.session.flush()
        ctx.session.add(SampleTemplate(study_id=study.id))
        await ctx.session.flush()
        prep = PrepTemplate(study_id=study.id, data_type_id=1)
        ctx.session.add(prep)
        await ctx.session.flush()
        principal = Principal(kind="user", account_id=account.id, email=account.email, level="user")
        return Owner(principal=principal, study_id=study.id, prep_id=prep.id)


async def make_root_artifact(services: Services, owner: Owner, content: str) -> int:
    """A `line_table` artifact at the root of the owner's preparation."""
    uploads = services.settings.resolved_data_dir / "uploads" / str(owner.study_id)
    uploads.mkdir(parents=True, exist_ok=True)
    source = uploads / "input.txt"
    source.write_text(content)
    async with unit_of_work(services, Principal(kind="system")) as ctx:
        artifact = await create_artifact(
            ctx,
            artifact_type="line_table",
            files=[(str(source), "plain_text")],
            name="input lines",
            prep_id=owner.prep_id,
        )
        return artifact.id


def launch_log(settings: Settings, job_id: str) -> str:
    path: Path = settings.resolved_data_dir / "working_dir" / job_id / "qiita-launch.log"
    return path.read_text() if path.exists() else ""
