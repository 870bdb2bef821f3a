"""Slurm jobs run in `QIITA_WORKING_DIR` outside the data dir (a shared cluster file system)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from db.models import Artifact, StoredFile
from db.settings import Settings
from resolvers.context import unit_of_work
from resolvers.jobs.submission import submit_job
from tests.builders.studies import make_owned_study, make_root_artifact
from tests.lifecycle.live import JOB_TIMEOUT, Live, command_id, live_server, wait_for_status
from tests.lifecycle.plugin_files import write_fixture_plugins

pytestmark = pytest.mark.usefixtures("slurm_cluster")


@pytest.fixture
async def slurm_scratch_live(settings: Settings, tmp_path: Path) -> AsyncIterator[Live]:
    write_fixture_plugins(settings.resolved_plugins_dir)
    async with live_server(
        settings,
        launcher="slurm",
        working_dir=tmp_path / "shared-scratch" / "qiita-jobs",
        slurm_time="0:05:00",
        slurm_mem="64M",
        slurm_cpus=1,
        heartbeat_timeout=10,
    ) as server:
        report = await asyncio.wait_for(server.jobs.registration_finished(), JOB_TIMEOUT)
        assert report is not None
        assert report.errors == []
        yield server


async def test_slurm_job_runs_in_the_working_dir_and_its_output_moves_into_the_data_dir(
    slurm_scratch_live: Live,
) -> None:
    live = slurm_scratch_live
    services = live.services
    working_dir = live.settings.resolved_working_dir
    data_dir = live.settings.resolved_data_dir
    owner = await make_owned_study(services)
    root = await make_root_artifact(services, owner, "alpha\n")
    upper = await command_id(services, "Line tools", "Upper case")
    async with unit_of_work(services, owner.principal) as ctx:
        job = await submit_job(ctx, upper, {"input_data": root}, user=owner.principal.account_id)

    done = await wait_for_status(services, job.id, "success", "error")
    log = working_dir / job.id / "qiita-launch.log"
    assert done.status == "success", log.read_text() if log.exists() else ""
    assert done.launcher == "slurm"
    script = (working_dir / job.id / "qiita-launch.sbatch").read_text()
    assert str(working_dir / job.id) in script
    assert not (data_dir / "working_dir" / job.id).exists()
    async with services.sessions() as session:
        artifact_id = (
            await session.execute(select(Artifact.id).where(Artifact.produced_by_job_id == job.id))
        ).scalar_one()
        relpaths = (
            await session.execute(
                select(StoredFile.relpath).where(StoredFile.artifact_id == artifact_id)
            )
        ).scalars()
        assert f"{artifact_id}/upper.txt" in list(relpaths)
    assert (data_dir / "line_table" / str(artifact_id) / "upper.txt").read_text() == "ALPHA\n"
