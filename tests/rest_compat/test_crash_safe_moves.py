"""A release of thousands of files killed with SIGKILL, then the server restarted.

The validator's completion runs in a subprocess (tests/rest_compat/crashing_completion.py)
that kills itself before its commit or after its commit half-way through the moves. After a
restart, fsck finds nothing, the job is finished or can be completed again (or, its plugin
gone, ends in error at start-up), and the next release gets a new artifact id without
colliding with anything left on disk.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from asgi_lifespan import LifespanManager
from sqlalchemy import func, select, update

from db.models import Artifact, LogEntry, ProcessingJob, StoredFile
from db.settings import Settings
from gateway.app import create_app
from gateway.launchers.local import LocalLauncher
from gateway.watchdog import Watchdog
from resolvers.context import Services, unit_of_work
from resolvers.files.fsck import FsckReport, run_fsck
from tests.builders.accounts import bearer
from tests.builders.world import SYSTEM, World, completion, job_dir, make_world_job, write_file
from tests.rest_compat.test_completion import complete, run_validator, validators_of

FILES = 2000
DEAD_PID = "999999999"
REPO = Path(__file__).resolve().parents[2]


async def fsck(services: Services) -> FsckReport:
    async with unit_of_work(services, SYSTEM) as ctx:
        return await run_fsck(ctx)


async def job_with_validator(
    client: httpx.AsyncClient, services: Services, world: World, count: int
) -> tuple[str, ProcessingJob, list[Path]]:
    """A Deblur job that reported `count` files; its validator running."""
    job_id = await make_world_job(services, world, status="running")
    folder = job_dir(services, job_id)
    files = [write_file(folder / f"part{i:04}.biom", f"{i}\n") for i in range(count)]
    body = completion({"deblur final table": [(path, "biom") for path in files]})
    assert (await complete(client, job_id, body, world.deblur.token)).status_code == 200
    [validator] = await validators_of(services, job_id)
    beat = await client.post(
        f"/qiita_db/jobs/{validator.id}/heartbeat/", headers=bearer(world.type_plugin.token)
    )
    assert beat.status_code == 200
    return job_id, validator, files


def validator_report(validator: ProcessingJob) -> str:
    files = json.loads(validator.parameters["files"])
    return json.dumps(
        {
            "success": True,
            "error": "",
            "artifacts": {
                "validated": {
                    "artifact_type": validator.parameters["artifact_type"],
                    "filepaths": [[p, t] for t, paths in files.items() for p in paths],
                    "archive": {},
                }
            },
        }
    )


def complete_and_get_killed(
    settings: Settings, validator: ProcessingJob, moment: str, tmp_path: Path
) -> None:
    body = tmp_path / "report.json"
    body.write_text(validator_report(validator))
    values = {"data_dir": str(settings.resolved_data_dir), "database_url": settings.database_url}
    finished = subprocess.run(
        [sys.executable, "-m", "tests.rest_compat.crashing_completion",
         json.dumps(values), validator.id, str(body), moment],
        cwd=REPO, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert finished.returncode == -signal.SIGKILL, finished.stderr


async def artifact_of(services: Services, job_id: str) -> tuple[int, list[Path]] | None:
    async with services.sessions() as session:
        artifact_id = (
            await session.execute(select(Artifact.id).where(Artifact.produced_by_job_id == job_id))
        ).scalar_one_or_none()
        if artifact_id is None:
            return None
        relpaths = (
            await session.execute(
                select(StoredFile.relpath).where(StoredFile.artifact_id == artifact_id)
            )
        ).scalars()
        root = services.settings.resolved_data_dir / "BIOM"
        return artifact_id, [root / relpath for relpath in relpaths]


async def job_status(services: Services, job_id: str) -> str:
    async with services.sessions() as session:
        job = await session.get(ProcessingJob, job_id)
        assert job is not None
        return job.status


async def stored_file_count(services: Services) -> int:
    async with services.sessions() as session:
        return (await session.execute(select(func.count()).select_from(StoredFile))).scalar_one()


@pytest.mark.parametrize("moment", ["before-commit", "after-1000-moves"])
async def test_a_release_killed_midway_is_recovered_at_restart(
    client: httpx.AsyncClient,
    services: Services,
    settings: Settings,
    world: World,
    tmp_path: Path,
    moment: str,
) -> None:
    job_id, validator, files = await job_with_validator(client, services, world, FILES)
    rows_before = await stored_file_count(services)

    complete_and_get_killed(settings, validator, moment, tmp_path)

    left = await fsck(services)
    orphans = [p for p in left.problems if p.kind == "orphan"]
    assert orphans == []
    if moment == "before-commit":
        assert left.clean
        assert await stored_file_count(services) == rows_before
        assert all(path.is_file() for path in files)
    else:
        assert {p.kind for p in left.problems} == {"pending_move", "missing"}

    restarted = create_app(settings)
    async with (
        LifespanManager(restarted),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=restarted), base_url="http://testserver"
        ) as again,
    ):
        if moment == "before-commit":
            assert await job_status(services, validator.id) == "running"
            retried = await complete(
                again, validator.id, validator_report(validator), world.type_plugin.token
            )
            assert retried.status_code == 200
        assert await job_status(services, validator.id) == "success"
        assert await job_status(services, job_id) == "success"
        released = await artifact_of(services, job_id)
        assert released is not None
        first_id, paths = released
        assert len(paths) == FILES
        assert all(path.is_file() for path in paths)
        assert not any(path.exists() for path in files)
        assert (await fsck(services)).clean

        next_job, next_validator, _ = await job_with_validator(again, services, world, 3)
        assert (await run_validator(again, world, next_validator)).status_code == 200
        assert await job_status(services, next_job) == "success"
        following = await artifact_of(services, next_job)
        assert following is not None
        assert following[0] > first_id
        assert all(path.is_file() for path in following[1])
        assert (await fsck(services)).clean


async def test_a_release_killed_before_commit_whose_plugin_is_gone_ends_in_error(
    client: httpx.AsyncClient,
    services: Services,
    settings: Settings,
    world: World,
    tmp_path: Path,
) -> None:
    job_id, validator, files = await job_with_validator(client, services, world, FILES)
    async with unit_of_work(services, SYSTEM) as ctx:
        await ctx.session.execute(
            update(ProcessingJob)
            .where(ProcessingJob.id == validator.id)
            .values(launcher="local", external_id=DEAD_PID)
        )

    complete_and_get_killed(settings, validator, "before-commit", tmp_path)

    restarted = create_app(settings)
    async with LifespanManager(restarted):
        services_after = restarted.state.services
        watchdog = Watchdog(services_after, LocalLauncher(2))
        assert (await watchdog.reconcile(startup=True)).failed == [validator.id]
        assert await job_status(services, validator.id) == "error"
        assert await job_status(services, job_id) == "error"
        assert await error_message(services, job_id) != ""
        assert await artifact_of(services, job_id) is None
        assert all(path.is_file() for path in files)
        assert (await fsck(services_after)).clean


async def error_message(services: Services, job_id: str) -> str:
    async with services.sessions() as session:
        job = await session.get(ProcessingJob, job_id)
        assert job is not None
        assert job.error_log_id is not None
        entry = await session.get(LogEntry, job.error_log_id)
        assert entry is not None
        return entry.msg
