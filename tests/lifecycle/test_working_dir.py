"""Jobs run in `QIITA_WORKING_DIR` outside the data dir, as on a shared cluster file system.

The fixture plugins (real `qiita_client`, unchanged) write their outputs and HTML summary
into the output folder they are given; the server accepts them from there and moves them
into the data dir.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from db.models import Artifact, DataDirectory, FilepathType, StoredFile
from db.settings import Settings
from resolvers.context import unit_of_work
from resolvers.jobs.submission import submit_job
from tests.builders.studies import make_owned_study, make_root_artifact
from tests.lifecycle.job_rows import summary_job_of
from tests.lifecycle.live import JOB_TIMEOUT, Live, command_id, live_server, wait_for_status
from tests.lifecycle.plugin_files import write_fixture_plugins


@pytest.fixture
async def scratch_live(settings: Settings, tmp_path: Path) -> AsyncIterator[Live]:
    write_fixture_plugins(settings.resolved_plugins_dir)
    scratch = tmp_path / "shared-scratch" / "qiita-jobs"
    async with live_server(settings, working_dir=scratch, heartbeat_timeout=2) as server:
        report = await asyncio.wait_for(server.jobs.registration_finished(), JOB_TIMEOUT)
        assert report is not None
        assert report.errors == []
        yield server


def log_of(live: Live, job_id: str) -> str:
    path = live.settings.resolved_working_dir / job_id / "qiita-launch.log"
    return path.read_text() if path.exists() else ""


async def test_job_folders_live_in_the_working_dir_and_outputs_move_into_the_data_dir(
    scratch_live: Live,
) -> None:
    services = scratch_live.services
    working_dir = scratch_live.settings.resolved_working_dir
    data_dir = scratch_live.settings.resolved_data_dir
    assert not working_dir.is_relative_to(data_dir)
    owner = await make_owned_study(services)
    root = await make_root_artifact(services, owner, "alpha\nbeta\n")
    upper = await command_id(services, "Line tools", "Upper case")
    async with unit_of_work(services, owner.principal) as ctx:
        job = await submit_job(ctx, upper, {"input_data": root}, user=owner.principal.account_id)

    done = await wait_for_status(services, job.id, "success", "error")
    assert done.status == "success", log_of(scratch_live, job.id)
    assert (working_dir / job.id / "qiita-launch.log").is_file()
    assert not (data_dir / "working_dir" / job.id).exists()

    async with services.sessions() as session:
        artifact = (
            await session.execute(select(Artifact).where(Artifact.produced_by_job_id == job.id))
        ).scalar_one()
        summary_job = await summary_job_of(session, artifact.id)
    summary = await wait_for_status(services, summary_job.id, "success", "error")
    assert summary.status == "success", log_of(scratch_live, summary_job.id)
    assert (working_dir / summary_job.id / "qiita-launch.log").is_file()

    async with services.sessions() as session:
        files = (
            await session.execute(
                select(FilepathType.name, DataDirectory.mountpoint, StoredFile.relpath)
                .join(FilepathType, FilepathType.id == StoredFile.filepath_type_id)
                .join(DataDirectory, DataDirectory.id == StoredFile.data_directory_id)
                .where(StoredFile.artifact_id == artifact.id)
            )
        ).all()
    stored = {kind: data_dir / mount / relpath for kind, mount, relpath in files}
    assert sorted(stored) == ["html_summary", "plain_text"]
    assert stored["plain_text"].read_text() == "ALPHA\nBETA\n"
    assert stored["html_summary"].is_file()
    assert all(path.is_relative_to(data_dir / "line_table") for path in stored.values())
    assert not (working_dir / job.id / "upper.txt").exists()
