"""Two server workers on one PostgreSQL database race for 50 queued jobs.

Both serve one listening socket and claim jobs from the same table; every job
must be launched exactly once (the plugin appends each launch to one file).
Both start with the same plugin configuration files: each plugin is registered
once, without errors.
"""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from db.models import Account, Command, CommandParameter, ProcessingJob
from db.session import create_engine, create_session_factory
from db.settings import Settings
from resolvers.auth.credentials import new_client_id, new_client_secret
from resolvers.context import Principal, Services, unit_of_work
from resolvers.jobs.submission import submit_job
from resolvers.plugins.registration import PluginDefinition, apply_plugin_definition
from tests.lifecycle.live import listening_socket, wait_until
from tests.lifecycle.plugin_files import FIXTURES, write_fixture_plugins
from tests.lifecycle.server_process import start_server, wait_until_healthy

# Several workers share one database only on PostgreSQL.
pytestmark = [pytest.mark.slow, pytest.mark.parametrize("backend", ["postgresql"])]

JOBS = 50


@pytest.fixture
async def observer(settings: Settings) -> AsyncIterator[Services]:
    engine = create_engine(settings)
    yield Services(settings=settings, sessions=create_session_factory(engine))
    await engine.dispose()


async def quick_command(services: Services, record: Path) -> tuple[int, int]:
    """The quick plugin (registered without a configuration file) and a user; their ids."""
    client_id, secret = new_client_id(), new_client_secret()
    environment = (
        f"export PATH='{Path(sys.executable).parent}':\"$PATH\"; "
        f"export QUICK_CLIENT_ID={client_id} QUICK_CLIENT_SECRET={secret} "
        f"QUICK_RECORD='{record}'"
    )
    definition = PluginDefinition(
        name="Quick",
        version="1",
        description="Completes at once",
        environment_script=environment,
        start_script=str(FIXTURES / "quick_plugin.py"),
        plugin_type="artifact transformation",
        client_id=client_id,
        client_secret=secret,
    )
    async with unit_of_work(services, Principal(kind="system")) as ctx:
        software = (await apply_plugin_definition(ctx, definition)).software
        command = Command(software_id=software.id, name="Quick", active=True)
        account = Account(
            email="load@example.org", email_lower="load@example.org", password_hash="x"
        )
        ctx.session.add_all([command, account])
        await ctx.session.flush()
        ctx.session.add(
            CommandParameter(command_id=command.id, name="n", type="integer", required=True)
        )
        return command.id, account.id


async def test_each_of_50_jobs_is_launched_exactly_once_by_two_workers(
    settings: Settings, observer: Services, tmp_path: Path
) -> None:
    record = tmp_path / "launches.txt"
    record.touch()
    command, account = await quick_command(observer, record)
    async with unit_of_work(observer, Principal(kind="user", account_id=account)) as ctx:
        job_ids = [(await submit_job(ctx, command, {"n": n}, user=account)).id for n in range(JOBS)]

    write_fixture_plugins(settings.resolved_plugins_dir)
    sock = listening_socket()
    port = sock.getsockname()[1]
    settings = settings.replace(public_url=f"http://127.0.0.1:{port}", port=port)
    extra = {"QIITA_MAX_LOCAL_JOBS": "4", "QIITA_HEARTBEAT_TIMEOUT": "120"}
    workers = [start_server(sock, settings, tmp_path / f"worker{n}.log", **extra) for n in range(2)]
    try:
        for worker in workers:
            await wait_until_healthy(settings.public_url, worker)

        async def all_done() -> bool:
            async with observer.sessions() as session:
                query = select(func.count()).where(
                    ProcessingJob.id.in_(job_ids), ProcessingJob.status.in_(("success", "error"))
                )
                return (await session.execute(query)).scalar_one() == JOBS

        await wait_until(observer, all_done, within=120)

        async def registered() -> bool:
            async with observer.sessions() as session:
                query = select(func.count()).where(Command.name == "Generate HTML summary")
                return (await session.execute(query)).scalar_one() == 1

        await wait_until(observer, registered, within=60)
        for worker in workers:
            log = worker.log()
            assert "registration of plugin" not in log, log
            assert "Traceback" not in log, log
        async with observer.sessions() as session:
            rows = (
                await session.execute(select(ProcessingJob).where(ProcessingJob.id.in_(job_ids)))
            ).scalars()
            jobs = {row.id: row for row in rows}
        launches = [line.split() for line in record.read_text().splitlines()]
        assert sorted(job for job, _ in launches) == sorted(job_ids)
        launchers = {int(parent) for _, parent in launches}
        assert launchers <= {worker.process.pid for worker in workers}
        assert {job.status for job in jobs.values()} == {"success"}
        assert {job.launcher for job in jobs.values()} == {"local"}
        assert len({job.external_id for job in jobs.values()}) == JOBS
    finally:
        for worker in workers:
            worker.stop()
        sock.close()
