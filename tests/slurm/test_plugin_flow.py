"""The plugin flow with every job run by the real single-node Slurm.

Same fixture plugins and live uvicorn as the local launcher's lifecycle tests; only the
launcher differs. The batch jobs run on this machine, so the plugins call back to 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import shlex
import subprocess
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select, update

from db.files import crc32_checksum
from db.models import (
    Artifact,
    Command,
    DataDirectory,
    FilepathType,
    LogEntry,
    ProcessingJob,
    StoredFile,
)
from db.settings import Settings
from resolvers.context import unit_of_work
from resolvers.jobs.submission import submit_job
from tests.builders.studies import make_owned_study, make_root_artifact
from tests.lifecycle.job_rows import summary_job_of, validators_of
from tests.lifecycle.live import (
    JOB_TIMEOUT,
    Live,
    command_id,
    launch_log,
    live_server,
    wait_for_status,
)
from tests.lifecycle.plugin_files import TRANSFORM_PLUGIN, write_fixture_plugins

pytestmark = pytest.mark.usefixtures("slurm_cluster")


@pytest.fixture
async def slurm_live(settings: Settings) -> AsyncIterator[Live]:
    """A live server launching through Slurm, the fixture plugins registered."""
    write_fixture_plugins(settings.resolved_plugins_dir)
    async with live_server(
        settings,
        launcher="slurm",
        slurm_time="0:05:00",
        slurm_mem="64M",
        slurm_cpus=1,
        heartbeat_timeout=10,
    ) as server:
        report = await asyncio.wait_for(server.jobs.registration_finished(), JOB_TIMEOUT)
        assert report is not None
        assert report.errors == []
        yield server


async def slurm_job(external_id: str) -> dict[str, str]:
    """`scontrol show job` as a dict, run off the event loop the live server shares."""
    shown = await asyncio.to_thread(
        subprocess.run,
        ["scontrol", "--oneliner", "show", "job", external_id],
        capture_output=True,
        text=True,
        timeout=10,
        check=True,
    )
    return dict(part.split("=", 1) for part in shown.stdout.split() if "=" in part)


async def set_resources(live: Live, command: int, resources: dict[str, str]) -> None:
    async with unit_of_work(live.services) as ctx:
        await ctx.session.execute(
            update(Command).where(Command.id == command).values(resources=resources)
        )


async def test_transformation_job_on_slurm_ends_as_released_artifact_with_html_summary(
    slurm_live: Live,
) -> None:
    services = slurm_live.services
    owner = await make_owned_study(services)
    root = await make_root_artifact(services, owner, "alpha\nbeta\n")
    upper = await command_id(services, "Line tools", "Upper case")
    await set_resources(slurm_live, upper, {"mem": "72M", "time": "0:04:00"})

    async with unit_of_work(services, owner.principal) as ctx:
        job = await submit_job(ctx, upper, {"input_data": root}, user=owner.principal.account_id)

    done = await wait_for_status(services, job.id, "success", "error")
    assert done.status == "success", launch_log(slurm_live.settings, job.id)
    assert done.launcher == "slurm"
    assert done.external_id is not None
    transform = await slurm_job(done.external_id)
    assert transform["JobName"] == f"qiita-{job.id}"
    assert (transform["MinMemoryNode"], transform["TimeLimit"]) == ("72M", "00:04:00")
    job_dir = slurm_live.settings.resolved_data_dir / "working_dir" / job.id
    assert (
        f"exec {start_command(slurm_live, job.id)}\n"
        in (job_dir / "qiita-launch.sbatch").read_text()
    )

    async with services.sessions() as session:
        artifact = (
            await session.execute(select(Artifact).where(Artifact.produced_by_job_id == job.id))
        ).scalar_one()
        [validator] = await validators_of(session, job.id)
        summary_job = await summary_job_of(session, artifact.id)
    assert (artifact.name, artifact.prep_id) == ("upper", owner.prep_id)
    assert (validator.status, validator.launcher) == ("success", "slurm")
    assert validator.external_id is not None
    # The validator's command has no resources of its own: the settings' defaults apply.
    assert (await slurm_job(validator.external_id))["MinMemoryNode"] == "64M"

    summary = await wait_for_status(services, summary_job.id, "success", "error")
    assert summary.status == "success", launch_log(slurm_live.settings, summary_job.id)
    assert summary.launcher == "slurm"

    async with services.sessions() as session:
        files = (
            await session.execute(
                select(StoredFile, FilepathType.name, DataDirectory.mountpoint)
                .join(FilepathType, FilepathType.id == StoredFile.filepath_type_id)
                .join(DataDirectory, DataDirectory.id == StoredFile.data_directory_id)
                .where(StoredFile.artifact_id == artifact.id)
                .order_by(StoredFile.id)
            )
        ).all()
    data_dir = slurm_live.settings.resolved_data_dir
    by_type = {kind: (row, data_dir / mount / row.relpath) for row, kind, mount in files}
    assert sorted(by_type) == ["html_summary", "plain_text"]
    table_row, table_path = by_type["plain_text"]
    assert table_path == data_dir / "line_table" / str(artifact.id) / "upper.txt"
    assert table_path.read_text() == "ALPHA\nBETA\n"
    assert table_row.checksum == crc32_checksum(table_path)
    assert by_type["html_summary"][1].read_text() == "<h1>upper</h1><p>2 lines</p>"


def start_command(live: Live, job_id: str) -> str:
    """The start command line the batch script runs for `job_id`, as the script quotes it."""
    job_dir = live.settings.resolved_data_dir / "working_dir" / job_id
    return shlex.join([str(TRANSFORM_PLUGIN[3]), live.url, job_id, str(job_dir)])


async def test_crashing_plugin_on_slurm_fails_its_job_with_its_output(slurm_live: Live) -> None:
    services = slurm_live.services
    owner = await make_owned_study(services)
    crash = await command_id(services, "Line tools", "Crash")

    async with unit_of_work(services, owner.principal) as ctx:
        job = await submit_job(ctx, crash, {"note": "x"}, user=owner.principal.account_id)
    failed = await wait_for_status(services, job.id, "success", "error")

    assert failed.status == "error"
    assert failed.launcher == "slurm"
    assert failed.external_id is not None
    assert (await slurm_job(failed.external_id))["JobState"] == "FAILED"
    message = await error_message(slurm_live, failed)
    assert message.startswith(
        f"error from launch_slurm when launching cmd='{start_command(slurm_live, job.id)}'"
    )
    assert "\nexit status 3\n" in message
    assert message.endswith("the plugin is about to crash\n")


async def test_unknown_partition_of_a_command_fails_its_job_at_submission(
    slurm_live: Live,
) -> None:
    services = slurm_live.services
    owner = await make_owned_study(services)
    quick = await command_id(services, "Line tools", "Quick")
    await set_resources(slurm_live, quick, {"partition": "nosuchpartition"})

    async with unit_of_work(services, owner.principal) as ctx:
        job = await submit_job(ctx, quick, {"note": "x"}, user=owner.principal.account_id)
    failed = await wait_for_status(services, job.id, "success", "error")

    assert failed.status == "error"
    assert failed.external_id is None
    message = await error_message(slurm_live, failed)
    assert message.startswith(
        f"Error launching job {job.id} with the slurm launcher: Error submitting job: "
        "sbatch exited with 1: sbatch: error: invalid partition specified: nosuchpartition"
    )


async def error_message(live: Live, job: ProcessingJob) -> str:
    async with live.services.sessions() as session:
        assert job.error_log_id is not None
        entry = await session.get(LogEntry, job.error_log_id)
        assert entry is not None
        return entry.msg


async def test_job_cancelled_in_slurm_ends_in_error_with_slurm_message(slurm_live: Live) -> None:
    services = slurm_live.services
    owner = await make_owned_study(services)
    stall = await command_id(services, "Line tools", "Stall")

    async with unit_of_work(services, owner.principal) as ctx:
        job = await submit_job(ctx, stall, {"seconds": 120}, user=owner.principal.account_id)
    running = await wait_for_status(services, job.id, "running")
    assert running.external_id is not None
    await asyncio.to_thread(
        subprocess.run, ["scancel", running.external_id], timeout=10, check=True
    )
    failed = await wait_for_status(services, job.id, "success", "error")

    assert failed.status == "error"
    assert (await slurm_job(running.external_id))["JobState"] == "CANCELLED"
    message = await error_message(slurm_live, failed)
    assert message.startswith(
        f"error from launch_slurm when launching cmd='{start_command(slurm_live, job.id)}'"
    )
    assert f"*** JOB {running.external_id} ON " in message
    assert " CANCELLED AT " in message
