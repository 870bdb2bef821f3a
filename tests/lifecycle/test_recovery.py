"""Killing the server (SIGKILL) while jobs run, then starting it again.

Jobs whose process survived keep running and finish against the new server; a
job whose process died meanwhile is failed; jobs that were still waiting for a
slot are launched by the new server. No job is launched twice, no artifact is
duplicated or lost.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from db.models import Artifact, LogEntry, ProcessingJob
from db.session import create_engine, create_session_factory
from db.settings import Settings
from gateway.launchers.local import process_is_alive
from resolvers.context import Services, unit_of_work
from resolvers.jobs.submission import submit_job
from tests.builders.studies import make_owned_study, make_root_artifact
from tests.lifecycle.live import (
    command_id,
    job_row,
    launch_log,
    listening_socket,
    wait_for_status,
    wait_until,
)
from tests.lifecycle.plugin_files import write_fixture_plugins
from tests.lifecycle.server_process import start_server, wait_until_healthy

pytestmark = pytest.mark.slow


@pytest.fixture
async def observer(settings: Settings) -> AsyncIterator[Services]:
    """Database access from the test process, independent of the server processes."""
    engine = create_engine(settings)
    yield Services(settings=settings, sessions=create_session_factory(engine))
    await engine.dispose()


async def registered(services: Services) -> None:
    async def ready() -> bool:
        try:
            await command_id(services, "Line tools", "Quick")
            await command_id(services, "Line types", "Generate HTML summary")
        except Exception:
            return False
        return True

    await wait_until(services, ready, within=60)


async def launches(settings: Settings, job_id: str) -> int:
    return launch_log(settings, job_id).count(f"started job {job_id}")


async def test_jobs_are_reconciled_after_the_server_is_killed(
    settings: Settings, observer: Services, tmp_path: Path
) -> None:
    write_fixture_plugins(settings.resolved_plugins_dir)
    sock = listening_socket()
    port = sock.getsockname()[1]
    settings = settings.replace(public_url=f"http://127.0.0.1:{port}", port=port)
    observer = Services(settings=settings, sessions=observer.sessions)
    common = {"QIITA_HEARTBEAT_TIMEOUT": "60", "QIITA_WATCHDOG_INTERVAL": "0.5"}
    first = start_server(sock, settings, tmp_path / "first.log", QIITA_MAX_LOCAL_JOBS="2", **common)
    second = None
    try:
        await wait_until_healthy(settings.public_url, first)
        await registered(observer)
        owner = await make_owned_study(observer)
        root = await make_root_artifact(observer, owner, "one\ntwo\nthree\n")
        user = owner.principal.account_id
        assert user is not None
        async with unit_of_work(observer, owner.principal) as ctx:
            slow = await submit_job(
                ctx,
                await command_id(observer, "Line tools", "Slow upper case"),
                {"input_data": root, "seconds": 5},
                user=user,
            )
        async with unit_of_work(observer, owner.principal) as ctx:
            dying = await submit_job(
                ctx,
                await command_id(observer, "Line tools", "Stall"),
                {"seconds": 1},
                user=user,
            )
        async with unit_of_work(observer, owner.principal) as ctx:
            quick = await command_id(observer, "Line tools", "Quick")
            waiting = [
                (await submit_job(ctx, quick, {"note": str(n)}, user=user)).id for n in range(2)
            ]
        await wait_for_status(observer, slow.id, "running")
        await wait_for_status(observer, dying.id, "running")
        for job_id in waiting:
            assert (await job_row(observer, job_id)).status == "queued"

        first.kill()
        dying_row = await job_row(observer, dying.id)
        assert dying_row.external_id is not None
        dying_pid = dying_row.external_id

        async def dying_exited() -> bool:
            return not process_is_alive(dying_pid, dying.id)

        await wait_until(observer, dying_exited, within=20)
        slow_row = await job_row(observer, slow.id)
        assert slow_row.external_id is not None
        assert process_is_alive(slow_row.external_id, slow.id)

        second = start_server(sock, settings, tmp_path / "second.log", **common)
        await wait_until_healthy(settings.public_url, second)

        dead = await wait_for_status(observer, dying.id, "success", "error")
        assert dead.status == "error"
        async with observer.sessions() as session:
            entry = await session.get(LogEntry, dead.error_log_id)
            assert entry is not None
            assert entry.msg == (
                f"The job's process (local id {dying_pid}) was gone when the server restarted."
            )
        for job_id in waiting:
            done = await wait_for_status(observer, job_id, "success", "error")
            assert done.status == "success", launch_log(settings, job_id) + second.log()
        finished = await wait_for_status(observer, slow.id, "success", "error")
        assert finished.status == "success", launch_log(settings, slow.id) + second.log()
        assert finished.external_id == slow_row.external_id

        async with observer.sessions() as session:
            produced = (
                await session.execute(
                    select(func.count()).where(Artifact.produced_by_job_id == slow.id)
                )
            ).scalar_one()
            artifact = (
                await session.execute(
                    select(Artifact).where(Artifact.produced_by_job_id == slow.id)
                )
            ).scalar_one()
        assert produced == 1
        table = settings.resolved_data_dir / "line_table" / str(artifact.id) / "slow.txt"
        assert table.read_text() == "ONE\nTWO\nTHREE\n"
        for job_id in (slow.id, dying.id, *waiting):
            assert await launches(settings, job_id) == 1, launch_log(settings, job_id)
        async with observer.sessions() as session:
            statuses = {
                row.id: row.status
                for row in (
                    await session.execute(
                        select(ProcessingJob).where(
                            ProcessingJob.id.in_([slow.id, dying.id, *waiting])
                        )
                    )
                ).scalars()
            }
        assert statuses == {
            slow.id: "success",
            dying.id: "error",
            waiting[0]: "success",
            waiting[1]: "success",
        }
    finally:
        first.stop()
        if second is not None:
            second.stop()
        sock.close()
